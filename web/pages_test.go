package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Every page but signing in needs an account; admin pages need an admin.
func TestRoutesNeedSignIn(t *testing.T) {
	s := newSite(t)
	editor := s.account("ed@example.org", store.RoleEditor)
	admin := s.account("admin@example.org", store.RoleAdmin)
	id := firstSeed(s).ID
	tests := []struct {
		method, path string
		adminOnly    bool
	}{
		{"GET", "/", false},
		{"GET", "/listings", false},
		{"GET", "/listings/stale", false},
		{"GET", "/listings/new", false},
		{"POST", "/listings/new", false},
		{"GET", "/listings/" + id, false},
		{"POST", "/listings/" + id, false},
		{"POST", "/listings/" + id + "/deactivate", false},
		{"POST", "/listings/" + id + "/activate", false},
		{"GET", "/import", false},
		{"POST", "/import", false},
		{"POST", "/import/apply", false},
		{"GET", "/export/directory.csv", false},
		{"GET", "/export/hsds.json", false},
		{"GET", "/export/hsds.zip", false},
		{"GET", "/preview", false},
		{"POST", "/audit/1/revert", true},
		{"POST", "/listings/" + id + "/link-code", true},
		{"POST", "/listings/" + id + "/link-code/revoke", true},
		{"GET", "/counts", false},
		{"GET", "/audit", false},
		{"POST", "/logout", false},
		{"GET", "/users", true},
		{"POST", "/users", true},
		{"POST", "/users/1/link", true},
		{"POST", "/users/1/disable", true},
		{"POST", "/users/1/enable", true},
		{"POST", "/users/1/role", true},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := s.browser().do(tt.method, tt.path, nil, "")
			if tt.method == "GET" {
				wantStatus(t, "signed out", r, http.StatusSeeOther)
				if got, want := r.header.Get("Location"), "/login?next="+url.QueryEscape(tt.path); got != want {
					t.Errorf("Location %q, want %q", got, want)
				}
			} else {
				wantStatus(t, "signed out", r, http.StatusUnauthorized)
				wantBody(t, "signed out", r, "nothing was changed")
			}
			if tt.adminOnly {
				wantStatus(t, "editor", editor.do(tt.method, tt.path, nil, ""), http.StatusForbidden)
			}
			if tt.method == "GET" {
				wantStatus(t, "admin", admin.get(tt.path), http.StatusOK)
			}
		})
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	s := newSite(t)
	admin := s.account("admin@example.org", store.RoleAdmin)
	form := url.Values{"email": {"mallory@example.org"}, "role": {"admin"}}
	for _, h := range []struct{ name, value string }{
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
	} {
		admin.header = http.Header{h.name: {h.value}}
		r := admin.post("/users", form)
		wantStatus(t, h.name, r, http.StatusForbidden)
		wantBody(t, h.name, r, "sent from another website")
	}
	if _, err := s.db.UserByEmail(context.Background(), "mallory@example.org"); err == nil {
		t.Error("a cross-origin post made an account")
	}
	admin.header = http.Header{"Sec-Fetch-Site": {"same-origin"}}
	wantStatus(t, "same origin", admin.post("/users", form), http.StatusOK)
}

func TestSecurityHeaders(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/login", "/nowhere", "/static/style.css"} {
		r := s.browser().get(path)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		for k, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if got := r.header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
	}
	if r := s.browser().get("/login"); strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") || strings.Contains(r.body, " onclick=") {
		t.Error("the page has inline script or style, which the CSP blocks")
	}
}

