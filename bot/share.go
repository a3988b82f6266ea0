package bot

import (
	"context"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/store"
)

// caseTag names a case in a share button: enough of its random id to tell it from the
// person's others.
func caseTag(c store.Case) string { return c.ID[:min(len(c.ID), 8)] }

// caseFor is the person's open case as the engine needs it, or nil.
func (b *Bot) caseFor(c *store.Case) *flows.Case {
	if c == nil {
		return nil
	}
	org := c.Code
	if l := b.listing(c.ListingID); l != nil {
		org = l.Name
	}
	return &flows.Case{ID: c.ID, Tag: caseTag(*c), Org: org, Shared: c.Shared != 0}
}

// share shares the person's username with the organisation of their open case, as the
// engine asked, and tells them it is on its way.
func (b *Bot) share(j *job, username, lang string) {
	c := j.handoff.openCase
	// Through the outbox, like everything sent to Telegram: its completion records the
	// message's id, so it can be taken back, or deletes it if the person took it back or
	// left meanwhile.
	c.Shared = store.SharePending
	j.handoff.shared = append(j.handoff.shared, *c)
	req := toTopic(*c, j.handoff.group, request{Kind: kindTopicSend, Share: true,
		Text: b.cat.Text(orgLang, "handoff.org.shared", map[string]any{"Username": "@" + username})})
	req.Case = c.ID
	j.handoff.out = append(j.handoff.out, otherChatRequest{key: c.GroupKey, req: req})
	b.say(j, lang, "handoff.share.done", flows.ShareData(lang, b.caseFor(c), username), keyboardOf(flows.StopSharing(b.cat, lang, caseTag(*c))))
}

// unshare takes the username back from the organisation of the person's open case.
func (b *Bot) unshare(j *job) {
	c := j.handoff.openCase
	// The message holding it is deleted when this commits (commitHandoff), and a username
	// still on its way as soon as it arrives: its completion finds the share taken back.
	j.handoff.unshare = append(j.handoff.unshare, *c)
	j.handoff.out = append(j.handoff.out, otherChatRequest{key: c.GroupKey, req: toTopic(*c, j.handoff.group, request{Kind: kindTopicSend,
		Text: b.cat.Text(orgLang, "handoff.org.unshared", nil)})})
	c.Shared = 0
}

// unshareClosedTx queues the deletion of the usernames the person shared in cases that closed
// before they left (exit or blocking), in the groups that are still linked (only a linked
// group's chat id is kept).
func (b *Bot) unshareClosedTx(ctx context.Context, tx *store.Tx, j *job, w *batchWrite) error {
	if j.handoff.links == nil {
		return nil
	}
	cs, err := tx.SharedClosedCases(ctx, j.key)
	if err != nil {
		return err
	}
	for _, c := range cs {
		l, ok := j.handoff.links.byChat[string(c.GroupKey)]
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

// deleteShared queues the deletion of the message holding the username shared in case c
// (held, as read in the committing transaction) in its group.
func (b *Bot) deleteShared(w *batchWrite, c store.Case, held, group int64) error {
	c.Shared = held
	for _, k := range b.unsharedOnLeaving(c, group) {
		if err := w.queue(b.keys, k.key, k.req); err != nil {
			return err
		}
	}
	return nil
}

// unsharedOnLeaving deletes the username a person shared when they leave or block the bot.
func (b *Bot) unsharedOnLeaving(c store.Case, group int64) []otherChatRequest {
	if c.Shared <= 0 || group == 0 {
		// A username still on its way is deleted when it arrives (store.Tx.RecordShare).
		return nil
	}
	return []otherChatRequest{{key: c.GroupKey, req: request{Kind: kindDelete, Chat: group, Group: true, Lane: c.Code, Delete: []int{int(c.Shared)}}}}
}
