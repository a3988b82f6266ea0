package locales

import (
	"fmt"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"
)

// probeID names a message whose forms are the names of the CLDR plural
// categories. Localizing it asks go-i18n's own plural rules which category a
// number falls in, so check and rendering agree with the library.
// The NUL byte keeps it apart from every ID a file can hold.
const probeID = "\x00plural"

// probeCounts cover every category of every CLDR rule: 0 to 200 for the
// integer rules, a million for the "many" of es/pt/fr/it, decimals for the
// "other" of languages whose integers never reach it.
var probeCounts = func() []any {
	var out []any
	for i := range 201 {
		out = append(out, i)
	}
	return append(out, 1000000, "0.5", "1.5", "2.5")
}()

func (c *Catalog) probePlurals() error {
	probe := &i18n.Message{ID: probeID, Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	c.plurals = make(map[string]*i18n.Localizer, len(c.tags))
	c.forms = make(map[string][]string, len(c.tags))
	c.counted = make(map[string][]string, len(c.tags))
	for _, lang := range c.tags {
		if err := c.bundle.AddMessages(language.Make(lang), probe); err != nil {
			return fmt.Errorf("plural rules for %s: %w", lang, err)
		}
		c.plurals[lang] = i18n.NewLocalizer(c.bundle, lang)
	}
	for _, lang := range c.tags {
		seen := map[string]bool{}
		for _, n := range probeCounts {
			f, err := c.form(lang, n)
			if err != nil {
				return err
			}
			seen[f] = true
			if i, ok := n.(int); ok && i == len(c.counted[lang]) {
				c.counted[lang] = append(c.counted[lang], f) // probeCounts start 0, 1, 2…
			}
		}
		for _, f := range Forms {
			if seen[f] {
				c.forms[lang] = append(c.forms[lang], f)
			}
		}
	}
	return nil
}

func (c *Catalog) form(lang string, n any) (string, error) {
	loc, ok := c.plurals[lang]
	if !ok {
		return "", fmt.Errorf("no plural rules for %q", lang)
	}
	f, err := loc.Localize(&i18n.LocalizeConfig{
		MessageID:      probeID,
		PluralCount:    n,
		TemplateParser: i18ntemplate.IdentityParser{},
	})
	if err != nil {
		return "", fmt.Errorf("plural form of %v in %s: %w", n, lang, err)
	}
	return f, nil
}

// PluralForm returns the CLDR plural category of n in a shipped language.
// Counts people see (a few organisations) are answered from the probe's own
// results, without asking go-i18n again.
func (c *Catalog) PluralForm(lang string, n int) (string, error) {
	if forms := c.counted[lang]; n >= 0 && n < len(forms) {
		return forms[n], nil
	}
	return c.form(lang, n)
}
