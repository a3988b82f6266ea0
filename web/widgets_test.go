package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

// gridForm is l's form as the page sends it, with the hours as times per day.
func gridForm(f url.Values, days map[string][2]string) url.Values {
	f.Del("hours")
	f.Set("hours_grid", "1")
	for d, times := range days {
		f.Set("hours_"+d+"_open1", times[0])
		f.Set("hours_"+d+"_close1", times[1])
	}
	return f
}

// Hours are entered per day with time inputs and stored as the spreadsheet's text.
func TestHoursWidget(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)

	weekdays := map[string][2]string{"Mo": {"09:00", "17:00"}, "Tu": {"09:00", "17:00"}, "We": {"09:00", "17:00"}, "Th": {"09:00", "17:00"}, "Fr": {"09:00", "17:00"}, "Sa": {"10:00", "13:00"}}
	r := b.post("/listings/"+l.ID, gridForm(formOf(b, l), weekdays))
	wantStatus(t, "hours by day", r, http.StatusSeeOther)
	if got, want := s.listing(l.ID).Record()["hours"], "Mo-Fr 09:00-17:00, Sa 10:00-13:00"; got != want {
		t.Errorf("hours stored as %q, want %q", got, want)
	}
	r = b.get("/listings/" + l.ID)
	wantBody(t, "hours by day", r, `name="hours_Mo_open1" value="09:00"`, `name="hours_Fr_close1" value="17:00"`,
		`name="hours_Sa_open1" value="10:00"`, `name="hours_Su_open1" value=""`, "Saturday")

	// The same times again change nothing.
	l = s.listing(l.ID)
	f := gridForm(formOf(b, l), weekdays)
	r = b.post("/listings/"+l.ID, f)
	if got, want := r.header.Get("Location"), "/listings/"+l.ID+"?done=unchanged"; got != want {
		t.Errorf("saving the same hours: Location %q, want %q", got, want)
	}

	// An opening with no closing time is refused under the field, and comes back as text.
	f = gridForm(formOf(b, l), map[string][2]string{"Mo": {"09:00", ""}})
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "half an opening", r, http.StatusUnprocessableEntity)
	wantBody(t, "half an opening", r, `id="f-hours-err"`, `<a href="#f-hours">`, `id="f-hours" name="hours" value="Mo 09:00-"`)

	// Open all the time.
	f = formOf(b, l)
	f.Del("hours")
	f.Set("hours_grid", "1")
	f.Set("hours_always", "1")
	wantStatus(t, "24/7", b.post("/listings/"+l.ID, f), http.StatusSeeOther)
	if got := s.listing(l.ID).Record()["hours"]; got != "24/7" {
		t.Errorf("hours stored as %q, want 24/7", got)
	}
	wantBody(t, "24/7", b.get("/listings/"+l.ID), `name="hours_always" value="1" checked`)
}

// Languages are ticked by name, in the pages' language, and stored as codes; others are
// typed as codes beside them.
func TestLanguagesWidget(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)

	r := b.get("/listings/" + l.ID)
	wantBody(t, "languages by name", r, `name="languages" value="es"`, `<span lang="es">Spanish</span>`,
		`<span lang="bfi">British Sign Language</span>`, `name="languages_other"`)
	b.header.Set("Accept-Language", "es")
	wantBody(t, "languages by name in Spanish", b.get("/listings/"+l.ID), `<span lang="pt">portugués</span>`, `<span lang="en">inglés</span>`)
	b.header.Del("Accept-Language")

	f := formOf(b, l)
	f["languages"] = []string{"pt", "es"}
	f.Set("languages_other", "sw")
	f["interpreting"] = []string{"mul"}
	wantStatus(t, "languages", b.post("/listings/"+l.ID, f), http.StatusSeeOther)
	got := s.listing(l.ID).Record()
	if got["languages"] != "pt; es; sw" || got["interpreting"] != "mul" {
		t.Errorf("languages %q, interpreting %q", got["languages"], got["interpreting"])
	}
	wantBody(t, "a language beyond the list", b.get("/listings/"+l.ID), `name="languages_other" value="sw"`, `name="languages" value="pt" checked`,
		"Portuguese, Spanish, Swahili · many languages") // the folded group's line

	// Hostile text in the other box is refused as a language and stays text.
	f = formOf(b, s.listing(l.ID))
	f.Set("languages_other", `<script>alert(1)</script>`)
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "hostile language", r, http.StatusUnprocessableEntity)
	wantBody(t, "hostile language", r, `id="f-languages-err"`)
	if strings.Contains(r.body, "<script>alert(1)") {
		t.Error("hostile text in the languages box became markup")
	}
}
