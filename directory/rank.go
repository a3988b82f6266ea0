package directory

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// Profile is what a person chose to tell: their need, language, region and preferences.
// Every field may be empty ("I prefer not to say").
type Profile struct {
	Need      Need
	Lang      string // BCP 47 tag of the language they want help in
	Region    Region
	WomenOnly bool   // prefers services for women only
	Community string // a Community code
}

// Match is a listing chosen for a profile, with the reasons to show the person and the
// notes to show volunteers.
type Match struct {
	Listing   *Listing
	Reasons   []Reason // for the person, in order
	Notes     []Reason // for volunteers only (stale, shown as a last resort)
	Available Availability
	Score     int
	// Outside marks a listing that is not for women only, shown after the women-only
	// ones because fewer than MinWomenOnly of those fit a person who asked for them, or
	// none of them has a phone or text line.
	Outside bool
}

// Reason is a message ID of locales/directory.*.json and its named placeholders.
type Reason struct {
	ID   string
	Data map[string]any
}

// Ranker ranks listings for a person. It never returns an empty list.
type Ranker interface {
	Rank(p Profile, now time.Time) []Match
}

// Freshness rules: a listing not verified for StaleAfter ranks lower and says so to
// volunteers; after HiddenAfter (or never verified) it is not shown to people until
// it is verified again.
const (
	StaleAfter  = 180 * 24 * time.Hour
	HiddenAfter = 365 * 24 * time.Hour
)

// MaxMatches is the most matches Rank returns: enough for several pages of "more options".
const MaxMatches = 20

// MinWomenOnly is how many women-only listings must fit a person who asked for them
// before the others are left out; with fewer (or none with a phone or text line), the
// others follow under a heading.
const MinWomenOnly = 2

// PublicAfter is how many other listings come before the first police or government
// listing (all of them, when fewer fit).
const PublicAfter = 3

// Directory is a ranked, read-only set of listings. It is safe for concurrent use.
type Directory struct {
	entries []entry
	all     []*Listing
}

// entry caches what scoring every listing on every query needs.
type entry struct {
	l         *Listing
	needs     uint16
	div       Division
	womenOnly bool
	menOnly   bool
	public    bool
	reachable bool // has a phone or a text line
	// special is an audience the listing is made for beyond women (LGBT+ people, men,
	// children): such listings fit a person who did not say they are one less well.
	special bool
	// exploitation: its main need is trafficking or labour exploitation (a modern
	// slavery line).
	exploitation bool
}

var _ Ranker = (*Directory)(nil)

// New builds a directory over the listings, which it must not be given to change.
func New(listings []*Listing) *Directory {
	d := &Directory{all: listings, entries: make([]entry, 0, len(listings))}
	for _, l := range listings {
		d.entries = append(d.entries, newEntry(l))
	}
	return d
}

func newEntry(l *Listing) entry {
	e := entry{l: l, div: l.division(), womenOnly: l.WomenOnly(), menOnly: l.MenOnly(),
		public: l.Public()}
	for _, n := range l.Needs {
		e.needs |= n.bit()
	}
	for _, c := range l.Contacts {
		e.reachable = e.reachable || c.Kind == Phone || c.Kind == Text
	}
	onlyFor := func(a Audience) bool {
		return slices.Contains(l.Serves, a) && !slices.Contains(l.Serves, Anyone) &&
			!slices.Contains(l.Serves, Women) && !slices.Contains(l.Serves, Adults)
	}
	e.special = e.menOnly || onlyFor(LGBTQ) || onlyFor(Children)
	e.exploitation = len(l.Needs) > 0 && (l.Needs[0] == Trafficking || l.Needs[0] == LabourExploitation)
	return e
}

// Listings returns the listings the directory was built over.
func (d *Directory) Listings() []*Listing { return d.all }

// Score weights, within a group (see Rank): fit to the person first (their language
// above all), then being reachable now, then trust. Explained in the README (The
// directory spreadsheet).
const (
	wStaffLanguage   = 40
	wInterpreter     = 20
	wCommunityChosen = 25
	wCommunity       = 15
	wMainNeed        = 10
	wRegionLocal     = 12
	wRegionNation    = 8
	wRegionUK        = 4
	wRegionNearby    = 2
	wOpenNow         = 10
	wHoursUnknown    = 5
	wDoesNotShare    = 8
	wMayShare        = -20
	wInsecure        = 6
	wHandoff         = 4
	wStale           = -15
)

