package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrReverted is returned when a change that was reverted already is reverted again.
var ErrReverted = errors.New("the change was reverted already")

// Change is one field of a subject before and after a volunteer's edit, as text.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// AuditEntry is one volunteer's action on the web pages.
type AuditEntry struct {
	ID         int64
	At         time.Time
	UserID     int64  // 0 once the account is gone
	Actor      string // the account's email at the time
	Action     string // e.g. "listing.update", "listing.verify", "user.invite"
	Subject    string // what was changed, e.g. "listing:lawrs"
	Label      string // a name for the subject at the time, for people to read
	Changes    []Change
	RevertOf   int64 // the entry this one reverted, or 0
	RevertedBy int64 // the entry that reverted this one, or 0
}

// AuditTx records e inside the transaction that made the change, so the trail and the data
// cannot disagree. It returns the entry's id. At, Actor, Action and Subject are required.
func (tx *Tx) Audit(ctx context.Context, e AuditEntry) (int64, error) {
	if e.At.IsZero() || e.Actor == "" || e.Action == "" || e.Subject == "" {
		return 0, errors.New("audit: time, actor, action and subject are required")
	}
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO audit (at, user_id, actor, action, subject, label, changes, revert_of)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.At.Unix(), nullID(e.UserID), e.Actor, e.Action, e.Subject, e.Label, string(changes), nullID(e.RevertOf))
	if err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	if e.RevertOf != 0 {
		res, err := tx.tx.ExecContext(ctx, `UPDATE audit SET reverted_by = ? WHERE id = ? AND reverted_by IS NULL`, id, e.RevertOf)
		if err != nil {
			return 0, fmt.Errorf("audit: mark reverted: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, fmt.Errorf("audit: mark reverted: %w", err)
		} else if n == 0 {
			return 0, fmt.Errorf("audit: revert %d: %w", e.RevertOf, ErrReverted)
		}
	}
	return id, nil
}

// AuditEntry returns the entry with id, or ErrNotFound.
func (db *DB) AuditEntry(ctx context.Context, id int64) (AuditEntry, error) {
	return scanAudit(db.read.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE id = ?`, id))
}

// AuditTrail returns up to limit entries, newest first, older than entry beforeID (0: from the
// newest). With subject set, only that subject's entries.
func (db *DB) AuditTrail(ctx context.Context, subject string, beforeID int64, limit int) ([]AuditEntry, error) {
	return db.auditTrail(ctx, `(? = '' OR subject = ?)`, subject, beforeID, limit)
}

// AuditTrailUnder is AuditTrail for every subject that starts with prefix ("listing:").
func (db *DB) AuditTrailUnder(ctx context.Context, prefix string, beforeID int64, limit int) ([]AuditEntry, error) {
	return db.auditTrail(ctx, `substr(subject, 1, length(?)) = ?`, prefix, beforeID, limit)
}

// auditTrail reads entries where which (with two parameters, both the subject) holds.
func (db *DB) auditTrail(ctx context.Context, which, subject string, beforeID int64, limit int) ([]AuditEntry, error) {
	q := `SELECT ` + auditColumns + ` FROM audit WHERE ` + which + ` AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`
	rows, err := db.read.QueryContext(ctx, q, subject, subject, beforeID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit trail: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit trail: %w", err)
	}
	return out, nil
}

const auditColumns = `id, at, user_id, actor, action, subject, label, changes, revert_of, reverted_by`

func scanAudit(row rowScanner) (AuditEntry, error) {
	var (
		e                            AuditEntry
		at                           int64
		userID, revertOf, revertedBy sql.NullInt64
		changes                      string
	)
	err := row.Scan(&e.ID, &at, &userID, &e.Actor, &e.Action, &e.Subject, &e.Label, &changes, &revertOf, &revertedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return AuditEntry{}, ErrNotFound
	}
	if err != nil {
		return AuditEntry{}, fmt.Errorf("read audit entry: %w", err)
	}
	if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
		return AuditEntry{}, fmt.Errorf("read audit entry %d: %w", e.ID, err)
	}
	e.At = time.Unix(at, 0)
	e.UserID, e.RevertOf, e.RevertedBy = userID.Int64, revertOf.Int64, revertedBy.Int64
	return e, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
