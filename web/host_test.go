package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
	"github.com/puente-bot/puente/web"
)

// Ensure that with the site's address set (PUENTE_WEB_URL), set-password links carry it
// whatever Host the request named, and requests naming another host are refused. (With Host:
// evil.example the admin's page used to show http://evil.example/invite/….)
func TestSiteURL(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	site, err := url.Parse("https://puente.example.org")
	if err != nil {
		t.Fatal(err)
	}
	s := newSiteConfig(t, cat, func(c *web.Config) { c.SiteURL = site })
	admin := s.account("admin@example.org", store.RoleAdmin)
	r := admin.post("/users", url.Values{"email": {"cy@example.org"}, "role": {"editor"}})
	wantStatus(t, "invite", r, http.StatusOK)
	wantBody(t, "invite", r, "https://puente.example.org/invite/")

	for host, want := range map[string]int{
		"evil.example":            http.StatusMisdirectedRequest,
		"puente.example.org.evil": http.StatusMisdirectedRequest,
		"PUENTE.example.org":      http.StatusOK,
		"puente.example.org:443":  http.StatusOK,
		"localhost:8080":          http.StatusOK,
		"127.0.0.1":               http.StatusOK,
		"[::1]:8080":              http.StatusOK,
	} {
		req, err := http.NewRequest(http.MethodGet, s.srv.URL+"/login", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, res.StatusCode, want)
		}
	}
}

// Ensure Strict-Transport-Security is sent whenever the page is reached over HTTPS, also
// through a proxy that says so, and never over plain HTTP. (It was sent only when puente
// itself held the TLS connection, which the README's setup never does.)
func TestHSTS(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	if got := b.get("/login").header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("over plain HTTP: Strict-Transport-Security %q, want none", got)
	}
	b.header.Set("X-Forwarded-Proto", "https")
	if got := b.get("/login").header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=") {
		t.Errorf("through an HTTPS proxy: Strict-Transport-Security %q, want max-age", got)
	}
}
