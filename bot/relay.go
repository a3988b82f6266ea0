package bot

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/puente-bot/puente/directory"
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

// groupPace estimates each organisation group's budget, the way the outbox spends it, to
// tell a person when their message will wait. It is an estimate: the outbox does the pacing.
type groupPace struct {
	mu   sync.Mutex
	rate Rate
	next map[string]time.Time // per group: when the budget has room again
	told map[string]time.Time // per case: until when the person knows their messages wait
}

// reserve counts one message to group for a case at now and says whether to tell the person
// it waits: once per backlog, when it waits longer than a few messages' worth.
func (p *groupPace) reserve(group, caseID string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rate.Every <= 0 {
		return false
	}
	burst := time.Duration(max(1, p.rate.Burst)) * p.rate.Every
	next := p.next[group]
	if floor := now.Add(-burst); next.Before(floor) {
		next = floor
	}
	next = next.Add(p.rate.Every)
	p.next[group] = next
	wait := next.Sub(now)
	if wait <= 3*p.rate.Every || p.told[caseID].After(now) {
		return false
	}
	p.told[caseID] = next
	return true
}

// prune forgets estimates that are in the past.
func (p *groupPace) prune(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, t := range p.next {
		if t.Before(now) {
			delete(p.next, k)
		}
	}
	for k, t := range p.told {
		if t.Before(now) {
			delete(p.told, k)
		}
	}
}

// fairInsert adds it to a chat's queue. In an organisation's group the cases take turns, so
// a burst from one person does not hold back everyone else's messages: an item of a lane
// (a case) goes after the first item of every other lane that has as many before it, and
// each lane keeps its own order. The queue stays sorted by round, so the first item (maybe on
// the wire) is never passed: its round is 0.
func fairInsert(items []*item, it *item) []*item {
	lane := it.req.Lane
	if lane == "" {
		return append(items, it)
	}
	// The round of it is how many items its lane already has; it goes after the last item
	// whose round is no later.
	rounds := map[string]int{}
	round := 0
	for _, x := range items {
		if x.req.Lane == lane {
			round++
		}
	}
	at := len(items)
	for i, x := range items {
		r := rounds[x.req.Lane]
		rounds[x.req.Lane] = r + 1
		if r > round {
			at = i
			break
		}
	}
	items = append(items, nil)
	copy(items[at+1:], items[at:])
	items[at] = it
	return items
}

// dayIDs are the message IDs of weekday abbreviations, Sunday first as time.Weekday counts.
var dayIDs = [7]string{"handoff.day.sun", "handoff.day.mon", "handoff.day.tue", "handoff.day.wed", "handoff.day.thu", "handoff.day.fri", "handoff.day.sat"}

// hoursText says a listing's weekly hours in the person's language: "Mon–Fri 10:00–17:00".
func (b *Bot) hoursText(lang string, h directory.Hours) string {
	switch {
	case h.Always:
		return b.sp.cat.Text(lang, "handoff.hours.always", nil)
	case !h.Known():
		return b.sp.cat.Text(lang, "handoff.hours.unknown", nil)
	}
	var byDay [7][]string
	for _, s := range h.Weekly {
		byDay[s.Day] = append(byDay[s.Day], clockText(s.Open)+"–"+clockText(s.Close))
	}
	order := []time.Weekday{1, 2, 3, 4, 5, 6, 0}
	var rules []string
	for i := 0; i < 7; {
		r := strings.Join(byDay[order[i]], ", ")
		if r == "" {
			i++
			continue
		}
		k := i
		for k+1 < 7 && strings.Join(byDay[order[k+1]], ", ") == r {
			k++
		}
		days := b.sp.cat.Text(lang, dayIDs[order[i]], nil)
		if k > i {
			days += "–" + b.sp.cat.Text(lang, dayIDs[order[k]], nil)
		}
		rules = append(rules, days+" "+r)
		i = k + 1
	}
	return strings.Join(rules, "; ")
}

func clockText(m int) string {
	h, min := m/60, m%60
	if h > 24 {
		h -= 24
	}
	pad := func(n int) string {
		if n < 10 {
			return "0" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	}
	return pad(h) + ":" + pad(min)
}
