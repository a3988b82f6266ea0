package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
)

// Limits a screen must keep.
const (
	MaxLabel   = 30   // characters of a button label
	MaxText    = 4096 // characters of a Telegram message
	MaxButtons = 8    // buttons a node declares, besides navigation
	maxID      = 24
)

// MaxReading is what a frightened reader on a phone can take in on one screen
// (CONTENT.md). Referral lists are longer by nature and held only to MaxText.
const MaxReading = 600

var nodeID = regexp.MustCompile(`^[a-z0-9_]+$`)

// EmergencyLine is the message that tells a person in danger how to call 999,
// also without speaking. EmergencyPage is the screen that explains it in full.
const (
	EmergencyLine = "content.common.emergency"
	EmergencyPage = "content.main.emergency"
)

// namesAuthority finds, in a screen's English text, the police or the Home
// Office (and its Immigration Enforcement): naming them raises the fear that
// keeps people from calling for help, so such a screen also says how to call
// 999, or gives in no_emergency the reason it does not need to.
var namesAuthority = regexp.MustCompile(`(?i)\bpolice\b|\bHome Office\b|\bImmigration Enforcement\b`)

// Validate reports what would break a conversation, or shows the flows
// went stale: a missing or second start node, a target or message that does
// not exist, an unknown action or argument, a node no path reaches, a file
// without a review date, a flow text no flow uses.
func (s *Set) Validate(cat *locales.Catalog) []locales.Defect {
	var out []locales.Defect
	for _, f := range s.Files {
		if _, err := time.Parse(time.DateOnly, f.Meta.Reviewed); err != nil {
			out = append(out, locales.Defect{File: f.Path, Line: f.firstLine("reviewed"), Msg: fmt.Sprintf("meta.reviewed %q is not a date like 2026-11-27", f.Meta.Reviewed)})
		}
		if len(f.Nodes) == 0 {
			out = append(out, locales.Defect{File: f.Path, Line: 1, Msg: "no [[node]] in the file"})
		}
	}
	if _, ok := s.Nodes[PrivacyNode]; !ok && len(s.Files) > 0 {
		out = append(out, locales.Defect{File: s.Files[0].Path, Line: 1, Msg: fmt.Sprintf("no node %q for the /privacy command", PrivacyNode)})
	}
	start, ok := s.Start()
	if !ok {
		var where []string
		for _, n := range s.order {
			if n.Nav == NavNoBack {
				where = append(where, n.Where())
			}
		}
		file := "flows"
		if len(s.Files) > 0 {
			file = s.Files[0].Path
		}
		out = append(out, locales.Defect{File: file, Line: 1, Msg: fmt.Sprintf("exactly one node must have nav = %q (the start node); found %d %v", NavNoBack, len(where), where)})
	}
	for _, n := range s.order {
		out = append(out, s.validateNode(n, cat)...)
	}
	// Flow texts live under content.; one no flow uses is stale.
	used := s.MessageIDs()
	for _, id := range cat.IDs(locales.Default) {
		if strings.HasPrefix(id, "content.") && !slices.Contains(used, id) {
			m, _ := cat.Message(locales.Default, id)
			out = append(out, locales.Defect{File: m.File, Line: m.Line, Msg: fmt.Sprintf("message %q is used by no flow", id)})
		}
	}
	if ok {
		seen := s.reachable(start)
		for _, n := range s.order {
			if !seen[n.ID] {
				out = append(out, locales.Defect{File: n.File.Path, Line: n.Line, Msg: fmt.Sprintf("node %q cannot be reached from the start node %q", n.ID, start.ID)})
			}
		}
	}
	return out
}

