package directory

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// TestProfiles ranks the starter directory for people a caseworker would recognise
// (testdata/profiles.csv: language, need, region, preferences) and checks what must and
// must not be among the first three, each with the reason a caseworker would give. A
// name matches a listing whose name or organisation contains it. Run with -v for the
// table of profiles and their first three.
func TestProfiles(t *testing.T) {
	d, err := seedDirectory()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/profiles.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 41 {
		t.Fatalf("%d profiles, want at least 40", len(rows)-1)
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "profile\tfirst three\tpass")
	for _, row := range rows[1:] {
		pr, err := parseProfileRow(row)
		if err != nil {
			t.Fatalf("%s: %v", row[0], err)
		}
		top := d.Rank(pr.p, pr.at)[:min(3, len(d.Rank(pr.p, pr.at)))]
		var names []string
		for _, m := range top {
			names = append(names, m.Listing.Name)
		}
		pass := true
		for _, w := range pr.must {
			if !slices.ContainsFunc(top, named(w)) {
				t.Errorf("%s: %q is not in the first three %q (%s)", pr.name, w, names, pr.reason)
				pass = false
			}
		}
		for _, w := range pr.mustNot {
			if slices.ContainsFunc(top, named(w)) {
				t.Errorf("%s: %q is in the first three %q (%s)", pr.name, w, names, pr.reason)
				pass = false
			}
		}
		if len(top) == 0 {
			t.Errorf("%s: empty list", pr.name)
			pass = false
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\n", pr.name, strings.Join(names, "; "), pass)
	}
	tw.Flush()
	t.Logf("%d profiles:\n%s", len(rows)-1, table.String())
}

type profileRow struct {
	name          string
	p             Profile
	at            time.Time
	must, mustNot []string
	reason        string
}

func parseProfileRow(row []string) (profileRow, error) {
	if len(row) != 10 {
		return profileRow{}, fmt.Errorf("%d cells, want 10", len(row))
	}
	pr := profileRow{name: row[0], reason: row[9], must: splitNames(row[7]), mustNot: splitNames(row[8]),
		p: Profile{Lang: row[1], Community: row[5], WomenOnly: row[4] == "yes"}}
	if pr.reason == "" {
		return pr, fmt.Errorf("no reason")
	}
	var err error
	if row[2] != "" {
		if pr.p.Need, err = ParseNeed(row[2]); err != nil {
			return pr, err
		}
	}
	if row[3] != "" {
		if pr.p.Region, err = ParseRegion(row[3]); err != nil {
			return pr, err
		}
	}
	at := row[6]
	if at == "" {
		at = "2026-12-01T14:00:00Z" // a Tuesday afternoon
	}
	pr.at, err = time.Parse(time.RFC3339, at)
	return pr, err
}

func splitNames(s string) []string {
	var out []string
	for _, n := range strings.Split(s, ";") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func named(part string) func(Match) bool {
	return func(m Match) bool {
		return strings.Contains(m.Listing.Name, part) || strings.Contains(m.Listing.Organisation, part)
	}
}

// seedDirectory is the starter directory as people see it on the profiles' dates:
// verified at the seed's dates, which are within a year of them.
func seedDirectory() (*Directory, error) {
	ls, err := Seed()
	if err != nil {
		return nil, err
	}
	return New(ls), nil
}
