package flows_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// shipped is the engine over the embedded flows, messages and directory.
func shipped(t *testing.T) *flows.Engine {
	t.Helper()
	listings, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	return shippedWith(t, directory.New(listings))
}

// shippedWith is the engine over the embedded flows and messages and the given directory.
func shippedWith(t *testing.T, rank directory.Ranker) *flows.Engine {
	t.Helper()
	set, err := flows.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	e, err := flows.New(set, cat, rank, flows.Config{Vars: map[string]any{
		"OperatorName": "Example Organisation", "OperatorContact": "hello@example.org", "SessionHours": 24, "DeleteHours": 24,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEveryScreen renders every node of every flow file in every shipped
// language, strictly: the list comes from the flow files themselves.
func TestEveryScreen(t *testing.T) {
	e := shipped(t)
	screens := e.Screens()
	if len(screens) == 0 {
		t.Fatal("no screens")
	}
	for _, sc := range screens {
		name := sc.State.Lang + "/" + sc.State.Node + sc.State.View + "/" + sc.State.Need
		reply, err := e.Render(sc.State, now)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if strings.Contains(reply.Text, "<no value>") {
			t.Errorf("%s: <no value> in %q", name, reply.Text)
		}
		if n := utf8.RuneCountInString(reply.Text); n > flows.MaxText || n == 0 {
			t.Errorf("%s: %d characters", name, n)
		}
		if len(reply.Buttons) == 0 {
			t.Errorf("%s: no buttons", name)
		}
	}
}

// TestEveryPath presses every button from the start in every language and
// checks that the presses reach every node, with Back, Menu and Exit on
// every screen but the first.
func TestEveryPath(t *testing.T) {
	e := shipped(t)
	cat := e.Catalog()
	for _, lang := range cat.Tags() {
		t.Run(lang, func(t *testing.T) {
			nav := []string{cat.Text(lang, "ui.nav.back", nil), cat.Text(lang, "ui.nav.menu", nil), cat.Text(lang, "ui.nav.exit", nil)}
			s, out := e.Step(flows.State{Lang: lang}, flows.Event{Kind: flows.EventStart, Now: now})
			type visit struct {
				s     flows.State
				reply flows.Reply
			}
			start := s.Node
			queue := []visit{{s, out.Replies[0]}}
			seen := map[string]bool{s.Node: true}
			for len(queue) > 0 {
				v := queue[0]
				queue = queue[1:]
				var labels []string
				for _, row := range v.reply.Buttons {
					for _, b := range row {
						labels = append(labels, b.Label)
						next, out := e.Step(v.s, flows.Event{Kind: flows.EventButton, Token: b.Token, Now: now})
						if out.Exit || out.Fresh || next.View != "" || seen[next.Node] {
							continue
						}
						if len(out.Replies) != 1 {
							t.Fatalf("%s -> %q: replies %+v", v.s.Node, b.Label, out.Replies)
						}
						seen[next.Node] = true
						queue = append(queue, visit{next, out.Replies[0]})
					}
				}
				joined := strings.Join(labels, "|")
				for i, n := range nav {
					if (i < 2 && v.s.Node == start) || strings.Contains(joined, n) {
						continue
					}
					t.Errorf("%s: no %q among %q", v.s.Node, n, labels)
				}
			}
			for _, id := range e.Screens() {
				// A question is asked only when its answer can change the list, so
				// the first way to it may pass it over: TestQuestions walks them.
				if id.Node != nil && id.Node.Ask == "" && !seen[id.Node.ID] {
					t.Errorf("node %s was not reached by pressing buttons", id.Node.ID)
				}
			}
		})
	}
}

// TestQuestions walks the shipped referral questions as people would: each is asked
// only when its answer can change the list, and an answer not given is forgotten.
func TestQuestions(t *testing.T) {
	e := shipped(t)
	tests := []struct {
		name   string
		lang   string
		path   []string // button labels from the menu
		region string   // label on the region question
		want   []string // the questions asked after the region, by node
		state  flows.State
	}{
		{"Spanish, abuse at home, London: Latin American services already come first, so only women's services are asked", "es",
			[]string{"Elegir un tema", "Solo buscar una organización", "Maltrato en casa"}, "En Londres",
			[]string{"pref_ask", "referral"}, flows.State{Need: "domestic_abuse", Region: "london"}},
		{"English, abuse at home, London: no community to offer", "en",
			[]string{"Choose a topic", "Just find an organisation", "Abuse at home"}, "In London",
			[]string{"pref_ask", "referral"}, flows.State{Need: "domestic_abuse", Region: "london"}},
		{"Spanish, abuse at home, Manchester: no Latin American organisation there", "es",
			[]string{"Elegir un tema", "Solo buscar una organización", "Maltrato en casa"}, "Noroeste (Manchester…)",
			[]string{"pref_ask", "referral"}, flows.State{Need: "domestic_abuse", Region: "north_west"}},
		{"prefer not to say what it is about: no need recorded", "pt-BR",
			[]string{"Escolher um assunto", "Só encontrar uma organização", "Outro / prefiro não dizer"}, "Prefiro não dizer",
			[]string{"pref_ask", "referral"}, flows.State{Need: "", Region: "uk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := &session{t: t, e: e}
			ss.start(tt.lang)
			for _, l := range tt.path {
				ss.press(l)
			}
			ss.press(tt.region)
			var got []string
			for {
				got = append(got, ss.s.Node)
				if ss.s.Node == "referral" || len(got) > 4 {
					break
				}
				// The first answer of each question: yes / only women's services.
				ss.press(ss.labels()[0])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("questions = %q, want %q", got, tt.want)
			}
			if ss.s.Need != tt.state.Need || ss.s.Region != tt.state.Region {
				t.Errorf("need, region = %q, %q; want %q, %q", ss.s.Need, ss.s.Region, tt.state.Need, tt.state.Region)
			}
		})
	}
}

// TestWitnessIsNotAskedAboutWomenOnly: a witness goes from the region to the list, even
// after an earlier path where they asked for women's services.
func TestWitnessIsNotAskedAboutWomenOnly(t *testing.T) {
	e := shipped(t)
	ss := &session{t: t, e: e}
	ss.start("es")
	ss.press("Elegir un tema")
	ss.press("Solo buscar una organización")
	ss.press("Maltrato en casa")
	ss.press("En Londres")
	ss.press("Solo servicios para mujeres")
	if !ss.s.WomenOnly {
		t.Fatalf("women only, community = %v, %q", ss.s.WomenOnly, ss.s.Community)
	}
	ss.press("Menú")
	ss.press("Elegir un tema")
	ss.press("Vi un delito contra alguien")
	ss.press("Buscar una organización")
	ss.press("En Londres")
	if ss.s.Node != "referral" {
		t.Fatalf("after the region: node %q, want the list", ss.s.Node)
	}
	if ss.s.WomenOnly || ss.s.Community != "" {
		t.Errorf("women only, community = %v, %q: answers to questions not asked must be forgotten", ss.s.WomenOnly, ss.s.Community)
	}
	text := ss.screen().Text
	if strings.Contains(text, "Modern Slavery") || !strings.Contains(text, "Victim Support") {
		t.Errorf("a witness's list: %q", text)
	}
}

// TestCommunityQuestion: the community question is asked when choosing the community
// changes the first page, names the community in the person's language, and its "yes"
// records the community for the list and the case card.
func TestCommunityQuestion(t *testing.T) {
	verified := now.AddDate(0, -1, 0)
	listing := func(name string, c directory.Community, s directory.Stance) *directory.Listing {
		return &directory.Listing{ID: directory.DeriveID(name), Name: name, Kind: directory.Service, Status: directory.Active,
			Needs: []directory.Need{directory.DomesticAbuse}, Languages: []string{"en"}, Communities: []directory.Community{c},
			Regions: []directory.Region{directory.London}, DataSharing: s, VerifiedAt: verified,
			Contacts: []directory.Contact{{Kind: directory.Phone, Value: "020 7946 0000"}}}
	}
	d := directory.New([]*directory.Listing{
		listing("Brazilian Group", directory.Brazilian, directory.StanceUnknown),
		listing("Latin Group", directory.LatinAmerican, directory.StanceDoesNotShare),
		listing("General One", directory.Refugees, directory.StanceUnknown),
	})
	ss := &session{t: t, e: shippedWith(t, d)}
	ss.start("pt-BR")
	ss.press("Escolher um assunto")
	ss.press("Só encontrar uma organização")
	ss.press("Violência em casa")
	ss.press("Em Londres")
	if ss.s.Node != "com_ask" {
		t.Fatalf("after the region: node %q, want the community question", ss.s.Node)
	}
	ss.wantText("Algumas organizações da lista são para brasileiros e brasileiras.")
	ss.press("Sim, uma dessas")
	if ss.s.Community != "brazilian" {
		t.Errorf("community = %q, want brazilian", ss.s.Community)
	}
	if ss.s.Node != "referral" {
		t.Fatalf("node %q, want the list (no women-only service fits)", ss.s.Node)
	}
	text := ss.screen().Text
	if i, j := strings.Index(text, "Brazilian Group"), strings.Index(text, "Latin Group"); i < 0 || j < 0 || i > j {
		t.Errorf("the chosen community's service does not come first:\n%s", text)
	}
}
