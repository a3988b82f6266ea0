package locales

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/language"
)

// Unicode isolates (UAX #9): they keep an inserted value's direction from
// leaking into the sentence around it.
const (
	lri = "\u2066" // left-to-right isolate
	rli = "\u2067" // right-to-left isolate
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

// hasRTL reports whether s holds a right-to-left letter: a rune of
// bidirectional class R or AL. Of golang.org/x/text/unicode/bidi's tables,
// which net/http links in once already as its own copy, it needs only those
// 55 ranges, generated from them (rtlLetters; TestRTLLettersAsBidi).
//
//go:generate go run gen_rtl.go
func hasRTL(s string) bool {
	for _, r := range s {
		if r < 0x0590 {
			continue // below Hebrew, nothing is right to left
		}
		if unicode.Is(rtlLetters, r) {
			return true
		}
	}
	return false
}

// ltrRun finds what reads left to right inside right-to-left text: a link,
// or a run of Latin letters and digits with the spaces and signs between
// them (0808 2000 247, +44 20 7946 0958, 24/7, NHS 111, hello@example.org),
// with the slash of a command (/exit) or the at sign of a username.
var ltrRun = regexp.MustCompile(`(?:https?://|www\.)[^\s\x{2066}-\x{2069}]+|[/+@]?[0-9A-Za-z][0-9A-Za-z@._%+/:\-]*(?:[ \x{a0}\x{202f}][0-9A-Za-z@+][0-9A-Za-z@._%+/:\-]*)*`)

// isolates reports whether s has bidi isolates or embeddings already.
func isolates(s string) bool {
	return strings.ContainsAny(s, "\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e")
}

// isolateLiterals wraps each left-to-right run a right-to-left template
// writes itself in a left-to-right isolate, so that "0808 2000 247" keeps its
// groups in order and a link reads as one. Template actions are left as
// they are (their values are isolated when rendered, see isolateValue); a
// message that places isolates itself is trusted as written.
func isolateLiterals(src string) string {
	if isolates(src) {
		return src
	}
	var b strings.Builder
	for src != "" {
		lit, rest, found := strings.Cut(src, "{{")
		b.WriteString(isolateText(lit))
		if !found {
			break
		}
		action, after, closed := strings.Cut(rest, "}}")
		b.WriteString("{{" + action)
		if closed {
			b.WriteString("}}")
		}
		src = after
	}
	return b.String()
}

func isolateText(s string) string {
	return ltrRun.ReplaceAllStringFunc(s, func(run string) string {
		// Sentence punctuation after a run belongs to the sentence.
		body := strings.TrimRight(run, ".,:;/-")
		return lri + body + pdi + run[len(body):]
	})
}

// isolateValue isolates a value inserted into a right-to-left message: a
// number left to right, anything else by its first strong letter. A value
// isolated already is left as it is.
func isolateValue(v any) any {
	switch v := v.(type) {
	case nil:
		return v
	case string:
		if v == "" || (strings.HasSuffix(v, pdi) && (strings.HasPrefix(v, lri) || strings.HasPrefix(v, fsi) || strings.HasPrefix(v, rli))) {
			return v
		}
		return fsi + v + pdi
	case int:
		return lri + strconv.Itoa(v) + pdi
	default:
		return fsi + fmt.Sprint(v) + pdi
	}
}
