package flows_test

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
)

func TestFirstContact(t *testing.T) {
	// The first picker's exit button is in every language: the person has not chosen one.
	tests := []struct {
		name       string
		hint       string
		wantView   string
		wantLang   string
		wantLabels []string
	}{
		{"confident Spanish", "es-MX", "", "es", []string{"En casa", "Vi un delito", "Privacidad", "🌐 Idioma", "Salir y borrar"}},
		{"confident Brazilian", "pt-br", "", "pt-BR", []string{"Em casa", "Vi um crime", "Privacidade", "🌐 Idioma", "Sair e apagar"}},
		{"Galician gets the picker", "gl", flows.ViewPicker, "", []string{"English", "Español", "Português (Brasil)", "Exit · Salir · Sair"}},
		{"Farsi gets the picker", "fa", flows.ViewPicker, "", []string{"English", "Español", "Português (Brasil)", "Exit · Salir · Sair"}},
		{"no hint gets the picker", "", flows.ViewPicker, "", []string{"English", "Español", "Português (Brasil)", "Exit · Salir · Sair"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := &session{t: t, e: newEngine(t, flows.Config{})}
			ss.start(tt.hint)
			if ss.s.View != tt.wantView || ss.s.Lang != tt.wantLang {
				t.Fatalf("view, lang = %q, %q; want %q, %q", ss.s.View, ss.s.Lang, tt.wantView, tt.wantLang)
			}
			if got := ss.labels(); !slices.Equal(got, tt.wantLabels) {
				t.Fatalf("labels = %q, want %q", got, tt.wantLabels)
			}
		})
	}
}

func TestPickerLines(t *testing.T) {
	ss := &session{t: t, e: newEngine(t, flows.Config{})}
	ss.start("")
	want := "Hello. Choose your language. In danger now? Call 999.\nHola. Elige tu idioma. ¿Estás en peligro ahora? Llama al 999.\nOlá. Escolha seu idioma. Está em perigo agora? Ligue 999."
	if got := ss.screen().Text; got != want {
		t.Fatalf("picker text = %q, want %q", got, want)
	}
	ss.press("Español")
	if ss.s.Lang != "es" || ss.s.Node != "start" || ss.s.View != "" {
		t.Fatalf("after picking: %+v", ss.s)
	}
	ss.wantText("Hola.", "Test Org gestiona este bot.")
}

func TestWalk(t *testing.T) {
	ss := &session{t: t, e: newEngine(t, flows.Config{})}
	ss.start("en")
	steps := []struct {
		press    string
		wantNode string
		wantBack []string
		wantText []string
	}{
		{"At home", "home", []string{"start"}, []string{"Someone at home hurts you?"}},
		{"Get help", "region", []string{"start", "home"}, []string{"Where are you?"}},
		{"London", "referral", []string{"start", "home", "region"}, []string{
			"These can help.", "I found 5 organisations that can help.", "1–3 of 5",
			"• Org 1\nPhone: +44 20 7946 0958 (24/7)\nSpeaks en\nHelps.\nWebsite: https://example.org/domestic_abuse",
			"• Org 3 (Parent Charity)\n"}},
		{"More options", "referral", []string{"start", "home", "region"}, []string{"4–5 of 5\n\n• Org 4\n", "Org 5"}},
		{"Back", "referral", []string{"start", "home", "region"}, []string{"1–3 of 5", "• Org 1\n"}},
		{"More options", "referral", []string{"start", "home", "region"}, []string{"4–5 of 5\n\n• Org 4\n"}},
		{"Back to the first options", "referral", []string{"start", "home", "region"}, []string{"Org 1"}},
		{"Back", "region", []string{"start", "home"}, []string{"Where are you?"}},
		{"Back", "home", []string{"start"}, nil},
		{"Menu", "start", nil, []string{"Hello."}},
	}
	for _, st := range steps {
		ss.press(st.press)
		if ss.s.Node != st.wantNode || !slices.Equal(ss.s.Back, st.wantBack) {
			t.Fatalf("after %q: node %q back %q; want %q %q", st.press, ss.s.Node, ss.s.Back, st.wantNode, st.wantBack)
		}
		ss.wantText(st.wantText...)
	}
	if ss.s.Need != "domestic_abuse" || ss.s.Region != "london" {
		t.Fatalf("need, region = %q, %q", ss.s.Need, ss.s.Region)
	}
	if strings.Contains(ss.screen().Text, "Org 4") {
		t.Fatal("the start screen lists organisations")
	}
}

