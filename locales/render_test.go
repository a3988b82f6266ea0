package locales

import (
	"strings"
	"testing"
	"text/template"
)

// Ensure every shipped message that renders without text/template renders exactly as
// text/template would, with every field given and with one missing.
func TestPlainPartsMatchTemplates(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	values := []any{"LAWRS", 7, "", nil}
	plain := 0
	for lang, msgs := range c.msgs {
		for _, m := range msgs {
			id := m.ID
			for i, tx := range m.forms.all() {
				form := Forms[i]
				if tx == nil || tx.parts() == nil {
					continue
				}
				plain++
				// The template the parts stand for, parsed as Load parses it.
				tmpl, err := template.New(id).Option("missingkey=error").Parse(tx.out)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range values {
					data := map[string]any{}
					for _, p := range tx.parts() {
						if p.field != "" {
							data[p.field] = v
						}
					}
					var want, got strings.Builder
					wantErr := tmpl.Execute(&want, data)
					gotErr := tx.execute(&got, id, data, false)
					if got.String() != want.String() || (gotErr == nil) != (wantErr == nil) {
						t.Errorf("%s %s %s with %v: got %q (%v), want %q (%v)", lang, id, form, v, got.String(), gotErr, want.String(), wantErr)
					}
				}
				var got strings.Builder
				if err := tx.execute(&got, id, map[string]any{}, false); err == nil {
					t.Errorf("%s %s %s: a missing field rendered without an error", lang, id, form)
				}
			}
		}
	}
	if plain == 0 {
		t.Fatal("no message takes the plain path: the test checks nothing")
	}
}
