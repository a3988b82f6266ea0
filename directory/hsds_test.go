package directory

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// schema is the part of JSON Schema the HSDS 3.0 schema files use: type, properties,
// required, items, enum, format and $ref (to "#/definitions/x" or to "x.json" beside the
// file). Other keywords in those files (title, description, constraints, example...)
// carry no validation.
type schema struct {
	Type       string             `json:"type"`
	Properties map[string]*schema `json:"properties"`
	Required   []string           `json:"required"`
	Items      *schema            `json:"items"`
	Enum       []string           `json:"enum"`
	Format     string             `json:"format"`
	Ref        string             `json:"$ref"`
	Defs       map[string]*schema `json:"definitions"`
}

type validator struct {
	root *schema
	dir  string
	errs []string
}

func loadSchema(t *testing.T, path string) *schema {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s schema
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &s
}

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

func (v *validator) resolve(t *testing.T, s *schema) *schema {
	switch {
	case s.Ref == "":
		return s
	case strings.HasPrefix(s.Ref, "#/definitions/"):
		d, ok := v.root.Defs[strings.TrimPrefix(s.Ref, "#/definitions/")]
		if !ok {
			t.Fatalf("unresolved $ref %s", s.Ref)
		}
		return d
	default:
		return loadSchema(t, filepath.Join(v.dir, s.Ref))
	}
}

