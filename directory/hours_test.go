package directory

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	tests := []struct {
		spec, want, err string
	}{
		{"", "", ""},
		{"24/7", "24/7", ""},
		{"Mo-Fr 09:00-17:00", "Mo-Fr 09:00-17:00", ""},
		{"mo-fr 9:00-17:00", "Mo-Fr 09:00-17:00", ""},
		{"Mo-Th 10:00-20:30; Fr 10:00-16:30", "Mo-Th 10:00-20:30, Fr 10:00-16:30", ""},
		{"Mo,We 09:00-12:00,13:00-17:00", "Mo,We 09:00-12:00,13:00-17:00", ""},
		{"Mo-Th 09:00-17:00, Fr 09:00-13:00, Sa 09:00-17:00", "Mo-Th,Sa 09:00-17:00, Fr 09:00-13:00", ""},
		{"Sa,Su 10:00-16:00", "Sa,Su 10:00-16:00", ""},
		{"Fr-Mo 10:00-12:00", "Mo,Fr-Su 10:00-12:00", ""},
		{"Fr 22:00-02:00", "Fr 22:00-02:00", ""},
		{"Mo-Su 00:00-24:00", "Mo-Su 00:00-24:00", ""},
		{"Mo 25:00-26:00", "", `"25:00" is not a time of day`},
		{"Mo 09:60-10:00", "", `"09:60" is not a time of day`},
		{"Mo 24:00-10:00", "", `"24:00" is not a time of day`},
		{"Mo 9-5", "", `"9" is not a time (write HH:MM, e.g. 09:30)`},
		{"09:00-17:00", "", `"09:00-17:00": a time comes before any day (write e.g. Mo-Fr 09:00-17:00)`},
		{"Mo-Fr", "", `"Mo-Fr" has no opening times (write e.g. Mo-Fr 09:00-17:00, or 24/7)`},
		{"Weekdays 9am-5pm", "", `"Weekdays" is not a day (use Mo Tu We Th Fr Sa Su)`},
		{"Mo 12:00-12:00", "", `"12:00-12:00" opens and closes at the same time`},
		{"Mo 09:00", "", `"09:00" is not a time range (write e.g. 09:00-17:00)`},
		{"Su 22:00-03:00, Mo 02:00-05:00", "", "Mo 02:00-05:00 and Su 22:00-03:00 overlap"},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.spec)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseHours(%q) error = %v, want %q", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseHours(%q): %v", tt.spec, err)
			continue
		}
		if got := h.String(); got != tt.want {
			t.Errorf("ParseHours(%q).String() = %q, want %q", tt.spec, got, tt.want)
		}
	}
}

func TestAvailability(t *testing.T) {
	weekday := mustHours(t, "Mo-Fr 09:00-17:00")
	night := mustHours(t, "Fr 22:00-02:00")
	always := Hours{Always: true, Closures: []Closure{{"2026-12-25", "2026-12-25"}}}
	openBH := mustHours(t, "Mo-Su 10:00-14:00")
	openBH.BankHolidays = "open"
	tests := []struct {
		name  string
		h     Hours
		div   Division
		at    string
		open  bool
		until string // London time, when open
		next  string // London time, when closed
		hol   bool
	}{
		{"weekday afternoon", weekday, EnglandAndWales, "2026-12-01T14:00:00Z", true, "2026-12-01 17:00", "", false},
		{"Friday evening opens Monday", weekday, EnglandAndWales, "2026-12-04T18:00:00Z", false, "", "2026-12-07 09:00", false},
		{"before opening in BST", weekday, EnglandAndWales, "2026-06-30T07:30:00Z", false, "", "2026-06-30 09:00", false},
		{"opening hour in BST", weekday, EnglandAndWales, "2026-06-30T08:00:00Z", true, "2026-06-30 17:00", "", false},
		{"last minute before closing", weekday, EnglandAndWales, "2026-12-01T16:59:59Z", true, "2026-12-01 17:00", "", false},
		{"closing time is closed", weekday, EnglandAndWales, "2026-12-01T17:00:00Z", false, "", "2026-12-02 09:00", false},
		{"Easter Monday in England", weekday, EnglandAndWales, "2026-04-06T10:00:00Z", false, "", "2026-04-07 09:00", true},
		{"Easter Monday is not a Scottish holiday", weekday, ScotlandDivision, "2026-04-06T10:00:00Z", true, "2026-04-06 17:00", "", false},
		{"Christmas and Boxing Day substitute", weekday, EnglandAndWales, "2026-12-24T18:00:00Z", false, "", "2026-12-29 09:00", false},
		{"St Patrick's Day in Northern Ireland", weekday, NorthernIrelandDivision, "2026-03-17T10:00:00Z", false, "", "2026-03-18 09:00", true},
		{"past midnight Saturday", night, EnglandAndWales, "2026-12-05T01:00:00Z", true, "2026-12-05 02:00", "", false},
		{"24/7 closed for a dated closure", always, EnglandAndWales, "2026-12-25T12:00:00Z", false, "", "2026-12-26 00:00", true},
		{"24/7", always, EnglandAndWales, "2026-12-24T12:00:00Z", true, "2026-12-25 00:00", "", false},
		{"open on bank holidays when it says so", openBH, EnglandAndWales, "2026-12-28T11:00:00Z", true, "2026-12-28 14:00", "", false},
		{"clocks go forward: 01:30 does not exist", mustHours(t, "Su 00:00-03:00"), EnglandAndWales, "2026-03-29T00:30:00Z", true, "2026-03-29 03:00", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.h.At(at(t, tt.at), tt.div)
			if a.Open != tt.open || a.Holiday != tt.hol {
				t.Fatalf("open = %v, holiday = %v; want %v, %v (%+v)", a.Open, a.Holiday, tt.open, tt.hol, a)
			}
			if got := london(a.Until); got != tt.until {
				t.Errorf("until = %q, want %q", got, tt.until)
			}
			if got := london(a.Next); got != tt.next {
				t.Errorf("next = %q, want %q", got, tt.next)
			}
		})
	}
}

