package store

import "database/sql"

// ReadPool and SQL let the store's own black-box tests reach the SQL underneath, which no
// other package can.
func (db *DB) ReadPool() *sql.DB { return db.read }

func (tx *Tx) SQL() *sql.Tx { return tx.tx }
