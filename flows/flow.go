// Package flows is the conversation: flow files (TOML data a reviewer can
// read: nodes, message IDs and buttons) and a pure engine that turns a
// session state and an event into the next state and the replies to show.
// It knows nothing of Telegram, HTTP or SQL, so the same walk runs in tests,
// in the terminal, in the web preview and on Telegram.
package flows

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"

	"github.com/BurntSushi/toml"
)

// Set is every node of every flow file, by ID.
type Set struct {
	Files []*File
	Nodes map[string]*Node
	order []*Node // in file order, for stable checks
}

// File is one flow file.
type File struct {
	Path  string
	Meta  Meta
	Nodes []*Node
	lines [][]byte
}

// Meta is what a reviewer records about a file's content.
type Meta struct {
	Reviewed string   `toml:"reviewed"` // date the content was last reviewed, 2006-01-02
	Sources  []string `toml:"sources"`  // rows of the rights facts relied on
}

// Node is one screen.
type Node struct {
	ID      string       `toml:"id"`
	Say     []string     `toml:"say"`     // message IDs, shown in order as one screen
	Sources []string     `toml:"sources"` // overrides the file's meta sources
	Buttons []NodeButton `toml:"buttons"`
	Nav     string       `toml:"nav"` // "" or "no_back" (the start node)
	Do      string       `toml:"do"`  // "" or "show_referrals"
	// Ask marks a question asked only when its answer can change the referral list
	// ("community", "women_only"); otherwise the person goes straight on to Skip.
	Ask  string `toml:"ask"`
	Skip string `toml:"skip"`
	// NoEmergency says why a screen that names the police or the Home Office
	// raises no fear and so needs no emergency line (see EmergencyLine).
	NoEmergency string `toml:"no_emergency"`

	File    *File `toml:"-"`
	Line    int   `toml:"-"` // line of the node's id
	endLine int   // last line of the node in its file
}

// NodeButton is a button a flow file declares; the engine adds navigation.
type NodeButton struct {
	Label string `toml:"label"` // message ID
	Next  string `toml:"next"`  // node ID
	Do    string `toml:"do"`    // action
	Arg   string `toml:"arg"`   // the action's argument
}

// Where returns "file:line" of the node.
func (n *Node) Where() string { return fmt.Sprintf("%s:%d", n.File.Path, n.Line) }

// lineOf returns the line of the node's text holding needle, else the line
// of its id: the TOML decoder gives no positions, so defects point at the
// first mention inside the node.
func (n *Node) lineOf(needle string) int {
	for i := n.Line - 1; i < n.endLine && i < len(n.File.lines); i++ {
		if bytes.Contains(n.File.lines[i], []byte(needle)) {
			return i + 1
		}
	}
	return n.Line
}

var idLine = regexp.MustCompile(`^\s*id\s*=\s*["']([^"']*)["']`)

// LoadFS reads every *.toml flow file at the root of fsys. Syntax errors,
// unknown keys and duplicate node IDs are errors; everything else is left
// to Validate so that check can report it all at once.
func LoadFS(fsys fs.FS) (*Set, error) { return load(fsys, "") }

// load reads the flow files of fsys, naming them dir+name in messages.
func load(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("list flow files: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("no flow files")
	}
	set := &Set{Nodes: map[string]*Node{}}
	var errs []error
	for _, name := range names {
		f, err := parseFile(fsys, name, dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		set.Files = append(set.Files, f)
		for _, n := range f.Nodes {
			if prev, ok := set.Nodes[n.ID]; ok {
				errs = append(errs, fmt.Errorf("%s: node %q already defined at %s", n.Where(), n.ID, prev.Where()))
				continue
			}
			set.Nodes[n.ID] = n
			set.order = append(set.order, n)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

func parseFile(fsys fs.FS, file, dir string) (*File, error) {
	buf, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	name := dir + file
	var raw struct {
		Meta Meta    `toml:"meta"`
		Node []*Node `toml:"node"`
	}
	md, err := toml.Decode(string(buf), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f := &File{Path: name, Meta: raw.Meta, Nodes: raw.Node, lines: bytes.Split(buf, []byte("\n"))}
	if keys := md.Undecoded(); len(keys) > 0 {
		var errs []error
		for _, k := range keys {
			last := k[len(k)-1]
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %q", name, f.firstLine(last), k.String()))
		}
		return nil, errors.Join(errs...)
	}
	// Node i is the i-th `id = "…"` line of the file.
	var starts []int
	for i, l := range f.lines {
		if idLine.Match(l) {
			starts = append(starts, i+1)
		}
	}
	for i, n := range f.Nodes {
		n.File = f
		n.Line, n.endLine = 1, len(f.lines)
		if i < len(starts) {
			n.Line = starts[i]
		}
		if i+1 < len(starts) {
			n.endLine = starts[i+1] - 1
		}
	}
	return f, nil
}

func (f *File) firstLine(key string) int {
	re := regexp.MustCompile(`(^|[\s{,])` + regexp.QuoteMeta(key) + `\s*=`)
	for i, l := range f.lines {
		if re.Match(l) {
			return i + 1
		}
	}
	return 1
}

// Start returns the start node: the one node whose nav is "no_back".
func (s *Set) Start() (*Node, bool) {
	var start *Node
	for _, n := range s.order {
		if n.Nav == NavNoBack {
			if start != nil {
				return nil, false
			}
			start = n
		}
	}
	return start, start != nil
}

// NodeIDs returns every node ID in file order.
func (s *Set) NodeIDs() []string {
	ids := make([]string, len(s.order))
	for i, n := range s.order {
		ids[i] = n.ID
	}
	return ids
}

// MessageIDs returns every message ID the flows refer to, sorted.
func (s *Set) MessageIDs() []string {
	var ids []string
	for _, n := range s.order {
		ids = append(ids, n.Say...)
		for _, b := range n.Buttons {
			ids = append(ids, b.Label)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
