package web

import (
	"net/http"

	"github.com/puente-bot/puente/directory"
)

// home is the start page: what there is to do, with how many listings need checking.
func (s *Server) home(w http.ResponseWriter, r *http.Request, v *viewer) {
	all, err := s.db.DirectoryListings(r.Context())
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	now := s.now()
	stale := 0
	for _, l := range all {
		if l.Status != directory.Inactive && s.row(l, now).Stale {
			stale++
		}
	}
	s.render(w, r, v, http.StatusOK, "home", page{Title: "web.home.title", Nav: "home", Data: stale})
}
