package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/puente-bot/puente/bot"
	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// runCheck proves the embedded flows and messages sound (see flows.Check),
// holds the messages that can arrive unprompted to showing nothing telling on
// a lock screen (bot.CheckUnprompted), and prints how much of each language is
// translated and reviewed, and which review stamps went stale. Any defect is printed as "file:line: message" and exits with
// status 1.
func runCheck(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente check\n\nProves the embedded flows and messages sound and prints translation coverage;\nexits 1 with file:line messages on a defect. It has no flags.")
	}
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	set, err := flows.Load()
	if err != nil {
		return failed(e, err)
	}
	cat, err := locales.Load()
	if err != nil {
		return failed(e, err)
	}
	defects, err := checkAll(set, cat)
	if err != nil {
		return failed(e, err)
	}
	sort.SliceStable(defects, func(i, j int) bool {
		return cmp.Or(cmp.Compare(defects[i].File, defects[j].File), cmp.Compare(defects[i].Line, defects[j].Line)) < 0
	})
	for _, d := range defects {
		fmt.Fprintln(e.stdout, d)
	}
	fmt.Fprintf(e.stdout, "%d flow files, %d nodes, %d messages\n", len(set.Files), len(set.NodeIDs()), len(cat.IDs(locales.Default)))
	fmt.Fprintf(e.stdout, "%-6s %-22s %-22s %s\n", "lang", "translated", "reviewed", "stale stamps")
	for _, c := range cat.Coverage() {
		fmt.Fprintf(e.stdout, "%-6s %-22s %-22s %d", c.Lang, share(c.Translated, c.Total), share(c.Reviewed, c.Total), len(c.Stale))
		if len(c.FellBack) > 0 {
			fmt.Fprintf(e.stdout, "; falls back for: %s", strings.Join(c.FellBack, ", "))
		}
		fmt.Fprintln(e.stdout)
	}
	for _, c := range cat.Coverage() {
		if len(c.Stale) > 0 {
			fmt.Fprintf(e.stdout, "%s: stale stamps (English or translation changed since review): %s\n", c.Lang, strings.Join(c.Stale, ", "))
		}
	}
	if len(defects) > 0 {
		fmt.Fprintf(e.stdout, "%d defects\n", len(defects))
		return errFailed
	}
	return nil
}

// checkAll is what puente check reports for the flows and a catalog.
func checkAll(set *flows.Set, cat *locales.Catalog) ([]locales.Defect, error) {
	listings, err := directory.Seed()
	if err != nil {
		return nil, err
	}
	vars := engineVars("Example Organisation", "hello@example.org", defaultSessionIdle, defaultDeleteAfter)
	defects := flows.Check(set, cat, directory.New(listings), flows.Config{Vars: vars}, time.Now())
	return append(defects, bot.CheckUnprompted(cat)...), nil
}

// share writes "n/total (p%)".
func share(n, total int) string {
	return fmt.Sprintf("%d/%d (%.1f%%)", n, total, 100*float64(n)/float64(max(total, 1)))
}

// failed prints a load error, one "file:line: message" per line.
func failed(e env, err error) error {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(e.stdout, line)
	}
	return errFailed
}
