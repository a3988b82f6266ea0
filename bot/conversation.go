package bot

import (
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
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

// empty reports a session with nothing worth keeping.
func (s session) empty() bool {
	return s.Flow.Lang == "" && s.Flow.Node == "" && s.Flow.View == "" && !s.Silent
}

// inKind is what an update asks of the bot.
type inKind uint8

const (
	inNone     inKind = iota // nothing to do (an edit, a service message, an unknown kind)
	inText                   // a typed message or command, in a private chat
	inButton                 // a button press, in a private chat
	inMedia                  // a sticker, photo, voice note, file… in a private chat
	inPersonal               // a location or a contact, in a private chat
	inBlocked                // the person blocked the bot: forget them
	inStranger               // a group or channel that is not a linked organisation: leave
)

// incoming is an update reduced to what the bot needs. Names, usernames and language codes
// go no further than this struct.
type incoming struct {
	kind     inKind
	chat     int64
	text     string // the text, or the command found in it
	token    string // callback data
	callback string // callback query id
	msgID    int    // the person's message, or the message whose button was pressed
	hint     string // Telegram's language_code: a first guess, never stored
	grp      *groupIn
	username string // only with the button by which the person shares it with an organisation
}

// maxToken is Telegram's limit on callback data; anything longer is forged.
const maxToken = 64

// maxText bounds what is handed to the engine: it only looks for a command.
const maxText = 256

// read classifies an update. Private chats are conversations; anything else is left.
func read(u *models.Update) incoming {
	switch {
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		var chat models.Chat
		var msgID int
		switch {
		case q.Message.Message != nil:
			chat, msgID = q.Message.Message.Chat, q.Message.Message.ID
		case q.Message.InaccessibleMessage != nil:
			chat = q.Message.InaccessibleMessage.Chat
		default:
			return incoming{}
		}
		// In a private chat the presser is the chat; anything else is not ours to answer.
		if chat.Type != models.ChatTypePrivate || q.From.ID != chat.ID {
			return incoming{}
		}
		tok := q.Data
		if len(tok) > maxToken {
			tok = ""
		}
		in := incoming{kind: inButton, chat: chat.ID, token: tok, callback: q.ID, msgID: msgID, hint: q.From.LanguageCode}
		if flows.CarriesUsername(tok) {
			// Only the buttons by which a person chooses to share their username carry it.
			in.username = q.From.Username
		}
		return in
	case u.Message != nil:
		m := u.Message
		if m.Chat.Type != models.ChatTypePrivate {
			return readGroup(m)
		}
		in := incoming{chat: m.Chat.ID, msgID: m.ID}
		if m.From != nil {
			in.hint = m.From.LanguageCode
		}
		switch {
		case m.Text != "":
			in.kind, in.text = inText, commandIn(m.Text, m.Entities)
		case m.Location != nil || m.Venue != nil || m.Contact != nil:
			in.kind = inPersonal
		case isService(m):
			return incoming{}
		default:
			in.kind = inMedia
		}
		return in
	case u.ChannelPost != nil:
		return incoming{kind: inStranger, chat: u.ChannelPost.Chat.ID}
	case u.MyChatMember != nil:
		c := u.MyChatMember
		status := c.NewChatMember.Type
		if c.Chat.Type == models.ChatTypePrivate {
			if status == models.ChatMemberTypeBanned {
				return incoming{kind: inBlocked, chat: c.Chat.ID}
			}
			return incoming{}
		}
		return readGroupMember(c)
	}
	return incoming{}
}

// isService reports messages Telegram makes itself (pins, auto-delete timers…), which
// need no answer.
func isService(m *models.Message) bool {
	return m.PinnedMessage != nil || m.MessageAutoDeleteTimerChanged != nil || m.NewChatMembers != nil || m.LeftChatMember != nil
}

// commandIn returns the first bot command of text, found by its entity (offsets count UTF-16
// code units, so a command after text in any script is found), without any @botname. Text
// without a command comes back cut to maxText: the engine only needs to know it is not one.
func commandIn(text string, ents []models.MessageEntity) string {
	var units []uint16
	for _, e := range ents {
		if e.Type != models.MessageEntityTypeBotCommand {
			continue
		}
		if units == nil {
			units = utf16.Encode([]rune(text))
		}
		// Entities come from the client as much as from Telegram: check every bound.
		if e.Offset < 0 || e.Length < 2 || e.Offset > len(units) || e.Length > len(units)-e.Offset {
			continue
		}
		cmd := string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
		if !strings.HasPrefix(cmd, "/") {
			continue
		}
		return cmd
	}
	if strings.HasPrefix(strings.TrimSpace(text), "/") {
		word, _, _ := strings.Cut(strings.TrimSpace(text), " ")
		return cutRunes(word, maxText)
	}
	return cutRunes(text, maxText)
}

func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// commandName is "silent" for "/Silent@some_bot"; "" when text is not a command.
func commandName(text string) string {
	if !strings.HasPrefix(text, "/") {
		return ""
	}
	word, _, _ := strings.Cut(text[1:], " ")
	word, _, _ = strings.Cut(word, "@")
	return strings.ToLower(word)
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

// speaker renders the bot's own texts in a person's language.
type speaker struct {
	cat *locales.Catalog
}

func (sp speaker) lang(s flows.State, hint string) string { return sp.cat.Speaking(s.Lang, hint) }

func (sp speaker) text(lang, id string) string { return sp.cat.Text(lang, id, nil) }

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
