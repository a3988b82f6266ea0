package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// Ensure a running puente picks up listings that volunteers change, and reloads only then.
func TestLiveDirectoryFollowsChanges(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	live, err := openDirectory(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		var out []string
		for _, l := range live.cur.Load().Listings() {
			out = append(out, l.Name)
		}
		return out
	}
	if len(names()) == 0 {
		t.Fatal("the starter directory was not loaded on first start")
	}
	if changed, err := live.refresh(ctx); err != nil || changed {
		t.Fatalf("refresh with no change: changed=%v err=%v, want false", changed, err)
	}

	l := *live.cur.Load().Listings()[0]
	l.Name = "Renamed by a volunteer"
	if _, err := db.ImportDirectory(ctx, []*directory.Listing{&l}, time.Now()); err != nil {
		t.Fatal(err)
	}
	changed, err := live.refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !changed || !slices.Contains(names(), "Renamed by a volunteer") {
		t.Errorf("after a change: changed=%v, names %q, want the new name", changed, names())
	}
}
