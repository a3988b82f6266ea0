// Package directory is puente's referral directory: support services and helplines, who
// they serve, in which languages, where and when, how to reach them, and how far they can
// be trusted with a person whose immigration status is insecure. It ranks listings for a
// person's need, language, region and preferences, explains each choice, and reads and
// writes the directory as CSV and as Open Referral HSDS 3.0.
//
// The package knows nothing of Telegram, HTTP or SQL; store/ keeps listings and
// cmd/puente offers match, import and export on the command line.
package directory

import (
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/puente-bot/puente/locales"
)

// Need is what a person needs help with, in the snake_case used by flows and CSV files.
type Need string

// The needs a listing can serve. The order is the bit order of the ranking index:
// new needs go at the end.
const (
	DomesticAbuse      Need = "domestic_abuse"
	SexualViolence     Need = "sexual_violence"
	LabourExploitation Need = "labour_exploitation"
	Trafficking        Need = "trafficking"
	ImmigrationAdvice  Need = "immigration_advice"
	LegalAdvice        Need = "legal_advice"
	Housing            Need = "housing"
	Health             Need = "health"
	Witness            Need = "witness"
	HateCrime          Need = "hate_crime"
	ForcedMarriage     Need = "forced_marriage"
	LGBT               Need = "lgbt"
)

var allNeeds = []Need{DomesticAbuse, SexualViolence, LabourExploitation, Trafficking,
	ImmigrationAdvice, LegalAdvice, Housing, Health, Witness, HateCrime, ForcedMarriage, LGBT}

// Needs lists every need in a stable order.
func Needs() []Need { return slices.Clone(allNeeds) }

// ParseNeed reads a need code and suggests the nearest one when it is not known.
func ParseNeed(s string) (Need, error) {
	return parseCode(msg("directory.problem.what.need"), s, allNeeds)
}

func (n Need) bit() uint16 {
	i := slices.Index(allNeeds, n)
	if i < 0 {
		return 0
	}
	return 1 << i
}

// Region is an area a listing covers or a person is in.
type Region string

// Regions. London and North West are parts of England; UK means the whole country.
const (
	London          Region = "london"
	NorthWest       Region = "north_west"
	England         Region = "england"
	Wales           Region = "wales"
	Scotland        Region = "scotland"
	NorthernIreland Region = "northern_ireland"
	UK              Region = "uk"
)

var allRegions = []Region{London, NorthWest, England, Wales, Scotland, NorthernIreland, UK}

// Regions lists every region in a stable order.
func Regions() []Region { return slices.Clone(allRegions) }

// ParseRegion reads a region code and suggests the nearest one when it is not known: the
// region a place lies in for a place PlaceRegions knows ("Manchester": north_west), else
// the closest spelling.
func ParseRegion(s string) (Region, error) {
	r, err := parseCode(msg("directory.problem.what.region"), s, allRegions)
	if err == nil {
		return r, nil
	}
	if r, ok := RegionOfPlace(s); ok {
		return "", errMsg("directory.problem.not_a_code_suggest", "Value", quote(s), "What", msg("directory.problem.what.region"), "Suggestion", string(r))
	}
	return "", err
}

// nation is the UK nation a region lies in (UK for the whole country).
func (r Region) nation() Region {
	switch r {
	case London, NorthWest:
		return England
	}
	return r
}

// Kind says how a listing is reached: a helpline, a service of an organisation, or the
// emergency services (never ranked, only the last resort of a referral list).
type Kind string

// Kinds of listing.
const (
	Helpline  Kind = "helpline"
	Service   Kind = "service"
	Emergency Kind = "emergency"
)

// allKinds is in the order a volunteer's form offers them.
var allKinds = []Kind{Service, Helpline, Emergency}

// Kinds returns every kind of listing.
func Kinds() []Kind { return slices.Clone(allKinds) }

// Status says whether a listing is shown to people at all.
type Status string

// Statuses. An inactive listing is kept for volunteers but never shown to people.
const (
	Active   Status = "active"
	Inactive Status = "inactive"
)

var allStatuses = []Status{Active, Inactive}

// Stance is what is known of a listing's data sharing with immigration enforcement.
type Stance string

// Stances: the organisation states it does not share people's data with immigration
// enforcement; nothing is known; or it may share (the police, reports passed to Border
// Force, partners of the Home Office).
const (
	StanceUnknown      Stance = "unknown"
	StanceDoesNotShare Stance = "does_not_share"
	StanceMayShare     Stance = "may_share"
)

var allStances = []Stance{StanceUnknown, StanceDoesNotShare, StanceMayShare}

// Stances returns every stance on data sharing, unknown first.
func Stances() []Stance { return slices.Clone(allStances) }

// Tri is yes, no or unknown: the answer to a question a source may not settle.
type Tri string

// Tri values.
const (
	Unknown Tri = "unknown"
	Yes     Tri = "yes"
	No      Tri = "no"
)

var allTris = []Tri{Unknown, Yes, No}

// Tris returns unknown, yes and no.
func Tris() []Tri { return slices.Clone(allTris) }

// Audience is who a listing serves.
type Audience string

// Audiences. A listing that serves women (and perhaps children) but neither men nor
// anyone is "women only".
const (
	Anyone   Audience = "any"
	Women    Audience = "women"
	Men      Audience = "men"
	LGBTQ    Audience = "lgbt"
	Children Audience = "children"
	Adults   Audience = "adults"
)

