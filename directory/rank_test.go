package directory

import (
	"os"
	"slices"
	"testing"
	"time"
)

func mustDirectory(t testing.TB, path string) *Directory {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ls, probs := ReadCSV(f)
	if err := probs.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return New(ls)
}

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func names(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Listing.Name
	}
	return out
}

func reasonIDs(m Match) []string {
	out := make([]string, len(m.Reasons))
	for i, r := range m.Reasons {
		out[i] = r.ID
	}
	return out
}

func find(ms []Match, name string) (Match, bool) {
	for _, m := range ms {
		if m.Listing.Name == name {
			return m, true
		}
	}
	return Match{}, false
}

func TestRankProfiles(t *testing.T) {
	d := mustDirectory(t, "testdata/ranking.csv")
	tests := []struct {
		name      string
		p         Profile
		at        string
		first     []string // the first listings, in order
		absent    []string
		onlyFrom  []Region // every match covers one of these (when set)
		reasonsOf string
		reasons   []string
	}{
		{
			name:  "Portuguese-speaking woman in London, domestic abuse, weekday afternoon",
			p:     Profile{Need: DomesticAbuse, Lang: "pt-BR", Region: London, WomenOnly: true},
			at:    "2026-12-01T14:00:00Z", // Tuesday 14:00 GMT
			first: []string{"Mulheres Latinas", "Old Portuguese Service"},
			absent: []string{"Men's Line", "Forgotten Portuguese Service", "Closed Portuguese Service",
				"Emergency services"},
			reasonsOf: "Mulheres Latinas",
			reasons: []string{"directory.reason.speaks", "directory.reason.community_women.brazilian",
				"directory.reason.region.london", "directory.reason.open_until", "directory.reason.insecure_status"},
		},
		{
			name:      "same woman at 23:00 on a Sunday: services in her language stay first and say when they open; open now does not lift a helpline in English above them",
			p:         Profile{Need: DomesticAbuse, Lang: "pt-BR", Region: London, WomenOnly: true},
			at:        "2026-11-29T23:00:00Z",
			first:     []string{"Mulheres Latinas", "Old Portuguese Service"},
			absent:    []string{"National Abuse Line"},
			reasonsOf: "Mulheres Latinas",
			reasons: []string{"directory.reason.speaks", "directory.reason.community_women.brazilian",
				"directory.reason.region.london", "directory.reason.closed_opens_tomorrow", "directory.reason.insecure_status"},
		},
		{
			name:      "Romanian-speaking man, unpaid wages",
			p:         Profile{Need: LabourExploitation, Lang: "ro", Region: London},
			at:        "2026-12-02T11:00:00Z",
			first:     []string{"Romanian Workers Centre"},
			absent:    []string{"Mulheres Latinas"},
			reasonsOf: "Romanian Workers Centre",
			reasons:   []string{"directory.reason.speaks", "directory.reason.community.romanian", "directory.reason.region.london", "directory.reason.open_until"},
		},
		{
			name:      "witness in Scotland sees Scottish and national options",
			p:         Profile{Need: Witness, Lang: "es", Region: Scotland},
			at:        "2026-12-02T11:00:00Z",
			absent:    []string{"Welsh Witness Service", "London Witness Service"},
			onlyFrom:  []Region{Scotland, UK},
			reasonsOf: "Scottish Witness Service",
			reasons:   []string{"directory.reason.english_only", "directory.reason.region.scotland", "directory.reason.open_until"},
		},
		{
			name:      "community preference lifts the culturally specific service",
			p:         Profile{Need: DomesticAbuse, Lang: "es", Region: London, Community: "brazilian"},
			at:        "2026-12-01T14:00:00Z",
			first:     []string{"Mulheres Latinas"},
			reasonsOf: "Mulheres Latinas",
			reasons: []string{"directory.reason.speaks", "directory.reason.community_women.brazilian", "directory.reason.region.london",
				"directory.reason.open_until", "directory.reason.insecure_status"},
		},
		{
			name:      "British Summer Time: 08:30 UTC in July is 09:30 in London",
			p:         Profile{Need: LabourExploitation, Lang: "en", Region: England},
			at:        "2026-07-01T08:30:00Z",
			reasonsOf: "Workers Rights UK",
			reasons:   []string{"directory.reason.speaks", "directory.reason.region.uk", "directory.reason.open_until"},
		},
		{
			name:      "Greenwich Mean Time: 08:30 UTC in January is 08:30 in London",
			p:         Profile{Need: LabourExploitation, Lang: "en", Region: England},
			at:        "2027-01-13T08:30:00Z",
			first:     []string{"Workers Rights UK", "Slavery Helpline"},
			reasonsOf: "Workers Rights UK",
			reasons:   []string{"directory.reason.speaks", "directory.reason.region.uk", "directory.reason.closed_opens_today"},
		},
		{
			name:      "bank holiday in England (Boxing Day substitute, Monday 28 December 2026): the service for work problems still comes before the slavery line, and says when it opens",
			p:         Profile{Need: LabourExploitation, Lang: "en", Region: London},
			at:        "2026-12-28T12:00:00Z",
			first:     []string{"Workers Rights UK", "Slavery Helpline"},
			reasonsOf: "Workers Rights UK",
			reasons:   []string{"directory.reason.speaks", "directory.reason.region.uk", "directory.reason.holiday_opens_tomorrow"},
		},
		{
			name:      "St Andrew's Day closes Scottish services only",
			p:         Profile{Need: LegalAdvice, Lang: "en"},
			at:        "2026-11-30T12:00:00Z",
			first:     []string{"Manchester Advice", "Glasgow Advice"},
			reasonsOf: "Glasgow Advice",
			reasons:   []string{"directory.reason.speaks", "directory.reason.region.scotland", "directory.reason.holiday_opens_tomorrow"},
		},
		{
			name:      "nothing fits the region: national helplines for the need are the floor",
			p:         Profile{Need: HateCrime, Lang: "en", Region: Wales},
			at:        "2026-12-02T11:00:00Z",
			first:     []string{"Emergency services"},
			reasonsOf: "Emergency services",
			reasons:   []string{"directory.reason.public_body", "directory.reason.speaks", "directory.reason.region.uk", "directory.reason.open_24h", "directory.reason.may_share"},
		},
		{
			name:   "a woman who wants women-only services does not see men-only ones",
			p:      Profile{Need: DomesticAbuse, Lang: "en", WomenOnly: true},
			at:     "2026-12-01T14:00:00Z",
			absent: []string{"Men's Line"},
		},
		{
			name:  "nobody said anything: still a list",
			p:     Profile{},
			at:    "2026-12-01T14:00:00Z",
			first: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.Rank(tt.p, at(t, tt.at))
			if len(got) == 0 {
				t.Fatal("empty list")
			}
			ns := names(got)
			if len(ns) < len(tt.first) || !slices.Equal(ns[:len(tt.first)], tt.first) {
				t.Errorf("order = %q, want it to start with %q", ns, tt.first)
			}
			for _, a := range tt.absent {
				if slices.Contains(ns, a) {
					t.Errorf("%q is listed, want it left out: %q", a, ns)
				}
			}
			for _, m := range got {
				if tt.onlyFrom != nil && !slices.ContainsFunc(m.Listing.Regions, func(r Region) bool { return slices.Contains(tt.onlyFrom, r) }) {
					t.Errorf("%q covers %v, want only %v", m.Listing.Name, m.Listing.Regions, tt.onlyFrom)
				}
			}
			if tt.reasonsOf != "" {
				m, ok := find(got, tt.reasonsOf)
				if !ok {
					t.Fatalf("%q not listed: %q", tt.reasonsOf, ns)
				}
				if g := reasonIDs(m); !slices.Equal(g, tt.reasons) {
					t.Errorf("reasons of %q = %q, want %q", tt.reasonsOf, g, tt.reasons)
				}
			}
		})
	}
}

