package locales

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"text/template/parse"
)

// Defect is one problem in the message files, with where to fix it.
type Defect struct {
	File string
	Line int
	Msg  string
}

func (d Defect) String() string { return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Msg) }

// Coverage is how much of Default a language has in its own words.
type Coverage struct {
	Lang       string
	Translated int      // messages of Default the language has itself
	Total      int      // messages of Default
	Reviewed   int      // messages translated and stamped, the stamp still holding
	Stale      []string // messages whose stamp no longer holds
	FellBack   []string
}

// Coverage reports, for each shipped language, which messages fall back
// (and so are shown in another language), how many are reviewed and which
// stamps went stale.
func (c *Catalog) Coverage() []Coverage {
	ids := c.IDs(Default)
	out := make([]Coverage, 0, len(c.tags))
	for _, lang := range c.tags {
		cov := Coverage{Lang: lang}
		for _, id := range ids {
			if !c.expected(lang, id) {
				continue
			}
			cov.Total++
			if served, _ := c.Lookup(lang, id); served == lang {
				cov.Translated++
			} else {
				cov.FellBack = append(cov.FellBack, id)
			}
			switch c.ReviewState(lang, id) {
			case Reviewed:
				cov.Reviewed++
			case Stale:
				cov.Stale = append(cov.Stale, id)
			}
		}
		out = append(out, cov)
	}
	return out
}

// Check reports every defect of the message files: a message missing from a
// shipped language, a message no English file has, placeholders that differ
// from English, a number of the English not written as it is, a plural form the language needs but lacks, a template that
// does not render, a message without a description or outside its file's
// area, a review stamp that can never hold (see checkReviews).
func (c *Catalog) Check() []Defect {
	out := c.checkReviews()
	for _, lang := range c.tags {
		for _, id := range c.IDs(lang) {
			m := c.msgs[lang].at(id)
			out = append(out, c.checkMessage(m)...)
		}
	}
	for _, id := range c.IDs(Default) {
		en := c.msgs[Default].at(id)
		for _, lang := range c.tags[1:] {
			if _, ok := c.msgs[lang].get(id); !ok && c.expected(lang, id) {
				out = append(out, Defect{en.File, en.Line, fmt.Sprintf("message %q is missing in %s (%s)", id, lang, areaFile(en.File, lang))})
			}
		}
	}
	return out
}

// OptionalAreas are the areas a language may leave out entirely: the
// volunteers' page (web) is read by volunteers, who may use it in English, while
// everything a person at risk reads must be in their language.
var OptionalAreas = []string{"web"}

// expected reports whether lang must have message id: always, unless the
// message's area is optional and lang ships no file of that area.
func (c *Catalog) expected(lang, id string) bool {
	en, ok := c.msgs[Default].get(id)
	if !ok {
		return false
	}
	area := areaOf(en.File)
	return !slices.Contains(OptionalAreas, area) || c.areas[lang][area]
}

func (c *Catalog) checkMessage(m *Message) []Defect {
	var out []Defect
	bad := func(format string, args ...any) {
		out = append(out, Defect{m.File, m.Line, fmt.Sprintf(format, args...)})
	}
	if area := areaOf(m.File); !strings.HasPrefix(m.ID, area+".") {
		bad("message %q must start with %q, the area of its file", m.ID, area+".")
	}
	if strings.TrimSpace(m.Description) == "" && m.Lang == Default {
		bad("message %q has no description for translators", m.ID)
	}
	en, ok := c.msgs[Default].get(m.ID)
	if !ok {
		bad("message %q (%s) is not in English", m.ID, m.Lang)
		return out
	}
	want := en.Placeholders()
	if got := m.Placeholders(); !slices.Equal(got, want) {
		bad("message %q (%s) has placeholders %v, English has %v", m.ID, m.Lang, got, want)
		return out
	}
	for _, n := range missingNumbers(en, m) {
		bad("message %q (%s) lacks the number %s that the English has: numbers are kept as written", m.ID, m.Lang, n)
	}
	if en.Plural {
		for _, f := range c.forms[m.Lang] {
			if _, ok := m.forms.get(f); !ok {
				bad("message %q (%s) lacks the plural form %q", m.ID, m.Lang, f)
			}
		}
	}
	data := map[string]any{}
	for _, p := range want {
		data[p] = "x"
	}
	for _, f := range Forms {
		if _, ok := m.forms.get(f); !ok {
			continue
		}
		if _, err := m.render(f, data); err != nil {
			bad("message %q (%s, %s) does not render: %v", m.ID, m.Lang, f, err)
		}
	}
	return out
}

