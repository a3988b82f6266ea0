package main

import (
	"context"
	"log/slog"
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
	db, live := openLiveDirectory(t)
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

// Ensure a running puente, which looks at the directory when it starts following it and then
// only after a write of its own (or after directoryCap), sees a listing changed in this
// process within directoryPoll.
func TestLiveDirectoryLooksAfterAWrite(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, live := openLiveDirectory(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		live.follow(ctx, slog.New(slog.DiscardHandler))
	}()
	defer func() { cancel(); <-done }()
	l := *live.Listings()[0]
	// The first rename may be written before follow first looks, which then sees it; the
	// second is written after a look, so only the write itself can bring the next one.
	for _, name := range []string{"Renamed on the web page", "Renamed again"} {
		l.Name = name
		if _, err := db.ImportDirectory(ctx, []*directory.Listing{&l}, time.Now()); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the listing renamed "+name, func() bool {
			return slices.ContainsFunc(live.Listings(), func(l *directory.Listing) bool { return l.Name == name })
		})
	}
}

// openLiveDirectory opens a new database, with the starter directory, closed when t ends.
func openLiveDirectory(t *testing.T) (*store.DB, *liveDirectory) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	live, err := openDirectory(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return db, live
}
