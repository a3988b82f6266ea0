package locales_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/puente-bot/puente/locales"
)

func mustLoad(t testing.TB, fsys fstest.MapFS) *locales.Catalog {
	t.Helper()
	c, err := locales.LoadFS(fsys)
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	return c
}

func TestCoverageLeavesOutOptionalAreas(t *testing.T) {
	cat := mustLoad(t, fstest.MapFS{
		"ui.en.json":  {Data: []byte(`{"ui.a": {"description": "d", "other": "A"}}`)},
		"web.en.json": {Data: []byte(`{"web.a": {"description": "d", "other": "A"}}`)},
		"ui.pl.json":  {Data: []byte(`{"ui.a": {"other": "A"}}`)},
	})
	if d := cat.Check(); len(d) != 0 {
		t.Errorf("Check() = %v, want none: pl may leave the volunteers' page out", d)
	}
	for _, c := range cat.Coverage() {
		if c.Lang == "pl" && (c.Translated != 1 || c.Total != 1) {
			t.Errorf("pl coverage = %d/%d, want 1/1", c.Translated, c.Total)
		}
	}
}

func TestResolve(t *testing.T) {
	shipped := []string{"en", "es", "pt-BR"}
	tests := []struct {
		name          string
		choice, hint  string
		want          string
		wantConfident bool
	}{
		{"Brazilian lower case", "", "pt-br", "pt-BR", true},
		{"European Portuguese reads Brazilian", "", "pt-PT", "pt-BR", true},
		{"bare Portuguese", "", "pt", "pt-BR", true},
		{"Latin American Spanish", "", "es-419", "es", true},
		{"British English", "", "en-GB", "en", true},
		{"Galician is not Spanish", "", "gl", "es", false},
		{"Farsi is not Arabic nor English", "", "fa", "en", false},
		{"Urdu is not English", "", "ur", "en", false},
		{"no hint", "", "", "en", false},
		{"garbage hint", "", "!!not-a-tag", "en", false},
		{"unknown language", "", "xx", "en", false},
		{"choice wins over hint", "es", "pt-BR", "es", true},
		{"choice variant", "pt-PT", "", "pt-BR", true},
		{"garbage choice falls to hint", "%%", "es-MX", "es", true},
		{"unshipped choice falls to hint", "fa", "", "en", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, confident := locales.Resolve(tt.choice, tt.hint, shipped)
			if got != tt.want || confident != tt.wantConfident {
				t.Fatalf("Resolve(%q, %q) = %q, %v; want %q, %v", tt.choice, tt.hint, got, confident, tt.want, tt.wantConfident)
			}
		})
	}
}

// Ensure Resolve answers for the languages it is given each time, not for the ones it was
// given before.
func TestResolveFollowsShipped(t *testing.T) {
	for range 2 {
		for _, tt := range []struct {
			shipped       []string
			want          string
			wantConfident bool
		}{
			{[]string{"en", "es"}, "es", true},
			{[]string{"en", "pt-BR"}, "en", false},
			{[]string{"pt-BR", "es"}, "es", true},
		} {
			if got, confident := locales.Resolve("", "es-MX", tt.shipped); got != tt.want || confident != tt.wantConfident {
				t.Errorf("Resolve(es-MX) shipping %q = %q, %v; want %q, %v", tt.shipped, got, confident, tt.want, tt.wantConfident)
			}
		}
	}
}

var fallbackFS = fstest.MapFS{
	"ui.en.json":    {Data: []byte(`{"ui.a": {"description": "d", "other": "A en"}, "ui.b": {"description": "d", "other": "B en {{.N}}"}}`)},
	"ui.pt-BR.json": {Data: []byte(`{"ui.a": {"other": "A br"}}`)},
	"ui.es.json":    {Data: []byte(`{"ui.a": {"other": "A es"}, "ui.b": {"other": "B es {{.N}}"}}`)},
}

