package bot

import (
	"container/heap"
	"context"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/puente-bot/puente/metrics"
	"github.com/puente-bot/puente/store"
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

func (b *bucket) take() {
	if b.rate.Every > 0 {
		b.tokens--
	}
}

func (b *bucket) full(now time.Time) bool {
	b.refill(now)
	return b.rate.Every <= 0 || b.tokens >= float64(b.rate.Burst)
}

// item is one outbox row in memory.
type item struct {
	id  int64 // the row; 0 for a request that lives only in memory
	key string
	req request
	gen int // the chat queue's generation when the item was queued

	msgID int   // the result: the id of the message sent
	err   error // the result: nil when Telegram accepted it
}

// chatQueue holds one chat's items in order. At most one of them is on the wire.
type chatQueue struct {
	key     string
	items   []*item
	busy    bool
	notBef  time.Time // retry_after or backoff
	backoff time.Duration
	bucket  bucket
	gen     int // bumped when the chat is forgotten, so late results are recognised
	index   int // in the ready heap, -1 when not in it
}

// pop drops the first item. The slot is cleared so the queue's array does not keep a sent
// request (and its text) alive, and an empty queue lets go of its array.
func (q *chatQueue) pop() {
	q.items[0] = nil
	q.items = q.items[1:]
	if len(q.items) == 0 {
		q.items = nil
	}
}

type readyHeap []*chatQueue

func (h readyHeap) Len() int { return len(h) }
func (h readyHeap) Less(i, j int) bool {
	if !h[i].notBef.Equal(h[j].notBef) {
		return h[i].notBef.Before(h[j].notBef)
	}
	return h[i].items[0].id < h[j].items[0].id
}
func (h readyHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *readyHeap) Push(x any) {
	q := x.(*chatQueue)
	q.index = len(*h)
	*h = append(*h, q)
}
func (h *readyHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	old[len(old)-1] = nil
	q.index = -1
	*h = old[:len(old)-1]
	return q
}

// addition is what the outbox is told after a transaction committed: chats to forget (their
// waiting items are dropped) and new items, in that order.
type addition struct {
	forget []string
	items  []*item
}

// commitLinger is how long the outbox gathers results before recording them.
const commitLinger = 10 * time.Millisecond

// completion is a result the outbox records in the database, in batches.
type completion struct {
	rowID  int64  // the row to delete; 0 for none
	key    string // the chat
	chat   int64
	msgID  int  // a sent message to track for deletion; 0 for none
	brief  bool // with msgID: delete it after briefFor rather than DeleteAfter
	forget bool // the person blocked the bot: forget everything about the chat
	erase  bool // delete every tracked message of the chat (an erase request)
	gen    int  // with erase: the chat queue's generation
}

// erased is the committer's answer to an erase request: the deleteMessages requests it
// queued, which go first in the chat's queue.
type erased struct {
	key   string
	gen   int
	items []*item
	err   error
}

// outbox sends queued requests in order per chat, paced to Telegram's limits, retrying
// until Telegram accepts or refuses them. The rows stay in the database until then, so a
// restart resends what was not confirmed.
type outbox struct {
	db   *store.DB
	keys *store.Keys
	api  interface {
		do(ctx context.Context, r *request) (int, error)
	}
	lim Limits
	log *slog.Logger
	now func() time.Time
	m   *metrics.Metrics
	// deleteAfter and briefFor are how long tracked messages, and brief ones, stay.
	deleteAfter, briefFor time.Duration

	add     chan addition
	results chan *item
	done    chan struct{} // closed when run has returned

	// The committer answers erase requests here, without ever blocking on the scheduler.
	erasedMu sync.Mutex
	erased   []erased
	erasedC  chan struct{} // signalled (capacity 1) when erased grows
}

func newOutbox(db *store.DB, keys *store.Keys, a *api, lim Limits, log *slog.Logger, now func() time.Time, m *metrics.Metrics) *outbox {
	return &outbox{db: db.WithClock(now), keys: keys, api: a, lim: lim, log: log, now: now, m: m,
		add: make(chan addition, 64), results: make(chan *item), done: make(chan struct{}), erasedC: make(chan struct{}, 1)}
}

// load reads the rows left by an earlier run. A row that no longer opens (the secret
// changed) is dropped.
func (o *outbox) load(ctx context.Context) ([]*item, error) {
	rows, err := o.db.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	var items []*item
	var broken []int64
	for _, r := range rows {
		plain, err := o.keys.Open(r.Request, r.ChatKey)
		var req request
		if err == nil {
			err = json.Unmarshal(plain, &req)
		}
		if err != nil {
			broken = append(broken, r.ID)
			continue
		}
		items = append(items, &item{id: r.ID, key: string(r.ChatKey), req: req})
	}
	if len(broken) > 0 {
		o.log.Warn("Dropped queued messages that could not be opened", "count", len(broken))
		if err := o.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteOutbox(ctx, broken) }); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// enqueue hands committed items (and chats to forget first) to the running outbox. If ctx
// ends first they are still in the database and go out after the next start.
func (o *outbox) enqueue(ctx context.Context, a addition) {
	if len(a.items) == 0 && len(a.forget) == 0 {
		return
	}
	select {
	case o.add <- a:
	case <-ctx.Done():
	case <-o.done:
	}
}

// run sends until ctx ends. Requests already on the wire then finish and their results are
// recorded, so a stop does not send anything twice; nothing else is drained.
func (o *outbox) run(ctx context.Context, pending []*item) {
	defer close(o.done)
	var wg sync.WaitGroup
	work := make(chan *item)
	for range max(1, o.lim.InFlight) {
		wg.Go(func() {
			for it := range work {
				// A request on the wire is finished even if ctx ends, so its result is known.
				cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
				it.msgID, it.err = o.api.do(cctx, &it.req)
				cancel()
				o.results <- it
			}
		})
	}
	commits := make(chan completion, 1024)
	wg.Go(func() { o.commit(context.WithoutCancel(ctx), commits) })

	s := &scheduler{o: o, queues: map[string]*chatQueue{}, overall: newBucket(o.lim.Overall, o.now()), commits: commits}
	s.insert(pending)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	sweep := o.now()
	for {
		now := o.now()
		wake := s.dispatch(now, work)
		if now.Sub(sweep) > 10*time.Second {
			s.sweep(now)
			sweep = now
		}
		timer.Reset(wake)
		select {
		case a := <-o.add:
			for _, k := range a.forget {
				s.forget(k)
			}
			s.insert(a.items)
		case it := <-o.results:
			s.result(it)
		case <-o.erasedC:
			o.erasedMu.Lock()
			es := o.erased
			o.erased = nil
			o.erasedMu.Unlock()
			for _, e := range es {
				s.erased(e)
			}
		case <-timer.C:
		case <-ctx.Done():
			for s.inflight > 0 {
				s.result(<-o.results)
			}
			close(work)
			close(commits)
			wg.Wait()
			return
		}
	}
}

// scheduler is the outbox's state, owned by run's goroutine.
type scheduler struct {
	o        *outbox
	queues   map[string]*chatQueue
	ready    readyHeap
	overall  bucket
	inflight int
	commits  chan<- completion
}

func (s *scheduler) queue(key string, group bool) *chatQueue {
	q, ok := s.queues[key]
	if !ok {
		r := s.o.lim.PrivateChat
		if group {
			r = s.o.lim.GroupChat
		}
		q = &chatQueue{key: key, bucket: newBucket(r, s.o.now()), index: -1}
		s.queues[key] = q
	}
	return q
}

func (s *scheduler) insert(items []*item) {
	for _, it := range items {
		q := s.queue(it.key, it.req.Group)
		it.gen = q.gen
		q.items = fairInsert(q.items, it)
		s.schedule(q)
	}
}

// schedule puts q in the ready heap if it has something to send and nothing on the wire.
func (s *scheduler) schedule(q *chatQueue) {
	if q.busy || len(q.items) == 0 {
		return
	}
	if q.index >= 0 {
		heap.Fix(&s.ready, q.index)
		return
	}
	heap.Push(&s.ready, q)
}

// forget drops a chat's waiting items; one on the wire finishes and is recognised by gen.
func (s *scheduler) forget(key string) {
	q, ok := s.queues[key]
	if !ok {
		return
	}
	if q.index >= 0 {
		heap.Remove(&s.ready, q.index)
	}
	q.items = nil
	q.gen++
	q.notBef, q.backoff = time.Time{}, 0
}

// dispatch starts every request that may go now and returns how long until the next may.
func (s *scheduler) dispatch(now time.Time, work chan<- *item) time.Duration {
	for s.ready.Len() > 0 && s.inflight < max(1, s.o.lim.InFlight) {
		q := s.ready[0]
		if d := q.notBef.Sub(now); d > 0 {
			return d
		}
		it := q.items[0]
		if it.req.paced() {
			if d := q.bucket.wait(now); d > 0 {
				q.notBef = now.Add(d)
				heap.Fix(&s.ready, 0)
				continue
			}
			if d := s.overall.wait(now); d > 0 {
				return d
			}
			q.bucket.take()
			s.overall.take()
		}
		heap.Pop(&s.ready)
		if it.req.Kind == kindForget {
			// Every earlier result of this chat is already on its way to the committer,
			// which handles them in order: nothing is tracked again after this.
			s.commits <- completion{rowID: it.id, key: it.key, forget: true}
			q.pop()
			s.schedule(q)
			continue
		}
		q.busy = true
		if it.req.Kind == kindErase {
			// Every earlier result of this chat is already on its way to the committer,
			// which handles them in order: the erase sees every message sent.
			s.commits <- completion{rowID: it.id, key: it.key, chat: it.req.Chat, erase: true, gen: q.gen}
			continue
		}
		s.inflight++
		work <- it
	}
	if s.ready.Len() > 0 && s.inflight < max(1, s.o.lim.InFlight) {
		return max(0, s.ready[0].notBef.Sub(now))
	}
	return time.Hour
}

func (s *scheduler) result(it *item) {
	s.inflight--
	q := s.queues[it.key]
	q.busy = false
	if it.gen != q.gen {
		// The chat was forgotten while this was on the wire: its queue is already replaced.
		// A message that went out is tracked, and the erase queued after it deletes it.
		c := completion{rowID: it.id, key: it.key, chat: it.req.Chat}
		if it.err == nil && it.req.Track {
			c.msgID, c.brief = it.msgID, it.req.Brief
		}
		s.commits <- c
		s.schedule(q)
		return
	}
	if it.err == nil {
		s.o.m.Requests.WithLabelValues(it.req.Kind).Inc()
		q.pop()
		q.backoff = 0
		c := completion{rowID: it.id, key: it.key, chat: it.req.Chat}
		if it.req.Track {
			c.msgID, c.brief = it.msgID, it.req.Brief
		}
		s.commits <- c
		s.schedule(q)
		return
	}
	out, retryAfter := classify(it.err)
	switch out {
	case outcomeWait:
		s.o.m.RateLimited.Inc()
		q.notBef = s.o.now().Add(time.Duration(max(1, retryAfter)) * s.o.lim.RetryUnit)
	case outcomeForbidden:
		// A person who blocked the bot is forgotten; a group that removed it keeps nothing
		// queued either (forgetting a group's key deletes only its waiting requests).
		s.o.log.Info("A chat is closed to the bot; forgetting it")
		q.items = nil
		q.gen++
		s.commits <- completion{rowID: it.id, key: it.key, forget: true}
		return
	case outcomeRefused:
		if it.req.Kind == kindEdit {
			// The message to edit is gone or too old: send the screen as a new message.
			it.req.Kind, it.req.MessageID, it.req.Track = kindSend, 0, true
			break
		}
		s.o.log.Warn("Telegram refused a request; dropping it", "kind", it.req.Kind)
		s.o.m.Dropped.Inc()
		q.pop()
		s.commits <- completion{rowID: it.id, key: it.key}
	default:
		s.o.m.Retries.Inc()
		q.backoff = min(max(2*q.backoff, s.o.lim.BackoffMin), s.o.lim.BackoffMax)
		q.notBef = s.o.now().Add(q.backoff)
	}
	s.schedule(q)
}

// erased puts the deletions an erase request produced at the head of the chat's queue, in
// place of the erase request (unless the chat was forgotten again meanwhile).
func (s *scheduler) erased(e erased) {
	q, ok := s.queues[e.key]
	if !ok {
		return
	}
	q.busy = false
	if e.err != nil {
		q.backoff = min(max(2*q.backoff, s.o.lim.BackoffMin), s.o.lim.BackoffMax)
		q.notBef = s.o.now().Add(q.backoff)
		s.schedule(q)
		return
	}
	if e.gen == q.gen && len(q.items) > 0 && q.items[0].req.Kind == kindErase {
		q.pop()
	}
	rest := q.items
	for _, it := range e.items {
		it.gen = q.gen
	}
	q.items = append(e.items, rest...)
	s.schedule(q)
}

// sweep forgets idle queues whose bucket is full again, so memory follows live chats only.
func (s *scheduler) sweep(now time.Time) {
	for k, q := range s.queues {
		if !q.busy && len(q.items) == 0 && q.bucket.full(now) {
			delete(s.queues, k)
		}
	}
}

// commit records results in batches: one transaction for everything that finished while
// the previous one was being written.
func (o *outbox) commit(ctx context.Context, in <-chan completion) {
	linger := time.NewTimer(0)
	defer linger.Stop()
	for c := range in {
		batch := []completion{c}
		// Wait a moment for more: one commit for many sends. A commit costs more CPU than
		// anything else the bot does per update; a crash (not a stop: a stop records what it
		// sent) in this window only sends those messages again.
		linger.Reset(commitLinger)
	more:
		for len(batch) < 512 {
			select {
			case c, ok := <-in:
				if !ok {
					break more
				}
				batch = append(batch, c)
			case <-linger.C:
				break more
			}
		}
		es, err := o.record(ctx, batch)
		if err != nil {
			// The rows stay: those messages are sent again after a restart.
			o.log.Error("Recording sent messages failed", "err", err)
		}
		if len(es) > 0 {
			o.erasedMu.Lock()
			o.erased = append(o.erased, es...)
			o.erasedMu.Unlock()
			select {
			case o.erasedC <- struct{}{}:
			default:
			}
		}
	}
}

// record writes a batch of results in one transaction and answers its erase requests.
func (o *outbox) record(ctx context.Context, batch []completion) ([]erased, error) {
	var es []erased
	var ends []int // for each erase, where its requests end in w
	err := o.db.Write(ctx, func(tx *store.Tx) error {
		es, ends = es[:0], ends[:0]
		var ids []int64
		var tracked, brief []store.TrackedMessage
		// The sweep deletes a message DeleteAfter after the time recorded for it: a brief one
		// is recorded that much earlier, so it goes after briefFor.
		track := func() error {
			if err := tx.TrackMessages(ctx, tracked, tx.Now()); err != nil {
				return err
			}
			if err := tx.TrackMessages(ctx, brief, tx.Now().Add(o.briefFor-o.deleteAfter)); err != nil {
				return err
			}
			tracked, brief = tracked[:0], brief[:0]
			return nil
		}
		var w batchWrite
		for _, c := range batch {
			if c.rowID != 0 {
				ids = append(ids, c.rowID)
			}
			key := []byte(c.key)
			if c.forget || c.erase {
				// Results earlier in this batch come first: write them before forgetting.
				if err := track(); err != nil {
					return err
				}
			}
			switch {
			case c.forget:
				if err := forgetChatTx(ctx, tx, key); err != nil {
					return err
				}
			case c.erase:
				msgs, err := tx.ChatMessages(ctx, key)
				if err != nil {
					return err
				}
				if err := tx.ForgetChatMessages(ctx, key); err != nil {
					return err
				}
				for part := range slices.Chunk(msgs, 100) {
					r := request{Kind: kindDelete, Chat: c.chat}
					for _, id := range part {
						r.Delete = append(r.Delete, int(id))
					}
					if err := w.queue(o.keys, key, r); err != nil {
						return err
					}
				}
				es = append(es, erased{key: c.key, gen: c.gen})
				ends = append(ends, len(w.reqs))
			case c.msgID != 0:
				m := store.TrackedMessage{ChatKey: key, Chat: o.keys.Seal(chatBytes(c.chat), key), MessageID: int64(c.msgID)}
				if c.brief {
					brief = append(brief, m)
				} else {
					tracked = append(tracked, m)
				}
			}
		}
		if err := track(); err != nil {
			return err
		}
		items, err := w.flush(ctx, tx)
		if err != nil {
			return err
		}
		start := 0
		for i, end := range ends {
			es[i].items = items[start:end]
			start = end
		}
		return tx.DeleteOutbox(ctx, ids)
	})
	if err != nil {
		for i := range es {
			es[i] = erased{key: es[i].key, gen: es[i].gen, err: err}
		}
		return es, err
	}
	return es, nil
}

// forgetChatTx forgets everything kept about a private chat: session, waiting requests,
// message ids, and whose cases were whose (a 403 may come with no update saying the person
// blocked the bot, as for a deleted account).
func forgetChatTx(ctx context.Context, tx *store.Tx, key []byte) error {
	if err := tx.ForgetPerson(ctx, key); err != nil {
		return err
	}
	return tx.ForgetChatMessages(ctx, key)
}

func chatBytes(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

func chatFromBytes(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }
