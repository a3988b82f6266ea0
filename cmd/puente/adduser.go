package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/puente-bot/puente/store"
	"github.com/puente-bot/puente/web"
)

// runAddUser makes a volunteer's account and prints a one-time link to set its password.
// For an account that exists it prints a fresh link instead (a forgotten password), which
// is how the operator lets the first admin back in.
func runAddUser(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("adduser", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partData|partWeb)
	role := fs.String("role", string(store.RoleEditor), "editor (changes listings) or admin (also manages people)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente adduser [--role editor|admin] EMAIL")
		fs.PrintDefaults()
	}
	// Flags may also come after the email: puente adduser ana@example.org --role admin.
	rest, err := parseArgs(fs, e, args, validate)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return errUsage
	}
	if !store.Role(*role).Valid() {
		return fmt.Errorf("--role: %q is not editor or admin", *role)
	}
	base := "http://" + cfg.HTTPAddr
	if cfg.SiteURL != nil {
		base = cfg.SiteURL.String()
	}

	db, err := store.Open(ctx, cfg.dbPath())
	if err != nil {
		return err
	}
	defer db.Close()
	email := rest[0]
	now := time.Now()
	token, err := web.NewAccount(ctx, db, nil, email, store.Role(*role), now)
	switch {
	case errors.Is(err, web.ErrBadEmail):
		return fmt.Errorf("EMAIL: %q is not an email address", email)
	case errors.Is(err, store.ErrExists):
		u, err := db.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if token, err = web.NewPasswordLink(ctx, db, nil, u, now); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s has an account already (role %s); this is a new link to set its password.\n", u.Email, u.Role)
	case err != nil:
		return err
	default:
		fmt.Fprintf(e.stdout, "Made an account for %s (role %s).\n", email, *role)
	}
	fmt.Fprintf(e.stdout, "Send this link to them; it works once, until %s:\n%s%s\n",
		now.Add(web.InviteValid).UTC().Format("2006-01-02 15:04 UTC"), base, web.InvitePath(token))
	return nil
}
