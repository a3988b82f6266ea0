// Package bot runs puente on Telegram: it takes updates in (long polling or a webhook) at
// least once and in order per chat, hands them to the conversation engine, and sends the
// replies through a persistent, paced outbox. It keeps chat ids only as lookup HMACs and
// sealed values, and never logs who anyone is or what they wrote.
package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/metrics"
	"github.com/puente-bot/puente/store"
)

// MaxDeleteAfter is the longest DeleteAfter: Telegram lets bots delete messages in private
// chats only within 48 hours, and the hour under that lets a deletion, found by a sweep and
// sent through the paced outbox, still reach Telegram in time.
const MaxDeleteAfter = 47 * time.Hour

// DefaultCaseIdle is how long a case stays open without messages when Config.CaseIdle is zero.
const DefaultCaseIdle = 14 * 24 * time.Hour

// Config is the bot's configuration, resolved and validated by its caller.
type Config struct {
	Token         string        // the bot's token from @BotFather
	APIURL        string        // the Bot API server, without a trailing slash
	WebhookURL    string        // where Telegram sends updates; long polling when empty
	WebhookSecret string        // the secret Telegram sends with each webhook request
	DeleteAfter   time.Duration // messages are deleted after this long; at most MaxDeleteAfter

	PollTimeout time.Duration // long-poll wait asked of Telegram; 50 s when zero
	SweepEvery  time.Duration // how often old messages are deleted; a minute when zero
	// ExitNoteFor is how long the note left after /exit stays before it deletes itself; ten
	// minutes when zero, and never longer than DeleteAfter.
	ExitNoteFor time.Duration
	Limits      Limits // TelegramLimits when zero
	Now         func() time.Time

	// Referral says whether a flow node shows the referral list, for the anonymous counts.
	Referral func(node string) bool

	// Handoff: the listings a person may be handed to (nil: handoff is unavailable), and
	// how long a case may stay idle (the janitor forgets closed cases: store.Retention).
	Directory Directory
	CaseIdle  time.Duration // DefaultCaseIdle when zero

	// Metrics counts updates, requests and cases for /metrics; a set nobody reads when nil.
	Metrics *metrics.Metrics
}

// Bot is puente on Telegram.
type Bot struct {
	cfg     Config
	db      *store.DB
	keys    *store.Keys
	engine  Engine
	cat     *locales.Catalog
	log     *slog.Logger
	api     *api
	out     *outbox
	hooks   chan submission // webhook updates waiting for the batcher
	handoff *handoffMemory  // what handoff keeps in memory
	stopped chan struct{}   // closed when Run has returned
	pending []*outboxItem   // what Prepare found in the outbox
	polled  atomic.Int64    // when long polling last heard from Telegram (Unix seconds)
	me      atomic.Int64    // the bot's own user id, read once at the start (0: not known yet)
	// handled is the highest update id recorded as handled, as far as this process knows
	// (math.MaxInt64 until Prepare has read it): an update above it is new without asking the
	// database, which at a real rate is every update.
	handled atomic.Int64
	// firstOff stops replies going before their batch commits (first.go) after a batch's
	// transaction failed, until one succeeds.
	firstOff atomic.Bool
}

