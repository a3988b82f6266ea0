package locales

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
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
	return display.English.Languages().Name(language.Make(code))
}

// SelfName is a language's name in itself and its own script ("polski",
// "العربية"), from CLDR; "" when CLDR has none.
func SelfName(code string) string {
	return display.Self.Name(language.Make(code))
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
