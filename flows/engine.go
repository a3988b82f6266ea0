package flows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
)

// Actions a flow file may name in `do`: a closed set, written in Go.
const (
	DoSetNeed       = "set_need"       // button; arg: a need code, or not_said
	DoSetRegion     = "set_region"     // button; arg: a region code
	DoSetPref       = "set_pref"       // button; arg: women_only, any, offered, no_community or community:<code>
	DoShowReferrals = "show_referrals" // node: its screen lists organisations
	DoLanguage      = "language"       // button: show the language picker
	DoExit          = "exit"           // button: leave and erase
	DoBack          = "back"           // button: previous screen
	DoMenu          = "menu"           // button: the start node
	DoHandoff       = "handoff"        // button: hand the case to an organisation

	// NavNoBack marks the start node: it has no Back button.
	NavNoBack = "no_back"
)

// Questions a node may Ask only when the answer can change the referral list.
const (
	// AskCommunity offers organisations made for a community the person's language
	// suggests (directory.SuggestedCommunities), when choosing them changes the first
	// page of the list.
	AskCommunity = "community"
	// AskWomenOnly offers services for women only, when choosing them changes the first
	// page of the list.
	AskWomenOnly = "women_only"
)

// NeedNotSaid is the set_need argument of "I prefer not to say": no need is recorded,
// so the list is the general one and the case card says "not said".
const NeedNotSaid = "not_said"

// ViewPicker is the language picker, shown over a state's node.
const ViewPicker = "picker"

// PrivacyNode is the node the /privacy command shows.
const PrivacyNode = "privacy"

// State is one person's place in the conversation: small, JSON-serialisable,
// and holding nothing they typed.
type State struct {
	Lang      string   `json:"lang,omitempty"` // chosen language; empty until chosen
	Node      string   `json:"node,omitempty"` // empty before the first screen
	View      string   `json:"view,omitempty"` // "" or ViewPicker, shown over Node
	Seq       uint32   `json:"seq,omitempty"`  // screens shown; tokens carry it
	Back      []string `json:"back,omitempty"` // nodes to go back to, last on top
	Need      string   `json:"need,omitempty"`
	Region    string   `json:"region,omitempty"`
	WomenOnly bool     `json:"women_only,omitempty"`
	Community string   `json:"community,omitempty"`
	Offer     string   `json:"offer,omitempty"`     // the community the community question offers
	Page      int      `json:"page,omitempty"`      // page of the referral list
	More      bool     `json:"more,omitempty"`      // the referral list on screen has more pages
	LastPage  bool     `json:"last_page,omitempty"` // …and this is the last of them
	// Handoff says an organisation on the referral list takes anonymous
	// conversations, so the flow's handoff button is shown.
	Handoff bool `json:"handoff,omitempty"`
	// Told is the language the person was told has not been checked by a
	// reviewer yet, so that it is said once.
	Told string `json:"told,omitempty"`
	// The handoff's screens (View ViewChoose, ViewConsent or ViewFile) hold
	// the organisations offered, in the order shown, the one chosen, and the
	// person's message holding a file they were asked about.
	Orgs []string `json:"orgs,omitempty"`
	Org  string   `json:"org,omitempty"`
	File int      `json:"file,omitempty"`
}

// Kind is what happened.
type Kind uint8

// Event kinds.
const (
	EventStart  Kind = iota + 1 // first contact, or /start
	EventText                   // a typed message or command; never stored
	EventButton                 // a button press, with its token
	EventFile                   // a photo, voice note or file, with the message holding it
)

// Event is one thing a person did.
type Event struct {
	Kind     Kind
	Text     string
	Token    string
	LangHint string // a guess at the language, such as Telegram's language_code
	Now      time.Time
	// Takers are the organisations that can take a case now; nil where no
	// case can be opened.
	Takers Takers
	Case   *Case // the person's open case, if any
	File   int   // EventFile: the person's message holding the file, as the caller names it
	// Username is the presser's username, with the share buttons that carry it
	// (CarriesUsername) only; never stored.
	Username string
}

// Output is what to show and do after an event.
type Output struct {
	Replies []Reply
	Exit    bool // leave: erase the conversation and forget the session
	// Fresh says the replies are new messages: the screen whose button was
	// pressed stays as it is.
	Fresh bool
	// Open is a listing's id: open a case with its organisation, then tell the
	// person how it went. The engine has no reply of its own for it.
	Open string
	// SendFile is the message holding a file the person chose to send to their case.
	SendFile int
	// Rate is the person's answer to whether a closed case helped: count it. The reply
	// replaces the question.
	Rate *Rating
	// Share shares the person's username with the organisation of their case, then says
	// how it went; Unshare takes it back.
	Share, Unshare bool
	// End ends the person's open case: the organisation is told, and the topic closed.
	End bool
}

