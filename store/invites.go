package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Reasons a set-password link no longer works.
var (
	ErrInviteExpired = errors.New("the link has expired")
	ErrInviteUsed    = errors.New("the link has been used")
)

// Invite is a one-time link to set a password, found by the SHA-256 of its token.
type Invite struct {
	User      User
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used
}

// CreateInviteTx stores a link for userID, valid until expires. The account's earlier unused
// links stop working (they answer "expired"): a new link is made when an old one went astray.
func (tx *Tx) CreateInvite(ctx context.Context, tokenHash []byte, userID int64, now, expires time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE invites SET expires_at = ? WHERE user_id = ? AND used_at IS NULL AND expires_at > ?`,
		now.Unix(), userID, now.Unix())
	if err != nil {
		return fmt.Errorf("void earlier invites: %w", err)
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO invites (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, now.Unix(), expires.Unix())
	if err != nil {
		return fmt.Errorf("create invite: %w", err)
	}
	return nil
}

// Invite returns the link whose token hashes to tokenHash. It fails with ErrNotFound,
// ErrInviteUsed, or ErrInviteExpired (checked against now), in that order.
func (db *DB) Invite(ctx context.Context, tokenHash []byte, now time.Time) (Invite, error) {
	return inviteFrom(ctx, db.read, tokenHash, now)
}

// UseInviteTx sets the password of the link's account to passwordHash, marks the link used,
// voids the account's other links and signs the account out everywhere. It fails as Invite does.
func (tx *Tx) UseInvite(ctx context.Context, tokenHash []byte, passwordHash string) (User, error) {
	now := tx.now
	inv, err := inviteFrom(ctx, tx.tx, tokenHash, now)
	if err != nil {
		return User{}, err
	}
	steps := []struct {
		query string
		args  []any
	}{
		{`UPDATE users SET password_hash = ? WHERE id = ?`, []any{passwordHash, inv.User.ID}},
		{`UPDATE invites SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, []any{now.Unix(), inv.User.ID}},
		{`DELETE FROM web_sessions WHERE user_id = ?`, []any{inv.User.ID}},
	}
	for _, s := range steps {
		if _, err := tx.tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return User{}, fmt.Errorf("use invite: %w", err)
		}
	}
	inv.User.PasswordHash = passwordHash
	return inv.User, nil
}

// PruneInvites forgets links that expired or were used before before, and says how many.
func (db *DB) PruneInvites(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM invites WHERE expires_at < ? OR used_at < ?`, before.Unix(), before.Unix())
		if err != nil {
			return fmt.Errorf("prune invites: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

func inviteFrom(ctx context.Context, q querier, tokenHash []byte, now time.Time) (Invite, error) {
	var (
		inv              Invite
		userID           int64
		created, expires int64
		used             sql.NullInt64
	)
	err := q.QueryRowContext(ctx, `SELECT user_id, created_at, expires_at, used_at FROM invites WHERE token_hash = ?`,
		tokenHash).Scan(&userID, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Invite{}, ErrNotFound
	}
	if err != nil {
		return Invite{}, fmt.Errorf("read invite: %w", err)
	}
	inv.CreatedAt, inv.ExpiresAt = time.Unix(created, 0), time.Unix(expires, 0)
	if used.Valid {
		inv.UsedAt = time.Unix(used.Int64, 0)
		return inv, ErrInviteUsed
	}
	if !now.Before(inv.ExpiresAt) {
		return inv, ErrInviteExpired
	}
	inv.User, err = scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID))
	if err != nil {
		return Invite{}, err
	}
	return inv, nil
}
