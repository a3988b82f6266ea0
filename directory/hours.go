package directory

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Zone is Europe/London, the zone all opening hours are written in.
var Zone = loadLondon()

// londonTZif is Europe/London from the tz database (Debian's tzdata 2025b), for machines
// without zoneinfo, such as a bare container. It is the one zone the program needs: the
// whole database (time/tzdata) would add 400 KB to the binary, and every byte of it is
// resident memory. Its footer rule (GMT0BST,M3.5.0/1,M10.5.0) covers the years after its
// table.
//
//go:embed europe-london.tzif
var londonTZif []byte

// loadLondon is the system's Europe/London, kept current by its updates, else the copy above.
func loadLondon() *time.Location {
	if loc, err := time.LoadLocation("Europe/London"); err == nil {
		return loc
	}
	loc, err := time.LoadLocationFromTZData("Europe/London", londonTZif)
	if err != nil {
		panic(fmt.Sprintf("read the embedded Europe/London zone: %v", err)) // a test reads it
	}
	return loc
}

const day = 24 * 60

// Hours are a listing's (or a contact route's) opening hours in Europe/London wall-clock
// time. The zero value means the hours are not known.
type Hours struct {
	Always   bool   // open 24 hours every day
	Weekly   []Slot // sorted by day, then opening time
	Closures []Closure
	// BankHolidays is "closed" or "open" on UK bank holidays; empty means the
	// default: open when Always, closed otherwise.
	BankHolidays string
}

// Slot is one weekly opening: Open and Close are minutes after local midnight of Day;
// Close is after Open and may pass midnight (up to Open + 24h).
type Slot struct {
	Day         time.Weekday
	Open, Close int
}

// Closure is a dated closure, From and To inclusive, as YYYY-MM-DD.
type Closure struct{ From, To string }

// Known reports whether any hours are recorded.
func (h *Hours) Known() bool { return h.Always || len(h.Weekly) > 0 }

func (h *Hours) closedOnBankHolidays() bool {
	switch h.BankHolidays {
	case "closed":
		return true
	case "open":
		return false
	}
	return !h.Always
}

var dayNames = [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}

// ParseHours reads a weekly opening spec: "24/7", or rules such as
// "Mo-Fr 09:00-17:00, Sa 10:00-13:00" or "Mo,We 09:00-12:00,13:00-17:00; Fr 22:00-02:00".
// Rules are separated by "," or ";" (a new rule starts with a day); a closing time
// earlier than the opening time runs past midnight; 24:00 is midnight at the end of the
// day. An empty spec means unknown hours.
func ParseHours(spec string) (Hours, error) {
	s := strings.TrimSpace(spec)
	if s == "" {
		return Hours{}, nil
	}
	if s == "24/7" {
		return Hours{Always: true}, nil
	}
	var h Hours
	var days []time.Weekday
	ranges := 0
	toks := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	for _, tok := range toks {
		if c := tok[0]; c >= '0' && c <= '9' {
			if days == nil {
				return Hours{}, errMsg("directory.problem.time_before_day", "Value", quote(tok))
			}
			open, close, err := parseRange(tok)
			if err != nil {
				return Hours{}, err
			}
			for _, d := range days {
				h.Weekly = append(h.Weekly, Slot{Day: d, Open: open, Close: close})
			}
			ranges++
			continue
		}
		d, err := parseDays(tok)
		if err != nil {
			return Hours{}, err
		}
		if ranges == 0 {
			// "Tu,Th 10:00-13:00": days before the first time are one list.
			days = append(days, d...)
			continue
		}
		days, ranges = d, 0
	}
	if days == nil || ranges == 0 {
		return Hours{}, errMsg("directory.problem.no_times", "Value", quote(spec))
	}
	sort.Slice(h.Weekly, func(i, j int) bool {
		a, b := h.Weekly[i], h.Weekly[j]
		if a.Day != b.Day {
			return int(a.Day+6)%7 < int(b.Day+6)%7
		}
		return a.Open < b.Open
	})
	// Two slots overlap if one starts before the previous one ends, across the week.
	for i, a := range h.Weekly {
		for _, b := range h.Weekly[i+1:] {
			if overlap(a, b) {
				return Hours{}, errMsg("directory.problem.overlap", "First", dayNames[a.Day]+" "+formatRange(a), "Second", dayNames[b.Day]+" "+formatRange(b))
			}
		}
	}
	return h, nil
}

