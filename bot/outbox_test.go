package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// runOutbox runs an outbox with limits against fake until the test ends.
func runOutbox(t *testing.T, fake *telegramtest.Server, lim Limits) *outbox {
	t.Helper()
	h := newHarness(t, fake)
	a, err := newAPI(fake.URL, fake.Token, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	o := newOutbox(h.db, h.keys, a, lim, slog.New(slog.NewTextHandler(h.logs, nil)), time.Now)
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

func sends(chat int64, n int, group bool) []*item {
	out := make([]*item, n)
	for i := range out {
		out[i] = &item{key: fmt.Sprint(chat), req: request{Kind: kindSend, Chat: chat, Group: group, Text: fmt.Sprint("message ", i)}}
	}
	return out
}

// Ensure the outbox never sends faster than its limits: per private chat (after a burst), per
// group, and overall.
func TestPacing(t *testing.T) {
	lim := Limits{
		PrivateChat: Rate{Every: 20 * time.Millisecond, Burst: 2},
		GroupChat:   Rate{Every: 50 * time.Millisecond, Burst: 1},
		Overall:     Rate{Every: 5 * time.Millisecond, Burst: 1},
		InFlight:    8, RetryUnit: time.Millisecond, BackoffMin: time.Millisecond, BackoffMax: 10 * time.Millisecond,
	}
	tests := []struct {
		name    string
		chats   []int64
		each    int
		group   bool
		atLeast time.Duration // between the first and the last message
	}{
		{"one private chat", []int64{11}, 6, false, 4 * 20 * time.Millisecond},
		{"one group", []int64{-100}, 4, true, 3 * 50 * time.Millisecond},
		{"many chats", []int64{21, 22, 23, 24, 25, 26, 27, 28, 29, 30}, 1, false, 9 * 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := telegramtest.New(t)
			var items []*item
			for _, c := range tt.chats {
				if tt.group {
					fake.Group(c, "supergroup", "an organisation")
				} else {
					fake.Meet(telegramtest.User{ID: c, FirstName: "P"})
				}
				items = append(items, sends(c, tt.each, tt.group)...)
			}
			o := runOutbox(t, fake, lim)
			o.enqueue(context.Background(), addition{items: items})
			var first, last time.Time
			fake.Wait(t, "every message", func() bool {
				n := 0
				first, last = time.Time{}, time.Time{}
				for _, c := range tt.chats {
					for i, m := range fake.BotMessages(c) {
						n++
						if first.IsZero() || m.Date.Before(first) {
							first = m.Date
						}
						if m.Date.After(last) {
							last = m.Date
						}
						if m.Text != fmt.Sprint("message ", i) {
							t.Fatalf("chat %d message %d = %q: out of order", c, i, m.Text)
						}
					}
				}
				return n == len(items)
			})
			// Arrival times at the fake carry a little network jitter; dispatch is paced exactly.
			if got := last.Sub(first); got < tt.atLeast*9/10 {
				t.Errorf("first to last = %s, want at least %s", got, tt.atLeast)
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
	items = append(items, &item{key: "11", req: request{Kind: kindSend, Chat: u.ID, Text: strings.Repeat("x", 5000)}})
	items = append(items, sends(u.ID, 1, false)[0])
	items[3].req.Text = "after the refused one"
	o.enqueue(context.Background(), addition{items: items})
	fake.Wait(t, "the messages", func() bool { return len(fake.BotMessages(u.ID)) == 3 })
	ms := fake.BotMessages(u.ID)
	if got := ms[0].Date.Sub(failedAt); got < 50*time.Millisecond {
		t.Errorf("resent %s after a 429 with retry_after 2 (of 25ms), want at least 50ms", got)
	}
	if ms[2].Text != "after the refused one" {
		t.Errorf("last message = %q, want the one after the refused one", ms[2].Text)
	}
}
