package bot

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/metrics"
	"github.com/puente-bot/puente/store"
)

// Ensure a reply to a person whose chat has nothing waiting goes before their update
// commits, and that one commit records both: the update, the session and both messages
// (theirs and the reply) tracked for deletion, with no outbox row left behind.
func TestReplyGoesFirst(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "Test Org")
	fake.Wait(t, "the first update to be recorded", func() bool {
		return fake.Pending() == 0 && h.count("outbox") == 0 && h.count("messages") == 2
	})

	before := h.db.Commits()
	fake.SendText(u, "/privacy")
	h.screen(u, "Test Org")
	fake.Wait(t, "the second update to be recorded", func() bool {
		return fake.Pending() == 0 && h.count("messages") == 4
	})
	if got := h.db.Commits() - before; got != 1 {
		t.Errorf("commits for one update and its reply = %d, want 1", got)
	}
	if got := h.count("outbox"); got != 0 {
		t.Errorf("outbox rows = %d, want 0", got)
	}
	if got := len(fake.BotMessages(u.ID)); got != 2 {
		t.Errorf("bot messages = %d, want 2", got)
	}
}

// Ensure that when the transaction after a reply went first fails, the reply is deleted again,
// the update comes again and is answered once more, through the outbox, and the next update
// once a commit has succeeded goes first again.
func TestFailedCommitTakesBackWhatWentFirst(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	ctx := context.Background()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "Test Org")
	fake.Wait(t, "the first update to be recorded", func() bool { return fake.Pending() == 0 })

	// Another process holding the database's write lock (for longer than the busy timeout)
	// makes the intake's transaction fail.
	other, err := store.Open(ctx, filepath.Join(h.dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	locked, unlock := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- other.Write(ctx, func(*store.Tx) error {
			close(locked)
			<-unlock
			return nil
		})
	}()
	<-locked
	fake.SendText(u, "/privacy")
	fake.Wait(t, "the reply that went first to be deleted", func() bool {
		ms := fake.BotMessages(u.ID)
		return len(ms) == 2 && ms[1].Deleted
	})
	close(unlock)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	fake.Wait(t, "the update to be answered again", func() bool {
		return fake.Pending() == 0 && h.count("outbox") == 0 && len(fake.Visible(u.ID)) == 4
	})
	var texts []string
	for _, m := range fake.Visible(u.ID) {
		if m.FromBot {
			texts = append(texts, m.Text)
		}
	}
	if got := len(fake.BotMessages(u.ID)); got != 3 {
		t.Errorf("bot messages = %d, want 3: the reply, once deleted, once kept", got)
	}
	if !slices.Equal(texts, []string{fake.BotMessages(u.ID)[0].Text, fake.BotMessages(u.ID)[1].Text}) {
		t.Errorf("visible replies differ from the ones the bot sent first")
	}
	// Both of the person's messages and both replies kept are tracked; the deleted one is not.
	if got := h.count("messages"); got != 4 {
		t.Errorf("tracked messages = %d, want 4", got)
	}

	before := h.db.Commits()
	fake.SendText(u, "/menu")
	fake.Wait(t, "the third reply", func() bool {
		return fake.Pending() == 0 && len(fake.BotMessages(u.ID)) == 4 && h.count("messages") == 6
	})
	if got := h.db.Commits() - before; got != 1 {
		t.Errorf("commits for the update after a successful one = %d, want 1: it should go first again", got)
	}
}

