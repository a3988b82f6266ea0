package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

// Migrations are .sql files numbered in the order they apply. A shipped migration is never
// edited: a change is a new file with the next number. Applied names are recorded rather than
// a single version number, so a database that missed one still gets it.
//
//go:embed migrations/*.sql
var migrations embed.FS

// renamed maps the names some migrations first shipped under (numbered as they were
// written, not as they apply) to their names now. A database that recorded an old name has
// it rewritten before anything runs, so no migration runs twice.
var renamed = map[string]string{
	"migrations/0002b_directory_version.sql": "migrations/0003_directory_version.sql",
	"migrations/0003_bot.sql":                "migrations/0004_bot.sql",
	"migrations/0004_web.sql":                "migrations/0005_web.sql",
	"migrations/0005_handoff.sql":            "migrations/0006_handoff.sql",
	"migrations/0005b_case_share.sql":        "migrations/0007_case_share.sql",
	"migrations/0006_key_check.sql":          "migrations/0008_key_check.sql",
	"migrations/0007_unlink_requests.sql":    "migrations/0009_unlink_requests.sql",
}

func createMigrationsTable(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL DEFAULT (unixepoch())
	) STRICT`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	return nil
}

// renameMigrations rewrites the old names of renamed migrations, in one transaction.
func renameMigrations(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rename migrations: %w", err)
	}
	defer tx.Rollback()
	for old, now := range renamed {
		if _, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET name = ? WHERE name = ?`, now, old); err != nil {
			return fmt.Errorf("rename migration %s: %w", old, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rename migrations: %w", err)
	}
	return nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	if err := createMigrationsTable(ctx, db); err != nil {
		return err
	}
	if err := renameMigrations(ctx, db); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateFile(ctx, db, name); err != nil {
			return err
		}
	}
	return nil
}

func migrateFile(ctx context.Context, db *sql.DB, name string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration %s: %w", name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return fmt.Errorf("check migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return fmt.Errorf("read migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("apply migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, name); err != nil {
		return fmt.Errorf("record migration %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration %s: %w", name, err)
	}
	return nil
}
