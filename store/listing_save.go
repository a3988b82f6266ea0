package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/puente-bot/puente/directory"
)

// ListingSubject prefixes a listing's id in the audit trail's subject.
const ListingSubject = "listing:"

// An Actor is who writes: a volunteer's account, or a command run on the server (UserID 0,
// Name the command, as "puente import").
type Actor struct {
	UserID int64
	Name   string
}

// A ListingChange is one listing to save and what its audit entry says.
type ListingChange struct {
	Listing *directory.Listing
	// Action is the audit entry's action; "" means an import: "listing.import_new" for a
	// listing not stored yet, "listing.import" otherwise.
	Action string
	// Changes are the fields the caller shows changing, in its order; nil means the fields
	// that differ from what is stored, by name.
	Changes  []Change
	RevertOf int64 // the entry this change undoes, if any
}

// SaveListings stores each listing with its audit entry, by, in the caller's transaction.
// Every way of writing a listing (the web form, a web or command-line import, a revert)
// goes through here, so none goes unaudited. A listing the store already holds as it is
// gets no entry unless the caller named its changes.
func (tx *Tx) SaveListings(ctx context.Context, changes []ListingChange, by Actor) (DirectoryChanges, error) {
	var total DirectoryChanges
	for _, c := range changes {
		old, err := tx.storedRecord(ctx, c.Listing.ID)
		if err != nil {
			return total, err
		}
		fields := c.Changes
		if fields == nil {
			fields = recordChanges(old, c.Listing.Record())
		}
		d, err := tx.ImportDirectory(ctx, []*directory.Listing{c.Listing})
		if err != nil {
			return total, err
		}
		total.Added, total.Changed, total.Unchanged = total.Added+d.Added, total.Changed+d.Changed, total.Unchanged+d.Unchanged
		if c.Changes == nil && d.Unchanged > 0 {
			continue
		}
		action := c.Action
		if action == "" {
			action = "listing.import"
			if old == nil {
				action = "listing.import_new"
			}
		}
		_, err = tx.Audit(ctx, AuditEntry{At: tx.now, UserID: by.UserID, Actor: by.Name, Action: action,
			Subject: ListingSubject + c.Listing.ID, Label: c.Listing.Name, Changes: fields, RevertOf: c.RevertOf})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// recordChanges lists the fields that differ between two records, by field name.
func recordChanges(before, after map[string]string) []Change {
	fields := slices.Collect(maps.Keys(before))
	for f := range after {
		if _, ok := before[f]; !ok {
			fields = append(fields, f)
		}
	}
	slices.Sort(fields)
	var out []Change
	for _, f := range fields {
		if before[f] != after[f] {
			out = append(out, Change{Field: f, Before: before[f], After: after[f]})
		}
	}
	return out
}

// storedRecord is the record stored for the listing id, nil when there is none.
func (tx *Tx) storedRecord(ctx context.Context, id string) (map[string]string, error) {
	var rec string
	err := tx.tx.QueryRowContext(ctx, `SELECT record FROM directory_listings WHERE id = ?`, id).Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read listing %s: %w", id, err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(rec), &m); err != nil {
		return nil, fmt.Errorf("read listing %s: %w", id, err)
	}
	return m, nil
}

// AuditListing records, in the caller's transaction, an action by on a listing that changes
// none of its fields (a link code made or revoked, an unlink asked for).
func (tx *Tx) AuditListing(ctx context.Context, by Actor, action string, l *directory.Listing) error {
	_, err := tx.Audit(ctx, AuditEntry{At: tx.now, UserID: by.UserID, Actor: by.Name, Action: action,
		Subject: ListingSubject + l.ID, Label: l.Name})
	return err
}
