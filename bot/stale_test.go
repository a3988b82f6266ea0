package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/store"
)

// buttonOn returns the newest visible message of the bot to u with a button labelled label, and
// the button's data, so a test can press it again later, after the screen went stale.
func buttonOn(h *harness, u telegramtest.User, label string) (msgID int, data string) {
	h.t.Helper()
	ms := h.fake.Visible(u.ID)
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if ms[i].FromBot && b.Text == label {
					return ms[i].ID, b.CallbackData
				}
			}
		}
	}
	h.t.Fatalf("no button %q in the chat", label)
	return 0, ""
}

// Ensure a "Yes, share it" shown for organisation A, pressed after that case ended and another
// opened with B, shares nothing with B: the confirmation named A. (It used to post the
// username into B's topic.)
func TestStaleShareButtonSharesNothing(t *testing.T) {
	rec := &recorder{}
	fake := telegramtest.NewWith(t, rec)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	h.link(groupB, orgB, worker2)
	h.openCase(person, groupA, orgA.Name)
	h.press(person, "Share my username…")
	h.screen(person, "@"+person.Username)
	yesMsg, yes := buttonOn(h, person, "Yes, share it")
	_, stop := buttonOn(h, person, "Share my username…")

	fake.SendText(person, "/end")
	h.screen(person, "The conversation has ended")
	threadB := h.openCase(person, groupB, orgB.Name)
	fake.Press(person, yesMsg, yes)
	h.screen(person, "no longer active")
	fake.Press(person, yesMsg, stop)
	h.screen(person, "no longer active")
	for _, m := range fake.InTopic(groupB, threadB) {
		if strings.Contains(m.Text, person.Username) {
			t.Fatalf("B's topic got the username from a button shown for A: %q", m.Text)
		}
	}
	rec.mu.Lock()
	if len(rec.errs) > 0 {
		t.Fatalf("privacy check before the person chose to share with B: %q", rec.errs)
	}
	rec.mu.Unlock()
	// The fresh buttons of B's case still work.
	h.press(person, "Share my username…")
	h.screen(person, "@"+person.Username)
	h.press(person, "Yes, share it")
	h.screen(person, "can now see")
}

// Ensure the "Yes" of a consent screen for A, pressed once a consent screen for B is showing,
// opens nothing: every handoff screen's buttons are its own. (Screens were numbered from 1
// again after each press, so A's old "Yes" acted on B's screen.)
func TestStaleConsentButtonOpensNothing(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	h.link(groupB, orgB, worker2)

	walk := func(org string) {
		h.walkToHandoff(person)
		onScreen := func(button string) func() bool {
			return func() bool {
				m, _ := fake.Last(person.ID)
				return hasButton(m, button) && fake.Unanswered(person.ID) == 0
			}
		}
		fake.Wait(t, "the chooser", onScreen(org))
		h.press(person, org)
		fake.Wait(t, "the consent screen", onScreen(label(person, "yes")))
	}
	walk(orgA.Name)
	yesMsg, yes := buttonOn(h, person, label(person, "yes"))
	h.press(person, label(person, "no"))
	h.screen(person, "Nothing was sent")
	walk(orgB.Name)
	fake.Press(person, yesMsg, yes)
	h.screen(person, "no longer active")
	if n := h.count("cases"); n != 0 {
		t.Fatalf("%d cases opened by a button of an older screen", n)
	}
}

// Ensure a link removed from the CLI or the web page (a request in the database) closes the
// group's open cases with their people told, tells the group and leaves it; and that a link
// whose group the bot cannot reach any more (sealed with another secret) is removed all the
// same. (Neither the CLI nor the page could unlink before: only SQL could.)
func TestUnlinkOnRequest(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.cfg.SweepEvery = 5 * time.Millisecond
	h.start()
	h.link(groupA, orgA, worker)
	h.openCase(person, groupA, "")
	ctx := context.Background()
	if err := h.db.RequestUnlink(ctx, orgA.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.screen(person, "no longer takes conversations here")
	h.groupSays(groupA, "Unlinked")
	fake.Wait(t, "the bot to leave the group", func() bool { return fake.Left(groupA) })
	if n := h.count("links") + h.count("unlink_requests") + h.count("cases WHERE closed_at IS NULL"); n != 0 {
		t.Errorf("%d links, requests or open cases left", n)
	}

	dead := store.Link{ListingID: orgB.ID, ChatKey: []byte("a lookup key made with another secret"), Chat: []byte("sealed with another secret, it does not open"), LinkedAt: time.Now()}
	err := h.db.Write(ctx, func(tx *store.Tx) error {
		code, err := tx.CreateLinkCode(ctx, h.keys, dead.ListingID)
		if err != nil {
			return err
		}
		_, err = tx.LinkWithCode(ctx, h.keys, code, dead)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.db.RequestUnlink(ctx, orgB.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	fake.Wait(t, "the dead link to go", func() bool { return h.count("links") == 0 && h.count("unlink_requests") == 0 })
	if err := h.db.RequestUnlink(ctx, orgB.ID, time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unlinking a listing without a link: err = %v, want ErrNotFound", err)
	}
}
