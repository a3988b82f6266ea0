package flows_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// testFlows is testdata/flows with some files replaced or added.
func testFlows(t *testing.T, extra fstest.MapFS) fstest.MapFS {
	t.Helper()
	return overlay(t, "*.toml", extra, os.DirFS("testdata/flows"))
}

const meta = "[meta]\nreviewed = \"2026-11-27\"\n\n"

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestCheck(t *testing.T) {
	// The test flows lack one pt-BR message on purpose (to show the
	// fallback); every case but that one adds it back.
	complete := fstest.MapFS{"content.pt-BR.json": file(`{
"content.t.hello": "Olá.", "content.t.safety": "{{.OperatorName}} mantém este bot.",
"content.t.home": "Alguém em casa machuca você?", "content.t.region": "Onde você está?",
"content.t.witness": "Você viu um crime.", "content.t.referral": "Estas podem ajudar.",
"content.t.btn.home": "Em casa", "content.t.btn.witness": "Vi um crime", "content.t.btn.women": "Só mulheres",
"content.t.btn.help": "Buscar ajuda", "content.t.btn.language": "Mudar idioma", "content.t.btn.london": "Londres",
"content.t.btn.skip": "Prefiro não dizer", "content.t.btn.leave": "Sair", "content.t.btn.handoff": "Contate por mim",
"content.t.privacy": "{{.OperatorName}} mantém este bot por {{.SessionHours}} horas.", "content.t.btn.privacy": "Privacidade"}`)}
	tests := []struct {
		name    string
		flows   fstest.MapFS
		locales fstest.MapFS
		want    []string // the defects, each as a part of its line
	}{
		{name: "sound", want: nil},
		{
			name:  "broken target",
			flows: fstest.MapFS{"x.toml": file(meta + "[[node]]\nid = \"x\"\nsay = [\"content.t.home\"]\nbuttons = [\n  { label = \"content.t.btn.home\", next = \"nowhere\" },\n]\n")},
			want:  []string{`x.toml:8: node "x": button "content.t.btn.home" leads to "nowhere", which does not exist`, `x.toml:5: node "x" cannot be reached`},
		},
		{
			name:  "question without skip, unknown question, skip without question",
			flows: fstest.MapFS{"x.toml": file(meta + "[[node]]\nid = \"x\"\nask = \"women_only\"\nsay = [\"content.t.home\"]\n[[node]]\nid = \"y\"\nask = \"age\"\nskip = \"x\"\nsay = [\"content.t.home\"]\n[[node]]\nid = \"z\"\nskip = \"x\"\nsay = [\"content.t.home\"]\n")},
			want: []string{`x.toml:5: node "x": ask = "women_only" needs skip`, `x.toml:10: node "y": ask can only be "community" or "women_only", not "age"`,
				`x.toml:15: node "z": skip = "x" without ask`},
		},
		{
			name:  "unreachable node",
			flows: fstest.MapFS{"x.toml": file(meta + "# an orphan\n[[node]]\nid = \"orphan\"\nsay = [\"content.t.home\"]\n")},
			want:  []string{`x.toml:6: node "orphan" cannot be reached from the start node "start"`},
		},
		{
			name:    "missing translation",
			locales: fstest.MapFS{"content.es.json": file(`{"content.t.hello": "Hola."}`)},
			want:    []string{`content.en.json:`, `message "content.t.home" is missing in es (content.es.json)`},
		},
		{
			name: "placeholder mismatch",
			locales: fstest.MapFS{"content.es.json": file(strings.Replace(readFile(t, "testdata/locales/content.es.json"),
				"{{.OperatorName}} gestiona", "{{.Operador}} gestiona", 1))},
			want: []string{`content.es.json:3: message "content.t.safety" (es) has placeholders [Operador], English has [OperatorName]`},
		},
		{
			name: "missing plural form",
			locales: fstest.MapFS{
				"extra.en.json":    file(`{"extra.n": {"description": "d", "one": "{{.Count}} org", "other": "{{.Count}} orgs"}}`),
				"extra.es.json":    file(`{"extra.n": {"one": "{{.Count}} org", "many": "{{.Count}} orgs", "other": "{{.Count}} orgs"}}`),
				"extra.pt-BR.json": file(`{"extra.n": {"one": "{{.Count}} org", "other": "{{.Count}} orgs"}}`),
			},
			want: []string{`extra.pt-BR.json:1: message "extra.n" (pt-BR) lacks the plural form "many"`},
		},
		{
			name:  "missing message",
			flows: fstest.MapFS{"start.toml": file(strings.Replace(readFile(t, "testdata/flows/start.toml"), `"content.t.safety"`, `"content.t.safe"`, 1))},
			want:  []string{`start.toml:9: node "start": message "content.t.safe" does not exist`},
		},
		{
			name:  "unknown action and argument",
			flows: fstest.MapFS{"x.toml": file(meta + "[[node]]\nid = \"x\"\nnav = \"none\"\nsay = [\"content.t.home\"]\nbuttons = [\n  { label = \"content.t.btn.home\", do = \"jump\" },\n  { label = \"content.t.btn.help\", next = \"start\", do = \"set_need\", arg = \"papers\" },\n  { label = \"content.t.btn.leave\", next = \"start\", do = \"exit\" },\n]\n")},
			want: []string{
				`x.toml:6: node "x": nav "none"`,
				`x.toml:9: node "x": button "content.t.btn.home": unknown action "jump"`,
				`x.toml:10: node "x": button "content.t.btn.help": "papers" is not a need`,
				`x.toml:11: node "x": button "content.t.btn.leave": do = "exit" takes no next and no arg`,
				`x.toml:5: node "x" cannot be reached`,
			},
		},
		{
			name:  "second start and no review date",
			flows: fstest.MapFS{"x.toml": file("[[node]]\nid = \"again\"\nnav = \"no_back\"\nsay = [\"content.t.home\"]\n")},
			want:  []string{`x.toml:1: meta.reviewed "" is not a date`, `exactly one node must have nav = "no_back" (the start node); found 2`},
		},
		{
			name:    "unused flow text",
			locales: fstest.MapFS{"extra.en.json": file(`{"content.t.old": {"description": "d", "other": "Old"}}`), "extra.es.json": file(`{"content.t.old": "Viejo"}`), "extra.pt-BR.json": file(`{"content.t.old": "Velho"}`)},
			want:    []string{`extra.en.json:1: message "content.t.old" is used by no flow`},
		},
		{
			name:    "label too long",
			locales: fstest.MapFS{"content.es.json": file(strings.Replace(readFile(t, "testdata/locales/content.es.json"), `"En casa"`, `"En casa, con alguien que me hace daño"`, 1))},
			want:    []string{`start.toml:7: node "start": es: button "En casa, con alguien que me hace daño" has 37 characters, over 30`},
		},
		{
			name:    "screen too long",
			locales: fstest.MapFS{"content.es.json": file(strings.Replace(readFile(t, "testdata/locales/content.es.json"), `"¿Dónde estás?"`, `"`+strings.Repeat("¿Dónde estás? ", 300)+`"`, 1))},
			want:    []string{`help.toml:5: node "region": es: the screen has 4200 characters, over 4096`},
		},
		{
			name:    "police named without the emergency line",
			locales: fstest.MapFS{"content.en.json": file(strings.Replace(readFile(t, "testdata/locales/content.en.json"), `"You saw a crime."`, `"You saw a crime. The Police may share what you say."`, 1))},
			want:    []string{`help.toml:14: node "witness": content.t.witness names "Police" but the screen does not show "content.common.emergency"`},
		},
		{
			name: "police named with a reason",
			flows: fstest.MapFS{"help.toml": file(strings.Replace(readFile(t, "testdata/flows/help.toml"), `say = ["content.t.witness"]`,
				"say = [\"content.t.witness\"]\nno_emergency = \"names the police only as a route\"", 1))},
			locales: fstest.MapFS{"content.en.json": file(strings.Replace(readFile(t, "testdata/locales/content.en.json"), `"You saw a crime."`, `"You saw a crime. Tell the police if you like."`, 1))},
			want:    nil,
		},
		{
			name: "a reason where none is needed",
			flows: fstest.MapFS{"help.toml": file(strings.Replace(readFile(t, "testdata/flows/help.toml"), `say = ["content.t.witness"]`,
				"say = [\"content.t.witness\"]\nno_emergency = \"kept from an older text\"", 1))},
			want: []string{`help.toml:15: node "witness": no_emergency is set but the screen names neither the police nor the Home Office`},
		},
		{
			name: "handoff label too long",
			locales: fstest.MapFS{"handoff.es.json": file(strings.Replace(readFile(t, "../locales/handoff.es.json"),
				`"other": "Sí, empezar"`, `"other": "Sí, empezar la conversación ahora"`, 1))},
			want: []string{`es: button "Sí, empezar la conversación ahora" has 33 characters, over 30`,
				`message "handoff.btn.yes" (es): button "Sí, empezar la conversación ahora" has 33 characters, over 30`},
		},
		{
			name: "handoff message too long",
			locales: fstest.MapFS{"handoff.es.json": file(strings.Replace(readFile(t, "../locales/handoff.es.json"),
				`"other": "Enviado."`, `"other": "`+strings.Repeat("Enviado. ", 70)+`"`, 1))},
			want: []string{`message "handoff.file.sent" (es): the message has 630 characters, over 600: split it`},
		},
		{
			name:    "screen too long to read",
			locales: fstest.MapFS{"content.es.json": file(strings.Replace(readFile(t, "testdata/locales/content.es.json"), `"¿Dónde estás?"`, `"`+strings.Repeat("¿Dónde estás? ", 50)+`"`, 1))},
			want:    []string{`help.toml:5: node "region": es: the screen has 700 characters, over 600: split it`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := flows.LoadFS(testFlows(t, tt.flows))
			if err != nil {
				t.Fatal(err)
			}
			extra := fstest.MapFS{}
			for n, f := range complete {
				extra[n] = f
			}
			for n, f := range tt.locales {
				extra[n] = f
			}
			cat, err := locales.LoadFS(catalogFS(t, extra))
			if err != nil {
				t.Fatal(err)
			}
			defects := flows.Check(set, cat, fakeRanker{n: 5}, flows.Config{Vars: vars}, now)
			var got []string
			for _, d := range defects {
				got = append(got, d.String())
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				if !found {
					t.Errorf("no defect contains %q; defects:\n%s", w, strings.Join(got, "\n"))
				}
			}
			if tt.want == nil && len(got) > 0 {
				t.Errorf("defects:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"no files", fstest.MapFS{}, "no flow files"},
		{"syntax", fstest.MapFS{"x.toml": file(meta + "[[node]]\nid = \"x\nsay = []\n")}, "x.toml:5:"},
		{"unknown key", fstest.MapFS{"x.toml": file(meta + "[[node]]\nid = \"x\"\nbuttons = [{ label = \"a\", nxt = \"b\" }]\n")}, `x.toml:6: unknown key "node.buttons.nxt"`},
		{"duplicate id", fstest.MapFS{"x.toml": file(meta + "[[node]]\nid = \"x\"\n\n[[node]]\nid = \"x\"\n")}, `x.toml:8: node "x" already defined at x.toml:5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := flows.LoadFS(tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadFS error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