// Groups of listings, in the order they are shown.
const (
	groupForYou  = iota // staff speak the person's language, or made for their community
	groupMain           // for anyone, and the person's need is its main one
	groupGeneral        // for anyone
	groupOthers         // made for another community, or for LGBT+ people, men or children
)

// broadCommunities are communities wide enough that a listing for them is for anyone
// rather than for another group (Southall Black Sisters serves Black and minoritised
// women; Praxis, refugees and other migrants).
var broadCommunities = []Community{BlackMinoritised, Refugees}

// query holds what is computed once per Rank call.
type query struct {
	p         Profile
	lang      string
	need      uint16
	chosen    Community
	suggested []Community
	known     bool // the person said where they are
	now       time.Time
	minute    int
	days      [2]dayInfo // yesterday, today (local)
	langName  string     // the person's language in itself, once a reason needs it
}

func (q *query) languageName() string {
	if q.langName == "" {
		q.langName = LanguageName(q.lang)
	}
	return q.langName
}

type scored struct {
	e         *entry
	score     int
	open      bool
	stale     bool
	elsewhere bool // covers only an area near the person's, not theirs
	group     int8
	outside   bool
}

// Rank returns the best listings for the profile at now (at most MaxMatches), best
// first, each with its reasons. The order, stated in the README:
//   - a person who asked for women-only services sees only those when at least
//     MinWomenOnly fit and one has a phone or text line; otherwise those first and the
//     others after, marked Outside;
//   - listings that cover where the person is before those only near it;
//   - listings in the person's language or for their community (chosen, or suggested by
//     their language), then listings for anyone whose main need is the person's, then
//     the others for anyone, then listings for another group;
//   - listings with a phone or text line before those without;
//   - then by score: fit, then open now (which only decides between listings of
//     similar fit), then trust;
//   - with no area given, no helpline for one nation comes before a UK-wide helpline
//     of the same group;
//   - the police and government services come after the first PublicAfter other
//     listings, or after all of them when fewer fit.
//
// The list is never empty: when nothing fits, helplines for the need are the floor,
// then the emergency services.
func (d *Directory) Rank(p Profile, now time.Time) []Match {
	q := newQuery(p, now)
	var found []scored
	women, womenReachable := 0, false
	for i := range d.entries {
		if s, ok := q.score(&d.entries[i]); ok {
			found = append(found, s)
			if s.e.womenOnly {
				women++
				womenReachable = womenReachable || s.e.reachable
			}
		}
	}
	if p.WomenOnly {
		// The others stay, after a heading, when too few women-only listings fit or
		// none of them has a phone or text line: nobody is left with no number to call.
		keep := women >= MinWomenOnly && womenReachable
		found = slices.DeleteFunc(found, func(s scored) bool { return keep && !s.e.womenOnly })
		for i := range found {
			found[i].outside = !found[i].e.womenOnly
		}
	}
	floor := false
	if len(found) == 0 {
		found, floor = d.floor(q), true
	}
	sort.Slice(found, func(i, j int) bool { return compareScored(found[i], found[j]) < 0 })
	if !q.known {
		// Within each run of one place (women-only or not, covering the area or near
		// it, group), so that a helpline for another group is not lifted by it.
		for start := 0; start < len(found); {
			end := start + 1
			for end < len(found) && samePlace(found[start], found[end]) {
				end++
			}
			ukHelplinesFirst(found[start:end])
			start = end
		}
	}
	publicAfter(found, PublicAfter)
	if len(found) > MaxMatches {
		found = found[:MaxMatches]
	}
	out := make([]Match, len(found))
	for i, s := range found {
		out[i] = q.match(s, floor)
	}
	return out
}

