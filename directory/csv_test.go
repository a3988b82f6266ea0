package directory

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

const header = "name,kind,needs,languages,hours,phone,verified_at\r\n"

// problemsOf reads a CSV and returns its problems as strings.
func problemsOf(t *testing.T, csv string) ([]*Listing, []string) {
	t.Helper()
	ls, probs := ReadCSV(strings.NewReader(csv))
	var out []string
	for _, p := range probs {
		if !p.Warning {
			out = append(out, p.String())
		}
	}
	return ls, out
}

func TestReadCSVBadInput(t *testing.T) {
	ok := "Help Line,helpline,domestic_abuse,pt,24/7,0800 000 000,2026-11-01\r\n"
	tests := []struct {
		name string
		csv  string
		want []string // each problem, in order
	}{
		{"good file", header + ok, nil},
		{"byte order mark", "\ufeff" + header + ok, nil},
		{"UTF-16", "\xff\xfe" + "n\x00a\x00", []string{"the file is UTF-16 or binary, not a CSV in UTF-8; in your spreadsheet choose Save as > CSV UTF-8"}},
		{"Windows-1252", header + "Caf\xe9 Line,helpline,domestic_abuse,pt,24/7,0800 000 000,2026-11-01\r\n",
			[]string{"line 2 is not UTF-8 text (perhaps Windows-1252 or Latin-1); in your spreadsheet choose Save as > CSV UTF-8"}},
		{"empty file", "", []string{"the file is empty; it needs a header row (see the column list)"}},
		{"missing required column", "name,kind\r\nA,helpline\r\n", []string{"row 1: needs: this required column is missing"}},
		{"unknown column", "name,kind,needs,langauges\r\n", []string{`row 1: langauges: is not a known column; remove it or rename it (did you mean languages?)`}},
		{"repeated column", "name,kind,needs,name\r\n", []string{"row 1: name: this column appears twice"}},
		{"too few cells", header + "A,helpline\r\n", []string{"row 2: has 2 cells but the header has 7 columns"}},
		{"too many cells", header + strings.TrimSuffix(ok, "\r\n") + ",extra\r\n", []string{"row 2: has 8 cells but the header has 7 columns"}},
		{"misplaced quote", header + "A \"B\" C,helpline,domestic_abuse,pt,24/7,0800 000 000,2026-11-01\r\n",
			[]string{`row 2: a quote (") is misplaced or not closed near line 2, column 3; put quotes around the whole cell and double any quote inside it; the rest of the file was not read`}},
		{"quoted cell with comma, quotes and newline", header + "\"Help, \"\"the\"\"\nline\",helpline,domestic_abuse,pt,24/7,0800 000 000,2026-11-01\r\n", nil},
		{"formula", header + "\"=HYPERLINK(\"\"http://x\"\")\",helpline,domestic_abuse,pt,24/7,0800 000 000,2026-11-01\r\n",
			[]string{`row 2: name: "=HYPERLINK(\"http://x\")" looks like a spreadsheet formula; formulas are not accepted (start the cell with ' to keep it as text)`}},
		{"formula with plus", header + "A,helpline,domestic_abuse,pt,24/7,+cmd|' /C calc'!A0,2026-11-01\r\n",
			[]string{`row 2: phone: "+cmd|' /C calc'!A0" looks like a spreadsheet formula; formulas are not accepted (start the cell with ' to keep it as text)`}},
		{"the police marked no", "name,kind,needs,phone,public_body\r\nPolice,helpline,witness,101,no\r\n",
			[]string{"row 2: public_body: its phone is 999, 112 or 101 (the police): set public_body to yes"}},
		{"the police marked", "name,kind,needs,phone,public_body\r\nPolice,helpline,witness,101,yes\r\n", nil},
		{"international phone is not a formula", header + "A,helpline,domestic_abuse,pt,24/7,+44 (0)20 7000 0000,2026-11-01\r\n", nil},
		{"unknown language", header + "A,helpline,domestic_abuse,portugese,24/7,0800 000 000,2026-11-01\r\n",
			[]string{`row 2: languages: "portugese" is not a language code; did you mean pt?`}},
		{"unknown need", header + "A,helpline,domestic_abuse; labor_exploitation,pt,24/7,0800 000 000,2026-11-01\r\n",
			[]string{`row 2: needs: "labor_exploitation" is not a need; did you mean labour_exploitation?`}},
		{"impossible hour", header + "A,helpline,domestic_abuse,pt,Mo-Fr 09:00-25:00,0800 000 000,2026-11-01\r\n",
			[]string{`row 2: hours: "25:00" is not a time of day`}},
		{"opens and closes at once", header + "A,helpline,domestic_abuse,pt,Mo 10:00-10:00,0800 000 000,2026-11-01\r\n",
			[]string{`row 2: hours: "10:00-10:00" opens and closes at the same time`}},
		{"overlapping hours", header + "A,helpline,domestic_abuse,pt,\"Mo 09:00-13:00,12:00-17:00\",0800 000 000,2026-11-01\r\n",
			[]string{"row 2: hours: Mo 09:00-13:00 and Mo 12:00-17:00 overlap"}},
		{"unknown day", header + "A,helpline,domestic_abuse,pt,Mn 09:00-17:00,0800 000 000,2026-11-01\r\n",
			[]string{`row 2: hours: "Mn" is not a day (use Mo Tu We Th Fr Sa Su)`}},
		{"bad phone", header + "A,helpline,domestic_abuse,pt,24/7,call us,2026-11-01\r\n",
			[]string{`row 2: phone: "call us" is not a phone number (digits, spaces and + only; put notes in brackets at the end)`}},
		{"bad date", header + "A,helpline,domestic_abuse,pt,24/7,0800 000 000,11/31/2026\r\n",
			[]string{`row 2: verified_at: "11/31/2026" is not a date (write YYYY-MM-DD)`}},
		{"UK date", header + "A,helpline,domestic_abuse,pt,24/7,0800 000 000,1/11/2026\r\n", nil},
		{"duplicate name", header + ok + "help  line,helpline,domestic_abuse,pt,24/7,0800 000 001,2026-11-01\r\n",
			[]string{"row 3: name: the same listing as row 2 (same id, or same organisation and name)"}},
		{"missing need and kind", header + "A,,,pt,24/7,0800 000 000,2026-11-01\r\n",
			[]string{"row 2: kind: say whether it is a helpline, a service or emergency", "row 2: needs: list at least one need, e.g. domestic_abuse"}},
		{"blank rows are skipped", header + ",,,,,,\r\n" + ok, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := problemsOf(t, tt.csv)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestReadCSVTooLarge(t *testing.T) {
	big := strings.NewReader(header + strings.Repeat("x", MaxFileSize))
	ls, probs := ReadCSV(big)
	if ls != nil || len(probs) != 1 || !strings.Contains(probs[0].String(), "larger than 10 MB") {
		t.Errorf("a file over 10 MB: %d listings, %v; want it refused whole", len(ls), probs)
	}
}

func TestReadCSVWarnings(t *testing.T) {
	_, probs := ReadCSV(strings.NewReader("name,kind,needs\r\nA,service,housing\r\n"))
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		"row 2: warning: regions: no region: the listing is only shown to people who did not say where they are",
		"row 2: warning: phone: no way to contact it: add a phone, text, email, website or address",
		"row 2: warning: verified_at: never verified: it will not be shown to people until a volunteer verifies it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || probs.Err() != nil {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A bad contact is one mistake: its own message, not also "no way to contact it".
func TestReadCSVOneMessagePerMistake(t *testing.T) {
	_, probs := ReadCSV(strings.NewReader("name,kind,needs,regions,website,verified_at\r\nA,service,housing,london,www.example.org,2026-11-01\r\n"))
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{`row 2: website: "www.example.org" is not a web address (start it with https://)`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStableIDs(t *testing.T) {
	a, _ := problemsOf(t, header+"Help Line,helpline,domestic_abuse,pt,24/7,0800 000 000,2026-11-01\r\n")
	b, _ := problemsOf(t, header+"help   LINE,helpline,housing,es,,0800 000 001,2026-01-01\r\n")
	if a[0].ID != b[0].ID || a[0].ID != DeriveID("", "Help Line") {
		t.Errorf("ids %s and %s, want the same id derived from the name", a[0].ID, b[0].ID)
	}
}

// TestCSVRoundTrip checks that an exported CSV reads back to the same listings and
// exports byte for byte the same, for the example file and the starter directory.
func TestCSVRoundTrip(t *testing.T) {
	seed, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"example.csv", "seed.csv"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			ls, probs := ReadCSV(bytes.NewReader(in))
			if err := probs.Err(); err != nil {
				t.Fatal(err)
			}
			var first bytes.Buffer
			if err := WriteCSV(&first, ls); err != nil {
				t.Fatal(err)
			}
			again, probs := ReadCSV(bytes.NewReader(first.Bytes()))
			if err := probs.Err(); err != nil {
				t.Fatal(err)
			}
			var second bytes.Buffer
			if err := WriteCSV(&second, again); err != nil {
				t.Fatal(err)
			}
			if name == "example.csv" && !bytes.Equal(first.Bytes(), in) {
				t.Errorf("example.csv is not in export form; export:\n%s", first.String())
			}
			if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Errorf("export -> import -> export changed the file:\n%s\nthen\n%s", first.String(), second.String())
			}
		})
	}
	if len(seed) == 0 {
		t.Fatal("empty seed")
	}
}

func TestExportNeutralisesFormulas(t *testing.T) {
	l := &Listing{ID: DeriveID("x"), Name: "=HYPERLINK(\"http://evil\",\"Click\")", Kind: Service, Needs: []Need{Housing},
		Contacts: []Contact{{Kind: Phone, Value: "+44 20 7000 0000"}}, Area: "@SUM(A1)", Source: "-2+3"}
	var b bytes.Buffer
	if err := WriteCSV(&b, []*Listing{l}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"'=HYPERLINK(""http://evil"",""Click"")"`, "'+44 20 7000 0000", "'@SUM(A1)", "'-2+3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, b.String())
		}
	}
	back, probs := ReadCSV(&b)
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	if back[0].Name != l.Name || back[0].Area != l.Area || back[0].Contacts[0].Value != l.Contacts[0].Value {
		t.Errorf("read back %q, %q, %q; want the original text", back[0].Name, back[0].Area, back[0].Contacts[0].Value)
	}
}

// TestColumnsDocumented keeps the README's spreadsheet section in step with the columns import reads.
func TestColumnsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Columns {
		if !strings.Contains(string(doc), "| `"+c.Name+"`") {
			t.Errorf("README.md does not document column %s", c.Name)
		}
	}
	for _, v := range []string{join(allNeeds), join(allCommunities), join(allRegions), join(allAudiences)} {
		for _, code := range strings.Split(v, "; ") {
			if !strings.Contains(string(doc), "`"+code+"`") {
				t.Errorf("README.md does not list %s", code)
			}
		}
	}
}

// TestPoliceWithoutColumnIsMarked: a file or stored listing from before the public_body
// column still loads, with the police marked and a warning.
func TestPoliceWithoutColumnIsMarked(t *testing.T) {
	ls, probs := ReadCSV(strings.NewReader(header + "Police,helpline,witness,en,24/7,101,2026-11-01\r\n"))
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	if !ls[0].PublicBody {
		t.Error("the police listing is not marked public_body")
	}
	if !slices.ContainsFunc(probs, func(p Problem) bool { return p.Warning && p.Column == "public_body" }) {
		t.Errorf("problems = %v, want a warning on public_body", probs)
	}
	l, err := FromRecord(map[string]string{"name": "Police", "kind": "helpline", "needs": "witness", "phone": "101", "verified_at": "2026-11-01"})
	if err != nil || !l.PublicBody {
		t.Errorf("a stored police listing without the column: %v, public_body %v", err, l != nil && l.PublicBody)
	}
}
