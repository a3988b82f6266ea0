package directory

import (
	"fmt"
	"testing"
	"time"
)

// synthetic makes n varied listings: every need, a mix of languages, regions, hours and
// verification dates, so that ranking does the work it does on a real directory.
func synthetic(n int) []*Listing {
	langs := [][]string{{"en"}, {"es", "pt", "en"}, {"pl", "en"}, {"ro", "en"}, {"ar", "en"}, {"pt"}}
	hours := []string{"24/7", "Mo-Fr 09:00-17:00", "Mo-Th 10:00-20:30, Fr 10:00-16:30", "", "Sa,Su 10:00-16:00"}
	verified := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*Listing, n)
	for i := range out {
		h, err := ParseHours(hours[i%len(hours)])
		if err != nil {
			panic(err)
		}
		out[i] = &Listing{
			ID: DeriveID(fmt.Sprint(i)), Name: fmt.Sprintf("Service %d", i), Kind: []Kind{Helpline, Service}[i%2], Status: Active,
			Needs:       []Need{allNeeds[i%len(allNeeds)], allNeeds[(i/3)%len(allNeeds)]},
			Languages:   langs[i%len(langs)],
			Communities: []Community{allCommunities[i%len(allCommunities)]},
			Serves:      []Audience{allAudiences[i%3]},
			Regions:     []Region{allRegions[i%len(allRegions)]},
			Hours:       h, DataSharing: allStances[i%3], InsecureStatus: allTris[i%3],
			Contacts:   []Contact{{Kind: Phone, Value: "0800 000 000"}},
			VerifiedAt: verified.AddDate(0, 0, -(i % 500)),
		}
	}
	return out
}

// BenchmarkRank ranks 10,000 listings for one person: the target is under 1 ms.
func BenchmarkRank(b *testing.B) {
	d := New(synthetic(10000))
	p := Profile{Need: DomesticAbuse, Lang: "pt-BR", Region: London, WomenOnly: true, Community: "latin_american"}
	now := time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)
	if len(d.Rank(p, now)) == 0 {
		b.Fatal("empty ranking")
	}
	b.ReportAllocs()
	for b.Loop() {
		d.Rank(p, now)
	}
}
