package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
	"github.com/puente-bot/puente/web"
)

func TestLogin(t *testing.T) {
	s := newSite(t)
	s.account("ana@example.org", store.RoleEditor)
	b := s.browser()

	r := b.get("/login")
	wantStatus(t, "login page", r, http.StatusOK)
	wantBody(t, "login page", r, `<label for="email">`, `autocomplete="current-password"`)

	r = b.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"wrong password"}, "next": {"/counts"}})
	wantStatus(t, "wrong password", r, http.StatusUnauthorized)
	wantBody(t, "wrong password", r, "do not match an account", `value="ana@example.org"`, `value="/counts"`)
	if strings.Contains(r.body, "wrong password") {
		t.Error("the page sent the typed password back")
	}
	r = b.post("/login", url.Values{"email": {"nobody@example.org"}, "password": {testPassword}})
	wantStatus(t, "unknown email", r, http.StatusUnauthorized)
	wantBody(t, "unknown email", r, "do not match an account")

	b.header.Set("X-Forwarded-Proto", "https")
	r = b.post("/login", url.Values{"email": {"ANA@example.org"}, "password": {testPassword}, "next": {"/counts"}})
	wantStatus(t, "right password", r, http.StatusSeeOther)
	if got := r.header.Get("Location"); got != "/counts" {
		t.Errorf("after signing in: Location %q, want /counts", got)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"puente_session=", "HttpOnly", "SameSite=Strict", "Secure", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	b.header.Del("X-Forwarded-Proto")
	// The test server is plain HTTP, so the jar keeps no Secure cookie: sign in again over it.
	r = b.post("/login", url.Values{"email": {"ana@example.org"}, "password": {testPassword}})
	if c := r.header.Get("Set-Cookie"); strings.Contains(c, "Secure") {
		t.Errorf("cookie over plain HTTP is Secure (%q): the browser would never send it back", c)
	}
	wantStatus(t, "home once signed in", b.get("/"), http.StatusOK)

	r = b.post("/logout", nil)
	wantStatus(t, "sign out", r, http.StatusSeeOther)
	wantStatus(t, "home after signing out", b.get("/"), http.StatusSeeOther)
}

func TestLoginNeverLeavesTheSite(t *testing.T) {
	s := newSite(t)
	s.account("ana@example.org", store.RoleEditor)
	hostile := []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example"}
	for _, next := range hostile {
		b := s.browser()
		r := b.post("/login", url.Values{"email": {"ana@example.org"}, "password": {testPassword}, "next": {next}})
		if got := r.header.Get("Location"); got != "/" {
			t.Errorf("next=%q: Location %q, want /", next, got)
		}
		// Signed in, following a link to the sign-in page, and changing language.
		r = b.get("/login?next=" + url.QueryEscape(next))
		if got := r.header.Get("Location"); got != "/" {
			t.Errorf("signed in, GET /login?next=%q: Location %q, want /", next, got)
		}
		r = b.post("/language", url.Values{"lang": {"es"}, "next": {next}})
		if got := r.header.Get("Location"); got != "/" {
			t.Errorf("POST /language next=%q: Location %q, want /", next, got)
		}
	}
}

func TestLoginAttemptsLimited(t *testing.T) {
	s := newSite(t)
	s.account("ana@example.org", store.RoleEditor)
	s.account("bo@example.org", store.RoleEditor)
	b := s.browser()
	for i := range 5 {
		r := b.post("/login", url.Values{"email": {"ana@example.org"}, "password": {"guess " + string(rune('a'+i))}})
		wantStatus(t, "a wrong guess", r, http.StatusUnauthorized)
	}
	r := b.post("/login", url.Values{"email": {"ana@example.org"}, "password": {testPassword}})
	wantStatus(t, "right password after 5 wrong ones", r, http.StatusTooManyRequests)
	wantBody(t, "limited", r, "Too many tries")
	// Another account from the same address is not yet limited (5 of 20).
	wantStatus(t, "another account", b.post("/login", url.Values{"email": {"bo@example.org"}, "password": {testPassword}}), http.StatusSeeOther)

	s.advance(16 * time.Minute)
	wantStatus(t, "after waiting", s.browser().post("/login", url.Values{"email": {"ana@example.org"}, "password": {testPassword}}), http.StatusSeeOther)

	// Many accounts from one address: the address is limited after 20 failures.
	c := s.browser()
	for i := range 20 {
		c.post("/login", url.Values{"email": {"x" + string(rune('a'+i)) + "@example.org"}, "password": {"nope"}})
	}
	wantStatus(t, "21st try from one address", c.post("/login", url.Values{"email": {"bo@example.org"}, "password": {testPassword}}), http.StatusTooManyRequests)
}

