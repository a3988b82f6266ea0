package store_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

// Ensure docs/privacy.md lists every table and column of the schema, and nothing the schema
// does not have: a new column about people cannot ship without saying what it holds and for
// how long.
func TestPrivacyDocListsTheSchema(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "privacy.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{} // table -> columns
	var table string
	heading := regexp.MustCompile("^### `([a-z_]+)`$")
	row := regexp.MustCompile("^\\| (`[a-z_]+`(?:, `[a-z_]+`)*) \\|")
	for _, line := range strings.Split(string(doc), "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			table = m[1]
			documented[table] = nil
			continue
		}
		if m := row.FindStringSubmatch(line); m != nil && table != "" {
			for _, c := range strings.Split(m[1], ", ") {
				documented[table] = append(documented[table], strings.Trim(c, "`"))
			}
		}
	}

	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := map[string][]string{}
	rows, err := db.ReadPool().Query(`SELECT name FROM sqlite_schema WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, name := range tables {
		cols, err := db.ReadPool().Query(`SELECT name FROM pragma_table_info(?)`, name)
		if err != nil {
			t.Fatal(err)
		}
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				t.Fatal(err)
			}
			schema[name] = append(schema[name], c)
		}
		cols.Close()
	}
	if len(schema) < 10 {
		t.Fatalf("the schema has only %d tables; the test is not reading it", len(schema))
	}
	for name, cols := range schema {
		doc, ok := documented[name]
		if !ok {
			t.Errorf("table %s is not in docs/privacy.md", name)
			continue
		}
		for _, c := range cols {
			if !slices.Contains(doc, c) {
				t.Errorf("column %s.%s is not in docs/privacy.md", name, c)
			}
		}
		for _, c := range doc {
			if !slices.Contains(cols, c) {
				t.Errorf("docs/privacy.md lists %s.%s, which the schema does not have", name, c)
			}
		}
	}
	for name := range documented {
		if _, ok := schema[name]; !ok {
			t.Errorf("docs/privacy.md lists table %s, which the schema does not have", name)
		}
	}
}
