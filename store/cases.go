package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Case is one conversation between a person and an organisation, held in a forum topic of
// the organisation's group. PersonKey is the lookup HMAC of the person's chat and Person
// the sealed chat id; both are nil once the person is forgotten.
type Case struct {
	ID        string
	Code      string
	ListingID string
	Lang      string // the person's language, as the organisation was told
	Need      string // the need code, "" when none was chosen
	GroupKey  []byte
	ThreadID  int64 // the forum topic; 0 while the case waits for it (WaitingForTopic)
	PersonKey []byte
	Person    []byte
	Rated     bool  // the person said whether it helped
	Shared    int64 // the topic's message holding the username the person shared; 0 for none, SharePending on its way
	OpenedAt  time.Time
	ActiveAt  time.Time
	Closed    bool
}

// SharePending is Case.Shared while the username a person chose to share is on its way to
// the topic: the message's id is recorded when Telegram has it.
const SharePending = -1

// WaitingForTopic says the case's topic is still being made: what is sent to the group for
// it waits behind that request.
func (c Case) WaitingForTopic() bool { return c.ThreadID == 0 }

const caseColumns = `id, code, listing_id, lang, need, group_key, thread_id, person_key, person, rated, shared, opened_at, active_at, closed_at`

func scanCase(row rowScanner) (Case, error) {
	var c Case
	var opened, active int64
	var closed sql.NullInt64
	err := row.Scan(&c.ID, &c.Code, &c.ListingID, &c.Lang, &c.Need, &c.GroupKey, &c.ThreadID, &c.PersonKey, &c.Person, &c.Rated, &c.Shared, &opened, &active, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, ErrNotFound
	}
	if err != nil {
		return Case{}, fmt.Errorf("read case: %w", err)
	}
	c.OpenedAt, c.ActiveAt, c.Closed = time.Unix(opened, 0), time.Unix(active, 0), closed.Valid
	return c, nil
}

// OpenCaseTx records a new open case. It returns ErrExists if the code is taken, so the
// caller can draw another.
func (tx *Tx) OpenCase(ctx context.Context, c Case) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE code = ?`, c.Code).Scan(&n); err != nil {
		return fmt.Errorf("open case: %w", err)
	}
	if n > 0 {
		return ErrExists
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO cases (id, code, listing_id, lang, need, group_key, thread_id, person_key, person, opened_at, active_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Code, c.ListingID, c.Lang, c.Need, c.GroupKey, c.ThreadID, c.PersonKey, c.Person, c.OpenedAt.Unix(), c.OpenedAt.Unix())
	if err != nil {
		return fmt.Errorf("open case: %w", err)
	}
	return nil
}

// OpenCasesOf returns the open cases of the people under keys, by string(person key): one
// query for a whole batch of updates, on the writer's connection (see DB.write).
func (db *DB) OpenCasesOf(ctx context.Context, keys [][]byte) (map[string]Case, error) {
	out := make(map[string]Case)
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		cs, err := queryCases(ctx, db.write, `SELECT `+caseColumns+` FROM cases WHERE closed_at IS NULL AND person_key IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[string(c.PersonKey)] = c
		}
	}
	return out, nil
}

