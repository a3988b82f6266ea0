package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// Ensure the preview walks the handoff as a person sees it (the organisations that take
// it, what the one chosen will see, Back to the choice) up to where a real case would
// start, and says so there in the conversation's language, while a forged handoff button
// opens nothing.
func TestPreviewWalksTheHandoff(t *testing.T) {
	s := newSite(t)
	var takers []*directory.Listing
	for _, name := range []string{"Latin American Women's Aid (LAWA)", "Latin American Women's Rights Service (LAWRS)"} {
		l := s.listingByName(name)
		l.AcceptsHandoff = true
		takers = append(takers, l)
	}
	if _, err := s.db.ImportDirectory(context.Background(), takers, s.clock()); err != nil {
		t.Fatal(err)
	}
	b := s.account("ed@example.org", store.RoleEditor)
	es := func(id string) string { return s.cat.Text("es", id, nil) }
	r := b.get("/preview?lang=es")
	for _, id := range []string{"content.main.btn.topics", "content.menu.btn.find", "content.ref.btn.need_home", "content.ref.btn.london", "content.ref.btn.women", "content.ref.btn.handoff"} {
		r = press(t, b, r, es(id))
	}
	body := html.UnescapeString(r.body)
	if !strings.Contains(body, strings.SplitN(es("handoff.choose"), "\n", 2)[1]) {
		t.Fatalf("no choice of organisation after the handoff button:\n%s", excerpt(r.body))
	}
	choice := r
	r = press(t, b, r, "Latin American Women's Rights Service (LAWRS)")
	wantBody(t, "consent", r, "Latin American Women&#39;s Rights Service (LAWRS)")
	r = press(t, b, r, es("ui.nav.back"))
	if !strings.Contains(html.UnescapeString(r.body), strings.SplitN(es("handoff.choose"), "\n", 2)[1]) {
		t.Fatalf("Back from consent is not the choice:\n%s", excerpt(r.body))
	}

	// A forged or stale handoff button changes nothing: the screen is the current one.
	state := html.UnescapeString(stateRE.FindStringSubmatch(choice.body)[1])
	forged := b.get("/preview?" + url.Values{"state": {state}, "token": {"99.1"}}.Encode())
	wantBody(t, "forged handoff button", forged, html.EscapeString(es("ui.notice.expired"))[:20])
	if strings.Contains(forged.body, html.EscapeString(es("handoff.preview.opens"))) {
		t.Fatal("a forged button reached the point where a case opens")
	}

	r = press(t, b, r, "Latin American Women's Aid (LAWA)")
	r = press(t, b, r, es("handoff.btn.yes"))
	wantBody(t, "where a case would open", r, html.EscapeString(es("handoff.preview.opens")), s.cat.Text("en", "web.preview.handoff", nil))
}
