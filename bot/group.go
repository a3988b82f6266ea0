package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/puente-bot/puente/store"
)

// runGroup handles a group's updates. A group that is not linked gets nothing but answers
// to /link, and the bot leaves it at anything else; a linked group's topics are cases.
func (b *Bot) runGroup(ctx context.Context, j *job) error {
	links, err := b.linked(ctx)
	if err != nil {
		return err
	}
	link, linked := links.byChat[string(j.key)]
	for _, in := range j.ins {
		g := in.group
		if g == nil || g.typ == models.ChatTypeChannel {
			j.reqs = []request{{Kind: kindLeave, Chat: j.chat, Group: true}}
			return nil
		}
		if !linked {
			if j.handoff.linkCode != "" {
				// The group may be linked once the batch commits: what its people wrote
				// right after /link is no reason to leave.
				continue
			}
			if leave := b.strangerStep(ctx, j, in); leave {
				j.reqs = append(j.reqs, request{Kind: kindLeave, Chat: j.chat, Group: true})
				return nil
			}
			continue
		}
		if err := b.linkedStep(ctx, j, link, in); err != nil {
			return err
		}
	}
	return nil
}

// say in a group, in the general chat.
func (b *Bot) groupSay(j *job, id string, data map[string]any) {
	j.reqs = append(j.reqs, request{Kind: kindSend, Chat: j.chat, Group: true, Text: b.cat.Text(orgLang, id, data)})
}

// strangerStep handles an update of a group that is not linked and says whether to leave.
// Made an administrator, the bot waits for /link; anything else but /link sends it away.
func (b *Bot) strangerStep(ctx context.Context, j *job, in incoming) bool {
	g := in.group
	if g.isMember {
		return g.member == models.ChatMemberTypeMember || g.member == models.ChatMemberTypeRestricted
	}
	if g.command != "link" || g.fromBot {
		return true
	}
	switch {
	case g.typ != models.ChatTypeSupergroup || !g.forum:
		b.groupSay(j, "handoff.link.not_forum", nil)
		return false
	case g.arg == "":
		b.groupSay(j, "handoff.link.no_code", nil)
		return false
	}
	ok, err := b.botCanManageTopics(j)
	if err != nil {
		b.groupSay(j, "handoff.link.try_again", nil)
		return false
	}
	if !ok {
		b.groupSay(j, "handoff.link.rights", nil)
		return false
	}
	j.handoff.linkCode = g.arg
	return false
}

// adminTimeout bounds the one read of Telegram a batch may wait on: a group's
// administrators, for /link and /unlink.
const adminTimeout = 5 * time.Second

// groupAdmins is what Telegram said of a group's administrators before its batch ran.
type groupAdmins struct {
	list []models.ChatMember
	err  error
}

// readAdmins reads, before the batch's jobs run, the administrators of every group that sent
// /link or /unlink in it, in parallel and each bounded by adminTimeout: whether the bot may
// manage topics, and whether the sender may unlink, decide what the batch commits (the code
// spent, the cases closed). It is a read, and the only Telegram call before a batch commits;
// everything the bot writes goes through the outbox. getChatAdministrators names no one in
// its request, unlike getChatMember.
func (b *Bot) readAdmins(ctx context.Context, jobs []*job) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		if !j.group || !slices.ContainsFunc(j.ins, asksAdmins) {
			continue
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, adminTimeout)
			defer cancel()
			if b.me.Load() == 0 {
				// Telegram could not be asked at the start.
				if me, err := b.api.tg.GetMe(ctx); err == nil {
					b.me.Store(me.ID)
				}
			}
			list, err := b.api.tg.GetChatAdministrators(ctx, &tg.GetChatAdministratorsParams{ChatID: j.chat})
			j.handoff.admins = &groupAdmins{list: list, err: err}
		})
	}
	wg.Wait()
}

// asksAdmins says whether a group's update needs its administrators: /link and /unlink.
func asksAdmins(in incoming) bool {
	g := in.group
	return g != nil && !g.fromBot && !g.isMember && (g.command == "link" || g.command == "unlink")
}

// botCanManageTopics says whether the bot is an administrator of the job's group allowed to
// manage topics, from what readAdmins read.
func (b *Bot) botCanManageTopics(j *job) (bool, error) {
	list, err := j.handoff.admins.read()
	if err == nil && b.me.Load() == 0 {
		err = errNoAdmins
	}
	if err != nil {
		return false, err
	}
	for _, m := range list {
		if m.Administrator != nil && m.Administrator.User.ID == b.me.Load() {
			return m.Administrator.CanManageTopics, nil
		}
	}
	return false, nil
}

// errNoAdmins is a group's administrators (or the bot's own id) not read before its batch.
var errNoAdmins = errors.New("administrators not read")

// read is what readAdmins read, or why nothing was.
func (a *groupAdmins) read() ([]models.ChatMember, error) {
	if a == nil {
		return nil, errNoAdmins
	}
	return a.list, a.err
}

// isAdmin says whether the sender of a group message is one of its administrators, from what
// readAdmins read.
func (b *Bot) isAdmin(j *job, g *groupIn) (bool, error) {
	if g.from == 0 {
		return true, nil // sent as the group itself: only administrators can
	}
	list, err := j.handoff.admins.read()
	if err != nil {
		return false, err
	}
	for _, m := range list {
		switch {
		case m.Owner != nil && m.Owner.User != nil && m.Owner.User.ID == g.from:
			return true, nil
		case m.Administrator != nil && m.Administrator.User.ID == g.from:
			return true, nil
		}
	}
	return false, nil
}