func (s *Set) validateNode(n *Node, cat *locales.Catalog) []locales.Defect {
	var out []locales.Defect
	bad := func(line int, format string, args ...any) {
		out = append(out, locales.Defect{File: n.File.Path, Line: line, Msg: fmt.Sprintf("node %q: ", n.ID) + fmt.Sprintf(format, args...)})
	}
	if len(n.ID) > maxID || !nodeID.MatchString(n.ID) {
		bad(n.Line, "an id is 1 to %d characters a-z, 0-9 or _", maxID)
	}
	if len(n.Say) == 0 {
		bad(n.Line, "say lists no message")
	}
	if n.Nav != "" && n.Nav != NavNoBack {
		bad(n.lineOf("nav"), "nav %q: the engine adds Back, Menu and Exit to every node; only %q is allowed, on the start node", n.Nav, NavNoBack)
	}
	if n.Do != "" && n.Do != DoShowReferrals {
		bad(n.lineOf(n.Do), "a node's do can only be %q, not %q", DoShowReferrals, n.Do)
	}
	switch n.Ask {
	case "":
		if n.Skip != "" {
			bad(n.lineOf("skip"), "skip = %q without ask: only a question is passed over", n.Skip)
		}
	case AskCommunity, AskWomenOnly:
		if _, ok := s.Nodes[n.Skip]; !ok {
			bad(n.lineOf("skip"), "ask = %q needs skip, the node to go to when the question is passed over; %q does not exist", n.Ask, n.Skip)
		} else if n.Skip == n.ID {
			bad(n.lineOf("skip"), "skip leads back to the node itself")
		}
	default:
		bad(n.lineOf("ask"), "ask can only be %q or %q, not %q", AskCommunity, AskWomenOnly, n.Ask)
	}
	if len(n.Buttons) > MaxButtons {
		bad(n.lineOf("buttons"), "%d buttons; at most %d besides Back, Menu and Exit", len(n.Buttons), MaxButtons)
	}
	for _, id := range n.Say {
		if _, ok := cat.Message(locales.Default, id); !ok {
			bad(n.lineOf(`"`+id+`"`), "message %q does not exist", id)
		}
	}
	out = append(out, checkEmergency(n, cat)...)
	for _, b := range n.Buttons {
		line := n.lineOf(`"` + b.Label + `"`)
		if b.Label == "" {
			bad(line, "a button has no label")
		} else if _, ok := cat.Message(locales.Default, b.Label); !ok {
			bad(line, "message %q does not exist", b.Label)
		}
		if msg := checkButton(b); msg != "" {
			bad(line, "%s", msg)
		}
		if b.Next != "" {
			if _, ok := s.Nodes[b.Next]; !ok {
				bad(n.lineOf(`"`+b.Next+`"`), "button %q leads to %q, which does not exist", b.Label, b.Next)
			}
		}
	}
	return out
}

// checkEmergency holds a screen that names the police or the Home Office to
// the emergency line, and a reason given in no_emergency to a screen that
// needs one. Referral lists are left out: their own intro and the emergency
// services listing carry 999.
func checkEmergency(n *Node, cat *locales.Catalog) []locales.Defect {
	if n.Do == DoShowReferrals {
		return nil
	}
	var named string
	shows := false
	for _, id := range n.Say {
		if id == EmergencyLine || id == EmergencyPage {
			shows = true
			continue
		}
		if _, ok := cat.Message(locales.Default, id); !ok {
			continue
		}
		if m := namesAuthority.FindString(cat.Text(locales.Default, id, nil)); m != "" && named == "" {
			named = fmt.Sprintf("%s names %q", id, m)
		}
	}
	bad := func(line int, format string, args ...any) []locales.Defect {
		return []locales.Defect{{File: n.File.Path, Line: line, Msg: fmt.Sprintf("node %q: ", n.ID) + fmt.Sprintf(format, args...)}}
	}
	switch {
	case named != "" && !shows && strings.TrimSpace(n.NoEmergency) == "":
		return bad(n.lineOf("say"), "%s but the screen does not show %q: add it to say, or say in no_emergency why this screen raises no fear", named, EmergencyLine)
	case n.NoEmergency != "" && shows:
		return bad(n.lineOf("no_emergency"), "no_emergency is set but the screen shows %q: remove no_emergency", EmergencyLine)
	case n.NoEmergency != "" && named == "":
		return bad(n.lineOf("no_emergency"), "no_emergency is set but the screen names neither the police nor the Home Office: remove it")
	}
	return nil
}

