package directory

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestReasonsInEveryLanguage checks that every message the ranking returns exists in
// every shipped locales/directory.*.json, with the same placeholders as English.
func TestReasonsInEveryLanguage(t *testing.T) {
	placeholder := regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)
	load := func(lang string) map[string]map[string]string {
		data, err := os.ReadFile("../locales/directory." + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("directory.%s.json: %v", lang, err)
		}
		return m
	}
	en := load("en")
	for _, lang := range []string{"en", "es", "pt-BR"} {
		msgs := load(lang)
		for _, id := range allReasonIDs() {
			m, ok := msgs[id]
			if !ok || m["other"] == "" || m["description"] == "" {
				t.Errorf("%s: %s is missing, or has no text or description", lang, id)
				continue
			}
			got := placeholder.FindAllStringSubmatch(m["other"], -1)
			want := placeholder.FindAllStringSubmatch(en[id]["other"], -1)
			if !slices.EqualFunc(got, want, func(a, b []string) bool { return a[1] == b[1] }) {
				t.Errorf("%s: %s has placeholders %v, want %v", lang, id, got, want)
			}
		}
	}
}
