package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/puente-bot/puente/directory"
)

// DirectoryChanges counts what an import did, or would do.
type DirectoryChanges struct {
	Added, Changed, Unchanged int
}

// DirectoryListings returns every listing, by name.
func (db *DB) DirectoryListings(ctx context.Context) ([]*directory.Listing, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, record FROM directory_listings ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("list directory: %w", err)
	}
	defer rows.Close()
	var out []*directory.Listing
	for rows.Next() {
		var id, rec string
		if err := rows.Scan(&id, &rec); err != nil {
			return nil, fmt.Errorf("list directory: %w", err)
		}
		l, err := decodeListing(id, rec)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list directory: %w", err)
	}
	return out, nil
}

// DirectoryListing returns one listing, or ErrNotFound.
func (db *DB) DirectoryListing(ctx context.Context, id string) (*directory.Listing, error) {
	var rec string
	err := db.read.QueryRowContext(ctx, `SELECT record FROM directory_listings WHERE id = ?`, id).Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("directory listing: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("directory listing: %w", err)
	}
	return decodeListing(id, rec)
}

func decodeListing(id, rec string) (*directory.Listing, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(rec), &m); err != nil {
		return nil, fmt.Errorf("directory listing %s: %w", id, err)
	}
	l, err := directory.FromRecord(m)
	if err != nil {
		return nil, fmt.Errorf("directory listing %s: %w", id, err)
	}
	return l, nil
}

// DirectoryPlan is what ImportDirectory would do: the counts, and which listings it would
// add and change, so a volunteer can read them before importing.
type DirectoryPlan struct {
	DirectoryChanges
	ToAdd, ToChange []*directory.Listing
}

// PlanDirectoryImport says what ImportDirectory would do with the listings, changing nothing.
func (db *DB) PlanDirectoryImport(ctx context.Context, listings []*directory.Listing) (DirectoryPlan, error) {
	var c DirectoryPlan
	for _, l := range listings {
		var rec string
		err := db.read.QueryRowContext(ctx, `SELECT record FROM directory_listings WHERE id = ?`, l.ID).Scan(&rec)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c.Added++
			c.ToAdd = append(c.ToAdd, l)
		case err != nil:
			return DirectoryPlan{}, fmt.Errorf("plan directory import: %w", err)
		default:
			same, err := sameRecord(rec, l)
			if err != nil {
				return DirectoryPlan{}, fmt.Errorf("plan directory import: %w", err)
			}
			if same {
				c.Unchanged++
			} else {
				c.Changed++
				c.ToChange = append(c.ToChange, l)
			}
		}
	}
	return c, nil
}

// ImportDirectory adds new listings and replaces changed ones, in one transaction:
// all of them or none. Listings not given are kept. Importing the same listings again
// changes nothing.
func (db *DB) ImportDirectory(ctx context.Context, listings []*directory.Listing, now time.Time) (DirectoryChanges, error) {
	var c DirectoryChanges
	err := db.writeAt(ctx, now, func(tx *Tx) error {
		var err error
		c, err = tx.ImportDirectory(ctx, listings)
		return err
	})
	if err != nil {
		return DirectoryChanges{}, fmt.Errorf("import directory: %w", err)
	}
	return c, nil
}

// ImportDirectoryTx is ImportDirectory inside the caller's transaction, so that the web
// page's audit entry commits with the change it records.
func (tx *Tx) ImportDirectory(ctx context.Context, listings []*directory.Listing) (DirectoryChanges, error) {
	now := tx.now
	var c DirectoryChanges
	for _, l := range listings {
		var old string
		err := tx.tx.QueryRowContext(ctx, `SELECT record FROM directory_listings WHERE id = ?`, l.ID).Scan(&old)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return c, err
		}
		if exists {
			same, err := sameRecord(old, l)
			if err != nil {
				return c, err
			}
			if same {
				c.Unchanged++
				continue
			}
		}
		rec, err := json.Marshal(l.Record())
		if err != nil {
			return c, err
		}
		verified := ""
		if !l.VerifiedAt.IsZero() {
			verified = l.VerifiedAt.Format(time.DateOnly)
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO directory_listings (id, name, kind, status, verified_at, record, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, status = excluded.status,
				verified_at = excluded.verified_at, record = excluded.record, updated_at = excluded.updated_at`,
			l.ID, l.Name, string(l.Kind), string(l.Status), verified, string(rec), now.Unix()); err != nil {
			return c, err
		}
		if exists {
			c.Changed++
		} else {
			c.Added++
		}
	}
	return c, nil
}

func sameRecord(stored string, l *directory.Listing) (bool, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(stored), &m); err != nil {
		return false, err
	}
	return maps.Equal(m, l.Record()), nil
}

// SeedDirectory loads the starter directory the first time it is called on a database
// and never again, so that listings volunteers removed do not come back. It reports
// whether it loaded them.
func (db *DB) SeedDirectory(ctx context.Context, seed []*directory.Listing, now time.Time) (bool, error) {
	seeded := false
	err := db.writeAt(ctx, now, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO directory_meta (key, value) VALUES ('seeded', ?) ON CONFLICT (key) DO NOTHING`,
			now.UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		seeded = true
		_, err = tx.ImportDirectory(ctx, seed)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("seed directory: %w", err)
	}
	return seeded, nil
}