// A number is a run of digits with its thousands separators (5,000 is 5000:
// languages group digits differently); "24/7" is an idiom for "at any
// hour", which a language may say in words, so only its 24 is held.
var (
	digits    = regexp.MustCompile(`[0-9]+(?:[,. \x{a0}\x{202f}][0-9]{3}\b)*`)
	actions   = regexp.MustCompile(`\{\{.*?\}\}`)
	groupSeps = strings.NewReplacer(",", "", ".", "", " ", "", "\u00a0", "", "\u202f", "")
	allHours  = strings.NewReplacer("24/7", "24")
)

// numbers lists the numbers written in a text, outside its template
// actions: each as written, and as compared (without group separators).
func numbers(s string) (written, compared []string) {
	written = digits.FindAllString(actions.ReplaceAllString(allHours.Replace(s), ""), -1)
	compared = make([]string, len(written))
	for i, n := range written {
		compared[i] = groupSeps.Replace(n)
	}
	return written, compared
}

// missingNumbers lists the numbers of the English (999, 0808 2000 247, 24/7)
// that a translation does not write as they are, form by form; a form the
// English lacks is held to the English "other".
func missingNumbers(en, m *Message) []string {
	var out []string
	for _, f := range Forms {
		t, ok := m.forms.get(f)
		if !ok {
			continue
		}
		src, ok := en.forms.get(f)
		if !ok {
			src, _ = en.forms.get("other")
		}
		if src == nil {
			continue
		}
		_, have := numbers(t.source())
		written, want := numbers(src.source())
		for i, n := range want {
			if !slices.Contains(have, n) && !slices.Contains(out, written[i]) {
				out = append(out, written[i])
			}
		}
	}
	return out
}

// Placeholders returns the names of the fields a message's templates use
// (.Phone -> Phone), sorted and without repeats.
func (m *Message) Placeholders() []string {
	var names []string
	for _, t := range m.forms.all() {
		if t == nil {
			continue
		}
		for _, p := range t.parts() {
			if p.field != "" {
				names = append(names, p.field)
			}
		}
		if t.tmpl() != nil {
			walkFields(t.tmpl().Tree.Root, &names)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func walkFields(n parse.Node, names *[]string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkFields(c, names)
		}
	case *parse.ActionNode:
		walkFields(n.Pipe, names)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkFields(c, names)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkFields(a, names)
		}
	case *parse.FieldNode:
		*names = append(*names, n.Ident[0])
	case *parse.ChainNode:
		walkFields(n.Node, names)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, names)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, names)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, names)
	case *parse.TemplateNode:
		walkFields(n.Pipe, names)
	}
}

func walkBranch(b *parse.BranchNode, names *[]string) {
	walkFields(b.Pipe, names)
	walkFields(b.List, names)
	walkFields(b.ElseList, names)
}

// areaOf returns the area of a message file name: "ui" for ui.es.json.
func areaOf(file string) string {
	base := path.Base(file)
	if i := strings.IndexByte(base, '.'); i >= 0 {
		return base[:i]
	}
	return base
}

// areaFile names the file of an area in another language.
func areaFile(file, lang string) string {
	return path.Join(path.Dir(file), areaOf(file)+"."+lang+".json")
}
