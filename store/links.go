package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// LinkCodeTTL is how long a link code works after it was made.
const LinkCodeTTL = 24 * time.Hour

// Reasons a link code is refused.
var (
	ErrCodeUnknown = errors.New("link code unknown")
	ErrCodeExpired = errors.New("link code expired")
	ErrCodeUsed    = errors.New("link code already used")
)

// linkAlphabet leaves out letters and digits that read alike (0/O, 1/I/L).
const linkAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// linkCodeLen is 12 characters of 31: about 59 bits, for a code that works once and for a day.
const linkCodeLen = 12

// NormalizeLinkCode is code as it is looked up: upper case, without spaces or dashes.
func NormalizeLinkCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

func linkCodeKey(keys *Keys, code string) []byte {
	return keys.Lookup("link-code", NormalizeLinkCode(code))
}

// CreateLinkCode makes a one-time code that links a Telegram group to the listing, valid
// for LinkCodeTTL from now, and revokes the listing's earlier unused codes. The code is
// returned once, to show to a volunteer: only its lookup HMAC is kept.
func (db *DB) CreateLinkCode(ctx context.Context, keys *Keys, listingID string, now time.Time) (string, error) {
	var code string
	err := db.writeAt(ctx, now, func(tx *Tx) error {
		var err error
		code, err = tx.CreateLinkCode(ctx, keys, listingID)
		return err
	})
	return code, err
}

// CreateLinkCodeTx is CreateLinkCode inside a caller's transaction.
func (tx *Tx) CreateLinkCode(ctx context.Context, keys *Keys, listingID string) (string, error) {
	now := tx.now
	if listingID == "" {
		return "", errors.New("create link code: no listing")
	}
	if _, err := tx.RevokeLinkCodes(ctx, listingID); err != nil {
		return "", err
	}
	raw := make([]byte, linkCodeLen)
	rand.Read(raw)
	var b strings.Builder
	for i, c := range raw {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		// 256 is not a multiple of 31; the slight bias costs well under a bit.
		b.WriteByte(linkAlphabet[int(c)%len(linkAlphabet)])
	}
	code := b.String()
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO link_codes (code_key, listing_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		linkCodeKey(keys, code), listingID, now.Unix(), now.Add(LinkCodeTTL).Unix())
	if err != nil {
		return "", fmt.Errorf("create link code: %w", err)
	}
	return code, nil
}

// RevokeLinkCodes makes every unused code of the listing stop working and says how many it
// revoked.
func (db *DB) RevokeLinkCodes(ctx context.Context, listingID string) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.RevokeLinkCodes(ctx, listingID)
		return err
	})
	return n, err
}

// RevokeLinkCodesTx is RevokeLinkCodes inside a caller's transaction.
func (tx *Tx) RevokeLinkCodes(ctx context.Context, listingID string) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM link_codes WHERE listing_id = ? AND used_at IS NULL`, listingID)
	if err != nil {
		return 0, fmt.Errorf("revoke link codes: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke link codes: %w", err)
	}
	return n, nil
}

// LinkWithCodeTx spends code to link the group in l to the code's listing and returns the
// listing's id. It changes nothing and returns ErrCodeUnknown, ErrCodeExpired or ErrCodeUsed
// when the code cannot be spent, and ErrExists when the listing or the group is linked
// already (the code then still works, once the other link is gone).
func (tx *Tx) LinkWithCode(ctx context.Context, keys *Keys, code string, l Link) (string, error) {
	key := linkCodeKey(keys, code)
	var expires int64
	var used sql.NullInt64
	err := tx.tx.QueryRowContext(ctx, `SELECT listing_id, expires_at, used_at FROM link_codes WHERE code_key = ?`, key).
		Scan(&l.ListingID, &expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", ErrCodeUnknown
	case err != nil:
		return "", fmt.Errorf("read link code: %w", err)
	case used.Valid:
		return "", ErrCodeUsed
	case l.LinkedAt.Unix() >= expires:
		return "", ErrCodeExpired
	}
	if err := tx.link(ctx, l); err != nil {
		return "", err
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE link_codes SET used_at = ? WHERE code_key = ?`, l.LinkedAt.Unix(), key); err != nil {
		return "", fmt.Errorf("use link code: %w", err)
	}
	return l.ListingID, nil
}

