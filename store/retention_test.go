package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

var testPeriods = store.Periods{SessionIdle: 24 * time.Hour, CaseForget: 7 * 24 * time.Hour}

// Ensure every row of the retention table is kept until its limit and is gone once the
// janitor runs past it, by a fake clock.
func TestRetentionForgetsEveryRowPastItsLimit(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	puts := retentionRows(ctx, t0)
	keys, err := store.NewKeys([]byte("a secret of at least thirty-two bytes, for tests"))
	if err != nil {
		t.Fatal(err)
	}
	rules := store.Retention(testPeriods)
	for _, r := range rules {
		t.Run(r.Name, func(t *testing.T) {
			put, ok := puts[r.Name]
			if !ok {
				t.Fatalf("no test row for the retention rule %q", r.Name)
			}
			now := t0
			db := MustOpen(t).WithClock(func() time.Time { return now })
			var from time.Time
			if err := db.Write(ctx, func(tx *store.Tx) (err error) { from, err = put(tx, keys); return err }); err != nil {
				t.Fatal(err)
			}
			count := func() int64 {
				rows, err := db.Inspect(ctx, `SELECT count(*) FROM `+r.Table)
				if err != nil {
					t.Fatal(err)
				}
				return rows[0][0].(int64)
			}
			for _, step := range []struct {
				at   time.Time
				want int64
			}{{from.Add(r.Keep - time.Second), 1}, {from.Add(r.Keep + time.Second), 0}} {
				now = step.at
				gone, err := db.Prune(ctx, rules)
				if err != nil {
					t.Fatal(err)
				}
				if got := count(); got != step.want {
					t.Errorf("%s rows at %s past the start: %d, want %d (janitor forgot %v)", r.Table, now.Sub(from), got, step.want, gone)
				}
			}
		})
	}
}

// retentionRows writes, for each rule of the retention table by name, one row the rule is
// about at t0, and says when the rule starts counting for it.
func retentionRows(ctx context.Context, t0 time.Time) map[string]func(tx *store.Tx, keys *store.Keys) (time.Time, error) {
	return map[string]func(tx *store.Tx, keys *store.Keys) (time.Time, error){
		"sessions": func(tx *store.Tx, _ *store.Keys) (time.Time, error) {
			return t0, tx.PutSessions(ctx, []store.SessionRow{{Key: []byte("k"), State: []byte("s")}})
		},
		"update_ids": func(tx *store.Tx, _ *store.Keys) (time.Time, error) {
			return t0, tx.MarkUpdates(ctx, []int64{1})
		},
		"closed_cases": func(tx *store.Tx, _ *store.Keys) (time.Time, error) {
			c := store.Case{ID: "c", Code: "K7Q2-94", ListingID: "l", GroupKey: []byte("g"), ThreadID: 1, OpenedAt: t0}
			if err := tx.OpenCase(ctx, c); err != nil {
				return t0, err
			}
			_, err := tx.CloseCase(ctx, c.ID)
			return t0, err
		},
		"link_codes": func(tx *store.Tx, keys *store.Keys) (time.Time, error) {
			_, err := tx.CreateLinkCode(ctx, keys, "l")
			return t0.Add(store.LinkCodeTTL), err
		},
		"web_sessions": func(tx *store.Tx, _ *store.Keys) (time.Time, error) {
			u, err := tx.CreateUser(ctx, "ana@example.org", store.RoleEditor)
			if err != nil {
				return t0, err
			}
			return t0, tx.CreateWebSession(ctx, hash("browser"), u.ID)
		},
		"invites": func(tx *store.Tx, _ *store.Keys) (time.Time, error) {
			u, err := tx.CreateUser(ctx, "bo@example.org", store.RoleEditor)
			if err != nil {
				return t0, err
			}
			return t0.Add(24 * time.Hour), tx.CreateInvite(ctx, hash("link"), u.ID, t0, t0.Add(24*time.Hour))
		},
	}
}

// Ensure NextExpiry says, for each rule of the retention table, the first moment at which
// Prune forgets the row it is about (a second earlier it keeps it), and nothing when no row
// is stored.
func TestNextExpiryIsWhenPruneForgets(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	puts := retentionRows(ctx, t0)
	keys, rules := mustKeys(t, "a secret of at least thirty-two bytes, for tests"), store.Retention(testPeriods)
	for _, r := range rules {
		t.Run(r.Name, func(t *testing.T) {
			now := t0
			db := MustOpen(t).WithClock(func() time.Time { return now })
			if _, ok, err := db.NextExpiry(ctx, rules); err != nil || ok {
				t.Fatalf("NextExpiry of an empty database = %v, %v; want nothing", ok, err)
			}
			var from time.Time
			if err := db.Write(ctx, func(tx *store.Tx) (err error) { from, err = puts[r.Name](tx, keys); return err }); err != nil {
				t.Fatal(err)
			}
			next, ok, err := db.NextExpiry(ctx, rules)
			if err != nil || !ok {
				t.Fatalf("NextExpiry = %v, %v; want a time", ok, err)
			}
			if d := next.Sub(from.Add(r.Keep)); d <= 0 || d > time.Second {
				t.Errorf("NextExpiry = from + Keep + %s, want within the second after", d)
			}
			for _, step := range []struct {
				at   time.Time
				want int64
			}{{next.Add(-time.Second), 1}, {next, 0}} {
				now = step.at
				if _, err := db.Prune(ctx, rules); err != nil {
					t.Fatal(err)
				}
				rows, err := db.Inspect(ctx, `SELECT count(*) FROM `+r.Table)
				if err != nil {
					t.Fatal(err)
				}
				if got := rows[0][0].(int64); got != step.want {
					t.Errorf("%s rows at NextExpiry%+v: %d, want %d", r.Table, now.Sub(next), got, step.want)
				}
			}
		})
	}
}

// Ensure docs/privacy.md says, for each table the retention table prunes, the setting that
// sets the period or, when fixed, the period itself.
func TestPrivacyDocMatchesRetention(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "privacy.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range store.Retention(testPeriods) {
		section := regexp.MustCompile("(?s)\n### `" + r.Table + "`\n(.*?)(\n##|$)").FindSubmatch(doc)
		if section == nil {
			t.Errorf("docs/privacy.md has no section for %s", r.Table)
			continue
		}
		want := r.Setting
		if want == "" {
			want = spoken(r.Keep)
		}
		if !strings.Contains(string(section[1]), want) {
			t.Errorf("docs/privacy.md, %s: does not say %q (%s)", r.Table, want, r.What)
		}
	}
}

// spoken is a period as docs/privacy.md writes it.
func spoken(d time.Duration) string {
	switch {
	case d == 24*time.Hour:
		return "a day"
	case d < 72*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
}
