package bot

import (
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/puente-bot/puente/flows"
)

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
	group    *groupIn
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

// groupIn is what the bot reads of an update from a group or channel: no names, and the
// sender's id only to check they are an administrator.
type groupIn struct {
	typ      models.ChatType
	forum    bool
	thread   int   // the topic of a topic message; 0 in the general chat
	from     int64 // the sender; 0 when the group itself sent it (an anonymous administrator)
	fromBot  bool
	command  string // "link" for "/link@puente_bot ABCD", "" when not a command
	arg      string
	relay    bool                  // text or a file a caseworker may send to a person
	member   models.ChatMemberType // my_chat_member: the bot's new status; "" for a message
	isMember bool                  // the update is about the bot's membership
}

// readGroup reads a message in a group or channel.
func readGroup(m *models.Message) incoming {
	g := &groupIn{typ: m.Chat.Type, forum: m.Chat.IsForum}
	if m.IsTopicMessage {
		g.thread = m.MessageThreadID
	}
	switch {
	case m.SenderChat != nil && m.SenderChat.ID == m.Chat.ID:
	case m.From != nil:
		g.from, g.fromBot = m.From.ID, m.From.IsBot
	}
	if t := strings.TrimSpace(m.Text); strings.HasPrefix(t, "/") {
		word, rest, _ := strings.Cut(t, " ")
		g.command, g.arg = commandName(word), strings.TrimSpace(rest)
	}
	g.relay = m.Text != "" || m.Photo != nil || m.Voice != nil || m.Document != nil || m.Audio != nil ||
		m.Video != nil || m.VideoNote != nil || m.Sticker != nil || m.Animation != nil
	if !g.relay && m.Chat.Type != models.ChatTypeChannel {
		// A service message ("the bot was added", "topic created", …) asks nothing, and
		// must not make the bot leave a group that is about to send /link.
		return incoming{}
	}
	return incoming{kind: inStranger, chat: m.Chat.ID, msgID: m.ID, group: g}
}

// readGroupMember reads a change of the bot's membership of a group or channel.
func readGroupMember(c *models.ChatMemberUpdated) incoming {
	return incoming{kind: inStranger, chat: c.Chat.ID, group: &groupIn{typ: c.Chat.Type, forum: c.Chat.IsForum,
		isMember: true, member: c.NewChatMember.Type}}
}
