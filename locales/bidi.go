package locales

import (
	"regexp"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/bidi"
)

// Unicode isolates (UAX #9): they keep an inserted value's direction from
// leaking into the sentence around it.
const (
	lri = "\u2066" // left-to-right isolate
	fsi = "\u2068" // first-strong isolate
	pdi = "\u2069" // pop directional isolate
)

// rtlScripts are the right-to-left scripts of languages people may write in.
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true,
	"Nkoo": true, "Adlm": true, "Rohg": true, "Mand": true, "Samr": true,
}

// IsRTL reports whether lang is written right to left, decided by its
// script (so ku, in Latin, is not; ckb and pa-Arab are).
func IsRTL(lang string) bool {
	t, err := language.Parse(lang)
	if err != nil {
		return false
	}
	s, _ := t.Script()
	return rtlScripts[s.String()]
}

// Bidi isolates the values inserted into messages of one language. Isolates
// are used only where directions mix: in a right-to-left message every value
// is isolated, in a left-to-right one only a value holding right-to-left
// letters. Elsewhere they are left out, because invisible controls around a
// phone number or a link may keep a phone from recognising it, or be copied
// along with it.
type Bidi struct{ rtl bool }

// BidiFor returns the isolation for messages in lang.
func BidiFor(lang string) Bidi { return Bidi{rtl: IsRTL(lang)} }

// LTR isolates a value that is left to right by nature: a phone number, a
// URL, an e-mail address, a time. Without it a phone number inside Arabic
// text can be shown with its groups swapped.
func (b Bidi) LTR(s string) string {
	if b.rtl || hasRTL(s) {
		return lri + s + pdi
	}
	return s
}

// FSI isolates a value of unknown direction, such as an organisation's name.
func (b Bidi) FSI(s string) string {
	if b.rtl || hasRTL(s) {
		return fsi + s + pdi
	}
	return s
}

// hasRTL reports whether s holds a right-to-left letter.
func hasRTL(s string) bool {
	for _, r := range s {
		if r < 0x0590 {
			continue // below Hebrew, nothing is right to left
		}
		switch p, _ := bidi.LookupRune(r); p.Class() {
		case bidi.R, bidi.AL:
			return true
		}
	}
	return false
}

// groupedNumber matches a number written in groups, such as a phone number
// (0808 2000 247, +44 20 7946 0958) or a range of times (09:00-17:00).
var groupedNumber = regexp.MustCompile(`\+?\d+(?:[ :\-–]\d+)+`)

// isolateNumbers wraps each number written in groups in a left-to-right
// isolate. Right-to-left text reverses the order of the groups of a number
// typed into it: "0808 2000 247" after an Arabic word shows as
// "247 2000 0808". Translators type numbers plainly; the catalog isolates
// them once, when it loads a right-to-left language.
func isolateNumbers(s string) string {
	return groupedNumber.ReplaceAllString(s, lri+"$0"+pdi)
}
