package main

import (
	"context"
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

// seededData is a data folder whose database holds the starter directory, open, and the
// variables that point puente at it.
func seededData(t *testing.T) (dir string, vars map[string]string, db *store.DB, seed []*directory.Listing) {
	t.Helper()
	dir = t.TempDir()
	vars = map[string]string{"PUENTE_DATA_DIR": dir, "PUENTE_SECRET": testSecret}
	db, err := store.Open(context.Background(), filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	seed, err = directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SeedDirectory(context.Background(), seed, time.Now()); err != nil {
		t.Fatal(err)
	}
	return dir, vars, db, seed
}

// Ensure puente link prints a one-time code for a listing that takes handoffs, found by id
// or by part of its name, refuses other listings and unclear names, and --revoke stops the
// code working.
func TestLink(t *testing.T) {
	dir, vars, db, seed := seededData(t)
	ctx := context.Background()
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
		{"not taking handoffs", []string{"link", refuser.ID}, `does not take anonymous handoffs. Change that first: on the listing's web page, answer Yes to "Takes anonymous handoffs through puente?"`},
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
	err = db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.LinkWithCode(ctx, keys, m[1], store.Link{ChatKey: []byte("g"), Chat: []byte("c"), LinkedAt: time.Now()})
		return err
	})
	if !errors.Is(err, store.ErrCodeUnknown) {
		t.Errorf("a revoked code: %v, want ErrCodeUnknown", err)
	}
}

// Ensure puente link --unlink asks the bot to remove a listing's link (one whose group it
// cannot reach, say), and says so when the listing is not linked.
func TestLinkUnlink(t *testing.T) {
	dir, vars, db, seed := seededData(t)
	ctx := context.Background()
	linked, other := seed[0], seed[1]
	keys, err := store.NewKeys([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	key := keys.Lookup("telegram", "-1001000000001")
	err = db.Write(ctx, func(tx *store.Tx) error {
		code, err := tx.CreateLinkCode(ctx, keys, linked.ID)
		if err != nil {
			return err
		}
		_, err = tx.LinkWithCode(ctx, keys, code, store.Link{ChatKey: key, Chat: keys.Seal([]byte("12345678"), key), LinkedAt: time.Unix(0, 0)})
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runIn(t, vars, "link", "--unlink", linked.ID)
	if err != nil || !strings.Contains(out, "will unlink "+linked.Name) {
		t.Fatalf("unlink: %q, %v", out, err)
	}
	if _, stderr, err := runIn(t, vars, "link", "--unlink", other.ID); !errors.Is(err, errFailed) || !strings.Contains(stderr, "not linked") {
		t.Errorf("unlink a listing without a link: %v, %q", err, stderr)
	}
	if _, _, err := runIn(t, vars, "link", "--unlink", "--revoke", linked.ID); !errors.Is(err, errUsage) {
		t.Errorf("--unlink with --revoke: %v, want errUsage", err)
	}
	db, err = store.Open(ctx, filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reqs, err := db.UnlinkRequests(ctx)
	if err != nil || len(reqs) != 1 || reqs[0] != linked.ID {
		t.Errorf("unlink requests = %q, %v; want the linked listing's", reqs, err)
	}
}
