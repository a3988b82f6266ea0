package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

func openBotDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Ensure handled update ids are remembered, and forgotten once old.
func TestUpdates(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	db := openBotDB(t).WithClock(func() time.Time { return now })
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.MarkUpdates(ctx, []int64{1, 2, 2}) }); err != nil {
		t.Fatal(err)
	}
	seen, err := db.SeenUpdates(ctx, []int64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !seen[1] || !seen[2] || seen[3] {
		t.Fatalf("seen = %v, want 1 and 2", seen)
	}
	if last, err := db.LastUpdate(ctx); err != nil || last != 2 {
		t.Fatalf("last handled update = %d (%v), want 2", last, err)
	}
	n, err := db.PruneUpdates(ctx, now.Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want 2", n, err)
	}
	if last, err := db.LastUpdate(ctx); err != nil || last != 0 {
		t.Fatalf("last handled update with none kept = %d (%v), want 0", last, err)
	}
}

// Ensure queued requests come back in order with the ids they were given, and go when
// deleted, by id or by chat.
func TestOutbox(t *testing.T) {
	ctx := context.Background()
	db := openBotDB(t)
	rows := []store.OutboxRow{{ChatKey: []byte("a"), Request: []byte("1")}, {ChatKey: []byte("b"), Request: []byte("2")}, {ChatKey: []byte("a"), Request: []byte("3")}}
	var ids []int64
	err := db.Write(ctx, func(tx *store.Tx) error {
		var err error
		ids, err = tx.EnqueueAll(ctx, rows)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("rows = %d, want 3", len(got))
	}
	for i, r := range got {
		if r.ID != ids[i] || string(r.Request) != string(rows[i].Request) {
			t.Errorf("row %d = id %d %q, want id %d %q", i, r.ID, r.Request, ids[i], rows[i].Request)
		}
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteOutbox(ctx, ids[1:2]); err != nil {
			return err
		}
		return tx.ForgetPerson(ctx, []byte("a"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Outbox(ctx); len(got) != 0 {
		t.Fatalf("rows left = %d, want 0", len(got))
	}
}

// Ensure tracked messages come back per chat and when due, and go when untracked.
func TestMessages(t *testing.T) {
	ctx := context.Background()
	db := openBotDB(t)
	old, recent := time.Unix(1_800_000_000, 0), time.Unix(1_800_090_000, 0)
	write := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := db.Write(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	write(func(tx *store.Tx) error {
		if err := tx.TrackMessages(ctx, []store.TrackedMessage{{ChatKey: []byte("a"), Chat: []byte("s"), MessageID: 2}, {ChatKey: []byte("a"), Chat: []byte("s"), MessageID: 1}}, old); err != nil {
			return err
		}
		return tx.TrackMessages(ctx, []store.TrackedMessage{{ChatKey: []byte("a"), Chat: []byte("s"), MessageID: 3}, {ChatKey: []byte("a"), Chat: []byte("s"), MessageID: 1}}, recent)
	})
	due, err := db.DueMessages(ctx, old.Add(time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[0].MessageID != 1 || due[1].MessageID != 2 {
		t.Fatalf("due = %+v, want messages 1 and 2", due)
	}
	write(func(tx *store.Tx) error {
		ids, err := tx.ChatMessages(ctx, []byte("a"))
		if err != nil {
			return err
		}
		if !slices.Equal(ids, []int64{1, 2, 3}) {
			t.Errorf("chat messages = %v, want [1 2 3]", ids)
		}
		if err := tx.UntrackMessages(ctx, []byte("a"), []int64{1, 2}); err != nil {
			return err
		}
		ids, err = tx.ChatMessages(ctx, []byte("a"))
		if err != nil {
			return err
		}
		if !slices.Equal(ids, []int64{3}) {
			t.Errorf("after untracking: %v, want [3]", ids)
		}
		if err := tx.ForgetChatMessages(ctx, []byte("a")); err != nil {
			return err
		}
		ids, err = tx.ChatMessages(ctx, []byte("a"))
		if len(ids) != 0 {
			t.Errorf("after forgetting: %v, want none", ids)
		}
		return err
	})
}

// Ensure sessions are read and written in bulk like one by one.
func TestSessionsInBulk(t *testing.T) {
	ctx := context.Background()
	db := openBotDB(t)
	rows := make([]store.SessionRow, 450) // more than one statement's worth
	keys := make([][]byte, 0, len(rows)+1)
	for i := range rows {
		rows[i] = store.SessionRow{Key: []byte{byte(i >> 8), byte(i)}, State: []byte{byte(i)}}
		keys = append(keys, rows[i].Key)
	}
	keys = append(keys, []byte("none"))
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.PutSessions(ctx, rows) }); err != nil {
		t.Fatal(err)
	}
	got, err := db.SessionsIn(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("sessions = %d, want %d", len(got), len(rows))
	}
	one, err := db.Session(ctx, rows[300].Key)
	if err != nil || string(one) != string(got[string(rows[300].Key)]) {
		t.Fatalf("Session = %v (%v), want the bulk read's %v", one, err, got[string(rows[300].Key)])
	}
}
