package flows_test

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

var vars = map[string]any{"OperatorName": "Test Org", "SessionHours": 24}

// catalogFS is the shipped ui messages plus the test flows' messages, in the
// languages the test flows are written in: a shipped language the test data
// does not have would lack every test message.
func catalogFS(t testing.TB, extra fstest.MapFS) fstest.MapFS {
	t.Helper()
	testdata := os.DirFS("testdata/locales")
	written, err := fs.Glob(testdata, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]bool{}
	for _, n := range written {
		langs[langOf(n)] = true
	}
	shipped := overlay(t, "*.json", nil, locales.Files())
	for n := range shipped {
		if !langs[langOf(n)] {
			delete(shipped, n)
		}
	}
	return overlay(t, "*.json", extra, shipped, testdata)
}

// langOf is the language of a message file named area.lang.json.
func langOf(name string) string {
	_, rest, _ := strings.Cut(name, ".")
	return strings.TrimSuffix(rest, ".json")
}

// overlay copies the files matching pattern from each of from, later ones replacing
// earlier ones, then extra's files.
func overlay(t testing.TB, pattern string, extra fstest.MapFS, from ...fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for _, fsys := range from {
		names, err := fs.Glob(fsys, pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = &fstest.MapFile{Data: b}
		}
	}
	for n, f := range extra {
		out[n] = f
	}
	return out
}

// fakeRanker returns n listings, each with a phone number and a website;
// the second takes anonymous conversations unless noHandoff; the third is run
// by another organisation, the fourth by one its name already says.
type fakeRanker struct {
	n         int
	noHandoff bool
}

func (r fakeRanker) Rank(p directory.Profile, _ time.Time) []directory.Match {
	out := make([]directory.Match, r.n)
	for i := range out {
		out[i] = directory.Match{
			Listing: &directory.Listing{
				ID:             fmt.Sprint(i + 1),
				AcceptsHandoff: i == 1 && !r.noHandoff,
				Name:           fmt.Sprintf("Org %d", i+1),
				Organisation:   []string{2: "Parent Charity", 3: "Org"}[min(i, 3)],
				Description:    map[string]string{"en": "Helps.", "es": "Ayuda."},
				Contacts: []directory.Contact{
					{Kind: directory.Phone, Value: "+44 20 7946 0958", Note: "24/7"},
					{Kind: directory.Website, Value: "https://example.org/" + string(p.Need)},
				},
			},
			Reasons: []directory.Reason{{ID: "directory.t.speaks", Data: map[string]any{"Lang": p.Lang}}},
		}
	}
	return out
}

// newEngine is the engine over the test flows and a directory of five listings.
func newEngine(t testing.TB, cfg flows.Config) *flows.Engine {
	t.Helper()
	return newEngineWith(t, fakeRanker{n: 5}, cfg)
}

func newEngineWith(t testing.TB, rank directory.Ranker, cfg flows.Config) *flows.Engine {
	t.Helper()
	return newEngineFS(t, rank, cfg, nil)
}

// newEngineFS is newEngineWith with extra message files added to the catalogue.
func newEngineFS(t testing.TB, rank directory.Ranker, cfg flows.Config, extra fstest.MapFS) *flows.Engine {
	t.Helper()
	set, err := flows.LoadFS(os.DirFS("testdata/flows"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.LoadFS(catalogFS(t, extra))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Vars == nil {
		cfg.Vars = vars
	}
	e, err := flows.New(set, cat, rank, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// session drives an engine the way a person would.
type session struct {
	t   testing.TB
	e   *flows.Engine
	s   flows.State
	out flows.Output
	// takers and inCase are what the caller tells the engine of cases, with every event.
	takers flows.Takers
	inCase *flows.Case
}

func (ss *session) step(ev flows.Event) {
	ss.t.Helper()
	ev.Now, ev.Takers, ev.Case = now, ss.takers, ss.inCase
	ss.s, ss.out = ss.e.Step(ss.s, ev)
}

func (ss *session) start(hint string) { ss.step(flows.Event{Kind: flows.EventStart, LangHint: hint}) }

func (ss *session) text(s string) { ss.step(flows.Event{Kind: flows.EventText, Text: s}) }

// press presses the button labelled label on the last screen.
func (ss *session) press(label string) {
	ss.t.Helper()
	b, ok := ss.button(label)
	if !ok {
		ss.t.Fatalf("no button %q on the screen; buttons: %v", label, ss.labels())
	}
	ss.step(flows.Event{Kind: flows.EventButton, Token: b.Token})
}

func (ss *session) screen() flows.Reply {
	ss.t.Helper()
	if len(ss.out.Replies) == 0 {
		ss.t.Fatalf("no reply; output %+v", ss.out)
	}
	return ss.out.Replies[len(ss.out.Replies)-1]
}

func (ss *session) button(label string) (flows.Button, bool) {
	for _, row := range ss.screen().Buttons {
		for _, b := range row {
			if b.Label == label {
				return b, true
			}
		}
	}
	return flows.Button{}, false
}

func (ss *session) labels() []string {
	var out []string
	for _, row := range ss.screen().Buttons {
		for _, b := range row {
			out = append(out, b.Label)
		}
	}
	return out
}

func (ss *session) wantText(parts ...string) {
	ss.t.Helper()
	text := ss.screen().Text
	for _, p := range parts {
		if !strings.Contains(text, p) {
			ss.t.Fatalf("screen text %q does not contain %q", text, p)
		}
	}
}
