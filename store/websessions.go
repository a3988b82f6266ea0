package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CreateWebSessionTx records a signed-in browser for userID under the SHA-256 of its cookie token.
func (tx *Tx) CreateWebSession(ctx context.Context, tokenHash []byte, userID int64) error {
	now := tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO web_sessions (token_hash, user_id, created_at, seen_at) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, now.Unix(), now.Unix())
	if err != nil {
		return fmt.Errorf("create web session: %w", err)
	}
	return nil
}

// WebSession is a signed-in browser and its account.
type WebSession struct {
	User      User
	CreatedAt time.Time
	SeenAt    time.Time
}

// WebSession returns the session under tokenHash with its account. A session of a disabled
// account is ErrNotFound, as is one that has expired: an expired session is one not seen
// since idleSince or created before createdSince.
func (db *DB) WebSession(ctx context.Context, tokenHash []byte, idleSince, createdSince time.Time) (WebSession, error) {
	var (
		s             WebSession
		created, seen int64
		userID        int64
	)
	err := db.read.QueryRowContext(ctx, `SELECT s.user_id, s.created_at, s.seen_at FROM web_sessions s
		JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.seen_at >= ? AND s.created_at >= ? AND u.disabled_at IS NULL`,
		tokenHash, idleSince.Unix(), createdSince.Unix()).Scan(&userID, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return WebSession{}, ErrNotFound
	}
	if err != nil {
		return WebSession{}, fmt.Errorf("read web session: %w", err)
	}
	s.CreatedAt, s.SeenAt = time.Unix(created, 0), time.Unix(seen, 0)
	if s.User, err = db.User(ctx, userID); err != nil {
		return WebSession{}, err
	}
	return s, nil
}

// TouchWebSession marks the session under tokenHash as seen at now.
func (db *DB) TouchWebSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	return db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE web_sessions SET seen_at = ? WHERE token_hash = ?`, now.Unix(), tokenHash); err != nil {
			return fmt.Errorf("touch web session: %w", err)
		}
		return nil
	})
}

// DeleteWebSession signs the browser under tokenHash out. Deleting a missing one is not an error.
func (db *DB) DeleteWebSession(ctx context.Context, tokenHash []byte) error {
	return db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE token_hash = ?`, tokenHash); err != nil {
			return fmt.Errorf("delete web session: %w", err)
		}
		return nil
	})
}

// ExpireWebSessions deletes every session not seen since idleSince or created before
// createdSince, and says how many it deleted.
func (db *DB) ExpireWebSessions(ctx context.Context, idleSince, createdSince time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE seen_at < ? OR created_at < ?`,
			idleSince.Unix(), createdSince.Unix())
		if err != nil {
			return fmt.Errorf("expire web sessions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
