package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

var linkCodeRE = regexp.MustCompile(`/link ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})`)

func TestLinkCodes(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	admin := s.account("admin@example.org", store.RoleAdmin)
	editor := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	path := "/listings/" + l.ID
	r := admin.post(path+"/link-code", nil)
	wantStatus(t, "listing without handoffs", r, http.StatusConflict)
	wantBody(t, "listing without handoffs", r, "does not take anonymous handoffs")

	l.AcceptsHandoff = true
	s.put(l)
	wantBody(t, "editor's view", editor.get(path), "No Telegram group is linked yet", "Only admins can make")
	wantStatus(t, "editor making a code", editor.post(path+"/link-code", nil), http.StatusForbidden)

	r = admin.post(path+"/link-code", nil)
	wantStatus(t, "make a code", r, http.StatusOK)
	m := linkCodeRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no link code on the page:\n%s", excerpt(r.body))
	}
	st, err := s.db.LinkStatusOf(ctx, l.ID, s.clock())
	if err != nil || st.CodeExpires.IsZero() {
		t.Fatalf("after making a code: %+v, %v", st, err)
	}
	r = admin.get(path)
	wantBody(t, "page after", r, "A link code is waiting to be used until")
	if strings.Contains(r.body, m[1]) {
		t.Error("the code is shown again after it was made")
	}
	wantStatus(t, "revoke", admin.post(path+"/link-code/revoke", nil), http.StatusSeeOther)
	if st, _ := s.db.LinkStatusOf(ctx, l.ID, s.clock()); !st.CodeExpires.IsZero() {
		t.Errorf("a revoked code still waits until %v", st.CodeExpires)
	}
	// Once a group sends a code, the page says the group is linked.
	m2 := linkCodeRE.FindStringSubmatch(admin.post(path+"/link-code", nil).body)
	if m2 == nil {
		t.Fatal("no second code")
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.LinkWithCode(ctx, s.keys, m2[1], store.Link{ChatKey: s.keys.Lookup("telegram", "-1001"),
			Chat: s.keys.Seal([]byte("-1001"), nil), LinkedAt: s.clock()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantBody(t, "linked", editor.get(path), "Telegram group is linked (since 2026-11-27)")

	var actions []string
	for _, e := range s.trail("listing:" + l.ID) {
		actions = append(actions, e.Action)
		if strings.Contains(e.Label+e.Actor, m[1]) || len(e.Changes) > 0 {
			t.Errorf("the trail holds more than that a code was made: %+v", e)
		}
	}
	if got, want := strings.Join(actions, " "), "listing.link_code listing.link_revoke listing.link_code"; got != want {
		t.Errorf("trail = %s, want %s", got, want)
	}
}

// Ensure an admin can ask the bot to unlink a listing's group from its page (say, one it can no
// longer reach), an editor cannot, and the page says the unlink is on its way.
func TestUnlinkGroup(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	admin := s.account("admin@example.org", store.RoleAdmin)
	editor := s.account("ed@example.org", store.RoleEditor)
	l := firstSeed(s)
	l.AcceptsHandoff = true
	s.put(l)
	path := "/listings/" + l.ID
	wantStatus(t, "unlink without a link", admin.post(path+"/unlink", nil), http.StatusConflict)
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		code, err := tx.CreateLinkCode(ctx, s.keys, l.ID)
		if err != nil {
			return err
		}
		_, err = tx.LinkWithCode(ctx, s.keys, code, store.Link{ChatKey: s.keys.Lookup("telegram", "-1001"),
			Chat: []byte("sealed with a secret that is gone"), LinkedAt: time.Unix(0, 0)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantBody(t, "admin's view", admin.get(path), `action="/listings/`+l.ID+`/unlink"`)
	wantStatus(t, "editor unlinking", editor.post(path+"/unlink", nil), http.StatusForbidden)
	r := admin.post(path+"/unlink", nil)
	wantStatus(t, "unlink", r, http.StatusSeeOther)
	r = admin.get(r.header.Get("Location"))
	wantBody(t, "after unlinking", r, "The bot will unlink the group within a minute")
	if strings.Contains(r.body, `/unlink"`) {
		t.Error("the unlink button is still offered")
	}
	if reqs, err := s.db.UnlinkRequests(ctx); err != nil || len(reqs) != 1 {
		t.Errorf("unlink requests = %q, %v", reqs, err)
	}
	if tr := s.trail("listing:" + l.ID); len(tr) == 0 || tr[0].Action != "listing.unlink" {
		t.Errorf("trail = %+v, want listing.unlink first", tr)
	}
}
