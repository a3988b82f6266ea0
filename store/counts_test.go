package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

func TestWeek(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC), "2026-W48"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "2026-W53"},
		{time.Date(2026, 1, 1, 0, 30, 0, 0, time.FixedZone("BST", 3600)), "2026-W01"},
	}
	for _, tt := range tests {
		if got := store.Week(tt.at); got != tt.want {
			t.Errorf("Week(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestCountTx(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	add := func(week, lang, need, event string) error {
		return db.Write(ctx, func(tx *store.Tx) error { return tx.Count(ctx, week, lang, need, event) })
	}
	for range 3 {
		if err := add("2026-W48", "es", "domestic_abuse", store.EventStarted); err != nil {
			t.Fatal(err)
		}
	}
	if err := add("2026-W48", "pt-BR", "", store.EventReferralsShown); err != nil {
		t.Fatal(err)
	}
	if err := db.Count(ctx, "2026-W40", "en", "witness", store.EventHandoffOpened); err != nil {
		t.Fatal(err)
	}
	refused := []struct{ name, week, lang, need, event string }{
		{"unknown event", "2026-W48", "es", "", "message"},
		{"free text as need", "2026-W48", "es", "my boss hits me", store.EventStarted},
		{"free text as language", "2026-W48", "hola amigo", "", store.EventStarted},
		{"not a week", "2026-48", "es", "", store.EventStarted},
		{"week 54", "2026-W54", "es", "", store.EventStarted},
	}
	for _, tt := range refused {
		if err := add(tt.week, tt.lang, tt.need, tt.event); err == nil {
			t.Errorf("%s: CountTx accepted %q %q %q %q", tt.name, tt.week, tt.lang, tt.need, tt.event)
		}
	}
	got, err := db.Counts(ctx, "2026-W41")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Count{
		{Week: "2026-W48", Lang: "es", Need: "domestic_abuse", Event: store.EventStarted, N: 3},
		{Week: "2026-W48", Lang: "pt-BR", Need: "", Event: store.EventReferralsShown, N: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Counts = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Counts[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestCountRollsBackWithItsTransaction(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.Count(ctx, "2026-W48", "es", "", store.EventStarted); err != nil {
			return err
		}
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("the transaction did not fail")
	}
	got, err := db.Counts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("a rolled-back count was kept: %v", got)
	}
}
