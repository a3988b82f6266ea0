package locales

import (
	"slices"
	"sync/atomic"

	"golang.org/x/text/language"
)

// Resolve picks the language to speak. An explicit choice (a shipped
// language, or a variant of one) always wins. Otherwise hint, a guess such
// as Telegram's language_code, is accepted only when it is the same base
// language as a shipped one with high confidence (pt-br -> pt-BR, pt-PT ->
// pt-BR, es-419 -> es). Anything else returns the best guess with
// confident false, and the caller shows the picker: in a crisis service,
// guessing a language the person may not read is worse than asking.
//
// shipped lists the shipped tags with the default first, as Catalog.Tags.
func Resolve(choice, hint string, shipped []string) (lang string, confident bool) {
	if len(shipped) == 0 {
		return Default, false
	}
	m := matcherFor(shipped)
	if choice != "" {
		if best, ok := sameLanguage(m, shipped, choice); ok {
			return best, true
		}
	}
	if hint == "" {
		return shipped[0], false
	}
	return sameLanguage(m, shipped, hint)
}

// shippedMatcher is a matcher and the shipped languages it was made for.
type shippedMatcher struct {
	shipped []string
	m       language.Matcher
}

// lastMatcher is the matcher made for the shipped languages Resolve was last
// given. A program ships one list, and making a matcher costs many times
// more than a match, which the bot would otherwise pay for every update.
var lastMatcher atomic.Pointer[shippedMatcher]

// matcherFor returns a matcher of shipped, made once for a list Resolve keeps
// being given. A matcher only reads itself once made, so it is safe to share.
func matcherFor(shipped []string) language.Matcher {
	if last := lastMatcher.Load(); last != nil && slices.Equal(last.shipped, shipped) {
		return last.m
	}
	tags := make([]language.Tag, len(shipped))
	for i, s := range shipped {
		tags[i] = language.Make(s)
	}
	// PreferSameScript(false): otherwise Farsi matches Arabic and Russian
	// matches Ukrainian, with confidence No that go-i18n would ignore.
	m := language.NewMatcher(tags, language.PreferSameScript(false))
	lastMatcher.Store(&shippedMatcher{shipped: slices.Clone(shipped), m: m})
	return m
}

// sameLanguage matches code against the shipped languages; ok reports a
// match of high confidence with the same base language.
func sameLanguage(m language.Matcher, shipped []string, code string) (string, bool) {
	t, err := language.Parse(code)
	if err != nil {
		return shipped[0], false
	}
	_, i, conf := m.Match(t)
	best := shipped[i]
	if conf < language.High {
		return best, false
	}
	want, _ := t.Base()
	got, _ := language.Make(best).Base()
	return best, want == got
}

// Speaking is the language to speak to someone: the one they chose, else
// the best guess from hint, even an unconfident one (the picker that
// follows is written in it too).
func (c *Catalog) Speaking(choice, hint string) string {
	if choice != "" {
		return choice
	}
	lang, _ := Resolve("", hint, c.tags)
	return lang
}
