package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrExists is returned when a row that must be unique (say, a volunteer's email) exists already.
var ErrExists = errors.New("already exists")

// Role is what a volunteer may do on the web pages.
type Role string

// Roles: editors change listings; admins also manage people and settings.
const (
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

// Valid says whether r is one of the roles.
func (r Role) Valid() bool { return r == RoleEditor || r == RoleAdmin }

// User is a volunteer's account on the web pages.
type User struct {
	ID           int64
	Email        string
	Role         Role
	PasswordHash string // argon2id PHC string; "" until a set-password link is used
	CreatedAt    time.Time
	DisabledAt   time.Time // zero while the account is active
}

// Active says whether the user may sign in.
func (u User) Active() bool { return u.DisabledAt.IsZero() }

const userColumns = `id, email, role, password_hash, created_at, disabled_at`

// CreateUserTx adds an account with no password. It returns ErrExists if the email (compared
// without case) has an account already.
func (tx *Tx) CreateUser(ctx context.Context, email string, role Role) (User, error) {
	now := tx.now
	email = strings.TrimSpace(email)
	if !role.Valid() {
		return User{}, fmt.Errorf("create user: unknown role %q", role)
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO users (email, role, created_at) VALUES (?, ?, ?)`,
		email, string(role), now.Unix())
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
		return User{}, fmt.Errorf("create user: %w", ErrExists)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return User{ID: id, Email: email, Role: role, CreatedAt: time.Unix(now.Unix(), 0)}, nil
}

// User returns the account with id, or ErrNotFound.
func (db *DB) User(ctx context.Context, id int64) (User, error) {
	return scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByEmail returns the account for email (compared without case), or ErrNotFound.
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`,
		strings.TrimSpace(email)))
}

// Users returns every account, by email.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	return out, nil
}

// SetUserDisabledTx turns an account off (disabled) or on again. Turning it off also signs it
// out everywhere. It returns ErrNotFound for an unknown id.
func (tx *Tx) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	now := tx.now
	var at any
	if disabled {
		at = now.Unix()
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, at, id)
	if err != nil {
		return fmt.Errorf("disable user: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("disable user: %w", err)
	} else if n == 0 {
		return fmt.Errorf("disable user: %w", ErrNotFound)
	}
	if disabled {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("sign out disabled user: %w", err)
		}
	}
	return nil
}

// SetUserRoleTx changes an account's role. It returns ErrNotFound for an unknown id.
func (tx *Tx) SetUserRole(ctx context.Context, id int64, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("set role: unknown role %q", role)
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, string(role), id)
	if err != nil {
		return fmt.Errorf("set role: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set role: %w", err)
	} else if n == 0 {
		return fmt.Errorf("set role: %w", ErrNotFound)
	}
	return nil
}

func scanUser(row rowScanner) (User, error) {
	var (
		u        User
		role     string
		created  int64
		disabled sql.NullInt64
	)
	err := row.Scan(&u.ID, &u.Email, &role, &u.PasswordHash, &created, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("read user: %w", err)
	}
	u.Role = Role(role)
	u.CreatedAt = time.Unix(created, 0)
	if disabled.Valid {
		u.DisabledAt = time.Unix(disabled.Int64, 0)
	}
	return u, nil
}
