package locales

import (
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

// Base is the base language of a tag, lower case: "pt" for "pt-BR" or
// "pt_BR". It is also the code Telegram uses for a language (ISO 639-1).
func Base(tag string) string {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		return strings.ToLower(tag[:i])
	}
	return strings.ToLower(tag)
}

// MatchAcceptLanguage picks the shipped tag a browser's Accept-Language
// header asks for, else Default. shipped is as Catalog.Tags.
func MatchAcceptLanguage(header string, shipped []string) string {
	prefs, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(prefs) == 0 || len(shipped) == 0 {
		return Default
	}
	supported := make([]language.Tag, len(shipped))
	for i, t := range shipped {
		supported[i] = language.Make(t)
	}
	_, i, conf := language.NewMatcher(supported).Match(prefs...)
	if conf == language.No {
		return Default
	}
	return shipped[i]
}

// EnglishName is a language's name in English ("Polish"), from CLDR; ""
// when CLDR has none.
func EnglishName(code string) string {
	if i := findLanguageName(code); i >= 0 {
		return languageNames[i].English
	}
	return ""
}

// SelfName is a language's name in itself and its own script ("polski",
// "العربية"), from CLDR; "" when CLDR has none.
func SelfName(code string) string {
	if i := findLanguageName(code); i >= 0 {
		return languageNames[i].Self
	}
	return ""
}

func findLanguageName(code string) int {
	return findName(len(languageNames), func(i int) string { return languageNames[i].Tag }, code)
}

// NameIn is a language's name in the language of a page ("portugués" for
// "pt" on a Spanish page), from CLDR; "" when CLDR has none or the page's
// language is not one the volunteers' pages are written in.
func NameIn(page, code string) string {
	if page == "en" {
		return EnglishName(code)
	}
	p, ok := slices.BinarySearchFunc(pageNames, page, func(p pageLanguage, page string) int {
		return strings.Compare(p.Page, page)
	})
	if !ok {
		return ""
	}
	names := pageNames[p].Names
	if i := findName(len(names), func(i int) string { return names[i].Tag }, code); i >= 0 {
		return names[i].Name
	}
	return ""
}

// The name tables are generated from CLDR (golang.org/x/text/language/display) by
// names_test.go, so that the binary carries the names puente shows and not every
// language's name in every language.

// languageName is a language's names, filed under its tag as language.All composes it.
type languageName struct{ Tag, English, Self string }

// pageName is a language's name in a page's language.
type pageName struct{ Tag, Name string }

// pageLanguage is the names of languages in one language of the volunteers' pages.
type pageLanguage struct {
	Page  string
	Names []pageName
}

// nameTag is the tag a code's names are filed under, so that "por", "pt" and "PT"
// are one language and "sh" is "sr-Latn", as CLDR's namers read them.
func nameTag(code string) language.Tag {
	t, _ := language.All.Compose(language.Make(code))
	return t
}

// findName is the index of a code's entry in a table of n entries sorted by tag, -1
// when it has none. A tag the table lacks inherits its parent's names ("pl-PL" is
// named as "pl"), as in CLDR.
func findName(n int, tagAt func(int) string, code string) int {
	for t := nameTag(code); ; {
		tag := t.String()
		if i := sort.Search(n, func(i int) bool { return tagAt(i) >= tag }); i < n && tagAt(i) == tag {
			return i
		}
		if t = t.Parent(); t == language.Und {
			return -1
		}
	}
}

// DisplayName is a language's English name and its own, for people who
// read English about someone who may not: "Polish (polski)".
func DisplayName(code string) string {
	en, self := EnglishName(code), SelfName(code)
	switch {
	case en == "":
		return code
	case self == "" || self == en:
		return en
	}
	return en + " (" + self + ")"
}
