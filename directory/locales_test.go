package directory

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestMessagesInEveryLanguage checks that every message the ranking returns, and every
// problem message the package's code names, exists in every shipped
// locales/directory.*.json, with the same placeholders as English.
func TestMessagesInEveryLanguage(t *testing.T) {
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
	ids := append(allReasonIDs(), ContactNoteIDs()...)
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	problemID := regexp.MustCompile(`"(directory\.problem\.[a-z0-9_.]+)"`)
	for _, name := range sources {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range problemID.FindAllSubmatch(src, -1) {
			ids = append(ids, string(m[1]))
		}
	}
	if len(ids) == len(allReasonIDs())+len(ContactNoteIDs()) {
		t.Fatal("found no problem messages in the package's code")
	}
	for _, lang := range []string{"en", "es", "pt-BR"} {
		msgs := load(lang)
		for _, id := range ids {
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
