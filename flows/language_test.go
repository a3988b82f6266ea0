package flows_test

import (
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// A language is added as data only: message files, and nothing in Go. Italian,
// which puente does not ship, comes from an in-memory catalogue here; the
// engine greets in it, lists it in the picker and understands its commands.
func TestLanguageAsData(t *testing.T) {
	extra := fstest.MapFS{
		"ui.it.json": {Data: []byte(`{
			"ui.language.name": "Italiano",
			"ui.exit.done": "Fatto. Ho dimenticato le tue scelte."
		}`)},
		"content.it.json": {Data: []byte(`{"content.t.hello": "Ciao.", "content.t.btn.home": "A casa"}`)},
		"bot.it.json":     {Data: []byte(`{"bot.cmd.exit.name": "esci", "bot.cmd.exit.aliases": "basta"}`)},
	}
	cat, err := locales.LoadFS(catalogFS(t, extra))
	if err != nil {
		t.Fatal(err)
	}
	set, err := flows.LoadFS(os.DirFS("testdata/flows"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := flows.New(set, cat, fakeRanker{n: 5}, flows.Config{Vars: vars})
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"/esci", "/Basta@puente_bot", "/exit"} {
		t.Run(word, func(t *testing.T) {
			ss := &session{t: t, e: e}
			ss.start("it-IT")
			if ss.s.Lang != "it" || ss.s.Node != "start" {
				t.Fatalf("after an Italian hint: %+v", ss.s)
			}
			ss.wantText("Ciao.")
			ss.press("A casa")
			ss.text(word)
			if !ss.out.Exit {
				t.Fatalf("%s did not exit: %+v", word, ss.out)
			}
			ss.wantText("Fatto.")
		})
	}
	ss := &session{t: t, e: e}
	ss.start("")
	if got := ss.labels(); !slices.Contains(got, "Italiano") {
		t.Fatalf("picker labels = %q, want Italiano among them", got)
	}
	ss.press("Italiano")
	if ss.s.Lang != "it" {
		t.Fatalf("after picking Italiano: %+v", ss.s)
	}
	ss.wantText("Ciao.")
}
