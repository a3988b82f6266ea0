package bot

import (
	"bufio"
	"flag"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// pacedCount is how many people BenchmarkPaced has write to each bot, one message each.
var pacedCount = flag.Int("paced.count", 600, "people (one update each) BenchmarkPaced sends to each bot at 20 a second")

// pacedLive is how many people each bot has talked to before BenchmarkPaced starts: their
// conversations are under way (for puente: their sessions are in its database) while it runs.
var pacedLive = flag.Int("paced.live", 0, "people who start a conversation with each bot, unpaced, before BenchmarkPaced sends")

// pacedRate is the rate BenchmarkPaced sends at: a busy bot's real load, under Telegram's 30 a
// second, unlike BenchmarkUpdates, which measures how fast updates can be handled at all.
const pacedRate = 20

// BenchmarkPaced sends one message a person from *pacedCount new people at 20 a second, to a
// bare go-telegram/bot echo bot and to puente with Telegram's own pacing, and reports CPU per
// update (bot, fake Bot API and driver together: the same driver and fake for both), the time
// from an update's arrival at the fake to the bot's first reply (p50, p99), and the heap and
// resident memory of the test process after a collection, and its peak resident memory while
// sending. With -paced.live=N, N other people start a conversation first.
//
//	go test -run '^$' -bench Paced -benchtime 1x -count 3 ./bot/
//	go test -run '^$' -bench Paced/puente -benchtime 1x ./bot/ -args -paced.live=10000
func BenchmarkPaced(b *testing.B) {
	first := benchBase + int64(*pacedLive)
	next := func() int64 {
		f := first
		first += int64(*pacedCount)
		return f
	}
	b.Run("echo", func(b *testing.B) {
		run := &scope{TB: b}
		defer run.close()
		fake := telegramtest.New(run)
		fake.Lean()
		startEcho(run, fake)
		if *pacedLive > 0 {
			newCrowd(fake, *pacedLive).talk(b, *pacedLive, "/start")
		}
		for range b.N {
			drivePaced(b, fake, next())
		}
	})
	b.Run("puente", func(b *testing.B) {
		run := &scope{TB: b}
		defer run.close()
		fake := telegramtest.New(run)
		fake.Lean()
		h := newHarness(run, fake)
		if *pacedLive > 0 {
			// Unpaced, then stopped: at Telegram's 30 messages a second the first replies
			// alone would take minutes.
			h.cfg.Limits = benchLimits
			stop := startQuiet(h)
			newCrowd(fake, *pacedLive).talk(b, *pacedLive, "/start")
			stop()
			if n := h.count("sessions"); n != *pacedLive {
				b.Fatalf("sessions = %d, want %d", n, *pacedLive)
			}
		}
		h.cfg.Limits = TelegramLimits
		startQuiet(h)
		for range b.N {
			drivePaced(b, fake, next())
		}
	})
}

// drivePaced sends "/start" from *pacedCount people, ids from first on, at pacedRate, waits
// for every person's first reply, and reports the figures.
func drivePaced(b *testing.B, fake *telegramtest.Server, first int64) {
	n := *pacedCount
	sent := make([]atomic.Int64, n) // when each update was queued, in ns since start
	took := make([]time.Duration, n)
	replied := make([]atomic.Bool, n)
	answers := make(chan int, n)
	start := time.Now()
	fake.OnSend(func(m telegramtest.Message) {
		i := m.ChatID - first
		if i < 0 || i >= int64(n) || !replied[i].CompareAndSwap(false, true) {
			return
		}
		took[i] = time.Since(start) - time.Duration(sent[i].Load())
		answers <- int(i)
	})
	defer fake.OnSend(nil)

	// What setting up left behind is returned to the system first, so the peak is the
	// sending's.
	debug.FreeOSMemory()
	reset := resetPeak()
	b.ResetTimer()
	requests := fake.Requests()
	cpu := cpuTime()
	tick := time.NewTicker(time.Second / pacedRate)
	for i := range n {
		<-tick.C
		sent[i].Store(int64(time.Since(start)))
		fake.SendText(telegramtest.User{ID: first + int64(i), FirstName: "P", LanguageCode: "es"}, "/start")
	}
	tick.Stop()
	deadline := time.After(time.Minute)
	for got := 0; got < n; got++ {
		select {
		case <-answers:
		case <-deadline:
			b.Fatalf("%d of %d people had no reply within a minute of the last update", n-got, n)
		}
	}
	used := cpuTime() - cpu
	requests = fake.Requests() - requests
	b.StopTimer()
	if peak, ok := statusMB("VmHWM:"); ok && reset {
		b.ReportMetric(peak, "peak-rss-MB")
	}

	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(used.Microseconds())/float64(n), "cpu-µs/update")
	// Both bots should make the same calls (a getUpdates and a sendMessage an update): the
	// figures compare only while this one is the same.
	b.ReportMetric(float64(requests)/float64(n), "calls/update")
	b.ReportMetric(ms(took[n/2]), "p50-ms")
	b.ReportMetric(ms(took[n*99/100]), "p99-ms")
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	b.ReportMetric(float64(mem.HeapAlloc)/(1<<20), "heap-MB")
	if rss, ok := statusMB("VmRSS:"); ok {
		b.ReportMetric(rss, "rss-MB")
	}
	b.StartTimer()
}

// resetPeak makes the kernel measure the process's peak resident memory (VmHWM) from now on
// (Linux only), and says whether it could.
func resetPeak() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// statusMB reads a memory figure in kB, such as "VmRSS:", from /proc/self/status (Linux only).
func statusMB(field string) (float64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				return 0, false
			}
			return float64(kb) / 1024, true
		}
	}
	return 0, false
}