// Reply is one message.
type Reply struct {
	Text    string
	Buttons [][]Button
	Lang    string // language of Text, for bidi handling
}

// Button is one button of a reply: a Token to send back, or a URL to open,
// or a text to Copy.
type Button struct {
	Label, Token, URL, Copy string
}

// Config tunes an engine.
type Config struct {
	// Vars are merged into every template's data, so texts can name the
	// operator or how long a conversation is kept (the privacy page).
	Vars map[string]any
	// PerPage is how many organisations a referral screen lists (default 3).
	PerPage int
	// MaxBack bounds the back stack (default 20): the oldest entries go.
	MaxBack int
}

// Engine runs the conversation. It is safe for concurrent use.
type Engine struct {
	set   *Set
	cat   *locales.Catalog
	rank  directory.Ranker
	cfg   Config
	start *Node
	// names maps a listing's English name to the message that gives its
	// common local form ("Emergency services (999 / 112)"); a listing renamed
	// since simply shows its new name.
	names map[string]string
	// unreviewed holds the languages some of whose screens' messages no
	// reviewer has checked as they stand (see locales.ReviewState).
	unreviewed map[string]bool
}

// ListingNamePrefix starts the messages that translate listing names: the
// English text of each is the name as the directory writes it.
const ListingNamePrefix = "directory.listing_name."

// New checks the flows' structure against the catalog and returns an
// engine. Missing translations are not fatal (they fall back); broken
// flows are.
func New(set *Set, cat *locales.Catalog, rank directory.Ranker, cfg Config) (*Engine, error) {
	if defects := set.Validate(cat); len(defects) > 0 {
		errs := make([]error, len(defects))
		for i, d := range defects {
			errs[i] = errors.New(d.String())
		}
		return nil, fmt.Errorf("flows: %w", errors.Join(errs...))
	}
	if cfg.PerPage <= 0 {
		cfg.PerPage = 3
	}
	if cfg.MaxBack <= 0 {
		cfg.MaxBack = 20
	}
	start, _ := set.Start()
	return &Engine{set: set, cat: cat, rank: rank, cfg: cfg, start: start, names: listingNames(cat), unreviewed: unreviewed(cat)}, nil
}

// UnreviewedNotice is said once to a person whose language's screens are not
// all reviewed, with the way to choose another language.
const UnreviewedNotice = "ui.notice.unreviewed"

// screenAreas are the message areas the screens of the flows are made of.
var screenAreas = []string{"content.", "ui.", "directory."}

// unreviewed finds the languages in which some message a screen may show is
// not reviewed. The notice itself does not count: a language is not
// unreviewed only because its notice is.
func unreviewed(cat *locales.Catalog) map[string]bool {
	out := map[string]bool{}
	for _, lang := range cat.Tags() {
		for _, id := range cat.IDs(locales.Default) {
			if id == UnreviewedNotice || !slices.ContainsFunc(screenAreas, func(a string) bool { return strings.HasPrefix(id, a) }) {
				continue
			}
			if !cat.Reviewed(lang, id) {
				out[lang] = true
				break
			}
		}
	}
	return out
}

// listingNames maps each listing name that has a local form to its message.
func listingNames(cat *locales.Catalog) map[string]string {
	names := map[string]string{}
	for _, id := range cat.IDs(locales.Default) {
		if strings.HasPrefix(id, ListingNamePrefix) {
			names[cat.Text(locales.Default, id, nil)] = id
		}
	}
	return names
}

// Catalog returns the engine's messages.
func (e *Engine) Catalog() *locales.Catalog { return e.cat }

// Referral reports whether node is a screen that lists organisations.
func (e *Engine) Referral(node string) bool {
	n, ok := e.set.Nodes[node]
	return ok && n.Do == DoShowReferrals
}

