package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// OutboxRow is a request to the Bot API waiting to be confirmed by Telegram. Request is
// sealed: the store never sees a chat id or a text.
type OutboxRow struct {
	ID      int64
	ChatKey []byte
	Request []byte
}

// EnqueueTx adds a sealed request for the chat under chatKey and returns its id, which
// orders it after every request queued before it.
func EnqueueTx(ctx context.Context, tx *sql.Tx, chatKey, request []byte, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (chat_key, request, created_at) VALUES (?, ?, ?)`,
		chatKey, request, now.Unix())
	if err != nil {
		return 0, fmt.Errorf("queue request: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("queue request: %w", err)
	}
	return id, nil
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
func DeleteOutboxTx(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return fmt.Errorf("delete sent requests: %w", err)
	}
	return nil
}

// DeleteChatOutboxTx removes every waiting request for the chat under chatKey.
func DeleteChatOutboxTx(ctx context.Context, tx *sql.Tx, chatKey []byte) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE chat_key = ?`, chatKey); err != nil {
		return fmt.Errorf("drop a chat's requests: %w", err)
	}
	return nil
}