func overlap(a, b Slot) bool {
	as := int(a.Day)*day + a.Open
	bs := int(b.Day)*day + b.Open
	for _, shift := range []int{-7 * day, 0, 7 * day} {
		s := bs + shift
		if s < as+(a.Close-a.Open) && as < s+(b.Close-b.Open) {
			return true
		}
	}
	return false
}

func parseDays(tok string) ([]time.Weekday, error) {
	from, to, isRange := strings.Cut(tok, "-")
	a, err := parseDay(from)
	if err != nil {
		return nil, err
	}
	if !isRange {
		return []time.Weekday{a}, nil
	}
	b, err := parseDay(to)
	if err != nil {
		return nil, err
	}
	var out []time.Weekday
	for d := a; ; d = (d + 1) % 7 {
		out = append(out, d)
		if d == b {
			return out, nil
		}
	}
}

func parseDay(s string) (time.Weekday, error) {
	for i, n := range dayNames {
		if strings.EqualFold(s, n) {
			return time.Weekday(i), nil
		}
	}
	return 0, errMsg("directory.problem.not_a_day", "Value", quote(s))
}

func parseRange(tok string) (open, close int, err error) {
	a, b, ok := strings.Cut(tok, "-")
	if !ok {
		return 0, 0, errMsg("directory.problem.not_a_range", "Value", quote(tok))
	}
	if open, err = parseClock(a, false); err != nil {
		return 0, 0, err
	}
	if close, err = parseClock(b, true); err != nil {
		return 0, 0, err
	}
	if close == open {
		return 0, 0, errMsg("directory.problem.same_time", "Value", quote(tok))
	}
	if close < open {
		close += day
	}
	return open, close, nil
}

func parseClock(s string, closing bool) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || len(hh) == 0 || len(hh) > 2 {
		return 0, errMsg("directory.problem.not_a_time", "Value", quote(s))
	}
	if h == 24 && m == 0 && closing {
		return day, nil
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, errMsg("directory.problem.not_a_time_of_day", "Value", quote(s))
	}
	return h*60 + m, nil
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60%24, m%60) }

func formatRange(s Slot) string {
	c := clock(s.Close)
	if s.Close == day {
		c = "24:00"
	}
	return clock(s.Open) + "-" + c
}

// String is the canonical spec ParseHours reads back: days with the same times share a
// rule, consecutive days are joined ("Mo-Th,Sa 09:00-17:00, Fr 09:00-13:00").
func (h Hours) String() string {
	if h.Always {
		return "24/7"
	}
	var byDay [7]string // Monday first
	for _, s := range h.Weekly {
		i := (int(s.Day) + 6) % 7
		byDay[i] = strings.TrimPrefix(byDay[i]+","+formatRange(s), ",")
	}
	var rules []string
	done := [7]bool{}
	for i, r := range byDay {
		if r == "" || done[i] {
			continue
		}
		var runs []string
		for j := i; j < 7; j++ {
			if byDay[j] != r || done[j] {
				continue
			}
			k := j
			for k+1 < 7 && byDay[k+1] == r {
				k++
			}
			for x := j; x <= k; x++ {
				done[x] = true
			}
			run := dayNames[(j+1)%7]
			switch {
			case k == j+1:
				run += "," + dayNames[(k+1)%7]
			case k > j+1:
				run += "-" + dayNames[(k+1)%7]
			}
			runs = append(runs, run)
			j = k
		}
		rules = append(rules, strings.Join(runs, ",")+" "+r)
	}
	return strings.Join(rules, ", ")
}

// ParseClosures reads dated closures: "2026-12-24..2026-12-26; 2027-01-01" (or UK dates,
// "24/12/2026..26/12/2026").
func ParseClosures(spec string) ([]Closure, error) {
	var out []Closure
	for _, part := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == ',' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, isRange := strings.Cut(part, "..")
		if !isRange {
			to = from
		}
		f, err := ParseDate(from)
		if err != nil {
			return nil, errMsg("directory.problem.closure_date", "Value", quote(part))
		}
		t, err := ParseDate(to)
		if err != nil {
			return nil, errMsg("directory.problem.closure_date", "Value", quote(part))
		}
		if t.Before(f) {
			return nil, errMsg("directory.problem.closure_order", "Value", quote(part))
		}
		out = append(out, Closure{From: f.Format(time.DateOnly), To: t.Format(time.DateOnly)})
	}
	return out, nil
}

