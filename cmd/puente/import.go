package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// runImport reads a directory file (CSV, or Open Referral HSDS JSON or data package) and adds or updates
// its listings in one transaction: puente import FILE [--dry-run].
// importActor and linkActor are who the audit trail says wrote, for these commands.
const (
	importActor = "puente import"
	linkActor   = "puente link"
)

func runImport(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partData)
	dryRun := fs.Bool("dry-run", false, "list every row's problems and what would change, and change nothing")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente import [--dry-run] FILE\n\nFILE is a directory CSV (see the README for its columns), HSDS 3.0 JSON (.json),\nor an HSDS 3.0 CSV data package (.zip) as puente export writes them.\nAll rows are imported or none; listings not in FILE are kept.")
		fs.PrintDefaults()
	}
	// Flags may follow the file name: puente import FILE --dry-run.
	files, err := parseArgs(fs, e, args, validate)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return errUsage
	}
	name := files[0]
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if st.Size() > directory.MaxFileSize {
		fmt.Fprintf(e.stdout, "%s: the file is %d MB; the largest file puente imports is %d MB: split it into smaller files. Nothing was imported.\n",
			name, st.Size()>>20, directory.MaxFileSize>>20)
		return errFailed
	}
	listings, probs := directory.ReadFile(name, f, st.Size())
	for _, p := range probs {
		fmt.Fprintf(e.stdout, "%s: %s\n", name, p)
	}
	if probs.Err() != nil {
		fmt.Fprintf(e.stdout, "Nothing was imported: fix the rows above and import again.\n")
		return errFailed
	}
	db, err := store.Open(ctx, cfg.dbPath())
	if err != nil {
		return err
	}
	defer db.Close()
	if *dryRun {
		c, err := db.PlanDirectoryImport(ctx, listings)
		if err != nil {
			return err
		}
		for _, l := range c.ToAdd {
			fmt.Fprintf(e.stdout, "would add:    %s (%s)\n", l.Name, l.ID)
		}
		for _, l := range c.ToChange {
			fmt.Fprintf(e.stdout, "would change: %s (%s)\n", l.Name, l.ID)
		}
		fmt.Fprintf(e.stdout, "Dry run: %d listings would be added, %d changed, %d left as they are. Nothing was changed.\n", c.Added, c.Changed, c.Unchanged)
		return nil
	}
	changes := make([]store.ListingChange, len(listings))
	for i, l := range listings {
		changes[i] = store.ListingChange{Listing: l}
	}
	var c store.DirectoryChanges
	err = db.Write(ctx, func(tx *store.Tx) (err error) {
		c, err = tx.SaveListings(ctx, changes, store.Actor{Name: importActor})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Imported: %d listings added, %d changed, %d left as they are.\n", c.Added, c.Changed, c.Unchanged)
	return nil
}
