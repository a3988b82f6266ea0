package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// How long the rows with a fixed period are kept past their use.
const (
	// UpdatesKept is how long a handled update's id is remembered: Telegram keeps an
	// unconfirmed update for 24 h, so twice that means a repeat is always recognised.
	UpdatesKept = 48 * time.Hour
	// LinkCodeGrace and InviteGrace keep a code or a link a day past its expiry, so someone
	// using a stale one hears "expired", not "unknown".
	LinkCodeGrace = 24 * time.Hour
	InviteGrace   = 24 * time.Hour
	// WebSessionIdle and WebSessionMax end a volunteer's browser session.
	WebSessionIdle = 12 * time.Hour
	WebSessionMax  = 7 * 24 * time.Hour
)

// Periods are the retention periods an operator sets.
type Periods struct {
	SessionIdle time.Duration // PUENTE_SESSION_IDLE: a conversation with no activity
	CaseForget  time.Duration // PUENTE_CASE_FORGET: a closed case
}

// A Rule is one line of the retention table: what is kept, how long, and which setting
// changes that. docs/privacy.md is checked against the table.
type Rule struct {
	Name    string        // what goes, as the janitor's metric names it
	Table   string        // the table whose rows go
	What    string        // which rows, in words
	Keep    time.Duration // how long past the time the rule counts from
	Setting string        // the variable that sets Keep; "" when fixed
	prune   func(db *DB, ctx context.Context, before time.Time) (int64, error)
	// oldest selects the earliest time (Unix seconds) a row of the table counts from, as
	// prune reads it, or NULL when there is none: when the next row goes is oldest + Keep.
	oldest string
}

// Retention is the retention table for the rows the store deletes by age. The rest go by an
// event, not a clock: a message id when the bot has deleted the message (PUENTE_DELETE_AFTER,
// which needs Telegram), a waiting request when it is sent, a person's rows with ForgetPerson.
func Retention(p Periods) []Rule {
	return []Rule{
		{"sessions", "sessions", "a conversation without activity", p.SessionIdle, "PUENTE_SESSION_IDLE", (*DB).ExpireSessions,
			`SELECT min(seen_at) FROM sessions`},
		{"update_ids", "updates", "a handled update's id", UpdatesKept, "", (*DB).PruneUpdates,
			`SELECT min(seen_at) FROM updates`},
		{"closed_cases", "cases", "a closed case", p.CaseForget, "PUENTE_CASE_FORGET", (*DB).ForgetClosedCases,
			`SELECT min(closed_at) FROM cases WHERE closed_at IS NOT NULL`},
		{"link_codes", "link_codes", "a link code past its expiry, used or not", LinkCodeGrace, "", (*DB).PruneLinkCodes,
			`SELECT min(expires_at) FROM link_codes`},
		{"web_sessions", "web_sessions", "a browser session without a request (and any after WebSessionMax)", WebSessionIdle, "",
			func(db *DB, ctx context.Context, before time.Time) (int64, error) {
				return db.ExpireWebSessions(ctx, before, before.Add(WebSessionIdle-WebSessionMax))
			},
			fmt.Sprintf(`SELECT min(min(seen_at, created_at + %d)) FROM web_sessions`, int64((WebSessionMax - WebSessionIdle).Seconds()))},
		{"invites", "invites", "a set-password link past its expiry or use", InviteGrace, "", (*DB).PruneInvites,
			`SELECT min(min(expires_at, coalesce(used_at, expires_at))) FROM invites`},
	}
}

// NextExpiry is the first time, by any clock, at which Prune with rules will forget a row
// stored now; ok is false when none of their tables holds a row.
func (db *DB) NextExpiry(ctx context.Context, rules []Rule) (next time.Time, ok bool, err error) {
	for _, r := range rules {
		var from sql.NullInt64
		if err := db.read.QueryRowContext(ctx, r.oldest).Scan(&from); err != nil {
			return time.Time{}, false, fmt.Errorf("find when %s is forgotten: %w", r.What, err)
		}
		if !from.Valid {
			continue
		}
		// Prune forgets rows that count from before now-Keep, in whole seconds: the first
		// moment that holds is one second past from+Keep.
		at := time.Unix(from.Int64+1, 0).Add(r.Keep)
		if !ok || at.Before(next) {
			next, ok = at, true
		}
	}
	return next, ok, nil
}

// Prune deletes every row the rules say has been kept long enough by the DB's clock, and
// returns how many went under each rule's name. It goes on past a rule that fails.
func (db *DB) Prune(ctx context.Context, rules []Rule) (map[string]int64, error) {
	now := db.now()
	gone := make(map[string]int64, len(rules))
	var errs []error
	for _, r := range rules {
		n, err := r.prune(db, ctx, now.Add(-r.Keep))
		if err != nil {
			errs = append(errs, fmt.Errorf("forget %s: %w", r.What, err))
		}
		gone[r.Name] += n
	}
	return gone, errors.Join(errs...)
}
