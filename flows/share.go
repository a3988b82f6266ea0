package flows

import (
	"strings"

	"github.com/puente-bot/puente/locales"
)

// The buttons by which a person shares their Telegram username with the organisation of
// their case, and takes it back. Each carries its case (Case.Tag), and is refused once that
// case is not the person's open case: a confirmation given on a screen that named one
// organisation must never reach another. Nothing else about a person is ever offered to share.
const (
	shareAsk  = "Sa" // show what sharing means
	shareYes  = "Sy" // share it
	shareNo   = "Sn" // do not
	shareStop = "Su" // take it back
)

// The share question has Menu and Exit buttons like every screen; they act as the commands.
const (
	tokenMenu = "Xm"
	tokenExit = "Xe"
)

// Case is the person's open case as the engine needs it: which one (Tag, a part of its
// random id that tells it from the person's others), the organisation's name, and whether
// the person's username is shared with it.
type Case struct {
	ID     string // the case's random id, which its rating buttons carry
	Tag    string
	Org    string
	Shared bool
}

// shareToken is the token of a share button for the case tag.
func shareToken(act, tag string) string { return act + "." + tag }

// readShareToken splits a share button's token into its act and case tag.
func readShareToken(token string) (act, tag string, ok bool) {
	act, tag, ok = strings.Cut(token, ".")
	switch act {
	case shareAsk, shareYes, shareNo, shareStop:
		return act, tag, ok
	}
	return "", "", false
}

// CarriesUsername says whether a button's update may carry the presser's username to the
// engine: only those by which a person chooses to share it.
func CarriesUsername(token string) bool {
	act, _, ok := readShareToken(token)
	return ok && (act == shareAsk || act == shareYes)
}

// ShareButton offers to share the username with the organisation of the case tag.
func ShareButton(cat *locales.Catalog, lang, tag string) [][]Button {
	return [][]Button{{{Label: cat.Text(lang, "handoff.btn.share", nil), Token: shareToken(shareAsk, tag)}}}
}

// StopSharing takes the username back from the organisation of the case tag.
func StopSharing(cat *locales.Catalog, lang, tag string) [][]Button {
	return [][]Button{{{Label: cat.Text(lang, "handoff.btn.share_stop", nil), Token: shareToken(shareStop, tag)}}}
}

// ShareData is what the share messages name: the organisation and the username, isolated
// for right-to-left text.
func ShareData(lang string, c *Case, username string) map[string]any {
	iso := locales.BidiFor(lang)
	return map[string]any{"Org": iso.FSI(c.Org), "Username": iso.LTR("@" + username)}
}

// end answers /end: the caller ends the open case, and the person is asked whether it
// helped.
func (e *Engine) end(s State, ev Event) (State, Output) {
	if ev.Case == nil {
		return e.notice(s, ev, "handoff.end.none")
	}
	lang := e.lang(s, ev)
	return s, Output{End: true, Fresh: true, Replies: []Reply{{Text: e.cat.Text(lang, "handoff.end.done", e.cfg.Vars), Buttons: RateButtons(e.cat, lang, ev.Case.ID), Lang: lang}}}
}

// share answers a share button. Its answers are new messages, and leave the state as it was.
func (e *Engine) share(s State, ev Event, act, tag string) (State, Output) {
	c := ev.Case
	if c == nil || tag != c.Tag {
		return e.notice(s, ev, "handoff.expired")
	}
	lang := e.lang(s, ev)
	say := func(id string, buttons [][]Button) Output {
		return Output{Fresh: true, Replies: []Reply{{Text: e.cat.Text(lang, id, ShareData(lang, c, ev.Username)), Buttons: buttons, Lang: lang}}}
	}
	switch {
	case act == shareNo:
		return s, say("handoff.share.no", nil)
	case act == shareStop && !c.Shared:
		return s, say("handoff.share.none", nil)
	case act == shareStop:
		out := say("handoff.share.stopped", nil)
		out.Unshare = true
		return s, out
	case c.Shared:
		return s, say("handoff.share.already", StopSharing(e.cat, lang, tag))
	case ev.Username == "":
		return s, say("handoff.share.no_username", nil)
	case act == shareAsk:
		return s, say("handoff.share.ask", [][]Button{
			{{Label: e.cat.Text(lang, "handoff.btn.share_yes", nil), Token: shareToken(shareYes, tag)}},
			{{Label: e.cat.Text(lang, "handoff.btn.no", nil), Token: shareToken(shareNo, tag)}},
			{{Label: e.cat.Text(lang, "ui.nav.menu", nil), Token: tokenMenu}, {Label: e.cat.Text(lang, "ui.nav.exit", nil), Token: tokenExit}},
		})
	default:
		// The caller shares it, and says how that went.
		return s, Output{Fresh: true, Share: true}
	}
}
