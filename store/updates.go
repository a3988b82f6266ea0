package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// SeenUpdates says which of ids were already handled.
func (db *DB) SeenUpdates(ctx context.Context, ids []int64) (map[int64]bool, error) {
	seen := make(map[int64]bool)
	if len(ids) == 0 {
		return seen, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx,
		`SELECT update_id FROM updates WHERE update_id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read handled updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read handled updates: %w", err)
		}
		seen[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read handled updates: %w", err)
	}
	return seen, nil
}

// LastUpdate is the highest update id recorded as handled (0 when none is): SeenUpdates finds
// no id above it until MarkUpdates records one.
func (db *DB) LastUpdate(ctx context.Context) (int64, error) {
	var id int64
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(update_id), 0) FROM updates`).Scan(&id); err != nil {
		return 0, fmt.Errorf("read last handled update: %w", err)
	}
	return id, nil
}

// MarkUpdatesTx records ids as handled, in the transaction that holds their effects.
func (tx *Tx) MarkUpdates(ctx context.Context, ids []int64) error {
	now := tx.now
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(ids))
	for _, id := range ids {
		args = append(args, id, now.Unix())
	}
	_, err := tx.tx.ExecContext(ctx,
		`INSERT OR IGNORE INTO updates (update_id, seen_at) VALUES (?, ?)`+strings.Repeat(",(?, ?)", len(ids)-1), args...)
	if err != nil {
		return fmt.Errorf("record handled updates: %w", err)
	}
	return nil
}

// PruneUpdates forgets update ids handled before before and says how many it forgot.
func (db *DB) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM updates WHERE seen_at < ?`, before.Unix())
		if err != nil {
			return fmt.Errorf("prune handled updates: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
