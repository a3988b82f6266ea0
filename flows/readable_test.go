package flows

import "testing"

// Ensure the length limits count what a person reads, not the invisible marks that keep
// numbers in order in right-to-left text.
func TestReadable(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"Call 999", 8},
		{"اتصل \u2066999\u2069", 8},
		{"\u2068Crimestoppers\u2069 \u200f", 14},
		{"\u202bأ\u202c", 1},
	}
	for _, tt := range tests {
		if got := readable(tt.in); got != tt.want {
			t.Errorf("readable(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
