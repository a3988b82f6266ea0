package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

func TestDirectorySeedOnce(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	seed, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	for i, want := range []bool{true, false} {
		got, err := db.SeedDirectory(ctx, seed, now)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("seed call %d loaded = %v, want %v", i+1, got, want)
		}
	}
	ls, err := db.DirectoryListings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ls), len(seed); got != want {
		t.Fatalf("listings = %d, want %d", got, want)
	}
	for _, l := range ls {
		one, err := db.DirectoryListing(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if one.Name != l.Name {
			t.Errorf("listing %s name = %q, want %q", l.ID, one.Name, l.Name)
		}
	}
}

func TestDirectoryImportIdempotent(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	seed, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	n := len(seed)
	edited := *seed[3]
	edited.Name += " (renamed)"
	steps := []struct {
		name     string
		listings []*directory.Listing
		want     store.DirectoryChanges
	}{
		{"first import adds all", seed, store.DirectoryChanges{Added: n}},
		{"the same again changes nothing", seed, store.DirectoryChanges{Unchanged: n}},
		{"one edited listing keeps its id", []*directory.Listing{&edited}, store.DirectoryChanges{Changed: 1}},
	}
	for _, st := range steps {
		plan, err := db.PlanDirectoryImport(ctx, st.listings)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ImportDirectory(ctx, st.listings, now)
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want || plan.DirectoryChanges != st.want || len(plan.ToAdd) != st.want.Added || len(plan.ToChange) != st.want.Changed {
			t.Errorf("%s: import = %+v, plan = %+v, want %+v", st.name, got, plan, st.want)
		}
	}
	l, err := db.DirectoryListing(ctx, edited.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != edited.Name {
		t.Errorf("name = %q, want %q", l.Name, edited.Name)
	}
	if _, err := db.DirectoryListing(ctx, directory.DeriveID("nobody")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing listing: err = %v, want ErrNotFound", err)
	}
}

func TestDirectoryImportAllOrNothing(t *testing.T) {
	db := MustOpen(t)
	seed, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.ImportDirectory(ctx, seed, time.Now()); err == nil {
		t.Fatal("import with a cancelled context succeeded")
	}
	ls, err := db.DirectoryListings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 0 {
		t.Errorf("a failed import left %d listings, want none", len(ls))
	}
}
