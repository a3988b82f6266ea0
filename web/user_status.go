package web

import (
	"net/http"

	"github.com/puente-bot/puente/store"
)

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setDisabled(w, r, v, true)
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setDisabled(w, r, v, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, v *viewer, disabled bool) {
	u, ok := s.pathUser(w, r, v)
	if !ok {
		return
	}
	if u.ID == v.User.ID {
		s.fail(w, r, v, http.StatusConflict, "web.users.not_yourself")
		return
	}
	action, done, before, after := "user.enable", "enabled", "off", "on"
	if disabled {
		action, done, before, after = "user.disable", "disabled", "on", "off"
	}
	now := s.now()
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.SetUserDisabled(r.Context(), u.ID, disabled); err != nil {
			return err
		}
		return auditUser(r.Context(), tx, v.User, action, u, now, store.Change{Field: "account", Before: before, After: after})
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/users", done)
}

// setRole makes an editor an admin or the other way round.
func (s *Server) setRole(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	u, ok := s.pathUser(w, r, v)
	if !ok {
		return
	}
	role := store.Role(r.PostFormValue("role"))
	switch {
	case u.ID == v.User.ID:
		// An admin who demoted themselves could leave no admin at all.
		s.fail(w, r, v, http.StatusConflict, "web.users.not_yourself")
		return
	case !role.Valid():
		s.fail(w, r, v, http.StatusBadRequest, "web.users.bad_role")
		return
	case role == u.Role:
		redirect(w, r, "/users", "")
		return
	}
	now := s.now()
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.SetUserRole(r.Context(), u.ID, role); err != nil {
			return err
		}
		return auditUser(r.Context(), tx, v.User, "user.role", u, now, store.Change{Field: "role", Before: string(u.Role), After: string(role)})
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/users", "role")
}
