package web

import (
	"context"
	"crypto/rand"
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/puente-bot/puente/store"
)

// ErrBadEmail is returned by NewAccount for something that is not a plain email address.
var ErrBadEmail = errors.New("not an email address")

// CommandLine is the actor recorded in the audit trail for accounts made with `puente adduser`.
const CommandLine = "puente adduser"

// NewAccount creates an account for email with role, and a set-password link valid for 24
// hours. It returns the link's token (see InvitePath). by is the admin who asked, or nil for
// the command line. It fails with ErrBadEmail or store.ErrExists.
func NewAccount(ctx context.Context, db *store.DB, by *store.User, email string, role store.Role, now time.Time) (string, error) {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return "", ErrBadEmail
	}
	token := rand.Text()
	err := db.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.CreateUser(ctx, email, role)
		if err != nil {
			return err
		}
		if err := tx.CreateInvite(ctx, tokenHash(token), u.ID, now, now.Add(InviteValid)); err != nil {
			return err
		}
		return auditUser(ctx, tx, by, "user.invite", u, now, store.Change{Field: "role", After: string(role)})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// NewPasswordLink makes a fresh set-password link, valid for 24 hours, for an existing
// account (a forgotten password) and returns its token. by is as for NewAccount.
func NewPasswordLink(ctx context.Context, db *store.DB, by *store.User, u store.User, now time.Time) (string, error) {
	token := rand.Text()
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateInvite(ctx, tokenHash(token), u.ID, now, now.Add(InviteValid)); err != nil {
			return err
		}
		return auditUser(ctx, tx, by, "user.link", u, now)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// InvitePath is the path, on the web page, of the set-password link for token.
func InvitePath(token string) string { return "/invite/" + token }

func auditUser(ctx context.Context, tx *store.Tx, by *store.User, action string, u store.User, now time.Time, changes ...store.Change) error {
	e := store.AuditEntry{At: now, Actor: CommandLine, Action: action, Subject: "user:" + strconv.FormatInt(u.ID, 10), Label: u.Email, Changes: changes}
	if by != nil {
		e.UserID, e.Actor = by.ID, by.Email
	}
	_, err := tx.Audit(ctx, e)
	return err
}
