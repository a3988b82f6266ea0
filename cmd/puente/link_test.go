package main

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

var linkCodeRE = regexp.MustCompile(`/link ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})`)

// Ensure puente link prints a one-time code for a listing that takes handoffs, found by id
// or by part of its name, refuses other listings and unclear names, and --revoke stops the
// code working.
func TestLink(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PUENTE_DATA_DIR": dir, "PUENTE_SECRET": testSecret}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	seed, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SeedDirectory(ctx, seed, time.Now()); err != nil {
		t.Fatal(err)
	}
	taker, refuser := *seed[0], seed[1]
	taker.AcceptsHandoff = true
	if _, err := db.ImportDirectory(ctx, []*directory.Listing{&taker}, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, err := runIn(t, vars, "link", taker.ID)
	if err != nil {
		t.Fatal(err)
	}
	m := linkCodeRE.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, taker.Name) {
		t.Fatalf("output %q lacks the listing's name or a code", out)
	}
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no listing", []string{"link"}, ""},
		{"unknown listing", []string{"link", "no such organisation anywhere"}, "no listing has"},
		{"not taking handoffs", []string{"link", refuser.ID}, "does not take anonymous handoffs"},
		{"unclear name", []string{"link", "a"}, "matches"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runIn(t, vars, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error() + stderr; !strings.Contains(got, tt.want) {
				t.Errorf("error %q, want it to say %q", got, tt.want)
			}
		})
	}
	out, _, err = runIn(t, vars, "link", "--revoke", taker.ID)
	if err != nil || !strings.Contains(out, "Revoked 1") {
		t.Fatalf("revoke: %q, %v", out, err)
	}
	db, err = store.Open(ctx, filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys, err := store.NewKeys([]byte(vars["PUENTE_SECRET"]))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		_, err := store.LinkWithCodeTx(ctx, tx, keys, m[1], store.Link{ChatKey: []byte("g"), Chat: []byte("c"), LinkedAt: time.Now()})
		return err
	})
	if !errors.Is(err, store.ErrCodeUnknown) {
		t.Errorf("a revoked code: %v, want ErrCodeUnknown", err)
	}
}
