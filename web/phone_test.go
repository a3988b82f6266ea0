package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/puente-bot/puente/store"
	"github.com/puente-bot/puente/web"
)

// signIn signs the browser in on the sign-in page.
func (c *chrome) signIn(email string) {
	c.t.Helper()
	c.open("/login")
	c.do("fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	c.navigate("sign in", 200, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
}

// chooseLanguage changes the pages' language with the control at the foot of the page.
func (c *chrome) chooseLanguage(tag string) {
	c.t.Helper()
	c.do("choose "+tag, chromedp.SetValue(chromedp.CSS("#lang"), tag))
	c.navigate("change the language to "+tag, 200, chromedp.Click(chromedp.CSS(`footer button[type=submit]`)))
}

// phonePages fills a site with what makes pages wide (long emails and addresses in the
// trail, counts, people waiting) and returns the pages to visit signed in, each with its
// status, and an invitation's page to visit signed out.
func phonePages(t *testing.T, s *site) (signedIn map[string]int64, invite string) {
	t.Helper()
	ctx := context.Background()
	admin := s.account("ana.maria.de.los.santos@long-organisation-name.example.org", store.RoleAdmin)
	token, err := web.NewAccount(ctx, s.db, nil, "someone.waiting.for.a.link@example.org", store.RoleEditor, s.clock())
	if err != nil {
		t.Fatal(err)
	}
	l := firstSeed(s)
	f := formOf(admin, l)
	f.Set("website", "https://www.example.org/a/very/long/address/without/any/place/to/break/it/over/lines")
	f.Set("area", "Moss Side, Manchester")
	wantStatus(t, "edit", admin.post("/listings/"+l.ID, f), http.StatusSeeOther)
	for _, ev := range []string{store.EventStarted, store.EventReferralsShown} {
		for range 6 {
			if err := s.db.Count(ctx, store.Week(s.clock()), "pt-BR", "labour_exploitation", ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	return map[string]int64{
		"/":         200,
		"/listings": 200,
		"/listings?need=housing&lang=es&region=london": 200,
		"/listings/stale":     200,
		"/listings/new":       200,
		"/listings/" + l.ID:   200,
		"/import":             200,
		"/preview":            200,
		"/preview?lang=pt-BR": 200,
		"/audit":              200,
		"/counts":             200,
		"/users":              200,
		"/no/such/page":       404,
	}, web.InvitePath(token)
}

// No page is wider than a 360 px phone, its controls are big enough to tap, and it passes
// axe-core's accessibility checks, in every language the pages speak.
func TestBrowserPhoneWidths(t *testing.T) {
	s := newSite(t)
	c := newChrome(t, s)
	c.open("/login") // with how to make the first admin
	pages, invite := phonePages(t, s)
	c.open("/login")
	c.open(invite)
	c.signIn("ana.maria.de.los.santos@long-organisation-name.example.org")
	for _, lang := range []string{"en", "es", "pt-BR"} {
		c.chooseLanguage(lang)
		for path, status := range pages {
			c.navigate(lang+" "+path, status, chromedp.Navigate(c.s.srv.URL+path))
		}
		// A listing's form with every group unfolded, then with a problem.
		c.open("/listings/" + firstSeed(s).ID)
		eval[bool](c, `document.querySelectorAll("details").forEach(d => d.open = true), true`)
		c.checkLayout(lang + " the listing's form unfolded")
		c.checkAccessibility(lang + " the listing's form unfolded")
		c.do("type a bad website", chromedp.SetValue(chromedp.CSS("#f-website"), "www.example"))
		c.navigate(lang+" a form with a problem", 422, chromedp.Click(chromedp.CSS(`button[name=do][value=save]`)))
		c.importBadFile()
		c.previewReferral()
		eval[bool](c, `document.querySelectorAll("details").forEach(d => d.open = true), true`)
		c.checkLayout(lang + " why this order, unfolded")
		c.checkAccessibility(lang + " why this order, unfolded")
	}
}
