package web

import (
	"errors"
	"net/http"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// editData is what a listing's page shows: its form, problems, trail and linking.
type editData struct {
	New      bool
	Version  string     // version of the listing the form was filled from
	Row      listingRow // the listing as stored; empty for a new one
	Groups   []formGroup
	Problems []directory.Problem // problems of no single field
	// CheckedWith is how the volunteer said they checked the listing (one of checkMethods),
	// kept when the form comes back; CheckProblem says a check was asked for without it.
	CheckedWith  string
	CheckProblem *directory.Message
	Invalid      bool // the form was refused: nothing was saved
	Trail        auditData
	Link         store.LinkStatus // whether an organisation's group is linked, or a code waits
	LinkCode     string           // a link code just made, shown once
	// Next is the listing to check after this one, offered once this one was checked, and
	// Left how many need a check.
	Next *listingRow
	Left int
}

// listing shows a listing's form, what it looks like now, and its own audit trail.
func (s *Server) listing(w http.ResponseWriter, r *http.Request, v *viewer) {
	l, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	groups, _ := fillForm(l.Record(), nil)
	d := editData{Groups: groups, Version: version(l)}
	if r.URL.Query().Get("done") == "verified" {
		// Straight on to the next one: the weekly check is a run through the To check list.
		rows, err := s.toCheck(r)
		if err != nil {
			s.internal(w, r, v, err)
			return
		}
		for i := range rows {
			if rows[i].L.ID != l.ID {
				d.Next, d.Left = &rows[i], len(rows)
				break
			}
		}
	}
	s.renderListing(w, r, v, http.StatusOK, l, d)
}

func (s *Server) renderListing(w http.ResponseWriter, r *http.Request, v *viewer, status int, l *directory.Listing, d editData) {
	var err error
	if d.Trail, err = s.trail(r, v, store.ListingSubject+l.ID, 0); err != nil {
		s.internal(w, r, v, err)
		return
	}
	d.Trail.Nested = true
	if d.Link, err = s.db.LinkStatusOf(r.Context(), l.ID, s.now()); err != nil {
		s.internal(w, r, v, err)
		return
	}
	d.Row = s.row(l, s.now())
	s.render(w, r, v, status, "listing", page{Title: "web.listing.title", Nav: "listings", Data: d})
}

func (s *Server) pathListing(w http.ResponseWriter, r *http.Request, v *viewer) (*directory.Listing, bool) {
	l, err := s.db.DirectoryListing(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, v)
		return nil, false
	}
	if err != nil {
		s.internal(w, r, v, err)
		return nil, false
	}
	return l, true
}

// CheckMethods are the choices of how a listing was checked, for the form.
func (editData) CheckMethods() []string { return checkMethods }
