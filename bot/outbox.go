package bot

import (
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

// outboxItem is one outbox row in memory.
type outboxItem struct {
	id  int64 // the row; 0 for a request that lives only in memory
	key string
	req request
	gen int // the chat queue's generation when the item was queued

	msgID int   // the result: the id of the message sent
	err   error // the result: nil when Telegram accepted it
}

// committedWork is what the outbox is told after a transaction committed: chats to forget
// (their waiting items are dropped) and new items, in that order.
type committedWork struct {
	forget  []string
	items   []*outboxItem
	release []string // lanes the intake held to send at once (first.go), given back
}

// commitLinger is how long the outbox waits at most for the results of requests on the
// wire, to record them with one that came before them.
const commitLinger = 10 * time.Millisecond

// sendResult is a result the outbox records in the database, in batches.
type sendResult struct {
	rowID  int64  // the row to delete; 0 for none
	key    string // the chat
	chat   int64
	msgID  int  // a sent message to track for deletion; 0 for none
	brief  bool // with msgID: delete it after briefFor rather than DeleteAfter
	forget bool // the person blocked the bot: forget everything about the chat
	erase  bool // delete every tracked message of the chat (an erase request)
	gen    int  // with erase: the chat queue's generation
	more   bool // other requests were on the wire: their results follow

	caseID string // with topic, share or failed: the case
	topic  int    // a case's topic was made: its thread
	share  int    // a person's username reached their case's topic: the message
	failed string // Telegram refused the request of this kind that opens the case or shares
	// the username (kindTopic, or kindTopicSend for a share)
}

// erasedChat is the committer's answer to an erase request: the deleteMessages requests it
// queued, which go first in the chat's queue.
type erasedChat struct {
	key   string
	gen   int
	items []*outboxItem
	err   error
}

// topicRecorded is the committer's answer to a case's topic being made: its thread is in
// the database now, so what waits for it in the group's queue may go.
type topicRecorded struct {
	key    string
	caseID string
	thread int
}

// outbox sends queued requests in order per chat, paced to Telegram's limits, retrying
// until Telegram accepts or refuses them. The rows stay in the database until then, so a
// restart resends what was not confirmed. It is the only road to Telegram for anything the
// bot writes (api.do, TestOneRoadToTelegram). Its parts: the rows and their completions
// here; the per-chat queues, dispatch and what a failure means in scheduler.go; the rates,
// buckets, the fairness of a group's cases (fairInsert) and the estimate that tells a person
// their message waits (groupPace) in pace.go.
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
	linger                time.Duration // commitLinger; longer in a test that must see none

	results chan *outboxItem
	kick    chan struct{} // signalled (capacity 1, wake) when something may go that could not before
	done    chan struct{} // closed when run has returned

	// mu guards sched, the queues run's goroutine works on between its waits. Those who
	// commit work put it there themselves (enqueue), and the intake borrows a chat's lane
	// (claim, release), without a hop to that goroutine, so what each does is in the queues in
	// the order they did it. sched is nil before run starts (early keeps what comes then) and
	// after it stops (stopped: what comes is in the database, for the next start).
	mu      sync.Mutex
	sched   *scheduler
	early   []committedWork
	stopped bool

	// The committer answers erase requests here, without ever blocking on the scheduler,
	// and hands over the requests that completions queued (more).
	erasedMu sync.Mutex
	erased   []erasedChat
	more     []*outboxItem
	made     []topicRecorded

	// caseFailed is called in the committer's transaction when Telegram refused to make a
	// case's topic (kindTopic) or to carry a shared username (kindTopicSend): it closes the
	// case or takes the share back, and queues what the person is told in w.
	caseFailed func(ctx context.Context, tx *store.Tx, caseID, kind string, w *batchWrite) error
}

func newOutbox(db *store.DB, keys *store.Keys, a *api, lim Limits, log *slog.Logger, now func() time.Time, m *metrics.Metrics) *outbox {
	return &outbox{db: db.WithClock(now), keys: keys, api: a, lim: lim, log: log, now: now, m: m, linger: commitLinger,
		results: make(chan *outboxItem), kick: make(chan struct{}, 1), done: make(chan struct{})}
}

