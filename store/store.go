// Package store keeps puente's state in one SQLite file: sessions, the directory, the outbox,
// volunteers' accounts. Nothing here knows about Telegram, HTTP or the conversation.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// ErrNotFound is returned when a row that was asked for does not exist.
var ErrNotFound = errors.New("not found")

// DB is the database. Writes go through one connection because SQLite has one writer at a
// time: serialising them here means no SQLITE_BUSY under load. Reads use a pool of their own,
// which WAL lets run beside the writer.
type DB struct {
	write *sql.DB
	read  *sql.DB
	path  string
}

// pragmas go in the DSN rather than through Exec so that every pooled connection has them.
// secure_delete overwrites what a deleted row held: a forgotten person's lookup key and
// sealed values must not stay readable in free pages.
const pragmas = "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_txlock=immediate&_secure_delete=on"

// Open opens (creating if needed) the database file at path and applies every migration
// that has not been applied yet.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open database %q: the path may not contain ? or #", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	write, err := sql.Open("sqlite3", path+"?"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	write.SetMaxOpenConns(1)
	// The writer's connection is never closed by the pool: an idle close and reopen would
	// cost a WAL recovery check for nothing.
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		write.Close()
		return nil, fmt.Errorf("restrict database file: %w", err)
	}
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite3", path+"?"+pragmas+"&_query_only=true")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database for reading: %w", err)
	}
	read.SetMaxOpenConns(4)
	return &DB{write: write, read: read, path: path}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Write runs fn in one write transaction: it commits if fn returns nil and rolls back
// otherwise. This is the one transaction shape of the store.
func (db *DB) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// Read is the pool for queries that change nothing; a write through it fails.
func (db *DB) Read() *sql.DB { return db.read }

// Backup writes a consistent copy of the whole database to path, which must not exist yet.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("back up database: %s already exists", path)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("back up database: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restrict backup file: %w", err)
	}
	return nil
}
