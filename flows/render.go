package flows

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/puente-bot/puente/locales"
)

// actKind is what a button of a screen does.
type actKind uint8

const (
	actNode     actKind = iota // a button the flow file declared
	actMore                    // next page of the referral list
	actFirst                   // from the last page of the list, the first again
	actLang                    // a language of the picker
	actOrg                     // an organisation to hand the case to
	actYes                     // yes, open the case
	actDecline                 // no, open no case
	actSendFile                // send the file to the case
	actKeepFile                // do not send it
	actLanguage                // open the picker
	actBack
	actMenu
	actExit
)

// action is one button of a screen; its index is its token.
type action struct {
	kind actKind
	btn  *NodeButton
	lang string
	org  string // actOrg: the listing's id
}

// current returns the node s is on; a node that no longer exists (the flows
// changed under a session) is read as the start node.
func (e *Engine) current(s State) *Node {
	if n, ok := e.set.Nodes[s.Node]; ok {
		return n
	}
	return e.start
}

// actions lists the buttons of the screen s shows, in token order. The list
// depends on the state alone, so a token can be checked without rendering.
func (e *Engine) actions(s State, buf []action) []action {
	switch s.View {
	case ViewPicker:
		for _, t := range e.cat.Tags() {
			buf = append(buf, action{kind: actLang, lang: t})
		}
		if s.Node == "" {
			// First contact: nothing to go back to.
			return append(buf, action{kind: actExit})
		}
		return append(buf, action{kind: actBack}, action{kind: actMenu}, action{kind: actExit})
	}
	if handoffView(s.View) {
		return handoffActions(s, buf)
	}
	n := e.current(s)
	for i := range n.Buttons {
		if n.Buttons[i].Do == DoHandoff && !s.Handoff {
			// No organisation on the referral list (any page of it) could
			// take the conversation: a button that can only say so would be
			// a dead end.
			continue
		}
		buf = append(buf, action{kind: actNode, btn: &n.Buttons[i]})
	}
	if n.Do == DoShowReferrals && s.More {
		more := action{kind: actMore}
		if s.LastPage {
			more.kind = actFirst
		}
		buf = append(buf, more)
	}
	if n == e.start {
		return append(buf, action{kind: actLanguage}, action{kind: actExit})
	}
	return append(buf, action{kind: actBack}, action{kind: actMenu}, action{kind: actExit})
}

// Tokens are "<seq>.<index>" in base 36: a few bytes, far under Telegram's
// 64, and worthless outside the state that issued them.
func token(buf []byte, seq uint32, i int) string {
	buf = strconv.AppendUint(buf[:0], uint64(seq), 36)
	buf = append(buf, '.')
	buf = strconv.AppendUint(buf, uint64(i), 36)
	return string(buf)
}

// press finds the action of a token; ok is false for a stale or forged one.
func (e *Engine) press(s State, tok string) (action, bool) {
	seqPart, idxPart, found := strings.Cut(tok, ".")
	if !found || len(tok) > 24 {
		return action{}, false
	}
	seq, err := strconv.ParseUint(seqPart, 36, 32)
	if err != nil || uint32(seq) != s.Seq {
		return action{}, false
	}
	i, err := strconv.ParseUint(idxPart, 36, 16)
	if err != nil {
		return action{}, false
	}
	var buf [16]action
	acts := e.actions(s, buf[:0])
	if i >= uint64(len(acts)) {
		return action{}, false
	}
	return acts[i], true
}

// screen renders s as the new current screen, after an optional notice.
func (e *Engine) screen(s State, ev Event, notice string) (State, Output) {
	s.Seq++
	r := renderer{cat: e.cat, lang: e.lang(s, ev), hint: ev.LangHint, vars: e.cfg.Vars, names: e.names}
	switch {
	case handoffView(s.View):
		r.orgs = orgNames{takers: ev.Takers, p: e.profile(s, ev), now: ev.Now}
	case s.Orgs != nil || s.Org != "" || s.File != 0:
		s = leaveHandoff(s)
	}
	s, reply := e.render(s, ev.Now, &r)
	if notice == "" {
		return s, Output{Replies: []Reply{reply}}
	}
	return s, Output{Replies: []Reply{{Text: r.text(notice, e.cfg.Vars), Lang: r.lang}, reply}}
}