// TestIntroOnce: a referral list says what it is and how many it found on its first
// page only; later pages say where they are in it.
func TestIntroOnce(t *testing.T) {
	ss := &session{t: t, e: newEngine(t, flows.Config{})}
	ss.start("en")
	ss.press("At home")
	ss.press("Get help")
	ss.press("London")
	ss.press("More options")
	for _, no := range []string{"These can help.", "I found"} {
		if strings.Contains(ss.screen().Text, no) {
			t.Errorf("page 2 repeats %q: %q", no, ss.screen().Text)
		}
	}
	if !strings.HasPrefix(ss.screen().Text, "4–5 of 5\n\n• Org 4") {
		t.Errorf("page 2 = %q, want it to start with its place in the list", ss.screen().Text)
	}
}

func TestActions(t *testing.T) {
	tests := []struct {
		name  string
		hint  string
		path  []string
		check func(t *testing.T, ss *session)
	}{
		{"set_pref", "en", []string{"At home", "Women only"}, func(t *testing.T, ss *session) {
			if !ss.s.WomenOnly || ss.s.Node != "referral" {
				t.Fatalf("state %+v", ss.s)
			}
		}},
		{"set_need", "en", []string{"I saw a crime"}, func(t *testing.T, ss *session) {
			if ss.s.Need != "witness" {
				t.Fatalf("need %q", ss.s.Need)
			}
		}},
		{"language button", "en", []string{"At home", "Change language"}, func(t *testing.T, ss *session) {
			if ss.s.View != flows.ViewPicker || ss.s.Node != "home" {
				t.Fatalf("state %+v", ss.s)
			}
		}},
		{"picker back", "en", []string{"At home", "Change language", "Back"}, func(t *testing.T, ss *session) {
			if ss.s.View != "" || ss.s.Node != "home" {
				t.Fatalf("state %+v", ss.s)
			}
		}},
		{"picker choice keeps the place", "en", []string{"At home", "Change language", "Português (Brasil)"}, func(t *testing.T, ss *session) {
			if ss.s.Lang != "pt-BR" || ss.s.Node != "home" {
				t.Fatalf("state %+v", ss.s)
			}
			ss.wantText("Alguém em casa machuca você?")
		}},
		{"exit button of a node", "en", []string{"I saw a crime", "Leave"}, func(t *testing.T, ss *session) {
			if !ss.out.Exit || !isZero(ss.s) {
				t.Fatalf("exit %v, state %+v", ss.out.Exit, ss.s)
			}
			ss.wantText("Done.")
		}},
		{"exit button of navigation", "en", []string{"At home", "Exit and erase"}, func(t *testing.T, ss *session) {
			if !ss.out.Exit || !isZero(ss.s) {
				t.Fatalf("exit %v, state %+v", ss.out.Exit, ss.s)
			}
		}},
		{"handoff where no case can open", "en", []string{"At home", "Get help", "London", "Contact them for me"}, func(t *testing.T, ss *session) {
			if ss.s.View != "" || ss.s.Node != "referral" || !ss.out.Fresh || ss.out.Open != "" || len(ss.out.Replies) != 1 {
				t.Fatalf("state %+v, output %+v", ss.s, ss.out)
			}
			ss.wantText("not available here")
		}},
		{"fallback is marked", "pt-BR", []string{"Vi um crime"}, func(t *testing.T, ss *session) {
			ss.wantText("You saw a crime.", "Parte desta tela ainda não foi traduzida")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := &session{t: t, e: newEngine(t, flows.Config{})}
			ss.start(tt.hint)
			for _, p := range tt.path {
				ss.press(p)
			}
			tt.check(t, ss)
		})
	}
}

func isZero(s flows.State) bool {
	b, _ := json.Marshal(s)
	return string(b) == "{}"
}

