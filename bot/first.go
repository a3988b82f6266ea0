package bot

import (
	"context"
	"sync"
	"time"
)

// A person's replies that may go at once go before their update is committed, and the batch's
// own transaction records them: one commit an update instead of two (the intake's, then the
// outbox's record of the send), and no hop through the outbox's goroutines. They go at once
// only through the outbox's pacing: when the chat has nothing queued or on the wire and its
// budget and the overall one have room for all of them (outbox.claim). What does not go (a
// refusal, a network error, a 429) is committed as outbox rows as before, after what went, so
// a chat's order holds, and the outbox retries it.
//
// A crash can do what it could before: one between a send and the commit that records it
// sends the reply again after a restart (Telegram gives the update again, as it was not
// confirmed), with the first copy untracked; before, the same window lay between the send and
// the outbox's record of it. A stop finishes the sends and commits them. If the commit fails,
// what went is deleted again through the outbox, and nothing goes first until a commit
// succeeds: the update comes again and is answered once more.

// firstTimeout bounds a request sent at once: the intake waits for it.
const firstTimeout = 10 * time.Second

// firstLane is one chat's replies offered to go at once: the chat's key and how many of them
// count against Telegram's limits.
type firstLane struct {
	key   string
	paced int
}

// firstable is how many of a job's requests, from the first, may go before the batch
// commits: answers, sends and edits in the person's own chat. A job that leaves, is
// forgotten or changes a case goes through the outbox whole: its requests must wait for what
// the transaction decides.
func (j *job) firstable() int {
	if j.group || j.exit || j.forget || !j.handoff.quiet() {
		return 0
	}
	n := 0
	for _, r := range j.reqs {
		if r.Group || r.Chat != j.chat || r.Brief || (r.Kind != kindSend && r.Kind != kindEdit && r.Kind != kindAnswer) {
			break
		}
		n++
	}
	return n
}

// quiet says whether the job leaves cases and links as they are.
func (h *handoffJob) quiet() bool {
	return len(h.opened) == 0 && len(h.touched) == 0 && len(h.closes) == 0 && len(h.rated) == 0 &&
		len(h.out) == 0 && h.linkCode == "" && h.unlink == "" && len(h.shared) == 0 && len(h.unshare) == 0
}

// sendFirst sends at once what may go of each job's replies and returns the chats whose
// lanes it holds: the outbox gets them back with the batch's work (enqueue), or with undoFirst.
func (b *Bot) sendFirst(ctx context.Context, jobs []*job) []string {
	if b.firstOff.Load() {
		return nil
	}
	var lanes []firstLane
	var asked []*job
	var counts []int
	for _, j := range jobs {
		n := j.firstable()
		if n == 0 {
			continue
		}
		paced := 0
		for _, r := range j.reqs[:n] {
			if r.paced() {
				paced++
			}
		}
		lanes = append(lanes, firstLane{key: string(j.key), paced: paced})
		asked = append(asked, j)
		counts = append(counts, n)
	}
	if len(lanes) == 0 {
		return nil
	}
	// The outbox lends no more lanes than InFlight allows: each may have a goroutine.
	given := b.out.claim(lanes)
	var held []string
	var wg sync.WaitGroup
	for i, j := range asked {
		if !given[i] {
			continue
		}
		held = append(held, lanes[i].key)
		if len(held) == 1 && i == len(asked)-1 {
			// At a real rate a batch is one person's update: no goroutine for it.
			b.sendJob(ctx, j, counts[i])
			continue
		}
		wg.Go(func() { b.sendJob(ctx, j, counts[i]) })
	}
	wg.Wait()
	return held
}

// sendJob sends a job's first n requests and seals its chat id if a message it sent is to be
// tracked.
func (b *Bot) sendJob(ctx context.Context, j *job, n int) {
	j.sent = b.out.sendNow(ctx, j.reqs[:n])
	for i, id := range j.sent {
		if j.reqs[i].Track && id != 0 && j.sealed.chat == nil {
			j.sealed.chat = b.keys.Seal(chatBytes(j.chat), j.key)
		}
	}
}

// undoFirst follows a batch whose transaction failed after replies went at once: it gives the
// lanes back, has the outbox delete the messages that went (they are recorded nowhere, and
// the updates come again), and stops sending at once until a commit succeeds.
func (b *Bot) undoFirst(jobs []*job, held []string) {
	if len(held) == 0 {
		return
	}
	b.firstOff.Store(true)
	var items []*outboxItem
	for _, j := range jobs {
		var ids []int
		for i, id := range j.sent {
			if j.reqs[i].Track && id != 0 {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			items = append(items, &outboxItem{key: string(j.key), req: request{Kind: kindDelete, Chat: j.chat, Delete: ids}})
		}
		j.sent = nil
	}
	b.out.enqueue(committedWork{release: held, items: items})
}

// claim says which lanes may send at once; none while the outbox is not running. A lane is
// free only if nothing is queued for it: what was committed before is in the queues already
// (enqueue), and what the committer has answered is taken in first.
func (o *outbox) claim(lanes []firstLane) []bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.sched
	if s == nil {
		return make([]bool, len(lanes))
	}
	if o.handOver(s) {
		o.wake()
	}
	return s.claim(o.now(), lanes)
}

// sendNow sends a claimed lane's requests in order from the caller's goroutine. It returns
// the message id each request that went made (0 for none), and stops at the first that
// failed but may yet go: it and those after it go through the queue, which retries, waits or
// forgets as the failure says. A refusal is dropped as the queue drops it; a refused edit
// goes through the queue as a new message. A stop lets the requests finish, as on the
// outbox's own wire.
func (o *outbox) sendNow(ctx context.Context, reqs []request) []int {
	ids := make([]int, 0, len(reqs))
	for i := range reqs {
		r := &reqs[i]
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), firstTimeout)
		id, err := o.api.do(cctx, r)
		cancel()
		if err == nil {
			o.m.Requests.WithLabelValues(r.Kind).Inc()
			ids = append(ids, id)
			continue
		}
		if out, _ := classify(err); out == outcomeRefused {
			if r.Kind == kindEdit {
				r.Kind, r.MessageID, r.Track = kindSend, 0, true
				break
			}
			o.log.Warn("Telegram refused a request; dropping it", "kind", r.Kind)
			o.m.Dropped.Inc()
			ids = append(ids, 0)
			continue
		}
		break
	}
	return ids
}

// claim gives each lane that may send now, with its budget taken: the chat has nothing queued
// or on the wire and nothing to wait for, and the requests on the wire and held stay within
// InFlight. A lane given stays busy until release.
func (s *scheduler) claim(now time.Time, lanes []firstLane) []bool {
	given := make([]bool, len(lanes))
	for i, l := range lanes {
		if s.inflight+s.held >= max(1, s.o.lim.InFlight) {
			break
		}
		q := s.queue(l.key, false)
		if q.busy || len(q.items) > 0 || now.Before(q.notBef) || !q.bucket.room(now, l.paced) || !s.overall.room(now, l.paced) {
			continue
		}
		q.bucket.takeN(l.paced)
		s.overall.takeN(l.paced)
		q.busy = true
		s.held++
		given[i] = true
	}
	return given
}

// release gives lanes back: what was queued for them meanwhile may go.
func (s *scheduler) release(keys []string) {
	for _, k := range keys {
		s.held--
		// A busy queue is never swept, so it is there.
		if q, ok := s.queues[k]; ok {
			q.busy = false
			s.schedule(q)
		}
	}
}
