package locales

import "golang.org/x/text/language"

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

// LTR isolates a value that is left to right by nature: a phone number, a
// URL, an e-mail address, a time. Without it a phone number inside Arabic
// text can be shown with its groups swapped.
func LTR(s string) string { return lri + s + pdi }

// FSI isolates a value of unknown direction, such as an organisation's name.
func FSI(s string) string { return fsi + s + pdi }