// FormatClosures is the canonical form ParseClosures reads back.
func FormatClosures(cs []Closure) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.From
		if c.To != c.From {
			parts[i] += ".." + c.To
		}
	}
	return strings.Join(parts, "; ")
}

// Availability is whether a listing can be reached at a moment.
type Availability struct {
	Known   bool      // hours are recorded
	Open    bool      // open at the moment asked
	Always  bool      // open 24 hours (and open now)
	Until   time.Time // when open: when it closes (zero if not within a week)
	Next    time.Time // when closed: when it next opens (zero if not within two weeks)
	Holiday bool      // closed today for a bank holiday or a dated closure
}

// span is an opening in minutes relative to local midnight of the day asked about.
type span struct{ from, to int }

// dayInfo is a local calendar day: its date, weekday and bank holidays by division.
type dayInfo struct {
	date    string
	weekday time.Weekday
	bankHol [3]bool
}

func (h *Hours) closedOn(d *dayInfo, div Division) bool {
	if d.bankHol[div] && h.closedOnBankHolidays() {
		return true
	}
	for _, c := range h.Closures {
		if c.From <= d.date && d.date <= c.To {
			return true
		}
	}
	return false
}

// spans lists the openings that start on the day k days after the day asked about.
func (h *Hours) spans(k int, d *dayInfo, div Division, out []span) []span {
	if h.closedOn(d, div) {
		return out
	}
	base := k * day
	if h.Always {
		return append(out, span{base, base + day})
	}
	for _, s := range h.Weekly {
		if s.Day == d.weekday {
			out = append(out, span{base + s.Open, base + s.Close})
		}
	}
	return out
}

// openNow is the fast check used to score every listing: days holds yesterday and today.
func (h *Hours) openNow(days *[2]dayInfo, m int, div Division) bool {
	if h.Always {
		return !h.closedOn(&days[1], div)
	}
	for k := range 2 {
		if h.closedOn(&days[k], div) {
			continue
		}
		for _, s := range h.Weekly {
			if s.Day == days[k].weekday && (k-1)*day+s.Open <= m && m < (k-1)*day+s.Close {
				return true
			}
		}
	}
	return false
}

// At tells whether the hours are open at now, until when, or when they next open,
// looking two weeks ahead, with bank holidays of the division.
func (h *Hours) At(now time.Time, div Division) Availability {
	if !h.Known() {
		return Availability{}
	}
	lt := now.In(Zone)
	y, mo, d := lt.Date()
	m := lt.Hour()*60 + lt.Minute()
	const ahead = 15
	var all []span
	var today dayInfo
	for k := -1; k < ahead; k++ {
		di := dayAt(y, mo, d+k)
		if k == 0 {
			today = di
		}
		all = h.spans(k, &di, div, all)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].from < all[j].from })
	a := Availability{Known: true}
	for i, s := range all {
		if s.from <= m && m < s.to {
			a.Open = true
			end := s.to
			for _, t := range all[i+1:] {
				if t.from <= end && t.to > end {
					end = t.to
				}
			}
			a.Always = h.Always && end-m > 2*day
			if end < (ahead-1)*day {
				a.Until = localTime(y, mo, d, end)
			}
			return a
		}
	}
	for _, s := range all {
		if s.from > m {
			a.Next = localTime(y, mo, d, s.from)
			break
		}
	}
	a.Holiday = h.closedOn(&today, div)
	return a
}

func dayAt(y int, m time.Month, d int) dayInfo {
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	di := dayInfo{date: t.Format(time.DateOnly), weekday: t.Weekday()}
	for div := range divisions {
		di.bankHol[div] = isBankHoliday(Division(div), di.date)
	}
	return di
}

// localTime is the wall-clock time min minutes after local midnight of y-m-d. A time in
// the spring-forward gap moves forward, as time.Date does.
func localTime(y int, mo time.Month, d, minutes int) time.Time {
	return time.Date(y, mo, d+minutes/day, 0, minutes%day, 0, 0, Zone)
}