func (v *validator) validate(t *testing.T, s *schema, x any, path string) {
	s = v.resolve(t, s)
	switch s.Type {
	case "object", "":
		obj, ok := x.(map[string]any)
		if !ok {
			if s.Type == "object" {
				v.fail(path, "want an object, got %T", x)
			}
			return
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				v.fail(path, "required property %q missing", r)
			}
		}
		for k, val := range obj {
			if p, ok := s.Properties[k]; ok {
				v.validate(t, p, val, path+"."+k)
			}
		}
	case "array":
		arr, ok := x.([]any)
		if !ok {
			v.fail(path, "want an array, got %T", x)
			return
		}
		for i, e := range arr {
			if s.Items != nil {
				v.validate(t, s.Items, e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	case "number":
		if _, ok := x.(float64); !ok {
			v.fail(path, "want a number, got %T", x)
		}
	case "string":
		str, ok := x.(string)
		if !ok {
			v.fail(path, "want a string, got %T", x)
			return
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			v.fail(path, "%q is not one of %v", str, s.Enum)
		}
		if !validFormat(s.Format, str) {
			v.fail(path, "%q is not a valid %s", str, s.Format)
		}
	default:
		t.Fatalf("%s: schema type %q is outside the supported subset", path, s.Type)
	}
}

func validFormat(format, s string) bool {
	switch format {
	case "uuid":
		return validUUID(s)
	case "uri":
		u, err := url.Parse(s)
		return err == nil && u.Scheme != "" && u.Host != ""
	case "email":
		a, err := mail.ParseAddress(s)
		return err == nil && a.Address == s
	case "date-time":
		_, err := time.Parse(time.RFC3339, s)
		return err == nil
	}
	return true
}

// TestValidatorCatchesErrors makes sure the validator is not vacuous.
func TestValidatorCatchesErrors(t *testing.T) {
	root := loadSchema(t, "testdata/hsds-3.0/service_with_definitions.json")
	bad := map[string]any{
		"id": "not-a-uuid", "status": "open", "email": "nobody",
		"phones":    []any{map[string]any{"id": DeriveID("p")}},
		"schedules": []any{map[string]any{"id": DeriveID("s"), "freq": "DAILY", "interval": "2"}},
	}
	v := &validator{root: root, dir: "testdata/hsds-3.0/tables"}
	v.validate(t, root, bad, "service")
	want := []string{
		`service: required property "name" missing`,
		`service.id: "not-a-uuid" is not a valid uuid`,
		`service.status: "open" is not one of [active inactive defunct temporarily closed]`,
		`service.email: "nobody" is not a valid email`,
		`service.phones[0]: required property "number" missing`,
		`service.schedules[0].freq: "DAILY" is not one of [WEEKLY MONTHLY]`,
		`service.schedules[0].interval: want a number, got string`,
	}
	for _, w := range want {
		if !slices.Contains(v.errs, w) {
			t.Errorf("validator missed %s; it said %q", w, v.errs)
		}
	}
}

func exportedListings(t *testing.T) []*Listing {
	t.Helper()
	seed, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("example.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	example, probs := ReadCSV(f)
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	return append(seed, example...)
}

// TestHSDSJSONValidates validates every exported service against the HSDS 3.0 schema.
func TestHSDSJSONValidates(t *testing.T) {
	ls := exportedListings(t)
	var b bytes.Buffer
	if err := WriteHSDS(&b, ls); err != nil {
		t.Fatal(err)
	}
	var services []any
	if err := json.Unmarshal(b.Bytes(), &services); err != nil {
		t.Fatal(err)
	}
	if len(services) != len(ls) {
		t.Fatalf("%d services, want %d", len(services), len(ls))
	}
	root := loadSchema(t, "testdata/hsds-3.0/service_with_definitions.json")
	v := &validator{root: root, dir: "testdata/hsds-3.0/tables"}
	for i, s := range services {
		v.validate(t, root, s, fmt.Sprintf("services[%d]", i))
	}
	for _, e := range v.errs {
		t.Error(e)
	}
}

// TestHSDSPackageValidates checks each row of each CSV in the data package against its
// table's schema, and that datapackage.json lists every file.
func TestHSDSPackageValidates(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHSDSPackage(&b, exportedListings(t)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Resources []struct{ Name, Path string }
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	read := func(name string) []byte {
		f, ok := files[name]
		if !ok {
			t.Fatalf("package lacks %s", name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if err := json.Unmarshal(read("datapackage.json"), &pkg); err != nil {
		t.Fatal(err)
	}
	if got, want := len(pkg.Resources), len(files)-1; got != want {
		t.Errorf("datapackage.json lists %d resources, the zip has %d CSV files", got, want)
	}
	for _, r := range pkg.Resources {
		sch := loadSchema(t, "testdata/hsds-3.0/tables/"+r.Name+".json")
		v := &validator{root: sch, dir: "testdata/hsds-3.0/tables"}
		recs, err := csv.NewReader(bytes.NewReader(read(r.Path))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", r.Path, err)
		}
		if len(recs) < 2 {
			t.Errorf("%s has no rows", r.Path)
			continue
		}
		for i, rec := range recs[1:] {
			obj := map[string]any{}
			for j, c := range recs[0] {
				if _, ok := sch.Properties[c]; !ok && !strings.HasPrefix(c, "x_") {
					t.Errorf("%s: column %q is not in the %s table", r.Path, c, r.Name)
				}
				if rec[j] != "" {
					obj[c] = rec[j]
				}
			}
			v.validate(t, sch, obj, fmt.Sprintf("%s row %d", r.Path, i+2))
		}
		for _, e := range v.errs {
			t.Error(e)
		}
	}
}

// TestHSDSRoundTrip reads the exported JSON and data package back and checks nothing
// was lost.
func TestHSDSRoundTrip(t *testing.T) {
	ls := exportedListings(t)
	var want bytes.Buffer
	if err := WriteCSV(&want, ls); err != nil {
		t.Fatal(err)
	}
	var js, pkg bytes.Buffer
	if err := WriteHSDS(&js, ls); err != nil {
		t.Fatal(err)
	}
	if err := WriteHSDSPackage(&pkg, ls); err != nil {
		t.Fatal(err)
	}
	fromJSON, probsJSON := ReadHSDS(&js)
	fromPkg, probsPkg := ReadHSDSPackage(bytes.NewReader(pkg.Bytes()), int64(pkg.Len()))
	for name, r := range map[string]struct {
		ls    []*Listing
		probs Problems
	}{"JSON": {fromJSON, probsJSON}, "data package": {fromPkg, probsPkg}} {
		if err := r.probs.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got bytes.Buffer
		if err := WriteCSV(&got, r.ls); err != nil {
			t.Fatal(err)
		}
		gl, wl := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
		if len(gl) != len(wl) {
			t.Errorf("%s: %d lines after the round trip, want %d", name, len(gl), len(wl))
		}
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Errorf("%s: line %d after the round trip:\n%s\nwant:\n%s", name, i+1, gl[i], wl[i])
			}
		}
	}
}

func TestReadHSDSPackageBadInput(t *testing.T) {
	zipOf := func(files map[string]string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for name, body := range files {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(w, body); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("name,kind,needs\n"), "not an HSDS data package (a zip of CSV files): zip: not a valid zip file"},
		{"no services", zipOf(map[string]string{"organizations.csv": "id,name\n"}), "the data package has no services.csv"},
		{"formula in a cell", zipOf(map[string]string{"services.csv": "id,name,status\n" + DeriveID("a") + ",=1+1,active\n"}),
			`services.csv: "=1+1" looks like a spreadsheet formula; formulas are not accepted (start the cell with ' to keep it as text)`},
		{"zip bomb", zipOf(map[string]string{"services.csv": strings.Repeat("a", MaxFileSize+1)}), "the data package unpacks to more than 10 MB; split it"},
	}
	for _, tt := range tests {
		_, probs := ReadHSDSPackage(bytes.NewReader(tt.data), int64(len(tt.data)))
		if len(probs) != 1 || probs[0].String() != tt.want {
			t.Errorf("%s: problems %v, want %q", tt.name, probs, tt.want)
		}
	}
}

func TestReadHSDSBadInput(t *testing.T) {
	tests := []struct {
		name, json string
		want       []string
	}{
		{"not JSON", "name,kind", []string{"not HSDS JSON: it does not start with [ or {"}},
		{"broken JSON", "[{", []string{"not HSDS JSON: unexpected end of JSON input"}},
		{"service without our need attribute", `[{"id":"` + DeriveID("a") + `","name":"A","status":"active","url":"https://a.example"}]`,
			[]string{"service 1 (A): needs: list at least one need, e.g. domestic_abuse"}},
		{"API page with a bad need", `{"contents":[{"name":"B","status":"active","attributes":[{"id":"` + DeriveID("x") +
			`","taxonomy_term_id":"` + DeriveID("taxonomy_term", "need") + `","value":"domestik_abuse"}]}]}`,
			[]string{`service 1 (B): needs: "domestik_abuse" is not a need; did you mean domestic_abuse?`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := ReadHSDS(strings.NewReader(tt.json))
			var got []string
			for _, p := range probs {
				if !p.Warning {
					got = append(got, p.String())
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
