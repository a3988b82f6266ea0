package locales

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"
	"time"
	"unsafe"
)

func catalogFiles() fstest.MapFS {
	return fstest.MapFS{
		"ui.en.json": {Data: []byte(`{"ui.a": {"description": "the note", "other": "Call {{.Phone}}."}, "ui.b": {"description": "d", "other": "B"}}`)},
		"ui.pl.json": {Data: []byte(`{"ui.a": {"description": "the note", "other": "Zadzwoń {{.Phone}}."}, "ui.b": {"description": "own", "other": "B"}}`)},
	}
}

// Ensure a translation keeps the English's strings where it says the same
// (the ID, the note for translators, a text left as it is), and its own
// where it does not.
func TestMessagesShareEnglishStrings(t *testing.T) {
	c, err := LoadFS(catalogFiles())
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	enA, plA := c.msgs[Default].at("ui.a"), c.msgs["pl"].at("ui.a")
	enB, plB := c.msgs[Default].at("ui.b"), c.msgs["pl"].at("ui.b")
	tests := []struct {
		name       string
		a, b       string
		wantShared bool
	}{
		{"ID", enA.ID, plA.ID, true},
		{"same note", enA.Description, plA.Description, true},
		{"own note", enB.Description, plB.Description, false},
		{"same text", enB.forms.other.source(), plB.forms.other.source(), true},
		{"own text", enA.forms.other.source(), plA.forms.other.source(), false},
	}
	for _, tt := range tests {
		if tt.a != tt.b && tt.wantShared {
			t.Fatalf("%s: %q and %q differ", tt.name, tt.a, tt.b)
		}
		if got := same(tt.a, tt.b); got != tt.wantShared {
			t.Errorf("%s: shared = %v, want %v", tt.name, got, tt.wantShared)
		}
	}
	if got, want := plB.Description, "own"; got != want {
		t.Errorf("pl note = %q, want %q", got, want)
	}
}

// Ensure a template's literal runs are kept as parts of its text where they
// stand as written, and render as text/template renders them, trim markers
// included.
func TestPlainPartsShareTheText(t *testing.T) {
	data := map[string]any{"Phone": "999", "X": "1", "Y": "2"}
	for _, src := range []string{"Call {{.Phone}} now.", "a  {{- .X -}}  b", "{{.X}}{{.Y}}", "x {{- .X}}"} {
		m := &Message{ID: "ui.t", Lang: Default}
		tx, err := m.parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if tx.parts() == nil {
			t.Fatalf("%q: not rendered by parts", src)
		}
		for _, p := range tx.parts() {
			if p.lit == "" {
				continue
			}
			i := strings.Index(src, p.lit)
			if i < 0 || unsafe.StringData(p.lit) != unsafe.StringData(src[i:]) {
				t.Errorf("%q: part %q is a copy, not a part of the text", src, p.lit)
			}
		}
		m.forms.other = tx
		got, err := m.render("other", data)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		if err := template.Must(template.New("").Parse(src)).Execute(&want, data); err != nil {
			t.Fatal(err)
		}
		if got != want.String() {
			t.Errorf("%q renders %q, want %q", src, got, want.String())
		}
	}
}

// Ensure the stamps, which a loaded catalog reads again when a tool asks for
// them, are the ones it was loaded with or none: a review file changed since
// is reported, never taken as the stamps the catalog marked reviewed.
func TestStampsReadAgain(t *testing.T) {
	files := catalogFiles()
	c, err := LoadFS(files)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.NewStamp("pl", "ui.a", "native speaker", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeStamps(map[string]Stamp{"ui.a": s})
	if err != nil {
		t.Fatal(err)
	}
	files["reviews/pl.json"] = &fstest.MapFile{Data: b}
	if c, err = LoadFS(files); err != nil {
		t.Fatal(err)
	}
	if got := c.Stamps("pl")["ui.a"]; got != s {
		t.Errorf("Stamps(pl)[ui.a] = %+v, want %+v", got, s)
	}
	if got, want := c.ReviewState("pl", "ui.a"), Reviewed; got != want {
		t.Errorf("ReviewState = %q, want %q", got, want)
	}
	if d := c.Check(); len(d) != 0 {
		t.Errorf("Check() = %v, want none", d)
	}

	files["reviews/pl.json"] = &fstest.MapFile{Data: []byte("{}\n")}
	if got := c.Stamps("pl"); got != nil {
		t.Errorf("Stamps(pl) after the file changed = %v, want nil", got)
	}
	found := false
	for _, d := range c.Check() {
		found = found || d.File == "reviews/pl.json" && strings.Contains(d.Msg, ErrReviewsChanged.Error())
	}
	if !found {
		t.Errorf("Check() = %v, want a defect saying reviews/pl.json changed", c.Check())
	}
	rows := []SheetRow{{ID: "ui.b", Form: "other", English: "B", Text: "Be", State: Draft, Line: 2}}
	if _, errs := c.ApplySheet(files, "pl", rows, "native speaker", time.Now()); len(errs) != 1 || !strings.Contains(errs[0].Msg, ErrReviewsChanged.Error()) {
		t.Errorf("ApplySheet() errors = %v, want one saying the review file changed", errs)
	}
	_, _, err = c.readStamps("pl")
	if !errors.Is(err, ErrReviewsChanged) {
		t.Errorf("readStamps error = %v, want ErrReviewsChanged", err)
	}
}