func TestCommands(t *testing.T) {
	tests := []struct {
		text     string
		wantExit bool
		wantNode string
		wantView string
		wantText string
	}{
		{"/exit", true, "", "", "Done."},
		{"/salir", true, "", "", "Done."},
		{"/SAIR@puente_bot", true, "", "", "Done."},
		{"/menu", false, "start", "", "Hello."},
		{"/inicio", false, "start", "", "Hello."},
		{"/start payload", false, "start", "", "Hello."},
		{"/back", false, "start", "", "Hello."},
		{"/volver", false, "start", "", "Hello."},
		{"/idioma", false, "home", flows.ViewPicker, "Choose your language"},
		{"/language", false, "home", flows.ViewPicker, "Choose your language"},
		{"/privacy", false, "privacy", "", "Test Org runs this bot. It forgets a conversation 24 hours after"},
		{"/privacidade", false, "privacy", "", "Test Org"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			ss := &session{t: t, e: newEngine(t, flows.Config{})}
			ss.start("en")
			ss.press("At home")
			ss.text(tt.text)
			if ss.out.Exit != tt.wantExit || ss.s.Node != tt.wantNode || ss.s.View != tt.wantView {
				t.Fatalf("exit %v node %q view %q; want %v %q %q", ss.out.Exit, ss.s.Node, ss.s.View, tt.wantExit, tt.wantNode, tt.wantView)
			}
			ss.wantText(tt.wantText)
		})
	}
}