// commitLink spends the code inside the batch's transaction and returns the answer to the
// group: linked, or why not.
func (b *Bot) commitLink(ctx context.Context, tx *store.Tx, j *job) ([]request, error) {
	now := tx.Now()
	l := store.Link{ChatKey: j.key, Chat: b.keys.Seal(chatBytes(j.chat), j.key), LinkedAt: now}
	listing, err := tx.LinkWithCode(ctx, b.keys, j.handoff.linkCode, l)
	id := ""
	switch {
	case err == nil:
		id = "handoff.link.done"
	case errors.Is(err, store.ErrCodeUnknown):
		id = "handoff.link.unknown"
	case errors.Is(err, store.ErrCodeExpired):
		id = "handoff.link.expired"
	case errors.Is(err, store.ErrCodeUsed):
		id = "handoff.link.used"
	case errors.Is(err, store.ErrExists):
		id = "handoff.link.elsewhere"
	default:
		return nil, err
	}
	name := ""
	if l := b.listing(listing); l != nil {
		name = l.Name
	}
	if err == nil {
		b.relinked()
	}
	text := b.cat.Text(orgLang, id, map[string]any{"Org": name})
	return []request{{Kind: kindSend, Chat: j.chat, Group: true, Text: text}}, nil
}

// linkedStep handles an update of a linked group: /unlink, /close and caseworkers' messages
// in case topics. Everything else (the general chat, other topics, other bots) is ignored.
func (b *Bot) linkedStep(ctx context.Context, j *job, link store.Link, in incoming) error {
	g := in.group
	if g.isMember {
		if g.member == models.ChatMemberTypeLeft || g.member == models.ChatMemberTypeBanned {
			return b.unlink(ctx, j, link, false)
		}
		return nil
	}
	if g.fromBot {
		return nil
	}
	switch g.command {
	case "link":
		b.groupSay(j, "handoff.link.already", nil)
		return nil
	case "unlink":
		ok, err := b.isAdmin(j, g)
		if err != nil {
			b.groupSay(j, "handoff.link.try_again", nil)
			return nil
		}
		if !ok {
			b.groupSay(j, "handoff.unlink.not_admin", nil)
			return nil
		}
		return b.unlink(ctx, j, link, true)
	}
	if g.thread == 0 {
		return nil
	}
	c, err := b.db.CaseByTopic(ctx, j.key, int64(g.thread))
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Closed) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, cl := range j.handoff.closes {
		if cl.c.ID == c.ID {
			return nil // closed earlier in this batch
		}
	}
	if g.command == "close" {
		j.handoff.closes = append(j.handoff.closes, b.personClosing(ctx, c, j.chat, closedByOrg))
		return nil
	}
	if !g.relay {
		return nil
	}
	person, err := b.openChat(c.Person, c.PersonKey)
	if err != nil {
		return nil
	}
	j.handoff.touched = append(j.handoff.touched, c.ID)
	j.handoff.out = append(j.handoff.out, otherChatRequest{key: c.PersonKey, caseID: c.ID,
		req: request{Kind: kindCopy, Chat: person, From: j.chat, MessageID: in.msgID, Track: true, Silent: b.silent(ctx, c.PersonKey)}})
	return nil
}

// unlink stops the group receiving cases: its open cases close (their people are told),
// the group is told, and the bot leaves it (unless it was removed already).
func (b *Bot) unlink(ctx context.Context, j *job, link store.Link, say bool) error {
	cases, err := b.db.OpenCasesOfGroup(ctx, j.key)
	if err != nil {
		return err
	}
	group := j.chat
	if !say {
		group = 0
	}
	for _, c := range cases {
		j.handoff.closes = append(j.handoff.closes, b.personClosing(ctx, c, group, closedUnlinked))
	}
	j.handoff.unlink = link.ListingID
	if say {
		b.groupSay(j, "handoff.unlink.done", nil)
		j.reqs = append(j.reqs, request{Kind: kindLeave, Chat: j.chat, Group: true})
	}
	return nil
}

// unlinkRequested removes the links volunteers asked to remove (puente link --unlink, or the
// listing's page), typically one whose group the bot can no longer reach: the group's open
// cases close and their people are told, and when the group's chat still opens, the group is
// told and the bot leaves it.
func (b *Bot) unlinkRequested(ctx context.Context, now time.Time) error {
	ids, err := b.db.UnlinkRequests(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		var closes []closing
		var group int64
		l, err := b.db.LinkByListing(ctx, id)
		switch {
		case err == nil:
			group, _ = b.openChat(l.Chat, l.ChatKey) // 0 when it does not open
			cases, err := b.db.OpenCasesOfGroup(ctx, l.ChatKey)
			if err != nil {
				return err
			}
			for _, c := range cases {
				closes = append(closes, b.personClosing(ctx, c, 0, closedUnlinked))
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		_, err = b.commit(ctx, func(tx *store.Tx, w *batchWrite) error {
			for _, cl := range closes {
				if err := b.closeTx(ctx, tx, cl, w); err != nil {
					return err
				}
			}
			if group != 0 {
				for _, r := range []request{
					{Kind: kindSend, Chat: group, Group: true, Text: b.cat.Text(orgLang, "handoff.unlink.done", nil)},
					{Kind: kindLeave, Chat: group, Group: true},
				} {
					if err := w.queue(b.keys, l.ChatKey, r); err != nil {
						return err
					}
				}
			}
			if err := tx.Unlink(ctx, id); err != nil {
				return err
			}
			b.relinked()
			return nil
		})
		if err != nil {
			return err
		}
		// Again after the commit: a batch running meanwhile may have read the old links.
		b.relinked()
		b.log.Info("Unlinked a group on request", "listing", id, "told", group != 0)
	}
	return nil
}
