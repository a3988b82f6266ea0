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
	DoSetNeed       = "set_need"       // button; arg: a need code
	DoSetRegion     = "set_region"     // button; arg: a region code
	DoSetPref       = "set_pref"       // button; arg: women_only, any or community:<code>
	DoShowReferrals = "show_referrals" // node: its screen lists organisations
	DoLanguage      = "language"       // button: show the language picker
	DoExit          = "exit"           // button: leave and erase
	DoBack          = "back"           // button: previous screen
	DoMenu          = "menu"           // button: the start node
	DoHandoff       = "handoff"        // button: hand the case to an organisation

	// NavNoBack marks the start node: it has no Back button.
	NavNoBack = "no_back"
)

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
	Page      int      `json:"page,omitempty"`      // page of the referral list
	More      bool     `json:"more,omitempty"`      // the referral list on screen has more pages
	LastPage  bool     `json:"last_page,omitempty"` // …and this is the last of them
	// Handoff says an organisation on the referral list takes anonymous
	// conversations, so the flow's handoff button is shown.
	Handoff bool `json:"handoff,omitempty"`
}

// Kind is what happened.
type Kind uint8

// Event kinds.
const (
	EventStart  Kind = iota + 1 // first contact, or /start
	EventText                   // a typed message or command; never stored
	EventButton                 // a button press, with its token
)

// Event is one thing a person did.
type Event struct {
	Kind     Kind
	Text     string
	Token    string
	LangHint string // a guess at the language, such as Telegram's language_code
	Now      time.Time
}

// Output is what to show and do after an event.
type Output struct {
	Replies []Reply
	Exit    bool     // leave: erase the conversation and forget the session
	Handoff *Handoff // the person asked to be handed to an organisation
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

// Handoff is what an organisation would be told: never who the person is.
type Handoff struct {
	Lang, Need, Region string
	WomenOnly          bool
	Community          string
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
	names := map[string]string{}
	for _, id := range cat.IDs(locales.Default) {
		if strings.HasPrefix(id, ListingNamePrefix) {
			names[cat.Text(locales.Default, id, nil)] = id
		}
	}
	return &Engine{set: set, cat: cat, rank: rank, cfg: cfg, start: start, names: names}, nil
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
		if c, ok := parseCommand(ev.Text); ok {
			return e.command(s, c, ev)
		}
		if fresh(s) {
			return e.begin(s, ev)
		}
		return e.screen(s, ev, "ui.notice.buttons_only")
	case EventButton:
		if fresh(s) {
			return e.begin(s, ev)
		}
		a, ok := e.press(s, ev.Token)
		if !ok {
			return e.screen(s, ev, "ui.notice.expired")
		}
		return e.act(s, a, ev)
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
	next := State{Seq: s.Seq}
	if confident {
		next.Lang, next.Node = lang, e.start.ID
	} else {
		next.View = ViewPicker
	}
	return e.screen(next, ev, "")
}

func (e *Engine) command(s State, c cmd, ev Event) (State, Output) {
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
	}
	return e.screen(s, ev, "")
}

// node runs a button a flow file declared.
func (e *Engine) node(s State, b *NodeButton, ev Event) (State, Output) {
	switch b.Do {
	case DoSetNeed:
		s.Need = b.Arg
	case DoSetRegion:
		s.Region = b.Arg
	case DoSetPref:
		s.WomenOnly, s.Community = applyPref(s.WomenOnly, s.Community, b.Arg)
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
		return s, Output{Handoff: &Handoff{Lang: e.lang(s, ev), Need: s.Need, Region: s.Region, WomenOnly: s.WomenOnly, Community: s.Community}}
	}
	return e.screen(e.goTo(s, b.Next), ev, "")
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
	case s.View != "" && s.Node != "":
		s.View = ""
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
func (e *Engine) lang(s State, ev Event) string {
	if s.Lang != "" {
		return s.Lang
	}
	lang, _ := locales.Resolve("", ev.LangHint, e.cat.Tags())
	return lang
}

// applyPref applies a set_pref argument; check has vetted it.
func applyPref(womenOnly bool, community, arg string) (bool, string) {
	switch {
	case arg == "women_only":
		return true, community
	case arg == "any":
		return false, ""
	default:
		c, _ := strings.CutPrefix(arg, prefCommunity)
		return womenOnly, c
	}
}

const prefCommunity = "community:"