func TestFreeText(t *testing.T) {
	const secret = "my name is Maria, call me on +44 7700 900123"
	tests := []struct{ name, text string }{
		{"free text", secret},
		{"unknown command", "/maria " + secret},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := &session{t: t, e: newEngine(t, flows.Config{})}
			ss.start("es")
			ss.press("En casa")
			before := ss.s
			ss.text(tt.text)
			if len(ss.out.Replies) != 2 || ss.out.Replies[0].Text != "Solo puedo leer los botones, así que no guardé tu mensaje. Elige un botón, por favor." {
				t.Fatalf("replies %+v", ss.out.Replies)
			}
			ss.wantText("¿Alguien en casa te hace daño?")
			before.Seq++
			if got, want := mustJSON(t, ss.s), mustJSON(t, before); got != want {
				t.Fatalf("state %s, want %s", got, want)
			}
			if strings.Contains(mustJSON(t, ss.out), "Maria") {
				t.Fatal("the output repeats what was typed")
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTokens(t *testing.T) {
	ss := &session{t: t, e: newEngine(t, flows.Config{})}
	ss.start("en")
	old, _ := ss.button("At home")
	ss.press("At home")
	valid, _ := ss.button("Get help")
	tests := []struct{ name, token string }{
		{"stale", old.Token},
		{"empty", ""},
		{"no separator", "abc"},
		{"not base 36", "!!.0"},
		{"index out of range", strings.Split(valid.Token, ".")[0] + ".z"},
		{"negative index", strings.Split(valid.Token, ".")[0] + ".-1"},
		{"huge sequence", "zzzzzzzzzzzzzz.0"},
		{"three parts", valid.Token + ".0"},
		{"long", strings.Repeat("9", 300)},
		{"invalid UTF-8", "\xff\xfe.\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ss.s
			got, out := ss.e.Step(s, flows.Event{Kind: flows.EventButton, Token: tt.token, Now: now})
			if len(out.Replies) != 2 || out.Replies[0].Text != "This button is no longer active. Here is the current screen." {
				t.Fatalf("replies %+v", out.Replies)
			}
			if got.Node != "home" || got.Seq != s.Seq+1 || !slices.Equal(got.Back, s.Back) {
				t.Fatalf("state %+v, want home again", got)
			}
			if !strings.Contains(out.Replies[1].Text, "Someone at home hurts you?") {
				t.Fatalf("current screen not shown again: %q", out.Replies[1].Text)
			}
		})
	}
	for _, row := range ss.screen().Buttons {
		for _, b := range row {
			if len(b.Token) == 0 || len(b.Token) >= 64 {
				t.Errorf("token %q of %q: %d bytes", b.Token, b.Label, len(b.Token))
			}
		}
	}
}

func TestButtonBeforeStart(t *testing.T) {
	e := newEngine(t, flows.Config{})
	s, out := e.Step(flows.State{}, flows.Event{Kind: flows.EventButton, Token: "1.0", LangHint: "es", Now: now})
	if s.Node != "start" || len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, "Hola.") {
		t.Fatalf("state %+v output %+v", s, out)
	}
}

func TestBackStack(t *testing.T) {
	ss := &session{t: t, e: newEngine(t, flows.Config{MaxBack: 2})}
	ss.start("en")
	for _, p := range []string{"At home", "Get help", "London"} {
		ss.press(p)
	}
	if want := []string{"home", "region"}; !slices.Equal(ss.s.Back, want) {
		t.Fatalf("back = %q, want %q", ss.s.Back, want)
	}
	for range 3 {
		ss.press("Back")
	}
	if ss.s.Node != "start" {
		t.Fatalf("after backing past the stack: node %q, want start", ss.s.Node)
	}
}

// Step must not change the state it is given: sessions are values.
func TestStepIsPure(t *testing.T) {
	ss := &session{t: t, e: newEngine(t, flows.Config{})}
	ss.start("en")
	ss.press("At home")
	ss.press("Get help")
	ss.press("Back")
	saved := ss.s
	savedJSON := mustJSON(t, saved)
	ss.press("Get help")
	ss.e.Step(saved, flows.Event{Kind: flows.EventButton, Token: ss.screen().Buttons[0][0].Token, Now: now})
	if got := mustJSON(t, saved); got != savedJSON {
		t.Fatalf("state changed under the caller: %s, was %s", got, savedJSON)
	}
}

// A session saved before the flows changed still works.
func TestRemovedNode(t *testing.T) {
	e := newEngine(t, flows.Config{})
	s, out := e.Step(flows.State{Lang: "en", Node: "gone", Seq: 4}, flows.Event{Kind: flows.EventText, Text: "hi", Now: now})
	if len(out.Replies) != 2 || !strings.Contains(out.Replies[1].Text, "Hello.") || s.Seq != 5 {
		t.Fatalf("state %+v output %+v", s, out)
	}
}

// Sessions run in parallel on one engine.
func TestConcurrentSteps(t *testing.T) {
	e := newEngine(t, flows.Config{})
	var wg sync.WaitGroup
	for _, hint := range []string{"en", "es", "pt-BR", ""} {
		wg.Go(func() {
			start := flows.Event{Kind: flows.EventStart, LangHint: hint, Now: now}
			s, out := e.Step(flows.State{}, start)
			for i := range 20 {
				if len(out.Replies) == 0 || out.Exit || out.Fresh {
					s, out = e.Step(s, start) // after a handoff or an exit, start again
				}
				rows := out.Replies[len(out.Replies)-1].Buttons
				if len(rows) == 0 {
					t.Errorf("%s: a screen without buttons: %+v", hint, out)
					return
				}
				s, out = e.Step(s, flows.Event{Kind: flows.EventButton, Token: rows[i%len(rows)][0].Token, Now: now})
			}
		})
	}
	wg.Wait()
}

// FuzzStep feeds any text and token to any session: the engine must answer
// with a screen (or leave) and never panic.
func FuzzStep(f *testing.F) {
	e := newEngine(f, flows.Config{})
	for _, seed := range []string{"", "/salir", "1.0", "0.0", "/start x", "\xff", "2.a", "hello"} {
		f.Add(seed, uint8(0), uint32(1))
	}
	f.Fuzz(func(t *testing.T, input string, kind uint8, seq uint32) {
		s := flows.State{Lang: "es", Node: "home", Back: []string{"start"}, Seq: seq}
		next, out := e.Step(s, flows.Event{Kind: flows.Kind(kind % 4), Text: input, Token: input, Now: now})
		if !out.Exit && out.Open == "" && !out.Fresh && out.Rate == nil && (len(out.Replies) == 0 || next.Seq == s.Seq) {
			t.Fatalf("input %q kind %d: no new screen: %+v", input, kind, out)
		}
	})
}

// Ensure the handoff button shows only when an organisation on the list takes anonymous
// conversations: otherwise it could only say that none can.
func TestHandoffButtonOnlyWhenSomeoneTakesIt(t *testing.T) {
	for _, tt := range []struct {
		name string
		rank fakeRanker
		want bool
	}{
		{"one takes handoffs", fakeRanker{n: 5}, true},
		{"none takes handoffs", fakeRanker{n: 5, noHandoff: true}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ss := &session{t: t, e: newEngineWith(t, tt.rank, flows.Config{})}
			ss.start("en")
			for _, label := range []string{"At home", "Get help", "London"} {
				ss.press(label)
			}
			got := slices.Contains(ss.labels(), "Contact them for me")
			if got != tt.want {
				t.Errorf("handoff button shown = %v, want %v; buttons %q", got, tt.want, ss.labels())
			}
		})
	}
}

