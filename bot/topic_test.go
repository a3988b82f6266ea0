package bot

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// groupTexts is the text of every message the bot wrote in the group, any topic.
func groupTexts(fake *telegramtest.Server, group int64) []string {
	var out []string
	for _, m := range fake.BotMessages(group) {
		out = append(out, m.Text)
	}
	return out
}

// waitButton waits for the bot's last message to u to have a button labelled label.
func (h *harness) waitButton(u telegramtest.User, label string) {
	h.t.Helper()
	h.fake.Wait(h.t, "a button "+label, func() bool {
		m, _ := h.fake.Last(u.ID)
		return hasButton(m, label)
	})
}

// startCase walks u into a case with the organisation labelled org (on the chooser, when
// there is one) up to the note that it opened, without waiting for its topic.
func (h *harness) startCase(u telegramtest.User, org string) {
	h.t.Helper()
	h.walkToHandoff(u)
	if org != "" {
		h.waitButton(u, org)
		h.press(u, org)
	}
	h.waitButton(u, label(u, "yes"))
	h.press(u, label(u, "yes"))
	h.screen(u, label(u, "connected"))
}

// faultOn fails the first n calls of method that match with f, and lets the rest through.
type faultOn struct {
	mu     sync.Mutex
	method string
	match  func(p map[string]string) bool // nil: every call of method
	n      int
	f      telegramtest.Fault
	calls  int
}

func (o *faultOn) fault(method string, p map[string]string) telegramtest.Fault {
	o.mu.Lock()
	defer o.mu.Unlock()
	if method != o.method || o.match != nil && !o.match(p) {
		return telegramtest.Fault{}
	}
	o.calls++
	if o.calls <= o.n {
		return o.f
	}
	return telegramtest.Fault{}
}

func (o *faultOn) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.calls
}

func (o *faultOn) heal() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n = 0
}

// Ensure a case's topic is asked for through the outbox like any other request: retried
// after a 429 or a 5xx, made once, with the card and what the person wrote meanwhile sent
// after it and into it, and nothing in the group's general chat; a refused topic closes the
// case, tells the person, and sends the group nothing.
func TestCaseTopicThroughOutbox(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		fault    telegramtest.Fault
		opens    bool
	}{
		{"made at once", 0, telegramtest.Fault{}, true},
		{"429 first", 2, telegramtest.Fault{Status: 429, RetryAfter: 1}, true},
		{"500 first", 2, telegramtest.Fault{Status: 500}, true},
		{"refused", 1, telegramtest.Fault{Status: 400, Description: "Bad Request: not enough rights to create a topic"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := telegramtest.New(t)
			h := newHandoffHarness(t, fake)
			h.start()
			h.link(groupA, orgA, worker)
			h.link(groupB, orgB, worker2)
			if got := len(fake.Calls("getMe")); got != 1 {
				t.Errorf("getMe called %d times for two /link, want once (at the start)", got)
			}
			before := groupTexts(fake, groupA)
			topic := &faultOn{method: "createForumTopic", n: tt.failures, f: tt.fault}
			fake.SetFaults(topic.fault)

			h.startCase(person, orgA.Name)
			fake.SendText(person, "written right after opening")

			if !tt.opens {
				// Not h.screen: what they wrote may be answered after the note.
				fake.Wait(t, "the person to be told", func() bool {
					return slices.ContainsFunc(texts(fake, person.ID), func(s string) bool { return strings.Contains(s, "could not start the conversation") })
				})
				fake.Wait(t, "the case to close and the outbox to empty", func() bool {
					return h.count("cases WHERE closed_at IS NOT NULL AND person_key IS NULL") == 1 && h.count("outbox") == 0 && fake.Pending() == 0
				})
				if names, _ := fake.Topics(groupA); len(names) != 0 {
					t.Errorf("topics %v after a refusal, want none", names)
				}
				if got := groupTexts(fake, groupA); !slices.Equal(got, before) {
					t.Errorf("the group got %q after the refusal, want nothing new", got[len(before):])
				}
				return
			}
			var thread int
			fake.Wait(t, "the card and the message in the topic", func() bool {
				names, _ := fake.Topics(groupA)
				for id := range names {
					thread = id
				}
				return len(names) == 1 && len(h.topicTexts(groupA, thread)) == 2
			})
			ts := h.topicTexts(groupA, thread)
			if !strings.Contains(ts[0], "New case") || ts[1] != "written right after opening" {
				t.Errorf("topic = %q, want the card, then the person's message", ts)
			}
			if got := topic.count(); got != tt.failures+1 {
				t.Errorf("createForumTopic called %d times, want %d", got, tt.failures+1)
			}
			fake.Wait(t, "the outbox to empty", func() bool { return h.count("outbox") == 0 })
			if got := h.count("cases WHERE thread_id = " + strconv.Itoa(thread)); got != 1 {
				t.Errorf("%d cases hold the topic, want 1", got)
			}
			if got := fake.InTopic(groupA, 0); len(got) != len(before) {
				t.Errorf("the general chat has %d messages of the bot, want %d (only /link's)", len(got), len(before))
			}
		})
	}
}

