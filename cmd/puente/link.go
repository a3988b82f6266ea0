package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// runLink prints a one-time code that links an organisation's Telegram group to a listing,
// so the group receives that listing's cases.
func runLink(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("link", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partApp)
	revoke := fs.Bool("revoke", false, "make the listing's unused codes stop working instead of printing a new one")
	unlink := fs.Bool("unlink", false, "remove the listing's link to its group, say one the bot can no longer reach: the bot closes the group's cases, tells the group if it can, and leaves")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: puente link [--revoke | --unlink] ORG\n\nORG is a listing's id or its name (or a unique part of it). Prints a code that works once,\nfor %d hours; a caseworker sends /link CODE in the organisation's Telegram forum group.\n", int(store.LinkCodeTTL.Hours()))
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, e, args, validate); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" || (*revoke && *unlink) {
		fs.Usage()
		return errUsage
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	now := time.Now()
	l, err := findListing(a.dir.Listings(), fs.Arg(0))
	if err != nil {
		return err
	}
	if *unlink {
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.RequestUnlink(ctx, l.ID); err != nil {
				return err
			}
			return tx.AuditListing(ctx, store.Actor{Name: linkActor}, "listing.unlink", l)
		})
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(e.stderr, "puente link: %s is not linked to a group.\n", l.Name)
			return errFailed
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "The bot will unlink %s within a minute while puente serve runs with TELEGRAM_BOT_TOKEN:\nit closes the group's open cases (telling their people), tells the group if it can\nstill reach it, and leaves it.\n", l.Name)
		return nil
	}
	if *revoke {
		var n int64
		err := a.db.Write(ctx, func(tx *store.Tx) (err error) {
			if n, err = tx.RevokeLinkCodes(ctx, l.ID); err != nil || n == 0 {
				return err
			}
			return tx.AuditListing(ctx, store.Actor{Name: linkActor}, "listing.link_revoke", l)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Revoked %d unused code(s) for %s.\n", n, l.Name)
		return nil
	}
	if !l.AcceptsHandoff {
		fmt.Fprintf(e.stderr, "puente link: %s does not take anonymous handoffs. Change that first: on the listing's web page, answer Yes to \"Takes anonymous handoffs through puente?\", or put yes in its anonymous_handoff column and import the spreadsheet again.\n", l.Name)
		return errFailed
	}
	var code string
	err = a.db.WithClock(func() time.Time { return now }).Write(ctx, func(tx *store.Tx) (err error) {
		if code, err = tx.CreateLinkCode(ctx, a.keys, l.ID); err != nil {
			return err
		}
		return tx.AuditListing(ctx, store.Actor{Name: linkActor}, "listing.link_code", l)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Link code for %s: %s\n", l.Name, code)
	fmt.Fprintf(e.stdout, "It works once, until %s. In the organisation's Telegram group (Topics on, the bot an\nadministrator allowed to manage topics), a caseworker sends:\n\n    /link %s\n",
		now.Add(store.LinkCodeTTL).In(directory.Zone).Format("2006-01-02 15:04 MST"), code)
	return nil
}

// findListing finds a listing by id, by exact name, or by the one name containing query.
func findListing(ls []*directory.Listing, query string) (*directory.Listing, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	var found []*directory.Listing
	for _, l := range ls {
		switch name := strings.ToLower(l.Name); {
		case l.ID == query || name == q:
			return l, nil
		case strings.Contains(name, q):
			found = append(found, l)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no listing has the id or name %q", query)
	case 1:
		return found[0], nil
	}
	names := make([]string, 0, len(found))
	for _, l := range found {
		names = append(names, l.Name+" ("+l.ID+")")
	}
	return nil, fmt.Errorf("%q matches %d listings; give the id or the full name: %s", query, len(found), strings.Join(names, "; "))
}