func TestRankReasonData(t *testing.T) {
	d := mustDirectory(t, "testdata/ranking.csv")
	got := d.Rank(Profile{Need: DomesticAbuse, Lang: "pt-BR", Region: London, WomenOnly: true}, at(t, "2026-12-01T14:00:00Z"))
	m, _ := find(got, "Mulheres Latinas")
	if g, w := m.Reasons[0].Data["Language"], "português"; g != w {
		t.Errorf("language = %v, want %v", g, w)
	}
	if g, w := m.Reasons[3].Data["Time"], "17:00"; g != w {
		t.Errorf("open until = %v, want %v", g, w)
	}
	old, _ := find(got, "Old Portuguese Service")
	if len(old.Notes) != 1 || old.Notes[0].ID != "directory.note.stale" || old.Notes[0].Data["Date"] != "2026-05-01" {
		t.Errorf("notes of a listing verified 214 days ago = %v, want the stale note", old.Notes)
	}
	sunday := d.Rank(Profile{Need: DomesticAbuse, Lang: "en", Region: London}, at(t, "2026-11-28T23:00:00Z"))
	m, _ = find(sunday, "London Family Help")
	if r := m.Reasons[len(m.Reasons)-1]; r.ID != "directory.reason.closed_opens_monday" || r.Data["Time"] != "10:00" {
		t.Errorf("Saturday night reason = %v, want closed, opens Monday 10:00", r)
	}
}