func TestFallback(t *testing.T) {
	c := mustLoad(t, fallbackFS)
	tests := []struct {
		lang, id   string
		want       string
		wantServed string
	}{
		{"pt-BR", "ui.a", "A br", "pt-BR"},
		{"pt-BR", "ui.b", "B en 7", "en"},
		{"pt-PT", "ui.a", "A br", "pt-BR"},
		{"pt-PT", "ui.b", "B en 7", "en"},
		{"es-419", "ui.b", "B es 7", "es"},
		{"fa", "ui.a", "A en", "en"},
		{"", "ui.a", "A en", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.id, func(t *testing.T) {
			got, served, err := c.Render(tt.lang, tt.id, map[string]any{"N": 7})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got != tt.want || served != tt.wantServed {
				t.Fatalf("Render(%s, %s) = %q from %s, want %q from %s", tt.lang, tt.id, got, served, tt.want, tt.wantServed)
			}
			if got := c.Text(tt.lang, tt.id, map[string]any{"N": 7}); got != tt.want {
				t.Fatalf("Text = %q, want %q", got, tt.want)
			}
		})
	}
	cov := c.Coverage()
	if got, want := len(cov), 3; got != want {
		t.Fatalf("coverage of %d languages, want %d", got, want)
	}
	if cov[2].Lang != "pt-BR" || cov[2].Translated != 1 || !slices.Equal(cov[2].FellBack, []string{"ui.b"}) {
		t.Fatalf("pt-BR coverage = %+v, want 1 of 2 with ui.b falling back", cov[2])
	}
}

func TestTextNeverFails(t *testing.T) {
	c := mustLoad(t, fallbackFS)
	if _, _, err := c.Render("es", "ui.b", nil); err == nil {
		t.Fatal("Render with a missing key: no error")
	}
	if got, want := c.Text("es", "ui.b", nil), "B es "; got != want {
		t.Fatalf("Text with a missing key = %q, want %q", got, want)
	}
	if got, want := c.Text("es", "ui.nothing", nil), "ui.nothing"; got != want {
		t.Fatalf("Text of an unknown ID = %q, want %q", got, want)
	}
}

