package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	vars := map[string]string{"PUENTE_DATA_DIR": t.TempDir()}
	tests := []struct {
		name string
		args []string
		want []string // in this order
	}{
		{"Portuguese-speaking woman in London on a Sunday night", []string{"match", "--need", "domestic_abuse", "--lang", "pt-BR", "--region", "london", "--women-only", "--at", "2026-11-29T23:00"},
			[]string{"need domestic_abuse, language pt-BR, region london, women only, communities the language suggests [brazilian portuguese_speaking latin_american], at Sun 29 Nov 2026 23:00 London time; shown in pt-BR",
				"1. Latin American Women's Aid (LAWA)", "fala o seu idioma (português) · para mulheres latino-americanas · em Londres · horário não conhecido",
				"2. Latin American Women's Rights Service (LAWRS)"}},
		{"the person's rendering, phone first, and how the score adds up", []string{"match", "--need", "domestic_abuse", "--lang", "es", "--region", "north_west", "--explain", "--at", "2026-12-01T14:00"},
			[]string{"1. National Domestic Abuse Helpline (Refuge)\n   Teléfono: 0808 2000 247\n   en inglés · en Inglaterra · abierto las 24 horas",
				"place: for anyone, the need is its main one", "score: +8 region, +10 the need is its main one, +10 open now = 28",
				"2. Safety4Sisters", "place: for anyone, the need is its main one; no phone or text line",
				"Policía para casos que no son emergencia (101)", "servicio de la policía o del gobierno · puedes pedir intérprete"}},
		{"Bulgarian-speaking man with unpaid wages, read in English", []string{"match", "--need", "labour_exploitation", "--lang", "bg", "--region", "london", "--at", "2026-12-02T11:00"},
			[]string{"shown in en", "East European Resource Centre (EERC)", "speaks your language (български)"}},
		{"a year from now the starter directory needs verifying", []string{"match", "--need", "housing", "--lang", "en", "--at", "2027-12-01T12:00"},
			[]string{"volunteers: not shown to people until someone verifies them (not verified for over a year):", "Latin American Women's Aid (LAWA)"}},
		{"witness in Scotland, in Spanish", []string{"match", "--need", "witness", "--lang", "es", "--region", "scotland", "--at", "2026-12-02T11:00"},
			[]string{"1. Crimestoppers (información anónima)", "2. Policía para casos que no son emergencia (101)", "servicio de la policía o del gobierno · puedes pedir intérprete · en todo el Reino Unido · abierto las 24 horas"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, err := runIn(t, vars, tt.args...)
			if err != nil {
				t.Fatalf("%v: %s", err, stderr)
			}
			if strings.Contains(out, "Modern Slavery") && slices.Contains(tt.args, "witness") {
				t.Errorf("a witness is offered a modern slavery line:\n%s", out)
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestMatchBadFlags(t *testing.T) {
	_, stderr, err := runIn(t, map[string]string{"PUENTE_DATA_DIR": t.TempDir()},
		"match", "--need", "domestic_abus", "--lang", "portugese", "--region", "londn", "--at", "tomorrow")
	if !errors.Is(err, errUsage) {
		t.Fatalf("err = %v, want errUsage", err)
	}
	for _, w := range []string{`--need: "domestic_abus" is not a need; did you mean domestic_abuse?`,
		`--lang: "portugese" is not a language code; did you mean pt?`,
		`--region: "londn" is not a region; did you mean london?`,
		`--at: "tomorrow" is not a time; write 2026-11-29T23:00 (London time)`} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
}

func TestImportExport(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PUENTE_DATA_DIR": filepath.Join(dir, "data")}
	example := filepath.Join("..", "..", "directory", "example.csv")
	orig, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(dir, "edited.csv")
	if err := os.WriteFile(edited, bytes.Replace(orig, []byte("0808 000 0000"), []byte("0808 000 0001"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		args []string
		err  error
		want string
	}{
		{"dry run changes nothing", []string{"import", example, "--dry-run"}, nil, "Dry run: 3 listings would be added, 0 changed, 0 left as they are. Nothing was changed."},
		{"a dry run names each listing it would add", []string{"import", example, "--dry-run"}, nil, "would add:    Example Women's Advice Service (30314f7b-60b1-5fde-a472-ca1c18b71540)\n"},
		{"import", []string{"import", example}, nil, "Imported: 3 listings added, 0 changed, 0 left as they are."},
		{"import again changes nothing", []string{"import", example}, nil, "Imported: 0 listings added, 0 changed, 3 left as they are."},
		{"a dry run names each listing it would change", []string{"import", edited, "--dry-run"}, nil, "would change: Example Night Helpline (4d80d3b4-21ee-5ff3-b4e6-cde0f7e1a61d)\nDry run: 0 listings would be added, 1 changed, 2 left as they are."},
	}
	for _, st := range steps {
		out, stderr, err := runIn(t, vars, st.args...)
		if !errors.Is(err, st.err) {
			t.Fatalf("%s: err = %v (%s)", st.name, err, stderr)
		}
		if !strings.Contains(out, st.want) {
			t.Errorf("%s: output %q, want %q", st.name, out, st.want)
		}
	}
	// The starter directory (loaded on first start) and the imported rows export and
	// import back unchanged.
	csvPath := filepath.Join(dir, "out.csv")
	if _, stderr, err := runIn(t, vars, "export", "--out", csvPath); err != nil {
		t.Fatalf("export: %v %s", err, stderr)
	}
	first, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := bytes.Count(first, []byte("\r\n")), 1+43+3; got != want {
		t.Errorf("exported %d lines, want %d", got, want)
	}
	out, _, err := runIn(t, vars, "import", csvPath)
	if err != nil || !strings.Contains(out, "0 listings added, 0 changed, 46 left as they are") {
		t.Errorf("re-import of the export: %v %q", err, out)
	}
	stdout, _, err := runIn(t, vars, "export")
	if err != nil || stdout != string(first) {
		t.Errorf("export to stdout differs from export to a file (err %v)", err)
	}
	jsonPath := filepath.Join(dir, "out.json")
	if _, _, err := runIn(t, vars, "export", "--format", "hsds", "--out", jsonPath); err != nil {
		t.Fatal(err)
	}
	var services []map[string]any
	data, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(data, &services); err != nil || len(services) != 46 {
		t.Fatalf("HSDS export: %d services, %v", len(services), err)
	}
	out, _, err = runIn(t, vars, "import", jsonPath)
	if err != nil || !strings.Contains(out, "0 listings added, 0 changed, 46 left as they are") {
		t.Errorf("re-import of the HSDS export: %v %q", err, out)
	}
	zipPath := filepath.Join(dir, "out.zip")
	if _, _, err := runIn(t, vars, "export", "--format", "hsds-csv", "--out", zipPath); err != nil {
		t.Fatal(err)
	}
	if zr, err := zip.OpenReader(zipPath); err != nil || len(zr.File) != 10 {
		t.Errorf("datapackage zip: %v", err)
	} else {
		zr.Close()
	}
	out, _, err = runIn(t, vars, "import", zipPath)
	if err != nil || !strings.Contains(out, "0 listings added, 0 changed, 46 left as they are") {
		t.Errorf("re-import of the HSDS data package: %v %q", err, out)
	}
	if _, stderr, err := runIn(t, vars, "export", "--format", "xml"); !errors.Is(err, errUsage) || !strings.Contains(stderr, "use csv, hsds or hsds-csv") {
		t.Errorf("unknown format: %v %q", err, stderr)
	}
}

func TestImportBadFiles(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PUENTE_DATA_DIR": filepath.Join(dir, "data")}
	if _, _, err := runIn(t, vars, "import", filepath.Join("..", "..", "directory", "example.csv")); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("name,kind,needs,languages\r\nA,service,housing,portugese\r\nB,service,housing,es\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	many := filepath.Join(dir, "many.json")
	if err := os.WriteFile(many, []byte("["+strings.Repeat(`{"name":"x"},`, 6000)+`{}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"a bad row stops the whole file", []string{"import", bad},
			[]string{`bad.csv: row 2: languages: "portugese" is not a language code; did you mean pt?`, "Nothing was imported"}},
		{"a dry run reports the same", []string{"import", "--dry-run", bad},
			[]string{`row 2: languages: "portugese" is not a language code; did you mean pt?`, "Nothing was imported"}},
		{"a 50 MB file is refused", []string{"import", big},
			[]string{"the file is 50 MB; the largest file puente imports is 10 MB: split it into smaller files. Nothing was imported."}},
		{"more listings than a file may hold", []string{"import", "--dry-run", many},
			[]string{"many.json: the file has more than 5000 listings; split it into smaller files", "Nothing was imported"}},
	}
	for _, tt := range tests {
		out, _, err := runIn(t, vars, tt.args...)
		if !errors.Is(err, errFailed) {
			t.Errorf("%s: err = %v, want errFailed", tt.name, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", tt.name, w, out)
			}
		}
	}
	out, _, err := runIn(t, vars, "export")
	if err != nil || strings.Count(out, "\r\n") != 1+43+3 {
		t.Errorf("after refused imports the directory changed: %v\n%s", err, out)
	}
	if _, _, err := runIn(t, vars, "import"); !errors.Is(err, errUsage) {
		t.Errorf("import without a file: err = %v, want errUsage", err)
	}
}

// Export refuses to write a zip, or more than a screenful of JSON, to a terminal; a pipe or
// --out gets everything.
func TestExportToATerminal(t *testing.T) {
	vars := map[string]string{"PUENTE_DATA_DIR": filepath.Join(t.TempDir(), "data")}
	tests := []struct {
		format   string
		terminal bool
		wantErr  error
	}{
		{"hsds-csv", true, errUsage},
		{"hsds", true, errUsage},
		{"csv", true, nil},
		{"hsds-csv", false, nil},
		{"hsds", false, nil},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, stdoutTerminal: tt.terminal}
		err := run(context.Background(), e, []string{"export", "--format", tt.format})
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s to a terminal %v: err = %v, want %v", tt.format, tt.terminal, err, tt.wantErr)
		}
		if tt.wantErr != nil {
			if out.Len() != 0 || !strings.Contains(errOut.String(), "--out FILE") {
				t.Errorf("%s to a terminal: wrote %d bytes, said %q; want nothing written and --out named", tt.format, out.Len(), errOut.String())
			}
		} else if out.Len() == 0 {
			t.Errorf("%s to a terminal %v: wrote nothing", tt.format, tt.terminal)
		}
	}
}
