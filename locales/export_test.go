package locales

import "slices"

// PluralForms returns the CLDR plural categories a shipped language uses,
// which every plural message of that language must carry.
func (c *Catalog) PluralForms(lang string) []string {
	return slices.Clone(c.forms[lang])
}