// Render renders the screen of s as it stands, strictly: the error lists
// every missing message or template key (the text still renders, falling
// back). Check and tests walk the flows with it.
func (e *Engine) Render(s State, now time.Time) (Reply, error) {
	r := renderer{cat: e.cat, lang: e.lang(s, Event{}), vars: e.cfg.Vars, names: e.names}
	_, reply := e.render(s, now, &r)
	return reply, errors.Join(r.errs...)
}

// renderer renders messages in one language and remembers what went wrong
// and whether anything fell back to another language.
type renderer struct {
	cat      *locales.Catalog
	lang     string
	hint     string // the app's language hint, which orders the picker
	vars     map[string]any
	errs     []error
	fellBack bool
	b        strings.Builder
	scratch  map[string]any    // template data, reused (see with)
	names    map[string]string // listing names with a local form (see Engine.names)
	orgs     orgNames          // the organisations a handoff screen names
}

func (r *renderer) text(id string, data map[string]any) string {
	return r.textIn(r.lang, id, data)
}

func (r *renderer) textIn(lang, id string, data map[string]any) string {
	out, served, err := r.cat.Render(lang, id, data)
	if err != nil {
		r.errs = append(r.errs, err)
		return r.cat.Text(lang, id, data)
	}
	if served != lang {
		r.fellBack = true
	}
	return out
}

func (r *renderer) plural(id string, n int, data map[string]any) string {
	out, served, err := r.cat.RenderPlural(r.lang, id, n, data)
	if err != nil {
		r.errs = append(r.errs, err)
		return r.cat.Plural(r.lang, id, n, data)
	}
	if served != r.lang {
		r.fellBack = true
	}
	return out
}

// para adds a paragraph to the screen's text.
func (r *renderer) para(s string) {
	if s == "" {
		return
	}
	if r.b.Len() > 0 {
		r.b.WriteString("\n\n")
	}
	r.b.WriteString(s)
}

func (e *Engine) render(s State, now time.Time, r *renderer) (State, Reply) {
	var buf [16]action
	// One allocation for the whole screen rather than one per doubling:
	// most screens fit in a kilobyte.
	r.b.Grow(1024)
	switch s.View {
	case ViewPicker:
		// One line per language, each in its own language: the person may
		// read none of the others. As many as one screen holds, in picker
		// order; every language's button names it in its own script.
		n := 0
		for _, t := range e.pickerOrder(r.hint) {
			line := r.textIn(t, "ui.picker.prompt", r.vars)
			if r.b.Len() > 0 {
				if n+1+utf8.RuneCountInString(line) > MaxReading {
					continue
				}
				r.b.WriteByte('\n')
				n++
			}
			r.b.WriteString(line)
			n += utf8.RuneCountInString(line)
		}
	case ViewChoose, ViewConsent, ViewFile:
		renderHandoff(s, r)
	default:
		n := e.current(s)
		data := r.vars
		if n.Ask == AskCommunity {
			if s.Offer == "" {
				s, _ = e.question(s, n, now)
			}
			data = r.with1("Community", r.text("directory.community."+s.Offer, r.vars))
		}
		// A referral list says what it is once, on its first page.
		if n.Do != DoShowReferrals || s.Page == 0 {
			for _, id := range n.Say {
				r.para(r.text(id, data))
			}
		}
		s.Handoff = false
		if n.Do == DoShowReferrals {
			s = e.referrals(s, now, r)
		}
		// Said once, on the first menu: the screen every choice of a
		// language leads to, and the one with the button to choose another.
		if n == e.start && e.unreviewed[r.lang] && s.Told != r.lang {
			r.para(r.text(UnreviewedNotice, r.with1("Button", r.text("ui.nav.language", r.vars))))
			s.Told = r.lang
		}
	}
	if r.fellBack {
		r.para(r.text("ui.notice.fallback", r.vars))
	}
	acts := e.actions(s, buf[:0])
	return s, Reply{Text: r.b.String(), Buttons: e.keyboard(s, acts, r), Lang: r.lang}
}