// New prepares the bot; Run starts it.
func New(cfg Config, db *store.DB, keys *store.Keys, engine Engine, cat *locales.Catalog, log *slog.Logger) (*Bot, error) {
	if cfg.Token == "" {
		return nil, errors.New("start the bot: no token")
	}
	if cfg.DeleteAfter <= 0 || cfg.DeleteAfter > MaxDeleteAfter {
		return nil, fmt.Errorf("start the bot: DeleteAfter %s is not between 0 and %s, because Telegram lets bots delete messages only for 48h", cfg.DeleteAfter, MaxDeleteAfter)
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = time.Minute
	}
	if cfg.ExitNoteFor <= 0 {
		cfg.ExitNoteFor = 10 * time.Minute
	}
	cfg.ExitNoteFor = min(cfg.ExitNoteFor, cfg.DeleteAfter)
	if cfg.Limits == (Limits{}) {
		cfg.Limits = TelegramLimits
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CaseIdle <= 0 {
		cfg.CaseIdle = DefaultCaseIdle
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	a, err := newAPI(cfg.APIURL, cfg.Token, cfg.PollTimeout)
	if err != nil {
		return nil, err
	}
	b := &Bot{
		cfg: cfg, db: db.WithClock(cfg.Now), keys: keys, engine: engine, log: log, api: a,
		cat:   cat,
		hooks: make(chan submission), stopped: make(chan struct{}),
	}
	b.handled.Store(math.MaxInt64)
	b.out = newOutbox(db, keys, a, cfg.Limits, log, cfg.Now, cfg.Metrics)
	b.out.deleteAfter, b.out.briefFor = cfg.DeleteAfter, cfg.ExitNoteFor
	b.out.caseFailed = b.caseFailedTx
	b.handoff = newHandoff(cfg.Limits.GroupChat)
	return b, nil
}

// Prepare reads what an earlier run left in the outbox and sets the bot up on Telegram. It
// fails if Telegram refuses the token. Run may follow.
func (b *Bot) Prepare(ctx context.Context) error {
	pending, err := b.out.load(ctx)
	if err != nil {
		return err
	}
	last, err := b.db.LastUpdate(ctx)
	if err != nil {
		return err
	}
	b.handled.Store(last)
	if err := b.setup(ctx); err != nil {
		return err
	}
	b.readMe(ctx)
	b.pending = pending
	return nil
}

// readMe reads the bot's own user id, which /link needs, once. If Telegram cannot say now,
// the first /link asks again.
func (b *Bot) readMe(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	me, err := b.api.tg.GetMe(ctx)
	if err != nil {
		b.log.Warn("Could not read the bot's own id; /link will ask again")
		return
	}
	b.me.Store(me.ID)
}

// Run runs the bot until ctx ends: outbox, intake, and the sweep of old messages. It returns
// once everything it started has stopped. Prepare must have succeeded first.
func (b *Bot) Run(ctx context.Context) {
	defer close(b.stopped)
	var wg sync.WaitGroup
	wg.Go(func() { b.out.run(ctx, b.pending) })
	wg.Go(func() { b.every(ctx, "Deleting old messages failed", b.sweepOnce) })
	wg.Go(func() { b.every(ctx, "Closing idle cases failed", b.sweepCasesOnce) })
	if b.cfg.WebhookURL != "" {
		wg.Go(func() { b.batch(ctx) })
	} else {
		wg.Go(func() { b.poll(ctx) })
	}
	wg.Wait()
}

// Ready says whether the bot is taking updates: Run has not stopped, and in long polling
// Telegram answered within two poll timeouts (a webhook's updates come when they come).
func (b *Bot) Ready() error {
	select {
	case <-b.stopped:
		return errors.New("the bot has stopped")
	default:
	}
	if b.cfg.WebhookURL != "" {
		return nil
	}
	last := b.polled.Load()
	if last == 0 {
		return errors.New("the bot is not polling yet")
	}
	if age := b.cfg.Now().Sub(time.Unix(last, 0)); age > 2*b.cfg.PollTimeout+30*time.Second {
		return fmt.Errorf("no answer from Telegram for %s", age.Round(time.Second))
	}
	return nil
}

// poll is the long-polling intake: it confirms a batch (by asking for the next offset) only
// after the batch was handled and committed, so Telegram keeps what a crash interrupted.
// After a restart it asks without an offset: Telegram then sends every unconfirmed update.
func (b *Bot) poll(ctx context.Context) {
	var offset int64
	var wait time.Duration
	b.polled.Store(b.cfg.Now().Unix())
	for {
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		updates, err := b.api.getUpdates(ctx, offset)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			b.cfg.Metrics.Retries.Inc()
			wait = b.backoff(wait, err)
			b.log.Warn("Fetching updates failed; retrying", "wait", wait, "err", err)
			continue
		}
		wait = 0
		b.polled.Store(b.cfg.Now().Unix())
		if len(updates) == 0 {
			continue
		}
		if err := b.handle(ctx, updates); err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = b.backoff(wait, err)
			b.log.Error("Handling updates failed; they will come again", "err", err)
			continue
		}
		offset = updates[len(updates)-1].ID + 1
	}
}

// backoff is the wait before trying again after err: Telegram's retry_after, else doubling.
func (b *Bot) backoff(prev time.Duration, err error) time.Duration {
	if out, after := classify(err); out == outcomeWait {
		return time.Duration(max(1, after)) * b.cfg.Limits.RetryUnit
	}
	return min(max(2*prev, b.cfg.Limits.BackoffMin), b.cfg.Limits.BackoffMax)
}

