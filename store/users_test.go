package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func mustUser(t *testing.T, db *store.DB, email string, role store.Role) store.User {
	t.Helper()
	var u store.User
	err := db.Write(context.Background(), func(tx *store.Tx) (err error) {
		u, err = tx.CreateUser(context.Background(), email, role)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	at := t0
	db := MustOpen(t).WithClock(func() time.Time { return at })
	ana := mustUser(t, db, "ana@example.org", store.RoleAdmin)
	mustUser(t, db, "bo@example.org", store.RoleEditor)
	err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.CreateUser(ctx, "ANA@example.org", store.RoleEditor)
		return err
	})
	if !errors.Is(err, store.ErrExists) {
		t.Errorf("a second account for the same email (other case): err = %v, want ErrExists", err)
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.CreateUser(ctx, "cy@example.org", "owner")
		return err
	})
	if err == nil {
		t.Error("an unknown role was accepted")
	}
	got, err := db.UserByEmail(ctx, " Ana@Example.org ")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != ana.ID || got.Role != store.RoleAdmin || !got.Active() || got.PasswordHash != "" {
		t.Errorf("UserByEmail = %+v, want %+v", got, ana)
	}
	all, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Email != "ana@example.org" || all[1].Email != "bo@example.org" {
		t.Errorf("Users = %+v", all)
	}
	if _, err := db.User(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User(999) err = %v, want ErrNotFound", err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.SetUserRole(ctx, ana.ID, store.RoleEditor) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.User(ctx, ana.ID); got.Role != store.RoleEditor {
		t.Errorf("role after SetUserRoleTx = %q, want editor", got.Role)
	}
	for _, tt := range []struct {
		id   int64
		role store.Role
	}{{ana.ID, "owner"}, {999, store.RoleAdmin}} {
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.SetUserRole(ctx, tt.id, tt.role) }); err == nil {
			t.Errorf("SetUserRoleTx(%d, %q) succeeded", tt.id, tt.role)
		}
	}
}

func TestInvites(t *testing.T) {
	ctx := context.Background()
	at := t0
	db := MustOpen(t).WithClock(func() time.Time { return at })
	u := mustUser(t, db, "ana@example.org", store.RoleEditor)
	write := func(fn func(tx *store.Tx) error) error { return db.Write(ctx, fn) }
	for _, tok := range []string{"old", "first"} {
		expires := t0.Add(24 * time.Hour)
		if tok == "old" {
			expires = t0.Add(-time.Minute)
		}
		if err := write(func(tx *store.Tx) error { return tx.CreateInvite(ctx, hash(tok), u.ID, t0, expires) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Invite(ctx, hash("old"), t0); !errors.Is(err, store.ErrInviteExpired) {
		t.Errorf("expired link: err = %v, want ErrInviteExpired", err)
	}
	if _, err := db.Invite(ctx, hash("nope"), t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown link: err = %v, want ErrNotFound", err)
	}
	inv, err := db.Invite(ctx, hash("first"), t0.Add(23*time.Hour))
	if err != nil || inv.User.ID != u.ID {
		t.Fatalf("Invite = %+v, %v", inv, err)
	}
	if _, err := db.Invite(ctx, hash("first"), t0.Add(24*time.Hour)); !errors.Is(err, store.ErrInviteExpired) {
		t.Errorf("link at exactly 24 h: err = %v, want ErrInviteExpired", err)
	}
	// A new link cancels the unused one (say, sent to a wrong address).
	if err := write(func(tx *store.Tx) error {
		return tx.CreateInvite(ctx, hash("second"), u.ID, t0.Add(30*time.Minute), t0.Add(24*time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Invite(ctx, hash("first"), t0.Add(time.Hour)); !errors.Is(err, store.ErrInviteExpired) {
		t.Errorf("a link after a newer one was made: err = %v, want ErrInviteExpired", err)
	}
	if err := write(func(tx *store.Tx) error { return tx.CreateWebSession(ctx, hash("browser"), u.ID) }); err != nil {
		t.Fatal(err)
	}
	var used store.User
	at = t0.Add(time.Hour)
	err = write(func(tx *store.Tx) (err error) {
		used, err = tx.UseInvite(ctx, hash("second"), "$argon2id$x")
		return err
	})
	if err != nil || used.PasswordHash != "$argon2id$x" {
		t.Fatalf("UseInviteTx = %+v, %v", used, err)
	}
	for _, tok := range []string{"first", "second"} {
		if _, err := db.Invite(ctx, hash(tok), t0.Add(time.Hour)); !errors.Is(err, store.ErrInviteUsed) {
			t.Errorf("link %q after a password was set: err = %v, want ErrInviteUsed", tok, err)
		}
	}
	if _, err := db.WebSession(ctx, hash("browser"), t0.Add(-time.Hour), t0.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a session survived a password change: err = %v", err)
	}
	// "old" expired before t0, "first" at t0+30m, and both others were used at t0+1h.
	if n, err := db.PruneInvites(ctx, t0); err != nil || n != 1 {
		t.Errorf("PruneInvites(t0) = %d, %v, want 1", n, err)
	}
	if n, err := db.PruneInvites(ctx, t0.Add(2*time.Hour)); err != nil || n != 2 {
		t.Errorf("PruneInvites(t0+2h) = %d, %v, want 2", n, err)
	}
}

func TestWebSessions(t *testing.T) {
	ctx := context.Background()
	at := t0
	db := MustOpen(t).WithClock(func() time.Time { return at })
	u := mustUser(t, db, "ana@example.org", store.RoleEditor)
	err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateWebSession(ctx, hash("b1"), u.ID) })
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.WebSession(ctx, hash("b1"), t0.Add(-time.Hour), t0.Add(-time.Hour))
	if err != nil || s.User.ID != u.ID {
		t.Fatalf("WebSession = %+v, %v", s, err)
	}
	if _, err := db.WebSession(ctx, hash("b1"), t0.Add(time.Minute), t0.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("idle session: err = %v, want ErrNotFound", err)
	}
	if err := db.TouchWebSession(ctx, hash("b1"), t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebSession(ctx, hash("b1"), t0.Add(time.Minute), t0.Add(-time.Hour)); err != nil {
		t.Errorf("touched session: err = %v", err)
	}
	if _, err := db.WebSession(ctx, hash("b1"), t0, t0.Add(time.Second)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session past its absolute lifetime: err = %v, want ErrNotFound", err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.SetUserDisabled(ctx, u.ID, true) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebSession(ctx, hash("b1"), t0.Add(-time.Hour), t0.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a disabled account kept its session: err = %v", err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateWebSession(ctx, hash("b2"), u.ID) }); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteWebSession(ctx, hash("b2")); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateWebSession(ctx, hash("b3"), u.ID) }); err != nil {
		t.Fatal(err)
	}
	n, err := db.ExpireWebSessions(ctx, t0.Add(time.Second), t0.Add(-time.Hour))
	if err != nil || n != 1 {
		t.Errorf("ExpireWebSessions = %d, %v, want 1", n, err)
	}
}
