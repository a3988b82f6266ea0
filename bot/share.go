package bot

import (
	"context"
	"strings"

	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

// The buttons by which a person shares their Telegram username with the organisation of
// their case, and takes it back. Each carries its case (shareToken), and is refused once that
// case is not the person's open case: a confirmation given on a screen that named one
// organisation must never reach another. Nothing else about a person is ever offered to share.
const (
	tokenShareAsk  = "Sa" // show what sharing means
	tokenShareYes  = "Sy" // share it
	tokenShareNo   = "Sn" // do not
	tokenShareStop = "Su" // take it back
)

// shareToken is the callback data of a share button for case c.
func shareToken(act string, c store.Case) string { return act + "." + caseTag(c) }

// caseTag names a case in a button: enough of its random id to tell it from the person's others.
func caseTag(c store.Case) string { return c.ID[:min(len(c.ID), 8)] }

// readShareToken splits a share button's data into its act and case tag.
func readShareToken(token string) (act, tag string, ok bool) {
	act, tag, ok = strings.Cut(token, ".")
	switch act {
	case tokenShareAsk, tokenShareYes, tokenShareNo, tokenShareStop:
		return act, tag, ok
	}
	return "", "", false
}

// carriesUsername says whether a button's update may carry the presser's username to the bot:
// only those by which a person chooses to share it.
func carriesUsername(token string) bool {
	act, _, ok := readShareToken(token)
	return ok && (act == tokenShareAsk || act == tokenShareYes)
}

// shareButton offers to share the username, in the note that case c opened.
func shareButton(cat *locales.Catalog, lang string, c store.Case) [][]button {
	return [][]button{{{Text: cat.Text(lang, "handoff.btn.share", nil), Data: shareToken(tokenShareAsk, c)}}}
}

// shareStep handles the share buttons and says whether in was one.
func (b *Bot) shareStep(ctx context.Context, j *job, in incoming, lang string) bool {
	act, tag, ok := readShareToken(in.token)
	if !ok {
		return false
	}
	c := j.h.cs
	if c == nil || tag != caseTag(*c) {
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
	case act == tokenShareNo:
		b.say(j, lang, "handoff.share.no", nil, nil)
	case act == tokenShareStop && c.Shared == 0:
		b.say(j, lang, "handoff.share.none", nil, nil)
	case act == tokenShareStop:
		j.h.unshare = append(j.h.unshare, *c)
		if c.Shared > 0 {
			j.h.out = append(j.h.out, keyed{key: c.GroupKey, req: request{Kind: kindDelete, Chat: j.h.group, Group: true, Lane: c.Code, Delete: []int{int(c.Shared)}}})
		}
		// A username still on its way is deleted as soon as it arrives: its completion finds
		// the share taken back.
		j.h.out = append(j.h.out, keyed{key: c.GroupKey, req: toTopic(*c, j.h.group, request{Kind: kindTopicSend,
			Text: b.sp.cat.Text(orgLang, "handoff.org.unshared", nil)})})
		c.Shared = 0
		b.say(j, lang, "handoff.share.stopped", data, nil)
	case c.Shared != 0:
		b.say(j, lang, "handoff.share.already", nil, stopSharing(b, lang, *c))
	case in.username == "":
		b.say(j, lang, "handoff.share.no_username", nil, nil)
	case act == tokenShareAsk:
		b.say(j, lang, "handoff.share.ask", data, [][]button{
			{{Text: b.sp.cat.Text(lang, "handoff.btn.share_yes", nil), Data: shareToken(tokenShareYes, *c)}},
			{{Text: b.sp.cat.Text(lang, "handoff.btn.no", nil), Data: shareToken(tokenShareNo, *c)}},
			navRow(b.sp.cat, lang),
		})
	default:
		// Through the outbox, like everything sent to Telegram: its completion records the
		// message's id, so it can be taken back, or deletes it if the person took it back or
		// left meanwhile.
		c.Shared = store.SharePending
		j.h.shared = append(j.h.shared, *c)
		req := toTopic(*c, j.h.group, request{Kind: kindTopicSend, Share: true,
			Text: b.sp.cat.Text(orgLang, "handoff.org.shared", map[string]any{"Username": "@" + in.username})})
		req.Case = c.ID
		j.h.out = append(j.h.out, keyed{key: c.GroupKey, req: req})
		b.say(j, lang, "handoff.share.done", data, stopSharing(b, lang, *c))
	}
	return true
}

func stopSharing(b *Bot, lang string, c store.Case) [][]button {
	return [][]button{{{Text: b.sp.cat.Text(lang, "handoff.btn.share_stop", nil), Data: shareToken(tokenShareStop, c)}}}
}

// unshareClosedTx queues the deletion of the usernames the person shared in cases that closed
// before they left (exit or blocking), in the groups that are still linked (only a linked
// group's chat id is kept).
func (b *Bot) unshareClosedTx(ctx context.Context, tx *store.Tx, j *job, w *batchWrite) error {
	if j.h.links == nil {
		return nil
	}
	cs, err := tx.SharedClosedCases(ctx, j.key)
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
	if c.Shared <= 0 || group == 0 {
		// A username still on its way is deleted when it arrives (store.Tx.RecordShare).
		return nil
	}
	return []keyed{{key: c.GroupKey, req: request{Kind: kindDelete, Chat: group, Group: true, Lane: c.Code, Delete: []int{int(c.Shared)}}}}
}
