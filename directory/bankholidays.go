package directory

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
)

// Division is a part of the UK with its own bank holidays.
type Division int

// Divisions, as gov.uk names them.
const (
	EnglandAndWales Division = iota
	ScotlandDivision
	NorthernIrelandDivision
)

var divisions = [...]string{"england-and-wales", "scotland", "northern-ireland"}

func (d Division) String() string { return divisions[d] }

// division is whose bank holidays a listing keeps: Scotland's or Northern Ireland's when
// it covers only that nation, England and Wales's otherwise (national services are
// mostly run from England).
func (l *Listing) division() Division {
	if len(l.Regions) == 0 {
		return EnglandAndWales
	}
	only := func(r Region) bool {
		for _, x := range l.Regions {
			if x != r {
				return false
			}
		}
		return true
	}
	switch {
	case only(Scotland):
		return ScotlandDivision
	case only(NorthernIreland):
		return NorthernIrelandDivision
	}
	return EnglandAndWales
}

//go:embed bankholidays.txt
var bankHolidayList string

// BankHoliday is one day off in one division.
type BankHoliday struct {
	Division Division
	Date     string // YYYY-MM-DD
	Title    string
}

var bankHolidays = mustParseBankHolidays(bankHolidayList)

var bankHolidaySet = func() map[string][3]bool {
	m := map[string][3]bool{}
	for _, b := range bankHolidays {
		v := m[b.Date]
		v[b.Division] = true
		m[b.Date] = v
	}
	return m
}()

func mustParseBankHolidays(s string) []BankHoliday {
	var out []BankHoliday
	for i, line := range strings.Split(s, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 3)
		div := -1
		for j, d := range divisions {
			if len(f) == 3 && f[0] == d {
				div = j
			}
		}
		if _, err := time.Parse(time.DateOnly, f[min(1, len(f)-1)]); div < 0 || err != nil {
			panic(fmt.Sprintf("bankholidays.txt:%d: bad line %q", i+1, line))
		}
		out = append(out, BankHoliday{Division(div), f[1], f[2]})
	}
	return out
}

// BankHolidays lists the embedded bank holidays.
func BankHolidays() []BankHoliday { return append([]BankHoliday(nil), bankHolidays...) }

func isBankHoliday(d Division, date string) bool { return bankHolidaySet[date][d] }