// PruneLinkCodes forgets codes that expired before before, used or not.
func (db *DB) PruneLinkCodes(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM link_codes WHERE expires_at < ?`, before.Unix())
		if err != nil {
			return fmt.Errorf("prune link codes: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// Link is a listing's Telegram group: ChatKey is the lookup HMAC of the group's chat id,
// Chat the sealed chat id. Groups are linked with LinkWithCodeTx.
type Link struct {
	ListingID string
	ChatKey   []byte
	Chat      []byte
	LinkedAt  time.Time
}

func (tx *Tx) link(ctx context.Context, l Link) error {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM links WHERE listing_id = ? OR chat_key = ?`, l.ListingID, l.ChatKey).Scan(&n)
	if err != nil {
		return fmt.Errorf("link group: %w", err)
	}
	if n > 0 {
		return ErrExists
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO links (listing_id, chat_key, chat, linked_at) VALUES (?, ?, ?, ?)`,
		l.ListingID, l.ChatKey, l.Chat, l.LinkedAt.Unix())
	if err != nil {
		return fmt.Errorf("link group: %w", err)
	}
	return nil
}

func scanLink(row rowScanner) (Link, error) {
	var l Link
	var at int64
	err := row.Scan(&l.ListingID, &l.ChatKey, &l.Chat, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, ErrNotFound
	}
	if err != nil {
		return Link{}, fmt.Errorf("read link: %w", err)
	}
	l.LinkedAt = time.Unix(at, 0)
	return l, nil
}

// LinkByListing returns the listing's link, or ErrNotFound.
func (db *DB) LinkByListing(ctx context.Context, listingID string) (Link, error) {
	return scanLink(db.read.QueryRowContext(ctx, `SELECT listing_id, chat_key, chat, linked_at FROM links WHERE listing_id = ?`, listingID))
}

// Links returns every link.
func (db *DB) Links(ctx context.Context) ([]Link, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT listing_id, chat_key, chat, linked_at FROM links ORDER BY listing_id`)
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		var l Link
		var at int64
		if err := rows.Scan(&l.ListingID, &l.ChatKey, &l.Chat, &at); err != nil {
			return nil, fmt.Errorf("read links: %w", err)
		}
		l.LinkedAt = time.Unix(at, 0)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	return out, nil
}

// UnlinkTx removes the listing's link, and any request to remove it; unlinking one that is
// not linked is not an error.
func (tx *Tx) Unlink(ctx context.Context, listingID string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM links WHERE listing_id = ?`, listingID); err != nil {
		return fmt.Errorf("unlink group: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM unlink_requests WHERE listing_id = ?`, listingID); err != nil {
		return fmt.Errorf("unlink group: %w", err)
	}
	return nil
}

// RequestUnlinkTx asks the bot to remove the listing's link (say, one whose group it can no
// longer reach): it returns ErrNotFound when the listing is not linked.
func (tx *Tx) RequestUnlink(ctx context.Context, listingID string) error {
	now := tx.now
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM links WHERE listing_id = ?`, listingID).Scan(&n); err != nil {
		return fmt.Errorf("read link: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO unlink_requests (listing_id, requested_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		listingID, now.Unix()); err != nil {
		return fmt.Errorf("request unlink: %w", err)
	}
	return nil
}

// RequestUnlink is RequestUnlinkTx in a transaction of its own.
func (db *DB) RequestUnlink(ctx context.Context, listingID string, now time.Time) error {
	return db.writeAt(ctx, now, func(tx *Tx) error { return tx.RequestUnlink(ctx, listingID) })
}

// UnlinkRequests returns the listings whose link the bot is asked to remove.
func (db *DB) UnlinkRequests(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT listing_id FROM unlink_requests ORDER BY requested_at`)
	if err != nil {
		return nil, fmt.Errorf("read unlink requests: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read unlink requests: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read unlink requests: %w", err)
	}
	return out, nil
}

// LinkStatus is what the listing page shows about linking: whether a group is linked and
// since when, and until when an unused code works (zero when there is none).
type LinkStatus struct {
	Linked          bool
	LinkedAt        time.Time
	CodeExpires     time.Time
	UnlinkRequested bool // the bot is asked to remove the link and has not yet
}

// LinkStatusOf says whether the listing is linked and whether an unused code is live at now.
func (db *DB) LinkStatusOf(ctx context.Context, listingID string, now time.Time) (LinkStatus, error) {
	var s LinkStatus
	l, err := db.LinkByListing(ctx, listingID)
	switch {
	case err == nil:
		s.Linked, s.LinkedAt = true, l.LinkedAt
	case !errors.Is(err, ErrNotFound):
		return LinkStatus{}, err
	}
	var exp sql.NullInt64
	err = db.read.QueryRowContext(ctx, `SELECT max(expires_at) FROM link_codes WHERE listing_id = ? AND used_at IS NULL AND expires_at > ?`,
		listingID, now.Unix()).Scan(&exp)
	if err != nil {
		return LinkStatus{}, fmt.Errorf("read link codes: %w", err)
	}
	if exp.Valid {
		s.CodeExpires = time.Unix(exp.Int64, 0)
	}
	if s.Linked {
		err = db.read.QueryRowContext(ctx, `SELECT count(*) > 0 FROM unlink_requests WHERE listing_id = ?`, listingID).Scan(&s.UnlinkRequested)
		if err != nil {
			return LinkStatus{}, fmt.Errorf("read unlink requests: %w", err)
		}
	}
	return s, nil
}
