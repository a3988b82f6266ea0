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
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrNotFound is returned when a row that was asked for does not exist.
var ErrNotFound = errors.New("not found")

// DB is the database. Writes go through one connection because SQLite has one writer at a
// time: serialising them here means no SQLITE_BUSY under load. Reads use a pool of their own,
// which WAL lets run beside the writer.
type DB struct {
	// write is the one connection that writes. The reads that come before each of the bot's
	// writes (SessionsIn, OpenCasesOf) use it too: its page cache holds what it
	// wrote itself, where a reader's is dropped at every commit and read again from the
	// file, with locks taken and released for each query.
	write *sql.DB
	read  *sql.DB
	path  string
	now   func() time.Time
	wrote *commits
}

// commits tells those waiting for a write (serve's janitor, which must empty the write-ahead
// log soon after one, and the live directory) that one was committed through a DB or its
// WithClock copies, so they sleep while nothing is written; and it counts them, so tests can
// hold a path of the bot to the number of commits it promises.
type commits struct {
	mu   sync.Mutex
	next chan struct{} // closed at the next commit; nil while nobody waits
	n    atomic.Int64  // committed write transactions
}

// Tx is one write transaction: the store's operations are its methods, so a caller can
// combine them atomically without ever holding the SQL underneath. It carries the time the
// transaction began, read once from the clock of the DB it came from.
type Tx struct {
	tx  *sql.Tx
	now time.Time
}

// rowScanner is a row to read, one of a query's (*sql.Rows) or the only one (*sql.Row): every
// scanXxx function takes it, so one function reads a kind of row wherever it comes from.
type rowScanner interface{ Scan(dest ...any) error }

// querier is where a read runs, the read pool (*sql.DB) or a write transaction (*sql.Tx).
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Now is the time the transaction began, by the DB's clock.
func (tx *Tx) Now() time.Time { return tx.now }

// pragmas go in the DSN rather than through Exec so that every pooled connection has them.
// secure_delete overwrites what a deleted row held: a forgotten person's lookup key and
// sealed values must not stay readable in free pages. cache_size is each connection's page
// cache, 1 MiB (SQLite's default is 2 MB): the database of one deployment is a few MB (the
// starter directory is 0.25 MB; 10,000 live sessions add a few), the system's file cache
// holds it too, and with one writer and four readers this keeps SQLite's caches under 5 MiB.
// _stmt_cache_size keeps each connection's recent statements prepared (their bindings
// cleared) for the next transaction: preparing costs more than running most of the bot's
// statements.
//
// _synchronous=FULL makes a commit wait until the write-ahead log is on the disk. The driver
// would otherwise set NORMAL, which in WAL mode syncs the log only at a checkpoint: a process
// crash loses nothing either way, but a power cut or a kernel crash could undo the commits of
// the last seconds to minutes. Each of those is a promise broken: updates already confirmed
// to Telegram (a person's message, or a message to or from an organisation) gone; requests
// already sent coming back, sent again, with the first copies no longer tracked, so never
// deleted on time or by /exit; an /exit or a forgetting undone. The syncs cost about 0.3 ms
// of CPU per commit at 20 updates a second (bot's BenchmarkPaced), which is why a reply that
// may go at once goes before its update commits and is recorded with it: one commit an
// update rather than two. The promises are worth it.
// TestSynchronousFull holds every connection to it.
const pragmas = "_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on&_busy_timeout=5000&_txlock=immediate&_secure_delete=on&_cache_size=-1024&_stmt_cache_size=32"

// connIdle is how long a connection, the writer's or a reader's, stays open unused. Each
// holds a page cache, the schema and prepared statements. SQLite drops a reader's cache
// whenever another connection has written, so under the bot's load it keeps little, while a
// resting process would keep the writer and up to four readers for ever; opening one again
// costs about a millisecond, and under load none rests this long. database/sql's cleaner,
// which closes them, stops once none is open: nothing wakes at rest.
var connIdle = 10 * time.Second

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
	sqlite := &sqlite3.SQLiteDriver{}
	write := sql.OpenDB(connector{dsn: path + "?" + pragmas, driver: sqlite})
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(connIdle)
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
	read := sql.OpenDB(connector{dsn: path + "?" + pragmas + "&_query_only=true", driver: sqlite})
	read.SetMaxOpenConns(4)
	read.SetConnMaxIdleTime(connIdle)
	return &DB{write: write, read: read, path: path, now: time.Now, wrote: &commits{}}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// WithClock returns the same database whose transactions read the time from now: each face
// (bot, web) passes its own clock so tests can move it. It shares the pools: close only the
// DB that Open returned.
func (db *DB) WithClock(now func() time.Time) *DB {
	c := *db
	c.now = now
	return &c
}

// Write runs fn in one write transaction: it commits if fn returns nil and rolls back
// otherwise. This is the one transaction shape of the store.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	return db.writeAt(ctx, db.now(), fn)
}

// writeAt is Write with the transaction's time given, for the methods whose callers name it.
func (db *DB) writeAt(ctx context.Context, now time.Time, fn func(tx *Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, now: now}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	db.wrote.mu.Lock()
	if db.wrote.next != nil {
		close(db.wrote.next)
		db.wrote.next = nil
	}
	db.wrote.mu.Unlock()
	db.wrote.n.Add(1)
	return nil
}

// Committed returns a channel that is closed when the next write transaction through this
// process's DB commits: a write made by another process (puente import) does not close it.
func (db *DB) Committed() <-chan struct{} {
	db.wrote.mu.Lock()
	defer db.wrote.mu.Unlock()
	if db.wrote.next == nil {
		db.wrote.next = make(chan struct{})
	}
	return db.wrote.next
}

// Commits is how many transactions Write has committed since the database was opened.
func (db *DB) Commits() int64 { return db.wrote.n.Load() }

// Inspect runs one read-only query and returns its rows as plain values. It lets tests and
// diagnostics outside the store look at what is kept without holding SQL types; the read
// pool refuses any write.
func (db *DB) Inspect(ctx context.Context, query string, args ...any) ([][]any, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("inspect database: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("inspect database: %w", err)
	}
	var out [][]any
	for rows.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("inspect database: %w", err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inspect database: %w", err)
	}
	return out, nil
}

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
