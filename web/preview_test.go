package web_test

import (
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

var (
	buttonRE = regexp.MustCompile(`<button type="submit" name="token" value="([^"]+)">([^<]+)</button>`)
	stateRE  = regexp.MustCompile(`name="state" value="([^"]*)"`)
)

// press presses the button labelled label on a preview page and returns the next page.
func press(t *testing.T, b *browser, r resp, label string) resp {
	t.Helper()
	state := stateRE.FindStringSubmatch(r.body)
	if state == nil {
		t.Fatalf("no conversation state on the page:\n%s", excerpt(r.body))
	}
	for _, m := range buttonRE.FindAllStringSubmatch(r.body, -1) {
		if html.UnescapeString(m[2]) == label {
			q := url.Values{"state": {html.UnescapeString(state[1])}, "token": {html.UnescapeString(m[1])}}
			next := b.get("/preview?" + q.Encode())
			wantStatus(t, "pressing "+label, next, http.StatusOK)
			return next
		}
	}
	t.Fatalf("no button %q on the page:\n%s", label, excerpt(r.body))
	return resp{}
}

func TestPreviewWalksToAReferralInSpanish(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	es := func(id string) string { return s.cat.Text("es", id, nil) }
	r := b.get("/preview?lang=es")
	wantStatus(t, "start in Spanish", r, http.StatusOK)
	wantBody(t, "start in Spanish", r, `<div class="bubble" lang="es" dir="ltr">`)
	for _, id := range []string{"content.main.btn.topics", "content.menu.btn.find", "content.ref.btn.need_home", "content.ref.btn.london", "content.ref.btn.women"} {
		r = press(t, b, r, es(id))
	}
	intro := es("content.ref.intro")
	if !strings.Contains(html.UnescapeString(r.body), strings.SplitN(intro, "\n", 2)[0]) {
		t.Errorf("the last screen is not the referral list (%q):\n%s", intro, excerpt(r.body))
	}
	l := s.listingByName("Latin American Women's Aid (LAWA)")
	if !strings.Contains(html.UnescapeString(r.body), l.Name) {
		t.Errorf("the referral list lacks %s:\n%s", l.Name, excerpt(r.body))
	}

	// A typed message gets the engine's answer; a forged token, the current screen again.
	state := html.UnescapeString(stateRE.FindStringSubmatch(r.body)[1])
	typed := b.get("/preview?" + url.Values{"state": {state}, "text": {"hola"}}.Encode())
	wantBody(t, "typed message", typed, html.EscapeString(es("ui.notice.buttons_only"))[:20])
	forged := b.get("/preview?" + url.Values{"state": {state}, "token": {"forged"}}.Encode())
	wantStatus(t, "forged token", forged, http.StatusOK)
	broken := b.get("/preview?" + url.Values{"state": {"{not json"}, "token": {"x"}}.Encode())
	wantStatus(t, "broken state starts over", broken, http.StatusOK)
	wantBody(t, "broken state starts over", broken, "bubble")
}

// The preview shows the answers given so far, and on a referral screen why the listings
// come in their order: each one's score and reasons, best first, as the ranking gave them.
func TestPreviewAnswersAndWhy(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	es := func(id string) string { return s.cat.Text("es", id, nil) }
	r := b.get("/preview?lang=es")
	wantBody(t, "start", r, "Answers so far", `<dd lang="es">español</dd>`)
	if strings.Contains(r.body, "Why this order?") {
		t.Error("a screen that lists no organisations has a why-this-order toggle")
	}
	for _, id := range []string{"content.main.btn.topics", "content.menu.btn.find", "content.ref.btn.need_home", "content.ref.btn.london"} {
		r = press(t, b, r, es(id))
	}
	wantBody(t, "after need and region", r, "<dt>Needs</dt><dd>Domestic abuse</dd>", "<dt>Where</dt><dd>London</dd>")
	r = press(t, b, r, es("content.ref.btn.women"))
	wantBody(t, "referral", r, "<dt>Preferences</dt><dd>services for women only</dd>", "Why this order?")

	why := r.body[strings.Index(r.body, `<details class="why">`):]
	why = why[:strings.Index(why, "</details>")]
	// The same order as the screen: the listings the bubble shows come first, in its order.
	names := regexp.MustCompile(`<h3><a href="/listings/[^"]+">([^<]+)</a></h3>\s*<p><strong>score -?\d+</strong>`).FindAllStringSubmatch(why, -1)
	if len(names) < 2 {
		t.Fatalf("why this order lists %d listings with a score:\n%s", len(names), why)
	}
	chat := html.UnescapeString(r.body[strings.Index(r.body, `<section class="chat"`):strings.Index(r.body, `<details class="why">`)])
	last := -1
	for _, n := range names {
		i := strings.Index(chat, "• "+html.UnescapeString(n[1]))
		if i < 0 {
			break // the screen shows the first page only
		}
		if i < last {
			t.Errorf("%s comes in another place on the screen than in why this order", n[1])
		}
		last = i
	}
	if last < 0 {
		t.Errorf("the first listing of why this order is not the screen's first:\n%s", chat)
	}
	l := s.listingByName("Latin American Women's Aid (LAWA)")
	if !strings.Contains(why, `<a href="/listings/`+l.ID+`">`) {
		t.Errorf("why this order lacks %s:\n%s", l.Name, why)
	}
	// The reasons are the ranking's, in the pages' language.
	if !strings.Contains(html.UnescapeString(why), s.cat.Text("en", "directory.reason.women_only", nil)) {
		t.Errorf("why this order lacks the women-only reason:\n%s", why)
	}
}

func TestPreviewPicker(t *testing.T) {
	s := newSite(t)
	r := s.account("ed@example.org", store.RoleEditor).get("/preview")
	wantStatus(t, "picker", r, http.StatusOK)
	for _, lang := range []string{"en", "es", "pt-BR"} {
		wantBody(t, "picker", r, html.EscapeString(s.cat.Text(lang, "ui.language.name", nil)))
	}
}

// arabicSite is the shipped catalogue plus Arabic, in which the bot speaks; with web,
// the volunteers' page speaks it too.
func arabicSite(t *testing.T, web bool) *site {
	t.Helper()
	fsys := fstest.MapFS{
		"ui.ar.json": {Data: []byte(`{"ui.language.name": {"description": "name", "other": "العربية"}}`)},
	}
	if web {
		fsys["web.ar.json"] = &fstest.MapFile{Data: []byte(`{"web.action.listing.activate": "عرض مرة أخرى"}`)}
	}
	shipped, err := fs.Glob(locales.Files(), "*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range shipped {
		data, err := fs.ReadFile(locales.Files(), name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	cat, err := locales.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return newSiteWith(t, cat)
}

// A right-to-left language reads right to left in the preview and on the pages themselves.
func TestPreviewRightToLeft(t *testing.T) {
	s := arabicSite(t, true)
	b := s.account("ed@example.org", store.RoleEditor)
	r := b.get("/preview?lang=ar")
	wantStatus(t, "Arabic preview", r, http.StatusOK)
	wantBody(t, "Arabic preview", r, `<div class="bubble" lang="ar" dir="rtl">`)
	b.post("/language", url.Values{"lang": {"ar"}})
	wantBody(t, "pages in Arabic", b.get("/"), `<html lang="ar" dir="rtl">`)
}

// The preview offers every language the bot speaks; the page itself only those with
// web messages, whatever the cookie or the browser asks for.
func TestPreviewLanguagesBeyondThePage(t *testing.T) {
	s := arabicSite(t, false)
	b := s.account("ed@example.org", store.RoleEditor)
	r := b.get("/preview")
	wantBody(t, "preview list", r, `<option value="ar" lang="ar">العربية</option>`)
	if n := strings.Count(r.body, `<option value="ar" lang="ar"`); n != 1 {
		t.Errorf("Arabic offered %d times, want once (the preview's list, not the page's)", n)
	}
	r = b.get("/preview?lang=ar")
	wantBody(t, "Arabic preview", r, `<div class="bubble" lang="ar" dir="rtl">`)
	b.post("/language", url.Values{"lang": {"ar"}})
	wantBody(t, "page after choosing Arabic", b.get("/"), `<html lang="en" dir="ltr">`)
	b.header.Set("Accept-Language", "ar")
	wantBody(t, "page for an Arabic browser", b.get("/"), `<html lang="en" dir="ltr">`)
}

// BenchmarkPreviewStep is one button press in the preview, end to end: the request, the
// step (ranking over the listings read from the database, in tests), and the page
// (go test -run XXX -bench PreviewStep -benchmem ./web/).
func BenchmarkPreviewStep(b *testing.B) {
	s := newSite(b)
	br := s.account("ed@example.org", store.RoleEditor)
	r := br.get("/preview?lang=es")
	state := html.UnescapeString(stateRE.FindStringSubmatch(r.body)[1])
	token := html.UnescapeString(buttonRE.FindStringSubmatch(r.body)[1])
	path := "/preview?" + url.Values{"state": {state}, "token": {token}}.Encode()
	for b.Loop() {
		if r := br.get(path); r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
	}
}