// job is one chat's share of a batch of updates, handled in order.
type job struct {
	key        []byte
	chat       int64
	ins        []incoming
	group      bool
	hadSession bool    // a session existed before the batch
	sess       session // after the batch
	reqs       []request
	track      []int // the person's messages to delete later
	exit       bool  // the person left: erase the conversation, forget the session
	forget     bool  // the person blocked the bot
	counted    []counted
	sealed     presealed  // rows sealed in the parallel phase, so the transaction only writes
	handoff    handoffJob // what the job does to cases and links
	sent       []int      // the first len(sent) reqs went before the commit: the message ids they made
}

// handle handles a batch of updates: each chat in order, chats in parallel, and everything
// they change committed in one transaction together with their update ids.
func (b *Bot) handle(ctx context.Context, updates []models.Update) error {
	// The store's calls run to their end even when ctx ends: the driver runs a statement that
	// a context could cancel on a goroutine of its own, and database/sql watches each such
	// query from another, several goroutines and wakeups per update for the milliseconds of
	// work a batch is, which is better committed at a stop than handled again after it.
	sctx := context.WithoutCancel(ctx)
	// Only an id at or below the highest one recorded can have been handled before: after a
	// restart, or when Telegram sends a webhook update again.
	handled := b.handled.Load()
	var maybe []int64
	for _, u := range updates {
		if u.ID <= handled {
			maybe = append(maybe, u.ID)
		}
	}
	seen, err := b.db.SeenUpdates(sctx, maybe)
	if err != nil {
		return err
	}
	var jobs []*job
	byChat := map[int64]*job{}
	fresh := make([]int64, 0, len(updates))
	slices.SortStableFunc(updates, func(x, y models.Update) int { return cmp.Compare(x.ID, y.ID) })
	for i := range updates {
		u := &updates[i]
		if seen[u.ID] {
			continue
		}
		seen[u.ID] = true
		fresh = append(fresh, u.ID)
		in, ok := b.safeRead(u)
		if !ok || in.kind == inNone {
			continue
		}
		j, ok := byChat[in.chat]
		if !ok {
			j = &job{key: b.keys.Lookup("telegram", strconv.FormatInt(in.chat, 10)), chat: in.chat, group: in.kind == inStranger}
			byChat[in.chat] = j
			jobs = append(jobs, j)
		}
		j.ins = append(j.ins, in)
	}
	if len(fresh) == 0 {
		return nil
	}
	keys := make([][]byte, 0, len(jobs))
	for _, j := range jobs {
		if !j.group {
			keys = append(keys, j.key)
		}
	}
	sealed, err := b.db.SessionsIn(sctx, keys)
	if err != nil {
		return err
	}
	cases, err := b.db.OpenCasesOf(sctx, keys)
	if err != nil {
		return err
	}
	b.readAdmins(ctx, jobs)
	if err := b.run(ctx, jobs, sealed, cases); err != nil {
		return err
	}
	held := b.sendFirst(ctx, jobs)
	var items []*outboxItem
	var forget []string
	var w batchWrite
	err = b.db.Write(sctx, func(tx *store.Tx) error {
		items, forget, w = items[:0], forget[:0], batchWrite{}
		if err := tx.MarkUpdates(sctx, fresh); err != nil {
			return err
		}
		for _, j := range jobs {
			if err := b.commitJob(sctx, tx, j, &w); err != nil {
				return err
			}
			if j.exit || j.forget {
				forget = append(forget, string(j.key))
			}
		}
		var err error
		items, err = w.flush(sctx, tx)
		return err
	})
	if err != nil {
		b.undoFirst(jobs, held)
		return err
	}
	b.firstOff.Store(false)
	if last := slices.Max(fresh); last > handled {
		b.handled.CompareAndSwap(handled, last)
	}
	b.cfg.Metrics.UpdatesHandled.Add(float64(len(fresh)))
	b.countCases(jobs, &w)
	b.out.enqueue(committedWork{forget: forget, items: items, release: held})
	return nil
}

// safeRead reads an update, treating one that makes the reader panic as needing nothing:
// its id is still recorded, so it cannot block the ones after it.
func (b *Bot) safeRead(u *models.Update) (in incoming, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("Unreadable update skipped", "update_id", u.ID)
			ok = false
		}
	}()
	return read(u), true
}

