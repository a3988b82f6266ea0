package web

import "net/http"

// home is the start page: what there is to do, with how many listings need checking (the
// length of the To check list).
func (s *Server) home(w http.ResponseWriter, r *http.Request, v *viewer) {
	rows, err := s.toCheck(r)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "home", page{Title: "web.home.title", Nav: "home", Data: len(rows)})
}
