package bot

import (
	"context"
	"database/sql"

	tg "github.com/go-telegram/bot"

	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

// The buttons by which a person shares their Telegram username with the organisation of
// their case, and takes it back. They need no session: each is checked against the
// person's open case. Nothing else about a person is ever offered to share.
const (
	tokenShareAsk  = "Sa" // show what sharing means
	tokenShareYes  = "Sy" // share it
	tokenShareNo   = "Sn" // do not
	tokenShareStop = "Su" // take it back
)

// shareTokens are the buttons whose update carries the presser's username to the bot.
var shareTokens = map[string]bool{tokenShareAsk: true, tokenShareYes: true}

// shareButton offers to share the username, in the note that a case opened.
func shareButton(cat *locales.Catalog, lang string) [][]button {
	return [][]button{{{Text: cat.Text(lang, "handoff.btn.share", nil), Data: tokenShareAsk}}}
}

// shareStep handles the share buttons and says whether in was one.
func (b *Bot) shareStep(ctx context.Context, j *job, in incoming, lang string) bool {
	switch in.token {
	case tokenShareAsk, tokenShareYes, tokenShareNo, tokenShareStop:
	default:
		return false
	}
	c := j.h.cs
	if c == nil {
		b.say(j, lang, "handoff.expired", nil, nil)
		return true
	}
	org := c.Code
	if l := b.listing(c.ListingID); l != nil {
		org = l.Name
	}
	iso := locales.BidiFor(lang)
	data := map[string]any{"Org": iso.FSI(org), "Username": iso.LTR("@" + in.username)}
	switch {
	case in.token == tokenShareNo:
		b.say(j, lang, "handoff.share.no", nil, nil)
	case in.token == tokenShareStop && c.Shared == 0:
		b.say(j, lang, "handoff.share.none", nil, nil)
	case in.token == tokenShareStop:
		j.h.unshare = append(j.h.unshare, *c)
		j.h.out = append(j.h.out,
			keyed{key: c.GroupKey, req: request{Kind: kindDelete, Chat: j.h.group, Group: true, Lane: c.Code, Delete: []int{int(c.Shared)}}},
			keyed{key: c.GroupKey, req: request{Kind: kindTopicSend, Chat: j.h.group, Group: true, Thread: int(c.ThreadID), Lane: c.Code,
				Text: b.sp.cat.Text(orgLang, "handoff.org.unshared", nil)}})
		c.Shared = 0
		b.say(j, lang, "handoff.share.stopped", data, nil)
	case c.Shared != 0:
		b.say(j, lang, "handoff.share.already", nil, stopSharing(b, lang))
	case in.username == "":
		b.say(j, lang, "handoff.share.no_username", nil, nil)
	case in.token == tokenShareAsk:
		b.say(j, lang, "handoff.share.ask", data, [][]button{
			{{Text: b.sp.cat.Text(lang, "handoff.btn.share_yes", nil), Data: tokenShareYes}},
			{{Text: b.sp.cat.Text(lang, "handoff.btn.no", nil), Data: tokenShareNo}},
			navRow(b.sp.cat, lang),
		})
	default:
		// Sent now rather than through the outbox: taking it back needs the message's id.
		m, err := b.api.tg.SendMessage(ctx, &tg.SendMessageParams{ChatID: j.h.group, MessageThreadID: int(c.ThreadID),
			Text: b.sp.cat.Text(orgLang, "handoff.org.shared", map[string]any{"Username": "@" + in.username})})
		if err != nil {
			b.say(j, lang, "handoff.share.failed", nil, nil)
			return true
		}
		c.Shared = int64(m.ID)
		j.h.shared = append(j.h.shared, *c)
		b.say(j, lang, "handoff.share.done", data, stopSharing(b, lang))
	}
	return true
}

func stopSharing(b *Bot, lang string) [][]button {
	return [][]button{{{Text: b.sp.cat.Text(lang, "handoff.btn.share_stop", nil), Data: tokenShareStop}}}
}

// unshareClosedTx queues the deletion of the usernames the person shared in cases that closed
// before they left (exit or blocking), in the groups that are still linked (only a linked
// group's chat id is kept).
func (b *Bot) unshareClosedTx(ctx context.Context, tx *sql.Tx, j *job, w *batchWrite) error {
	if j.h.links == nil {
		return nil
	}
	cs, err := store.SharedClosedCasesTx(ctx, tx, j.key)
	if err != nil {
		return err
	}
	for _, c := range cs {
		l, ok := j.h.links.byChat[string(c.GroupKey)]
		if !ok {
			continue
		}
		group, err := b.openChat(l.Chat, l.ChatKey)
		if err != nil {
			continue
		}
		for _, k := range b.unsharedOnLeaving(c, group) {
			if err := w.queue(b.keys, k.key, k.req); err != nil {
				return err
			}
		}
	}
	return nil
}

// unsharedOnLeaving deletes the username a person shared when they leave or block the bot.
func (b *Bot) unsharedOnLeaving(c store.Case, group int64) []keyed {
	if c.Shared == 0 || group == 0 {
		return nil
	}
	return []keyed{{key: c.GroupKey, req: request{Kind: kindDelete, Chat: group, Group: true, Lane: c.Code, Delete: []int{int(c.Shared)}}}}
}
