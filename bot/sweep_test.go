package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/store"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Ensure messages of both sides are deleted once they are older than DeleteAfter, and are
// then no longer tracked.
func TestOldMessagesAreDeleted(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	c := &clock{now: time.Now()}
	h.cfg.Now = c.Now
	h.cfg.SweepEvery = 5 * time.Millisecond
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	fake.SendText(u, "/privacidad")
	h.screen(u, "7 horas")
	fake.Wait(t, "the messages to be tracked", func() bool { return h.count("messages") == 4 })
	c.Advance(6 * time.Hour)
	fake.Advance(6 * time.Hour)
	fake.SendText(u, "/menu")
	h.screen(u, "gestiona este bot")
	c.Advance(time.Hour + time.Minute)
	fake.Advance(time.Hour + time.Minute)
	fake.Wait(t, "the old messages to be deleted", func() bool {
		return len(fake.Visible(u.ID)) == 2 && h.count("messages") == 2
	})
}

// Ensure a person who blocked the bot is forgotten when a send is refused with 403.
func TestBlockedPersonIsForgotten(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	fake.BlockQuietly(u)
	fake.SendText(u, "/menu")
	fake.Wait(t, "the person to be forgotten", func() bool {
		return h.count("sessions") == 0 && h.count("messages") == 0 && h.count("outbox") == 0
	})
}

// Ensure the note left after /exit deletes itself after ExitNoteFor, and a second exit before
// then deletes the first note with the rest, so there is never more than one. (The note was
// never deleted: two exits left two notes in the chat.)
func TestExitNoteDeletesItself(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	c := &clock{now: time.Now()}
	h.cfg.Now = c.Now
	h.cfg.SweepEvery = 5 * time.Millisecond
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	onlyTheNote := func(what string) {
		t.Helper()
		fake.Wait(t, what, func() bool {
			v := fake.Visible(u.ID)
			return len(v) == 1 && strings.Contains(v[0].Text, "Listo.") && h.count("outbox") == 0
		})
	}
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	fake.SendText(u, "/salir")
	onlyTheNote("the first closing note")
	first, _ := fake.Last(u.ID)

	c.Advance(5 * time.Minute)
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	fake.SendText(u, "/salir")
	onlyTheNote("the second closing note, alone")
	if second, _ := fake.Last(u.ID); second.ID == first.ID {
		t.Fatal("no second note was sent")
	}

	c.Advance(9 * time.Minute) // still within the second note's ten minutes
	fake.SendText(u, "/privacidad")
	h.screen(u, "gestiona este bot")
	if n := len(fake.Visible(u.ID)); n < 2 {
		t.Fatalf("%d messages visible, want the note and the new screens", n)
	}
	c.Advance(2 * time.Minute)
	fake.Wait(t, "the closing note to delete itself", func() bool {
		for _, m := range fake.Visible(u.ID) {
			if strings.Contains(m.Text, "Listo.") {
				return false
			}
		}
		return true
	})
}

// Ensure tracked messages that no longer open are reported when the sweep gives up on them:
// they stay in someone's chat. (They were forgotten without a word.)
func TestSweepReportsMessagesItCannotOpen(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.cfg.SweepEvery = 5 * time.Millisecond
	old := time.Now().Add(-47 * time.Hour)
	err := h.db.Write(context.Background(), func(tx *store.Tx) error {
		return tx.TrackMessages(context.Background(), []store.TrackedMessage{
			{ChatKey: []byte("a key"), Chat: []byte("sealed with a secret that is gone"), MessageID: 7},
		}, old)
	})
	if err != nil {
		t.Fatal(err)
	}
	h.start()
	fake.Wait(t, "the row to be dropped", func() bool { return h.count("messages") == 0 })
	fake.Wait(t, "the report", func() bool {
		return strings.Contains(h.logs.String(), "could not be opened and will not be deleted")
	})
}
