package web

import (
	"io/fs"
	"net/http"
)

// routes is the table of contents of the site: every page, who may see it, and the handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static") // assets embeds static/, so Sub cannot fail
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	mux.Handle("GET /login", s.anyone(s.loginForm))
	mux.Handle("POST /login", s.anyone(s.login))
	mux.Handle("POST /logout", s.editor(s.logout))
	mux.Handle("GET /invite/{token}", s.anyone(s.inviteForm))
	mux.Handle("POST /invite/{token}", s.anyone(s.inviteAccept))
	mux.Handle("POST /language", s.anyone(s.setLanguage))

	mux.Handle("GET /{$}", s.editor(s.home))
	mux.Handle("GET /counts", s.editor(s.counts))
	mux.Handle("GET /audit", s.editor(s.audit))

	mux.Handle("GET /users", s.admin(s.users))
	mux.Handle("POST /users", s.admin(s.invite))
	mux.Handle("POST /users/{id}/link", s.admin(s.newLink))
	mux.Handle("POST /users/{id}/disable", s.admin(s.disableUser))
	mux.Handle("POST /users/{id}/enable", s.admin(s.enableUser))

	mux.Handle("/", s.anyone(s.notFound))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.anyone(s.crossOrigin))
	return s.recoverPanics(securityHeaders(limitBody(cop.Handler(mux))))
}
