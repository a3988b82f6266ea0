package store

import (
	"database/sql"
	"time"
)

// SetConnIdle sets connIdle for the databases opened after it, until the test ends.
func SetConnIdle(t interface{ Cleanup(func()) }, d time.Duration) {
	old := connIdle
	connIdle = d
	t.Cleanup(func() { connIdle = old })
}

// ReadPool, WritePool and SQL let the store's own black-box tests reach the SQL underneath,
// which no other package can.
func (db *DB) ReadPool() *sql.DB { return db.read }

func (db *DB) WritePool() *sql.DB { return db.write }

func (tx *Tx) SQL() *sql.Tx { return tx.tx }