// load reads the rows left by an earlier run. A row that no longer opens (the secret
// changed) is dropped.
func (o *outbox) load(ctx context.Context) ([]*outboxItem, error) {
	rows, err := o.db.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	var items []*outboxItem
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
		items = append(items, &outboxItem{id: r.ID, key: string(r.ChatKey), req: req})
	}
	if err := o.resolveTopics(ctx, items); err != nil {
		return nil, err
	}
	if len(broken) > 0 {
		o.log.Warn("Dropped queued messages that could not be opened", "count", len(broken))
		if err := o.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteOutbox(ctx, broken) }); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// resolveTopics gives the requests queued for a case that waited for its topic the thread
// made meanwhile. Those whose topic is still to be made get it when it is.
func (o *outbox) resolveTopics(ctx context.Context, items []*outboxItem) error {
	var ids []string
	for _, it := range items {
		if it.req.inTopic() && it.req.Thread == 0 && it.req.Case != "" {
			ids = append(ids, it.req.Case)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	threads, err := o.db.CaseTopics(ctx, ids)
	if err != nil {
		return err
	}
	for _, it := range items {
		if t, ok := threads[it.req.Case]; ok && it.req.inTopic() && it.req.Thread == 0 {
			it.req.Thread = int(t)
		}
	}
	return nil
}

// enqueue hands committed items (and chats to forget first, and lanes given back) to the
// outbox. If it has stopped they are still in the database and go out after the next start.
func (o *outbox) enqueue(a committedWork) {
	if len(a.items) == 0 && len(a.forget) == 0 && len(a.release) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sched == nil {
		if !o.stopped {
			o.early = append(o.early, a)
		}
		return
	}
	if o.sched.take(a) {
		o.wake()
	}
}

// wake has run's goroutine look again at what may go.
func (o *outbox) wake() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// run sends until ctx ends. Requests already on the wire then finish and their results are
// recorded, so a stop does not send anything twice; nothing else is drained.
func (o *outbox) run(ctx context.Context, pending []*outboxItem) {
	defer close(o.done)
	var wg sync.WaitGroup
	work := make(chan *outboxItem)
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
	commits := make(chan sendResult, 1024)
	wg.Go(func() { o.commit(context.WithoutCancel(ctx), commits) })

	s := &scheduler{o: o, queues: map[string]*chatQueue{}, overall: newBucket(o.lim.Overall, o.now()), commits: commits, topics: map[string]topicMade{}}
	s.insert(pending)
	o.mu.Lock()
	for _, a := range o.early {
		s.take(a)
	}
	o.sched, o.early = s, nil
	o.mu.Unlock()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	sweep := o.now()
	for {
		o.mu.Lock()
		now := o.now()
		wake := s.dispatch(now, work)
		if now.Sub(sweep) > 10*time.Second {
			s.sweep(now)
			sweep = now
		}
		o.mu.Unlock()
		timer.Reset(wake)
		select {
		case it := <-o.results:
			o.mu.Lock()
			s.result(it)
			o.mu.Unlock()
		case <-o.kick:
			// What the committer answered comes with a kick too.
			o.mu.Lock()
			o.handOver(s)
			o.mu.Unlock()
		case <-timer.C:
		case <-ctx.Done():
			o.mu.Lock()
			o.sched, o.stopped = nil, true
			o.mu.Unlock()
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

// take applies work committed elsewhere: lanes given back, chats forgotten, new items. It
// says whether something may go that could not before: a new item, or anything ready once
// a lane given back frees room on the wire.
func (s *scheduler) take(a committedWork) bool {
	s.release(a.release)
	for _, k := range a.forget {
		s.forget(k)
	}
	s.insert(a.items)
	return len(a.items) > 0 || (len(a.release) > 0 && s.ready.Len() > 0)
}

// handOver applies what the committer has answered: erase requests' deletions, topics made,
// and the requests its completions queued. It says whether there was any.
func (o *outbox) handOver(s *scheduler) bool {
	o.erasedMu.Lock()
	es, more, made := o.erased, o.more, o.made
	o.erased, o.more, o.made = nil, nil, nil
	o.erasedMu.Unlock()
	for _, e := range es {
		s.erased(e)
	}
	for _, t := range made {
		s.topicRecorded(t)
	}
	s.insert(more)
	return len(es) > 0 || len(more) > 0 || len(made) > 0
}

// commit records results in batches: one transaction for everything that finished while
// the previous one was being written, and for what was on the wire with it.
func (o *outbox) commit(ctx context.Context, in <-chan sendResult) {
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	defer linger.Stop()
	for c := range in {
		batch := []sendResult{c}
		// A crash (not a stop: a stop records what it sent) between a send and its record
		// sends the message again, and the first copy is not tracked, so never deleted: the
		// record goes at once when nothing else is on the wire. Otherwise it waits for those
		// results, commitLinger at most, as a commit costs more CPU than anything else the
		// bot does per update.
		wait, lingering := c.more, false
	gather:
		for len(batch) < 512 {
			var next sendResult
			var ok bool
			if wait {
				if !lingering {
					linger.Reset(o.linger)
					lingering = true
				}
				select {
				case next, ok = <-in:
				case <-linger.C:
					break gather
				}
			} else {
				// Nothing on the wire: only what has come already goes with it.
				select {
				case next, ok = <-in:
				default:
					break gather
				}
			}
			if !ok {
				break gather
			}
			batch = append(batch, next)
			wait = next.more
		}
		linger.Stop()
		es, more, err := o.record(ctx, batch)
		if err != nil {
			// The rows stay: those messages are sent again after a restart.
			o.log.Error("Recording sent messages failed", "err", err)
		}
		var made []topicRecorded
		for _, c := range batch {
			if c.topic != 0 {
				// Even if recording failed: the topic exists, and its requests may go (a
				// restart would make it again, and send them again).
				made = append(made, topicRecorded{key: c.key, caseID: c.caseID, thread: c.topic})
			}
		}
		if len(es) > 0 || len(more) > 0 || len(made) > 0 {
			o.erasedMu.Lock()
			o.erased = append(o.erased, es...)
			o.more = append(o.more, more...)
			o.made = append(o.made, made...)
			o.erasedMu.Unlock()
			o.wake()
		}
	}
}

// record writes a batch of results in one transaction, answers its erase requests, and
// returns the requests the results queued: a case's answer to a refusal, or the deletion of
// a username that arrived after it was taken back.
func (o *outbox) record(ctx context.Context, batch []sendResult) ([]erasedChat, []*outboxItem, error) {
	var es []erasedChat
	var more []*outboxItem
	var ends []int // for each erase, where its requests end in w
	closed := 0
	err := o.db.Write(ctx, func(tx *store.Tx) error {
		es, ends, more = es[:0], ends[:0], nil
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
		var w batchWrite  // erase requests' deletions, in order
		var wm batchWrite // what other results queued
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
			if c.failed != "" && o.caseFailed != nil {
				if err := o.caseFailed(ctx, tx, c.caseID, c.failed, &wm); err != nil {
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
				es = append(es, erasedChat{key: c.key, gen: c.gen})
				ends = append(ends, len(w.reqs))
			case c.topic != 0:
				if err := tx.SetCaseTopic(ctx, c.caseID, int64(c.topic)); err != nil {
					return err
				}
			case c.share != 0:
				kept, err := tx.RecordShare(ctx, c.caseID, int64(c.share))
				if err != nil {
					return err
				}
				if !kept {
					if err := wm.queue(o.keys, key, request{Kind: kindDelete, Chat: c.chat, Group: true, Delete: []int{c.share}}); err != nil {
						return err
					}
				}
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
		if more, err = wm.flush(ctx, tx); err != nil {
			return err
		}
		closed = wm.closed
		return tx.DeleteOutbox(ctx, ids)
	})
	if err != nil {
		for i := range es {
			es[i] = erasedChat{key: es[i].key, gen: es[i].gen, err: err}
		}
		return es, nil, err
	}
	o.m.HandoffsClosed.Add(float64(closed))
	return es, more, nil
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
