package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

// The error summary names each field with a problem and links to it, one message per
// mistake; the form is in groups, and a group with a problem stays open.
func TestErrorSummary(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := s.listingByName("Latin American Women's Aid (LAWA)") // its only contact is a website
	f := formOf(b, l)
	f.Set("website", "www.lawadv.org.uk")
	f.Set("hours", "Mon-Fri 9am-5pm")
	f.Set("area", `<img src=x onerror=alert(1)>`)
	r := b.post("/listings/"+l.ID, f)
	wantStatus(t, "two mistakes", r, http.StatusUnprocessableEntity)
	summary := r.body[strings.Index(r.body, `id="problems"`):]
	summary = summary[:strings.Index(summary, "</div>")]
	for _, want := range []string{`<a href="#f-website">Website: `, html.EscapeString(`"www.lawadv.org.uk" is not a web address`), `<a href="#f-hours">`} {
		if !strings.Contains(summary, want) {
			t.Errorf("the error summary lacks %q:\n%s", want, summary)
		}
	}
	if n := strings.Count(summary, "<li>"); n != 2 {
		t.Errorf("the summary lists %d problems, want 2 (one per mistake):\n%s", n, summary)
	}
	if strings.Contains(r.body, `id="f-phone-err"`) || strings.Contains(r.body, "no way to contact it") {
		t.Error("a bad website also shows as no way to contact it")
	}
	for _, id := range []string{`id="f-website"`, `id="f-hours"`} {
		wantBody(t, "fields the summary links to", r, id)
	}
	if strings.Contains(r.body, "<img src=x") {
		t.Error("hostile text in a field became markup")
	}
	// Groups: About, Who it helps, How to reach it, When it is open, and safety/checks; the
	// two with a problem are kept open on a phone.
	if n := strings.Count(r.body, `<details class="group"`); n != 5 {
		t.Errorf("%d groups, want 5", n)
	}
	if n := strings.Count(r.body, `data-keep-open`); n != 2 {
		t.Errorf("%d groups kept open, want the 2 with a problem", n)
	}

	// A new listing's groups all stay open: everything is to be filled in.
	r = b.get("/listings/new")
	if n := strings.Count(r.body, `data-keep-open`); n != 5 {
		t.Errorf("new listing: %d groups kept open, want all 5", n)
	}
}