var allAudiences = []Audience{Anyone, Women, Men, LGBTQ, Children, Adults}

// Audiences returns everyone a listing can serve.
func Audiences() []Audience { return slices.Clone(allAudiences) }

// Community is a community a listing is culturally specific to.
type Community string

// Communities. New communities need a reason text in every locales/directory.*.json.
const (
	LatinAmerican          Community = "latin_american"
	Brazilian              Community = "brazilian"
	PortugueseSpeaking     Community = "portuguese_speaking"
	Filipino               Community = "filipino"
	EasternEuropean        Community = "eastern_european"
	Polish                 Community = "polish"
	Romanian               Community = "romanian"
	SouthAsian             Community = "south_asian"
	BlackMinoritised       Community = "black_minoritised"
	MigrantDomesticWorkers Community = "migrant_domestic_workers"
	Refugees               Community = "refugees"
	Disabled               Community = "disabled"
)

var allCommunities = []Community{LatinAmerican, Brazilian, PortugueseSpeaking, Filipino,
	EasternEuropean, Polish, Romanian, SouthAsian, BlackMinoritised, MigrantDomesticWorkers,
	Refugees, Disabled}

// Communities lists every community in a stable order.
func Communities() []Community { return slices.Clone(allCommunities) }

// ParseCommunity reads a community code and suggests the nearest one when it is not known.
func ParseCommunity(s string) (Community, error) {
	return parseCode(msg("directory.problem.what.community"), s, allCommunities)
}

// AnyLanguage ("mul") in an interpreting list means interpreters for many languages.
const AnyLanguage = "mul"

// likelyLanguages are the codes a volunteer is most likely to mean; their English
// names are what a misspelt language is compared with.
var likelyLanguages = []string{"en", "es", "pt", "pl", "ro", "lt", "lv", "bg", "hu", "cs",
	"sk", "uk", "ru", "sq", "tl", "cy", "ur", "pa", "bn", "gu", "hi", "ta", "ar", "fa", "ps",
	"ku", "so", "ti", "am", "vi", "zh", "yue", "fr", "it", "tr", "bfi", "mul"}

// ParseLanguage reads a language code (ISO 639-1, or ISO 639-3 where there is no
// two-letter code) and returns its canonical base, e.g. "por" -> "pt", "pt-BR" -> "pt".
func ParseLanguage(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", errMsg("directory.problem.empty_language")
	}
	if tag, err := language.Parse(t); err == nil {
		b, conf := tag.Base()
		if conf != language.No && b.String() != "und" {
			return canonLang(b.String()), nil
		}
	}
	if b, err := language.ParseBase(t); err == nil && b.String() != "und" {
		return canonLang(b.String()), nil
	}
	if sug := suggestLanguage(t); sug != "" {
		return "", errMsg("directory.problem.not_a_language_suggest", "Value", quote(s), "Suggestion", sug)
	}
	return "", errMsg("directory.problem.not_a_language", "Value", quote(s))
}

func canonLang(b string) string {
	if b == "fil" {
		return "tl"
	}
	return b
}

// baseLang is the language of a person's tag, "en" when it is empty or unreadable.
func baseLang(tag string) string {
	if tag == "" {
		return "en"
	}
	b, err := ParseLanguage(tag)
	if err != nil {
		return "en"
	}
	return b
}

func suggestLanguage(s string) string {
	low := strings.ToLower(s)
	best, bestD := "", 3
	for _, c := range likelyLanguages {
		name := strings.ToLower(englishLanguageName(c))
		if d := distance(low, name); d < bestD {
			best, bestD = c, d
		}
		if d := distance(low, c); d < bestD && len(low) <= 3 {
			best, bestD = c, d
		}
	}
	return best
}

func englishLanguageName(code string) string {
	switch code {
	case "bfi":
		return "British Sign Language"
	case AnyLanguage:
		return "many languages"
	}
	return locales.EnglishName(code)
}

// LanguageName is the name of a language in its own script ("português", "română"),
// for reasons shown to a person.
func LanguageName(code string) string {
	if code == "bfi" || code == AnyLanguage {
		return englishLanguageName(code)
	}
	if n := locales.SelfName(code); n != "" {
		return n
	}
	return englishLanguageName(code)
}

// parseCode reads one code of a closed vocabulary.
func parseCode[T ~string](what Message, s string, valid []T) (T, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.NewReplacer(" ", "_", "-", "_").Replace(t)
	for _, v := range valid {
		if string(v) == t {
			return v, nil
		}
	}
	best, bestD := "", len(t)/3+2
	for _, v := range valid {
		if d := distance(t, string(v)); d < bestD {
			best, bestD = string(v), d
		}
	}
	var zero T
	if best != "" {
		return zero, errMsg("directory.problem.not_a_code_suggest", "Value", quote(s), "What", what, "Suggestion", best)
	}
	names := make([]string, len(valid))
	for i, v := range valid {
		names[i] = string(v)
	}
	return zero, errMsg("directory.problem.not_a_code_options", "Value", quote(s), "What", what, "Options", strings.Join(names, ", "))
}

// distance is the Levenshtein edit distance, for suggestions.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