// Step is the whole engine: the next state and what to show, from the
// current state and one event. It never panics on any input.
func (e *Engine) Step(s State, ev Event) (State, Output) {
	switch ev.Kind {
	case EventText:
		if c, ok := e.parseCommand(ev.Text); ok {
			return e.command(s, c, ev)
		}
		if fresh(s) {
			return e.begin(s, ev)
		}
		return e.screen(s, ev, "ui.notice.buttons_only")
	case EventButton:
		if strings.HasPrefix(ev.Token, ratePrefix) {
			return e.rate(s, ev)
		}
		if act, tag, ok := readShareToken(ev.Token); ok {
			return e.share(s, ev, act, tag)
		}
		switch ev.Token {
		case tokenMenu:
			return e.fresh(e.command(s, cmdMenu, ev))
		case tokenExit:
			return e.fresh(e.command(s, cmdExit, ev))
		}
		if fresh(s) {
			return e.begin(s, ev)
		}
		var next State
		var out Output
		if a, ok := e.press(s, ev.Token); ok {
			next, out = e.act(s, a, ev)
		} else {
			next, out = e.screen(s, ev, "ui.notice.expired")
		}
		// A handoff screen stays as it was, like the screen the handoff was asked from.
		out.Fresh = out.Fresh || handoffView(s.View)
		return next, out
	case EventFile:
		return e.file(s, ev)
	default:
		return e.begin(s, ev)
	}
}

// fresh reports a state that has shown nothing yet.
func fresh(s State) bool { return s.Node == "" && s.View == "" }

// begin starts over: the start node in the chosen (or confidently guessed)
// language, else the language picker.
func (e *Engine) begin(s State, ev Event) (State, Output) {
	lang, confident := locales.Resolve(s.Lang, ev.LangHint, e.cat.Tags())
	// Seq carries on so that buttons of earlier screens stay stale.
	next := State{Seq: s.Seq, Told: s.Told}
	if confident {
		next.Lang, next.Node = lang, e.start.ID
	} else {
		next.View = ViewPicker
	}
	return e.screen(next, ev, "")
}

func (e *Engine) command(s State, c cmd, ev Event) (State, Output) {
	if c == cmdEnd {
		// A case outlives the session: it can be ended from a session that expired.
		return e.end(s, ev)
	}
	if fresh(s) && c != cmdExit {
		return e.begin(s, ev)
	}
	switch c {
	case cmdExit:
		return e.exit(s, ev)
	case cmdMenu:
		return e.screen(e.menu(s), ev, "")
	case cmdBack:
		return e.screen(e.back(s), ev, "")
	case cmdLanguage:
		s.View = ViewPicker
		return e.screen(s, ev, "")
	case cmdPrivacy:
		return e.screen(e.goTo(s, PrivacyNode), ev, "")
	default:
		return e.begin(s, ev)
	}
}

func (e *Engine) act(s State, a action, ev Event) (State, Output) {
	switch a.kind {
	case actLang:
		s.Lang, s.View = a.lang, ""
		if s.Node == "" {
			s.Node = e.start.ID
		}
	case actMore, actFirst:
		s.Page++
	case actBack:
		s = e.back(s)
	case actMenu:
		s = e.menu(s)
	case actExit:
		return e.exit(s, ev)
	case actLanguage:
		s.View = ViewPicker
	case actNode:
		return e.node(s, a.btn, ev)
	case actOrg, actYes, actDecline, actSendFile, actKeepFile:
		return e.handoffAct(s, a, ev)
	}
	return e.screen(s, ev, "")
}

// node runs a button a flow file declared.
func (e *Engine) node(s State, b *NodeButton, ev Event) (State, Output) {
	switch b.Do {
	case DoSetNeed:
		s.Need = b.Arg
		if b.Arg == NeedNotSaid {
			s.Need = ""
		}
	case DoSetRegion:
		s.Region = b.Arg
	case DoSetPref:
		s.WomenOnly, s.Community = applyPref(s.WomenOnly, s.Community, s.Offer, b.Arg)
	case DoLanguage:
		s.View = ViewPicker
		return e.screen(s, ev, "")
	case DoExit:
		return e.exit(s, ev)
	case DoBack:
		return e.screen(e.back(s), ev, "")
	case DoMenu:
		return e.screen(e.menu(s), ev, "")
	case DoHandoff:
		return e.offer(s, ev)
	}
	return e.screen(e.enter(s, b.Next, ev.Now), ev, "")
}

// enter moves to node next, passing over questions whose answer cannot change the
// referral list; a question passed over forgets its earlier answer.
func (e *Engine) enter(s State, next string, now time.Time) State {
	for range len(e.set.Nodes) {
		n, ok := e.set.Nodes[next]
		if !ok || n.Ask == "" {
			break
		}
		var asks bool
		if s, asks = e.question(s, n, now); asks {
			break
		}
		next = n.Skip
	}
	return e.goTo(s, next)
}

