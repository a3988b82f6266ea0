package locales_test

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/puente-bot/puente/locales"
)

var reviewDay = time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)

// stamped returns the files with a review file for pl stamping ui.a as the
// catalog of files has it.
func stamped(t *testing.T, files fstest.MapFS, ids ...string) fstest.MapFS {
	t.Helper()
	c := mustLoad(t, files)
	stamps := map[string]locales.Stamp{}
	for _, id := range ids {
		s, err := c.NewStamp("pl", id, "native speaker, caseworker", reviewDay)
		if err != nil {
			t.Fatal(err)
		}
		stamps[id] = s
	}
	b, err := locales.EncodeStamps(stamps)
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{"reviews/pl.json": {Data: b}}
	for n, f := range files {
		out[n] = f
	}
	return out
}

func reviewFiles(enA, plA string) fstest.MapFS {
	return fstest.MapFS{
		"ui.en.json": {Data: []byte(`{"ui.a": {"description": "d", "other": "` + enA + `"}, "ui.b": {"description": "d", "other": "B"}, "ui.c": {"description": "d", "other": "C"}}`)},
		"ui.pl.json": {Data: []byte(`{"ui.a": {"other": "` + plA + `"}, "ui.b": {"other": "Be"}}`)},
	}
}

// Ensure a stamp holds only while neither the English nor the translation
// changes, and coverage counts what holds.
func TestReviewStates(t *testing.T) {
	files := stamped(t, reviewFiles("Call 999.", "Zadzwoń pod 999."), "ui.a")
	tests := []struct {
		name       string
		enA, plA   string
		want       locales.ReviewState
		reviewed   int
		staleCount int
	}{
		{"unchanged", "Call 999.", "Zadzwoń pod 999.", locales.Reviewed, 1, 0},
		{"English changed", "Call 999 now.", "Zadzwoń pod 999.", locales.Stale, 0, 1},
		{"translation changed", "Call 999.", "Zadzwoń na 999.", locales.Stale, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := reviewFiles(tt.enA, tt.plA)
			now["reviews/pl.json"] = files["reviews/pl.json"]
			c := mustLoad(t, now)
			if got := c.ReviewState("pl", "ui.a"); got != tt.want {
				t.Errorf("ReviewState(ui.a) = %q, want %q", got, tt.want)
			}
			if got, want := c.ReviewState("pl", "ui.b"), locales.Draft; got != want {
				t.Errorf("ReviewState(ui.b) = %q, want %q", got, want)
			}
			if got, want := c.ReviewState("pl", "ui.c"), locales.Missing; got != want {
				t.Errorf("ReviewState(ui.c) = %q, want %q", got, want)
			}
			if got, want := c.ReviewState("en", "ui.c"), locales.Reviewed; got != want {
				t.Errorf("ReviewState(en, ui.c) = %q, want %q: English is the source", got, want)
			}
			if got := c.Reviewed("pl", "ui.a"); got != (tt.want == locales.Reviewed) {
				t.Errorf("Reviewed(pl, ui.a) = %v", got)
			}
			if !c.Reviewed("pl", "ui.c") {
				t.Error("Reviewed(pl, ui.c) = false, want true: it falls back to the English source")
			}
			for _, cov := range c.Coverage() {
				if cov.Lang != "pl" {
					continue
				}
				if cov.Reviewed != tt.reviewed || len(cov.Stale) != tt.staleCount || cov.Translated != 2 || cov.Total != 3 {
					t.Errorf("coverage = %+v, want %d reviewed, %d stale, 2/3 translated", cov, tt.reviewed, tt.staleCount)
				}
			}
			if d := c.Check(); len(d) != 1 || !strings.Contains(d[0].Msg, `"ui.c" is missing in pl`) {
				t.Errorf("Check() = %v, want only ui.c missing: a stale stamp is not a defect", d)
			}
		})
	}
}

