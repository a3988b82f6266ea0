package flows_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

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
	e := engineWith(t, extra, 4)
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

// tenLanguages is the shipped catalogue plus seven more languages in memory,
// each with a picker prompt as long as the English one and longer exit words.
func tenLanguages(t *testing.T) *flows.Engine {
	t.Helper()
	extra := fstest.MapFS{}
	for tag, name := range map[string]string{"it": "Italiano", "fr": "Français", "de": "Deutsch", "nl": "Nederlands", "sv": "Svenska", "da": "Dansk", "fi": "Suomi"} {
		extra["ui."+tag+".json"] = &fstest.MapFile{Data: []byte(`{
			"ui.language.name": "` + name + `",
			"ui.picker.prompt": "` + name + `: Hello. Choose your language. In danger now? Call 999.",
			"ui.picker.exit": "Exit-` + tag + `"
		}`)}
	}
	return engineWith(t, extra, 10)
}

// engineWith is the engine over the test flows and the shipped catalogue plus extra's
// files, which must make langs languages.
func engineWith(t *testing.T, extra fstest.MapFS, langs int) *flows.Engine {
	t.Helper()
	cat, err := locales.LoadFS(catalogFS(t, extra))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cat.Tags()); n != langs {
		t.Fatalf("%d languages, want %d", n, langs)
	}
	set, err := flows.LoadFS(os.DirFS("testdata/flows"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := flows.New(set, cat, fakeRanker{n: 5}, flows.Config{Vars: vars})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The picker holds every language, two to a row, and its prompt and first
// exit button stay within a screen and a label however many there are.
func TestPickerScales(t *testing.T) {
	e := tenLanguages(t)
	ss := &session{t: t, e: e}
	ss.start("")
	sc := ss.screen()
	if n := utf8.RuneCountInString(sc.Text); n > flows.MaxReading {
		t.Errorf("prompt has %d characters, over %d", n, flows.MaxReading)
	}
	if !strings.HasPrefix(sc.Text, "Hello. Choose your language.") {
		t.Errorf("prompt does not start in English: %q", sc.Text)
	}
	rows := sc.Buttons
	var langs []string
	for _, row := range rows[:len(rows)-1] {
		if len(row) > 2 {
			t.Errorf("a row of %d languages: %v", len(row), row)
		}
		for _, b := range row {
			langs = append(langs, b.Label)
		}
	}
	if len(langs) != 10 || langs[0] != "English" {
		t.Errorf("languages = %q, want ten, English first", langs)
	}
	exit := rows[len(rows)-1][0].Label
	if n := utf8.RuneCountInString(exit); n > flows.MaxLabel || !strings.HasPrefix(exit, "Exit · ") {
		t.Errorf("exit label %q (%d characters): want English first, at most %d", exit, n, flows.MaxLabel)
	}
	ss.press("Italiano")
	if ss.s.Lang != "it" {
		t.Fatalf("after pressing Italiano: %+v", ss.s)
	}
}

// The app's language hint puts its language first: in the picker's buttons and
// prompt, while the tokens keep their meaning.
func TestPickerHintFirst(t *testing.T) {
	e := tenLanguages(t)
	ss := &session{t: t, e: e}
	ss.start("it")
	ss.step(flows.Event{Kind: flows.EventText, Text: "/language", LangHint: "it"})
	if ss.s.View != flows.ViewPicker {
		t.Fatalf("/language: %+v", ss.s)
	}
	sc := ss.screen()
	if got := sc.Buttons[0][0].Label; got != "Italiano" {
		t.Errorf("first language = %q, want Italiano", got)
	}
	if !strings.HasPrefix(sc.Text, "Italiano: ") {
		t.Errorf("prompt does not start in Italian: %q", sc.Text)
	}
	ss.press("Suomi")
	if ss.s.Lang != "fi" {
		t.Fatalf("after pressing Suomi: %+v", ss.s)
	}
}
