package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

// Ensure volunteers who are not admins see the listings' history without anyone's email and
// without the entries about accounts, which admins alone manage. (An editor used to list
// every account, invitation and role through /audit, though /users said no.)
func TestTrailHidesAccountsFromEditors(t *testing.T) {
	s := newSite(t)
	admin := s.account("admin@example.org", store.RoleAdmin)
	editor := s.account("ed@example.org", store.RoleEditor)
	wantStatus(t, "invite", admin.post("/users", url.Values{"email": {"invited@example.org"}, "role": {"admin"}}), http.StatusOK)
	l := firstSeed(s)
	wantStatus(t, "hide", admin.post("/listings/"+l.ID+"/deactivate", nil), http.StatusSeeOther)

	for _, page := range []string{"/audit", "/listings/" + l.ID} {
		r := editor.get(page)
		wantStatus(t, page, r, http.StatusOK)
		// (The editor's own email is on every page, in the menu.)
		for _, email := range []string{"admin@example.org", "invited@example.org"} {
			if strings.Contains(r.body, email) {
				t.Errorf("an editor sees %s on %s", email, page)
			}
		}
		wantBody(t, page, r, "Volunteer no. ")
	}
	r := editor.get("/audit")
	if strings.Contains(r.body, "Account") || strings.Contains(r.body, "invited") {
		t.Errorf("an editor sees entries about accounts:\n%s", excerpt(r.body))
	}
	r = admin.get("/audit")
	wantBody(t, "admin's trail", r, "invited@example.org", "admin@example.org")
}