// CaseByTopic returns the case held in the group's topic, open or closed, or ErrNotFound.
func (db *DB) CaseByTopic(ctx context.Context, groupKey []byte, threadID int64) (Case, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE group_key = ? AND thread_id = ?`, groupKey, threadID)
	return scanCase(row)
}

// OpenCasesOfGroup returns the open cases of the group under groupKey.
func (db *DB) OpenCasesOfGroup(ctx context.Context, groupKey []byte) ([]Case, error) {
	return db.cases(ctx, `SELECT `+caseColumns+` FROM cases WHERE group_key = ? AND closed_at IS NULL ORDER BY opened_at`, groupKey)
}

// IdleCases returns up to limit open cases with no message since since.
func (db *DB) IdleCases(ctx context.Context, since time.Time, limit int) ([]Case, error) {
	return db.cases(ctx, `SELECT `+caseColumns+` FROM cases WHERE closed_at IS NULL AND active_at < ? ORDER BY active_at LIMIT ?`, since.Unix(), limit)
}

func (db *DB) cases(ctx context.Context, query string, args ...any) ([]Case, error) {
	return queryCases(ctx, db.read, query, args...)
}

// queryCases reads the cases a query selects (with caseColumns), from the read pool or
// inside a transaction.
func queryCases(ctx context.Context, q querier, query string, args ...any) ([]Case, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read cases: %w", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cases: %w", err)
	}
	return out, nil
}

// CaseOpenTx reports whether the case is still open, inside a transaction that is about to
// send something for it.
func (tx *Tx) CaseOpen(ctx context.Context, id string) (bool, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE id = ? AND closed_at IS NULL`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("read case: %w", err)
	}
	return n == 1, nil
}

// TouchCaseTx marks the case active at now (a message went through it).
func (tx *Tx) TouchCase(ctx context.Context, id string) error {
	now := tx.now
	if _, err := tx.tx.ExecContext(ctx, `UPDATE cases SET active_at = max(active_at, ?) WHERE id = ?`, now.Unix(), id); err != nil {
		return fmt.Errorf("touch case: %w", err)
	}
	return nil
}

// SetCaseShared records the message holding the username the person shared (0: none now).
func (tx *Tx) SetCaseShared(ctx context.Context, id string, messageID int64) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE cases SET shared = ? WHERE id = ?`, messageID, id); err != nil {
		return fmt.Errorf("record shared username: %w", err)
	}
	return nil
}

// CloseCaseTx closes the case at now. It reports whether the case was open, so a close
// that happens twice (say, /close and /end at once) is acted on once.
func (tx *Tx) CloseCase(ctx context.Context, id string) (bool, error) {
	now := tx.now
	res, err := tx.tx.ExecContext(ctx, `UPDATE cases SET closed_at = ? WHERE id = ? AND closed_at IS NULL`, now.Unix(), id)
	if err != nil {
		return false, fmt.Errorf("close case: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("close case: %w", err)
	}
	return n == 1, nil
}

// ForgetCasePerson forgets who the case belonged to: the person left or blocked the bot. It
// returns the message that held the username they shared, if one was recorded (see Unshare),
// so it can be deleted.
func (tx *Tx) ForgetCasePerson(ctx context.Context, id string) (shared int64, err error) {
	if shared, err = tx.Unshare(ctx, id); err != nil {
		return 0, err
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE cases SET person_key = NULL, person = NULL WHERE id = ?`, id); err != nil {
		return 0, fmt.Errorf("forget case person: %w", err)
	}
	return shared, nil
}

// SetCaseTopic records the topic Telegram made for a case that was waiting for it.
func (tx *Tx) SetCaseTopic(ctx context.Context, id string, threadID int64) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE cases SET thread_id = ? WHERE id = ? AND thread_id = 0`, threadID, id); err != nil {
		return fmt.Errorf("record case topic: %w", err)
	}
	return nil
}

// RecordShare records the message that carried a person's username to their case's topic and
// reports whether it may stay: only while the case is open and the share was not taken back
// (or forgotten) meanwhile. When it may not, the share is marked as none, and the caller
// deletes the message.
func (tx *Tx) RecordShare(ctx context.Context, id string, messageID int64) (bool, error) {
	res, err := tx.tx.ExecContext(ctx, `UPDATE cases SET shared = ? WHERE id = ? AND shared = ? AND closed_at IS NULL`, messageID, id, SharePending)
	if err != nil {
		return false, fmt.Errorf("record shared username: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	return false, tx.ShareFailed(ctx, id)
}

// Unshare records that the person took their username back from the case, and returns the
// message that held it (0 or SharePending if none was recorded yet). It reads inside the
// write transaction, so a share recorded since the person's case was read is not missed.
func (tx *Tx) Unshare(ctx context.Context, id string) (int64, error) {
	var shared int64
	if err := tx.tx.QueryRowContext(ctx, `SELECT shared FROM cases WHERE id = ?`, id).Scan(&shared); err != nil {
		return 0, fmt.Errorf("read shared username: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE cases SET shared = 0 WHERE id = ?`, id); err != nil {
		return 0, fmt.Errorf("take back shared username: %w", err)
	}
	return shared, nil
}

