package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/puente-bot/puente/store"
)

func TestAudit(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	u := mustUser(t, db, "ana@example.org", store.RoleEditor)
	add := func(e store.AuditEntry) (id int64, err error) {
		err = db.Write(ctx, func(tx *store.Tx) (err error) {
			id, err = tx.Audit(ctx, e)
			return err
		})
		return id, err
	}
	first, err := add(store.AuditEntry{At: t0, UserID: u.ID, Actor: u.Email, Action: "listing.update", Subject: "listing:lawrs",
		Label: "LAWRS", Changes: []store.Change{{Field: "name", Before: "Lawrs", After: "LAWRS"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := add(store.AuditEntry{At: t0, Actor: u.Email, Action: "user.invite", Subject: "user:2", Label: "bo@example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := add(store.AuditEntry{At: t0, Action: "listing.update", Subject: "listing:x"}); err == nil {
		t.Error("an entry without an actor was accepted")
	}
	revert, err := add(store.AuditEntry{At: t0, UserID: u.ID, Actor: u.Email, Action: "revert", Subject: "listing:lawrs",
		Label: "LAWRS", RevertOf: first, Changes: []store.Change{{Field: "name", Before: "LAWRS", After: "Lawrs"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := add(store.AuditEntry{At: t0, Actor: u.Email, Action: "revert", Subject: "listing:lawrs", RevertOf: first}); !errors.Is(err, store.ErrReverted) {
		t.Errorf("second revert: err = %v, want ErrReverted", err)
	}
	got, err := db.AuditEntry(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if got.RevertedBy != revert || got.Changes[0] != (store.Change{Field: "name", Before: "Lawrs", After: "LAWRS"}) || !got.At.Equal(t0) {
		t.Errorf("AuditEntry = %+v", got)
	}
	all, err := db.AuditTrail(ctx, "", 0, 10)
	if err != nil || len(all) != 3 || all[0].ID != revert {
		t.Fatalf("AuditTrail = %+v, %v", all, err)
	}
	older, err := db.AuditTrail(ctx, "", all[0].ID, 1)
	if err != nil || len(older) != 1 || older[0].ID != all[1].ID {
		t.Errorf("AuditTrail page 2 = %+v, %v", older, err)
	}
	listing, err := db.AuditTrail(ctx, "listing:lawrs", 0, 10)
	if err != nil || len(listing) != 2 {
		t.Errorf("AuditTrail(listing:lawrs) = %+v, %v", listing, err)
	}
	if _, err := db.AuditEntry(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AuditEntry(999) err = %v, want ErrNotFound", err)
	}
}
