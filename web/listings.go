package web

import (
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
)

// listingRow is a listing as the list and the to-do pages show it.
type listingRow struct {
	L        *directory.Listing
	Inactive bool
	Age      int  // days since last verified; -1 when never
	Stale    bool // over directory.StaleAfter: ranks lower
	Hidden   bool // over directory.HiddenAfter: not shown to people until verified
	// Unconfirmed: its last check was read from public sources, not confirmed with the
	// organisation (see deskCheck).
	Unconfirmed bool
	// AgoID and AgoN say how long ago it was checked ("3 weeks ago"): a message id and its count.
	AgoID string
	AgoN  int
	Open  directory.Availability // at the time the page was made
	Phone string                 // its first phone number, as written
	Tel   template.URL           // Phone as a tel: link, or empty
}

// deskCheck is what verified_by says when a listing's details were read from public sources
// and not confirmed with the organisation, as every row of the starter directory does. Such
// a listing needs a check until a volunteer confirms it.
const deskCheck = "not confirmed with the organisation"

// NeedsCheck says whether the listing belongs on the To check list: shown to people, and
// never confirmed with its organisation or not checked for directory.StaleAfter.
func (r listingRow) NeedsCheck() bool { return !r.Inactive && (r.Stale || r.Unconfirmed) }

func (s *Server) row(l *directory.Listing, now time.Time) listingRow {
	r := listingRow{L: l, Inactive: l.Status == directory.Inactive, Age: -1,
		Unconfirmed: strings.Contains(strings.ToLower(l.VerifiedBy), deskCheck), Open: l.OpenAt(now)}
	for _, c := range l.Contacts {
		if c.Kind == directory.Phone {
			r.Phone, r.Tel = c.Value, telLink(c.Value)
			break
		}
	}
	r.Stale, r.Hidden = l.Freshness(now)
	if !l.VerifiedAt.IsZero() {
		r.Age = int(now.Sub(l.VerifiedAt).Hours() / 24)
		r.AgoID, r.AgoN = ago(r.Age)
	}
	return r
}

// ago says how long ago a number of days is, as a message id and its count, for
// "checked 3 weeks ago".
func ago(days int) (string, int) {
	switch {
	case days < 1:
		return "web.ago.today", 0
	case days < 14:
		return "web.ago.days", days
	case days < 61:
		return "web.ago.weeks", days / 7
	case days < 730:
		return "web.ago.months", days / 30
	default:
		return "web.ago.years", days / 365
	}
}

// telLink makes a tel: link of a phone number as written ("0808 2000 247 (free)"): its
// digits, and a leading +. It is empty when there are too few digits to call.
func telLink(phone string) template.URL {
	var b strings.Builder
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == '(':
			// A note in brackets follows the number.
			return tel(b.String())
		}
	}
	return tel(b.String())
}

func tel(digits string) template.URL {
	if len(strings.TrimPrefix(digits, "+")) < 3 {
		return ""
	}
	// Only digits and a leading + reach the link, so it cannot be anything but a number.
	return template.URL("tel:" + digits)
}

// listingFilter is the list page's search form, as sent.
type listingFilter struct {
	Q, Need, Lang, Region, Status string
	Stale, Handoff                bool
}

func (f listingFilter) keep(r listingRow) bool {
	l := r.L
	switch {
	case f.Need != "" && !slices.Contains(l.Needs, directory.Need(f.Need)):
		return false
	case f.Lang != "" && !slices.Contains(l.Languages, f.Lang) && !slices.Contains(l.Interpreting, f.Lang):
		return false
	case f.Region != "" && !slices.Contains(l.Regions, directory.Region(f.Region)):
		return false
	case f.Stale && !r.Stale:
		return false
	case f.Handoff && !l.AcceptsHandoff:
		return false
	case f.Status == "active" && r.Inactive, f.Status == "inactive" && !r.Inactive:
		return false
	}
	if f.Q == "" {
		return true
	}
	q := strings.ToLower(f.Q)
	for _, s := range []string{l.Name, l.Organisation, l.Area, l.Source} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	for _, d := range l.Description {
		if strings.Contains(strings.ToLower(d), q) {
			return true
		}
	}
	return false
}

type listingsData struct {
	Filter    listingFilter
	Rows      []listingRow
	Total     int
	Needs     []directory.Need
	Regions   []directory.Region
	Languages []string // language codes listings speak, for the filter
}

// listings is the directory with search and filters.
func (s *Server) listings(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	f := listingFilter{
		Q: strings.TrimSpace(q.Get("q")), Need: q.Get("need"), Lang: q.Get("lang"), Region: q.Get("region"),
		Status: q.Get("status"), Stale: q.Get("stale") != "", Handoff: q.Get("handoff") != "",
	}
	all, err := s.db.DirectoryListings(r.Context())
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	now := s.now()
	d := listingsData{Filter: f, Total: len(all), Needs: directory.Needs(), Regions: directory.Regions()}
	langs := map[string]bool{}
	for _, l := range all {
		for _, c := range append(slices.Clone(l.Languages), l.Interpreting...) {
			langs[c] = true
		}
		if row := s.row(l, now); f.keep(row) {
			d.Rows = append(d.Rows, row)
		}
	}
	for c := range langs {
		d.Languages = append(d.Languages, c)
	}
	slices.Sort(d.Languages)
	s.render(w, r, v, http.StatusOK, "listings", page{Title: "web.listings.title", Nav: "listings", Data: d})
}

// stale is the volunteers' weekly to-do list: the listings that need a check, the longest
// unverified first.
func (s *Server) stale(w http.ResponseWriter, r *http.Request, v *viewer) {
	rows, err := s.toCheck(r)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "stale", page{Title: "web.stale.title", Nav: "stale", Data: rows})
}

// toCheck lists the listings that need a check, the longest unverified first; the start
// page counts the same list.
func (s *Server) toCheck(r *http.Request) ([]listingRow, error) {
	all, err := s.db.DirectoryListings(r.Context())
	if err != nil {
		return nil, err
	}
	now := s.now()
	var rows []listingRow
	for _, l := range all {
		if row := s.row(l, now); row.NeedsCheck() {
			rows = append(rows, row)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].L.VerifiedAt.Before(rows[j].L.VerifiedAt) })
	return rows, nil
}
