package store

import (
	"context"
	"fmt"
)

// Checkpoint copies the write-ahead log into the database and empties it. Until then the
// log holds every page as it was written, deleted rows included, for as long as it takes to
// wrap around; run it after forgetting, so what was forgotten is gone from the disk's files.
func (db *DB) Checkpoint(ctx context.Context) error {
	var busy, logged, done int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: readers kept %d of %d pages in the log", logged-done, logged)
	}
	return nil
}