// run works out every job's effects, in parallel across chats. Handoff reads cases on the
// way, so a job can fail; the batch then comes again. It asks Telegram nothing.
func (b *Bot) run(ctx context.Context, jobs []*job, sealed map[string][]byte, cases map[string]store.Case) error {
	if len(jobs) == 1 {
		// At a real rate a batch is one person's update: another goroutine would only add a
		// wakeup.
		return b.runJob(ctx, jobs[0], sealed[string(jobs[0].key)], cases)
	}
	// Jobs wait on the database as much as they compute: run more than there are CPUs.
	sem := make(chan struct{}, 4*runtime.GOMAXPROCS(0))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = b.runJob(ctx, j, sealed[string(j.key)], cases)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (b *Bot) runJob(ctx context.Context, j *job, sealed []byte, cases map[string]store.Case) error {
	if j.group {
		// A group or channel: only a linked organisation's group may keep the bot.
		return b.safeGroup(ctx, j)
	}
	if sealed != nil {
		j.hadSession = true
		// A session that does not open (the secret changed) starts over.
		j.sess, _ = b.openSession(sealed, j.key)
	}
	if err := b.loadCase(ctx, j, cases); err != nil {
		return err
	}
	for _, in := range j.ins {
		b.step(ctx, j, in)
	}
	return b.preseal(j)
}

// safeGroup is runGroup with a panic recovered: the group's updates in this batch are then
// left unanswered, and their ids are still recorded, so one update cannot stop the intake at
// every start.
func (b *Bot) safeGroup(ctx context.Context, j *job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("Handling a group update panicked", "panic", fmt.Sprintf("%T", r))
			j.reqs, j.handoff, err = nil, handoffJob{}, nil
		}
	}()
	return b.runGroup(ctx, j)
}

// presealed holds a job's rows sealed ahead of the batch's transaction: sealing is the
// costly part of writing them, and it runs in parallel here rather than while holding the
// database's one writer.
type presealed struct {
	session []byte   // nil for an empty session
	chat    []byte   // the sealed chat id, for tracked messages
	reqs    [][]byte // j.reqs[i], sealed; nil for one that may go before the commit
}

func (b *Bot) preseal(j *job) error {
	if !j.sess.empty() {
		plain, err := json.Marshal(j.sess)
		if err != nil {
			return fmt.Errorf("encode session: %w", err)
		}
		j.sealed.session = b.keys.Seal(plain, j.key)
	}
	if len(j.track) > 0 {
		j.sealed.chat = b.keys.Seal(chatBytes(j.chat), j.key)
	}
	// What may go before the commit is sealed in the transaction if it does not.
	first := 0
	if !b.firstOff.Load() {
		first = j.firstable()
	}
	j.sealed.reqs = make([][]byte, len(j.reqs))
	for i, r := range j.reqs {
		if i < first {
			continue
		}
		plain, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		j.sealed.reqs[i] = b.keys.Seal(plain, j.key)
	}
	return nil
}

