package directory

import "slices"

// communityHint is one row of the table of what a person's language suggests about the
// communities whose organisations may suit them, with the reason a caseworker would give.
// A suggestion is only that: ranking weighs a suggested community as it weighs a chosen
// one, a community the person chooses wins over it, and the person is asked (never told)
// whether they want such an organisation.
type communityHint struct {
	lang        string
	communities []Community
	reason      string
}

// communityHints covers every language code of likelyLanguages and every language the
// bot speaks or will speak (rights-facts.md section 4). Sources are the rows of
// rights-facts.md section 3 (Organisations) unless the reason says otherwise; a language
// with no community row says why.
var communityHints = []communityHint{
	{"en", nil, "English is spoken in every community; it says nothing about one."},
	{"es", []Community{LatinAmerican}, "LAWRS, LAWA, IRMO and LADPP serve Latin Americans in Spanish (section 3)."},
	{"pt", []Community{Brazilian, PortugueseSpeaking, LatinAmerican}, "LAWRS and LAWA serve Brazilian women in Portuguese; Respeito serves Portuguese speakers (Portugal, Brazil, Angola, Mozambique); section 4's note: serve pt-BR (LAWRS, LAWA, Respeito) and pt-PT/African Portuguese."},
	{"pl", []Community{Polish, EasternEuropean}, "Vesta SFS serves the Polish community; EERC serves Central and Eastern European migrants in Polish (section 3)."},
	{"ro", []Community{Romanian, EasternEuropean}, "Work Rights Centre works in Romanian; EERC serves Central and Eastern European migrants in Romanian (section 3)."},
	{"lt", []Community{EasternEuropean}, "EERC serves Central and Eastern European migrants in Lithuanian (section 3)."},
	{"bg", []Community{EasternEuropean}, "EERC serves Central and Eastern European migrants in Bulgarian (section 3)."},
	{"lv", []Community{EasternEuropean}, "Latvia is in Eastern Europe, whose migrants EERC serves (section 3); no Latvian organisation was found (section 3, last row)."},
	{"hu", []Community{EasternEuropean}, "Hungary is in Central Europe, whose migrants EERC serves (section 3)."},
	{"cs", []Community{EasternEuropean}, "Czechia is in Central Europe, whose migrants EERC serves (section 3)."},
	{"sk", []Community{EasternEuropean}, "Slovakia is in Central Europe, whose migrants EERC serves (section 3)."},
	{"uk", []Community{EasternEuropean}, "Ukraine is in Eastern Europe, whose migrants EERC serves (section 3)."},
	{"ru", nil, "Russian is spoken in many countries, in and beyond Eastern Europe; no organisation in the sources names Russian speakers."},
	{"sq", nil, "Section 4 names Albanian speakers among asylum and NRM populations, but a language does not say someone sought asylum, and no organisation in the sources names them."},
	{"tl", []Community{Filipino}, "Kanlungan is a consortium of Filipino community organisations (section 3)."},
	{"cy", nil, "Welsh speakers are served by Welsh services, which the region already finds."},
	{"ur", []Community{SouthAsian}, "Southall Black Sisters serves South Asian women; Karma Nirvana's victims are mostly British Pakistani, Indian and Bangladeshi (sections 3 and 4)."},
	{"pa", []Community{SouthAsian}, "Panjabi is a South Asian language; Southall Black Sisters serves South Asian women (section 3)."},
	{"bn", []Community{SouthAsian}, "Bengali is a South Asian language; Southall Black Sisters serves South Asian women (section 3)."},
	{"gu", []Community{SouthAsian}, "Gujarati is a South Asian language; Southall Black Sisters serves South Asian women (section 3)."},
	{"hi", []Community{SouthAsian}, "Hindi is a South Asian language; Southall Black Sisters serves South Asian women (section 3)."},
	{"ta", []Community{SouthAsian}, "Tamil is a South Asian language; Southall Black Sisters serves South Asian women (section 3)."},
	{"ar", nil, "Section 4 names Arabic speakers as an asylum and refugee population, but a language does not say someone sought asylum, and no organisation in the sources names them."},
	{"fa", nil, "Section 4 names Persian speakers among asylum populations, but a language does not say someone sought asylum, and no organisation in the sources names them."},
	{"ps", nil, "No organisation in the sources names Pashto speakers."},
	{"ku", nil, "No organisation in the sources names Kurdish speakers."},
	{"so", nil, "Section 4 names Somali speakers among asylum populations, but a language does not say someone sought asylum, and no organisation in the sources names them."},
	{"ti", nil, "Section 4 names Tigrinya speakers among asylum populations, but a language does not say someone sought asylum, and no organisation in the sources names them."},
	{"am", nil, "No organisation in the sources names Amharic speakers."},
	{"vi", nil, "Section 4 names Vietnamese in anti-trafficking leaflets, but no organisation in the sources names Vietnamese speakers."},
	{"zh", nil, "No organisation in the sources names Chinese speakers."},
	{"yue", nil, "No organisation in the sources names Cantonese speakers."},
	{"fr", nil, "French is spoken in many countries and communities; no organisation in the sources names French speakers."},
	{"it", nil, "No organisation in the sources names Italian speakers."},
	{"tr", nil, "No organisation in the sources names Turkish speakers."},
	{"bfi", nil, "British Sign Language users are Deaf people of every community; the 999 BSL relay is found by language."},
	{AnyLanguage, nil, "Not a person's language: it marks interpreters for many languages."},
}

// SuggestedCommunities returns the communities a person's language suggests (see
// communityHints), most specific first; nil when it suggests none.
func SuggestedCommunities(lang string) []Community {
	base := baseLang(lang)
	i := slices.IndexFunc(communityHints, func(h communityHint) bool { return h.lang == base })
	if i < 0 {
		return nil
	}
	return communityHints[i].communities
}