// checkButton checks a button's action, argument and target against the
// closed set of actions.
func checkButton(b NodeButton) string {
	switch b.Do {
	case "":
		if b.Arg != "" {
			return fmt.Sprintf("button %q has an arg but no do", b.Label)
		}
	case DoSetNeed:
		if _, err := directory.ParseNeed(b.Arg); err != nil && b.Arg != NeedNotSaid {
			return fmt.Sprintf("button %q: %v", b.Label, err)
		}
	case DoSetRegion:
		if _, err := directory.ParseRegion(b.Arg); err != nil {
			return fmt.Sprintf("button %q: %v", b.Label, err)
		}
	case DoSetPref:
		c, isCommunity := strings.CutPrefix(b.Arg, prefCommunity)
		if !slices.Contains([]string{PrefWomenOnly, PrefAny, PrefOffered, PrefNoCommunity}, b.Arg) && !isCommunity {
			return fmt.Sprintf("button %q: preference %q is not %s, %s, %s, %s or community:<code>", b.Label, b.Arg,
				PrefWomenOnly, PrefAny, PrefOffered, PrefNoCommunity)
		}
		if _, err := directory.ParseCommunity(c); isCommunity && err != nil {
			return fmt.Sprintf("button %q: %v", b.Label, err)
		}
	case DoLanguage, DoExit, DoBack, DoMenu, DoHandoff:
		if b.Next != "" || b.Arg != "" {
			return fmt.Sprintf("button %q: do = %q takes no next and no arg", b.Label, b.Do)
		}
		return ""
	default:
		return fmt.Sprintf("button %q: unknown action %q (known: %s, %s, %s, %s, %s, %s, %s, %s)", b.Label, b.Do,
			DoSetNeed, DoSetRegion, DoSetPref, DoLanguage, DoExit, DoBack, DoMenu, DoHandoff)
	}
	if b.Next == "" {
		return fmt.Sprintf("button %q leads nowhere: it needs next", b.Label)
	}
	return ""
}

// reachable returns the IDs of the nodes some path of buttons reaches.
func (s *Set) reachable(start *Node) map[string]bool {
	seen := map[string]bool{start.ID: true}
	queue := []*Node{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		targets := []string{n.Skip}
		for _, b := range n.Buttons {
			targets = append(targets, b.Next)
		}
		for _, t := range targets {
			if next, ok := s.Nodes[t]; ok && !seen[next.ID] {
				seen[next.ID] = true
				queue = append(queue, next)
			}
		}
	}
	return seen
}

// Check is everything check verifies: Validate, the message files, and
// every screen rendered in every shipped language (no missing message or
// key, labels under MaxLabel characters, texts under MaxReading, and
// referral lists under MaxText).
func Check(set *Set, cat *locales.Catalog, rank directory.Ranker, cfg Config, now time.Time) []locales.Defect {
	out := set.Validate(cat)
	out = append(out, cat.Check()...)
	if len(out) > 0 {
		return out
	}
	e, err := New(set, cat, rank, cfg)
	if err != nil {
		return append(out, locales.Defect{File: "flows", Line: 1, Msg: err.Error()})
	}
	for _, sc := range append(e.Screens(), e.handoffScreens()...) {
		reply, err := e.Render(sc.State, now)
		if err != nil {
			out = append(out, sc.defect("%s: %v", sc.State.Lang, err))
		}
		out = append(out, sc.checkReply(reply)...)
	}
	return append(out, checkHandoffMessages(cat)...)
}

// sampleOrg is an organisation's name as long as the directory's long ones, for measuring
// the screens that name one.
const sampleOrg = "Latin American Women's Rights Service (LAWRS)"

// handoffScreens are the handoff's screens in every shipped language, over the first
// referral node, offering two organisations (named by short ids: organisations' names are
// the directory's, not the catalogue's).
func (e *Engine) handoffScreens() []Screen {
	i := slices.IndexFunc(e.set.order, func(n *Node) bool { return n.Do == DoShowReferrals })
	if i < 0 {
		return nil
	}
	var out []Screen
	for _, lang := range e.cat.Tags() {
		for _, v := range []struct{ view, id string }{{ViewChoose, "handoff.choose"}, {ViewConsent, "handoff.consent"}, {ViewFile, "handoff.file.warning"}} {
			sc := Screen{State: State{Lang: lang, Node: e.set.order[i].ID, View: v.view, Orgs: []string{"Org A", "Org B"}, Org: sampleOrg, File: 1}}
			if m, ok := e.cat.Message(lang, v.id); ok {
				sc.file, sc.line = m.File, m.Line
			}
			out = append(out, sc)
		}
	}
	return out
}

// handoffSample fills the placeholders of the handoff's messages with values as long as
// real ones, for measuring them.
var handoffSample = map[string]any{"Org": sampleOrg, "Hours": "Mon–Fri 10:00–17:00, Sat 10:00–13:00", "Code": "K7Q2-94",
	"Username": "@a_username_of_thirty_two_chars", "Count": 20}

