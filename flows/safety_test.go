package flows_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// emergency is the emergency line as each shipped language words it; the
// lines below must stay on their screens, so a later edit cannot quietly
// drop what keeps a frightened reader safe.
var emergency = map[string][]string{
	"en":    {"Call 999", "press 55"},
	"es":    {"Llama al 999", "marca 55"},
	"pt-BR": {"Ligue 999", "digite 55"},
}

func TestSafetyLines(t *testing.T) {
	all := func(s ...string) map[string][]string {
		return map[string][]string{"en": s, "es": s, "pt-BR": s}
	}
	tests := []struct {
		node string
		why  string
		want map[string][]string // per language, parts the screen must show
	}{
		// A screen that explains a risk of the police or the Home Office says how to call 999.
		{"pol_start", "F1", emergency},
		{"pol_report", "F1", emergency},
		{"pol_options", "F1", emergency},
		{"pol_rights", "F1", emergency},
		{"wit_start", "R2", emergency},
		{"wit_cs", "R2", emergency},
		{"tr_consent", "R2", emergency},
		{"work_report", "R2", emergency},
		{"da_fm", "F16", emergency},
		{"da_start", "R2", emergency},
		{"sv_start", "R2", emergency},
		{"tr_start", "R2", emergency},
		{"work_start", "R2", emergency},
		// Where an NRM referral goes, and who can make one (check 14).
		{"tr_consent", "F2", all("Home Office")},
		{"tr_nrm", "F2", map[string][]string{
			"en":    {"Home Office decides", "whatever your nationality or immigration status", "Immigration Enforcement, Border Force and UK Visas and Immigration"},
			"es":    {"Home Office", "sin importar tu nacionalidad ni tu situación migratoria", "Immigration Enforcement, Border Force y UK Visas and Immigration"},
			"pt-BR": {"Home Office", "qualquer que seja sua nacionalidade ou situação migratória", "Immigration Enforcement, Border Force e UK Visas and Immigration"},
		}},
		// Sexual violence: time-critical care and the lines (checks 11 and 12).
		{"sv_start", "G2", map[string][]string{"en": {"last few days"}, "es": {"últimos días"}, "pt-BR": {"últimos dias"}}},
		{"sv_urgent", "G2", map[string][]string{
			"en":    {"SARC", "5 days", "72 hours", "0800 148 88 88"},
			"es":    {"SARC", "5 días", "72 horas", "0800 148 88 88"},
			"pt-BR": {"SARC", "5 dias", "72 horas", "0800 148 88 88"},
		}},
		{"sv_support", "F10", all("0808 500 2222", "247sexualabusesupport.org.uk", "08088 01 03 02")},
		// Domestic abuse: each nation's helpline on the screen itself.
		{"da_help", "G1", all("0808 2000 247", "0800 027 1234", "0808 80 10 800", "0808 802 1414")},
		{"da_fm", "F16", all("0800 5999 247")},
		// Immigration advisers' regulator under its current name (check 13).
		{"st_advice", "F6", all("IAA", "Immigration Advice Authority")},
		// Third-party hate crime reporting passes the report on.
		{"wit_hate", "F9", map[string][]string{"en": {"passes it to the police", "leave your name out"}, "es": {"se la pasa a la policía", "no den tu nombre"}, "pt-BR": {"passa para a polícia", "não deem seu nome"}}},
		{"pol_options", "F9", map[string][]string{"en": {"passes it to the police", "leave your name out"}, "es": {"se la pasa a la policía", "no den tu nombre"}, "pt-BR": {"passa para a polícia", "não deem seu nome"}}},
		// Calling 999 without speaking or hearing (E4-E6, check 6).
		{"emergency", "F14", all("999", "55", "112")},
		{"emergency_deaf", "F14", all("999bsl.co.uk", "register", "18000")},
		// Keeping evidence without it being found on the phone; what reporting brings.
		{"da_evidence", "G4", all("Bright Sky")},
		{"pol_after", "G7", all("Victim Personal Statement")},
		// A&E is free only until admitted.
		{"hl_free", "F8", map[string][]string{"en": {"kept in hospital"}, "es": {"te internan"}, "pt-BR": {"internado(a)"}}},
	}
	e := shipped(t)
	for _, tt := range tests {
		for lang, parts := range tt.want {
			reply, err := e.Render(flows.State{Lang: lang, Node: tt.node}, now)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, tt.node, err)
			}
			for _, p := range parts {
				if !strings.Contains(reply.Text, p) {
					t.Errorf("%s %s (%s): the screen lacks %q:\n%s", lang, tt.node, tt.why, p, reply.Text)
				}
			}
		}
	}
}