func TestInviteLinks(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	token, err := web.NewAccount(ctx, s.db, nil, "ana@example.org", store.RoleEditor, s.clock())
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	r := b.get(web.InvitePath(token))
	wantStatus(t, "fresh link", r, http.StatusOK)
	wantBody(t, "fresh link", r, "ana@example.org", `autocomplete="new-password"`)

	tests := []struct {
		name, password, confirm, want string
	}{
		{"too short", "short", "short", "at least 10 characters"},
		{"mismatch", testPassword, testPassword + "!", "are not the same"},
	}
	for _, tt := range tests {
		r := b.post(web.InvitePath(token), url.Values{"password": {tt.password}, "confirm": {tt.confirm}})
		wantStatus(t, tt.name, r, http.StatusUnprocessableEntity)
		wantBody(t, tt.name, r, tt.want)
	}
	wantStatus(t, "good password", b.post(web.InvitePath(token), url.Values{"password": {testPassword}, "confirm": {testPassword}}), http.StatusSeeOther)
	r = b.get("/?done=password")
	wantStatus(t, "signed in by the link", r, http.StatusOK)
	wantBody(t, "signed in by the link", r, "Your password is set")

	r = s.browser().get(web.InvitePath(token))
	wantStatus(t, "used link", r, http.StatusGone)
	wantBody(t, "used link", r, "has been used already")

	r = s.browser().get(web.InvitePath("not-a-real-token"))
	wantStatus(t, "unknown link", r, http.StatusNotFound)
	wantBody(t, "unknown link", r, "is not valid")

	late, err := web.NewAccount(ctx, s.db, nil, "bo@example.org", store.RoleEditor, s.clock())
	if err != nil {
		t.Fatal(err)
	}
	s.advance(24 * time.Hour)
	for _, r := range []resp{
		s.browser().get(web.InvitePath(late)),
		s.browser().post(web.InvitePath(late), url.Values{"password": {testPassword}, "confirm": {testPassword}}),
	} {
		wantStatus(t, "expired link", r, http.StatusGone)
		wantBody(t, "expired link", r, "This link has expired")
	}
}