// checkHandoffMessages holds every handoff message a person or an organisation reads, in
// every shipped language, to the limits of a screen, and its button labels to MaxLabel:
// most are said apart from any flow screen (when a case opens, closes, or a file is sent).
func checkHandoffMessages(cat *locales.Catalog) []locales.Defect {
	var out []locales.Defect
	for _, lang := range cat.Tags() {
		for _, id := range cat.IDs(locales.Default) {
			if !strings.HasPrefix(id, "handoff.") {
				continue
			}
			m, ok := cat.Message(lang, id)
			if !ok {
				continue // cat.Check names it
			}
			text := cat.Text(lang, id, handoffSample)
			bad := func(format string, args ...any) {
				out = append(out, locales.Defect{File: m.File, Line: m.Line, Msg: fmt.Sprintf("message %q (%s): ", id, lang) + fmt.Sprintf(format, args...)})
			}
			switch n := readable(text); {
			case strings.HasPrefix(id, "handoff.btn.") && n > MaxLabel:
				bad("button %q has %d characters, over %d", text, n, MaxLabel)
			case n > MaxReading:
				bad("the message has %d characters, over %d: split it", n, MaxReading)
			}
		}
	}
	return out
}

// Screen is a state worth rendering and where its content is written.
type Screen struct {
	State State
	Node  *Node // nil for the picker

	file string // where the picker's text is written
	line int
}

func (sc Screen) defect(format string, args ...any) locales.Defect {
	if sc.Node == nil {
		return locales.Defect{File: sc.file, Line: sc.line, Msg: fmt.Sprintf("%s screen: ", sc.State.View) + fmt.Sprintf(format, args...)}
	}
	return locales.Defect{File: sc.Node.File.Path, Line: sc.Node.Line, Msg: fmt.Sprintf("node %q: ", sc.Node.ID) + fmt.Sprintf(format, args...)}
}

func (sc Screen) checkReply(r Reply) []locales.Defect {
	var out []locales.Defect
	if n := utf8.RuneCountInString(r.Text); n > MaxText {
		out = append(out, sc.defect("%s: the screen has %d characters, over %d", r.Lang, n, MaxText))
	}
	if n := readable(r.Text); (sc.Node != nil && sc.Node.Do != DoShowReferrals || handoffView(sc.State.View)) && n > MaxReading {
		out = append(out, sc.defect("%s: the screen has %d characters, over %d: split it", r.Lang, n, MaxReading))
	}
	if strings.Contains(r.Text, "<no value>") {
		out = append(out, sc.defect("%s: the screen shows <no value>", r.Lang))
	}
	for _, row := range r.Buttons {
		for _, b := range row {
			if n := readable(b.Label); n > MaxLabel {
				d := sc.defect("%s: button %q has %d characters, over %d", r.Lang, b.Label, n, MaxLabel)
				out = append(out, d)
			}
		}
	}
	return out
}

// Screens lists every screen of the flows in every shipped language: the
// picker and each node (a referral node once per need a button sets). It is
// generated from the flow files, so tests and check walk every node without
// a hand-kept list.
func (e *Engine) Screens() []Screen {
	needs := []string{""}
	for _, n := range e.set.order {
		for _, b := range n.Buttons {
			if b.Do == DoSetNeed && b.Arg != NeedNotSaid && !slices.Contains(needs, b.Arg) {
				needs = append(needs, b.Arg)
			}
		}
	}
	var out []Screen
	for _, lang := range e.cat.Tags() {
		picker := Screen{State: State{Lang: lang, View: ViewPicker}}
		if m, ok := e.cat.Message(locales.Default, "ui.picker.prompt"); ok {
			picker.file, picker.line = m.File, m.Line
		}
		out = append(out, picker)
		for _, n := range e.set.order {
			if n.Ask == AskCommunity {
				for _, c := range directory.Communities() {
					out = append(out, Screen{State: State{Lang: lang, Node: n.ID, Offer: string(c)}, Node: n})
				}
				continue
			}
			if n.Do != DoShowReferrals {
				out = append(out, Screen{State: State{Lang: lang, Node: n.ID}, Node: n})
				continue
			}
			for _, need := range needs {
				out = append(out, Screen{State: State{Lang: lang, Node: n.ID, Need: need}, Node: n})
			}
		}
	}
	return out
}

// readable counts the characters a person reads: the invisible marks that keep numbers and
// names in order in right-to-left text (bidi isolates and marks) are not read.
func readable(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= '\u2066' && r <= '\u2069', r >= '\u202a' && r <= '\u202e', r == '\u200e', r == '\u200f', r == '\u061c':
		default:
			n++
		}
	}
	return n
}