func TestHugeFormRefused(t *testing.T) {
	s := newSite(t)
	admin := s.account("admin@example.org", store.RoleAdmin)
	big := "email=" + strings.Repeat("a", 10<<20)
	r := admin.do("POST", "/users", strings.NewReader(big), "application/x-www-form-urlencoded")
	wantStatus(t, "10 MB form", r, http.StatusRequestEntityTooLarge)
	wantBody(t, "10 MB form", r, "too much to send at once")
	r = s.browser().do("POST", "/login", strings.NewReader(big), "application/x-www-form-urlencoded")
	wantStatus(t, "10 MB sign-in", r, http.StatusRequestEntityTooLarge)
	r = admin.upload("directory.csv", "name,kind,needs\n"+strings.Repeat("x", 11<<20))
	wantStatus(t, "11 MB spreadsheet", r, http.StatusRequestEntityTooLarge)
	wantBody(t, "11 MB spreadsheet", r, "Files can be up to 10 MB")
	// Just over the directory's limit, but within what the page lets through around a file:
	// the reader refuses it, as puente import does.
	r = admin.upload("directory.csv", "name,kind,needs\n"+strings.Repeat("x", 10<<20))
	wantStatus(t, "10 MB spreadsheet", r, http.StatusUnprocessableEntity)
	wantBody(t, "10 MB spreadsheet", r, "larger than 10 MB")
}

func TestNotFound(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/no/such/page", "/static/", "/static/nope.css"} {
		r := s.browser().get(path)
		wantStatus(t, path, r, http.StatusNotFound)
	}
	wantBody(t, "unknown page", s.browser().get("/no/such/page"), "There is no page at this address")
	wantStatus(t, "style sheet", s.browser().get("/static/style.css"), http.StatusOK)
}

func TestCounts(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	week := store.Week(s.clock())
	for range 7 {
		if err := s.db.Count(ctx, week, "es", "domestic_abuse", store.EventStarted); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if err := s.db.Count(ctx, week, "es", "domestic_abuse", store.EventReferralsShown); err != nil {
			t.Fatal(err)
		}
	}
	// Six people said a handoff helped and two that it did not (the handoff area keeps these).
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		for i := range 8 {
			c := store.Case{ID: fmt.Sprintf("%032x", i), Code: fmt.Sprintf("K7Q2-%02d", i), ListingID: "listing",
				GroupKey: []byte("group"), ThreadID: int64(i), PersonKey: []byte{byte(i)}, OpenedAt: tx.Now()}
			if err := tx.OpenCase(ctx, c); err != nil {
				return err
			}
			if _, err := tx.CloseCase(ctx, c.ID); err != nil {
				return err
			}
			if _, err := tx.RateCase(ctx, c.ID, c.PersonKey, week, i < 6); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := s.account("ed@example.org", store.RoleEditor).get("/counts")
	wantStatus(t, "counts", r, http.StatusOK)
	wantBody(t, "counts", r, week, "Domestic abuse", `<td lang="es" data-label="Language">español</td>`,
		`<td data-label="Conversations started">7</td>`, `<td data-label="Referrals shown">fewer than 5</td>`,
		"Did the handoffs help?", `<td data-label="Helped">6</td><td data-label="Did not help">fewer than 5</td>`)
	if strings.Contains(r.body, ">3</td>") {
		t.Error("a count under 5 is shown as a number")
	}
}

func TestLanguage(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.header.Set("Accept-Language", "pt-BR,pt;q=0.9")
	wantBody(t, "Portuguese browser", b.get("/login"), `<html lang="pt-BR" dir="ltr">`, "Entrar")
	r := b.post("/language", url.Values{"lang": {"es"}, "next": {"/login"}})
	wantStatus(t, "choose Spanish", r, http.StatusSeeOther)
	wantBody(t, "Spanish chosen", b.get("/login"), `<html lang="es"`, "Iniciar sesión")
	wantStatus(t, "unknown language", b.post("/language", url.Values{"lang": {"xx"}}), http.StatusBadRequest)
	if got := b.post("/language", url.Values{"lang": {"en"}, "next": {"https://evil.example"}}).header.Get("Location"); got != "/" {
		t.Errorf("language change sent the browser to %q, want /", got)
	}
}
