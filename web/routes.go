package web

import (
	"io/fs"
	"net/http"
)

// routes is the table of contents of the site: every page, who may see it, and the handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static") // assets embeds static/, so Sub cannot fail
	mux.Handle("GET /static/{file}", http.StripPrefix("/static/", http.FileServerFS(static)))

	mux.Handle("GET /login", s.anyone(s.loginForm))
	mux.Handle("POST /login", s.anyone(s.bounded(s.login)))
	mux.Handle("POST /logout", s.editor(s.logout))
	mux.Handle("GET /invite/{token}", s.anyone(s.inviteForm))
	mux.Handle("POST /invite/{token}", s.anyone(s.bounded(s.inviteAccept)))
	mux.Handle("POST /language", s.anyone(s.setLanguage))

	mux.Handle("GET /{$}", s.editor(s.home))
	mux.Handle("GET /listings", s.editor(s.listings))
	mux.Handle("GET /listings/stale", s.editor(s.stale))
	mux.Handle("GET /listings/new", s.editor(s.newListingForm))
	mux.Handle("POST /listings/new", s.editor(s.createListing))
	mux.Handle("GET /listings/{id}", s.editor(s.listing))
	mux.Handle("POST /listings/{id}", s.editor(s.saveListingForm))
	mux.Handle("POST /listings/{id}/deactivate", s.editor(s.deactivate))
	mux.Handle("POST /listings/{id}/activate", s.editor(s.activate))
	mux.Handle("POST /listings/{id}/link-code", s.admin(s.linkCode))
	mux.Handle("POST /listings/{id}/link-code/revoke", s.admin(s.revokeLinkCodes))
	mux.Handle("POST /listings/{id}/unlink", s.admin(s.unlinkGroup))
	mux.Handle("GET /import", s.editor(s.importForm))
	mux.Handle("POST /import", s.editor(s.importPreview))
	mux.Handle("POST /import/apply", s.editor(s.importApply))
	mux.Handle("GET /export/directory.csv", s.editor(s.exportCSV))
	mux.Handle("GET /export/hsds.json", s.editor(s.exportHSDS))
	mux.Handle("GET /export/hsds.zip", s.editor(s.exportHSDSPackage))
	mux.Handle("GET /preview", s.editor(s.preview))
	mux.Handle("GET /counts", s.editor(s.counts))
	mux.Handle("GET /audit", s.editor(s.audit))
	mux.Handle("POST /audit/{id}/revert", s.admin(s.revert))

	mux.Handle("GET /users", s.admin(s.users))
	mux.Handle("POST /users", s.admin(s.invite))
	mux.Handle("POST /users/{id}/link", s.admin(s.newLink))
	mux.Handle("POST /users/{id}/disable", s.admin(s.disableUser))
	mux.Handle("POST /users/{id}/enable", s.admin(s.enableUser))
	mux.Handle("POST /users/{id}/role", s.admin(s.setRole))

	for path, h := range s.ops {
		mux.Handle("GET "+path, h)
	}

	mux.Handle("/", s.anyone(s.notFound))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.anyone(s.crossOrigin))
	return s.recoverPanics(securityHeaders(s.hostCheck(limitBody(cop.Handler(mux)))))
}
