package bot

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/directory"
)

// roundRobin offers one listing per referral, each in turn, so a crowd of people spreads
// over every organisation.
type roundRobin struct {
	listings []*directory.Listing
	next     atomic.Int64
}

func (d *roundRobin) Listings() []*directory.Listing { return d.listings }

func (d *roundRobin) Rank(directory.Profile, time.Time) []directory.Match {
	n := d.next.Add(1) - 1
	return []directory.Match{{Listing: d.listings[n%int64(len(d.listings))]}}
}

// BenchmarkRelay relays messages both ways through 100 open cases across 10 organisations,
// through the fake Bot API on loopback: half from people into their case's topic, half from
// caseworkers to the person. Pacing is lifted (the fake does not rate-limit), so this is
// what the bot itself can relay; Telegram's 20 messages a minute per group is the real
// ceiling for one organisation. CPU is the bot's and the fake's together (one process).
func BenchmarkRelay(b *testing.B) {
	const orgs, cases = 10, 100
	fake := telegramtest.New(b)
	h := newHandoffHarness(b, fake)
	h.cfg.Limits = benchLimits
	dir := &roundRobin{}
	for i := range orgs {
		dir.listings = append(dir.listings, &directory.Listing{ID: fmt.Sprintf("d0000000-0000-4000-8000-%012d", i),
			Name: fmt.Sprintf("Org %d", i), AcceptsHandoff: true, Hours: directory.Hours{Always: true}})
	}
	h.cfg.Directory = dir
	startQuiet(h)
	type open struct {
		person telegramtest.User
		group  int64
		thread int
	}
	var all []open
	for i, l := range dir.listings {
		h.link(groupA-int64(i), l, worker)
	}
	for i := range cases {
		u := telegramtest.User{ID: int64(benchBase + i), FirstName: "Pessoa", LanguageCode: "en"}
		group := groupA - int64(i%orgs)
		all = append(all, open{u, group, h.openCase(u, group, "")})
	}
	fake.Lean()
	var sent atomic.Int64
	fake.OnSend(func(telegramtest.Message) { sent.Add(1) })
	b.ResetTimer()
	cpu, start := cpuTime(), time.Now()
	for i := range b.N {
		c := all[i%cases]
		if i%2 == 0 {
			fake.SendText(c.person, "a message")
		} else {
			fake.TopicText(c.group, c.thread, worker, "a reply")
		}
	}
	fake.Wait(b, "every relay", func() bool { return sent.Load() >= int64(b.N) })
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "relays/s")
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/relay")
}