func london(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("2006-01-02 15:04")
}

func mustHours(t testing.TB, spec string) Hours {
	t.Helper()
	h, err := ParseHours(spec)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestBankHolidayList checks the embedded list against the rules that make it: Easter
// (computed), the fixed days with their weekend substitutes, and the Mondays in May and
// August, for every year it covers.
func TestBankHolidayList(t *testing.T) {
	got := map[Division]map[string]bool{}
	for _, b := range BankHolidays() {
		if got[b.Division] == nil {
			got[b.Division] = map[string]bool{}
		}
		got[b.Division][b.Date] = true
	}
	want := map[Division]map[string]bool{}
	add := func(d Division, t time.Time) {
		if want[d] == nil {
			want[d] = map[string]bool{}
		}
		want[d][t.Format(time.DateOnly)] = true
	}
	for y := 2025; y <= 2028; y++ {
		easter := easterSunday(y)
		may1 := time.Date(y, 5, 1, 0, 0, 0, 0, time.UTC)
		firstMonMay := may1.AddDate(0, 0, (8-int(may1.Weekday()))%7)
		lastMonMay := time.Date(y, 5, 31, 0, 0, 0, 0, time.UTC)
		lastMonMay = lastMonMay.AddDate(0, 0, -((int(lastMonMay.Weekday()) + 6) % 7))
		aug31 := time.Date(y, 8, 31, 0, 0, 0, 0, time.UTC)
		lastMonAug := aug31.AddDate(0, 0, -((int(aug31.Weekday()) + 6) % 7))
		aug1 := time.Date(y, 8, 1, 0, 0, 0, 0, time.UTC)
		firstMonAug := aug1.AddDate(0, 0, (8-int(aug1.Weekday()))%7)
		newYear := substitutes(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), 1)
		christmas := substitutes(time.Date(y, 12, 25, 0, 0, 0, 0, time.UTC), 2)
		for _, d := range []Division{EnglandAndWales, ScotlandDivision, NorthernIrelandDivision} {
			add(d, easter.AddDate(0, 0, -2))
			add(d, firstMonMay)
			add(d, lastMonMay)
			for _, x := range append(newYear, christmas...) {
				add(d, x)
			}
			if d != ScotlandDivision {
				add(d, easter.AddDate(0, 0, 1))
				add(d, lastMonAug)
			}
		}
		for _, x := range substitutes(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), 2)[1:] {
			add(ScotlandDivision, x)
		}
		add(ScotlandDivision, firstMonAug)
		add(ScotlandDivision, substitutes(time.Date(y, 11, 30, 0, 0, 0, 0, time.UTC), 1)[0])
		add(NorthernIrelandDivision, substitutes(time.Date(y, 3, 17, 0, 0, 0, 0, time.UTC), 1)[0])
		add(NorthernIrelandDivision, substitutes(time.Date(y, 7, 12, 0, 0, 0, 0, time.UTC), 1)[0])
	}
	for d := range 3 {
		div := Division(d)
		for date := range want[div] {
			if !got[div][date] {
				t.Errorf("%s: %s is a bank holiday by the rules but not in the list", div, date)
			}
		}
		for date := range got[div] {
			if !want[div][date] {
				t.Errorf("%s: %s is in the list but not a bank holiday by the rules", div, date)
			}
		}
	}
}

