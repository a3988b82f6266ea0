package web

import (
	"net/http"

	"github.com/puente-bot/puente/directory"
)

// deactivate hides a listing from people; nothing is ever deleted from the page.
func (s *Server) deactivate(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.changeListing(w, r, v, "listing.deactivate", "deactivated", func(rec map[string]string) {
		rec["status"] = string(directory.Inactive)
	})
}

func (s *Server) activate(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.changeListing(w, r, v, "listing.activate", "activated", func(rec map[string]string) {
		rec["status"] = string(directory.Active)
	})
}

// changeListing applies edit to the stored listing's record and saves it with its audit entry.
func (s *Server) changeListing(w http.ResponseWriter, r *http.Request, v *viewer, action, done string, edit func(map[string]string)) {
	old, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	rec := old.Record()
	edit(rec)
	l, err := directory.FromRecord(rec)
	if err != nil {
		// The stored listing was valid and the edit sets a valid value, so this is a bug.
		s.internal(w, r, v, err)
		return
	}
	l.ID = old.ID
	if _, err := s.saveListing(r.Context(), v, action, old, l, 0); err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings/"+l.ID, done)
}
