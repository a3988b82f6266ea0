package flows_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// engineStamping is the test engine with every message of langs stamped as
// reviewed.
func engineStamping(t *testing.T, langs ...string) *flows.Engine {
	t.Helper()
	return engineStampingThen(t, nil, langs...)
}

// engineStampingThen is engineStamping, with the message files changed by
// after once the stamps are made.
func engineStampingThen(t *testing.T, after func(fstest.MapFS), langs ...string) *flows.Engine {
	t.Helper()
	files := catalogFS(t, nil)
	plain, err := locales.LoadFS(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range langs {
		stamps := map[string]locales.Stamp{}
		for _, id := range plain.IDs(lang) {
			s, err := plain.NewStamp(lang, id, "native speaker, caseworker", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			stamps[id] = s
		}
		b, err := locales.EncodeStamps(stamps)
		if err != nil {
			t.Fatal(err)
		}
		files["reviews/"+lang+".json"] = &fstest.MapFile{Data: b}
	}
	if after != nil {
		after(files)
	}
	cat, err := locales.LoadFS(files)
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
	return e
}

const (
	unreviewedEs = "Una persona revisora que habla español aún no revisó estas pantallas"
	unreviewedPt = "Uma pessoa revisora que fala português ainda não conferiu estas telas"
	unreviewedEn = "A reviewer who speaks this language has not checked"
)

// Ensure a person reading a language a reviewer has not checked is told so
// once, in that language, on the first menu with the button to choose
// another; and never in a language whose screens are reviewed.
func TestUnreviewedNotice(t *testing.T) {
	notice := func(ss *session) bool {
		for _, r := range ss.out.Replies {
			for _, n := range []string{unreviewedEs, unreviewedPt, unreviewedEn} {
				if strings.Contains(r.Text, n) {
					return true
				}
			}
		}
		return false
	}
	t.Run("unreviewed, told once", func(t *testing.T) {
		ss := &session{t: t, e: engineStamping(t)}
		ss.start("")
		if notice(ss) {
			t.Fatal("the picker tells before a language is chosen")
		}
		ss.press("Español")
		ss.wantText("Hola.", unreviewedEs+". Si algo no se entiende, elige otro idioma con 🌐 Idioma.")
		if _, ok := ss.button("🌐 Idioma"); !ok {
			t.Fatalf("the screen that tells has no language button: %v", ss.labels())
		}
		if ss.s.Told != "es" {
			t.Fatalf("Told = %q, want es", ss.s.Told)
		}
		for _, do := range []func(){
			func() { ss.press("Vi un delito") },
			func() { ss.press("Menú") },
			func() { ss.text("/start") },
			func() { ss.text("/menu") },
		} {
			do()
			if notice(ss) {
				t.Fatalf("told again: %q", ss.screen().Text)
			}
		}
		ss.press("🌐 Idioma")
		ss.press("Português (Brasil)")
		ss.wantText(unreviewedPt)
		ss.press("🌐 Idioma")
		ss.press("English")
		if notice(ss) {
			t.Fatal("told in English, the source")
		}
	})
	t.Run("confident hint", func(t *testing.T) {
		ss := &session{t: t, e: engineStamping(t)}
		ss.start("pt-BR")
		ss.wantText(unreviewedPt)
	})
	t.Run("reviewed", func(t *testing.T) {
		ss := &session{t: t, e: engineStamping(t, "es")}
		ss.start("es")
		if notice(ss) {
			t.Fatalf("told for a reviewed language: %q", ss.screen().Text)
		}
		ss2 := &session{t: t, e: engineStamping(t, "es")}
		ss2.start("pt-BR")
		ss2.wantText(unreviewedPt)
	})
	t.Run("stale", func(t *testing.T) {
		// Every message stamped, then one changed: that one is no longer reviewed.
		e := engineStampingThen(t, func(files fstest.MapFS) {
			f := files["content.es.json"]
			f.Data = []byte(strings.Replace(string(f.Data), "Hola.", "¡Hola!", 1))
		}, "es")
		ss := &session{t: t, e: e}
		ss.start("es")
		ss.wantText("¡Hola!", unreviewedEs)
	})
}
