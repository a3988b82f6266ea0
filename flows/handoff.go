package flows

import (
	"slices"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
)

// The handoff's screens, shown over the node the person asked from (View).
const (
	ViewChoose  = "choose"  // which organisation
	ViewConsent = "consent" // what it will see: yes or no
	ViewFile    = "file"    // a file's hidden details: send it or not
)

// maxChoices is how many organisations a person may choose from at once.
const maxChoices = 3

// Takers is what the engine asks of whoever opens cases: the organisations that can take
// one for a person now. The bot gives those that accept handoffs and have linked a group;
// the terminal and the web preview, which open no case, give those that accept handoffs.
type Takers interface {
	// Takers lists, best first, the organisations that can take a case for p now.
	Takers(p directory.Profile, now time.Time) []*directory.Listing
	// Taker returns the organisation offered to p under id while it can still take a
	// case, else nil. It is asked again at each press of a handoff screen, so an offer
	// holds while the organisation does, whatever the ranking does in between.
	Taker(p directory.Profile, now time.Time, id string) *directory.Listing
}

// Accepting is the Takers of a walk that opens no case: every organisation of the ranking
// that accepts handoffs, as if each had linked a group.
type Accepting struct{ Ranker directory.Ranker }

// Takers returns the ranking's organisations that accept handoffs.
func (a Accepting) Takers(p directory.Profile, now time.Time) []*directory.Listing {
	if a.Ranker == nil {
		return nil
	}
	var out []*directory.Listing
	for _, m := range a.Ranker.Rank(p, now) {
		if m.Listing.AcceptsHandoff {
			out = append(out, m.Listing)
		}
	}
	return out
}

// Taker finds id among the ranking's organisations that accept handoffs.
func (a Accepting) Taker(p directory.Profile, now time.Time, id string) *directory.Listing {
	ls := a.Takers(p, now)
	if i := slices.IndexFunc(ls, func(l *directory.Listing) bool { return l.ID == id }); i >= 0 {
		return ls[i]
	}
	return nil
}

// handoffView reports the views of the handoff's screens.
func handoffView(v string) bool { return v == ViewChoose || v == ViewConsent || v == ViewFile }

// profile is what an organisation would be told of s: never who.
func (e *Engine) profile(s State, ev Event) directory.Profile {
	return directory.Profile{Lang: e.lang(s, ev), Need: directory.Need(s.Need), Region: directory.Region(s.Region), WomenOnly: s.WomenOnly, Community: s.Community}
}

// takers is at most maxChoices organisations that can take a case for s now.
func (e *Engine) takers(s State, ev Event) []*directory.Listing {
	if ev.Takers == nil {
		return nil
	}
	ls := ev.Takers.Takers(e.profile(s, ev), ev.Now)
	return ls[:min(len(ls), maxChoices)]
}

// notice is a message alone: the state, and so the screen before it with its buttons,
// stays as it was.
func (e *Engine) notice(s State, ev Event, id string) (State, Output) {
	lang := e.lang(s, ev)
	return s, Output{Fresh: true, Replies: []Reply{{Text: e.cat.Text(lang, id, e.cfg.Vars), Lang: lang}}}
}

// offer answers the handoff button: the organisations that can take the case, to choose
// from, or straight to what the only one will see.
func (e *Engine) offer(s State, ev Event) (State, Output) {
	switch {
	case ev.Takers == nil:
		return e.notice(s, ev, "ui.notice.handoff_unavailable")
	case ev.Case != nil:
		return e.notice(s, ev, "handoff.already")
	}
	ls := e.takers(s, ev)
	if len(ls) == 0 {
		return e.notice(s, ev, "handoff.none")
	}
	s.Orgs = make([]string, len(ls))
	for i, l := range ls {
		s.Orgs[i] = l.ID
	}
	switch len(ls) {
	case 1:
		s.View, s.Org = ViewConsent, ls[0].ID
	default:
		s.View = ViewChoose
	}
	return e.fresh(e.screen(s, ev, ""))
}

// fresh marks the replies as new messages: the screen pressed stays as it is.
func (e *Engine) fresh(s State, out Output) (State, Output) {
	out.Fresh = true
	return s, out
}

// ended leaves the handoff's screens with a notice; their buttons are stale from now on.
func (e *Engine) ended(s State, ev Event, id string) (State, Output) {
	s = leaveHandoff(s)
	s.Seq++
	return e.notice(s, ev, id)
}

// leaveHandoff returns to the node under the handoff's screens.
func leaveHandoff(s State) State {
	if handoffView(s.View) {
		s.View = ""
	}
	s.Orgs, s.Org, s.File = nil, "", 0
	return s
}

// file answers a file sent in a case: it goes only after the person read what it may
// reveal and said so.
func (e *Engine) file(s State, ev Event) (State, Output) {
	if ev.Case == nil {
		return e.notice(s, ev, "bot.input.media")
	}
	if s.Node == "" {
		s.Node = e.start.ID
	}
	s.View, s.File = ViewFile, ev.File
	return e.fresh(e.screen(s, ev, ""))
}

