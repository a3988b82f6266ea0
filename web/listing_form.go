package web

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// A listing's form has one field per column of the directory CSV, so the page, the
// spreadsheet and the audit trail all speak of the same fields, and the directory package
// checks an edit exactly as it checks an imported row.

// widget is how a field is edited.
type widget string

const (
	wText     widget = "text"
	wTextarea widget = "textarea"
	wSelect   widget = "select"
	wChecks   widget = "checks" // several codes, stored as "a; b"
	wDate     widget = "date"
	wLangs    widget = "languages" // language codes ticked by name, stored as "a; b"
	wHours    widget = "hours"     // times per day, stored as the CSV's hours spec
)

type fieldSpec struct {
	Col    string
	Widget widget
	// Options are the codes a select or checks field offers; their labels are the message
	// ids OptionPrefix + code.
	Options      []string
	OptionPrefix string
}

type groupSpec struct {
	Legend string // message id
	Fields []fieldSpec
}

func codes[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var (
	triOptions = codes(directory.Tris())
	// listingForm is every column of a listing, grouped as a volunteer thinks of them.
	listingForm = []groupSpec{
		{"web.group.about", []fieldSpec{
			{Col: "name", Widget: wText},
			{Col: "organisation", Widget: wText},
			{Col: "kind", Widget: wSelect, Options: codes(directory.Kinds()), OptionPrefix: "web.kind."},
			{Col: "public_body", Widget: wSelect, Options: []string{"no", "yes"}, OptionPrefix: "web.tri."},
			{Col: "description_en", Widget: wTextarea},
			{Col: "description_es", Widget: wTextarea},
			{Col: "description_pt", Widget: wTextarea},
			{Col: "area", Widget: wText},
		}},
		{"web.group.who", []fieldSpec{
			{Col: "needs", Widget: wChecks, Options: codes(directory.Needs()), OptionPrefix: "web.need."},
			{Col: "languages", Widget: wLangs},
			{Col: "interpreting", Widget: wLangs},
			{Col: "serves", Widget: wChecks, Options: codes(directory.Audiences()), OptionPrefix: "web.serves."},
			{Col: "communities", Widget: wChecks, Options: codes(directory.Communities()), OptionPrefix: "web.community."},
			{Col: "regions", Widget: wChecks, Options: codes(directory.Regions()), OptionPrefix: "web.region."},
		}},
		{"web.group.contact", []fieldSpec{
			{Col: "phone", Widget: wText},
			{Col: "text", Widget: wText},
			{Col: "email", Widget: wText},
			{Col: "website", Widget: wText},
			{Col: "address", Widget: wTextarea},
		}},
		{"web.group.hours", []fieldSpec{
			{Col: "hours", Widget: wHours},
			{Col: "closed", Widget: wText},
			{Col: "bank_holidays", Widget: wSelect, Options: []string{"", "open", "closed"}, OptionPrefix: "web.bank."},
		}},
		{"web.group.trust", []fieldSpec{
			{Col: "data_sharing", Widget: wSelect, Options: codes(directory.Stances()), OptionPrefix: "web.stance."},
			{Col: "insecure_status", Widget: wSelect, Options: triOptions, OptionPrefix: "web.tri."},
			{Col: "id_needed", Widget: wSelect, Options: triOptions, OptionPrefix: "web.tri."},
			{Col: "anonymous_handoff", Widget: wSelect, Options: []string{"no", "yes"}, OptionPrefix: "web.tri."},
			{Col: "verified_at", Widget: wDate},
			{Col: "verified_by", Widget: wText},
			{Col: "source", Widget: wTextarea},
		}},
	}
)

// formColumns are the columns the form edits; others (id, status) are kept as they are.
var formColumns = func() []string {
	var out []string
	for _, g := range listingForm {
		for _, f := range g.Fields {
			out = append(out, f.Col)
		}
	}
	return out
}()

type option struct {
	Value, Label string // Label is a message id
	Checked      bool
}

type formField struct {
	fieldSpec
	Value    string
	Options  []option
	Problems []directory.Message // what stops the listing being saved
	Warnings []directory.Message // worth knowing, but saved anyway
	Other    string              // languages: the codes beyond the offered ones
	Hours    *hoursGrid          // hours: the days, or nil to offer the spec as text
}

type formGroup struct {
	Legend string
	Fields []formField
	// Open keeps the group open on a phone, where groups start folded: it has a problem.
	Open bool
}

// fillForm lays out rec (column -> cell) as the form, with each problem beside its field.
// Problems of no field of the form are returned to be shown above it.
func fillForm(rec map[string]string, probs directory.Problems) ([]formGroup, []directory.Problem) {
	byCol := map[string]directory.Problems{}
	var other []directory.Problem
	for _, p := range probs {
		if slices.Contains(formColumns, p.Column) {
			byCol[p.Column] = append(byCol[p.Column], p)
		} else if !p.Warning {
			other = append(other, p)
		}
	}
	groups := make([]formGroup, len(listingForm))
	for i, g := range listingForm {
		groups[i].Legend = g.Legend
		for _, spec := range g.Fields {
			f := formField{fieldSpec: spec, Value: rec[spec.Col]}
			for _, p := range byCol[spec.Col] {
				if p.Warning {
					f.Warnings = append(f.Warnings, p.Message)
				} else {
					f.Problems = append(f.Problems, p.Message)
				}
			}
			groups[i].Open = groups[i].Open || len(f.Problems) > 0
			chosen := splitCell(f.Value)
			for _, o := range spec.Options {
				f.Options = append(f.Options, option{Value: o, Label: spec.OptionPrefix + orNone(o), Checked: slices.Contains(chosen, o)})
			}
			switch spec.Widget {
			case wLangs:
				f.Other = otherLanguages(f.Value)
			case wHours:
				f.Hours = hoursGridOf(f.Value)
			}
			groups[i].Fields = append(groups[i].Fields, f)
		}
	}
	return groups, other
}

func orNone(code string) string {
	if code == "" {
		return "none"
	}
	return code
}

// formRecord reads the posted form into a record, starting from base (the listing as
// stored) so that columns the form does not edit keep their values.
func formRecord(form url.Values, base map[string]string) map[string]string {
	rec := make(map[string]string, len(base))
	for k, v := range base {
		rec[k] = v
	}
	for _, g := range listingForm {
		for _, f := range g.Fields {
			var v string
			switch {
			case f.Widget == wChecks:
				v = strings.Join(keepOrder(splitCell(base[f.Col]), form[f.Col]), "; ")
			case f.Widget == wLangs:
				v = formLanguages(form, f.Col, base[f.Col])
			case f.Widget == wHours && form.Has("hours_grid"):
				v = formHours(form)
			default:
				v = strings.TrimSpace(strings.ReplaceAll(form.Get(f.Col), "\r\n", "\n"))
			}
			// Kept even when empty: a missing column would stop the checks at the header, and
			// the volunteer would not see the other fields' problems.
			rec[f.Col] = v
		}
	}
	return rec
}

// keepOrder lists the chosen codes in the order the cell had them, then new ones: ticking
// boxes in the form's order must not show up as a change of order in the trail.
func keepOrder(was, chosen []string) []string {
	var out []string
	for _, c := range was {
		if slices.Contains(chosen, c) {
			out = append(out, c)
		}
	}
	for _, c := range chosen {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func splitCell(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// problemsOf returns the problems in err from directory.FromRecord.
func problemsOf(err error) (directory.Problems, bool) {
	var ps directory.Problems
	if errors.As(err, &ps) {
		return ps, true
	}
	return nil, false
}

// diff lists the columns whose cells differ between two records, in the form's order and
// then any other column by name.
func diff(before, after map[string]string) []store.Change {
	cols := slices.Clone(formColumns)
	var rest []string
	for _, m := range []map[string]string{before, after} {
		for c := range m {
			if !slices.Contains(cols, c) && !slices.Contains(rest, c) {
				rest = append(rest, c)
			}
		}
	}
	slices.Sort(rest)
	var out []store.Change
	for _, c := range append(cols, rest...) {
		if before[c] != after[c] {
			out = append(out, store.Change{Field: c, Before: before[c], After: after[c]})
		}
	}
	return out
}
