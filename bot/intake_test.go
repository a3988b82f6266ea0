package bot

import (
	"context"
	"io"
	"log/slog"
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
// messages together, and the same batch delivered again commits nothing and changes nothing.
func TestOneCommitPerBatch(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	b, err := New(h.cfg, h.db, h.keys, h.engine, h.cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	const people = 5
	var batch []models.Update
	for i := range people {
		batch = append(batch, textUpdate(int64(100+i), benchBase+int64(i), 1, "/start"))
	}
	batch = append(batch, textUpdate(200, benchBase, 2, "hola"))
	ctx := context.Background()
	tables := []string{"updates", "sessions", "messages", "outbox"}
	for _, delivery := range []struct {
		name    string
		commits int64
	}{{"first", 1}, {"again", 0}} {
		before := h.db.Commits()
		counts := map[string]int{}
		for _, table := range tables {
			counts[table] = h.count(table)
		}
		if err := b.handle(ctx, batch); err != nil {
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
	for table, want := range map[string]int{"updates": len(batch), "sessions": people, "messages": len(batch)} {
		if got := h.count(table); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	if got := h.count("outbox"); got < len(batch) {
		t.Errorf("outbox: %d rows, want a reply to each of %d updates", got, len(batch))
	}
}
