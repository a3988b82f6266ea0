package bot

import (
	"io/fs"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
)

// needWords are the words a case card uses for needs, in lang, lower case.
func needWords(t testing.TB, cat *locales.Catalog, lang string) []string {
	t.Helper()
	var out []string
	for _, id := range cat.IDs(locales.Default) {
		if strings.HasPrefix(id, needPrefix) {
			out = append(out, strings.ToLower(cat.Text(lang, id, nil)))
		}
	}
	if len(out) == 0 {
		t.Fatal("no need words")
	}
	return out
}

// Ensure no message that can arrive unprompted shows, in the part a lock screen may show, the
// name of any organisation in the starter directory or what the person needs help with, in
// any shipped language.
func TestUnpromptedMessagesShowNothingTelling(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d := CheckUnprompted(cat); len(d) > 0 {
		t.Errorf("CheckUnprompted on the shipped messages: %v", d)
	}
	listings, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range cat.Tags() {
		needs := needWords(t, cat, lang)
		for _, id := range unpromptedMessages() {
			text := cat.Text(lang, id, map[string]any{"Org": orgA.Name})
			shown := strings.ToLower(preview(text))
			for _, l := range listings {
				for _, name := range []string{l.Name, l.Organisation} {
					if name != "" && strings.Contains(shown, strings.ToLower(name)) {
						t.Errorf("%s %s shows %q on a lock screen: %q", lang, id, name, shown)
					}
				}
			}
			if w := needInPreview(text, needs); w != "" {
				t.Errorf("%s %s shows the need %q on a lock screen: %q", lang, id, w, shown)
			}
		}
	}
}

// Ensure puente check's rule finds an organisation's name or a need in an unprompted message.
func TestCheckUnprompted(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"name", "The organisation has closed", "{{.Org}} has closed", `handoff.en.json:`},
		{"name", "The organisation has closed", "{{.Org}} has closed", `message "handoff.closed.org" (en) can arrive unprompted but inserts [Org]`},
		{"need", "This conversation has closed", "This domestic abuse conversation has closed", `message "handoff.closed.idle" (en) can arrive unprompted but its first 120 characters say "domestic abuse"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			names, err := fs.Glob(locales.Files(), "*.json")
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				b, err := fs.ReadFile(locales.Files(), n)
				if err != nil {
					t.Fatal(err)
				}
				if n == "handoff.en.json" {
					if !strings.Contains(string(b), tt.old) {
						t.Fatalf("handoff.en.json lacks %q", tt.old)
					}
					b = []byte(strings.Replace(string(b), tt.old, tt.new, 1))
				}
				fsys[n] = &fstest.MapFile{Data: b}
			}
			cat, err := locales.LoadFS(fsys)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range CheckUnprompted(cat) {
				got = append(got, d.String())
			}
			found := false
			for _, g := range got {
				found = found || strings.Contains(g, tt.want)
			}
			if !found {
				t.Errorf("no defect contains %q; defects: %q", tt.want, got)
			}
		})
	}
}

// quietPreview fails the test if what a lock screen may show of u's last message names the
// test organisations or a need in English.
func (h *harness) quietPreview(u telegramtest.User) {
	h.t.Helper()
	m, ok := h.fake.Last(u.ID)
	if !ok {
		h.t.Fatal("no message")
	}
	cat, err := locales.Load()
	if err != nil {
		h.t.Fatal(err)
	}
	shown := strings.ToLower(preview(m.Text))
	for _, l := range []*directory.Listing{orgA, orgB, orgC} {
		if strings.Contains(shown, strings.ToLower(l.Name)) {
			h.t.Errorf("the unprompted message shows %q: %q", l.Name, m.Text)
		}
	}
	if w := needInPreview(m.Text, needWords(h.t, cat, "en")); w != "" {
		h.t.Errorf("the unprompted message shows the need %q: %q", w, m.Text)
	}
}

// Ensure the message that opens a case warns, in every language, that replies can show on
// the lock screen and says where Telegram hides previews.
func TestOpenedWarnsOfLockScreen(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"en":    {"lock screen", "Settings › Notifications and Sounds"},
		"es":    {"pantalla bloqueada", "Ajustes › Notificaciones y sonidos"},
		"pt-BR": {"tela de bloqueio", "Configurações › Notificações e Sons"},
	}
	for lang, parts := range want {
		text := cat.Text(lang, "handoff.opened", map[string]any{"Org": orgA.Name, "Hours": "any time"})
		for _, p := range parts {
			if !strings.Contains(text, p) {
				t.Errorf("%s handoff.opened lacks %q: %q", lang, p, text)
			}
		}
	}
}

// leavingDirectory drops orgA from its listings once left is set.
type leavingDirectory struct {
	testDirectory
	left *atomic.Bool
}

func (d leavingDirectory) Listings() []*directory.Listing {
	if !d.left.Load() {
		return d.testDirectory.Listings()
	}
	return slices.DeleteFunc(slices.Clone(d.testDirectory.Listings()), func(l *directory.Listing) bool { return l == orgA })
}

// Ensure a person whose organisation unlinks after leaving the directory is pointed to other
// organisations, not to contacts the list no longer has, and still sees nothing telling.
func TestUnlinkedAfterLeavingTheDirectory(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	var left atomic.Bool
	h.cfg.Directory = leavingDirectory{testDirectory: testDirectory{listings: []*directory.Listing{orgA, orgB, orgC}}, left: &left}
	h.start()
	h.link(groupA, orgA, worker)
	h.openCase(person, groupA, "")
	left.Store(true)
	fake.TopicText(groupA, 0, worker, "/unlink")
	h.screen(person, "Other organisations are in the list")
	h.quietPreview(person)
}