// step handles one thing the person did. A panic here is recovered: the person is told
// something went wrong, and their session is left as it was.
func (b *Bot) step(ctx context.Context, j *job, in incoming) {
	before := j.sess
	nreqs := len(j.reqs)
	ntrack := len(j.track)
	hBefore := j.handoff // its slices only grow, so the copy undoes what the step added
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("Handling an update panicked", "panic", fmt.Sprintf("%T", r))
			j.sess, j.reqs, j.track, j.handoff = before, j.reqs[:nreqs], j.track[:ntrack], hBefore
			if in.callback != "" {
				j.reqs = append(j.reqs, request{Kind: kindAnswer, Chat: j.chat, Callback: in.callback})
			}
			if in.msgID != 0 && in.kind != inButton {
				j.track = append(j.track, in.msgID)
			}
			lang := b.cat.Speaking(before.Flow.Lang, in.hint)
			j.reqs = append(j.reqs, request{Kind: kindSend, Chat: j.chat, Text: b.cat.Text(lang, "ui.notice.error", nil), Silent: before.Silent, Track: true})
		}
	}()
	if in.kind == inBlocked {
		// The outbox forgets the chat's messages when it reaches this request: after every
		// result before it is recorded, so none comes back after the forgetting.
		j.forget, j.track, j.sess = true, nil, session{}
		j.reqs = []request{{Kind: kindForget, Chat: j.chat}}
		b.personGone(j, closedBlocked)
		return
	}
	j.forget = false
	if in.callback != "" {
		j.reqs = append(j.reqs, request{Kind: kindAnswer, Chat: j.chat, Callback: in.callback})
	}
	if in.msgID != 0 && in.kind != inButton {
		j.track = append(j.track, in.msgID)
	}
	lang := b.cat.Speaking(j.sess.Flow.Lang, in.hint)
	send := func(id string) {
		j.reqs = append(j.reqs, request{Kind: kindSend, Chat: j.chat, Text: b.cat.Text(lang, id, nil), Silent: j.sess.Silent, Track: true})
	}
	if b.handoffStep(j, in, lang) {
		return
	}
	ev := flows.Event{LangHint: in.hint, Now: b.cfg.Now(), Case: b.caseFor(j.handoff.openCase), Username: in.username}
	if b.cfg.Directory != nil && j.handoff.links != nil {
		ev.Takers = takers{dir: b.cfg.Directory, links: j.handoff.links}
	}
	switch in.kind {
	case inMedia:
		if j.handoff.openCase == nil {
			send("bot.input.media")
			return
		}
		ev.Kind, ev.File = flows.EventFile, in.msgID
	case inPersonal:
		send("bot.input.personal")
		return
	case inText:
		if c, _ := b.cat.Command(in.text); c == "silent" {
			j.sess.Silent = !j.sess.Silent
			if j.sess.Silent {
				send("bot.silent.on")
			} else {
				send("bot.silent.off")
			}
			return
		}
		ev.Kind, ev.Text = flows.EventText, in.text
	case inButton:
		ev.Kind, ev.Token = flows.EventButton, in.token
	}
	next, out := b.engine.Step(j.sess.Flow, ev)
	j.counted = append(j.counted, countsFor(j.sess.Flow, next, b.cfg.Referral)...)
	if out.Exit {
		j.exit = true
		b.personGone(j, closedExit)
		var kept []request
		for _, r := range j.reqs {
			if r.Kind == kindAnswer {
				kept = append(kept, r)
			}
		}
		// The outbox erases when it reaches this request: after everything sent before it,
		// so every message sent so far is known and deleted. The closing note is tracked
		// briefly, only so that it deletes itself after ExitNoteFor (and a second exit within
		// that time deletes it with the rest): nothing else about the person is kept.
		j.reqs = append(kept, request{Kind: kindErase, Chat: j.chat})
		for _, r := range replyRequests(j.chat, out.Replies, 0, false, true) {
			r.Brief = true
			j.reqs = append(j.reqs, r)
		}
		j.sess = session{}
		return
	}
	j.sess.Flow = next
	editID := 0
	if in.kind == inButton && !out.Fresh {
		editID = in.msgID
	}
	j.reqs = append(j.reqs, replyRequests(j.chat, out.Replies, editID, j.sess.Silent, true)...)
	switch {
	case out.Open != "":
		b.openCase(ctx, j, out.Open, lang)
	case out.SendFile != 0:
		b.relayFromPerson(j, out.SendFile, lang)
	case out.Rate != nil:
		j.handoff.rated = append(j.handoff.rated, rating{caseID: out.Rate.Case, helpful: out.Rate.Helpful})
	case out.Share && j.handoff.openCase != nil:
		b.share(j, in.username, lang)
	case out.Unshare && j.handoff.openCase != nil:
		b.unshare(j)
	case out.End && j.handoff.openCase != nil:
		b.endCase(j, *j.handoff.openCase, j.handoff.group, closedByPerson)
		j.handoff.openCase = nil
	}
}

// batchWrite gathers a batch's rows so they are written in a few statements.
type batchWrite struct {
	sessions []store.SessionRow
	tracked  []store.TrackedMessage
	outbox   []store.OutboxRow
	reqs     []request
	closed   int // cases the batch closed, counted once it is committed
}

// countCases counts the cases a committed batch opened and closed.
func (b *Bot) countCases(jobs []*job, w *batchWrite) {
	for _, j := range jobs {
		b.cfg.Metrics.HandoffsOpened.Add(float64(len(j.handoff.opened)))
	}
	b.cfg.Metrics.HandoffsClosed.Add(float64(w.closed))
}