// handoffAct carries out a button of the handoff's screens.
func (e *Engine) handoffAct(s State, a action, ev Event) (State, Output) {
	switch a.kind {
	case actOrg:
		if e.taker(s, ev, a.org) == nil {
			return e.ended(s, ev, "handoff.gone")
		}
		s.View, s.Org = ViewConsent, a.org
		return e.screen(s, ev, "")
	case actYes:
		if e.taker(s, ev, s.Org) == nil {
			return e.ended(s, ev, "handoff.gone")
		}
		open := s.Org
		s = leaveHandoff(s)
		s.Seq++
		return s, Output{Fresh: true, Open: open}
	case actDecline:
		return e.ended(s, ev, "handoff.declined")
	case actSendFile:
		if ev.Case == nil {
			return e.screen(leaveHandoff(s), ev, "ui.notice.expired")
		}
		file := s.File
		s, out := e.ended(s, ev, "handoff.file.sent")
		out.SendFile = file
		return s, out
	default:
		return e.ended(s, ev, "handoff.file.not_sent")
	}
}

// taker is the organisation offered under id while it can still take a case for s.
func (e *Engine) taker(s State, ev Event, id string) *directory.Listing {
	if ev.Takers == nil {
		return nil
	}
	return ev.Takers.Taker(e.profile(s, ev), ev.Now, id)
}

// handoffActions lists the buttons of a handoff screen, in token order.
func handoffActions(s State, buf []action) []action {
	switch s.View {
	case ViewChoose:
		for _, id := range s.Orgs {
			buf = append(buf, action{kind: actOrg, org: id})
		}
		buf = append(buf, action{kind: actDecline})
	case ViewConsent:
		buf = append(buf, action{kind: actYes}, action{kind: actDecline})
	case ViewFile:
		// Back would only mean "don't send": the screen says it in words.
		return append(buf, action{kind: actSendFile}, action{kind: actKeepFile}, action{kind: actMenu}, action{kind: actExit})
	}
	return append(buf, action{kind: actBack}, action{kind: actMenu}, action{kind: actExit})
}

// renderHandoff writes a handoff screen.
func renderHandoff(s State, r *renderer) {
	switch s.View {
	case ViewChoose:
		r.para(r.text("handoff.choose", r.vars))
	case ViewConsent:
		r.para(r.text("handoff.consent", r.with1("Org", locales.BidiFor(r.lang).FSI(r.org(s.Org)))))
	case ViewFile:
		r.para(r.text("handoff.file.warning", r.vars))
	}
}

// orgNames names the organisations a handoff screen offers, as the event's Takers give them.
// (A value, not a closure over the state: that would move every state to the heap.)
type orgNames struct {
	takers Takers
	p      directory.Profile
	now    time.Time
}

// org is the name of the organisation offered under id.
func (r *renderer) org(id string) string {
	if r.orgs.takers != nil {
		if l := r.orgs.takers.Taker(r.orgs.p, r.orgs.now, id); l != nil {
			return l.Name
		}
	}
	return id
}

// orgLabel is an organisation's name on its button. Names are the directory's, not the
// catalogue's, and some are long: at most maxOrgLabel characters of one are shown.
func orgLabel(a action, r *renderer) string {
	name := []rune(r.org(a.org))
	return string(name[:min(len(name), maxOrgLabel)])
}

const maxOrgLabel = 60

// Rating is a person's answer to "did it help?" after a case closed: it only adds to a
// weekly count.
type Rating struct {
	Case    string // the case's id, as its buttons carry it
	Helpful bool
}

// The rating buttons belong to a closed case, not to a screen: their token carries the case's
// id and stays good after the conversation moved on, and a session that has expired since
// can still answer. An id that is not the presser's case changes nothing (the store checks).
const (
	ratePrefix = "R"
	caseIDLen  = 32
)

// RateButtons asks whether case caseID helped.
func RateButtons(cat *locales.Catalog, lang, caseID string) [][]Button {
	return [][]Button{{
		{Label: cat.Text(lang, "handoff.btn.helpful", nil), Token: ratePrefix + caseID + ".1"},
		{Label: cat.Text(lang, "handoff.btn.not_helpful", nil), Token: ratePrefix + caseID + ".0"},
	}}
}

// rate answers a rating button: the pressed question becomes a thank-you, and the state
// stays as it was. A malformed one is said to be no longer active.
func (e *Engine) rate(s State, ev Event) (State, Output) {
	id, v, ok := strings.Cut(strings.TrimPrefix(ev.Token, ratePrefix), ".")
	if !ok || (v != "0" && v != "1") || len(id) != caseIDLen {
		return e.notice(s, ev, "handoff.expired")
	}
	lang := e.lang(s, ev)
	return s, Output{Rate: &Rating{Case: id, Helpful: v == "1"}, Replies: []Reply{{Text: e.cat.Text(lang, "handoff.rated", e.cfg.Vars), Lang: lang}}}
}
