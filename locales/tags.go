package locales

import (
	"slices"
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
	return cldrLanguageName(englishNames, code)
}

// SelfName is a language's name in itself and its own script ("polski",
// "العربية"), from CLDR; "" when CLDR has none.
func SelfName(code string) string {
	t, _ := language.All.Compose(language.Make(code))
	base, scr, reg := t.Raw()
	var baseScript language.Script
	if scr == (language.Script{}) && reg != (language.Region{}) {
		// A region can imply a script other than the language's own ("uz-AF").
		s, _ := t.Script()
		if baseScript = scriptOf(base); baseScript != s {
			scr = s
		}
	}
	i, scr, _ := cldrEntry(selfNames, base, scr, reg)
	if i < 0 {
		return ""
	}
	// A name in another script than the tag's is not the language's name in itself.
	if scr != (language.Script{}) {
		if baseScript == (language.Script{}) {
			baseScript = scriptOf(base)
		}
		if baseScript != scr {
			return ""
		}
	}
	return selfNames[i].Name
}

// NameIn is a language's name in the language of a page ("portugués" for
// "pt" on a Spanish page), from CLDR; "" when CLDR has none or the page's
// language is not one the volunteers' pages are written in.
func NameIn(page, code string) string {
	if page == "en" {
		return EnglishName(code)
	}
	for _, p := range pageNames {
		if p.Page == page {
			return cldrLanguageName(p.Names, code)
		}
	}
	return ""
}

// The name tables (names_table.go) are generated from CLDR by names_test.go, so that
// the binary carries the names puente shows and not every language's name in every
// language (golang.org/x/text/language/display). They are filed, and read, as
// display files and reads its own, so that a name is the one display gives.

// cldrName is the name CLDR files under a tag: a base language ("pt"), or a base
// language with a script or a region that CLDR names apart ("pt-PT", "zh-Hant").
type cldrName struct{ Tag, Name string }

// pageLanguage is the names of languages in one language of the volunteers' pages.
type pageLanguage struct {
	Page  string
	Names []cldrName
}

// cldrLanguageName is the name a table gives a code, inherited from the tag's parent
// when the table names none for the tag.
func cldrLanguageName(table []cldrName, code string) string {
	t, _ := language.All.Compose(language.Make(code))
	for {
		base, scr, reg := t.Raw()
		if i, _, _ := cldrEntry(table, base, scr, reg); i >= 0 && table[i].Name != "" {
			return table[i].Name
		}
		if t = t.Parent(); t == language.Und {
			return ""
		}
	}
}

// cldrEntry is the index of the entry a table files a tag under, -1 when none: the
// first of the base language's entries with the tag's script or region, else the base
// language's own. It returns the script and region the entry leaves unnamed.
func cldrEntry(table []cldrName, base language.Base, scr language.Script, reg language.Region) (int, language.Script, language.Region) {
	b := base.String()
	i, found := slices.BinarySearchFunc(table, b, func(n cldrName, tag string) int { return strings.Compare(n.Tag, tag) })
	if scr != (language.Script{}) || reg != (language.Region{}) {
		// The unknown script and region name nothing: the base language's name stands.
		if scr.String() == "Zzzz" {
			scr = language.Script{}
		}
		if reg.String() == "ZZ" {
			reg = language.Region{}
		}
		j := i
		if found {
			j++
		}
		for ; j < len(table) && strings.HasPrefix(table[j].Tag, b+"-"); j++ {
			switch table[j].Tag[len(b)+1:] {
			case scr.String():
				return j, language.Script{}, reg
			case reg.String():
				return j, scr, language.Region{}
			}
		}
	}
	if !found {
		return -1, scr, reg
	}
	return i, scr, reg
}

// scriptOf is the script a base language is written in when nothing says otherwise.
func scriptOf(b language.Base) language.Script {
	t, _ := language.Raw.Compose(b)
	s, _ := t.Script()
	return s
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