// flush writes the gathered rows and returns the outbox items, in queue order.
func (w *batchWrite) flush(ctx context.Context, tx *store.Tx) ([]*outboxItem, error) {
	now := tx.Now()
	if err := tx.PutSessions(ctx, w.sessions); err != nil {
		return nil, err
	}
	if err := tx.TrackMessages(ctx, w.tracked, now); err != nil {
		return nil, err
	}
	ids, err := tx.EnqueueAll(ctx, w.outbox)
	if err != nil {
		return nil, err
	}
	items := make([]*outboxItem, len(ids))
	for i, id := range ids {
		items[i] = &outboxItem{id: id, key: string(w.outbox[i].ChatKey), req: w.reqs[i]}
	}
	return items, nil
}

// commit runs fn in one write transaction with a batch of its own (fresh on every attempt),
// writes the batch's rows with it, and hands the outbox what to send once it has committed.
// It returns the committed batch.
func (b *Bot) commit(ctx context.Context, fn func(tx *store.Tx, w *batchWrite) error) (*batchWrite, error) {
	var w *batchWrite
	var items []*outboxItem
	err := b.db.Write(ctx, func(tx *store.Tx) error {
		w = &batchWrite{}
		if err := fn(tx, w); err != nil {
			return err
		}
		var err error
		items, err = w.flush(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	b.out.enqueue(committedWork{items: items})
	return w, nil
}

// queue seals r for the chat under key and adds it to the batch.
func (w *batchWrite) queue(keys *store.Keys, key []byte, r request) error {
	plain, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	w.add(key, keys.Seal(plain, key), r)
	return nil
}

// add adds r, already sealed, to the batch.
func (w *batchWrite) add(key, sealed []byte, r request) {
	w.outbox = append(w.outbox, store.OutboxRow{ChatKey: key, Request: sealed})
	w.reqs = append(w.reqs, r)
}

// commitJob writes what one chat changed, inside the batch's transaction: the rare changes
// (exit, forgetting) at once, the rest gathered in w.
func (b *Bot) commitJob(ctx context.Context, tx *store.Tx, j *job, w *batchWrite) error {
	now := tx.Now()
	if err := b.commitHandoff(ctx, tx, j, w); err != nil {
		return err
	}
	if j.forget || j.exit {
		if err := b.unshareClosedTx(ctx, tx, j, w); err != nil {
			return err
		}
	}
	if j.forget {
		if err := tx.ForgetPerson(ctx, j.key); err != nil {
			return err
		}
		for _, r := range j.reqs {
			if err := w.queue(b.keys, j.key, r); err != nil {
				return err
			}
		}
		return nil
	}
	if j.exit {
		// Waiting requests are dropped (the outbox is told too); the messages go with the
		// erase request, and the session and whose cases were whose now (a closed case keeps
		// its person only for the rating, which the erase takes away).
		if err := tx.ForgetPerson(ctx, j.key); err != nil {
			return err
		}
	}
	if !j.group {
		if j.sess.empty() {
			if j.hadSession && !j.exit {
				if err := tx.DeleteSession(ctx, j.key); err != nil {
					return err
				}
			}
		} else {
			w.sessions = append(w.sessions, store.SessionRow{Key: j.key, State: j.sealed.session})
		}
		for _, id := range j.track {
			w.tracked = append(w.tracked, store.TrackedMessage{ChatKey: j.key, Chat: j.sealed.chat, MessageID: int64(id)})
		}
	}
	for _, c := range j.counted {
		if err := tx.Count(ctx, store.Week(now), c.lang, c.need, c.event); err != nil {
			// A count is not worth losing the conversation for.
			b.log.Warn("Counting failed", "event", c.event, "err", err)
		}
	}
	for i, r := range j.reqs {
		if i < len(j.sent) {
			// It went before the commit (first.go): only its message is recorded.
			if r.Track && j.sent[i] != 0 {
				w.tracked = append(w.tracked, store.TrackedMessage{ChatKey: j.key, Chat: j.sealed.chat, MessageID: int64(j.sent[i])})
			}
			continue
		}
		if i < len(j.sealed.reqs) && j.sealed.reqs[i] != nil {
			w.add(j.key, j.sealed.reqs[i], r)
			continue
		}
		// Added while committing (handoff), or it could have gone first and did not: sealed now.
		if err := w.queue(b.keys, j.key, r); err != nil {
			return err
		}
	}
	return nil
}
