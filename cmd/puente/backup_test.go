package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

const backupSecret = "Vq8rT2mK9xLp4sW7yZ3nB6cD0fG1hJ5a-backup"

// otherSecret is as strong as backupSecret, so restore refuses it for being another secret,
// not for being weak.
const otherSecret = "Hn4Kd8Wq2Zr6Ty0Up3Mx7Vb1Lc5Js9Ga"

// populate fills a data folder as use would: listings (the starter directory and an import),
// a link code (link), a volunteer (adduser, which writes the audit trail), a person's sealed
// session and an open case.
func populate(t *testing.T, vars map[string]string) {
	t.Helper()
	if _, stderr, err := runIn(t, vars, "import", filepath.Join("..", "..", "directory", "example.csv")); err != nil {
		t.Fatalf("import: %v %s", err, stderr)
	}
	if _, stderr, err := runIn(t, vars, "link", "Example Women"); err != nil {
		t.Fatalf("link: %v %s", err, stderr)
	}
	if _, stderr, err := runIn(t, vars, "adduser", "--role", "admin", "admin@example.org"); err != nil {
		t.Fatalf("adduser: %v %s", err, stderr)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(vars["PUENTE_DATA_DIR"], "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys, err := store.NewKeys([]byte(vars["PUENTE_SECRET"]))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	person := keys.Lookup("telegram", "7394019283")
	if err := db.PutSession(ctx, person, keys.Seal([]byte(`{"lang":"es"}`), person), now); err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		return tx.OpenCase(ctx, store.Case{ID: "case-1", Code: "K7Q2-94", ListingID: "30314f7b-60b1-5fde-a472-ca1c18b71540",
			Lang: "es", Need: "domestic_abuse", GroupKey: keys.Lookup("telegram", "-1001"), ThreadID: 7,
			PersonKey: person, Person: keys.Seal([]byte("7394019283"), person), OpenedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dump is every row of every table of the database in dir, as sorted lines per table.
func dump(t *testing.T, dir string) map[string][]string {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := db.Inspect(context.Background(), `SELECT name FROM sqlite_schema WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, row := range tables {
		table := fmt.Sprint(row[0])
		rows, err := db.Inspect(context.Background(), `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		for _, vals := range rows {
			out[table] = append(out[table], fmt.Sprintf("%q", vals))
		}
		slices.Sort(out[table])
	}
	return out
}

// Ensure a backup (plain or encrypted) restores into a new folder, the app starts on it and
// every row of every table is there; and that restore refuses to overwrite a database, a
// wrong secret, and a file that is not a backup, restoring nothing.
func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	orig := map[string]string{"PUENTE_DATA_DIR": filepath.Join(dir, "orig"), "PUENTE_SECRET": backupSecret}
	populate(t, orig)
	want := dump(t, orig["PUENTE_DATA_DIR"])
	for _, table := range []string{"sessions", "cases", "directory_listings", "audit", "users", "link_codes"} {
		if len(want[table]) == 0 {
			t.Fatalf("the original has no %s rows; the test would prove nothing", table)
		}
	}
	encrypted, plain := filepath.Join(dir, "backup.enc"), filepath.Join(dir, "backup.db")
	if out, stderr, err := runIn(t, orig, "backup", "--encrypt", encrypted); err != nil || !strings.Contains(out, "encrypted") {
		t.Fatalf("backup --encrypt: %v %s %s", err, out, stderr)
	}
	if _, stderr, err := runIn(t, orig, "backup", plain); err != nil {
		t.Fatalf("backup: %v %s", err, stderr)
	}
	enc, _ := os.ReadFile(encrypted)
	for _, needle := range []string{"admin@example.org", "Example Women", "K7Q2-94", "SQLite format"} {
		if bytes.Contains(enc, []byte(needle)) {
			t.Errorf("the encrypted backup holds %q in the clear", needle)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(orig["PUENTE_DATA_DIR"], ".backup*")); len(left) > 0 {
		t.Errorf("backup --encrypt left its plain copy behind: %v", left)
	}

	for _, file := range []string{encrypted, plain} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			restored := map[string]string{"PUENTE_DATA_DIR": filepath.Join(t.TempDir(), "restored"), "PUENTE_SECRET": backupSecret, "PUENTE_HTTP_ADDR": "127.0.0.1:0"}
			out, stderr, err := runIn(t, restored, "restore", file)
			if err != nil || !strings.Contains(out, "The secret is the one it was made with") {
				t.Fatalf("restore: %v\n%s%s", err, out, stderr)
			}
			if _, _, err := runIn(t, restored, "restore", file); err == nil || !strings.Contains(err.Error(), "never overwrites") {
				t.Errorf("a second restore over the first: err = %v, want a refusal", err)
			}
			// The app starts on the restored folder and stops.
			log, _, _ := serveFor(t, restored)
			if strings.Contains(log.String(), "level=ERROR") {
				t.Errorf("serve on the restored folder logged an error:\n%s", log.String())
			}
			got := dump(t, restored["PUENTE_DATA_DIR"])
			for table, rows := range want {
				if !slices.Equal(got[table], rows) {
					t.Errorf("table %s: restored %d rows, want %d identical ones", table, len(got[table]), len(rows))
				}
			}
		})
	}

	refusals := []struct {
		name, file, secret, want string
	}{
		{"encrypted, another secret", encrypted, otherSecret, "does not open with this secret"},
		{"plain, another secret", plain, otherSecret, "sealed data does not open with this secret"},
		{"not a backup", filepath.Join("..", "..", "directory", "example.csv"), backupSecret, "not a backup"},
	}
	for _, tt := range refusals {
		target := filepath.Join(t.TempDir(), "data")
		_, _, err := runIn(t, map[string]string{"PUENTE_DATA_DIR": target, "PUENTE_SECRET": tt.secret}, "restore", tt.file)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was restored") {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
		if _, err := os.Stat(filepath.Join(target, "puente.db")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a refused restore left a database", tt.name)
		}
		if left, _ := filepath.Glob(filepath.Join(target, ".restore*")); len(left) > 0 {
			t.Errorf("%s: a refused restore left %v", tt.name, left)
		}
	}
	if _, _, err := runIn(t, map[string]string{"PUENTE_DATA_DIR": filepath.Join(t.TempDir(), "data")}, "restore", encrypted); err == nil || !strings.Contains(err.Error(), "PUENTE_SECRET") {
		t.Errorf("restore without a secret: err = %v, want one naming PUENTE_SECRET", err)
	}
	// A changed byte in the middle of an encrypted backup is caught.
	enc[len(enc)/2] ^= 1
	changed := filepath.Join(dir, "changed.enc")
	os.WriteFile(changed, enc, 0o600)
	if _, _, err := runIn(t, map[string]string{"PUENTE_DATA_DIR": filepath.Join(t.TempDir(), "data"), "PUENTE_SECRET": backupSecret}, "restore", changed); err == nil {
		t.Error("a changed encrypted backup was restored")
	}
}
