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
var ErrWrongSecret = errors.New("the master secret is not the one this database was made with")

// checkValue is what the database keeps to recognise the secret: an HMAC under the lookup key,
// which tells nothing about the secret or any id.
func (k *Keys) checkValue() []byte {
	m := hmac.New(sha256.New, k.lookup)
	m.Write([]byte("puente key check v1"))
	return m.Sum(nil)
}

// sealedColumns are the sealed values of the schema, each with the column it is bound to
// (Seal's aad).
var sealedColumns = []struct{ table, sealed, aad string }{
	{"sessions", "state", "key"},
	{"outbox", "request", "chat_key"},
	{"messages", "chat", "chat_key"},
	{"cases", "person", "person_key"},
	{"links", "chat", "chat_key"},
}

// CheckSecret makes sure keys come from the secret the database was made with. At the first
// start it records the secret's check value; a database from before the check (an old one, or
// a restored backup) is first tried against the first sealed value of every table that has one.
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
		for _, c := range sealedColumns {
			var sealed, aad []byte
			err := tx.tx.QueryRowContext(ctx, `SELECT `+c.sealed+`, `+c.aad+` FROM `+c.table+` WHERE `+c.sealed+` IS NOT NULL LIMIT 1`).Scan(&sealed, &aad)
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
