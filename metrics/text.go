package metrics

import (
	"math"
	"sort"
	"strconv"
)

// family is one metric family as a scrape found it: its samples carry at most one label,
// which is all this program's metrics need.
type family struct {
	name, help string
	kind       string // "counter", "gauge" or "summary"
	label      string // the label's name, for the samples that have a value for it
	samples    []sample
}

type sample struct {
	suffix     string // after the family's name: a summary's "_sum" and "_count"
	labelValue string // "" for none
	value      float64
}

func sortSamples(s []sample) {
	sort.Slice(s, func(i, j int) bool { return s[i].labelValue < s[j].labelValue })
}

// appendText appends the family in the text exposition format 0.0.4:
//
//	# HELP name help
//	# TYPE name kind
//	name{label="value"} 1
func (f *family) appendText(b []byte) []byte {
	b = append(b, "# HELP "...)
	b = append(b, f.name...)
	b = append(b, ' ')
	b = appendEscaped(b, f.help, false)
	b = append(b, "\n# TYPE "...)
	b = append(b, f.name...)
	b = append(b, ' ')
	b = append(b, f.kind...)
	b = append(b, '\n')
	for _, s := range f.samples {
		b = append(b, f.name...)
		b = append(b, s.suffix...)
		if s.labelValue != "" {
			b = append(b, '{')
			b = append(b, f.label...)
			b = append(b, `="`...)
			b = appendEscaped(b, s.labelValue, true)
			b = append(b, `"}`...)
		}
		b = append(b, ' ')
		b = appendFloat(b, s.value)
		b = append(b, '\n')
	}
	return b
}

// appendEscaped appends s with backslash and line feed escaped, and the double quote too
// in a label value, as the format asks.
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := range len(s) {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendFloat writes v as the Prometheus client did: the shortest form that reads back
// exactly ("1", "0.5", "3.4e+07"), and +Inf, -Inf, NaN by name.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
