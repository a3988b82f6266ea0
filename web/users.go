package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/puente-bot/puente/store"
)

type usersData struct {
	Users []store.User
	// Form is the invite form as sent, kept on an error.
	Email, Role string
	Error       string // message id
	// Link is a set-password link just made, shown once.
	Link      string
	LinkEmail string
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.renderUsers(w, r, v, http.StatusOK, usersData{Role: string(store.RoleEditor)})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, v *viewer, status int, d usersData) {
	var err error
	if d.Users, err = s.db.Users(r.Context()); err != nil {
		s.internal(w, r, v, err)
		return
	}
	s.render(w, r, v, status, "users", page{Title: "web.users.title", Nav: "users", Data: d})
}

func (s *Server) pathUser(w http.ResponseWriter, r *http.Request, v *viewer) (store.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r, v)
		return store.User{}, false
	}
	u, err := s.db.User(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, v)
		return store.User{}, false
	}
	if err != nil {
		s.internal(w, r, v, err)
		return store.User{}, false
	}
	return u, true
}

// siteURL is this site's address for links to be sent on: PUENTE_WEB_URL when set, else the
// address the viewer reached.
func (s *Server) siteURL(r *http.Request) string {
	if s.site != nil {
		return s.site.String()
	}
	scheme := "http"
	if overHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
