package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

// MustOpen opens a fresh database in a temporary directory and closes it when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "puente.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "puente.db")
	for i := range 2 {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var n int
		if err := db.ReadPool().QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = 'migrations/0001_sessions.sql'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("open %d: 0001 recorded %d times, want 1", i, n)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("database file mode = %v, want %v", got, want)
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	for _, path := range []string{"", "a?mode=memory", "b#c"} {
		if _, err := store.Open(context.Background(), path); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	var mode string
	if err := db.ReadPool().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		var fk int
		if err := tx.SQL().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			return err
		}
		if fk != 1 {
			t.Errorf("foreign_keys = %d on the writer, want 1", fk)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadPoolCannotWrite(t *testing.T) {
	db := MustOpen(t)
	_, err := db.ReadPool().ExecContext(context.Background(), `DELETE FROM sessions`)
	if err == nil {
		t.Fatal("a write through the read pool succeeded")
	}
}

// TestSynchronousFull holds every connection to syncing the write-ahead log at each commit:
// the driver's default for WAL (NORMAL) lets a power cut undo commits the bot has already
// acted on (store.go's pragmas say what that would break).
func TestSynchronousFull(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const full = 2
	var got int
	if err := db.ReadPool().QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != full {
		t.Errorf("read pool: synchronous = %d, want %d (FULL)", got, full)
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.SQL().QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != full {
		t.Errorf("writer: synchronous = %d, want %d (FULL)", got, full)
	}
}

func TestWriteRollsBackOnError(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PutSession(ctx, []byte("k"), []byte("s")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write error = %v, want %v", err, boom)
	}
	if _, err := db.Session(ctx, []byte("k")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session after rollback: err = %v, want ErrNotFound", err)
	}
	if got := db.Commits(); got != 0 {
		t.Errorf("commits after a rollback = %d, want 0", got)
	}
	clocked := db.WithClock(time.Now)
	if err := clocked.Write(ctx, func(tx *store.Tx) error { return tx.PutSession(ctx, []byte("k"), []byte("s")) }); err != nil {
		t.Fatal(err)
	}
	if got := db.Commits(); got != 1 {
		t.Errorf("commits after one through a clocked copy = %d, want 1", got)
	}
}

func TestSessions(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

	if _, err := db.Session(ctx, []byte("a")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing session: err = %v, want ErrNotFound", err)
	}
	for _, s := range []struct {
		key, state string
		seen       time.Time
	}{
		{"a", "one", t0},
		{"a", "two", t0.Add(2 * time.Hour)}, // replaces
		{"b", "old", t0.Add(-25 * time.Hour)},
	} {
		if err := db.PutSession(ctx, []byte(s.key), []byte(s.state), s.seen); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Session(ctx, []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "two" {
		t.Errorf("session a = %q, want %q", got, "two")
	}

	n, err := db.ExpireSessions(ctx, t0.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("expired %d sessions, want 1", n)
	}
	if _, err := db.Session(ctx, []byte("b")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("idle session b still there: err = %v", err)
	}

	if err := db.DeleteSession(ctx, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, []byte("a")); err != nil {
		t.Fatalf("deleting a forgotten session: %v", err)
	}
	if _, err := db.Session(ctx, []byte("a")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session a still there: err = %v", err)
	}
}

func TestBackup(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	if err := db.PutSession(ctx, []byte("k"), []byte("v"), time.Now()); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second backup to the same file: err = %v, want 'already exists'", err)
	}
	cp, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	got, err := cp.Session(ctx, []byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte("v")) {
		t.Errorf("backup session = %q, want %q", got, "v")
	}
}

// Ensure that a forgotten row leaves no copy of its bytes in the database file: a server
// seized with its secret must not give back the people who left (their chat ids' HMACs
// and sealed values), which SQLite otherwise keeps in free pages until they are reused.
func TestDeletedRowsLeaveNoTrace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "puente.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("forgotten-lookup-key-0123456789a")
	sealed := []byte("forgotten-sealed-session-state-0123456789")
	if err := db.PutSession(ctx, key, sealed, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSession(ctx, []byte("kept-lookup-key"), []byte("kept-state"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, needle := range map[string][]byte{"lookup key": key, "sealed state": sealed} {
		if bytes.Contains(b, needle) {
			t.Errorf("the database file still holds the deleted session's %s", name)
		}
	}
	if !bytes.Contains(b, []byte("kept-state")) {
		t.Errorf("the database file lost the session that was kept")
	}
}

// Ensure a checkpoint leaves no copy of a forgotten row in the write-ahead log either: the
// log keeps every page as it was written until it wraps around, which takes days on a quiet
// server, and a running server's log is on disk beside the database.
func TestCheckpointEmptiesTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "puente.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := []byte("forgotten-lookup-key-0123456789a")
	sealed := []byte("forgotten-sealed-session-state-0123456789")
	if err := db.PutSession(ctx, key, sealed, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		for name, needle := range map[string][]byte{"lookup key": key, "sealed state": sealed} {
			if bytes.Contains(b, needle) {
				t.Errorf("%s still holds the deleted session's %s", filepath.Base(f), name)
			}
		}
	}
}

// Ensure every connection, the writer's and the readers', has the page cache the DSN sets.
func TestPageCacheSize(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	rows, err := db.Inspect(ctx, `PRAGMA cache_size`)
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0][0]; got != int64(-1024) {
		t.Errorf("readers' cache_size = %v, want -1024 (1 MiB)", got)
	}
	var got int64
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.SQL().QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&got)
	}); err != nil {
		t.Fatal(err)
	}
	if got != -1024 {
		t.Errorf("writer's cache_size = %v, want -1024 (1 MiB)", got)
	}
}

// TestIdleConnectionsClose holds both pools to closing a connection once it has rested: at
// rest none stays open, the writer's included, and the database works again after.
func TestIdleConnectionsClose(t *testing.T) {
	store.SetConnIdle(t, 200*time.Millisecond)
	db := MustOpen(t)
	ctx := context.Background()
	pools := map[string]*sql.DB{"readers": db.ReadPool(), "writer": db.WritePool()}
	rest := func() {
		t.Helper()
		for name, pool := range pools {
			if got := pool.Stats().OpenConnections; got != 1 {
				t.Fatalf("after use: %d %s open, want 1", got, name)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for name, pool := range pools {
			for pool.Stats().OpenConnections > 0 {
				if time.Now().After(deadline) {
					t.Fatalf("%d %s still open after resting 10 s", pool.Stats().OpenConnections, name)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	use := func() {
		t.Helper()
		var n int
		if err := db.ReadPool().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := db.PutSession(ctx, []byte("rest-lookup-key-0123456789abcdef"), []byte("sealed"), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	use()
	rest()
	use()
	rest()
	for name, pool := range pools {
		if got := pool.Stats().MaxIdleTimeClosed; got != 2 {
			t.Errorf("%s closed for resting: %d, want 2", name, got)
		}
	}
}
