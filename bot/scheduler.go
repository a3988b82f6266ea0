package bot

import (
	"container/heap"
	"errors"
	"time"

	tg "github.com/go-telegram/bot"
)

// chatQueue holds one chat's items in order. At most one of them is on the wire.
type chatQueue struct {
	key     string
	items   []*outboxItem
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

// scheduler is the outbox's state, owned by run's goroutine.
type scheduler struct {
	o        *outbox
	queues   map[string]*chatQueue
	ready    readyHeap
	overall  bucket
	inflight int
	held     int // lanes the intake holds to send at once (claim)
	commits  chan<- sendResult
	topics   map[string]topicMade // by case: topics made lately, for requests still to come
}

// topicMade is a case's topic, as the scheduler learnt it: requests for the case queued
// before its thread was recorded get it here.
type topicMade struct {
	thread int
	at     time.Time
}

// topicMemory is how long the scheduler remembers a topic it saw made: longer than a batch
// that read the case before its thread was recorded takes to queue its requests.
const topicMemory = 10 * time.Minute

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

func (s *scheduler) insert(items []*outboxItem) {
	for _, it := range items {
		q := s.queue(it.key, it.req.Group)
		it.gen = q.gen
		if t, ok := s.topics[it.req.Case]; ok && it.req.inTopic() && it.req.Thread == 0 {
			it.req.Thread = t.thread
		}
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
func (s *scheduler) dispatch(now time.Time, work chan<- *outboxItem) time.Duration {
	for s.ready.Len() > 0 && s.inflight+s.held < max(1, s.o.lim.InFlight) {
		q := s.ready[0]
		if d := q.notBef.Sub(now); d > 0 {
			return d
		}
		it := q.items[0]
		if it.req.inTopic() && it.req.Thread == 0 {
			// Its case's topic request went first and was refused (the case is closed and
			// the person told): without a thread this would land in the group's general chat.
			s.o.log.Warn("A case has no topic; dropping a request for it", "kind", it.req.Kind)
			s.o.m.Dropped.Inc()
			heap.Pop(&s.ready)
			q.pop()
			s.record(sendResult{rowID: it.id, key: it.key})
			s.schedule(q)
			continue
		}
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
			s.record(sendResult{rowID: it.id, key: it.key, forget: true})
			q.pop()
			s.schedule(q)
			continue
		}
		q.busy = true
		if it.req.Kind == kindErase {
			// Every earlier result of this chat is already on its way to the committer,
			// which handles them in order: the erase sees every message sent.
			s.record(sendResult{rowID: it.id, key: it.key, chat: it.req.Chat, erase: true, gen: q.gen})
			continue
		}
		s.inflight++
		work <- it
	}
	if s.ready.Len() > 0 && s.inflight+s.held < max(1, s.o.lim.InFlight) {
		return max(0, s.ready[0].notBef.Sub(now))
	}
	return time.Hour
}

func (s *scheduler) result(it *outboxItem) {
	s.inflight--
	q := s.queues[it.key]
	q.busy = false
	if it.gen != q.gen {
		// The chat was forgotten while this was on the wire: its queue is already replaced.
		// A message that went out is tracked, and the erase queued after it deletes it.
		c := sendResult{rowID: it.id, key: it.key, chat: it.req.Chat}
		if it.err == nil && it.req.Track {
			c.msgID, c.brief = it.msgID, it.req.Brief
		}
		s.record(c)
		s.schedule(q)
		return
	}
	if it.err == nil {
		s.o.m.Requests.WithLabelValues(it.req.Kind).Inc()
		q.pop()
		q.backoff = 0
		c := sendResult{rowID: it.id, key: it.key, chat: it.req.Chat}
		if it.req.Track {
			c.msgID, c.brief = it.msgID, it.req.Brief
		}
		switch {
		case it.req.Kind == kindTopic:
			// The queue waits until the thread is recorded (topicRecorded), so that a
			// caseworker answering the card finds the case by its topic.
			c.caseID, c.topic = it.req.Case, it.msgID
			q.busy = true
			s.record(c)
			return
		case it.req.Share:
			c.caseID, c.share = it.req.Case, it.msgID
		}
		s.record(c)
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
		s.record(sendResult{rowID: it.id, key: it.key, forget: true, caseID: it.req.Case, failed: caseFailure(&it.req)})
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
		s.record(sendResult{rowID: it.id, key: it.key, caseID: it.req.Case, failed: caseFailure(&it.req)})
	default:
		s.o.m.Retries.Inc()
		q.backoff = min(max(2*q.backoff, s.o.lim.BackoffMin), s.o.lim.BackoffMax)
		q.notBef = s.o.now().Add(q.backoff)
	}
	s.schedule(q)
}

// record hands a result to the committer, saying whether other requests are on the wire:
// their results follow within moments, and the committer waits for them to record all in one
// commit.
func (s *scheduler) record(c sendResult) {
	c.more = s.inflight > 0
	s.commits <- c
}

// caseFailure is the kind of request whose refusal its case must answer (see
// outbox.caseFailed), or "".
func caseFailure(r *request) string {
	switch {
	case r.Kind == kindTopic:
		return kindTopic
	case r.Share:
		return kindTopicSend
	}
	return ""
}

// topicRecorded gives the thread of a case's new topic, now recorded, to the requests
// waiting for it, and lets the group's queue go on.
func (s *scheduler) topicRecorded(t topicRecorded) {
	s.topics[t.caseID] = topicMade{thread: t.thread, at: s.o.now()}
	q, ok := s.queues[t.key]
	if !ok {
		return
	}
	q.busy = false
	for _, it := range q.items {
		if it.req.Case == t.caseID && it.req.inTopic() && it.req.Thread == 0 {
			it.req.Thread = t.thread
		}
	}
	s.schedule(q)
}

// erased puts the deletions an erase request produced at the head of the chat's queue, in
// place of the erase request (unless the chat was forgotten again meanwhile).
func (s *scheduler) erased(e erasedChat) {
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
	for id, t := range s.topics {
		if now.Sub(t.at) > topicMemory {
			delete(s.topics, id)
		}
	}
	for k, q := range s.queues {
		if !q.busy && len(q.items) == 0 && q.bucket.full(now) {
			delete(s.queues, k)
		}
	}
}

// outcome is what a failed call means for the outbox.
type outcome int

const (
	outcomeRetry     outcome = iota // network error, 5xx, anything unknown: retry with backoff
	outcomeWait                     // 429: retry after Telegram's retry_after
	outcomeForbidden                // 403: the person blocked the bot, or the bot left the group
	outcomeRefused                  // 400: the request itself is wrong; retrying will not help
)

// classify reads a go-telegram/bot error, with retry_after in seconds. Its text is never
// logged: it can hold response bodies.
func classify(err error) (outcome, int) {
	var tooMany *tg.TooManyRequestsError
	var migrate *tg.MigrateError
	switch {
	case errors.As(err, &tooMany):
		return outcomeWait, tooMany.RetryAfter
	case errors.Is(err, tg.ErrorForbidden):
		return outcomeForbidden, 0
	case errors.Is(err, tg.ErrorBadRequest), errors.As(err, &migrate):
		return outcomeRefused, 0
	}
	return outcomeRetry, 0
}