// Ensure the outbox lends a chat's lane for sending at once only when nothing of the chat
// waits or is on the wire and its budget and the overall one have room, takes the budget,
// and, given back, lets what was queued meanwhile go.
func TestClaimLane(t *testing.T) {
	lim := Limits{
		PrivateChat: Rate{Every: time.Second, Burst: 3},
		GroupChat:   Rate{Every: 3 * time.Second, Burst: 1},
		Overall:     Rate{Every: time.Second / 30, Burst: 10},
		InFlight:    2,
	}
	tests := []struct {
		name  string
		setup func(s *scheduler, now time.Time)
		paced int
		want  bool
	}{
		{"idle chat", func(*scheduler, time.Time) {}, 2, true},
		{"an item queued", func(s *scheduler, _ time.Time) { s.queue("k", false).items = sends(1, 1, false) }, 1, false},
		{"an item on the wire", func(s *scheduler, _ time.Time) { s.queue("k", false).busy = true }, 1, false},
		{"waiting after a 429", func(s *scheduler, now time.Time) { s.queue("k", false).notBef = now.Add(time.Second) }, 1, false},
		{"the chat's budget short", func(s *scheduler, now time.Time) { s.queue("k", false).bucket.takeN(2) }, 2, false},
		{"the overall budget short", func(s *scheduler, _ time.Time) { s.overall.takeN(10) }, 1, false},
		{"answers only, budget spent", func(s *scheduler, _ time.Time) { s.overall.takeN(10) }, 0, true},
		{"the wire full", func(s *scheduler, _ time.Time) { s.inflight, s.held = 1, 1 }, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Unix(1_800_000_000, 0)
			o := &outbox{lim: lim, now: func() time.Time { return now }, log: slog.New(slog.NewTextHandler(io.Discard, nil)), m: metrics.New()}
			s := &scheduler{o: o, queues: map[string]*chatQueue{}, overall: newBucket(lim.Overall, now)}
			tt.setup(s, now)
			held := s.held
			if got := s.claim(now, []firstLane{{key: "k", paced: tt.paced}}); got[0] != tt.want {
				t.Fatalf("given = %v, want %v", got[0], tt.want)
			}
			if !tt.want {
				if s.held != held {
					t.Errorf("held = %d after a refusal, want %d", s.held, held)
				}
				return
			}
			q := s.queues["k"]
			if !q.busy {
				t.Fatal("a lent lane is not busy")
			}
			if got, want := q.bucket.tokens, float64(lim.PrivateChat.Burst-tt.paced); got != want {
				t.Errorf("chat budget = %v, want %v", got, want)
			}
			// What is queued while the lane is lent waits for it, then goes.
			s.insert([]*outboxItem{{key: "k", req: request{Kind: kindSend, Chat: 1, Text: "next"}}})
			if s.ready.Len() != 0 {
				t.Fatal("an item queued behind a lent lane is ready")
			}
			if got := s.claim(now, []firstLane{{key: "k"}}); got[0] {
				t.Error("a lent lane was lent again")
			}
			s.release([]string{"k"})
			if s.held != 0 || q.busy || s.ready.Len() != 1 {
				t.Errorf("after release: held %d, busy %v, ready %d; want 0, false, 1", s.held, q.busy, s.ready.Len())
			}
		})
	}
}

// Ensure a lane given back wakes the outbox when another chat's request was waiting only for
// room on the wire, and not when nothing waits.
func TestReleaseMakesRoom(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	lim := Limits{InFlight: 1}
	o := &outbox{lim: lim, now: func() time.Time { return now }, log: slog.New(slog.NewTextHandler(io.Discard, nil)), m: metrics.New()}
	s := &scheduler{o: o, queues: map[string]*chatQueue{}, overall: newBucket(lim.Overall, now)}
	if got := s.claim(now, []firstLane{{key: "a", paced: 1}}); !got[0] {
		t.Fatal("an idle lane was not lent")
	}
	if s.take(committedWork{release: []string{"a"}}) {
		t.Error("giving a lane back with nothing waiting asks for a wake")
	}
	s.claim(now, []firstLane{{key: "a", paced: 1}})
	work := make(chan *outboxItem, 1)
	s.insert([]*outboxItem{{key: "b", req: request{Kind: kindSend, Chat: 2, Text: "waits"}}})
	s.dispatch(now, work)
	if len(work) != 0 {
		t.Fatal("a request went while the only slot on the wire was lent")
	}
	if !s.take(committedWork{release: []string{"a"}}) {
		t.Error("giving the lane back did not ask for a wake, with a request waiting for room")
	}
	s.dispatch(now, work)
	if len(work) != 1 {
		t.Error("the waiting request did not go once the lane was given back")
	}
}