// compareScored is the order of Rank before its two rules of place.
func compareScored(a, b scored) int {
	switch {
	case a.outside != b.outside:
		return boolOrder(a.outside)
	case a.elsewhere != b.elsewhere:
		return boolOrder(a.elsewhere)
	case a.group != b.group:
		return int(a.group) - int(b.group)
	case a.e.reachable != b.e.reachable:
		return boolOrder(!a.e.reachable)
	case a.score != b.score:
		return b.score - a.score
	}
	// Name, then id: a total order, so the unstable sort gives one answer.
	if c := strings.Compare(a.e.l.Name, b.e.l.Name); c != 0 {
		return c
	}
	return strings.Compare(a.e.l.ID, b.e.l.ID)
}

// widest ranks the regions a listing covers for a person who may be anywhere: the
// whole UK, then England (most people), Scotland, Wales, Northern Ireland.
func widest(regions []Region) int {
	best := len(populationOrder)
	for _, r := range regions {
		if i := slices.Index(populationOrder, r.nation()); i >= 0 && i < best {
			best = i
		}
	}
	return best
}

var populationOrder = []Region{UK, England, Scotland, Wales, NorthernIreland}

func samePlace(a, b scored) bool {
	return a.outside == b.outside && a.elsewhere == b.elsewhere && a.group == b.group
}

// boolOrder puts false before true.
func boolOrder(later bool) int {
	if later {
		return 1
	}
	return -1
}

// ukHelplinesFirst reorders the helplines among themselves, keeping the places they
// hold: a person who may be anywhere is never offered one nation's helpline before a
// helpline for the whole UK, and the nations' helplines come in the order of how many
// people live there (England, Scotland, Wales, Northern Ireland).
func ukHelplinesFirst(found []scored) {
	var at []int
	var lines []scored
	for i, s := range found {
		if s.e.l.Kind == Helpline {
			at = append(at, i)
			lines = append(lines, s)
		}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		return widest(lines[i].e.l.Regions) < widest(lines[j].e.l.Regions)
	})
	for j, i := range at {
		found[i] = lines[j]
	}
}

// publicAfter moves police and government listings behind the first n other listings,
// or behind all of them when fewer fit; the others keep their order. They stay in the
// list, marked.
func publicAfter(found []scored, n int) {
	var first, rest []scored
	for _, s := range found {
		if len(first) < n && !s.e.public {
			first = append(first, s)
		} else {
			rest = append(rest, s)
		}
	}
	copy(found, first)
	copy(found[len(first):], rest)
}

func newQuery(p Profile, now time.Time) *query {
	lt := now.In(Zone)
	y, m, d := lt.Date()
	q := &query{p: p, lang: baseLang(p.Lang), need: p.Need.bit(), now: now,
		chosen: Community(p.Community), suggested: SuggestedCommunities(p.Lang),
		known: p.Region != "" && p.Region != UK, minute: lt.Hour()*60 + lt.Minute()}
	q.days[0], q.days[1] = dayAt(y, m, d-1), dayAt(y, m, d)
	return q
}

func (q *query) hidden(l *Listing) bool {
	_, hidden := l.Freshness(q.now)
	return hidden
}

// fits decides whether the entry can be offered to the person at all.
func (q *query) fits(e *entry) bool {
	l := e.l
	switch {
	case q.p.Need != "" && e.needs&q.need == 0: // the most selective test first
		return false
	case l.Status == Inactive || l.Kind == Emergency:
		return false
	case q.p.WomenOnly && e.menOnly:
		return false
	case q.p.Need == Witness && e.exploitation:
		// A witness of a street assault is not sent to a modern slavery line first, or
		// at all: the person did not say it was exploitation.
		return false
	}
	return true
}

// score decides whether the entry fits the profile and how well.
func (q *query) score(e *entry) (scored, bool) {
	if !q.fits(e) {
		return scored{}, false
	}
	stale, hidden := e.l.Freshness(q.now)
	if hidden {
		return scored{}, false
	}
	rs, ok := regionScore(q.p.Region, e.l.Regions)
	if !ok {
		return scored{}, false
	}
	s := scored{e: e, stale: stale, elsewhere: q.known && rs == wRegionNearby, group: q.group(e)}
	s.score, s.open = q.points(e, rs, stale, nil)
	return s, true
}