// Ensure stamps that can never hold are defects, named at their line.
func TestReviewDefects(t *testing.T) {
	good := stamped(t, reviewFiles("A", "Ą"), "ui.a")
	var stamps map[string]locales.Stamp
	if err := json.Unmarshal(good["reviews/pl.json"].Data, &stamps); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file string
		edit func(map[string]locales.Stamp)
		want string
	}{
		{"message gone", "reviews/pl.json", func(m map[string]locales.Stamp) { m["ui.gone"] = m["ui.a"] }, `"ui.gone", which does not exist`},
		{"not translated", "reviews/pl.json", func(m map[string]locales.Stamp) { m["ui.c"] = m["ui.a"] }, `"ui.c", which pl does not translate`},
		{"no reviewer", "reviews/pl.json", func(m map[string]locales.Stamp) { s := m["ui.a"]; s.Reviewer = " "; m["ui.a"] = s }, "names no reviewer"},
		{"bad date", "reviews/pl.json", func(m map[string]locales.Stamp) { s := m["ui.a"]; s.Date = "6/12/26"; m["ui.a"] = s }, "is not like 2026-12-06"},
		{"source language", "reviews/en.json", func(map[string]locales.Stamp) {}, "not a translated language"},
		{"unshipped language", "reviews/fr.json", func(map[string]locales.Stamp) {}, "not a translated language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]locales.Stamp{}
			for k, v := range stamps {
				m[k] = v
			}
			tt.edit(m)
			b, err := locales.EncodeStamps(m)
			if err != nil {
				t.Fatal(err)
			}
			files := reviewFiles("A", "Ą")
			files["ui.pl.json"].Data = []byte(`{"ui.a": {"other": "Ą"}, "ui.b": {"other": "Be"}, "ui.c": {"other": "Ce"}}`)
			files[tt.file] = &fstest.MapFile{Data: b}
			d := mustLoad(t, files).Check()
			if tt.name == "not translated" {
				files["ui.pl.json"].Data = []byte(`{"ui.a": {"other": "Ą"}, "ui.b": {"other": "Be"}}`)
				d = mustLoad(t, files).Check()
			}
			found := false
			for _, x := range d {
				if strings.Contains(x.Msg, tt.want) && x.File == tt.file && x.Line >= 1 {
					found = true
				}
			}
			if !found {
				t.Errorf("Check() = %v, want a defect in %s containing %q", d, tt.file, tt.want)
			}
		})
	}
}

// Ensure a review file with a field the format does not know is refused,
// rather than a typo silently dropping a stamp.
func TestReviewUnknownField(t *testing.T) {
	files := reviewFiles("A", "Ą")
	files["reviews/pl.json"] = &fstest.MapFile{Data: []byte(`{"ui.a": {"reviewer": "r", "date": "2026-12-06", "englsh": "x"}}`)}
	if _, err := locales.LoadFS(files); err == nil || !strings.Contains(err.Error(), "reviews/pl.json") {
		t.Errorf("LoadFS() error = %v, want one naming reviews/pl.json", err)
	}
}

// Ensure the shipped stamps all hold against some shipped message and none
// stamps English, which is the source.
func TestShippedStamps(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Tags() {
		for id, s := range c.Stamps(lang) {
			if lang == locales.Default {
				t.Errorf("English message %q is stamped: it is the source", id)
			}
			if s.Reviewer == "" {
				t.Errorf("%s %s: stamp names no reviewer", lang, id)
			}
		}
	}
	for _, d := range c.Check() {
		if strings.Contains(d.File, locales.ReviewDir) {
			t.Errorf("shipped review defect: %v", d)
		}
	}
}

