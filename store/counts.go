package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Events that are counted. The set is closed so that nothing free-form, and so nothing about
// a person, can end up in the counts table.
const (
	EventStarted        = "started"         // a conversation began
	EventPathChosen     = "path_chosen"     // a need was chosen
	EventReferralsShown = "referrals_shown" // a referral list was shown
	EventHandoffOpened  = "handoff_opened"  // a case was opened with an organisation
	EventHandoffClosed  = "handoff_closed"  // a case ended
)

// CountEvents lists the counted events in the order reports show them.
var CountEvents = []string{EventStarted, EventPathChosen, EventReferralsShown, EventHandoffOpened, EventHandoffClosed}

var (
	countWeek = regexp.MustCompile(`^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$`)
	countLang = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	countNeed = regexp.MustCompile(`^[a-z][a-z_]{0,31}$`)
)

// Week is the ISO week of t in UTC, as counts are kept: "2026-W48".
func Week(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// Count is one row of the counts table.
type Count struct {
	Week, Lang, Need, Event string
	N                       int64
}

// CountTx adds one to the count of event for week (see Week), language and need, inside the
// caller's transaction, so a count is kept exactly when the work it counts is. need is "" when
// none was chosen. Anything that is not a known event, a language tag or a need code is
// refused rather than stored.
func (tx *Tx) Count(ctx context.Context, week, lang, need, event string) error {
	if !slices.Contains(CountEvents, event) {
		return fmt.Errorf("count: unknown event %q", event)
	}
	if !countWeek.MatchString(week) {
		return fmt.Errorf("count: %q is not an ISO week", week)
	}
	if !countLang.MatchString(lang) {
		return fmt.Errorf("count: %q is not a language tag", lang)
	}
	if need != "" && !countNeed.MatchString(need) {
		return fmt.Errorf("count: %q is not a need code", need)
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO counts (week, lang, need, event, n) VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (week, lang, need, event) DO UPDATE SET n = n + 1`, week, lang, need, event)
	if err != nil {
		return fmt.Errorf("count %s: %w", event, err)
	}
	return nil
}

// Count is CountTx in a transaction of its own.
func (db *DB) Count(ctx context.Context, week, lang, need, event string) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.Count(ctx, week, lang, need, event) })
}

// Counts returns every count from week sinceWeek on (inclusive), newest week first.
func (db *DB) Counts(ctx context.Context, sinceWeek string) ([]Count, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT week, lang, need, event, n FROM counts
		WHERE week >= ? ORDER BY week DESC, lang, need, event`, sinceWeek)
	if err != nil {
		return nil, fmt.Errorf("read counts: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Week, &c.Lang, &c.Need, &c.Event, &c.N); err != nil {
			return nil, fmt.Errorf("read counts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read counts: %w", err)
	}
	return out, nil
}