// group says whether the listing is made for the person, for anyone, or for another
// group of people.
func (q *query) group(e *entry) int8 {
	l := e.l
	if q.lang != "en" && slices.Contains(l.Languages, q.lang) {
		return groupForYou
	}
	if q.community(l) != "" {
		return groupForYou
	}
	if e.special && q.p.Need != LGBT {
		return groupOthers
	}
	if e.exploitation && q.p.Need != Trafficking && q.p.Need != LabourExploitation {
		// A modern slavery line is for people who said it is exploitation.
		return groupOthers
	}
	if len(l.Communities) > 0 && !slices.ContainsFunc(l.Communities, func(c Community) bool {
		return slices.Contains(broadCommunities, c)
	}) {
		return groupOthers
	}
	if q.p.Need == "" || (len(l.Needs) > 0 && l.Needs[0] == q.p.Need) {
		return groupMain
	}
	return groupGeneral
}

// community is the community of the listing that fits the person: the one they chose,
// else the first one their language suggests.
func (q *query) community(l *Listing) Community {
	if q.chosen != "" && slices.Contains(l.Communities, q.chosen) {
		return q.chosen
	}
	for _, c := range q.suggested {
		if slices.Contains(l.Communities, c) {
			return c
		}
	}
	return ""
}

// Point is one part of a listing's score, for volunteers (puente match --explain).
type Point struct {
	Why    string
	Points int
}

// points adds up the entry's score; rec, when not nil, receives each part.
func (q *query) points(e *entry, region int, stale bool, rec *[]Point) (score int, open bool) {
	l := e.l
	add := func(why string, n int) {
		score += n
		if rec != nil {
			*rec = append(*rec, Point{why, n})
		}
	}
	add("region", region)
	switch {
	case slices.Contains(l.Languages, q.lang):
		add("staff speak the language", wStaffLanguage)
	case slices.Contains(l.Interpreting, q.lang) || slices.Contains(l.Interpreting, AnyLanguage):
		add("interpreter for the language", wInterpreter)
	}
	switch c := q.community(l); {
	case c == "":
	case c == q.chosen:
		add("community chosen: "+string(c), wCommunityChosen)
	default:
		add("community suggested by the language: "+string(c), wCommunity)
	}
	if q.p.Need != "" && len(l.Needs) > 0 && l.Needs[0] == q.p.Need {
		add("the need is its main one", wMainNeed)
	}
	switch {
	case !l.Hours.Known():
		add("hours not known", wHoursUnknown)
	case l.Hours.openNow(&q.days, q.minute, e.div):
		open = true
		add("open now", wOpenNow)
	}
	switch l.DataSharing {
	case StanceDoesNotShare:
		add("says it does not share data", wDoesNotShare)
	case StanceMayShare:
		add("may share data", wMayShare)
	}
	if l.InsecureStatus == Yes {
		add("serves insecure status", wInsecure)
	}
	if l.AcceptsHandoff {
		add("takes anonymous handoffs", wHandoff)
	}
	if stale {
		add("not verified for 180 days", wStale)
	}
	return score, open
}

// Explain says how a listing's place and score for the profile add up, for volunteers:
// its group and the parts of its score. ok is false when the listing does not fit.
func (d *Directory) Explain(p Profile, now time.Time, l *Listing) (place []string, parts []Point, ok bool) {
	q := newQuery(p, now)
	e := newEntry(l)
	s, fits := q.score(&e)
	if !fits {
		return nil, nil, false
	}
	place = append(place, [...]string{"made for the person (language or community)", "for anyone, the need is its main one",
		"for anyone", "made for another group"}[s.group])
	if s.elsewhere {
		place = append(place, "only near the person's area")
	}
	if !e.reachable {
		place = append(place, "no phone or text line")
	}
	if e.public {
		place = append(place, "police or government: not in the first 3 while 3 others fit")
	}
	rs, _ := regionScore(p.Region, l.Regions)
	stale, _ := l.Freshness(now)
	q.points(&e, rs, stale, &parts)
	return place, parts, true
}