// question reports whether node n's question is worth a press for s: whether its
// answer changes the first page of the referral list. It records in s what it offers,
// and forgets an earlier answer to a question it passes over.
func (e *Engine) question(s State, n *Node, now time.Time) (State, bool) {
	p := directory.Profile{Need: directory.Need(s.Need), Lang: s.Lang, Region: directory.Region(s.Region),
		WomenOnly: s.WomenOnly, Community: s.Community}
	switch n.Ask {
	case AskCommunity:
		s.Offer = ""
		p.WomenOnly, p.Community = false, ""
		if e.rank != nil {
			ms := e.rank.Rank(p, now)
			for _, c := range directory.SuggestedCommunities(s.Lang) {
				if slices.ContainsFunc(ms, func(m directory.Match) bool { return slices.Contains(m.Listing.Communities, c) }) {
					s.Offer = string(c)
					break
				}
			}
		}
		asks := s.Offer != "" && e.firstPageDiffers(p, now, func(p *directory.Profile) { p.Community = s.Offer })
		if !asks {
			s.Offer, s.Community = "", ""
		}
		return s, asks
	case AskWomenOnly:
		p.WomenOnly = false
		asks := e.firstPageDiffers(p, now, func(p *directory.Profile) { p.WomenOnly = true })
		if !asks {
			s.WomenOnly = false
		}
		return s, asks
	}
	return s, true
}

// firstPageDiffers reports whether answering changes the first page of the list for p.
func (e *Engine) firstPageDiffers(p directory.Profile, now time.Time, answer func(*directory.Profile)) bool {
	if e.rank == nil {
		return false
	}
	before := e.rank.Rank(p, now)
	answer(&p)
	after := e.rank.Rank(p, now)
	before, after = before[:min(len(before), e.cfg.PerPage)], after[:min(len(after), e.cfg.PerPage)]
	return !slices.EqualFunc(before, after, func(a, b directory.Match) bool { return a.Listing.ID == b.Listing.ID })
}

// goTo moves to node next, remembering where we were.
func (e *Engine) goTo(s State, next string) State {
	if s.Node != "" && s.Node != next {
		// Clip so that append copies: the caller's state must not change.
		s.Back = append(slices.Clip(s.Back), s.Node)
		if over := len(s.Back) - e.cfg.MaxBack; over > 0 {
			s.Back = s.Back[over:]
		}
	}
	s.Node, s.View, s.Page = next, "", 0
	return s
}

func (e *Engine) back(s State) State {
	switch {
	case s.View == ViewConsent && len(s.Orgs) > 1:
		// Back from what one organisation will see is the choice of another.
		s.View, s.Org = ViewChoose, ""
	case handoffView(s.View):
		s = leaveHandoff(s)
	case s.View != "" && s.Node != "":
		s.View = ""
	case s.Page > 0 && e.Referral(s.Node):
		// Back on a later page of a list goes to the page before, not out of the list.
		s.Page--
	case len(s.Back) > 0:
		n := len(s.Back)
		s.Node, s.Back = s.Back[n-1], s.Back[:n-1:n-1]
		s.View, s.Page = "", 0
	default:
		s = e.menu(s)
	}
	return s
}

func (e *Engine) menu(s State) State {
	s.Node, s.Back, s.View, s.Page = e.start.ID, nil, "", 0
	return s
}

// exit forgets everything: the caller erases the conversation and the
// session, and shows how to delete the chat itself.
func (e *Engine) exit(s State, ev Event) (State, Output) {
	lang := e.lang(s, ev)
	return State{}, Output{Exit: true, Replies: []Reply{{Text: e.cat.Text(lang, "ui.exit.done", e.cfg.Vars), Lang: lang}}}
}

// lang is the language to speak in s: the chosen one, else the best guess.
func (e *Engine) lang(s State, ev Event) string { return e.cat.Speaking(s.Lang, ev.LangHint) }

// applyPref applies a set_pref argument; check has vetted it.
func applyPref(womenOnly bool, community, offer, arg string) (bool, string) {
	switch {
	case arg == PrefWomenOnly:
		return true, community
	case arg == PrefAny:
		return false, community
	case arg == PrefOffered:
		return womenOnly, offer
	case arg == PrefNoCommunity:
		return womenOnly, ""
	default:
		c, _ := strings.CutPrefix(arg, prefCommunity)
		return womenOnly, c
	}
}

// set_pref arguments.
const (
	PrefWomenOnly   = "women_only"   // only services for women
	PrefAny         = "any"          // any service, for women only or not
	PrefOffered     = "offered"      // the community the question offered
	PrefNoCommunity = "no_community" // no community chosen (the language may still suggest one)
	prefCommunity   = "community:"   // followed by a community code
)
