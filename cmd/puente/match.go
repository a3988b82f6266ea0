package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

// runMatch prints the referral list a person would see, with its reasons in their
// language, so volunteers can check their listings:
// puente match [--need NEED] [--lang LANG] [--region REGION] [--women-only] [--community C] [--at 2026-11-29T23:00] [--explain]
func runMatch(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partData)
	need := fs.String("need", "", "what the person needs help with, e.g. domestic_abuse, labour_exploitation, witness")
	lang := fs.String("lang", "en", "the person's language, e.g. es, pt-BR, ro")
	region := fs.String("region", "", "where they are: london, north_west, england, wales, scotland, northern_ireland or uk")
	womenOnly := fs.Bool("women-only", false, "they prefer services for women only")
	community := fs.String("community", "", "a community they prefer a service for, e.g. latin_american")
	atFlag := fs.String("at", "", "the moment to rank for, in London time: 2026-11-29T23:00 (default now)")
	explain := fs.Bool("explain", false, "show how each listing's place and score add up")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente match [--need NEED] [--lang LANG] [--region REGION] [--women-only] [--community C] [--at 2026-11-29T23:00] [--explain]\n\nPrints the referral list a person would see, as the bot shows it, and notes for volunteers.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, e, args, validate); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	p := directory.Profile{Lang: *lang, WomenOnly: *womenOnly}
	var bad []string
	if *need != "" {
		n, err := directory.ParseNeed(*need)
		if err != nil {
			bad = append(bad, "--need: "+err.Error())
		}
		p.Need = n
	}
	if *region != "" {
		r, err := directory.ParseRegion(*region)
		if err != nil {
			bad = append(bad, "--region: "+err.Error())
		}
		p.Region = r
	}
	if *community != "" {
		c, err := directory.ParseCommunity(*community)
		if err != nil {
			bad = append(bad, "--community: "+err.Error())
		}
		p.Community = string(c)
	}
	if _, err := directory.ParseLanguage(*lang); err != nil {
		bad = append(bad, "--lang: "+err.Error())
	}
	now := time.Now()
	if *atFlag != "" {
		t, err := parseAt(*atFlag)
		if err != nil {
			bad = append(bad, "--at: "+err.Error())
		}
		now = t
	}
	if len(bad) > 0 {
		fmt.Fprintln(e.stderr, strings.Join(bad, "\n"))
		return errUsage
	}
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.dbPath())
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := loadDirectory(ctx, db, time.Now())
	if err != nil {
		return err
	}
	var why explainer
	if *explain {
		why = d.Explain
	}
	printMatches(e.stdout, cat, p, now, d.Rank(p, now), why)
	printHidden(e.stdout, p, now, d.Listings())
	return nil
}

// printHidden names the listings that would fit but that people do not see because
// nobody has verified them for a year, so volunteers know what to check.
func printHidden(w io.Writer, p directory.Profile, now time.Time, ls []*directory.Listing) {
	var names []string
	for _, l := range ls {
		fits := p.Need == "" || slices.Contains(l.Needs, p.Need)
		_, old := l.Freshness(now)
		if fits && old && l.Status != directory.Inactive && l.Kind != directory.Emergency {
			names = append(names, l.Name)
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(w, "\nvolunteers: not shown to people until someone verifies them (not verified for over a year): %s\n", strings.Join(names, "; "))
	}
}

// parseAt reads a moment in London time (2026-11-29T23:00) or with its offset (RFC 3339).
func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, directory.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time; write 2026-11-29T23:00 (London time)", s)
}

// loadDirectory loads the starter directory on first start, then the directory from the
// database.
func loadDirectory(ctx context.Context, db *store.DB, now time.Time) (*directory.Directory, error) {
	if err := seedDirectory(ctx, db, now); err != nil {
		return nil, err
	}
	ls, err := db.DirectoryListings(ctx)
	if err != nil {
		return nil, err
	}
	return directory.New(ls), nil
}

// seedDirectory loads the starter directory into a database that never had one.
func seedDirectory(ctx context.Context, db *store.DB, now time.Time) error {
	seed, err := directory.Seed()
	if err != nil {
		return err
	}
	_, err = db.SeedDirectory(ctx, seed, now)
	return err
}

// explainer says how a listing's place and score add up (directory.Directory.Explain).
type explainer func(p directory.Profile, now time.Time, l *directory.Listing) ([]string, []directory.Point, bool)

// printMatches prints the ranking as the bot shows it to the person (flows.Listing), in
// their language when puente speaks it (English otherwise), with volunteers' notes set
// apart and, with why, how each score adds up.
func printMatches(w io.Writer, cat *locales.Catalog, p directory.Profile, now time.Time, ms []directory.Match, why explainer) {
	lang, ok := locales.Resolve(p.Lang, "", cat.Tags())
	if !ok {
		lang = "en"
	}
	desc := []string{"need " + orAny(string(p.Need)), "language " + p.Lang, "region " + orAny(string(p.Region))}
	if p.WomenOnly {
		desc = append(desc, "women only")
	}
	if p.Community != "" {
		desc = append(desc, "community "+p.Community)
	}
	if cs := directory.SuggestedCommunities(p.Lang); len(cs) > 0 {
		desc = append(desc, fmt.Sprintf("communities the language suggests %v", cs))
	}
	fmt.Fprintf(w, "%s, at %s London time; shown in %s\n", strings.Join(desc, ", "),
		now.In(directory.Zone).Format("Mon 2 Jan 2006 15:04"), lang)
	for i, m := range ms {
		text, fellBack := flows.Listing(cat, lang, m)
		text = strings.TrimPrefix(text, "• ")
		fmt.Fprintf(w, "\n%d. %s\n", i+1, strings.ReplaceAll(text, "\n", "\n   "))
		notes := []string{fmt.Sprintf("score %d", m.Score), "id " + m.Listing.ID}
		if m.Outside {
			notes = append(notes, "not for women only: shown after the women-only listings, which are fewer than 2")
		}
		if fellBack {
			notes = append(notes, "some of it is shown in English: no text in "+lang)
		}
		for _, n := range m.Notes {
			notes = append(notes, cat.Text(lang, n.ID, n.Data))
		}
		for _, c := range m.Listing.Contacts {
			if c.Hours != nil {
				notes = append(notes, fmt.Sprintf("%s %s has its own hours: %s", c.Kind, c.Value, c.Hours))
			}
		}
		fmt.Fprintf(w, "   volunteers: %s\n", strings.Join(notes, " · "))
		if why == nil {
			continue
		}
		if place, parts, ok := why(p, now, m.Listing); ok {
			var sum []string
			for _, pt := range parts {
				sum = append(sum, fmt.Sprintf("%+d %s", pt.Points, pt.Why))
			}
			fmt.Fprintf(w, "   place: %s\n   score: %s = %d\n", strings.Join(place, "; "), strings.Join(sum, ", "), m.Score)
		} else {
			fmt.Fprintln(w, "   place: shown because nothing else fits (the floor)")
		}
	}
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}
