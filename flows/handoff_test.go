package flows_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
)

// takersOf are organisations that can take a case, whatever the person's answers.
type takersOf []*directory.Listing

func (t takersOf) Takers(directory.Profile, time.Time) []*directory.Listing { return t }

func (t takersOf) Taker(p directory.Profile, now time.Time, id string) *directory.Listing {
	return flows.Accepting{Ranker: t}.Taker(p, now, id)
}

// Rank ranks the organisations in the order given, so takersOf is its own Accepting.
func (t takersOf) Rank(directory.Profile, time.Time) []directory.Match {
	out := make([]directory.Match, len(t))
	for i, l := range t {
		out[i] = directory.Match{Listing: l}
	}
	return out
}

var (
	casaNorte = &directory.Listing{ID: "a1", Name: "Casa Norte", AcceptsHandoff: true}
	redeSul   = &directory.Listing{ID: "b2", Name: "Rede Sul", AcceptsHandoff: true}
)

// toReferral walks an English session to the referral list, whose handoff button shows.
func toReferral(t *testing.T, takers flows.Takers) *session {
	ss := &session{t: t, e: newEngine(t, flows.Config{}), takers: takers}
	ss.start("en")
	for _, p := range []string{"At home", "Get help", "London"} {
		ss.press(p)
	}
	ss.wantText("These can help.")
	return ss
}

// Ensure the handoff walks choice, consent and Back as screens of the engine: the choice
// names the organisations that can take the case, consent names the one chosen, Back from
// consent returns to the choice and Back from the choice to the list, and yes asks the
// caller to open a case with exactly the organisation consent named.
func TestHandoffScreens(t *testing.T) {
	ss := toReferral(t, takersOf{casaNorte, redeSul})
	seq := ss.s.Seq
	ss.press("Contact them for me")
	if ss.s.View != flows.ViewChoose || !ss.out.Fresh || ss.s.Seq == seq {
		t.Fatalf("after the handoff button: state %+v, output %+v", ss.s, ss.out)
	}
	ss.wantText("Which organisation")
	if got, want := ss.labels(), []string{"Casa Norte", "Rede Sul", "No, thanks", "Back", "Menu", "Exit and erase"}; !slices.Equal(got, want) {
		t.Fatalf("choice buttons %q, want %q", got, want)
	}
	ss.press("Rede Sul")
	ss.wantText("here is what Rede Sul will see")
	if !ss.out.Fresh {
		t.Error("consent replaced the choice: the person's screens are new messages")
	}
	ss.press("Back")
	if ss.s.View != flows.ViewChoose {
		t.Fatalf("Back from consent: view %q, want the choice", ss.s.View)
	}
	ss.wantText("Which organisation")
	ss.press("Casa Norte")
	ss.wantText("Casa Norte will see")
	ss.press("Yes, start")
	if ss.out.Open != casaNorte.ID || len(ss.out.Replies) != 0 || ss.s.View != "" || ss.s.Org != "" || len(ss.s.Orgs) != 0 {
		t.Fatalf("yes: state %+v, output %+v; want a case opened with %s", ss.s, ss.out, casaNorte.ID)
	}

	ss = toReferral(t, takersOf{casaNorte, redeSul})
	ss.press("Contact them for me")
	ss.press("Back")
	if ss.s.View != "" || ss.s.Node != "referral" || len(ss.s.Orgs) != 0 {
		t.Fatalf("Back from the choice: state %+v, want the list", ss.s)
	}
	ss.wantText("These can help.")
}

// Ensure one organisation is asked about at once, Back then leads to the list, and each
// way out of the handoff says so and opens nothing.
func TestHandoffEndings(t *testing.T) {
	tests := []struct {
		name   string
		takers flows.Takers
		inCase bool
		press  []string
		want   string
	}{
		{"no organisation", takersOf{}, false, nil, "None of these organisations"},
		{"already in a case", takersOf{casaNorte}, true, nil, "already talking to an organisation"},
		{"declined", takersOf{casaNorte}, false, []string{"No, thanks"}, "Nothing was sent"},
		{"gone before yes", takersOf{casaNorte}, false, []string{"Yes, start"}, "cannot take a conversation here any more"},
		{"no handoff here", nil, false, nil, "not available here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := toReferral(t, tt.takers)
			if tt.inCase {
				ss.inCase = &flows.Case{Tag: "c1"}
			}
			ss.press("Contact them for me")
			for _, p := range tt.press {
				if tt.name == "gone before yes" {
					ss.takers = takersOf{redeSul}
				}
				ss.press(p)
			}
			if ss.out.Open != "" || !ss.out.Fresh || len(ss.out.Replies) != 1 || len(ss.out.Replies[0].Buttons) != 0 || handoffOn(ss.s) {
				t.Fatalf("state %+v, output %+v", ss.s, ss.out)
			}
			ss.wantText(tt.want)
		})
	}
	ss := toReferral(t, takersOf{redeSul})
	ss.press("Contact them for me")
	ss.wantText("Rede Sul will see")
	ss.press("Back")
	if ss.s.View != "" || ss.s.Node != "referral" {
		t.Fatalf("Back from consent without a choice: state %+v, want the list", ss.s)
	}
}

