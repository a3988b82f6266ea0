package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/puente-bot/puente/locales"
)

// localesCopy copies the shipped message and review files to a new folder.
func localesCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := os.DirFS("../../locales")
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshot reads every file of dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func exportSheetIn(t *testing.T, dir, lang string) [][]string {
	t.Helper()
	sheet := filepath.Join(t.TempDir(), lang+".csv")
	if _, stderr, err := runIn(t, nil, "translations", "export", "--lang", lang, "--dir", dir, "--out", sheet); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	b, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatal("the sheet does not start with a byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func writeSheet(t *testing.T, recs [][]string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "sheet.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Ensure a sheet exported and imported unchanged changes no byte of any file.
func TestTranslationsRoundTrip(t *testing.T) {
	for _, lang := range []string{"es", "pt-BR"} {
		t.Run(lang, func(t *testing.T) {
			dir := localesCopy(t)
			before := snapshot(t, dir)
			sheet := filepath.Join(t.TempDir(), "s.csv")
			if _, stderr, err := runIn(t, nil, "translations", "export", "--lang", lang, "--dir", dir, "--out", sheet); err != nil {
				t.Fatalf("export: %v\n%s", err, stderr)
			}
			out, stderr, err := runIn(t, nil, "translations", "import", sheet, "--lang", lang, "--dir", dir)
			if err != nil {
				t.Fatalf("import: %v\n%s%s", err, out, stderr)
			}
			after := snapshot(t, dir)
			for p, b := range before {
				if after[p] != b {
					t.Errorf("%s changed by a round trip", p)
				}
			}
			if len(after) != len(before) {
				t.Errorf("%d files after, %d before", len(after), len(before))
			}
		})
	}
}

// Ensure a cell a spreadsheet would run as a formula is neutralised in the
// sheet and read back as written.
func TestTranslationsFormulas(t *testing.T) {
	var b bytes.Buffer
	rows := []locales.SheetRow{{ID: "ui.a", Form: "other", English: "=HYPERLINK(\"x\")", Text: "-1 +1 @x", State: locales.Draft}}
	if err := locales.WriteSheet(&b, "pl", rows); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), ",=HYPERLINK") || strings.Contains(b.String(), ",-1") {
		t.Fatalf("a formula is left live: %q", b.String())
	}
	got, err := locales.ReadSheet(&b, "pl")
	if err != nil {
		t.Fatal(err)
	}
	if got[0].English != rows[0].English || got[0].Text != rows[0].Text {
		t.Errorf("read back %+v, want %+v", got[0], rows[0])
	}
}

// Ensure an edited, reviewed row is written and stamped with the role given,
// and a row with a broken translation stops the whole import, naming its line.
func TestTranslationsImport(t *testing.T) {
	const id = "ui.notice.unreviewed"
	find := func(recs [][]string, id string) int {
		for i, r := range recs {
			if r[0] == id {
				return i
			}
		}
		t.Fatalf("no row %s", id)
		return 0
	}
	t.Run("edited and reviewed", func(t *testing.T) {
		dir := localesCopy(t)
		recs := exportSheetIn(t, dir, "es")
		i := find(recs, id)
		if recs[i][5] != "draft" {
			t.Fatalf("state of %s = %q, want draft", id, recs[i][5])
		}
		recs[i][4] = strings.Replace(recs[i][4], "elige otro idioma", "puedes elegir otro idioma", 1)
		recs[i][5] = "reviewed"
		sheet := writeSheet(t, recs)
		if out, _, err := runIn(t, nil, "translations", "import", sheet, "--lang", "es", "--dir", dir); err == nil || !strings.Contains(out, "--reviewer") {
			t.Fatalf("import without a reviewer: %v\n%s", err, out)
		}
		if out, stderr, err := runIn(t, nil, "translations", "import", sheet, "--lang", "es", "--dir", dir, "--reviewer", "native speaker, caseworker"); err != nil {
			t.Fatalf("import: %v\n%s%s", err, out, stderr)
		}
		cat, err := locales.LoadFS(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		if got := cat.Text("es", id, map[string]any{"Button": "B"}); !strings.Contains(got, "puedes elegir otro idioma") {
			t.Errorf("text = %q, the edit is not written", got)
		}
		if got := cat.ReviewState("es", id); got != locales.Reviewed {
			t.Errorf("state = %q, want reviewed", got)
		}
		if s := cat.Stamps("es")[id]; s.Reviewer != "native speaker, caseworker" {
			t.Errorf("stamp = %+v", s)
		}
		if d := cat.Check(); len(d) != 0 {
			t.Errorf("check after import: %v", d)
		}
	})
	tests := []struct {
		name string
		edit func(r []string)
		want string
	}{
		{"placeholder lost", func(r []string) { r[4] = strings.ReplaceAll(r[4], "{{.Button}}", "el botón") }, "placeholders"},
		{"number changed", func(r []string) { r[4] = "Llama al 998." }, "number"},
		{"English edited", func(r []string) { r[3] += " " }, "English differs"},
		{"unknown state", func(r []string) { r[5] = "ok" }, "state"},
		{"too long", func(r []string) { r[4] = strings.Repeat("Una frase larga. ", 40) + "{{.Button}}" }, "over 600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := localesCopy(t)
			before := snapshot(t, dir)
			recs := exportSheetIn(t, dir, "es")
			i := find(recs, id)
			if tt.name == "number changed" {
				i = find(recs, "ui.picker.prompt")
			}
			tt.edit(recs[i])
			good := find(recs, "ui.nav.menu")
			recs[good][4] = "Menú principal"
			sheet := writeSheet(t, recs)
			out, _, err := runIn(t, nil, "translations", "import", sheet, "--lang", "es", "--dir", dir, "--reviewer", "r")
			if !errors.Is(err, errFailed) || !strings.Contains(out, tt.want) || !strings.Contains(out, "nothing was written") {
				t.Fatalf("import: %v, want a failure naming %q:\n%s", err, tt.want, out)
			}
			if tt.name != "too long" && !strings.Contains(out, sheet+":line ") {
				t.Errorf("the error names no line: %s", out)
			}
			for p, b := range snapshot(t, dir) {
				if before[p] != b {
					t.Errorf("%s was written although the import failed", p)
				}
			}
		})
	}
}
