package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/puente-bot/puente/store"
)

// invite makes an account and shows its link once. The page is the answer to the post
// rather than a redirect, since the link must not sit in an address or a later page.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	d := usersData{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	role := store.Role(d.Role)
	if !role.Valid() {
		d.Error = "web.users.bad_role"
		s.renderUsers(w, r, v, http.StatusUnprocessableEntity, d)
		return
	}
	token, err := NewAccount(r.Context(), s.db, v.User, d.Email, role, s.now())
	switch {
	case errors.Is(err, ErrBadEmail):
		d.Error = "web.users.bad_email"
	case errors.Is(err, store.ErrExists):
		d.Error = "web.users.exists"
	case err != nil:
		s.internal(w, r, v, err)
		return
	}
	if d.Error != "" {
		s.renderUsers(w, r, v, http.StatusUnprocessableEntity, d)
		return
	}
	s.renderUsers(w, r, v, http.StatusOK, usersData{Role: string(store.RoleEditor), Link: s.siteURL(r) + InvitePath(token), LinkEmail: d.Email})
}

// newLink makes a fresh set-password link for an existing account (a forgotten password).
func (s *Server) newLink(w http.ResponseWriter, r *http.Request, v *viewer) {
	u, ok := s.pathUser(w, r, v)
	if !ok {
		return
	}
	token, err := NewPasswordLink(r.Context(), s.db, v.User, u, s.now())
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	s.renderUsers(w, r, v, http.StatusOK, usersData{Role: string(store.RoleEditor), Link: s.siteURL(r) + InvitePath(token), LinkEmail: u.Email})
}