// Ensure making a topic spends the group's budget like a message: the card waits a full
// interval after it.
func TestCaseTopicIsPaced(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	every := 200 * time.Millisecond
	h.cfg.Limits.GroupChat = Rate{Every: every, Burst: 1}
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	ms := fake.InTopic(groupA, thread)
	if len(ms) < 2 {
		t.Fatalf("topic has %d messages, want the topic's own and the card", len(ms))
	}
	// Half an interval: the two calls' own latencies blur the gap; unpaced, it is a few
	// milliseconds plus the time to record the topic.
	if gap := ms[1].Date.Sub(ms[0].Date); gap < every/2 {
		t.Errorf("the card went %s after the topic was made, want about %s (the group's pace)", gap, every)
	}
}

// Ensure a stop with the topic not yet made, or made but the card not yet sent, and a start
// again, make one topic and send the card and the person's message once each, into it.
func TestCaseTopicAfterCrash(t *testing.T) {
	tests := []struct {
		name string
		down *faultOn
		// wait is what must have happened before the stop.
		wait func(h *harness, f *faultOn) bool
	}{
		{"topic not made", &faultOn{method: "createForumTopic", n: 1 << 30, f: telegramtest.Fault{Status: 500}},
			func(h *harness, f *faultOn) bool { return f.count() > 0 }},
		{"topic made, card not sent", &faultOn{method: "sendMessage", n: 1 << 30, f: telegramtest.Fault{Status: 500},
			match: func(p map[string]string) bool { return p["message_thread_id"] != "" }},
			func(h *harness, f *faultOn) bool { return f.count() > 0 && h.count("cases WHERE thread_id != 0") == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := telegramtest.New(t)
			h := newHandoffHarness(t, fake)
			h.start()
			h.link(groupA, orgA, worker)
			fake.SetFaults(tt.down.fault)
			h.startCase(person, "")
			fake.SendText(person, "only once, please")
			fake.Wait(t, "the update to be taken in and the group tried", func() bool {
				return fake.Pending() == 0 && tt.wait(h, tt.down)
			})
			h.kill()
			if h.count("outbox") == 0 {
				t.Fatal("nothing was waiting when the bot stopped")
			}
			tt.down.heal()
			h.start()
			var thread int
			fake.Wait(t, "the card and the message", func() bool {
				names, _ := fake.Topics(groupA)
				for id := range names {
					thread = id
				}
				return len(names) == 1 && len(h.topicTexts(groupA, thread)) == 2 && h.count("outbox") == 0
			})
			if ts := h.topicTexts(groupA, thread); !strings.Contains(ts[0], "New case") || ts[1] != "only once, please" {
				t.Errorf("topic = %q, want the card, then the message", ts)
			}
			if got := h.count("cases WHERE thread_id = " + strconv.Itoa(thread)); got != 1 {
				t.Errorf("%d cases hold the topic, want 1", got)
			}
		})
	}
}

