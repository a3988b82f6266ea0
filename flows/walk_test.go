package flows_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// shipped is the engine over the embedded flows, messages and directory.
func shipped(t *testing.T) *flows.Engine {
	t.Helper()
	set, err := flows.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	listings, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	e, err := flows.New(set, cat, directory.New(listings), flows.Config{Vars: map[string]any{
		"OperatorName": "Example Organisation", "OperatorContact": "hello@example.org", "SessionHours": 24, "DeleteHours": 24,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEveryScreen renders every node of every flow file in every shipped
// language, strictly: the list comes from the flow files themselves.
func TestEveryScreen(t *testing.T) {
	e := shipped(t)
	screens := e.Screens()
	if len(screens) == 0 {
		t.Fatal("no screens")
	}
	for _, sc := range screens {
		name := sc.State.Lang + "/" + sc.State.Node + sc.State.View + "/" + sc.State.Need
		reply, err := e.Render(sc.State, now)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if strings.Contains(reply.Text, "<no value>") {
			t.Errorf("%s: <no value> in %q", name, reply.Text)
		}
		if n := utf8.RuneCountInString(reply.Text); n > flows.MaxText || n == 0 {
			t.Errorf("%s: %d characters", name, n)
		}
		if len(reply.Buttons) == 0 {
			t.Errorf("%s: no buttons", name)
		}
	}
}

// TestEveryPath presses every button from the start in every language and
// checks that the presses reach every node, with Back, Menu and Exit on
// every screen but the first.
func TestEveryPath(t *testing.T) {
	e := shipped(t)
	cat := e.Catalog()
	for _, lang := range cat.Tags() {
		t.Run(lang, func(t *testing.T) {
			nav := []string{cat.Text(lang, "ui.nav.back", nil), cat.Text(lang, "ui.nav.menu", nil), cat.Text(lang, "ui.nav.exit", nil)}
			s, out := e.Step(flows.State{Lang: lang}, flows.Event{Kind: flows.EventStart, Now: now})
			type visit struct {
				s     flows.State
				reply flows.Reply
			}
			start := s.Node
			queue := []visit{{s, out.Replies[0]}}
			seen := map[string]bool{s.Node: true}
			for len(queue) > 0 {
				v := queue[0]
				queue = queue[1:]
				var labels []string
				for _, row := range v.reply.Buttons {
					for _, b := range row {
						labels = append(labels, b.Label)
						next, out := e.Step(v.s, flows.Event{Kind: flows.EventButton, Token: b.Token, Now: now})
						if out.Exit || out.Handoff != nil || next.View != "" || seen[next.Node] {
							continue
						}
						if len(out.Replies) != 1 {
							t.Fatalf("%s -> %q: replies %+v", v.s.Node, b.Label, out.Replies)
						}
						seen[next.Node] = true
						queue = append(queue, visit{next, out.Replies[0]})
					}
				}
				joined := strings.Join(labels, "|")
				for i, n := range nav {
					if (i < 2 && v.s.Node == start) || strings.Contains(joined, n) {
						continue
					}
					t.Errorf("%s: no %q among %q", v.s.Node, n, labels)
				}
			}
			for _, id := range e.Screens() {
				if id.Node != nil && !seen[id.Node.ID] {
					t.Errorf("node %s was not reached by pressing buttons", id.Node.ID)
				}
			}
		})
	}
}
