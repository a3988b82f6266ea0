package web

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
)

// Two fields are edited with widgets of their own and still stored as the CSV's text: the
// languages, ticked by name, and the opening hours, as times per day.

// langOption is a language a form offers, named in the viewer's language.
type langOption struct {
	Value, Name string
	Checked     bool
}

// languageChoices are the languages a languages field offers: the likely ones, by name in
// the viewer's language and in its alphabetical order.
func (v *viewer) languageChoices(value string) []langOption {
	chosen := splitCell(value)
	var out []langOption
	for _, c := range likelyInNameOrder(v.Lang) {
		out = append(out, langOption{Value: c, Name: v.languageName(c), Checked: slices.Contains(chosen, c)})
	}
	return out
}

// likelyInNameOrder is directory.LikelyLanguages in the order the collation of a page's
// language sorts their names (case aside), worked out ahead in language_order_table.go so
// that the binary carries no collation tables; in the list's own order for a language the
// table lacks.
func likelyInNameOrder(lang string) []string {
	for _, o := range likelyLanguageOrder {
		if o.Lang == lang {
			return o.Codes
		}
	}
	return directory.LikelyLanguages()
}

// pageOrder is an order of language codes for one language of the pages.
type pageOrder struct {
	Lang  string
	Codes []string
}

// otherLanguages is what the field holds beyond the offered languages, for the text box
// beside the boxes.
func otherLanguages(value string) string {
	var out []string
	for _, c := range splitCell(value) {
		if !slices.Contains(directory.LikelyLanguages(), c) {
			out = append(out, c)
		}
	}
	return strings.Join(out, "; ")
}

// languageName names a language in the viewer's language ("portugués" on Spanish pages).
func (v *viewer) languageName(code string) string {
	switch code {
	case "bfi", directory.AnyLanguage:
		return v.t("web.language_name." + code)
	}
	if n := locales.NameIn(v.Lang, code); n != "" {
		return n
	}
	return directory.LanguageName(code)
}

// formLanguages reads a languages field: the ticked boxes, then the codes typed beside them,
// in the order the cell had them.
func formLanguages(form url.Values, col, was string) string {
	var chosen []string
	for _, v := range append(slices.Clone(form[col]), form.Get(col+"_other")) {
		for _, c := range splitCell(v) {
			if !slices.Contains(chosen, c) {
				chosen = append(chosen, c)
			}
		}
	}
	return strings.Join(keepOrder(splitCell(was), chosen), "; ")
}

// digest is a group's values in one line, in the viewer's words ("Domestic abuse, Housing ·
// Spanish, Portuguese"), to compare with the organisation's details without unfolding it.
func (v *viewer) digest(g formGroup) string {
	var parts []string
	for _, f := range g.Fields {
		var names []string
		switch f.Widget {
		case wText, wDate, wHours:
			if f.Value != "" {
				names = append(names, f.Value)
			}
		case wLangs:
			for _, c := range splitCell(f.Value) {
				names = append(names, v.languageName(c))
			}
		case wChecks:
			for _, o := range f.Options {
				if o.Checked {
					names = append(names, v.t(o.Label))
				}
			}
		}
		if len(names) > 0 {
			parts = append(parts, strings.Join(names, ", "))
		}
	}
	return strings.Join(parts, " · ")
}

// weekDays are the CSV's day codes, Monday first, as the hours widget lays them out.
var weekDays = []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}

// slotsPerDay is how many openings a day has in the widget ("09:00-12:00, 13:00-17:00").
const slotsPerDay = 2

// hoursDay is one day of the hours widget: its code and up to slotsPerDay openings.
type hoursDay struct {
	Code          string
	Opens, Closes [slotsPerDay]string // "HH:MM", as a time input holds it
	n             int
}

// hoursGrid is the hours widget's content.
type hoursGrid struct {
	Always bool
	Days   []hoursDay
}

// hoursGridOf lays out the hours spec as the widget's days, or nil when it does not fit
// them (it does not read, or has more openings a day than the widget), in which case the
// form offers the spec as text.
func hoursGridOf(spec string) *hoursGrid {
	h, err := directory.ParseHours(spec)
	if err != nil {
		return nil
	}
	g := &hoursGrid{Always: h.Always, Days: make([]hoursDay, len(weekDays))}
	for i, c := range weekDays {
		g.Days[i].Code = c
	}
	for _, s := range h.Weekly {
		d := &g.Days[(int(s.Day)+6)%7]
		if d.n == slotsPerDay {
			return nil
		}
		d.Opens[d.n], d.Closes[d.n] = hhmm(s.Open), hhmm(s.Close)
		d.n++
	}
	return g
}

func hhmm(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60%24, minutes%60) }

// formHours reads the hours widget back into the CSV's spec. A spec that reads is written
// canonically, as a stored listing's is, so that saving an unchanged form changes nothing;
// one that does not read is kept as typed for its message.
func formHours(form url.Values) string {
	if form.Get("hours_always") != "" {
		return "24/7"
	}
	var rules []string
	for _, d := range weekDays {
		var ranges []string
		for i := range slotsPerDay {
			open := strings.TrimSpace(form.Get(fmt.Sprintf("hours_%s_open%d", d, i+1)))
			closes := strings.TrimSpace(form.Get(fmt.Sprintf("hours_%s_close%d", d, i+1)))
			if open != "" || closes != "" {
				ranges = append(ranges, open+"-"+closes)
			}
		}
		if len(ranges) > 0 {
			rules = append(rules, d+" "+strings.Join(ranges, ","))
		}
	}
	spec := strings.Join(rules, "; ")
	h, err := directory.ParseHours(spec)
	if err != nil {
		return spec
	}
	return h.String()
}
