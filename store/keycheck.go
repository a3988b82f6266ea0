package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
)

// ErrWrongSecret is returned by CheckSecret when the keys come from another master secret than
// the one the database was made with.
var ErrWrongSecret = errors.New("the master secret is not the one this database was made with: " +
	"set PUENTE_SECRET or PUENTE_SECRET_FILE to that secret; starting with another would cut off every linked " +
	"organisation, open case and conversation, and leave people's messages undeleted")

// checkValue is what the database keeps to recognise the secret: an HMAC under the lookup key,
// which tells nothing about the secret or any id.
func (k *Keys) checkValue() []byte {
	m := hmac.New(sha256.New, k.lookup)
	m.Write([]byte("puente key check v1"))
	return m.Sum(nil)
}

// CheckSecret makes sure keys come from the secret the database was made with. At the first
// start it records the secret's check value; a database from before the check is first tried
// against a sealed session and a sealed link, if it has any.
func (db *DB) CheckSecret(ctx context.Context, keys *Keys) error {
	return db.Write(ctx, func(tx *Tx) error {
		var stored []byte
		err := tx.tx.QueryRowContext(ctx, `SELECT value FROM key_check WHERE id = 1`).Scan(&stored)
		switch {
		case err == nil:
			if !hmac.Equal(stored, keys.checkValue()) {
				return ErrWrongSecret
			}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read key check: %w", err)
		}
		for _, q := range []string{`SELECT state, key FROM sessions LIMIT 1`, `SELECT chat, chat_key FROM links LIMIT 1`} {
			var sealed, aad []byte
			err := tx.tx.QueryRowContext(ctx, q).Scan(&sealed, &aad)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("read a sealed row: %w", err)
			}
			if _, err := keys.Open(sealed, aad); err != nil {
				return ErrWrongSecret
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO key_check (id, value) VALUES (1, ?)`, keys.checkValue()); err != nil {
			return fmt.Errorf("record key check: %w", err)
		}
		return nil
	})
}
