package directory

import (
	"slices"
	"testing"
)

func TestCommunityHintsCoverEveryLanguage(t *testing.T) {
	seed, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	// The languages the bot speaks, and those it will speak next (rights-facts.md section 4).
	want := append(slices.Clone(likelyLanguages), "es", "pt", "en", "pl", "ro", "ar", "ur", "bn", "sq", "vi")
	for _, l := range seed {
		want = append(want, l.Languages...)
		want = append(want, l.Interpreting...)
	}
	seen := map[string]bool{}
	for _, h := range communityHints {
		if seen[h.lang] {
			t.Errorf("%s: two rows", h.lang)
		}
		seen[h.lang] = true
		if h.reason == "" {
			t.Errorf("%s: no reason", h.lang)
		}
		if b, err := ParseLanguage(h.lang); err != nil || b != h.lang {
			t.Errorf("%s: not a canonical language code (%q, %v)", h.lang, b, err)
		}
		for _, c := range h.communities {
			if !slices.Contains(allCommunities, c) {
				t.Errorf("%s: %q is not a community", h.lang, c)
			}
		}
	}
	for _, l := range want {
		if !seen[l] {
			t.Errorf("%s: no row in communityHints", l)
		}
	}
}

func TestSuggestedCommunities(t *testing.T) {
	tests := []struct {
		lang string
		want []Community
	}{
		{"es", []Community{LatinAmerican}},
		{"es-CO", []Community{LatinAmerican}},
		{"pt-BR", []Community{Brazilian, PortugueseSpeaking, LatinAmerican}},
		{"pl", []Community{Polish, EasternEuropean}},
		{"en", nil},
		{"", nil},
		{"xx-nonsense", nil},
	}
	for _, tt := range tests {
		if got := SuggestedCommunities(tt.lang); !slices.Equal(got, tt.want) {
			t.Errorf("SuggestedCommunities(%q) = %v, want %v", tt.lang, got, tt.want)
		}
	}
}