func TestRankNeverEmpty(t *testing.T) {
	empty := New(nil)
	for _, n := range append(Needs(), "") {
		got := empty.Rank(Profile{Need: n}, at(t, "2026-12-01T14:00:00Z"))
		if len(got) == 0 || got[0].Listing.Kind != Emergency {
			t.Errorf("need %q on an empty directory: %v, want the emergency services", n, names(got))
		}
	}
}

func TestPublicAfter(t *testing.T) {
	pub := func(name string) scored { return scored{e: &entry{l: &Listing{Name: name}, public: true}} }
	ind := func(name string) scored { return scored{e: &entry{l: &Listing{Name: name}}} }
	tests := []struct {
		name string
		in   []scored
		want []string
	}{
		{"police first, three others: police fourth", []scored{pub("police"), ind("a"), ind("b"), ind("c"), ind("d")}, []string{"a", "b", "c", "police", "d"}},
		{"two public bodies keep their order after three others", []scored{pub("999"), pub("police"), ind("a"), ind("b"), ind("c")}, []string{"a", "b", "c", "999", "police"}},
		{"only two others: police after them", []scored{pub("police"), ind("a"), ind("b")}, []string{"a", "b", "police"}},
		{"only public bodies: no change", []scored{pub("999"), pub("police")}, []string{"999", "police"}},
		{"already fourth: no change", []scored{ind("a"), ind("b"), ind("c"), pub("police")}, []string{"a", "b", "c", "police"}},
	}
	for _, tt := range tests {
		publicAfter(tt.in, 3)
		var got []string
		for _, s := range tt.in {
			got = append(got, s.e.l.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestUKHelplinesFirst(t *testing.T) {
	mk := func(name string, kind Kind, r Region) scored {
		return scored{e: &entry{l: &Listing{Name: name, Kind: kind, Regions: []Region{r}}}}
	}
	in := []scored{mk("scotland line", Helpline, Scotland), mk("service", Service, Wales), mk("wales line", Helpline, Wales),
		mk("uk line", Helpline, UK), mk("london line", Helpline, London)}
	ukHelplinesFirst(in)
	var got []string
	for _, s := range in {
		got = append(got, s.e.l.Name)
	}
	if want := []string{"uk line", "service", "london line", "scotland line", "wales line"}; !slices.Equal(got, want) {
		t.Errorf("%q, want %q: helplines reorder among their own places, services stay", got, want)
	}
}

func TestFreshness(t *testing.T) {
	now := at(t, "2026-12-01T12:00:00Z")
	tests := []struct {
		name          string
		verified      time.Time
		stale, hidden bool
	}{
		{"never verified", time.Time{}, true, true},
		{"last month", now.AddDate(0, -1, 0), false, false},
		{"200 days ago", now.AddDate(0, 0, -200), true, false},
		{"two years ago", now.AddDate(-2, 0, 0), true, true},
	}
	for _, tt := range tests {
		stale, hidden := (&Listing{VerifiedAt: tt.verified}).Freshness(now)
		if stale != tt.stale || hidden != tt.hidden {
			t.Errorf("%s: stale, hidden = %v, %v; want %v, %v", tt.name, stale, hidden, tt.stale, tt.hidden)
		}
	}
}

// TestOpenNowOnlyBetweenSimilarFits holds the README's rule: being open now decides
// between listings of similar fit, and never lifts a listing that does not speak the
// person's language above one that does.
func TestOpenNowOnlyBetweenSimilarFits(t *testing.T) {
	verified := at(t, "2026-11-01T00:00:00Z")
	mk := func(name string, langs []string, hours string) *Listing {
		h, err := ParseHours(hours)
		if err != nil {
			t.Fatal(err)
		}
		return &Listing{ID: DeriveID(name), Name: name, Kind: Helpline, Status: Active, Needs: []Need{DomesticAbuse},
			Languages: langs, Regions: []Region{London}, Hours: h, VerifiedAt: verified,
			Contacts: []Contact{{Kind: Phone, Value: "020 7946 0000"}}}
	}
	d := New([]*Listing{
		mk("Spanish daytime line", []string{"es", "en"}, "Mo-Fr 09:00-17:00"),
		mk("English night line", []string{"en"}, "24/7"),
		mk("English daytime line", []string{"en"}, "Mo-Fr 09:00-17:00"),
	})
	night := at(t, "2026-12-01T23:00:00Z")
	tests := []struct {
		lang string
		want []string
	}{
		{"es", []string{"Spanish daytime line", "English night line", "English daytime line"}},
		{"en", []string{"English night line", "English daytime line", "Spanish daytime line"}},
	}
	for _, tt := range tests {
		got := names(d.Rank(Profile{Need: DomesticAbuse, Lang: tt.lang, Region: London}, night))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s at 23:00: %q, want %q", tt.lang, got, tt.want)
		}
	}
}
