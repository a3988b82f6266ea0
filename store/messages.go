package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TrackedMessage is a message of a private conversation that the bot will delete. Chat is the
// sealed chat id.
type TrackedMessage struct {
	ChatKey   []byte
	Chat      []byte
	MessageID int64
}

// TrackMessagesTx remembers messages to delete later, in few statements. Tracking one twice
// is not an error.
func (tx *Tx) TrackMessages(ctx context.Context, ms []TrackedMessage, sentAt time.Time) error {
	for start := 0; start < len(ms); start += chunk {
		part := ms[start:min(start+chunk, len(ms))]
		args := make([]any, 0, 4*len(part))
		for _, m := range part {
			args = append(args, m.ChatKey, m.MessageID, m.Chat, sentAt.Unix())
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT OR IGNORE INTO messages (chat_key, message_id, chat, sent_at) VALUES (?, ?, ?, ?)`+
			strings.Repeat(",(?, ?, ?, ?)", len(part)-1), args...)
		if err != nil {
			return fmt.Errorf("track messages: %w", err)
		}
	}
	return nil
}

// ChatMessagesTx returns the ids of every tracked message of the chat under chatKey, oldest first.
func (tx *Tx) ChatMessages(ctx context.Context, chatKey []byte) ([]int64, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT message_id FROM messages WHERE chat_key = ? ORDER BY message_id`, chatKey)
	if err != nil {
		return nil, fmt.Errorf("read tracked messages: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read tracked messages: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read tracked messages: %w", err)
	}
	return ids, nil
}

// ForgetChatMessagesTx stops tracking every message of the chat under chatKey.
func (tx *Tx) ForgetChatMessages(ctx context.Context, chatKey []byte) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM messages WHERE chat_key = ?`, chatKey); err != nil {
		return fmt.Errorf("forget tracked messages: %w", err)
	}
	return nil
}

// DueMessages returns up to limit tracked messages sent before before, grouped by chat.
func (db *DB) DueMessages(ctx context.Context, before time.Time, limit int) ([]TrackedMessage, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT chat_key, chat, message_id FROM messages
		WHERE sent_at < ? ORDER BY chat_key, message_id LIMIT ?`, before.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("read due messages: %w", err)
	}
	defer rows.Close()
	var out []TrackedMessage
	for rows.Next() {
		var m TrackedMessage
		if err := rows.Scan(&m.ChatKey, &m.Chat, &m.MessageID); err != nil {
			return nil, fmt.Errorf("read due messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read due messages: %w", err)
	}
	return out, nil
}

// UntrackMessagesTx stops tracking the given messages of the chat under chatKey.
func (tx *Tx) UntrackMessages(ctx context.Context, chatKey []byte, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, chatKey)
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM messages WHERE chat_key = ? AND message_id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return fmt.Errorf("untrack messages: %w", err)
	}
	return nil
}
