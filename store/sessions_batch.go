package store

import (
	"context"
	"fmt"
	"strings"
)

// SessionRow is one sealed session, for the bulk methods below.
type SessionRow struct {
	Key   []byte
	State []byte
}

// chunk is how many rows one bulk statement carries, well under SQLite's variable limit.
const chunk = 200

// SessionsIn returns the sealed sessions stored under keys, by string(key); keys without one
// are absent. It reads them in one query, for callers that handle many people at once, on
// the writer's connection (see DB.write).
func (db *DB) SessionsIn(ctx context.Context, keys [][]byte) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		rows, err := db.write.QueryContext(ctx, `SELECT key, state FROM sessions WHERE key IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read sessions: %w", err)
		}
		for rows.Next() {
			var k, state []byte
			if err := rows.Scan(&k, &state); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read sessions: %w", err)
			}
			out[string(k)] = state
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read sessions: %w", err)
		}
	}
	return out, nil
}

// PutSessionsTx is PutSessionTx for many sessions in few statements.
func (tx *Tx) PutSessions(ctx context.Context, rows []SessionRow) error {
	now := tx.now
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		args := make([]any, 0, 3*len(part))
		for _, r := range part {
			args = append(args, r.Key, r.State, now.Unix())
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (key, state, seen_at) VALUES (?, ?, ?)`+strings.Repeat(",(?, ?, ?)", len(part)-1)+`
			ON CONFLICT (key) DO UPDATE SET state = excluded.state, seen_at = excluded.seen_at`, args...)
		if err != nil {
			return fmt.Errorf("save sessions: %w", err)
		}
	}
	return nil
}
