package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CheckWritable proves the database takes writes: it takes the write lock and rewrites the
// header's user_version with the value it has, which changes nothing but touches the file.
func (db *DB) CheckWritable(ctx context.Context) error {
	return db.Write(ctx, func(tx *Tx) error {
		var v int64
		if err := tx.tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return fmt.Errorf("check database: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v)); err != nil {
			return fmt.Errorf("check database: %w", err)
		}
		return nil
	})
}

// OutboxDepth is how many requests wait for Telegram and when the oldest was queued (zero
// when none waits).
func (db *DB) OutboxDepth(ctx context.Context) (n int, oldest time.Time, err error) {
	var first sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM outbox`).Scan(&n, &first); err != nil {
		return 0, time.Time{}, fmt.Errorf("outbox depth: %w", err)
	}
	if first.Valid {
		oldest = time.Unix(first.Int64, 0)
	}
	return n, oldest, nil
}
