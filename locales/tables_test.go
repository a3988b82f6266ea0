package locales

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// decomposed is what foldWord once was: the word lowered, decomposed
// (Unicode's NFD) and without its nonspacing marks.
func decomposed(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// TestFoldWordAsDecomposition holds foldWord, whose table leaves the
// decomposition tables of golang.org/x/text/unicode/norm out of puente, to
// the words decomposition finds, rune by rune over all of Unicode: where
// decomposing a rune leaves ASCII (the only characters a command word
// has), foldWord leaves the same; where it leaves anything else, so does
// foldWord, and no command word can match it.
func TestFoldWordAsDecomposition(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		w := string(r)
		got, want := foldWord(w), decomposed(w)
		if isASCII(want) && got != want || !isASCII(want) && isASCII(got) {
			t.Errorf("foldWord(%q) (%U) = %q, decomposition leaves %q", w, r, got, want)
		}
	}
	for _, w := range []string{"Início", "COMEÇAR", "menú", "atrás", "língua", "a\u0301tra\u0301s", "Đóng", "Ｓalir"} {
		got, want := foldWord(w), decomposed(w)
		if isASCII(want) && got != want || !isASCII(want) && isASCII(got) {
			t.Errorf("foldWord(%q) = %q, decomposition leaves %q", w, got, want)
		}
	}
}

// TestRTLLettersAsBidi holds rtlLetters, whose 55 ranges leave the tables of
// golang.org/x/text/unicode/bidi out of puente, to those tables over all of
// Unicode.
func TestRTLLettersAsBidi(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		p, _ := bidi.LookupRune(r)
		want := p.Class() == bidi.R || p.Class() == bidi.AL
		if got := hasRTL(string(r)); got != want {
			t.Errorf("hasRTL(%q) (%U) = %v, want %v", string(r), r, got, want)
		}
	}
}
