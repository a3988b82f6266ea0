package flows_test

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// rtlTestFS is the shipped message files plus an Arabic made from the
// English: every text led by Arabic letters, so that it is right to left
// while keeping the English numbers, links and placeholders; a plural
// message gets all six Arabic forms.
func rtlTestFS(t *testing.T) fstest.MapFS {
	t.Helper()
	files := overlay(t, "*.json", nil, locales.Files())
	names, err := fs.Glob(locales.Files(), "*.en.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		var msgs map[string]map[string]string
		if err := json.Unmarshal(files[name].Data, &msgs); err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]string{}
		for id, m := range msgs {
			if strings.HasPrefix(id, "bot.cmd.") && (strings.HasSuffix(id, ".name") || strings.HasSuffix(id, ".aliases")) {
				// Command words are Latin letters in every language (Telegram's rule).
				out[id] = map[string]string{"other": m["other"]}
				continue
			}
			ar := map[string]string{"other": "نص عربي: " + m["other"]}
			if one, ok := m["one"]; ok {
				for _, f := range []string{"zero", "one", "two", "few", "many"} {
					ar[f] = "نص عربي: " + one
				}
			}
			out[id] = ar
		}
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		files[strings.Replace(name, ".en.", ".ar.", 1)] = &fstest.MapFile{Data: b}
	}
	return files
}

var (
	asciiNumber   = regexp.MustCompile(`[0-9]+`)
	link          = regexp.MustCompile(`(?:https?://|www\.)[^\s\x{2066}-\x{2069}]+`)
	arabic        = regexp.MustCompile(`\p{Arabic}`)
	easternDigits = regexp.MustCompile(`[\x{660}-\x{669}\x{6f0}-\x{6f9}]`)
)

// isolatedAt reports, for each byte of s, whether it is inside a bidi
// isolate; a paragraph break closes every isolate, as in UAX #9.
func isolatedAt(s string) []bool {
	in := make([]bool, len(s))
	depth := 0
	for i, r := range s {
		switch r {
		case '\u2066', '\u2067', '\u2068':
			depth++
		case '\u2069':
			depth = max(depth-1, 0)
		case '\n':
			depth = 0
		}
		for j := i; j < i+len(string(r)); j++ {
			in[j] = depth > 0
		}
	}
	return in
}

// checkIsolated reports each number or link of s outside an isolate.
func checkIsolated(t *testing.T, where, s string) {
	t.Helper()
	in := isolatedAt(s)
	for _, re := range []*regexp.Regexp{asciiNumber, link} {
		for _, m := range re.FindAllStringIndex(s, -1) {
			for i := m[0]; i < m[1]; i++ {
				if !in[i] {
					t.Errorf("%s: %q is not isolated in %q", where, s[m[0]:m[1]], s)
					break
				}
			}
		}
	}
	if d := easternDigits.FindString(s); d != "" {
		t.Errorf("%s: digit %q is not the original digit: %q", where, d, s)
	}
}

// Ensure every screen of the flows, in every right-to-left language shipped
// and in a test Arabic made from the English, shows each number and link
// isolated and each number of the English in its original digits, and a
// phone number written in the sentence itself isolated whole.
func TestRightToLeftScreens(t *testing.T) {
	shipped, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	test, err := locales.LoadFS(rtlTestFS(t))
	if err != nil {
		t.Fatal(err)
	}
	catalogs := map[string]*locales.Catalog{"test ar": test}
	for _, lang := range shipped.Tags() {
		if locales.IsRTL(lang) {
			catalogs["shipped "+lang] = shipped
		}
	}
	set, err := flows.Load()
	if err != nil {
		t.Fatal(err)
	}
	listings, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	cfg := flows.Config{Vars: map[string]any{"OperatorName": "Example Organisation", "OperatorContact": "hello@example.org", "SessionHours": 24, "DeleteHours": 48}}
	for name, cat := range catalogs {
		t.Run(name, func(t *testing.T) {
			e, err := flows.New(set, cat, directory.New(listings), cfg)
			if err != nil {
				t.Fatal(err)
			}
			screens, wholePhones := 0, 0
			for _, sc := range e.Screens() {
				if !locales.IsRTL(sc.State.Lang) || (name != "test ar" && !strings.HasPrefix(name, "shipped "+sc.State.Lang)) {
					continue
				}
				screens++
				where := sc.State.Lang + " " + sc.State.Node + " " + sc.State.Need + sc.State.View
				reply, err := e.Render(sc.State, now)
				if err != nil {
					t.Errorf("%s: %v", where, err)
				}
				text := reply.Text
				if sc.State.View == flows.ViewPicker {
					// The picker has a line in each language; only the
					// right-to-left ones are held here.
					var rtl []string
					for _, line := range strings.Split(text, "\n") {
						if arabic.MatchString(line) {
							rtl = append(rtl, line)
						}
					}
					text = strings.Join(rtl, "\n")
				}
				checkIsolated(t, where, text)
				for _, row := range reply.Buttons {
					for _, b := range row {
						checkIsolated(t, where+" button", b.Label)
					}
				}
				if e.Referral(sc.State.Node) {
					// A list ranks for the reader's language, so the English list
					// holds other organisations; their numbers are inserted values,
					// held isolated above.
					continue
				}
				en := sc.State
				en.Lang = locales.Default
				enReply, err := e.Render(en, now)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range asciiNumber.FindAllString(strings.ReplaceAll(enReply.Text, "24/7", "24"), -1) {
					if !strings.Contains(reply.Text, n) {
						t.Errorf("%s: the number %s of the English is not in %q", where, n, reply.Text)
					}
				}
				if strings.Contains(enReply.Text, "0808 2000 247") {
					// Written in the sentence itself, not inserted: whole, in
					// one isolate (checkIsolated saw it isolated).
					wholePhones++
					if !strings.Contains(reply.Text, "0808 2000 247") {
						t.Errorf("%s: 0808 2000 247 is not kept whole: %q", where, reply.Text)
					}
				}
			}
			if screens == 0 {
				t.Fatal("no right-to-left screen rendered")
			}
			if name == "test ar" && wholePhones == 0 {
				t.Fatal("no screen writes 0808 2000 247: the literal check checked nothing")
			}
			t.Logf("%d screens, %d with 0808 2000 247", screens, wholePhones)
		})
	}
}
