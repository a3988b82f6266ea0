package web

import (
	"errors"
	"net/http"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

func (s *Server) newListingForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	groups, _ := fillForm(map[string]string{"kind": string(directory.Service)}, nil)
	s.render(w, r, v, http.StatusOK, "listing", page{Title: "web.listing.new_title", Nav: "listings", Data: editData{New: true, Groups: groups}})
}

func (s *Server) createListing(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	rec := formRecord(r.PostForm, map[string]string{"status": string(directory.Active)})
	l, err := directory.FromRecord(rec)
	var probs directory.Problems
	if err == nil {
		// A new listing's id comes from its organisation and name: the same pair exists already.
		switch _, err := s.db.DirectoryListing(r.Context(), l.ID); {
		case err == nil:
			probs = directory.Problems{{Column: "name", Message: directory.Message{ID: "web.listing.exists"}}}
		case !errors.Is(err, store.ErrNotFound):
			s.internal(w, r, v, err)
			return
		}
	} else if probs, _ = problemsOf(err); probs == nil {
		s.internal(w, r, v, err)
		return
	}
	if probs != nil {
		groups, other := fillForm(rec, probs)
		s.render(w, r, v, http.StatusUnprocessableEntity, "listing", page{Title: "web.listing.new_title", Nav: "listings",
			Data: editData{New: true, Groups: groups, Problems: other, Invalid: true}})
		return
	}
	if _, err := s.saveListing(r.Context(), v, "listing.create", nil, l, 0); err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings/"+l.ID, "saved")
}
