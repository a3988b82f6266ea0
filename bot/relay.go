package bot

import (
	"context"

	tg "github.com/go-telegram/bot"
)

// Kinds of request handoff adds to the outbox.
const (
	kindCopy       = "copy"       // copyMessage: never forwardMessage, which names the sender
	kindCloseTopic = "closetopic" // closeForumTopic
)

// doHandoff makes the calls handoff adds to the outbox. A message to a group goes to the
// case's topic; a copy to a person is protected like every message the bot sends them.
func (a *api) doHandoff(ctx context.Context, r *request) (int, error) {
	switch r.Kind {
	case kindCopy:
		m, err := a.tg.CopyMessage(ctx, &tg.CopyMessageParams{
			ChatID:          r.Chat,
			MessageThreadID: r.Thread,
			FromChatID:      r.From,
			MessageID:       r.MessageID,
			ProtectContent:  !r.Group,
			// A person's /silent setting, for what reaches them from a case.
			DisableNotification: r.Silent,
		})
		if err != nil {
			return 0, err
		}
		return m.ID, nil
	case kindCloseTopic:
		_, err := a.tg.CloseForumTopic(ctx, &tg.CloseForumTopicParams{ChatID: r.Chat, MessageThreadID: r.Thread})
		return 0, err
	case kindTopicSend:
		m, err := a.tg.SendMessage(ctx, &tg.SendMessageParams{ChatID: r.Chat, MessageThreadID: r.Thread, Text: r.Text})
		if err != nil {
			return 0, err
		}
		return m.ID, nil
	}
	return 0, errUnknownKind
}

// kindTopicSend is sendMessage into a forum topic.
const kindTopicSend = "tsend"

// relayFromPerson copies the person's message into their case's topic and, when the group's
// budget is spent, tells them it is waiting rather than leaving them in silence.
func (b *Bot) relayFromPerson(j *job, msgID int, lang string) {
	c := j.h.cs
	j.h.touched = append(j.h.touched, c.ID)
	j.h.out = append(j.h.out, keyed{key: c.GroupKey, req: request{Kind: kindCopy, Chat: j.h.group, From: j.chat,
		MessageID: msgID, Thread: int(c.ThreadID), Group: true, Lane: c.Code}})
	if b.ho.pace.reserve(string(c.GroupKey), c.ID, b.cfg.Now()) {
		b.say(j, lang, "handoff.waiting", nil, nil)
	}
}
