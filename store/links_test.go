package store_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

// Ensure a link code works once, for 24 hours, only while neither the listing nor the group
// is linked, and that a refused code changes nothing.
func TestLinkWithCode(t *testing.T) {
	db := MustOpen(t)
	keys := mustKeys(t, testSecret)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	code := func(listing string, at time.Time) string {
		c, err := db.CreateLinkCode(ctx, keys, listing, at)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$`).MatchString(c) {
			t.Fatalf("code %q is not like ABCD-EFGH-JKMN", c)
		}
		return c
	}
	link := func(c string, group string, at time.Time) (string, error) {
		var got string
		err := db.Write(ctx, func(tx *store.Tx) error {
			var err error
			got, err = tx.LinkWithCode(ctx, keys, c, store.Link{ChatKey: []byte(group), Chat: []byte("sealed"), LinkedAt: at})
			return err
		})
		return got, err
	}
	a := code("listing-a", now)
	old := code("listing-b", now.Add(-25*time.Hour))
	revoked := code("listing-c", now)
	c2 := code("listing-c", now)
	if n, err := db.RevokeLinkCodes(ctx, "listing-c"); err != nil || n != 1 {
		t.Fatalf("RevokeLinkCodes = %d, %v; want 1 (only the newest was live)", n, err)
	}
	d := code("listing-d", now)
	tests := []struct {
		name        string
		code, group string
		want        string
		err         error
	}{
		{"unknown", "ABCD-EFGH-JKMN", "g1", "", store.ErrCodeUnknown},
		{"expired", old, "g1", "", store.ErrCodeExpired},
		{"replaced by a newer code", revoked, "g1", "", store.ErrCodeUnknown},
		{"revoked", c2, "g1", "", store.ErrCodeUnknown},
		{"good, typed loosely", " " + a[:4] + " " + a[5:] + " ", "g1", "listing-a", nil},
		{"used", a, "g2", "", store.ErrCodeUsed},
		{"group linked already", d, "g1", "", store.ErrExists},
		{"still good after that refusal", d, "g2", "listing-d", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := link(tt.code, tt.group, now)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("LinkWithCodeTx = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
	links, err := db.Links(ctx)
	if err != nil || len(links) != 2 || links[0].ListingID != "listing-a" || links[1].ListingID != "listing-d" ||
		string(links[1].ChatKey) != "g2" || string(links[1].Chat) != "sealed" || !links[1].LinkedAt.Equal(now) {
		t.Fatalf("Links = %+v, %v", links, err)
	}
	st, err := db.LinkStatusOf(ctx, "listing-a", now)
	if err != nil || !st.Linked || !st.CodeExpires.IsZero() {
		t.Fatalf("LinkStatusOf(linked) = %+v, %v", st, err)
	}
	code("listing-e", now)
	st, err = db.LinkStatusOf(ctx, "listing-e", now)
	if err != nil || st.Linked || !st.CodeExpires.Equal(now.Add(store.LinkCodeTTL)) {
		t.Fatalf("LinkStatusOf(code) = %+v, %v", st, err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.Unlink(ctx, "listing-a") }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LinkByListing(ctx, "listing-a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("LinkByListing after unlink: %v, want ErrNotFound", err)
	}
	if _, err := db.PruneLinkCodes(ctx, now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := link(a, "g3", now); !errors.Is(err, store.ErrCodeUnknown) {
		t.Fatalf("a pruned code: %v, want ErrCodeUnknown", err)
	}
}

// Ensure a case closes once, is found by person while open and by topic after, is rated at
// most once and only by its person, forgets its person on demand, and is deleted once it has
// been closed long enough.
func TestCases(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	at := now
	db := MustOpen(t).WithClock(func() time.Time { return at })
	c := store.Case{ID: "0123456789abcdef0123456789abcdef", Code: "K7Q2-94", ListingID: "listing-a", Lang: "es",
		Need: "domestic_abuse", GroupKey: []byte("g1"), ThreadID: 7, PersonKey: []byte("p1"), Person: []byte("sealed"), OpenedAt: now}
	write := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := db.Write(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	write(func(tx *store.Tx) error { return tx.OpenCase(ctx, c) })
	dup := c
	dup.ID = "ffffffffffffffffffffffffffffffff"
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.OpenCase(ctx, dup) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("a second case with the same code: %v, want ErrExists", err)
	}
	open, err := db.OpenCasesOf(ctx, [][]byte{[]byte("p1"), []byte("nobody")})
	got := open["p1"]
	if err != nil || len(open) != 1 || got.Code != c.Code || got.ThreadID != 7 || got.Lang != "es" || got.Need != "domestic_abuse" {
		t.Fatalf("OpenCasesOf = %+v, %v", open, err)
	}
	if idle, err := db.IdleCases(ctx, now.Add(time.Hour), 10); err != nil || len(idle) != 1 {
		t.Fatalf("IdleCases = %d, %v; want 1", len(idle), err)
	}
	at = now.Add(2 * time.Hour)
	write(func(tx *store.Tx) error { return tx.TouchCase(ctx, c.ID) })
	if idle, err := db.IdleCases(ctx, now.Add(time.Hour), 10); err != nil || len(idle) != 0 {
		t.Fatalf("IdleCases after a message = %d, %v; want 0", len(idle), err)
	}
	rate := func(person string, helpful bool) bool {
		var ok bool
		write(func(tx *store.Tx) error {
			var err error
			ok, err = tx.RateCase(ctx, c.ID, []byte(person), store.Week(now), helpful)
			return err
		})
		return ok
	}
	if rate("p1", true) {
		t.Fatal("an open case was rated")
	}
	at = now.Add(3 * time.Hour)
	var closed []bool
	for range 2 {
		write(func(tx *store.Tx) error {
			ok, err := tx.CloseCase(ctx, c.ID)
			closed = append(closed, ok)
			return err
		})
	}
	if !closed[0] || closed[1] {
		t.Fatalf("CloseCaseTx twice = %v, want [true false]", closed)
	}
	if open, err := db.OpenCasesOf(ctx, [][]byte{[]byte("p1")}); err != nil || len(open) != 0 {
		t.Fatalf("OpenCasesOf after closing = %+v, %v; want none", open, err)
	}
	if rate("p2", true) || !rate("p1", true) || rate("p1", false) {
		t.Fatal("a case was rated by someone else, or twice, or not by its person")
	}
	if rs, err := db.CaseRatings(ctx); err != nil || len(rs) != 1 || rs[0].Helpful != 1 || rs[0].Unhelpful != 0 {
		t.Fatalf("CaseRatings = %+v, %v", rs, err)
	}
	write(func(tx *store.Tx) error {
		_, err := tx.ForgetCasePerson(ctx, c.ID)
		return err
	})
	got, err = db.CaseByTopic(ctx, []byte("g1"), 7)
	if err != nil || !got.Closed || got.PersonKey != nil || got.Person != nil {
		t.Fatalf("CaseByTopic after forgetting = %+v, %v", got, err)
	}
	if n, err := db.ForgetClosedCases(ctx, now.Add(2*time.Hour)); err != nil || n != 0 {
		t.Fatalf("ForgetClosedCases too early = %d, %v", n, err)
	}
	if n, err := db.ForgetClosedCases(ctx, now.Add(4*time.Hour)); err != nil || n != 1 {
		t.Fatalf("ForgetClosedCases = %d, %v; want 1", n, err)
	}
}
