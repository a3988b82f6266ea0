package web

import (
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/puente-bot/puente/store"
)

type loginData struct {
	Email string
	Next  string
	Error string // message id
	// NoAdmin: no admin exists yet, so the page says how to make the first one.
	NoAdmin bool
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	next := localPath(r.URL.Query().Get("next"))
	if v.User != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, v, http.StatusOK, "login", page{Title: "web.login.title", Data: loginData{Next: next, NoAdmin: s.noAdminYet(r.Context())}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	d := loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: localPath(r.PostFormValue("next"))}
	password := r.PostFormValue("password")
	now := s.now()
	u, err := s.db.UserByEmail(r.Context(), d.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.internal(w, r, v, err)
		return
	}
	known := err == nil
	// The attempt is counted before the password is hashed, so attempts sent together are
	// counted together.
	a, wait, ok := s.logins.reserve(d.Email, known, remoteIP(r), now)
	if !ok {
		s.metrics.SignInFailures.Inc()
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		d.Error = "web.login.too_many"
		s.render(w, r, v, http.StatusTooManyRequests, "login", page{Title: "web.login.title", Data: d})
		return
	}
	hash := dummyHash
	if known && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	// The password is checked even when the account is unknown or off, so that every wrong
	// answer takes as long and says the same thing.
	var match bool
	if !s.hashing.try(func() { match = checkPassword(hash, password) }) {
		a.cancel()
		s.busy(w, r, v, d)
		return
	}
	if !match || !known || !u.Active() {
		s.metrics.SignInFailures.Inc()
		d.Error = "web.login.wrong"
		s.render(w, r, v, http.StatusUnauthorized, "login", page{Title: "web.login.title", Data: d})
		return
	}
	a.succeeded()
	token := rand.Text()
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		return tx.CreateWebSession(r.Context(), tokenHash(token), u.ID)
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	setSessionCookie(w, r, token, int(store.WebSessionMax.Seconds()))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// busy answers a sign-in that found every hashing slot taken: try again in a moment.
func (s *Server) busy(w http.ResponseWriter, r *http.Request, v *viewer, d loginData) {
	w.Header().Set("Retry-After", "1")
	d.Error = "web.login.busy"
	s.render(w, r, v, http.StatusServiceUnavailable, "login", page{Title: "web.login.title", Data: d})
}

// maxSigningIn bounds the sign-in and set-password requests in progress; more are answered at
// once with 503, so a flood of them waits on nothing and holds no memory.
const maxSigningIn = 16

// bounded serves h while fewer than maxSigningIn such requests are in progress.
func (s *Server) bounded(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) {
		select {
		case s.signingIn <- struct{}{}:
		default:
			w.Header().Set("Retry-After", "1")
			s.fail(w, r, v, http.StatusServiceUnavailable, "web.login.busy")
			return
		}
		defer func() { <-s.signingIn }()
		h(w, r, v)
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *viewer) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.db.DeleteWebSession(r.Context(), tokenHash(c.Value)); err != nil {
			s.internal(w, r, v, err)
			return
		}
	}
	setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// remoteIP is the address the request came from, without the port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	lang := r.PostFormValue("lang")
	if !slices.Contains(s.cat.Tags(), lang) {
		s.fail(w, r, v, http.StatusBadRequest, "web.error.bad_form")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: overHTTPS(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}