func TestPeople(t *testing.T) {
	s := newSite(t)
	admin := s.account("admin@example.org", store.RoleAdmin)
	editor := s.account("ed@example.org", store.RoleEditor)

	wantStatus(t, "editor on the people page", editor.get("/users"), http.StatusForbidden)
	r := editor.post("/users", url.Values{"email": {"new@example.org"}, "role": {"admin"}})
	wantStatus(t, "editor inviting", r, http.StatusForbidden)
	wantBody(t, "editor inviting", r, "Only admins")

	r = admin.get("/users")
	wantStatus(t, "admin on the people page", r, http.StatusOK)
	wantBody(t, "people", r, "admin@example.org", "ed@example.org")

	r = admin.post("/users", url.Values{"email": {"not an email <b>x</b>"}, "role": {"editor"}})
	wantStatus(t, "bad email", r, http.StatusUnprocessableEntity)
	wantBody(t, "bad email", r, "Write an email address", `value="not an email &lt;b&gt;x&lt;/b&gt;"`, `aria-invalid="true"`)
	r = admin.post("/users", url.Values{"email": {"ed@example.org"}, "role": {"editor"}})
	wantStatus(t, "existing email", r, http.StatusUnprocessableEntity)
	wantBody(t, "existing email", r, "has an account already")
	r = admin.post("/users", url.Values{"email": {"cy@example.org"}})
	wantStatus(t, "no role", r, http.StatusUnprocessableEntity)
	wantBody(t, "no role", r, "Choose a role", `value="cy@example.org"`)

	r = admin.post("/users", url.Values{"email": {"cy@example.org"}, "role": {"editor"}})
	wantStatus(t, "invite", r, http.StatusOK)
	wantBody(t, "invite", r, s.srv.URL+"/invite/", "It works once, for 24 hours")
	link := r.body[strings.Index(r.body, s.srv.URL+"/invite/"):]
	link = link[len(s.srv.URL):strings.Index(link, "<")]
	cy := s.browser()
	wantStatus(t, "using the invitation", cy.post(link, url.Values{"password": {testPassword}, "confirm": {testPassword}}), http.StatusSeeOther)
	wantStatus(t, "invited editor signed in", cy.get("/"), http.StatusOK)

	u, err := s.db.UserByEmail(context.Background(), "ed@example.org")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "turn off", admin.post("/users/"+itoa(u.ID)+"/disable", nil), http.StatusSeeOther)
	wantStatus(t, "turned-off editor", editor.get("/"), http.StatusSeeOther)
	wantStatus(t, "turned-off editor signs in", editor.post("/login", url.Values{"email": {"ed@example.org"}, "password": {testPassword}}), http.StatusUnauthorized)
	wantStatus(t, "turn on", admin.post("/users/"+itoa(u.ID)+"/enable", nil), http.StatusSeeOther)
	wantStatus(t, "turned-on editor signs in", editor.post("/login", url.Values{"email": {"ed@example.org"}, "password": {testPassword}}), http.StatusSeeOther)

	me, err := s.db.UserByEmail(context.Background(), "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "turning oneself off", admin.post("/users/"+itoa(me.ID)+"/disable", nil), http.StatusConflict)
	wantStatus(t, "unknown account", admin.post("/users/999/link", nil), http.StatusNotFound)
	r = admin.post("/users/"+itoa(u.ID)+"/link", nil)
	wantStatus(t, "new password link", r, http.StatusOK)
	wantBody(t, "new password link", r, "Send this link to ed@example.org")

	wantStatus(t, "make admin", admin.post("/users/"+itoa(u.ID)+"/role", url.Values{"role": {"admin"}}), http.StatusSeeOther)
	wantStatus(t, "new admin on the people page", editor.get("/users"), http.StatusOK)
	wantStatus(t, "unknown role", admin.post("/users/"+itoa(u.ID)+"/role", url.Values{"role": {"owner"}}), http.StatusBadRequest)
	wantStatus(t, "own role", admin.post("/users/"+itoa(me.ID)+"/role", url.Values{"role": {"editor"}}), http.StatusConflict)

	var got []string
	for _, e := range s.trail("") {
		got = append(got, e.Action+" "+e.Label+" by "+e.Actor)
	}
	want := []string{
		"user.role ed@example.org by admin@example.org",
		"user.link ed@example.org by admin@example.org",
		"user.enable ed@example.org by admin@example.org",
		"user.disable ed@example.org by admin@example.org",
		"user.invite cy@example.org by admin@example.org",
		"user.invite ed@example.org by " + web.CommandLine,
		"user.invite admin@example.org by " + web.CommandLine,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Ensure making a new set-password link cancels the account's older unused one, say one sent
// to a wrong address. (Both used to work.)
func TestNewLinkCancelsTheOlder(t *testing.T) {
	s := newSite(t)
	admin := s.account("admin@example.org", store.RoleAdmin)
	r := admin.post("/users", url.Values{"email": {"cy@example.org"}, "role": {"editor"}})
	wantStatus(t, "invite", r, http.StatusOK)
	first := inviteLinkOn(t, s, r)
	u, err := s.db.UserByEmail(context.Background(), "cy@example.org")
	if err != nil {
		t.Fatal(err)
	}
	r = admin.post("/users/"+itoa(u.ID)+"/link", nil)
	wantStatus(t, "new link", r, http.StatusOK)
	second := inviteLinkOn(t, s, r)
	r = s.browser().get(first)
	wantStatus(t, "the first link", r, http.StatusGone)
	wantBody(t, "the first link", r, "This link has expired")
	wantStatus(t, "the second link", s.browser().get(second), http.StatusOK)
}

// inviteLinkOn is the path of the set-password link shown on a page.
func inviteLinkOn(t *testing.T, s *site, r resp) string {
	t.Helper()
	i := strings.Index(r.body, s.srv.URL+"/invite/")
	if i < 0 {
		t.Fatalf("no link on the page:\n%s", excerpt(r.body))
	}
	link := r.body[i+len(s.srv.URL):]
	return link[:strings.Index(link, "<")]
}

// The sign-in page says how to make the first admin while there is none, and only then.
func TestFirstAdminHint(t *testing.T) {
	s := newSite(t)
	hint := "puente adduser --role admin you@example.org"
	r := s.browser().get("/login")
	wantBody(t, "no accounts", r, "No accounts yet", hint)

	s.account("ed@example.org", store.RoleEditor)
	wantBody(t, "only an editor", s.browser().get("/login"), hint)

	s.account("ana@example.org", store.RoleAdmin)
	r = s.browser().get("/login")
	wantBody(t, "an admin exists", r, "No account? An admin can invite you.")
	if strings.Contains(r.body, hint) || strings.Contains(r.body, "No accounts yet") {
		t.Error("the first-admin hint shows although an admin exists")
	}
}
