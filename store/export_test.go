package store

import (
	"database/sql"
	"time"
)

// SetReaderIdle sets readerIdle for the databases opened after it, until the test ends.
func SetReaderIdle(t interface{ Cleanup(func()) }, d time.Duration) {
	old := readerIdle
	readerIdle = d
	t.Cleanup(func() { readerIdle = old })
}

// ReadPool and SQL let the store's own black-box tests reach the SQL underneath, which no
// other package can.
func (db *DB) ReadPool() *sql.DB { return db.read }

func (tx *Tx) SQL() *sql.Tx { return tx.tx }
