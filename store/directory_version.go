package store

import (
	"context"
	"fmt"
)

// DirectoryVersion is a number that changes whenever any listing is added, changed or
// removed, by any process, so a reader knows when to reload the directory.
func (db *DB) DirectoryVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM directory_meta WHERE key = 'version'`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read directory version: %w", err)
	}
	return v, nil
}
