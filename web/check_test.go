package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

// Checking a listing and correcting it are one form: whatever was typed is saved with the
// check, and the trail says how the listing was checked.
func TestCheckListing(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	before := l.Record()

	// Without saying how it was checked: nothing saved, everything typed still there.
	f := formOf(b, l)
	f.Set("area", "Moss Side, Manchester")
	f.Set("do", "check")
	r := b.post("/listings/"+l.ID, f)
	wantStatus(t, "check without a method", r, http.StatusUnprocessableEntity)
	wantBody(t, "check without a method", r, `value="Moss Side, Manchester"`, `id="f-checked_with-err"`, "Choose how you checked it",
		`value="`+before["verified_at"]+`"`)
	if got := s.listing(l.ID).Record(); got["area"] != before["area"] || got["verified_at"] != before["verified_at"] {
		t.Errorf("a refused check saved: area %q, verified_at %q", got["area"], got["verified_at"])
	}

	// A method that is not offered is no method, and is not echoed as written.
	f.Set("checked_with", `"><script>alert(1)</script>`)
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "check with a forged method", r, http.StatusUnprocessableEntity)
	if strings.Contains(r.body, "<script>alert(1)") {
		t.Error("a forged method was echoed as markup")
	}

	// A bad field and a check: the field's problem, nothing stamped.
	f.Set("checked_with", "phone")
	f.Set("website", "www.example")
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "check with a bad field", r, http.StatusUnprocessableEntity)
	wantBody(t, "check with a bad field", r, `id="f-website-err"`, `value="phone" checked`)
	if n := len(s.trail("listing:" + l.ID)); n != 0 {
		t.Errorf("a refused check left %d audit entries", n)
	}

	// Corrected and checked by phone in one press.
	f.Set("website", before["website"])
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "check", r, http.StatusSeeOther)
	if got, want := r.header.Get("Location"), "/listings/"+l.ID+"?done=verified"; got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	got := s.listing(l.ID)
	if got.Area != "Moss Side, Manchester" || got.VerifiedAt.Format(time.DateOnly) != "2026-11-27" || got.VerifiedBy != "ed@example.org" {
		t.Errorf("after checking: area %q, verified %v by %q", got.Area, got.VerifiedAt, got.VerifiedBy)
	}
	trail := s.trail("listing:" + l.ID)
	if len(trail) != 1 || trail[0].Action != "listing.check.phone" {
		t.Fatalf("trail = %+v", trail)
	}
	wantChanges(t, trail[0].Changes, store.Change{Field: "area", Before: before["area"], After: "Moss Side, Manchester"},
		store.Change{Field: "verified_by", Before: before["verified_by"], After: "ed@example.org"})
	wantBody(t, "after checking", b.get(r.header.Get("Location")), "Saved and marked as checked today.", "Checked by phone",
		html.EscapeString("checked 2026-11-27 by ed@example.org"))

	// "Save" with the same fields saves them and claims no check.
	l2 := s.listingByName("Latin American Women's Aid (LAWA)")
	f = formOf(b, l2)
	f.Set("area", "Islington")
	f.Set("checked_with", "website")
	f.Set("do", "save")
	wantStatus(t, "save", b.post("/listings/"+l2.ID, f), http.StatusSeeOther)
	if got := s.listing(l2.ID); got.Area != "Islington" || got.VerifiedBy != l2.VerifiedBy {
		t.Errorf("after saving: area %q, verified by %q", got.Area, got.VerifiedBy)
	}
	if e := s.trail("listing:" + l2.ID); len(e) != 1 || e[0].Action != "listing.update" {
		t.Errorf("trail after saving = %+v", e)
	}

	// The old one-press stamp is gone.
	wantStatus(t, "the old verify address", b.post("/listings/"+l2.ID+"/verify", nil), http.StatusNotFound)
}

var cardLink = regexp.MustCompile(`<h2><a href="/listings/([^"]+)">`)

// The To check list holds every listing never confirmed with its organisation, the start
// page's number is its length, and its button opens the listing rather than stamping it.
func TestToCheckList(t *testing.T) {
	s := newSite(t)
	b := s.account("ed@example.org", store.RoleEditor)
	seeded := len(cardLink.FindAllString(b.get("/listings").body, -1))

	r := b.get("/listings/stale")
	wantStatus(t, "to check", r, http.StatusOK)
	cards := cardLink.FindAllStringSubmatch(r.body, -1)
	if len(cards) != seeded || seeded == 0 {
		t.Fatalf("to check lists %d listings, want all %d seeded ones (none confirmed with the organisation)", len(cards), seeded)
	}
	want := "Listings that need checking now: " + itoa(int64(seeded)) + "."
	wantBody(t, "to check", r, want, "not confirmed with the organisation", "Check this listing")
	wantBody(t, "home", b.get("/"), want)
	if strings.Contains(r.body, `method="post"`+` action="/listings/`) {
		t.Error("the to-check list has a form that changes a listing")
	}

	l := s.listing(cards[0][1])
	f := formOf(b, l)
	f.Set("do", "check")
	f.Set("checked_with", "email")
	r = b.post("/listings/"+l.ID, f)
	wantStatus(t, "check", r, http.StatusSeeOther)
	// The page after a check offers the next listing on the list.
	next := b.get(r.header.Get("Location")).body
	if !strings.Contains(next, `<a class="button" href="/listings/`+cards[1][1]+`">Check the next one: `) ||
		!strings.Contains(next, "Listings that need checking now: "+itoa(int64(seeded-1))+".") {
		t.Errorf("the page after a check does not offer the next listing to check (%s):\n%s", cards[1][1], excerpt(next))
	}
	if strings.Contains(b.get("/listings/"+l.ID).body, "Check the next one") {
		t.Error("the next listing is offered on a listing's page that was not just checked")
	}
	r = b.get("/listings/stale")
	if strings.Contains(r.body, `href="/listings/`+l.ID+`"`) {
		t.Error("a listing confirmed today is still on the to-check list")
	}
	want = "Listings that need checking now: " + itoa(int64(seeded-1)) + "."
	wantBody(t, "to check after one check", r, want)
	wantBody(t, "home after one check", b.get("/"), want)

	// Half a year later it needs a check again.
	s.advance(181 * 24 * time.Hour)
	later := s.account("ana@example.org", store.RoleEditor)
	wantBody(t, "to check half a year later", later.get("/listings/stale"), `href="/listings/`+l.ID+`"`)
}
