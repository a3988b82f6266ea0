package bot

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// textUpdate is update id from person chat saying text (a command when it starts with /).
func textUpdate(id, chat int64, msgID int, text string) models.Update {
	m := &models.Message{ID: msgID, Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate},
		From: &models.User{ID: chat, FirstName: "P", LanguageCode: "es"}, Text: text}
	if text[0] == '/' {
		m.Entities = cmdEntity(0, len(text))
	}
	return models.Update{ID: id, Message: m}
}

// TestOneCommitPerBatch holds the intake to one transaction per batch: a batch from several
// people commits its update ids, their sessions, their replies' outbox rows and their tracked
// messages together, and the same batch delivered again, to the same bot or to one started
// afterwards on the same database, commits nothing and changes nothing.
func TestOneCommitPerBatch(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	ctx := context.Background()
	newBot := func(prepare bool) *Bot {
		b, err := New(h.cfg, h.db, h.keys, h.engine, h.cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if prepare {
			if err := b.Prepare(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return b
	}
	const people = 5
	var batch []models.Update
	for i := range people {
		batch = append(batch, textUpdate(int64(100+i), benchBase+int64(i), 1, "/start"))
	}
	batch = append(batch, textUpdate(200, benchBase, 2, "hola"))
	first := newBot(false)
	same := func() *Bot { return first }
	restarted := func() *Bot { return newBot(true) }
	tables := []string{"updates", "sessions", "messages", "outbox"}
	for _, delivery := range []struct {
		name    string
		bot     func() *Bot
		batch   []models.Update
		commits int64
	}{
		{"first", same, batch, 1},
		{"again", same, batch, 0},
		{"again after a restart", restarted, batch, 0},
		{"one new among old ones after a restart", restarted, append(slices.Clone(batch), textUpdate(300, benchBase+1, 2, "hola")), 1},
	} {
		b := delivery.bot()
		before := h.db.Commits()
		counts := map[string]int{}
		for _, table := range tables {
			counts[table] = h.count(table)
		}
		if err := b.handle(ctx, delivery.batch); err != nil {
			t.Fatalf("%s delivery: %v", delivery.name, err)
		}
		if got := h.db.Commits() - before; got != delivery.commits {
			t.Errorf("%s delivery: %d commits, want %d", delivery.name, got, delivery.commits)
		}
		if delivery.commits == 0 {
			for _, table := range tables {
				if got := h.count(table); got != counts[table] {
					t.Errorf("%s delivery: %s has %d rows, want %d as before", delivery.name, table, got, counts[table])
				}
			}
		}
	}
	for table, want := range map[string]int{"updates": len(batch) + 1, "sessions": people, "messages": len(batch) + 1} {
		if got := h.count(table); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	if got := h.count("outbox"); got < len(batch)+1 {
		t.Errorf("outbox: %d rows, want a reply to each of %d updates", got, len(batch)+1)
	}
}

// BenchmarkIntake is the intake's own work for one update from a new person, as at 20 a
// second: a batch of one, from reading the update to committing its effects (dedupe,
// session, reply and tracked message), without the fake's or the outbox's part.
func BenchmarkIntake(b *testing.B) {
	fake := telegramtest.New(b)
	fake.Lean()
	h := newHarness(b, fake)
	bot, err := New(h.cfg, h.db, h.keys, h.engine, h.cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := bot.Prepare(ctx); err != nil {
		b.Fatal(err)
	}
	// Nothing sends: with the outbox stopped, each batch's requests stay in the database.
	bot.out.mu.Lock()
	bot.out.stopped = true
	bot.out.mu.Unlock()
	b.ReportAllocs()
	cpu := cpuTime()
	id := int64(1)
	for b.Loop() {
		id++
		if err := bot.handle(ctx, []models.Update{textUpdate(id, benchBase+id, 1, "/start")}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/update")
}