// keyboard lays out the buttons: one row each, navigation together last;
// the picker's languages two to a row, in picker order.
func (e *Engine) keyboard(s State, acts []action, r *renderer) [][]Button {
	nav := 0
	for _, a := range acts {
		if a.kind >= actLanguage {
			nav++
		}
	}
	rows := make([][]Button, 0, len(acts)-nav+1)
	buttons := make([]Button, len(acts))
	var tb [16]byte
	for i, a := range acts {
		var label string
		if a.kind == actExit && s.View == ViewPicker && s.Node == "" {
			label = e.pickerExit(r)
		} else {
			label = e.label(a, r)
		}
		buttons[i] = Button{Label: label, Token: token(tb[:], s.Seq, i)}
		if a.kind < actLanguage && a.kind != actLang {
			rows = append(rows, buttons[i:i+1:i+1])
		}
	}
	if s.View == ViewPicker {
		// The tokens keep the order of actions; only the layout follows the hint.
		langs := make([]Button, 0, len(acts)-nav)
		for _, t := range e.pickerOrder(r.hint) {
			for i, a := range acts {
				if a.kind == actLang && a.lang == t {
					langs = append(langs, buttons[i])
				}
			}
		}
		for i := 0; i < len(langs); i += 2 {
			rows = append(rows, langs[i:min(i+2, len(langs)):min(i+2, len(langs))])
		}
	}
	if nav > 0 {
		rows = append(rows, buttons[len(acts)-nav:])
	}
	return rows
}

// pickerOrder is the shipped languages in the picker's order: the one the
// person's app hints at first, when a shipped language matches it, then
// Default, then the rest.
func (e *Engine) pickerOrder(hint string) []string {
	tags := e.cat.Tags()
	lang, confident := locales.Resolve("", hint, tags)
	if !confident || lang == tags[0] {
		return tags
	}
	out := make([]string, 0, len(tags))
	out = append(out, lang)
	for _, t := range tags {
		if t != lang {
			out = append(out, t)
		}
	}
	return out
}

// pickerExit is the exit button of the first picker, with each language's
// word: the person has not chosen one yet and may read only their own. As
// many words as a label holds, in picker order.
func (e *Engine) pickerExit(r *renderer) string {
	const sep = " · "
	var b strings.Builder
	for _, t := range e.pickerOrder(r.hint) {
		word := r.textIn(t, "ui.picker.exit", r.vars)
		if b.Len() > 0 {
			if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(sep+word) > MaxLabel {
				continue
			}
			b.WriteString(sep)
		}
		b.WriteString(word)
	}
	return b.String()
}

func (e *Engine) label(a action, r *renderer) string {
	switch a.kind {
	case actNode:
		return r.text(a.btn.Label, r.vars)
	case actMore:
		return r.text("ui.referral.more", r.vars)
	case actFirst:
		return r.text("ui.referral.first", r.vars)
	case actLang:
		return r.textIn(a.lang, "ui.language.name", r.vars)
	case actLanguage:
		return r.text("ui.nav.language", r.vars)
	case actBack:
		return r.text("ui.nav.back", r.vars)
	case actMenu:
		return r.text("ui.nav.menu", r.vars)
	case actOrg:
		return orgLabel(a, r)
	case actYes:
		return r.text("handoff.btn.yes", r.vars)
	case actDecline:
		return r.text("handoff.btn.no", r.vars)
	case actSendFile:
		return r.text("handoff.btn.file_send", r.vars)
	case actKeepFile:
		return r.text("handoff.btn.file_cancel", r.vars)
	default:
		return r.text("ui.nav.exit", r.vars)
	}
}
