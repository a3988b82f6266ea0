package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/puente-bot/puente/store"
)

// A volunteer on a phone checks a listing and corrects it in one go, from the start page:
// every tap is counted and every page load is a screen. The correction and the check are
// saved together, and the trail says how it was checked.
func TestBrowserCheckOnPhone(t *testing.T) {
	s := newSite(t)
	c := newChrome(t, s)
	s.account("ana@example.org", store.RoleEditor)
	c.signIn("ana@example.org")

	taps, screens := 0, 0
	tap := func(what string, status int64, sel string) {
		t.Helper()
		taps++
		screens++
		c.navigate(what, status, chromedp.Click(chromedp.CSS(sel)))
	}
	tapHere := func(what, sel string) {
		t.Helper()
		taps++
		c.do(what, chromedp.Click(chromedp.CSS(sel)))
	}
	tap("To check in the menu", 200, `header a[href="/listings/stale"]`)
	tap("Check this listing", 200, `ol.cards li:first-child a.button`)
	id := eval[string](c, `location.pathname.split("/").pop()`)
	height := eval[float64](c, `document.documentElement.scrollHeight`)
	tapHere("unfold How to reach it", `details.group:nth-of-type(3) > summary`)
	tapHere("the phone field", `#f-phone`)
	c.do("type the new number", chromedp.SetValue(chromedp.CSS("#f-phone"), "020 7946 0999"))
	field := eval[float64](c, `document.getElementById("f-phone").getBoundingClientRect().top + scrollY`)
	button := eval[float64](c, `document.querySelector("button[name=do][value=check]").getBoundingClientRect().top + scrollY`)
	tapHere("By phone with the organisation", `input[name=checked_with][value=phone]`)
	tap("Save and mark as checked today", 200, `button[name=do][value=check]`)
	c.wantText(".flash", "Saved and marked as checked today")

	// The next listing on the list is one tap away.
	c.navigate("Check the next one", 200, chromedp.Click(chromedp.CSS(`a.button[href^="/listings/"]`)))
	if next := eval[string](c, `location.pathname.split("/").pop()`); next == id {
		t.Error("Check the next one opened the listing just checked")
	}

	got := s.listing(id)
	if len(got.Contacts) == 0 || got.Contacts[0].Value != "020 7946 0999" || got.VerifiedBy != "ana@example.org" || got.VerifiedAt.Format(time.DateOnly) != "2026-11-27" {
		t.Errorf("after checking on a phone: contacts %+v, checked %v by %q", got.Contacts, got.VerifiedAt, got.VerifiedBy)
	}
	if e := s.trail("listing:" + id); len(e) != 1 || e[0].Action != "listing.check.phone" {
		t.Errorf("trail = %+v", e)
	}
	t.Logf("check and correct one listing on a %d px phone: %d taps (and typing), %d screens after the start page; "+
		"the listing's page is %.0f px tall with its groups folded; with Contact unfolded the phone field is %.0f px down and the button %.0f px; "+
		"the next listing is then 1 tap and 1 screen away",
		phoneWidth, taps, screens, height, field, button)
}