// Ensure a username that is still on its way when the person takes it back is deleted as
// soon as it arrives, and one Telegram refuses is not recorded and the person is told.
func TestShareOnItsWay(t *testing.T) {
	isShare := func(p map[string]string) bool {
		return p["chat_id"] == strconv.FormatInt(groupA, 10) && strings.Contains(p["text"], "@"+person.Username)
	}
	t.Run("taken back before it arrived", func(t *testing.T) {
		rec := &recorder{} // the username in the group is what the privacy check must see
		fake := telegramtest.NewWith(t, rec)
		slow := &faultOn{method: "sendMessage", match: isShare, n: 1, f: telegramtest.Fault{Delay: 300 * time.Millisecond}}
		fake.SetFaults(slow.fault)
		h := newHandoffHarness(t, fake)
		h.start()
		h.link(groupA, orgA, worker)
		thread := h.openCase(person, groupA, "")
		h.press(person, "Share my username…")
		h.screen(person, "@"+person.Username)
		h.press(person, "Yes, share it")
		h.screen(person, "can now see")
		h.press(person, "Stop sharing")
		h.screen(person, "your username was removed")
		fake.Wait(t, "the username to arrive and be deleted", func() bool {
			for _, m := range fake.InTopic(groupA, thread) {
				if strings.Contains(m.Text, "@"+person.Username) {
					return m.Deleted && h.count("outbox") == 0
				}
			}
			return false
		})
		if got := h.count("cases WHERE shared != 0"); got != 0 {
			t.Errorf("%d cases record a shared username, want none", got)
		}
	})
	t.Run("refused", func(t *testing.T) {
		fake := telegramtest.NewWith(t, &recorder{}) // the privacy check sees the attempt
		refuse := &faultOn{method: "sendMessage", match: isShare, n: 1, f: telegramtest.Fault{Status: 400}}
		fake.SetFaults(refuse.fault)
		h := newHandoffHarness(t, fake)
		h.start()
		h.link(groupA, orgA, worker)
		h.openCase(person, groupA, "")
		h.press(person, "Share my username…")
		h.screen(person, "@"+person.Username)
		h.press(person, "Yes, share it")
		h.screen(person, "Nothing was shared")
		fake.Wait(t, "the share to be forgotten", func() bool {
			return h.count("cases WHERE shared != 0") == 0 && h.count("outbox") == 0
		})
		if refuse.count() != 1 {
			t.Errorf("the username was tried %d times, want once (a 400 is not retried)", refuse.count())
		}
	})
}

// Ensure a case that ends while it still waits for its topic ends in order once the topic is
// made: the card, then the note that the person ended it, then the topic closes.
func TestCaseEndsWhileWaitingForTopic(t *testing.T) {
	fake := telegramtest.New(t)
	slow := &faultOn{method: "createForumTopic", n: 1, f: telegramtest.Fault{Delay: 300 * time.Millisecond}}
	fake.SetFaults(slow.fault)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	h.startCase(person, "")
	fake.SendText(person, "/end")
	h.screen(person, "The conversation has ended")
	if h.count("cases WHERE thread_id != 0") != 0 {
		t.Fatal("the topic was recorded before the case ended: the test did not test waiting")
	}
	var thread int
	fake.Wait(t, "the topic to close", func() bool {
		names, closed := fake.Topics(groupA)
		for id := range names {
			thread = id
		}
		return len(names) == 1 && closed[thread] && h.count("outbox") == 0
	})
	ts := h.topicTexts(groupA, thread)
	if len(ts) != 2 || !strings.Contains(ts[0], "New case") || !strings.Contains(ts[1], "The person ended the conversation") {
		t.Errorf("topic = %q, want the card, then the note that the person ended it", ts)
	}
}