// ShareFailed marks a share that was on its way as none.
func (tx *Tx) ShareFailed(ctx context.Context, id string) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE cases SET shared = 0 WHERE id = ? AND shared = ?`, id, SharePending); err != nil {
		return fmt.Errorf("record shared username: %w", err)
	}
	return nil
}

// Case returns the case with the id, open or closed, or ErrNotFound.
func (tx *Tx) Case(ctx context.Context, id string) (Case, error) {
	return scanCase(tx.tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
}

// CaseTopics returns the topics of the cases with the ids that have one, by case id.
func (db *DB) CaseTopics(ctx context.Context, ids []string) (map[string]int64, error) {
	out := make(map[string]int64)
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		cs, err := db.cases(ctx, `SELECT `+caseColumns+` FROM cases WHERE thread_id != 0 AND id IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.ID] = c.ThreadID
		}
	}
	return out, nil
}

// SharedClosedCasesTx returns the person's closed cases that still show the username they
// shared, so leaving can take it back.
func (tx *Tx) SharedClosedCases(ctx context.Context, personKey []byte) ([]Case, error) {
	return queryCases(ctx, tx.tx, `SELECT `+caseColumns+` FROM cases WHERE person_key = ? AND shared > 0 AND closed_at IS NOT NULL`, personKey)
}

// ForgetClosedCases deletes every case closed before before and says how many it deleted.
func (db *DB) ForgetClosedCases(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM cases WHERE closed_at IS NOT NULL AND closed_at < ?`, before.Unix())
		if err != nil {
			return fmt.Errorf("forget closed cases: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// RateCaseTx records whether the closed case helped, in this week's aggregate count only. It
// reports false (and counts nothing) unless the case is the person's, closed, and not rated
// yet.
func (tx *Tx) RateCase(ctx context.Context, id string, personKey []byte, week string, helpful bool) (bool, error) {
	if !countWeek.MatchString(week) {
		return false, fmt.Errorf("rate case: bad week %q", week)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE cases SET rated = 1 WHERE id = ? AND person_key = ? AND rated = 0 AND closed_at IS NOT NULL`, id, personKey)
	if err != nil {
		return false, fmt.Errorf("rate case: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	h := 0
	if helpful {
		h = 1
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO case_ratings (week, helpful, n) VALUES (?, ?, 1)
		ON CONFLICT (week, helpful) DO UPDATE SET n = n + 1`, week, h)
	if err != nil {
		return false, fmt.Errorf("rate case: %w", err)
	}
	return true, nil
}

// CaseRating is one week's ratings of closed cases.
type CaseRating struct {
	Week               string
	Helpful, Unhelpful int64
}

// CaseRatings returns the ratings of every week, oldest first.
func (db *DB) CaseRatings(ctx context.Context) ([]CaseRating, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT week, sum(CASE WHEN helpful = 1 THEN n ELSE 0 END), sum(CASE WHEN helpful = 0 THEN n ELSE 0 END)
		FROM case_ratings GROUP BY week ORDER BY week`)
	if err != nil {
		return nil, fmt.Errorf("read case ratings: %w", err)
	}
	defer rows.Close()
	var out []CaseRating
	for rows.Next() {
		var r CaseRating
		if err := rows.Scan(&r.Week, &r.Helpful, &r.Unhelpful); err != nil {
			return nil, fmt.Errorf("read case ratings: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read case ratings: %w", err)
	}
	return out, nil
}
