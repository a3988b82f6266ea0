package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Ensure a database made by every earlier set of migrations, recorded under the names they
// have now or under the names they first shipped with, upgrades to the schema a new
// database gets, with every migration recorded once under its name of now.
func TestMigrationsUpgradeEveryEarlierDatabase(t *testing.T) {
	ctx := context.Background()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	for i, name := range names {
		if want := fmt.Sprintf("migrations/%04d_", i+1); !strings.HasPrefix(name, want) {
			t.Errorf("migration %d is %s: want it numbered %s… in the order migrations apply", i+1, name, want)
		}
	}
	// The names the migrations shipped under, in the order they apply: written down here,
	// not derived from renamed, so a rename missing there fails.
	shipped := []string{"0001_sessions", "0002_directory", "0002b_directory_version", "0003_bot", "0004_web",
		"0005_handoff", "0005b_case_share", "0006_key_check", "0007_unlink_requests"}
	if len(shipped) > len(names) {
		t.Fatalf("%d migrations shipped, %d now", len(shipped), len(names))
	}
	shippedAs := map[string]string{}
	for i, old := range shipped {
		shippedAs[names[i]] = "migrations/" + old + ".sql"
	}
	freshPath := filepath.Join(t.TempDir(), "fresh.db")
	want := schemaAt(t, freshPath, nil)

	type earlier struct {
		name    string
		applied []string // migrations applied, in order
		old     bool     // recorded under the names first shipped
	}
	var cases []earlier
	for k := range len(names) {
		cases = append(cases, earlier{fmt.Sprintf("first %d, names of now", k), names[:k], false},
			earlier{fmt.Sprintf("first %d, names as shipped", k), names[:k], true})
	}
	// The web migration shipped before the directory, version and bot ones, so some databases
	// had it before them.
	cases = append(cases, earlier{"web before the directory, as shipped", []string{names[0], "migrations/0005_web.sql"}, true})
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "puente.db")
			raw, err := sql.Open("sqlite3", path+"?"+pragmas)
			if err != nil {
				t.Fatal(err)
			}
			if err := createMigrationsTable(ctx, raw); err != nil {
				t.Fatal(err)
			}
			for _, name := range tt.applied {
				body, err := fs.ReadFile(migrations, name)
				if err != nil {
					t.Fatal(err)
				}
				recorded := name
				if old, ok := shippedAs[name]; ok && tt.old {
					recorded = old
				}
				if _, err := raw.ExecContext(ctx, string(body)); err != nil {
					t.Fatalf("apply %s: %v", name, err)
				}
				if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, recorded); err != nil {
					t.Fatal(err)
				}
			}
			raw.Close()
			got := schemaAt(t, path, func(db *DB) {
				rows, err := db.Inspect(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
				if err != nil {
					t.Fatal(err)
				}
				var recorded []string
				for _, r := range rows {
					recorded = append(recorded, r[0].(string))
				}
				if !slices.Equal(recorded, names) {
					t.Errorf("recorded migrations = %q, want %q", recorded, names)
				}
			})
			for _, k := range slices.Sorted(maps.Keys(want)) {
				if got[k] != want[k] {
					t.Errorf("%s after the upgrade:\n%s\nwant (as a new database):\n%s", k, got[k], want[k])
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d schema objects after the upgrade, want %d", len(got), len(want))
			}
		})
	}
}

// schemaAt opens (and so migrates) the database at path, runs check on it, and returns its
// schema, object by object.
func schemaAt(t *testing.T, path string, check func(*DB)) map[string]string {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if check != nil {
		check(db)
	}
	rows, err := db.Inspect(context.Background(), `SELECT type || ' ' || name, coalesce(sql, '') FROM sqlite_schema`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r[0].(string)] = r[1].(string)
	}
	return out
}