// TestWitnessWarningBeside101 keeps the warning that police may share a
// witness's details on the same line as the 101 number (F3), in every
// language, rather than one button away.
func TestWitnessWarningBeside101(t *testing.T) {
	e := shipped(t)
	for _, lang := range []string{"en", "es", "pt-BR"} {
		reply, err := e.Render(flows.State{Lang: lang, Node: "wit_start"}, now)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, line := range strings.Split(reply.Text, "\n") {
			if strings.Contains(line, "101") {
				found = true
				if !strings.Contains(line, "Home Office") {
					t.Errorf("%s: the 101 line lacks the Home Office warning: %q", lang, line)
				}
			}
		}
		if !found {
			t.Errorf("%s: wit_start does not give 101:\n%s", lang, reply.Text)
		}
	}
}

// TestListsInTheReadersLanguage keeps English out of Spanish and Portuguese lists: a contact
// note code is worded by the catalogue, and a listing whose name has a common local form
// shows it, in the reader's language.
func TestListsInTheReadersLanguage(t *testing.T) {
	e := shipped(t)
	tests := []struct {
		name    string
		english string
		want    map[string]string
	}{
		{"contact note", "(textphone)", map[string]string{"en": "(textphone)", "es": "(teléfono de texto para personas sordas)", "pt-BR": "(telefone de texto para pessoas surdas)"}},
		{"listing name", "Police non-emergency", map[string]string{"en": "Police non-emergency 101", "es": "Policía para casos que no son emergencia (101)", "pt-BR": "Polícia para casos que não são emergência (101)"}},
	}
	for _, tt := range tests {
		for lang, w := range tt.want {
			text := ""
			for page := 0; page < 10 && !strings.Contains(text, w); page++ {
				reply, err := e.Render(flows.State{Lang: lang, Node: "referral", Need: "witness", Region: "uk", Page: page}, now)
				if err != nil {
					t.Fatal(err)
				}
				text += reply.Text
			}
			if !strings.Contains(text, w) {
				t.Errorf("%s, %s: the witness list does not show %q:\n%s", tt.name, lang, w, text)
			}
			if lang != "en" && strings.Contains(text, tt.english) {
				t.Errorf("%s, %s: the list shows the English %q:\n%s", tt.name, lang, tt.english, text)
			}
		}
	}
}

// TestListingNameMessagesMatchTheDirectory finds a name translation whose English text no
// starter listing carries any more: it would never be shown.
func TestListingNameMessagesMatchTheDirectory(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	listings, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, id := range cat.IDs(locales.Default) {
		if !strings.HasPrefix(id, flows.ListingNamePrefix) {
			continue
		}
		found++
		name := cat.Text(locales.Default, id, nil)
		if !slices.ContainsFunc(listings, func(l *directory.Listing) bool { return l.Name == name }) {
			t.Errorf("%s translates %q, which no starter listing is called", id, name)
		}
	}
	if found == 0 {
		t.Fatal("no listing name messages")
	}
}

// TestNoBreezyHeadings keeps "Good to know" and its translations off every screen: they read
// lightly above danger, coercion and data sharing.
func TestNoBreezyHeadings(t *testing.T) {
	e := shipped(t)
	for _, sc := range e.Screens() {
		reply, err := e.Render(sc.State, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"Good to know", "Para tener en cuenta", "Bom saber"} {
			if strings.Contains(reply.Text, h) {
				t.Errorf("%s %s: %q on the screen", sc.State.Lang, sc.State.Node, h)
			}
		}
	}
}
