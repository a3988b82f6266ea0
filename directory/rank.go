package directory

import (
	"slices"
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
}

var _ Ranker = (*Directory)(nil)

// New builds a directory over the listings, which it must not be given to change.
func New(listings []*Listing) *Directory {
	d := &Directory{all: listings, entries: make([]entry, 0, len(listings))}
	for _, l := range listings {
		e := entry{l: l, div: l.division(), womenOnly: l.WomenOnly(), menOnly: l.MenOnly()}
		for _, n := range l.Needs {
			e.needs |= n.bit()
		}
		d.entries = append(d.entries, e)
	}
	return d
}

// Listings returns the listings the directory was built over.
func (d *Directory) Listings() []*Listing { return d.all }

// Score weights. Fit to the person comes first (their language above all), then being
// reachable now, then trust. Explained in the README (The directory spreadsheet).
const (
	wStaffLanguage = 40
	wInterpreter   = 20
	wWomenOnly     = 25
	wCommunity     = 15
	wRegionLocal   = 12
	wRegionNation  = 8
	wRegionUK      = 4
	wRegionNearby  = 2
	wOpenNow       = 30
	wHoursUnknown  = 10
	wDoesNotShare  = 8
	wMayShare      = -20
	wInsecure      = 6
	wHandoff       = 4
	wStale         = -15
)

// query holds what is computed once per Rank call.
type query struct {
	p      Profile
	lang   string
	need   uint16
	now    time.Time
	minute int
	days   [2]dayInfo // yesterday, today (local)
}

type scored struct {
	e     *entry
	score int
	open  bool
	stale bool
}

// Rank returns the best listings for the profile at now (at most MaxMatches), best
// first, each with its reasons. Listings are ordered by score (fit first, then being open
// now, then trust), except that one of the first two can always be reached now (see
// promoteOpen). The list is never empty:
// when nothing fits, helplines for the need are the floor, then the emergency services.
func (d *Directory) Rank(p Profile, now time.Time) []Match {
	q := newQuery(p, now)
	var found []scored
	for i := range d.entries {
		if s, ok := q.score(&d.entries[i]); ok {
			found = append(found, s)
		}
	}
	floor := false
	if len(found) == 0 {
		found, floor = d.floor(q), true
	}
	slices.SortStableFunc(found, func(a, b scored) int {
		if a.score != b.score {
			return b.score - a.score
		}
		if a.e.l.Name < b.e.l.Name {
			return -1
		}
		if a.e.l.Name > b.e.l.Name {
			return 1
		}
		return 0
	})
	promoteOpen(found)
	if len(found) > MaxMatches {
		found = found[:MaxMatches]
	}
	out := make([]Match, len(found))
	for i, s := range found {
		out[i] = q.match(s, floor)
	}
	return out
}

// promoteOpen makes sure one of the first two options can be reached now: the best
// open listing goes first when the best one is known to be closed, and second when the
// best one's hours are not known (it may be open; it may not).
func promoteOpen(found []scored) {
	if len(found) < 2 || found[0].open || found[1].open {
		return
	}
	i := slices.IndexFunc(found, func(s scored) bool { return s.open })
	if i < 0 {
		return
	}
	to := 0
	if !found[0].e.l.Hours.Known() {
		to = 1
	}
	best := found[i]
	copy(found[to+1:i+1], found[to:i])
	found[to] = best
}

func newQuery(p Profile, now time.Time) *query {
	lt := now.In(Zone)
	y, m, d := lt.Date()
	q := &query{p: p, lang: baseLang(p.Lang), need: p.Need.bit(), now: now,
		minute: lt.Hour()*60 + lt.Minute()}
	q.days[0], q.days[1] = dayAt(y, m, d-1), dayAt(y, m, d)
	return q
}

// score decides whether the entry fits the profile and how well.
func (q *query) score(e *entry) (scored, bool) {
	l := e.l
	if l.Status == Inactive || l.Kind == Emergency {
		return scored{}, false
	}
	if q.p.Need != "" && e.needs&q.need == 0 {
		return scored{}, false
	}
	if q.p.WomenOnly && e.menOnly {
		return scored{}, false
	}
	age := q.now.Sub(l.VerifiedAt)
	if l.VerifiedAt.IsZero() || age > HiddenAfter {
		return scored{}, false
	}
	rs, ok := regionScore(q.p.Region, l.Regions)
	if !ok {
		return scored{}, false
	}
	s := scored{e: e, score: rs, stale: age > StaleAfter}
	switch {
	case slices.Contains(l.Languages, q.lang):
		s.score += wStaffLanguage
	case slices.Contains(l.Interpreting, q.lang) || slices.Contains(l.Interpreting, AnyLanguage):
		s.score += wInterpreter
	}
	if q.p.WomenOnly && e.womenOnly {
		s.score += wWomenOnly
	}
	if q.p.Community != "" && slices.Contains(l.Communities, Community(q.p.Community)) {
		s.score += wCommunity
	}
	switch {
	case !l.Hours.Known():
		s.score += wHoursUnknown
	case l.Hours.openNow(&q.days, q.minute, e.div):
		s.open = true
		s.score += wOpenNow
	}
	switch l.DataSharing {
	case StanceDoesNotShare:
		s.score += wDoesNotShare
	case StanceMayShare:
		s.score += wMayShare
	}
	if l.InsecureStatus == Yes {
		s.score += wInsecure
	}
	if l.AcceptsHandoff {
		s.score += wHandoff
	}
	if s.stale {
		s.score += wStale
	}
	return s, true
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
		if l.VerifiedAt.IsZero() || q.now.Sub(l.VerifiedAt) > HiddenAfter {
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
	m := Match{Listing: l, Score: s.score, Available: l.Hours.At(q.now, s.e.div)}
	add := func(id string, data map[string]any) {
		m.Reasons = append(m.Reasons, Reason{ID: id, Data: data})
	}
	switch {
	case slices.Contains(l.Languages, q.lang):
		add("directory.reason.speaks", map[string]any{"Language": LanguageName(q.lang)})
	case slices.Contains(l.Interpreting, q.lang) || slices.Contains(l.Interpreting, AnyLanguage):
		add("directory.reason.interpreter", map[string]any{"Language": LanguageName(q.lang)})
	case q.lang != "en" && slices.Contains(l.Languages, "en"):
		add("directory.reason.english_only", nil)
	}
	switch {
	case s.e.womenOnly:
		add("directory.reason.women_only", nil)
	case s.e.menOnly:
		add("directory.reason.men_only", nil)
	}
	if slices.Contains(l.Serves, LGBTQ) {
		add("directory.reason.lgbt", nil)
	}
	if c := Community(q.p.Community); c != "" && slices.Contains(l.Communities, c) {
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
		"directory.reason.handoff", "directory.note.floor", "directory.note.stale"}
	for _, d := range weekdayIDs {
		ids = append(ids, "directory.reason.closed_opens_"+d, "directory.reason.holiday_opens_"+d)
	}
	for _, c := range allCommunities {
		ids = append(ids, "directory.reason.community."+string(c))
	}
	for _, r := range allRegions {
		ids = append(ids, "directory.reason.region."+string(r))
	}
	return ids
}