// arabicRanker lists one organisation whose name is written in Arabic.
type arabicRanker struct{}

func (arabicRanker) Rank(directory.Profile, time.Time) []directory.Match {
	return []directory.Match{{Listing: &directory.Listing{ID: "1", Name: "مركز النساء",
		Contacts: []directory.Contact{{Kind: directory.Phone, Value: "020 7946 0958"}}}}}
}

// Ensure a name in a right-to-left script is isolated inside a left-to-right screen, so the
// text after it keeps its order, while the phone number stays bare and dialable.
func TestReferralIsolatesRightToLeftNames(t *testing.T) {
	e := newEngineWith(t, arabicRanker{}, flows.Config{Vars: vars})
	ss := &session{t: t, e: e}
	ss.start("en")
	for _, label := range []string{"At home", "Get help", "London"} {
		ss.press(label)
	}
	ss.wantText("• \u2068مركز النساء\u2069\n", "Phone: 020 7946 0958")
}

// TestWomenOnlyHeadings: services for everyone that follow the ones for women only are
// introduced by why they are there.
func TestWomenOnlyHeadings(t *testing.T) {
	m := func(name string, outside bool) directory.Match {
		return directory.Match{Listing: &directory.Listing{ID: name, Name: name}, Outside: outside}
	}
	tests := []struct {
		name    string
		matches []directory.Match
		want    string // text before the first listing for everyone
	}{
		{"none fits", []directory.Match{m("Everyone 1", true), m("Everyone 2", true)}, "No service only for women fits what you chose. These services can help:\n\n• Everyone 1"},
		{"one fits", []directory.Match{m("Women 1", false), m("Everyone 1", true)}, "• Women 1\n\nThat is the only service only for women that fits. Other services that can help:\n\n• Everyone 1"},
		{"none has a phone", []directory.Match{m("Women 1", false), m("Women 2", false), m("Everyone 1", true)}, "• Women 2\n\nNone of these services only for women has a phone in our list. Other services that can help:\n\n• Everyone 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := &session{t: t, e: newEngineWith(t, fixedRanker(tt.matches), flows.Config{})}
			ss.start("en")
			ss.press("At home")
			ss.press("Get help")
			ss.press("London")
			ss.wantText(tt.want)
		})
	}
}

func TestPickerExitFits(t *testing.T) {
	// More languages than one label holds: the first picker's exit button keeps
	// under MaxLabel, begins with English, and writes a shared word once.
	extra := fstest.MapFS{}
	for tag, word := range map[string]string{"ca": "Sortir", "de": "Verlassen", "fr": "Sortir", "gl": "Saír", "it": "Esci"} {
		extra["ui."+tag+".json"] = &fstest.MapFile{Data: []byte(`{"ui.language.name": "` + tag + `", "ui.picker.exit": "` + word + `"}`)}
	}
	ss := &session{t: t, e: newEngineFS(t, fakeRanker{n: 5}, flows.Config{}, extra)}
	ss.start("")
	labels := ss.labels()
	got := labels[len(labels)-1]
	if n := utf8.RuneCountInString(got); n > flows.MaxLabel {
		t.Errorf("exit label %q has %d characters, over %d", got, n, flows.MaxLabel)
	}
	words := strings.Split(got, " · ")
	if words[0] != "Exit" {
		t.Errorf("exit label %q does not begin with English", got)
	}
	if len(words) < 2 {
		t.Errorf("exit label %q has no other language", got)
	}
	for i, w := range words {
		if slices.Contains(words[:i], w) {
			t.Errorf("exit label %q repeats %q", got, w)
		}
	}
}
