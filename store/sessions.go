package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session returns the sealed state stored under key, or ErrNotFound.
func (db *DB) Session(ctx context.Context, key []byte) ([]byte, error) {
	var state []byte
	err := db.read.QueryRowContext(ctx, `SELECT state FROM sessions WHERE key = ?`, key).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return state, nil
}

// PutSession stores the sealed state under key and marks the session as seen at now.
func (db *DB) PutSession(ctx context.Context, key, sealed []byte, now time.Time) error {
	return db.writeAt(ctx, now, func(tx *Tx) error {
		return tx.PutSession(ctx, key, sealed)
	})
}

// PutSessionTx is PutSession inside a caller's transaction, for callers that batch work.
func (tx *Tx) PutSession(ctx context.Context, key, sealed []byte) error {
	now := tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (key, state, seen_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET state = excluded.state, seen_at = excluded.seen_at`,
		key, sealed, now.Unix())
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// DeleteSession forgets the session under key. Forgetting one that does not exist is not an error.
func (db *DB) DeleteSession(ctx context.Context, key []byte) error {
	return db.Write(ctx, func(tx *Tx) error {
		return tx.DeleteSession(ctx, key)
	})
}

// DeleteSessionTx is DeleteSession inside a caller's transaction.
func (tx *Tx) DeleteSession(ctx context.Context, key []byte) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE key = ?`, key); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// ExpireSessions forgets every session not seen since idleSince and says how many it forgot.
func (db *DB) ExpireSessions(ctx context.Context, idleSince time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE seen_at < ?`, idleSince.Unix())
		if err != nil {
			return fmt.Errorf("expire sessions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
