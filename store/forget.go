package store

import (
	"context"
	"fmt"
)

// ForgetPerson forgets what is kept about the person whose private chat has the lookup key
// (promise 2): their session, the requests still waiting for their chat, and whose cases were
// theirs, closed ones included. An open case stays open for the organisation until it closes
// as idle; what the organisation writes meanwhile reaches no one. The ids of the messages in
// their chat stay until the bot has deleted those messages (or, when Telegram no longer lets
// it, until ForgetChatMessages): they are what the deletion needs.
// Exit, blocking the bot, a 403 and the sweeps all forget through here.
func (tx *Tx) ForgetPerson(ctx context.Context, key []byte) error {
	for _, q := range []struct{ what, query string }{
		{"session", `DELETE FROM sessions WHERE key = ?`},
		{"waiting requests", `DELETE FROM outbox WHERE chat_key = ?`},
		{"case person", `UPDATE cases SET person_key = NULL, person = NULL, shared = 0 WHERE person_key = ?`},
	} {
		if _, err := tx.tx.ExecContext(ctx, q.query, key); err != nil {
			return fmt.Errorf("forget person: %s: %w", q.what, err)
		}
	}
	return nil
}
