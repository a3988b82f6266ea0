package directory

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // YYYY-MM-DD, or "" for an error
	}{
		{"2026-11-01", "2026-11-01"},
		{"01/11/2026", "2026-11-01"},
		{"1/11/2026", "2026-11-01"},
		{" 24/12/2026 ", "2026-12-24"},
		{"11/31/2026", ""}, // month first is never read
		{"31/02/2026", ""},
		{"2026/11/01", ""},
		{"1/11/26", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %s, want an error", tt.in, got.Format(time.DateOnly))
			}
			continue
		}
		if err != nil || got.Format(time.DateOnly) != tt.want {
			t.Errorf("ParseDate(%q) = %s, %v; want %s", tt.in, got.Format(time.DateOnly), err, tt.want)
		}
	}
}

// A place name in the regions column is refused with the region it lies in as the suggestion.
func TestRegionsSuggestTheRegionOfAPlace(t *testing.T) {
	const hdr = "name,kind,needs,regions,phone,verified_at,closed\r\n"
	tests := []struct {
		regions string
		want    string
	}{
		{"Manchester", `row 2: regions: "Manchester" is not a region; did you mean north_west?`},
		{"moss  side", `row 2: regions: "moss  side" is not a region; did you mean north_west?`},
		{"Cardiff", `row 2: regions: "Cardiff" is not a region; did you mean wales?`},
		{"Brixton", `row 2: regions: "Brixton" is not a region; did you mean london?`},
		{"londn", `row 2: regions: "londn" is not a region; did you mean london?`},
		{"north west", ""},
		{"north_west; london", ""},
	}
	for _, tt := range tests {
		ls, got := problemsOf(t, hdr+"A,service,housing,"+tt.regions+",0800 000 000,2026-11-01,24/12/2026..26/12/2026\r\n")
		if strings.Join(got, "\n") != tt.want {
			t.Errorf("regions %q: problems %q, want %q", tt.regions, got, tt.want)
		}
		if tt.want == "" && (len(ls) != 1 || FormatClosures(ls[0].Hours.Closures) != "2026-12-24..2026-12-26") {
			t.Errorf("regions %q: UK closure dates read as %v", tt.regions, ls)
		}
	}
}

// Every place maps to a region the directory has, written as RegionOfPlace looks it up.
func TestPlaceRegionsAreKnownRegions(t *testing.T) {
	for place, r := range PlaceRegions {
		if _, err := ParseRegion(string(r)); err != nil {
			t.Errorf("%q maps to %q: %v", place, r, err)
		}
		if place != strings.ToLower(strings.Join(strings.Fields(place), " ")) {
			t.Errorf("%q is not lower case with single spaces: RegionOfPlace cannot find it", place)
		}
	}
}
