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

// Ensure the command line's writes to listings reach the audit trail like the web's: an
// import (new listings, and only the listings it changed) and link codes made and revoked.
func TestCommandLineWritesAreAudited(t *testing.T) {
	dir, vars, db, seed := seededData(t)
	ctx := context.Background()
	taker := *seed[0]
	taker.AcceptsHandoff = true
	if _, err := db.ImportDirectory(ctx, []*directory.Listing{&taker}, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	steps := [][]string{
		{"import", filepath.Join("..", "..", "directory", "example.csv")},
		{"import", filepath.Join("..", "..", "directory", "example.csv")}, // changes nothing: no entries
		{"link", taker.ID},
		{"link", "--revoke", taker.ID},
	}
	for _, args := range steps {
		if _, stderr, err := runIn(t, vars, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
	}
	db, err := store.Open(ctx, filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	trail, err := db.AuditTrailUnder(ctx, store.ListingSubject, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range slices.Backward(trail) {
		got = append(got, e.Actor+" "+e.Action)
		if e.Action == "listing.import_new" && len(e.Changes) == 0 {
			t.Errorf("%s of %s: no fields recorded", e.Action, e.Label)
		}
	}
	want := []string{"puente import listing.import_new", "puente import listing.import_new", "puente import listing.import_new",
		"puente link listing.link_code", "puente link listing.link_revoke"}
	if !slices.Equal(got, want) {
		t.Errorf("audit trail = %q, want %q", got, want)
	}
}