func TestPlural(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "I found 1 organisation that can help."},
		{"en", 4, "I found 4 organisations that can help."},
		{"es", 1, "Encontré 1 organización que puede ayudarte."},
		{"es", 1000000, "Encontré 1000000 organizaciones que pueden ayudarte."},
		{"pt-BR", 0, "Encontrei 0 organização que pode ajudar você."},
	}
	for _, tt := range tests {
		if got := c.Plural(tt.lang, "ui.referral.count", tt.n, nil); got != tt.want {
			t.Errorf("Plural(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
	for lang, want := range map[string][]string{"en": {"one", "other"}, "es": {"one", "many", "other"}, "pt-BR": {"one", "many", "other"}} {
		if got := c.PluralForms(lang); !slices.Equal(got, want) {
			t.Errorf("PluralForms(%s) = %v, want %v", lang, got, want)
		}
	}
}

func TestEmbedded(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range c.Check() {
		t.Error(d)
	}
	want := []locales.Language{{"en", "English"}, {"ar", "العربية"}, {"bn", "বাংলা"}, {"es", "Español"}, {"pl", "polski"}, {"pt-BR", "Português (Brasil)"}, {"ro", "română"}, {"sq", "shqip"}, {"ur", "اردو"}, {"vi", "Tiếng Việt"}}
	if got := c.Languages(); !slices.Equal(got, want) {
		t.Fatalf("Languages() = %v, want %v", got, want)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string // part of the single defect
	}{
		{
			name: "missing translation",
			files: fstest.MapFS{
				"ui.en.json": {Data: []byte(`{"ui.a": {"description": "d", "other": "A"}}`)},
				"ui.es.json": {Data: []byte(`{}`)},
			},
			want: `ui.en.json:1: message "ui.a" is missing in es (ui.es.json)`,
		},
		{
			name: "placeholder mismatch",
			files: fstest.MapFS{
				"ui.en.json": {Data: []byte("{\n\"ui.a\": {\"description\": \"d\", \"other\": \"Call {{.Phone}}\"}}")},
				"ui.es.json": {Data: []byte("{\n\n\"ui.a\": {\"other\": \"Llama al {{.Fone}}\"}}")},
			},
			want: `ui.es.json:3: message "ui.a" (es) has placeholders [Fone], English has [Phone]`,
		},
		{
			name: "missing plural form",
			files: fstest.MapFS{
				"ui.en.json": {Data: []byte(`{"ui.n": {"description": "d", "one": "{{.Count}} org", "other": "{{.Count}} orgs"}}`)},
				"ui.es.json": {Data: []byte(`{"ui.n": {"one": "{{.Count}} org", "other": "{{.Count}} orgs"}}`)},
			},
			want: `message "ui.n" (es) lacks the plural form "many"`,
		},
		{
			name: "not in English",
			files: fstest.MapFS{
				"ui.en.json": {Data: []byte(`{}`)},
				"ui.es.json": {Data: []byte(`{"ui.z": {"other": "Z"}}`)},
			},
			want: `message "ui.z" (es) is not in English`,
		},
		{
			name: "a language with a file of the volunteers' page must have all of it",
			files: fstest.MapFS{
				"ui.en.json":  {Data: []byte(`{"ui.a": {"description": "d", "other": "A"}}`)},
				"web.en.json": {Data: []byte(`{"web.a": {"description": "d", "other": "A"}, "web.b": {"description": "d", "other": "B"}}`)},
				"ui.pl.json":  {Data: []byte(`{"ui.a": {"other": "A"}}`)},
				"web.pl.json": {Data: []byte(`{"web.a": {"other": "A"}}`)},
			},
			want: `message "web.b" is missing in pl (web.pl.json)`,
		},
		{
			name: "a language without the volunteers' page still needs every text a person reads",
			files: fstest.MapFS{
				"ui.en.json":  {Data: []byte(`{"ui.a": {"description": "d", "other": "A"}, "ui.b": {"description": "d", "other": "B"}}`)},
				"web.en.json": {Data: []byte(`{"web.a": {"description": "d", "other": "A"}}`)},
				"ui.pl.json":  {Data: []byte(`{"ui.a": {"other": "A"}}`)},
			},
			want: `message "ui.b" is missing in pl (ui.pl.json)`,
		},
		{
			name: "no description",
			files: fstest.MapFS{
				"ui.en.json": {Data: []byte(`{"ui.a": "A"}`)},
			},
			want: `message "ui.a" has no description`,
		},
		{
			name: "outside its area",
			files: fstest.MapFS{
				"ui.en.json": {Data: []byte(`{"bot.a": {"description": "d", "other": "A"}}`)},
			},
			want: `message "bot.a" must start with "ui."`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defects := mustLoad(t, tt.files).Check()
			if len(defects) != 1 || !strings.Contains(defects[0].String(), tt.want) {
				t.Fatalf("Check() = %v, want one defect containing %q", defects, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
	}{
		{"no English", fstest.MapFS{"ui.es.json": {Data: []byte(`{}`)}}},
		{"bad JSON", fstest.MapFS{"ui.en.json": {Data: []byte(`{`)}}},
		{"reserved key mixed", fstest.MapFS{"ui.en.json": {Data: []byte(`{"ui": {"other": "x", "b": "y"}}`)}}},
		{"no plural rule", fstest.MapFS{"ui.en.json": {Data: []byte(`{}`)}, "ui.prs.json": {Data: []byte(`{"ui.a": "x"}`)}}},
		{"bad template", fstest.MapFS{"ui.en.json": {Data: []byte(`{"ui.a": "{{.A"}`)}}},
		{"duplicate across files", fstest.MapFS{"ui.en.json": {Data: []byte(`{"ui.a": "x"}`)}, "bot.en.json": {Data: []byte(`{"ui.a": "y"}`)}}},
		{"command word Telegram refuses", fstest.MapFS{"bot.en.json": {Data: []byte(`{"bot.cmd.exit.name": "exit", "bot.cmd.exit.aliases": "sortir wyjdź"}`)}}},
		{"command word with a capital", fstest.MapFS{"bot.en.json": {Data: []byte(`{"bot.cmd.exit.name": "Exit"}`)}}},
		{"command word for two commands", fstest.MapFS{
			"bot.en.json": {Data: []byte(`{"bot.cmd.exit.name": "exit", "bot.cmd.end.name": "end"}`)},
			"bot.es.json": {Data: []byte(`{"bot.cmd.exit.name": "fin", "bot.cmd.end.name": "fin"}`)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := locales.LoadFS(tt.files); err == nil {
				t.Fatal("LoadFS: no error")
			}
		})
	}
}

func TestIsRTL(t *testing.T) {
	for lang, want := range map[string]bool{"ar": true, "fa": true, "ur": true, "ps": true, "ckb": true, "he": true, "pa-Arab": true, "ku": false, "es": false, "pt-BR": false, "": false} {
		if got := locales.IsRTL(lang); got != want {
			t.Errorf("IsRTL(%q) = %v, want %v", lang, got, want)
		}
	}
}

// Ensure values are isolated where directions mix, and left bare where they do not: bare
// phone numbers and links stay recognisable and copy cleanly.
func TestIsolates(t *testing.T) {
	tests := []struct {
		lang, value string
		ltr, fsi    string
	}{
		{"ar", "+44 20 7946 0958", "\u2066+44 20 7946 0958\u2069", "\u2068+44 20 7946 0958\u2069"},
		{"fa", "LAWRS", "\u2066LAWRS\u2069", "\u2068LAWRS\u2069"},
		{"es", "+44 20 7946 0958", "+44 20 7946 0958", "+44 20 7946 0958"},
		{"pt-BR", "LAWRS", "LAWRS", "LAWRS"},
		{"en", "مركز النساء", "\u2066مركز النساء\u2069", "\u2068مركز النساء\u2069"},
		{"es", "שלום", "\u2066שלום\u2069", "\u2068שלום\u2069"},
		{"", "Ana", "Ana", "Ana"},
	}
	for _, tt := range tests {
		iso := locales.BidiFor(tt.lang)
		if got := iso.LTR(tt.value); got != tt.ltr {
			t.Errorf("BidiFor(%q).LTR(%q) = %q, want %q", tt.lang, tt.value, got, tt.ltr)
		}
		if got := iso.FSI(tt.value); got != tt.fsi {
			t.Errorf("BidiFor(%q).FSI(%q) = %q, want %q", tt.lang, tt.value, got, tt.fsi)
		}
	}
}

// Ensure the plural forms answered from the probe's results are the ones go-i18n gives, at
// the edges of the cached range and past it.
func TestPluralFormCache(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "other"}, {"en", 1, "one"}, {"en", 200, "other"}, {"en", 201, "other"},
		{"es", 1, "one"}, {"es", 2, "other"}, {"es", 1000000, "many"}, {"pt-BR", 0, "one"}, {"pt-BR", 1000000, "many"},
	}
	for _, tt := range tests {
		got, err := cat.PluralForm(tt.lang, tt.n)
		if err != nil || got != tt.want {
			t.Errorf("PluralForm(%s, %d) = %q, %v; want %q", tt.lang, tt.n, got, err, tt.want)
		}
	}
}

// Ensure every loaded message knows the line of its ID in its file, as check's defects name
// it: the line holds the ID, or the last segment of a nested one, as a quoted key.
func TestMessagesKnowTheirLine(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Tags() {
		for _, id := range c.IDs(lang) {
			m, _ := c.Message(lang, id)
			buf, err := fs.ReadFile(locales.Files(), strings.TrimPrefix(m.File, "locales/"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(buf), "\n")
			if m.Line < 1 || m.Line > len(lines) {
				t.Fatalf("%s %s: line %d of %d", m.File, id, m.Line, len(lines))
			}
			line := lines[m.Line-1]
			if !strings.Contains(line, `"`+id+`"`) && !strings.Contains(line, `"`+id[strings.LastIndexByte(id, '.')+1:]+`"`) {
				t.Errorf("%s:%d does not hold the ID %s: %s", m.File, m.Line, id, line)
			}
		}
	}
}

// BenchmarkResolve is the guess the bot makes from Telegram's language code on every update
// of a person who has not chosen a language.
func BenchmarkResolve(b *testing.B) {
	shipped := []string{"en", "es", "pt-BR", "ar", "bn", "pl", "ro", "sq", "ur", "vi"}
	for b.Loop() {
		locales.Resolve("", "es-MX", shipped)
	}
}
