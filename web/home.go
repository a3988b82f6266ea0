package web

import "net/http"

func (s *Server) home(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.render(w, r, v, http.StatusOK, "home", page{Title: "web.home.title", Nav: "home"})
}
