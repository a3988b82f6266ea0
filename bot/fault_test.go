package bot

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// script is what each test person types, in order. Every line gets a reply of its own, and
// the replies differ enough that a lost, repeated or reordered one shows.
var script = []string{"/start", "hola", "/privacy", "/language", "/menu", "/silent", "/menu", "/silent", "hola otra vez", "/privacy", "/menu"}

func people(n int) []telegramtest.User {
	out := make([]telegramtest.User, n)
	for i := range out {
		out[i] = telegramtest.User{ID: int64(7394019000 + i), FirstName: fmt.Sprintf("Person%d", i), LanguageCode: "es"}
	}
	return out
}

// texts returns the texts of the bot's messages in a chat, in the order they were sent.
func texts(fake *telegramtest.Server, chat int64) []string {
	var out []string
	for _, m := range fake.BotMessages(chat) {
		out = append(out, m.Text)
	}
	return out
}

// expected runs the script for each person against a fake that never fails and returns what
// each chat received.
func expected(t *testing.T, us []telegramtest.User) map[int64][]string {
	t.Helper()
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	total := 0
	for _, u := range us {
		for _, line := range script {
			fake.SendText(u, line)
		}
	}
	want := map[int64][]string{}
	fake.Wait(t, "the fault-free run to finish", func() bool {
		return fake.Pending() == 0 && h.count("outbox") == 0 && h.count("updates") == len(us)*len(script)
	})
	for _, u := range us {
		want[u.ID] = texts(fake, u.ID)
		total += len(want[u.ID])
	}
	if total < len(us)*len(script) {
		t.Fatalf("fault-free run sent %d messages, want at least %d", total, len(us)*len(script))
	}
	h.kill()
	return want
}

// waitAll waits until every chat has received as many messages as want says, then checks
// they are exactly those, in that order.
func waitAll(t *testing.T, fake *telegramtest.Server, h *harness, want map[int64][]string) {
	t.Helper()
	fake.Wait(t, "every reply", func() bool {
		for chat, w := range want {
			if len(fake.BotMessages(chat)) < len(w) {
				return false
			}
		}
		return fake.Pending() == 0 && h.count("outbox") == 0
	})
	for chat, w := range want {
		if got := texts(fake, chat); !slices.Equal(got, w) {
			t.Errorf("chat %d got %d messages, want %d; first difference at %d", chat-7394019000, len(got), len(w), firstDiff(got, w))
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Ensure that with a fifth of Bot API calls failing (429 with retry_after, and 500), every
// reply is still delivered exactly once and in order in each chat.
func TestFaultsDeliverExactlyOnceInOrder(t *testing.T) {
	us := people(5)
	want := expected(t, us)

	fake := telegramtest.New(t)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	failed := map[int]int{}
	fake.SetFaults(func(method string, _ map[string]string) telegramtest.Fault {
		mu.Lock()
		defer mu.Unlock()
		switch r := rng.Float64(); {
		case r < 0.1:
			failed[429]++
			return telegramtest.Fault{Status: 429, RetryAfter: 1 + rng.IntN(3)}
		case r < 0.2:
			failed[500]++
			return telegramtest.Fault{Status: 500}
		}
		return telegramtest.Fault{}
	})
	h := newHarness(t, fake)
	h.start()
	for _, u := range us {
		for _, line := range script {
			fake.SendText(u, line)
		}
	}
	waitAll(t, fake, h, want)
	mu.Lock()
	defer mu.Unlock()
	if failed[429] == 0 || failed[500] == 0 {
		t.Fatalf("faults injected: %v, want both kinds", failed)
	}
}

// Ensure that stopping the bot mid-conversation without draining, and starting it again on
// the same database, loses no update and answers none twice.
func TestKillAndRestart(t *testing.T) {
	us := people(4)
	want := expected(t, us)

	fake := telegramtest.New(t)
	// Slow sends keep the conversation in flight when the bot is stopped.
	fake.SetFaults(func(method string, _ map[string]string) telegramtest.Fault {
		if method == "sendMessage" {
			return telegramtest.Fault{Delay: 2 * time.Millisecond}
		}
		return telegramtest.Fault{}
	})
	h := newHarness(t, fake)
	h.start()
	half := len(script) / 2
	for _, u := range us {
		for _, line := range script[:half] {
			fake.SendText(u, line)
		}
	}
	fake.Wait(t, "the conversation to be under way", func() bool {
		n := 0
		for _, u := range us {
			n += len(fake.BotMessages(u.ID))
		}
		return n >= 5
	})
	h.kill()
	if fake.Pending() == 0 && h.count("outbox") == 0 {
		t.Fatal("the bot finished before it was stopped: nothing was in flight")
	}
	for _, u := range us {
		for _, line := range script[half:] {
			fake.SendText(u, line)
		}
	}
	h.start()
	waitAll(t, fake, h, want)
}
