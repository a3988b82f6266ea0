package locales_test

import (
	"testing"

	"github.com/puente-bot/puente/locales"
)

func TestBase(t *testing.T) {
	for tag, want := range map[string]string{"pt-BR": "pt", "pt_BR": "pt", "es": "es", "ES-419": "es", "": ""} {
		if got := locales.Base(tag); got != want {
			t.Errorf("Base(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestMatchAcceptLanguage(t *testing.T) {
	shipped := []string{"en", "es", "pt-BR"}
	tests := []struct{ header, want string }{
		{"pt-PT,pt;q=0.9", "pt-BR"},
		{"es-MX", "es"},
		{"de-DE,de;q=0.9", "en"},
		{"", "en"},
		{"garbage;;q=x", "en"},
	}
	for _, tt := range tests {
		if got := locales.MatchAcceptLanguage(tt.header, shipped); got != tt.want {
			t.Errorf("MatchAcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// The case card names a person's language for an English-reading caseworker
// and in its own script, for each language puente speaks or will.
func TestDisplayName(t *testing.T) {
	for code, want := range map[string]string{
		"pl": "Polish (polski)", "ro": "Romanian (română)", "ar": "Arabic (العربية)", "ur": "Urdu (اردو)",
		"bn": "Bangla (বাংলা)", "sq": "Albanian (shqip)", "vi": "Vietnamese (Tiếng Việt)",
		"es": "Spanish (español)", "en": "English",
	} {
		if got := locales.DisplayName(code); got != want {
			t.Errorf("DisplayName(%q) = %q, want %q", code, got, want)
		}
	}
}
