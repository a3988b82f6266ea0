package bot

import (
	"sync"
	"time"
)

// Rate is a token bucket: one request every Every, up to Burst at once. A zero Every is no
// limit.
type Rate struct {
	Every time.Duration
	Burst int
}

// Limits are the outbox's pacing and retry rules.
type Limits struct {
	PrivateChat Rate          // Telegram: about one message a second per chat, short bursts allowed
	GroupChat   Rate          // Telegram: 20 messages a minute per group
	Overall     Rate          // Telegram: about 30 messages a second in all
	InFlight    int           // requests on the wire at once
	RetryUnit   time.Duration // what one second of retry_after lasts (tests shorten it)
	BackoffMin  time.Duration // first wait after a 5xx or network error, doubled each time
	BackoffMax  time.Duration
}

// TelegramLimits are the limits Telegram documents.
var TelegramLimits = Limits{
	PrivateChat: Rate{Every: time.Second, Burst: 3},
	GroupChat:   Rate{Every: 3 * time.Second, Burst: 1},
	Overall:     Rate{Every: time.Second / 30, Burst: 10},
	InFlight:    16, // plenty for 30 a second; more only takes CPU from the intake
	RetryUnit:   time.Second,
	BackoffMin:  500 * time.Millisecond,
	BackoffMax:  time.Minute,
}

type bucket struct {
	rate   Rate
	tokens float64
	last   time.Time
}

func newBucket(r Rate, now time.Time) bucket {
	return bucket{rate: r, tokens: float64(r.Burst), last: now}
}

func (b *bucket) refill(now time.Time) {
	if b.rate.Every <= 0 {
		return
	}
	b.tokens = min(float64(b.rate.Burst), b.tokens+float64(now.Sub(b.last))/float64(b.rate.Every))
	b.last = now
}

// wait is how long until a token is free (0 if one is free now).
func (b *bucket) wait(now time.Time) time.Duration {
	if b.rate.Every <= 0 {
		return 0
	}
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(b.rate.Every))
}

func (b *bucket) take() { b.takeN(1) }

// room says whether n tokens are free now.
func (b *bucket) room(now time.Time, n int) bool {
	if b.rate.Every <= 0 || n == 0 {
		return true
	}
	b.refill(now)
	return b.tokens >= float64(n)
}

func (b *bucket) takeN(n int) {
	if b.rate.Every > 0 {
		b.tokens -= float64(n)
	}
}

func (b *bucket) full(now time.Time) bool {
	b.refill(now)
	return b.rate.Every <= 0 || b.tokens >= float64(b.rate.Burst)
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
func fairInsert(items []*outboxItem, it *outboxItem) []*outboxItem {
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
