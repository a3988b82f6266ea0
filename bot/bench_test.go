package bot

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/puente-bot/puente/bot/telegramtest"
)

const benchBase = 5000000000 // chat id of the first benchmark person

// benchLimits lift pacing: the fake does not rate-limit, and the benchmark measures how fast
// updates are handled, not Telegram's limits.
var benchLimits = Limits{InFlight: TelegramLimits.InFlight, RetryUnit: time.Second, BackoffMin: 10 * time.Millisecond, BackoffMax: time.Second}

// crowd is n people talking to a bot through the fake: each sends a message and waits for
// the reply before sending the next.
type crowd struct {
	fake    *telegramtest.Server
	people  []telegramtest.User
	replies []chan struct{}
}

func newCrowd(fake *telegramtest.Server, n int) *crowd {
	c := &crowd{fake: fake, people: make([]telegramtest.User, n), replies: make([]chan struct{}, n)}
	for i := range n {
		c.people[i] = telegramtest.User{ID: int64(benchBase + i), FirstName: "P", LanguageCode: "es"}
		c.replies[i] = make(chan struct{}, 16)
	}
	fake.OnSend(func(m telegramtest.Message) {
		if i := m.ChatID - benchBase; i >= 0 && i < int64(n) {
			c.replies[i] <- struct{}{}
		}
	})
	return c
}

// talk makes total messages in all (text each), spread over the people, and waits for every
// reply.
func (c *crowd) talk(tb testing.TB, total int, text string) {
	var wg sync.WaitGroup
	n := len(c.people)
	for i := range n {
		share := total / n
		if i < total%n {
			share++
		}
		wg.Go(func() {
			for range share {
				c.fake.SendText(c.people[i], text)
				select {
				case <-c.replies[i]:
				case <-time.After(time.Minute):
					tb.Errorf("no reply within a minute")
					return
				}
			}
		})
	}
	wg.Wait()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs the timed part and reports updates per second and CPU (bot and fake
// together, as they share the process) per update.
func measure(b *testing.B, c *crowd, text string) {
	b.ResetTimer()
	cpu, start := cpuTime(), time.Now()
	c.talk(b, b.N, text)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/update")
}

// BenchmarkUpdates has 1,000 people talk at once to a bare go-telegram/bot echo bot (library
// defaults, Start) and to puente (durable dedupe, sessions and outbox), against the same fake
// Bot API on loopback. Each update gets one reply.
func BenchmarkUpdates(b *testing.B) {
	const people = 1000
	b.Run("echo", func(b *testing.B) {
		fake := telegramtest.New(b)
		fake.Lean()
		c := newCrowd(fake, people)
		startEcho(b, fake)
		c.talk(b, people, "/start")
		measure(b, c, "/menu")
	})
	b.Run("puente", func(b *testing.B) {
		fake := telegramtest.New(b)
		fake.Lean()
		c := newCrowd(fake, people)
		h := newHarness(b, fake)
		h.cfg.Limits = benchLimits
		startQuiet(h)
		c.talk(b, people, "/start")
		measure(b, c, "/menu")
	})
}

// startEcho runs a bare go-telegram/bot echo bot (library defaults, Start) against fake until
// the benchmark ends: each text message gets one reply.
func startEcho(b testing.TB, fake *telegramtest.Server) {
	b.Helper()
	echo, err := tg.New(fake.Token, tg.WithServerURL(fake.URL),
		tg.WithDefaultHandler(func(ctx context.Context, bot *tg.Bot, u *models.Update) {
			if u.Message != nil {
				bot.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
			}
		}))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		echo.Start(ctx)
	}()
	b.Cleanup(func() {
		cancel()
		<-done
	})
}

// startQuiet is harness.start with logs discarded. The bot stops when the test ends, or
// before when stop is called.
func startQuiet(h *harness) (stop func()) {
	h.t.Helper()
	b, err := New(h.cfg, h.db, h.keys, h.engine, h.cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := b.Prepare(ctx); err != nil {
		h.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx)
	}()
	stop = sync.OnceFunc(func() {
		cancel()
		<-done
	})
	h.t.Cleanup(stop)
	return stop
}

// BenchmarkLiveSessions has 10,000 people start a conversation and reports the heap in use
// afterwards (bot, fake and test together), which must stay under 40 MB.
func BenchmarkLiveSessions(b *testing.B) {
	const people = 10000
	for range b.N {
		run := &scope{TB: b}
		fake := telegramtest.New(run)
		fake.Lean()
		c := newCrowd(fake, people)
		h := newHarness(run, fake)
		h.cfg.Limits = benchLimits
		startQuiet(h)
		c.talk(b, people, "/start")
		b.StopTimer()
		if n := h.count("sessions"); n != people {
			b.Fatalf("sessions = %d, want %d", n, people)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mb := float64(ms.HeapAlloc) / (1 << 20)
		b.ReportMetric(mb, "heap-MB")
		if mb >= 40 {
			b.Errorf("heap with %d live sessions = %.1f MB, want under 40", people, mb)
		}
		run.close()
		b.StartTimer()
	}
}

// scope is a testing.TB whose cleanups run when close is called rather than when the
// benchmark ends. The testing package keeps a benchmark's first run's cleanup functions
// reachable after running them (it shortens the slice that holds them), and with them
// everything they close over: without a scope, the second run of a benchmark in one process
// measures the heap of the first run's bot, fake and people as well as its own.
type scope struct {
	testing.TB
	cleanups []func()
}

func (s *scope) Cleanup(f func()) { s.cleanups = append(s.cleanups, f) }

// close runs the cleanups, last registered first, and lets go of them.
func (s *scope) close() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	s.cleanups = nil
}