func handoffOn(s flows.State) bool {
	return s.View == flows.ViewChoose || s.View == flows.ViewConsent || s.View == flows.ViewFile || len(s.Orgs) > 0 || s.Org != ""
}

// Ensure a forged or stale handoff button changes nothing: no case opens, no file is sent,
// the consent stays as it was, and the person is shown the current screen.
func TestForgedHandoffButton(t *testing.T) {
	ss := toReferral(t, takersOf{casaNorte, redeSul})
	ss.press("Contact them for me")
	choice, _ := ss.button("Casa Norte")
	ss.press("Rede Sul")
	before := ss.s
	for _, tok := range []string{choice.Token, "0.0", "zzzzzz.1", "H1.ok", "1.99", "\xff"} {
		ss.s = before
		ss.step(flows.Event{Kind: flows.EventButton, Token: tok})
		if ss.out.Open != "" || ss.out.SendFile != 0 || ss.s.Org != before.Org || ss.s.View != flows.ViewConsent {
			t.Errorf("token %q: state %+v, output %+v", tok, ss.s, ss.out)
		}
		ss.wantText("Rede Sul")
		if got := ss.out.Replies[0].Text; got != "This button is no longer active. Here is the current screen." {
			t.Errorf("token %q: notice %q", tok, got)
		}
	}
}

// Ensure a file sent in a case goes only after the warning's yes, and the warning is
// refused once the case is gone.
func TestFileWarning(t *testing.T) {
	ss := toReferral(t, takersOf{casaNorte})
	ss.inCase = &flows.Case{Tag: "c1"}
	ss.step(flows.Event{Kind: flows.EventFile, File: 42})
	ss.wantText("hidden details")
	if got, want := ss.labels(), []string{"Send it", "Don't send", "Menu", "Exit and erase"}; !slices.Equal(got, want) {
		t.Fatalf("warning buttons %q, want %q", got, want)
	}
	warned := ss.s
	ss.press("Don't send")
	if ss.out.SendFile != 0 || handoffOn(ss.s) {
		t.Fatalf("don't send: state %+v, output %+v", ss.s, ss.out)
	}
	ss.wantText("was not sent")

	ss.s = warned
	ss.step(flows.Event{Kind: flows.EventFile, File: 43})
	ss.press("Send it")
	if ss.out.SendFile != 43 || handoffOn(ss.s) {
		t.Fatalf("send: state %+v, output %+v", ss.s, ss.out)
	}
	ss.wantText("Sent.")

	ss.step(flows.Event{Kind: flows.EventFile, File: 44})
	ss.inCase = nil
	ss.press("Send it")
	if ss.out.SendFile != 0 {
		t.Fatalf("a file was sent after its case closed: %+v", ss.out)
	}
	if got := ss.out.Replies[0].Text; !strings.Contains(got, "no longer active") {
		t.Errorf("a warning pressed after its case closed: notice %q", got)
	}

	// Outside a case there is nothing to warn about.
	ss.step(flows.Event{Kind: flows.EventFile, File: 45})
	if ss.s.View == flows.ViewFile || ss.out.SendFile != 0 {
		t.Fatalf("outside a case: state %+v", ss.s)
	}
}

// Ensure a rating button counts its answer whatever the conversation did since, even
// from a session that expired, changes nothing else, and a malformed one counts nothing.
func TestRating(t *testing.T) {
	e := newEngine(t, flows.Config{})
	id := strings.Repeat("ab", 16)
	rows := flows.RateButtons(e.Catalog(), "en", id)
	if len(rows) != 1 || len(rows[0]) != 2 || rows[0][0].Label != "It helped" || rows[0][1].Label != "It didn't help" {
		t.Fatalf("rating buttons %+v", rows)
	}
	for _, s := range []flows.State{{}, {Lang: "en", Node: "home", Seq: 7}} {
		for i, want := range []bool{true, false} {
			next, out := e.Step(s, flows.Event{Kind: flows.EventButton, Token: rows[0][i].Token, Now: now})
			if out.Rate == nil || *out.Rate != (flows.Rating{Case: id, Helpful: want}) || out.Fresh || !reflect.DeepEqual(next, s) {
				t.Fatalf("from %+v, %q: state %+v, output %+v", s, rows[0][i].Label, next, out)
			}
			if len(out.Replies) != 1 || !strings.HasPrefix(out.Replies[0].Text, "Thank you") {
				t.Errorf("reply %+v", out.Replies)
			}
		}
		for _, forged := range []string{"R" + id + ".2", "R" + id[:30] + ".1", "R" + id, "R.1"} {
			next, out := e.Step(s, flows.Event{Kind: flows.EventButton, Token: forged, Now: now})
			if out.Rate != nil || !reflect.DeepEqual(next, s) || len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, "no longer active") {
				t.Errorf("forged %q: state %+v, output %+v", forged, next, out)
			}
		}
	}
}

