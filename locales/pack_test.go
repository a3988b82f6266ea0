package locales

import (
	"reflect"
	"testing"
)

// TestPackKeepsEveryMessage holds the packed catalogue to the one loading
// gives, message by message: every field, every form's text, parts and template.
func TestPackKeepsEveryMessage(t *testing.T) {
	want, err := loadUnpacked(files, "locales/")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.msgs) != len(want.msgs) {
		t.Fatalf("%d languages, want %d", len(got.msgs), len(want.msgs))
	}
	n := 0
	for lang, msgs := range want.msgs {
		if len(got.msgs[lang]) != len(msgs) {
			t.Errorf("%s: %d messages, want %d", lang, len(got.msgs[lang]), len(msgs))
		}
		for _, w := range msgs {
			id := w.ID
			g := got.msgs[lang].at(id)
			if g == nil {
				t.Errorf("%s %s: missing", lang, id)
				continue
			}
			if g == w {
				t.Fatalf("%s %s: not packed", lang, id)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s %s:\n got %+v\nwant %+v", lang, id, *g, *w)
			}
			n++
		}
	}
	if n < 1000 {
		t.Errorf("compared %d messages: too few to mean anything", n)
	}
}