// regionScore says whether listings covering regions serve a person in r, and how
// closely.
func regionScore(r Region, regions []Region) (int, bool) {
	if len(regions) == 0 {
		return 0, r == ""
	}
	best, ok := 0, false
	for _, lr := range regions {
		var s int
		switch {
		case lr == UK:
			s = wRegionUK
		case r == "" || r == UK:
			s = wRegionNearby
		case lr == r:
			s = wRegionLocal
			if lr == England || lr == Wales || lr == Scotland || lr == NorthernIreland {
				s = wRegionNation
			}
		case lr == r.nation():
			s = wRegionNation
		case lr.nation() == r:
			s = wRegionNearby
		default:
			continue
		}
		if !ok || s > best {
			best, ok = s, true
		}
	}
	return best, ok
}

// floor is what a person sees when nothing fits: the helplines for the need anywhere
// in the UK that are shown to people, else the emergency services.
func (d *Directory) floor(q *query) []scored {
	var out []scored
	for i := range d.entries {
		e := &d.entries[i]
		l := e.l
		if l.Kind != Helpline || l.Status == Inactive || (q.p.Need != "" && e.needs&q.need == 0) {
			continue
		}
		if q.hidden(l) {
			continue
		}
		s := scored{e: e, open: l.Hours.openNow(&q.days, q.minute, e.div)}
		if s.open {
			s.score = wOpenNow
		}
		if slices.Contains(l.Regions, UK) {
			s.score += wRegionUK
		}
		out = append(out, s)
	}
	if len(out) > 0 {
		return out
	}
	for i := range d.entries {
		if e := &d.entries[i]; e.l.Kind == Emergency && e.l.Status != Inactive {
			out = append(out, scored{e: e, open: true})
		}
	}
	if len(out) == 0 {
		out = append(out, scored{e: &emergencyEntry, open: true})
	}
	return out
}

// emergencyListing is the last resort when a directory has no emergency listing.
var emergencyListing = Listing{
	ID: DeriveID("Emergency services"), Name: "Emergency services (999 / 112)",
	Kind: Emergency, Status: Active, Regions: []Region{UK}, Hours: Hours{Always: true},
	Contacts:    []Contact{{Kind: Phone, Value: "999"}, {Kind: Phone, Value: "112"}},
	DataSharing: StanceMayShare, Serves: []Audience{Anyone},
	Source: "rights-facts.md 1.1 (999/112, 24/7)",
}

var emergencyEntry = entry{l: &emergencyListing}

// match builds the reasons for one chosen listing.
func (q *query) match(s scored, floor bool) Match {
	l := s.e.l
	m := Match{Listing: l, Score: s.score, Available: l.Hours.At(q.now, s.e.div), Outside: s.outside}
	add := func(id string, data map[string]any) {
		m.Reasons = append(m.Reasons, Reason{ID: id, Data: data})
	}
	if s.e.public {
		add("directory.reason.public_body", nil)
	}
	switch {
	case slices.Contains(l.Languages, q.lang):
		add("directory.reason.speaks", map[string]any{"Language": q.languageName()})
	case s.e.public && (slices.Contains(l.Interpreting, q.lang) || slices.Contains(l.Interpreting, AnyLanguage)):
		// The police and public services must offer an interpreter when asked; the
		// person should know to ask, not expect one to be waiting.
		add("directory.reason.ask_interpreter", nil)
	case slices.Contains(l.Interpreting, q.lang) || slices.Contains(l.Interpreting, AnyLanguage):
		add("directory.reason.interpreter", map[string]any{"Language": q.languageName()})
	case q.lang != "en" && slices.Contains(l.Languages, "en"):
		add("directory.reason.english_only", nil)
	}
	c := q.community(l)
	switch {
	case c != "" && s.e.womenOnly:
		add("directory.reason.community_women."+string(c), nil)
	case s.e.womenOnly:
		add("directory.reason.women_only", nil)
	case s.e.menOnly:
		add("directory.reason.men_only", nil)
	}
	if slices.Contains(l.Serves, LGBTQ) {
		add("directory.reason.lgbt", nil)
	}
	if c != "" && !s.e.womenOnly {
		add("directory.reason.community."+string(c), nil)
	}
	if r := shownRegion(q.p.Region, l.Regions); r != "" {
		add("directory.reason.region."+string(r), nil)
	}
	m.Reasons = append(m.Reasons, availabilityReason(m.Available, q.now))
	switch l.DataSharing {
	case StanceDoesNotShare:
		add("directory.reason.does_not_share", nil)
	case StanceMayShare:
		add("directory.reason.may_share", nil)
	}
	if l.InsecureStatus == Yes {
		add("directory.reason.insecure_status", nil)
	}
	switch l.IDNeeded {
	case No:
		add("directory.reason.no_id", nil)
	case Yes:
		add("directory.reason.id_needed", nil)
	}
	if l.AcceptsHandoff {
		add("directory.reason.handoff", nil)
	}
	if floor {
		m.Notes = append(m.Notes, Reason{ID: "directory.note.floor"})
	}
	if s.stale {
		m.Notes = append(m.Notes, Reason{ID: "directory.note.stale",
			Data: map[string]any{"Date": l.VerifiedAt.Format(time.DateOnly)}})
	}
	return m
}

