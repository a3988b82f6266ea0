package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/metrics"
	"github.com/puente-bot/puente/store"
)

// runOutbox runs an outbox with limits against fake until the test ends.
func runOutbox(t *testing.T, fake *telegramtest.Server, lim Limits) *outbox {
	t.Helper()
	h := newHarness(t, fake)
	a, err := newAPI(fake.URL, fake.Token, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	o := newOutbox(h.db, h.keys, a, lim, slog.New(slog.NewTextHandler(h.logs, nil)), time.Now, metrics.New())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.run(ctx, nil)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return o
}

// TestLoneSendRecordedAtOnce: a send with nothing else on the wire is recorded (its row gone,
// its message tracked) without waiting for results that are not coming, so a crash can
// resend it, untracked, only in the moment its commit takes. The outbox here would wait an
// hour for others.
func TestLoneSendRecordedAtOnce(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	a, err := newAPI(fake.URL, fake.Token, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	o := newOutbox(h.db, h.keys, a, testLimits, slog.New(slog.NewTextHandler(h.logs, nil)), time.Now, metrics.New())
	o.linger = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.run(ctx, nil)
	}()
	defer func() {
		cancel()
		<-done
	}()
	const chat = 42
	fake.SendText(telegramtest.User{ID: chat, FirstName: "P"}, "hola")
	for i := range 3 {
		var w batchWrite
		var items []*outboxItem
		err := h.db.Write(ctx, func(tx *store.Tx) error {
			w = batchWrite{}
			if err := w.queue(h.keys, []byte("k"), request{Kind: kindSend, Chat: chat, Text: fmt.Sprint("reply ", i), Track: true}); err != nil {
				return err
			}
			items, err = w.flush(ctx, tx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		o.enqueue(committedWork{items: items})
		fake.Wait(t, fmt.Sprint("reply ", i, " recorded"), func() bool {
			return h.count("outbox") == 0 && h.count("messages") == i+1
		})
	}
}

func sends(chat int64, n int, group bool) []*outboxItem {
	out := make([]*outboxItem, n)
	for i := range out {
		out[i] = &outboxItem{key: fmt.Sprint(chat), req: request{Kind: kindSend, Chat: chat, Group: group, Text: fmt.Sprint("message ", i)}}
	}
	return out
}

// Ensure the scheduler never dispatches faster than its limits: per private chat (after a
// burst), per group, and overall. Time is simulated, a millisecond a step, and every request
// succeeds at once.
func TestPacing(t *testing.T) {
	lim := Limits{
		PrivateChat: Rate{Every: 20 * time.Millisecond, Burst: 2},
		GroupChat:   Rate{Every: 50 * time.Millisecond, Burst: 1},
		Overall:     Rate{Every: 5 * time.Millisecond, Burst: 1},
		InFlight:    8, RetryUnit: time.Millisecond, BackoffMin: time.Millisecond, BackoffMax: 10 * time.Millisecond,
	}
	tests := []struct {
		name  string
		chats []int64
		each  int
		group bool
		want  []time.Duration // when each request may go at the earliest, in dispatch order
	}{
		{"one private chat", []int64{11}, 5, false, []time.Duration{0, 5, 20, 40, 60}},
		{"one group", []int64{-100}, 3, true, []time.Duration{0, 50, 100}},
		{"many chats", []int64{21, 22, 23, 24}, 1, false, []time.Duration{0, 5, 10, 15}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{now: time.Unix(1_800_000_000, 0)}
			start := c.Now()
			o := &outbox{lim: lim, now: c.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil)), m: metrics.New()}
			s := &scheduler{o: o, queues: map[string]*chatQueue{}, overall: newBucket(lim.Overall, c.Now()), commits: make(chan sendResult, 100)}
			for _, chat := range tt.chats {
				s.insert(sends(chat, tt.each, tt.group))
			}
			work := make(chan *outboxItem, 100)
			var got []time.Duration
			for step := 0; step < 500 && len(got) < len(tt.want); step++ {
				s.dispatch(c.Now(), work)
				for len(work) > 0 {
					it := <-work
					got = append(got, c.Now().Sub(start))
					s.result(it)
				}
				c.Advance(time.Millisecond)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("dispatched %d, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] < tt.want[i]*time.Millisecond {
					t.Errorf("request %d went at %s, want not before %s", i, got[i], tt.want[i]*time.Millisecond)
				}
			}
			if last := got[len(got)-1]; last > tt.want[len(tt.want)-1]*time.Millisecond+5*time.Millisecond {
				t.Errorf("last request went at %s, want about %s: pacing is slower than its limits", last, tt.want[len(tt.want)-1]*time.Millisecond)
			}
		})
	}
}

// Ensure a 429 makes the chat wait retry_after before the next attempt, and a 400 drops the
// request without blocking the ones after it.
func TestRetryAfterAndRefusal(t *testing.T) {
	fake := telegramtest.New(t)
	u := telegramtest.User{ID: 11, FirstName: "P"}
	fake.Meet(u)
	var failedAt time.Time
	fake.SetFaults(func(method string, p map[string]string) telegramtest.Fault {
		if p["text"] == "message 0" && failedAt.IsZero() {
			failedAt = time.Now()
			return telegramtest.Fault{Status: 429, RetryAfter: 2}
		}
		return telegramtest.Fault{}
	})
	lim := testLimits
	lim.RetryUnit = 25 * time.Millisecond
	o := runOutbox(t, fake, lim)
	items := sends(u.ID, 2, false)
	items = append(items, &outboxItem{key: "11", req: request{Kind: kindSend, Chat: u.ID, Text: strings.Repeat("x", 5000)}})
	items = append(items, sends(u.ID, 1, false)[0])
	items[3].req.Text = "after the refused one"
	o.enqueue(committedWork{items: items})
	fake.Wait(t, "the messages", func() bool { return len(fake.BotMessages(u.ID)) == 3 })
	ms := fake.BotMessages(u.ID)
	if got := ms[0].Date.Sub(failedAt); got < 50*time.Millisecond {
		t.Errorf("resent %s after a 429 with retry_after 2 (of 25ms), want at least 50ms", got)
	}
	if ms[2].Text != "after the refused one" {
		t.Errorf("last message = %q, want the one after the refused one", ms[2].Text)
	}
}

// Ensure a 403 from a group (the bot was removed) drops every request waiting for that group,
// in memory and at rest, so none comes back after a restart.
func TestRemovedFromGroup(t *testing.T) {
	fake := telegramtest.New(t)
	fake.Group(-100, "supergroup", "an organisation")
	fake.Kick(-100, telegramtest.User{ID: 6120004455, FirstName: "Admin"})
	h := newHarness(t, fake)
	a, err := newAPI(fake.URL, fake.Token, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	o := newOutbox(h.db, h.keys, a, testLimits, slog.New(slog.NewTextHandler(h.logs, nil)), time.Now, metrics.New())
	key := h.keys.Lookup("telegram", "-100")
	items := sends(-100, 3, true)
	var w batchWrite
	for _, it := range items {
		it.key = string(key)
		if err := w.queue(h.keys, key, it.req); err != nil {
			t.Fatal(err)
		}
	}
	err = h.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		items, err = w.flush(context.Background(), tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.run(ctx, items)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	fake.Wait(t, "the group's requests to be dropped", func() bool { return h.count("outbox") == 0 })
	if got := len(fake.Calls("sendMessage")); got != 1 {
		t.Errorf("sendMessage calls = %d, want 1 (the rest dropped after the 403)", got)
	}
}
