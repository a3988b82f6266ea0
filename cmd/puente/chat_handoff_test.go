package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"
)

// Ensure the terminal walks the handoff as the bot shows it (the organisations that take
// it, what the one chosen will see, Back to the choice) up to where a real case would
// start, and says so there: the terminal opens no case.
func TestChatWalksTheHandoff(t *testing.T) {
	_, vars, db, seed := seededData(t)
	var takers []*directory.Listing
	for _, l := range seed {
		l := *l
		l.AcceptsHandoff = true
		takers = append(takers, &l)
	}
	if _, err := db.ImportDirectory(context.Background(), takers, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// A topic, "just find an organisation", its need, area and preference, then the handoff
	// button, the second organisation, Back, the first, and yes.
	out, err := chatIn(t, vars, strings.Fields("1 4 1 1 2 1 2 3 1 1"), "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	rest := out
	for _, want := range []string{
		"Write to them here, no name",
		"Which organisation would you like to write to here?\nThey will not see your name or your Telegram account.\n\n[1] National Domestic Abuse Helpline\n[2] Southall Black Sisters (SBS)",
		"here is what Southall Black Sisters (SBS) will see",
		"[1] Yes, start\n[2] No, thanks\n[3] Back\n[4] Menu\n[5] Exit and erase",
		"Which organisation would you like to write to here?", // Back from consent
		"here is what National Domestic Abuse Helpline will see",
		"Here a real conversation with the organisation would start. This is only a preview: nothing was sent to anyone.",
		"Here is a list.", // and the list again, whose buttons work
	} {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("the walk lacks %q after what came before:\n%s", want, out)
		}
		rest = rest[i+len(want):]
	}
}
