package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// OutboxRow is a request to the Bot API waiting to be confirmed by Telegram. Request is
// sealed: the store never sees a chat id or a text.
type OutboxRow struct {
	ID      int64
	ChatKey []byte
	Request []byte
}

// EnqueueAllTx queues sealed requests, in order, for the chats under their keys and returns
// their ids in the same order. It uses few statements, for callers that queue many at once.
func (tx *Tx) EnqueueAll(ctx context.Context, rows []OutboxRow) ([]int64, error) {
	now := tx.now
	ids := make([]int64, 0, len(rows))
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		args := make([]any, 0, 3*len(part))
		for _, r := range part {
			args = append(args, r.ChatKey, r.Request, now.Unix())
		}
		res, err := tx.tx.QueryContext(ctx, `INSERT INTO outbox (chat_key, request, created_at) VALUES (?, ?, ?)`+
			strings.Repeat(",(?, ?, ?)", len(part)-1)+` RETURNING id`, args...)
		if err != nil {
			return nil, fmt.Errorf("queue requests: %w", err)
		}
		got := make([]int64, 0, len(part))
		for res.Next() {
			var id int64
			if err := res.Scan(&id); err != nil {
				res.Close()
				return nil, fmt.Errorf("queue requests: %w", err)
			}
			got = append(got, id)
		}
		err = res.Err()
		res.Close()
		if err != nil {
			return nil, fmt.Errorf("queue requests: %w", err)
		}
		if len(got) != len(part) {
			return nil, fmt.Errorf("queue requests: %d ids for %d rows", len(got), len(part))
		}
		// RETURNING gives no order, but AUTOINCREMENT ids grow in the order rows are
		// inserted, so sorted ids line up with the rows.
		slices.Sort(got)
		ids = append(ids, got...)
	}
	return ids, nil
}

// Outbox returns every waiting request in the order it was queued.
func (db *DB) Outbox(ctx context.Context) ([]OutboxRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, chat_key, request FROM outbox ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		if err := rows.Scan(&r.ID, &r.ChatKey, &r.Request); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// DeleteOutboxTx removes the requests with the given ids: Telegram has them, or they are
// given up.
func (tx *Tx) DeleteOutbox(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM outbox WHERE id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return fmt.Errorf("delete sent requests: %w", err)
	}
	return nil
}