// Ensure the share buttons act only for the person's open case, say what sharing means
// before anything is shared, and ask the caller to share or take back only on the person's
// explicit press; the state stays as it was throughout.
func TestShareScreens(t *testing.T) {
	e := newEngine(t, flows.Config{})
	s := flows.State{Lang: "en", Node: "home", Seq: 3}
	open := &flows.Case{Tag: "c1", Org: "Casa Norte"}
	offer := flows.ShareButton(e.Catalog(), "en", "c1")[0][0]
	if offer.Label != "Share my username…" || !flows.CarriesUsername(offer.Token) {
		t.Fatalf("offer %+v", offer)
	}
	step := func(c *flows.Case, tok, username string) flows.Output {
		t.Helper()
		next, out := e.Step(s, flows.Event{Kind: flows.EventButton, Token: tok, Case: c, Username: username, Now: now})
		if !reflect.DeepEqual(next, s) || !out.Fresh {
			t.Fatalf("%q: state %+v, output %+v", tok, next, out)
		}
		return out
	}
	ask := step(open, offer.Token, "zoraida_q77")
	if got := ask.Replies[0].Text; !strings.Contains(got, "Casa Norte will see your Telegram username @zoraida_q77") || ask.Share {
		t.Fatalf("ask: %+v", ask)
	}
	var labels []string
	for _, row := range ask.Replies[0].Buttons {
		for _, b := range row {
			labels = append(labels, b.Label)
		}
	}
	yes, no := ask.Replies[0].Buttons[0][0], ask.Replies[0].Buttons[1][0]
	if want := []string{"Yes, share it", "No, thanks", "Menu", "Exit and erase"}; !slices.Equal(labels, want) {
		t.Fatalf("ask buttons %q, want %q", labels, want)
	}
	if out := step(open, no.Token, ""); out.Share || !strings.Contains(out.Replies[0].Text, "was not shared") {
		t.Errorf("no: %+v", out)
	}
	if out := step(open, yes.Token, "zoraida_q77"); !out.Share || len(out.Replies) != 0 {
		t.Errorf("yes: %+v", out)
	}
	if out := step(open, yes.Token, ""); out.Share || !strings.Contains(out.Replies[0].Text, "no Telegram username") {
		t.Errorf("yes without a username: %+v", out)
	}
	stop := flows.StopSharing(e.Catalog(), "en", "c1")[0][0]
	if out := step(open, stop.Token, ""); out.Unshare || !strings.Contains(out.Replies[0].Text, "not shared with anyone") {
		t.Errorf("stop while not shared: %+v", out)
	}
	shared := &flows.Case{Tag: "c1", Org: "Casa Norte", Shared: true}
	if out := step(shared, stop.Token, ""); !out.Unshare || !strings.Contains(out.Replies[0].Text, "removed from Casa Norte's group") {
		t.Errorf("stop: %+v", out)
	}
	if out := step(shared, yes.Token, "zoraida_q77"); out.Share || !strings.Contains(out.Replies[0].Text, "already shared") {
		t.Errorf("yes while shared: %+v", out)
	}
	// Another case's buttons, or none open: refused, nothing shared or taken back.
	for _, c := range []*flows.Case{nil, {Tag: "c2", Org: "Rede Sul"}} {
		for _, tok := range []string{offer.Token, yes.Token, stop.Token} {
			if out := step(c, tok, "zoraida_q77"); out.Share || out.Unshare || out.Replies[0].Text != "This button is no longer active." {
				t.Errorf("case %+v, %q: %+v", c, tok, out)
			}
		}
	}
	if flows.CarriesUsername(no.Token) || flows.CarriesUsername(stop.Token) || flows.CarriesUsername("1.0") {
		t.Error("a button that shares nothing carries the username")
	}
}

// Ensure /end asks the caller to end the open case and asks whether it helped, in any
// state (a case outlives its session), and says so when there is none.
func TestEnd(t *testing.T) {
	e := newEngine(t, flows.Config{})
	id := strings.Repeat("cd", 16)
	for _, s := range []flows.State{{}, {Lang: "en", Node: "home", Seq: 5}} {
		next, out := e.Step(s, flows.Event{Kind: flows.EventText, Text: "/end", Case: &flows.Case{ID: id, Tag: id[:8]}, Now: now})
		if !out.End || !reflect.DeepEqual(next, s) || len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, "The conversation has ended") {
			t.Fatalf("from %+v: state %+v, output %+v", s, next, out)
		}
		if got, want := out.Replies[0].Buttons, flows.RateButtons(e.Catalog(), "en", id); !reflect.DeepEqual(got, want) {
			t.Errorf("buttons %+v, want the rating %+v", got, want)
		}
		next, out = e.Step(s, flows.Event{Kind: flows.EventText, Text: "/end", Now: now})
		if out.End || !reflect.DeepEqual(next, s) || !strings.Contains(out.Replies[0].Text, "not talking to any organisation") {
			t.Fatalf("no case, from %+v: state %+v, output %+v", s, next, out)
		}
	}
}
