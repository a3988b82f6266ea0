package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
	"github.com/puente-bot/puente/web"
)

// site is the web page on a test server over a fresh database, with a clock tests move.
type site struct {
	t    testing.TB
	db   *store.DB
	keys *store.Keys
	cat  *locales.Catalog
	srv  *httptest.Server
	mu   sync.Mutex
	now  time.Time
}

func newSite(t testing.TB) *site {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return newSiteWith(t, cat)
}

// newSiteWith is newSite with the given messages, say with a language that is not shipped yet.
func newSiteWith(t testing.TB, cat *locales.Catalog) *site { return newSiteConfig(t, cat, nil) }

// newSiteConfig is newSiteWith with the page's configuration changed by configure.
func newSiteConfig(t testing.TB, cat *locales.Catalog, configure func(*web.Config)) *site {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := flows.Load()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, db: db, cat: cat, now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	if _, err := db.SeedDirectory(context.Background(), seed, s.now); err != nil {
		t.Fatal(err)
	}
	eng, err := flows.New(set, cat, storedDirectory{t: t, db: db}, flows.Config{})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := store.NewKeys([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	s.keys = keys
	cfg := web.Config{DB: db, Keys: keys, Catalog: cat, Conversation: eng, Directory: storedDirectory{t: t, db: db}, Now: s.clock}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(srv)
	t.Cleanup(s.srv.Close)
	return s
}

// storedDirectory ranks with the listings as stored at each call, so a test sees its edits
// in the preview at once (serve reloads the bot's directory every few seconds instead).
type storedDirectory struct {
	t  testing.TB
	db *store.DB
}

func (d storedDirectory) Rank(p directory.Profile, now time.Time) []directory.Match {
	ls, err := d.db.DirectoryListings(context.Background())
	if err != nil {
		d.t.Errorf("ranking: %v", err)
	}
	return directory.New(ls).Rank(p, now)
}

func (s *site) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

func (s *site) advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

// browser is one visitor: its own cookies, and redirects are not followed so that tests see them.
type browser struct {
	s      *site
	client *http.Client
	header http.Header // added to every request
}

func (s *site) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &browser{s: s, header: http.Header{}, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// resp is an answer, read whole.
type resp struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, body io.Reader, contentType string) resp {
	b.s.t.Helper()
	req, err := http.NewRequest(method, b.s.srv.URL+path, body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	all, err := io.ReadAll(res.Body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: string(all)}
}

func (b *browser) get(path string) resp { return b.do(http.MethodGet, path, nil, "") }

func (b *browser) post(path string, form url.Values) resp {
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

const testPassword = "correct horse battery"

// account makes an account through a set-password link, as a new volunteer would, and returns
// a browser signed in to it.
func (s *site) account(email string, role store.Role) *browser {
	s.t.Helper()
	token, err := web.NewAccount(context.Background(), s.db, nil, email, role, s.clock())
	if err != nil {
		s.t.Fatal(err)
	}
	b := s.browser()
	r := b.post(web.InvitePath(token), url.Values{"password": {testPassword}, "confirm": {testPassword}})
	if r.status != http.StatusSeeOther {
		s.t.Fatalf("setting a password: status %d, want 303\n%s", r.status, r.body)
	}
	return b
}

func wantStatus(t *testing.T, what string, r resp, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, want, excerpt(r.body))
	}
}

func wantBody(t *testing.T, what string, r resp, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Errorf("%s: the page lacks %q", what, p)
		}
	}
}

func (s *site) trail(subject string) []store.AuditEntry {
	s.t.Helper()
	entries, err := s.db.AuditTrail(context.Background(), subject, 0, 100)
	if err != nil {
		s.t.Fatal(err)
	}
	return entries
}

// excerpt is the part of a page worth reading in a failure: its main content, cut short.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return body
}
