package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/puente-bot/puente/metrics"
	"github.com/puente-bot/puente/store"
)

// janitorCap is the longest the janitor sleeps, even with nothing stored: another process
// (puente import, adduser, link) may have written rows that expire, and it does not signal.
const janitorCap = time.Hour

// checkpointAfter is how soon after a write the janitor empties the write-ahead log, so
// that what was forgotten does not stay on disk in it.
const checkpointAfter = 5 * time.Minute

func runServe(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partAll)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente serve [flags]\n\nRuns the volunteers' web page and, with TELEGRAM_BOT_TOKEN, the Telegram bot, until Ctrl-C.\nEvery flag can also be set through the environment variable named in brackets.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, e, args, validate); err != nil {
		return err
	}
	limitMemory(e.getenv)
	// Start-up allocates some 25 MB to keep 3 (the catalogue alone allocates 22). Collecting
	// often while it runs lets what it keeps fill the holes its garbage left, instead of
	// lying one object to a page across the heap for as long as the process runs: at rest
	// the heap's pages hold 0.4 MB less slack, for 30 ms more start-up (BenchmarkServeAtRest,
	// BenchmarkServeStartup). The operator's GOGC is back once start-up is done.
	gcPercent := debug.SetGCPercent(startupGCPercent)
	startedUp := sync.OnceFunc(func() { debug.SetGCPercent(gcPercent) })
	defer startedUp() // a start that fails
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	a.log.Info("Data is kept in " + cfg.DataDir)
	if cfg.BotToken == "" {
		a.log.Info("Telegram is off: set TELEGRAM_BOT_TOKEN to start the bot")
	}

	// One part failing stops the others, so the operator sees the failure instead of a
	// half-running service.
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	watch := func(part string, wait func() error) {
		wg.Go(func() {
			if err := wait(); err != nil {
				err = fmt.Errorf("%s: %w", part, err)
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				stop(err)
			}
		})
	}
	// One engine for the bot and the web preview: what volunteers preview is what people see.
	eng, err := newEngine(cfg, a.dir)
	if err != nil {
		return err
	}
	o := newOps(a, metrics.New())
	waitWeb, err := startWeb(ctx, a, eng, o)
	if err != nil {
		return err
	}
	watch("web page", waitWeb)
	waitMetrics, err := o.startMetrics(ctx)
	if err != nil {
		stop(err)
		wg.Wait()
		return err
	}
	watch("metrics", waitMetrics)
	waitBot, err := startBot(ctx, a, eng, o)
	if err != nil {
		stop(err)
		wg.Wait()
		return err
	}
	watch("bot", waitBot)
	// Start-up parsed every message file, flow, template and the starter directory, and kept
	// only what lookups use: the rest is garbage that would otherwise stay in the process's
	// memory until the runtime's next forced collection (every two minutes) and the slow
	// return of pages to the system after it. Hand it back now, once.
	startedUp()
	debug.FreeOSMemory()
	wg.Go(func() { a.janitor(ctx, o.metrics) })
	wg.Go(func() { a.dir.follow(ctx, a.log) })
	wg.Wait()
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	a.log.Info("Stopped")
	return nil
}

// startupGCPercent is the collector's GOGC while puente serve starts.
const startupGCPercent = 10

// janitor deletes what the retention table (store.Retention) says has been kept long enough,
// and empties the database's write-ahead log of what was forgotten since the last round,
// until ctx ends. It is the one janitor: the bot's sweeps only delete what needs Telegram.
// It sleeps until the next row expires (janitorCap at most), or until checkpointAfter past
// a write, so an idle server is not woken for nothing.
func (a *app) janitor(ctx context.Context, m *metrics.Metrics) {
	rules := store.Retention(store.Periods{SessionIdle: a.cfg.SessionIdle, CaseForget: a.cfg.CaseForget})
	// A row written while the janitor sleeps is kept at least the shortest period, so it
	// never has to wake early for one: sleeping no longer than that forgets none late.
	longest := janitorCap
	for _, r := range rules {
		longest = min(longest, r.Keep)
	}
	timer := time.NewTimer(longest)
	defer timer.Stop()
	for {
		m.JanitorRuns.Inc()
		gone, err := a.db.Prune(ctx, rules)
		if err != nil && ctx.Err() == nil {
			a.log.Error("Forgetting what was kept long enough failed", "err", err)
		}
		for what, n := range gone {
			if n > 0 {
				a.log.Info("Forgot what was kept long enough", "what", what, "count", n)
			}
			m.Forgotten.WithLabelValues(what).Add(float64(n))
		}
		// Every commit before this is in the checkpoint; any later one closes committed.
		committed := a.db.Committed()
		checkpointErr := a.db.Checkpoint(ctx)
		if checkpointErr != nil && ctx.Err() == nil {
			a.log.Warn("Emptying the database's write-ahead log failed; trying again later", "err", checkpointErr)
		}
		sleep, err := janitorSleep(ctx, a.db, rules, longest, time.Now())
		if err != nil && ctx.Err() == nil {
			a.log.Error("Finding when the next row expires failed; trying again later", "err", err)
		}
		if checkpointErr != nil {
			sleep = min(sleep, checkpointAfter)
		}
		timer.Reset(sleep)
		wake := time.Now().Add(sleep)
	sleeping:
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
				break sleeping
			case <-committed:
				committed = nil
				if time.Until(wake) > checkpointAfter {
					timer.Reset(checkpointAfter)
				}
			}
		}
	}
}

// janitorSleep is how long the janitor sleeps at now: until the next row of rules expires,
// or longest when that is later or nothing is stored (or the store cannot say).
func janitorSleep(ctx context.Context, db *store.DB, rules []store.Rule, longest time.Duration, now time.Time) (time.Duration, error) {
	next, ok, err := db.NextExpiry(ctx, rules)
	if err != nil || !ok {
		return longest, err
	}
	return min(max(next.Sub(now), 0), longest), nil
}
