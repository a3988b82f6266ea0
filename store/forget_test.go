package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

// Ensure ForgetPerson leaves nothing about the person but the ids of messages still to be
// deleted, and touches no one else.
func TestForgetPerson(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for _, who := range []string{"person", "someone else"} {
		key := []byte(who)
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.PutSessions(ctx, []store.SessionRow{{Key: key, State: []byte("sealed state")}}); err != nil {
				return err
			}
			if _, err := tx.EnqueueAll(ctx, []store.OutboxRow{{ChatKey: key, Request: []byte("sealed request")}}); err != nil {
				return err
			}
			if err := tx.TrackMessages(ctx, []store.TrackedMessage{{ChatKey: key, Chat: []byte("sealed chat"), MessageID: 1}}, now); err != nil {
				return err
			}
			return tx.OpenCase(ctx, store.Case{ID: who, Code: who, ListingID: "l", GroupKey: []byte("g"), ThreadID: int64(len(who)),
				PersonKey: key, Person: []byte("sealed person"), OpenedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.ForgetPerson(ctx, []byte("person")) }); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query      string
		want, kept int64 // rows about the person, rows about someone else
	}{
		{`SELECT count(*) FROM sessions WHERE key = ?`, 0, 1},
		{`SELECT count(*) FROM outbox WHERE chat_key = ?`, 0, 1},
		{`SELECT count(*) FROM cases WHERE person_key = ? OR (id = CAST(? AS TEXT) AND (person IS NOT NULL OR shared != 0))`, 0, 1},
		{`SELECT count(*) FROM messages WHERE chat_key = ?`, 1, 1},
	} {
		for who, want := range map[string]int64{"person": tt.want, "someone else": tt.kept} {
			rows, err := db.Inspect(ctx, tt.query, []byte(who), who)
			if err != nil {
				t.Fatal(err)
			}
			if got := rows[0][0].(int64); got != want {
				t.Errorf("%s for %s: got %d, want %d", tt.query, who, got, want)
			}
		}
	}
}
