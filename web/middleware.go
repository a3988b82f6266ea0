package web

import (
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// handler is the shape of every page: it gets the viewer, who is signed in for every
// page except those behind anyone.
type handler func(w http.ResponseWriter, r *http.Request, v *viewer)

const sessionCookie = "puente_session"

// anyone serves h to signed-in and signed-out viewers alike.
func (s *Server) anyone(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, s.viewerFor(r))
	})
}

// editor serves h to any signed-in volunteer and sends everyone else to /login.
func (s *Server) editor(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.viewerFor(r)
		if v.User == nil {
			s.toLogin(w, r, v)
			return
		}
		h(w, r, v)
	})
}

// admin serves h to admins only; editors get a page saying so.
func (s *Server) admin(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.viewerFor(r)
		switch {
		case v.User == nil:
			s.toLogin(w, r, v)
		case v.User.Role != store.RoleAdmin:
			s.fail(w, r, v, http.StatusForbidden, "web.error.admins_only")
		default:
			h(w, r, v)
		}
	})
}

// toLogin sends a signed-out viewer to /login, coming back to the page they asked for.
// Only a GET is remembered: a form sent without a session is lost on purpose, since
// resending it later could surprise.
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request, v *viewer) {
	if r.Method != http.MethodGet {
		s.fail(w, r, v, http.StatusUnauthorized, "web.error.signed_out")
		return
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// session finds the signed-in volunteer from the cookie, or nil, and keeps the session alive.
func (s *Server) session(r *http.Request) *store.User {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	now := s.now()
	h := tokenHash(c.Value)
	ws, err := s.db.WebSession(r.Context(), h, now.Add(-store.WebSessionIdle), now.Add(-store.WebSessionMax))
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("Reading a web session failed", "err", err)
		}
		return nil
	}
	// One write a minute per browser is enough to keep the idle clock honest.
	if now.Sub(ws.SeenAt) > time.Minute {
		if err := s.db.TouchWebSession(r.Context(), h, now); err != nil {
			s.log.Error("Keeping a web session alive failed", "err", err)
		}
	}
	return &ws.User
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// setSessionCookie gives the browser its session token: unreadable to scripts, never sent
// with requests from other sites, and only over HTTPS when the page is served over HTTPS.
func setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   overHTTPS(r),
		SameSite: http.SameSiteStrictMode,
	})
}

// overHTTPS says whether the viewer reached us over HTTPS, directly or through a proxy that
// says so. Believing a forged header only makes the cookie stricter.
func overHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// securityHeaders keeps pages from being framed, sniffed, cached, or leaking their address,
// and allows scripts and styles only from our own files (no inline script).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if overHTTPS(r) {
			// Over plain HTTP a browser ignores it, so a forged X-Forwarded-Proto gains nothing.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// hostCheck refuses requests that name another host than PUENTE_WEB_URL's, when it is set:
// a page reached through a name that is not its own (DNS rebinding, a proxy that forwards any
// host) must not answer. Loopback names stay allowed for checks from the machine itself, which
// a rebinding attack cannot use.
func (s *Server) hostCheck(next http.Handler) http.Handler {
	if s.site == nil {
		return next
	}
	want := strings.ToLower(s.site.Hostname())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.ToLower(strings.Trim(host, "[]"))
		if host != want && host != "localhost" && !isLoopback(host) {
			http.Error(w, http.StatusText(http.StatusMisdirectedRequest), http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopback(host string) bool {
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Request bodies are small forms, except a directory file, which may be as large as the
// directory package reads (the same limit as puente import), with room for the form around it.
const (
	maxFormBytes   = 256 << 10
	maxUploadBytes = directory.MaxFileSize + 64<<10
	maxMemoryFile  = 1 << 20
)

// limitBody refuses bodies over the limit: reading past it fails, and parseForm answers 413.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxFormBytes)
		if r.URL.Path == "/import" {
			limit = maxUploadBytes
		}
		if r.ContentLength > limit {
			// Known to be too big: close the connection after the answer rather than read
			// the rest of the body.
			w.Header().Set("Connection", "close")
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// parseForm reads a posted form. On failure it has answered already (413 for too big, 400
// otherwise) and returns false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request, v *viewer) bool {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// A file over maxMemoryFile waits in a temporary file (removed after the request)
		// rather than in a buffer that grows by copying itself.
		err = r.ParseMultipartForm(maxMemoryFile)
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return true
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		s.fail(w, r, v, http.StatusRequestEntityTooLarge, "web.error.too_big")
		return false
	}
	s.fail(w, r, v, http.StatusBadRequest, "web.error.bad_form")
	return false
}

// recoverPanics turns a panic in a page into a logged error and a plain 500 page.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				// The pattern, not the path: a path can hold a set-password token.
				s.log.Error("A page panicked", "pattern", r.Pattern, "panic", p)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