// substitutes returns n consecutive holidays from first, each moved to the next free
// weekday when it falls on a weekend.
func substitutes(first time.Time, n int) []time.Time {
	var out []time.Time
	taken := map[time.Time]bool{}
	for i := range n {
		d := first.AddDate(0, 0, i)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || taken[d] {
			d = d.AddDate(0, 0, 1)
		}
		taken[d] = true
		out = append(out, d)
	}
	return out
}

// easterSunday is the anonymous Gregorian computus.
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"24/7", "Mo-Fr 09:00-17:00", "Mo-Th 10:00-20:30; Fr 10:00-16:30", "Fr 22:00-02:00",
		"Sa,Su 10:00-16:00", "Mo 25:00-26:00", "Su-Sa 00:00-24:00", "Mo 09:00-12:00,13:00-17:00, We 10:00-11:00", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 28, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, spec string) {
		h, err := ParseHours(spec)
		if err != nil {
			return
		}
		again, err := ParseHours(h.String())
		if err != nil {
			t.Fatalf("ParseHours(%q).String() = %q does not parse: %v", spec, h.String(), err)
		}
		if again.String() != h.String() {
			t.Fatalf("canonical form not stable: %q then %q", h.String(), again.String())
		}
		a := h.At(now, EnglandAndWales)
		if a.Open && !a.Until.IsZero() && !a.Until.After(now) {
			t.Fatalf("%q: open until %v, before now", spec, a.Until)
		}
		if !a.Open && !a.Next.IsZero() && !a.Next.After(now) {
			t.Fatalf("%q: opens at %v, before now", spec, a.Next)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(header + "Help Line,helpline,domestic_abuse,pt,24/7,0800 000 000,2026-11-01\r\n"))
	f.Add([]byte("\ufeffname,kind,needs,phone\r\n\"A, \"\"B\"\"\",service,housing,'+44 20 7000 0000 @ Mo 09:00-10:00\r\n"))
	f.Add([]byte("name,kind,needs\n=1+1,service,housing\n"))
	f.Add([]byte("name,kind,needs,hours\nA,service,housing,Mo 09:00-25:00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ls, probs := ReadCSV(bytes.NewReader(data))
		if probs.Err() != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteCSV(&out, ls); err != nil {
			t.Fatal(err)
		}
		back, probs := ReadCSV(bytes.NewReader(out.Bytes()))
		if err := probs.Err(); err != nil {
			t.Fatalf("export of a good file does not read back: %v\n%s", err, out.String())
		}
		var again bytes.Buffer
		if err := WriteCSV(&again, back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), again.Bytes()) {
			t.Fatalf("export changed on a second round trip:\n%s\n%s", out.String(), again.String())
		}
		for _, l := range ls {
			if strings.TrimSpace(l.Name) == "" || len(l.Needs) == 0 {
				t.Fatalf("accepted a listing without a name or need: %+v", l)
			}
		}
	})
}

// TestEmbeddedLondon holds the embedded Europe/London, the zone of a machine without
// zoneinfo, to the clock changes: inside its table, past it (its footer rule), and to the
// system's zone where there is one.
func TestEmbeddedLondon(t *testing.T) {
	embedded, err := time.LoadLocationFromTZData("Europe/London", londonTZif)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		utc        string
		name       string
		offsetSecs int
	}{
		{"2026-03-29T00:59:59Z", "GMT", 0},
		{"2026-03-29T01:00:00Z", "BST", 3600},
		{"2026-10-25T00:59:59Z", "BST", 3600},
		{"2026-10-25T01:00:00Z", "GMT", 0},
		{"2045-03-26T00:59:59Z", "GMT", 0},
		{"2045-03-26T01:00:00Z", "BST", 3600},
		{"2045-10-29T01:00:00Z", "GMT", 0},
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339, tt.utc)
		if err != nil {
			t.Fatal(err)
		}
		if name, offset := at.In(embedded).Zone(); name != tt.name || offset != tt.offsetSecs {
			t.Errorf("%s in London: %s %+d, want %s %+d", tt.utc, name, offset, tt.name, tt.offsetSecs)
		}
	}
	system, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skipf("no system zoneinfo to compare with: %v", err)
	}
	for at := time.Date(1996, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2060; at = at.Add(time.Hour) {
		gotName, got := at.In(embedded).Zone()
		wantName, want := at.In(system).Zone()
		if gotName != wantName || got != want {
			t.Fatalf("%s: embedded says %s %+d, the system %s %+d", at.Format(time.RFC3339), gotName, got, wantName, want)
		}
	}
}
