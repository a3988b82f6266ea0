package bot

import (
	"context"
	"errors"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/puente-bot/puente/store"
)

// Kinds of request the outbox sends.
const (
	kindSend   = "send"   // sendMessage
	kindEdit   = "edit"   // editMessageText, falling back to sendMessage
	kindDelete = "delete" // deleteMessages (at most 100 ids)
	kindAnswer = "answer" // answerCallbackQuery
	kindLeave  = "leave"  // leaveChat
	kindErase  = "erase"  // not a call: delete every tracked message of the chat, then go on
	kindForget = "forget" // not a call: forget the chat (the person blocked the bot)

	// Handoff's kinds, in organisations' groups and back.
	kindTopic      = "topic"      // createForumTopic: a case's topic, named by its code (Text)
	kindTopicSend  = "tsend"      // sendMessage into a forum topic
	kindCopy       = "copy"       // copyMessage: never forwardMessage, which names the sender
	kindCloseTopic = "closetopic" // closeForumTopic
)

// request is one call to the Bot API as the outbox keeps it (sealed) until Telegram has it.
type request struct {
	Kind      string     `json:"k"`
	Chat      int64      `json:"c"`
	Group     bool       `json:"g,omitempty"` // a group chat: 20 messages a minute
	Text      string     `json:"t,omitempty"`
	Keyboard  [][]button `json:"b,omitempty"`
	MessageID int        `json:"m,omitempty"`  // the message to edit
	Delete    []int      `json:"d,omitempty"`  // the messages to delete
	Callback  string     `json:"q,omitempty"`  // the callback query to answer
	Silent    bool       `json:"s,omitempty"`  // disable_notification
	Track     bool       `json:"tr,omitempty"` // delete the sent message later
	Brief     bool       `json:"br,omitempty"` // with Track: delete it after ExitNoteFor, not DeleteAfter
	From      int64      `json:"f,omitempty"`  // copyMessage: the chat copied from
	Thread    int        `json:"th,omitempty"` // the forum topic, in an organisation's group
	Lane      string     `json:"l,omitempty"`  // the case: a group's budget is shared fairly by lane
	// Case is the case a request in its group is for, when its completion records a result
	// (kindTopic, Share) or while the case waits for its topic (Thread 0).
	Case  string `json:"ca,omitempty"`
	Share bool   `json:"sh,omitempty"` // the message carries the username the person shared
}

// button is an inline keyboard button: exactly one of Data, URL and Copy is set.
type button struct {
	Text string `json:"t"`
	Data string `json:"d,omitempty"`
	URL  string `json:"u,omitempty"`
	Copy string `json:"c,omitempty"`
}

// paced says whether the request counts against Telegram's message limits.
func (r *request) paced() bool {
	return r.Kind != kindAnswer && r.Kind != kindErase && r.Kind != kindForget
}

// inTopic says whether the request goes into a case's topic, so it needs the topic's thread.
func (r *request) inTopic() bool {
	return r.Group && (r.Kind == kindTopicSend || r.Kind == kindCopy || r.Kind == kindCloseTopic)
}

// inlineKeyboard is reply_markup with pointer fields, because go-telegram/bot's own button
// type always sends an empty copy_text, which Telegram can refuse.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string    `json:"text"`
	CallbackData string    `json:"callback_data,omitempty"`
	URL          string    `json:"url,omitempty"`
	CopyText     *copyText `json:"copy_text,omitempty"`
}

type copyText struct {
	Text string `json:"text"`
}

func markup(rows [][]button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := inlineKeyboard{InlineKeyboard: make([][]inlineButton, len(rows))}
	for i, row := range rows {
		kb.InlineKeyboard[i] = make([]inlineButton, len(row))
		for j, b := range row {
			ib := inlineButton{Text: b.Text, CallbackData: b.Data, URL: b.URL}
			if b.Copy != "" {
				ib.CopyText = &copyText{Text: b.Copy}
			}
			kb.InlineKeyboard[i][j] = ib
		}
	}
	return kb
}

var errUnknownKind = errors.New("unknown request kind")

// do makes the call and returns the id of the message sent (of the topic made, for
// kindTopic), if any. It is the only function that writes to Telegram, through post
// (TestOneRoadToTelegram): everything it sends went through the outbox's pacing first. A message to
// a group goes to the case's topic; a copy to a person is protected like every message the
// bot sends them.
func (a *api) do(ctx context.Context, r *request) (int, error) {
	var sent struct {
		MessageID       int `json:"message_id"`
		MessageThreadID int `json:"message_thread_id"`
	}
	var err error
	switch r.Kind {
	case kindSend:
		err = a.post(ctx, "sendMessage", &tg.SendMessageParams{
			ChatID:              r.Chat,
			Text:                r.Text,
			ReplyMarkup:         markup(r.Keyboard),
			ProtectContent:      true,
			DisableNotification: r.Silent,
		}, &sent)
	case kindEdit:
		err = a.post(ctx, "editMessageText", &tg.EditMessageTextParams{
			ChatID:      r.Chat,
			MessageID:   r.MessageID,
			Text:        r.Text,
			ReplyMarkup: markup(r.Keyboard),
		}, nil)
	case kindDelete:
		err = a.post(ctx, "deleteMessages", &tg.DeleteMessagesParams{ChatID: r.Chat, MessageIDs: r.Delete}, nil)
	case kindAnswer:
		err = a.post(ctx, "answerCallbackQuery", &tg.AnswerCallbackQueryParams{CallbackQueryID: r.Callback}, nil)
	case kindLeave:
		err = a.post(ctx, "leaveChat", &tg.LeaveChatParams{ChatID: r.Chat}, nil)
	case kindTopic:
		err = a.post(ctx, "createForumTopic", &tg.CreateForumTopicParams{ChatID: r.Chat, Name: r.Text}, &sent)
		return sent.MessageThreadID, err
	case kindCopy:
		err = a.post(ctx, "copyMessage", &tg.CopyMessageParams{
			ChatID:          r.Chat,
			MessageThreadID: r.Thread,
			FromChatID:      r.From,
			MessageID:       r.MessageID,
			ProtectContent:  !r.Group,
			// A person's /silent setting, for what reaches them from a case.
			DisableNotification: r.Silent,
		}, &sent)
	case kindCloseTopic:
		err = a.post(ctx, "closeForumTopic", &tg.CloseForumTopicParams{ChatID: r.Chat, MessageThreadID: r.Thread}, nil)
	case kindTopicSend:
		err = a.post(ctx, "sendMessage", &tg.SendMessageParams{ChatID: r.Chat, MessageThreadID: r.Thread, Text: r.Text}, &sent)
	default:
		return 0, errUnknownKind
	}
	if err != nil {
		return 0, err
	}
	return sent.MessageID, nil
}

// toTopic addresses r to case c's topic in its group, in the case's lane of the group's
// queue. While the case waits for its topic, r names the case instead of a thread: the outbox
// gives it the thread once the topic exists, and it waits in the lane behind the request
// that makes the topic, so nothing reaches the group before its topic.
func toTopic(c store.Case, group int64, r request) request {
	r.Chat, r.Group, r.Thread, r.Lane = group, true, int(c.ThreadID), c.Code
	if c.WaitingForTopic() {
		r.Case = c.ID
	}
	return r
}