// Ensure numbers, links and Latin-script runs written in a right-to-left
// message come out isolated, once, and values it inserts too; while
// left-to-right messages and the text a reviewer sees stay as written.
func TestRightToLeftLiterals(t *testing.T) {
	c := mustLoad(t, fstest.MapFS{
		"ui.en.json": {Data: []byte(`{
			"ui.call": {"description": "d", "other": "Call 0808 2000 247."},
			"ui.exit": {"description": "d", "other": "Send /exit or write to @puente_bot."},
			"ui.cmd": {"description": "d", "other": "exit"},
			"ui.web": {"description": "d", "other": "See https://example.org/help."},
			"ui.phone": {"description": "d", "other": "Phone: {{.Phone}}, {{.Org}}"},
			"ui.count": {"description": "d", "one": "{{.Count}} place", "other": "{{.Count}} places"}}`)},
		"ui.ar.json": {Data: []byte(`{
			"ui.call": {"other": "اتصل على 0808 2000 247."},
			"ui.exit": {"other": "أرسل /exit أو اكتب إلى @puente_bot."},
			"ui.cmd": {"other": "exit"},
			"ui.web": {"other": "انظر https://example.org/help."},
			"ui.phone": {"other": "الهاتف: {{.Phone}}، {{.Org}}"},
			"ui.count": {"zero": "{{.Count}} أماكن", "one": "{{.Count}} مكان", "two": "{{.Count}} مكانان", "few": "{{.Count}} أماكن", "many": "{{.Count}} مكانًا", "other": "{{.Count}} مكان"}}`)},
	})
	if d := c.Check(); len(d) != 0 {
		t.Fatalf("Check() = %v", d)
	}
	iso := locales.BidiFor("ar")
	tests := []struct {
		lang, id string
		data     map[string]any
		want     string
	}{
		{"ar", "ui.call", nil, "اتصل على \u20660808 2000 247\u2069."},
		{"ar", "ui.exit", nil, "أرسل \u2066/exit\u2069 أو اكتب إلى \u2066@puente_bot\u2069."},
		{"ar", "ui.web", nil, "انظر \u2066https://example.org/help\u2069."},
		{"ar", "ui.phone", map[string]any{"Phone": iso.LTR("+44 20 7946 0958"), "Org": "LAWRS"}, "الهاتف: \u2066+44 20 7946 0958\u2069، \u2068LAWRS\u2069"},
		{"ar", "ui.cmd", nil, "exit"}, // no right-to-left letter: a command name stays as Telegram needs it
		{"en", "ui.call", nil, "Call 0808 2000 247."},
		{"en", "ui.phone", map[string]any{"Phone": "0808", "Org": "LAWRS"}, "Phone: 0808, LAWRS"},
	}
	for _, tt := range tests {
		if got := c.Text(tt.lang, tt.id, tt.data); got != tt.want {
			t.Errorf("Text(%s, %s) = %q, want %q", tt.lang, tt.id, got, tt.want)
		}
	}
	if got, want := c.Plural("ar", "ui.count", 3, nil), "\u20663\u2069 أماكن"; got != want {
		t.Errorf("Plural(ar, 3) = %q, want %q", got, want)
	}
	for _, r := range c.Sheet("ar") {
		if strings.ContainsAny(r.Text, "\u2066\u2068\u2069") {
			t.Errorf("the sheet shows isolates the translator did not write: %q", r.Text)
		}
	}
}

// Ensure check holds every number of the English in a translation, as
// written, however the language groups thousands, and 24/7 by its 24.
func TestNumbersKept(t *testing.T) {
	en := `{"ui.a": {"description": "d", "other": "Call 0808 2000 247, open 24/7, up to 5,000 rows."}}`
	tests := []struct {
		pl   string
		want string // part of the defect, or "" for none
	}{
		{"Zadzwoń: 0808 2000 247, czynne 24 godziny, do 5 000 wierszy.", ""},
		{"Zadzwoń: 0808 2000 247, czynne 24/7, do 5.000 wierszy.", ""},
		{"Zadzwoń: 0808 2000 24, czynne 24/7, do 5000 wierszy.", "lacks the number 2000 247"},
		{"Zadzwoń: 0808 2000 247, czynne całą dobę, do 5000 wierszy.", "lacks the number 24 "},
		{"Zadzwoń: 0808 2000 247, czynne 24/7, do ٥٠٠٠ wierszy.", "lacks the number 5,000"},
	}
	for _, tt := range tests {
		c := mustLoad(t, fstest.MapFS{
			"ui.en.json": {Data: []byte(en)},
			"ui.pl.json": {Data: []byte(`{"ui.a": {"other": "` + tt.pl + `"}}`)},
		})
		d := c.Check()
		switch {
		case tt.want == "" && len(d) != 0:
			t.Errorf("%q: Check() = %v, want none", tt.pl, d)
		case tt.want != "" && (len(d) != 1 || !strings.Contains(d[0].Msg, tt.want)):
			t.Errorf("%q: Check() = %v, want one containing %q", tt.pl, d, tt.want)
		}
	}
}
