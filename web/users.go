package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/http"
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
	err := db.Write(ctx, func(tx *sql.Tx) error {
		u, err := store.CreateUserTx(ctx, tx, email, role, now)
		if err != nil {
			return err
		}
		if err := store.CreateInviteTx(ctx, tx, tokenHash(token), u.ID, now, now.Add(inviteValid)); err != nil {
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
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if err := store.CreateInviteTx(ctx, tx, tokenHash(token), u.ID, now, now.Add(inviteValid)); err != nil {
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

func auditUser(ctx context.Context, tx *sql.Tx, by *store.User, action string, u store.User, now time.Time, changes ...store.Change) error {
	e := store.AuditEntry{At: now, Actor: CommandLine, Action: action, Subject: "user:" + strconv.FormatInt(u.ID, 10), Label: u.Email, Changes: changes}
	if by != nil {
		e.UserID, e.Actor = by.ID, by.Email
	}
	_, err := store.AuditTx(ctx, tx, e)
	return err
}

type usersData struct {
	Users []store.User
	// Form is the invite form as sent, kept on an error.
	Email, Role string
	Error       string // message id
	// Link is a set-password link just made, shown once.
	Link      string
	LinkEmail string
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.renderUsers(w, r, v, http.StatusOK, usersData{Role: string(store.RoleEditor)})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, v *viewer, status int, d usersData) {
	var err error
	if d.Users, err = s.db.Users(r.Context()); err != nil {
		s.internal(w, r, v, err)
		return
	}
	s.render(w, r, v, status, "users", page{Title: "web.users.title", Nav: "users", Data: d})
}

// invite makes an account and shows its link once. The page is the answer to the post
// rather than a redirect, since the link must not sit in an address or a later page.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	d := usersData{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	role := store.Role(d.Role)
	if !role.Valid() {
		d.Error = "web.users.bad_role"
		s.renderUsers(w, r, v, http.StatusUnprocessableEntity, d)
		return
	}
	token, err := NewAccount(r.Context(), s.db, v.User, d.Email, role, s.now())
	switch {
	case errors.Is(err, ErrBadEmail):
		d.Error = "web.users.bad_email"
	case errors.Is(err, store.ErrExists):
		d.Error = "web.users.exists"
	case err != nil:
		s.internal(w, r, v, err)
		return
	}
	if d.Error != "" {
		s.renderUsers(w, r, v, http.StatusUnprocessableEntity, d)
		return
	}
	s.renderUsers(w, r, v, http.StatusOK, usersData{Role: string(store.RoleEditor), Link: siteURL(r) + InvitePath(token), LinkEmail: d.Email})
}

// newLink makes a fresh set-password link for an existing account (a forgotten password).
func (s *Server) newLink(w http.ResponseWriter, r *http.Request, v *viewer) {
	u, ok := s.pathUser(w, r, v)
	if !ok {
		return
	}
	token, err := NewPasswordLink(r.Context(), s.db, v.User, u, s.now())
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	s.renderUsers(w, r, v, http.StatusOK, usersData{Role: string(store.RoleEditor), Link: siteURL(r) + InvitePath(token), LinkEmail: u.Email})
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setDisabled(w, r, v, true)
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setDisabled(w, r, v, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, v *viewer, disabled bool) {
	u, ok := s.pathUser(w, r, v)
	if !ok {
		return
	}
	if u.ID == v.User.ID {
		s.fail(w, r, v, http.StatusConflict, "web.users.not_yourself")
		return
	}
	action, done, before, after := "user.enable", "enabled", "off", "on"
	if disabled {
		action, done, before, after = "user.disable", "disabled", "on", "off"
	}
	now := s.now()
	err := s.db.Write(r.Context(), func(tx *sql.Tx) error {
		if err := store.SetUserDisabledTx(r.Context(), tx, u.ID, disabled, now); err != nil {
			return err
		}
		return auditUser(r.Context(), tx, v.User, action, u, now, store.Change{Field: "account", Before: before, After: after})
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/users", done)
}

// setRole makes an editor an admin or the other way round.
func (s *Server) setRole(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	u, ok := s.pathUser(w, r, v)
	if !ok {
		return
	}
	role := store.Role(r.PostFormValue("role"))
	switch {
	case u.ID == v.User.ID:
		// An admin who demoted themselves could leave no admin at all.
		s.fail(w, r, v, http.StatusConflict, "web.users.not_yourself")
		return
	case !role.Valid():
		s.fail(w, r, v, http.StatusBadRequest, "web.users.bad_role")
		return
	case role == u.Role:
		redirect(w, r, "/users", "")
		return
	}
	now := s.now()
	err := s.db.Write(r.Context(), func(tx *sql.Tx) error {
		if err := store.SetUserRoleTx(r.Context(), tx, u.ID, role); err != nil {
			return err
		}
		return auditUser(r.Context(), tx, v.User, "user.role", u, now, store.Change{Field: "role", Before: string(u.Role), After: string(role)})
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/users", "role")
}

func (s *Server) pathUser(w http.ResponseWriter, r *http.Request, v *viewer) (store.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r, v)
		return store.User{}, false
	}
	u, err := s.db.User(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, v)
		return store.User{}, false
	}
	if err != nil {
		s.internal(w, r, v, err)
		return store.User{}, false
	}
	return u, true
}

// siteURL is this site's address as the viewer reached it, for links to be sent on.
func siteURL(r *http.Request) string {
	scheme := "http"
	if overHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