// shownRegion is the region worth naming to the person: the most specific region of
// the listing that covers them, or where it is when it is elsewhere.
func shownRegion(r Region, regions []Region) Region {
	best, bestS := Region(""), -1
	for _, lr := range regions {
		s, ok := regionScore(r, []Region{lr})
		if ok && s > bestS {
			best, bestS = lr, s
		}
	}
	return best
}

// availabilityReason says whether it is open, until when, or when it opens.
func availabilityReason(a Availability, now time.Time) Reason {
	switch {
	case !a.Known:
		return Reason{ID: "directory.reason.hours_unknown"}
	case a.Always || (a.Open && a.Until.IsZero()):
		return Reason{ID: "directory.reason.open_24h"}
	case a.Open:
		return Reason{ID: "directory.reason.open_until",
			Data: map[string]any{"Time": a.Until.In(Zone).Format("15:04")}}
	case a.Next.IsZero():
		return Reason{ID: "directory.reason.closed"}
	}
	next := a.Next.In(Zone)
	data := map[string]any{"Time": next.Format("15:04")}
	ny, nm, nd := next.Date()
	ty, tm, td := now.In(Zone).Date()
	days := int(time.Date(ny, nm, nd, 12, 0, 0, 0, time.UTC).Sub(time.Date(ty, tm, td, 12, 0, 0, 0, time.UTC)).Hours() / 24)
	prefix := "directory.reason.closed_opens_"
	switch {
	case days == 0:
		return Reason{ID: prefix + "today", Data: data}
	case a.Holiday:
		prefix = "directory.reason.holiday_opens_"
	}
	if days == 1 {
		return Reason{ID: prefix + "tomorrow", Data: data}
	}
	return Reason{ID: prefix + weekdayIDs[next.Weekday()], Data: data}
}

var weekdayIDs = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// allReasonIDs lists every message ID the ranking can return, for checking that each
// exists in every language.
func allReasonIDs() []string {
	ids := []string{"directory.reason.speaks", "directory.reason.interpreter",
		"directory.reason.english_only", "directory.reason.women_only", "directory.reason.men_only",
		"directory.reason.lgbt", "directory.reason.hours_unknown", "directory.reason.open_24h",
		"directory.reason.open_until", "directory.reason.closed", "directory.reason.closed_opens_today",
		"directory.reason.closed_opens_tomorrow", "directory.reason.holiday_opens_tomorrow",
		"directory.reason.does_not_share", "directory.reason.may_share",
		"directory.reason.insecure_status", "directory.reason.no_id", "directory.reason.id_needed",
		"directory.reason.handoff", "directory.reason.public_body", "directory.reason.ask_interpreter",
		"directory.note.floor", "directory.note.stale"}
	for _, d := range weekdayIDs {
		ids = append(ids, "directory.reason.closed_opens_"+d, "directory.reason.holiday_opens_"+d)
	}
	for _, c := range allCommunities {
		ids = append(ids, "directory.reason.community."+string(c), "directory.reason.community_women."+string(c),
			"directory.community."+string(c))
	}
	for _, r := range allRegions {
		ids = append(ids, "directory.reason.region."+string(r))
	}
	return ids
}
