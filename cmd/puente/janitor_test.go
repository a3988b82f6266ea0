package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

// Ensure the janitor sleeps until the next row expires, by a fake clock, and for its cap
// when nothing is stored or the next expiry is further away.
func TestJanitorSleepsUntilTheNextExpiry(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	now := t0
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db = db.WithClock(func() time.Time { return now })
	rules := store.Retention(store.Periods{SessionIdle: 30 * time.Minute, CaseForget: 7 * 24 * time.Hour})
	sleep := func() time.Duration {
		t.Helper()
		d, err := janitorSleep(ctx, db, rules, janitorCap, now)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if got := sleep(); got != janitorCap {
		t.Errorf("with nothing stored the janitor sleeps %s, want its cap %s", got, janitorCap)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.PutSessions(ctx, []store.SessionRow{{Key: []byte("k"), State: []byte("s")}})
	}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		at   time.Duration // past t0
		want time.Duration
	}{
		{0, 30*time.Minute + time.Second},
		{20 * time.Minute, 10*time.Minute + time.Second},
		{40 * time.Minute, 0},
	} {
		now = t0.Add(step.at)
		if got := sleep(); got != step.want {
			t.Errorf("%s after a session was stored the janitor sleeps %s, want %s (when it expires)", step.at, got, step.want)
		}
	}
	// The session's expiry is then past: once it is forgotten, only the cap is left.
	if _, err := db.Prune(ctx, rules); err != nil {
		t.Fatal(err)
	}
	if got := sleep(); got != janitorCap {
		t.Errorf("with the session forgotten the janitor sleeps %s, want its cap %s", got, janitorCap)
	}
	// A row whose expiry is further than the cap: the cap.
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.MarkUpdates(ctx, []int64{1}) }); err != nil {
		t.Fatal(err)
	}
	if got := sleep(); got != janitorCap {
		t.Errorf("with an update id kept 48 h the janitor sleeps %s, want its cap %s", got, janitorCap)
	}
}
