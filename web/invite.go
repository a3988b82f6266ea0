package web

import (
	"crypto/rand"
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/puente-bot/puente/store"
)

type inviteData struct {
	Email string
	Error string // message id
}

// inviteForm shows the set-password form of a one-time link, or says why the link no
// longer works.
func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	inv, ok := s.openInvite(w, r, v)
	if !ok {
		return
	}
	s.render(w, r, v, http.StatusOK, "invite", page{Title: "web.invite.title", Data: inviteData{Email: inv.User.Email}})
}

func (s *Server) inviteAccept(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	inv, ok := s.openInvite(w, r, v)
	if !ok {
		return
	}
	password, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	d := inviteData{Email: inv.User.Email}
	switch n := utf8.RuneCountInString(password); {
	case n < minPassword:
		d.Error = "web.invite.too_short"
	case len(password) > maxPassword:
		d.Error = "web.invite.too_long"
	case password != confirm:
		d.Error = "web.invite.mismatch"
	}
	if d.Error != "" {
		// The password is not sent back: a page holding it could be cached or seen.
		s.render(w, r, v, http.StatusUnprocessableEntity, "invite", page{Title: "web.invite.title", Data: d})
		return
	}
	var hash string
	if !s.hashing.try(func() { hash = hashPassword(password) }) {
		w.Header().Set("Retry-After", "1")
		s.fail(w, r, v, http.StatusServiceUnavailable, "web.login.busy")
		return
	}
	token := rand.Text()
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		u, err := tx.UseInvite(r.Context(), tokenHash(r.PathValue("token")), hash)
		if err != nil {
			return err
		}
		return tx.CreateWebSession(r.Context(), tokenHash(token), u.ID)
	})
	if err != nil {
		if s.inviteGone(w, r, v, err) {
			return
		}
		s.internal(w, r, v, err)
		return
	}
	setSessionCookie(w, r, token, int(store.WebSessionMax.Seconds()))
	redirect(w, r, "/", "password")
}

func (s *Server) openInvite(w http.ResponseWriter, r *http.Request, v *viewer) (store.Invite, bool) {
	inv, err := s.db.Invite(r.Context(), tokenHash(r.PathValue("token")), s.now())
	if err != nil {
		if !s.inviteGone(w, r, v, err) {
			s.internal(w, r, v, err)
		}
		return store.Invite{}, false
	}
	if !inv.User.Active() {
		s.fail(w, r, v, http.StatusGone, "web.invite.disabled")
		return store.Invite{}, false
	}
	return inv, true
}

// inviteGone answers for a link that is unknown, used or expired, and says whether err was one.
func (s *Server) inviteGone(w http.ResponseWriter, r *http.Request, v *viewer, err error) bool {
	switch {
	case errors.Is(err, store.ErrInviteExpired):
		s.fail(w, r, v, http.StatusGone, "web.invite.expired")
	case errors.Is(err, store.ErrInviteUsed):
		s.fail(w, r, v, http.StatusGone, "web.invite.used")
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, v, http.StatusNotFound, "web.invite.unknown")
	default:
		return false
	}
	return true
}
