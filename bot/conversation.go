package bot

import (
	"encoding/json"
	"strings"
	"unicode/utf16"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/store"
)

// Engine is the conversation: flows.Engine, pure and safe for concurrent use.
type Engine interface {
	Step(s flows.State, ev flows.Event) (flows.State, flows.Output)
}

// session is what the bot keeps about one person, sealed: where they are in the
// conversation and whether messages should arrive silently.
type session struct {
	Flow   flows.State `json:"f"`
	Silent bool        `json:"s,omitempty"`
}

// openSession opens the session sealed under key; a session that does not open comes back
// empty, with the error.
func (b *Bot) openSession(sealed, key []byte) (session, error) {
	var s session
	plain, err := b.keys.Open(sealed, key)
	if err == nil {
		err = json.Unmarshal(plain, &s)
	}
	if err != nil {
		return session{}, err
	}
	return s, nil
}

// empty reports a session with nothing worth keeping.
func (s session) empty() bool {
	return s.Flow.Lang == "" && s.Flow.Node == "" && s.Flow.View == "" && !s.Silent
}

// counted is an anonymous count to add: no person, only the week, language and need.
type counted struct {
	lang, need, event string
}

// countsFor returns the anonymous counts one step adds.
func countsFor(before, after flows.State, referral func(node string) bool) []counted {
	var out []counted
	if after.Lang == "" {
		return nil
	}
	if before.Node == "" && after.Node != "" {
		out = append(out, counted{after.Lang, after.Need, store.EventStarted})
	}
	if after.Need != "" && after.Need != before.Need {
		out = append(out, counted{after.Lang, after.Need, store.EventPathChosen})
	}
	if after.View == "" && after.Node != before.Node && referral != nil && referral(after.Node) {
		out = append(out, counted{after.Lang, after.Need, store.EventReferralsShown})
	}
	return out
}

// replyRequests turns the engine's replies into requests. After a button press the first
// reply replaces the pressed message, so the chat reads as one screen that changes.
func replyRequests(chat int64, replies []flows.Reply, editID int, silent, track bool) []request {
	var out []request
	for i, r := range replies {
		for j, part := range split(r.Text, 4096) {
			req := request{Kind: kindSend, Chat: chat, Text: part, Silent: silent, Track: track}
			if i == 0 && j == 0 && editID != 0 {
				req.Kind, req.MessageID, req.Track = kindEdit, editID, false
			}
			out = append(out, req)
		}
		if len(r.Buttons) > 0 && len(out) > 0 {
			out[len(out)-1].Keyboard = keyboardOf(r.Buttons)
		}
	}
	return out
}

func keyboardOf(rows [][]flows.Button) [][]button {
	out := make([][]button, 0, len(rows))
	for _, row := range rows {
		r := make([]button, 0, len(row))
		for _, b := range row {
			r = append(r, button{Text: b.Label, Data: b.Token, URL: b.URL, Copy: b.Copy})
		}
		out = append(out, r)
	}
	return out
}

// split cuts text into parts of at most limit UTF-16 code units (Telegram's measure),
// preferring paragraph, then line, then word boundaries.
func split(text string, limit int) []string {
	var parts []string
	for utf16Len(text) > limit {
		cut := prefixUnits(text, limit)
		head := text[:cut]
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > 0 {
				head = head[:i]
				break
			}
		}
		parts = append(parts, head)
		text = strings.TrimLeft(text[len(head):], "\n ")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// prefixUnits is the byte length of the longest prefix of s within limit UTF-16 code units.
func prefixUnits(s string, limit int) int {
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > limit {
			return i
		}
	}
	return len(s)
}
