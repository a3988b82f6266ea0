package main

import (
	"context"
	"flag"
	"fmt"
)

func runBackup(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partApp)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente backup [flags] FILE\n\nWrites a consistent copy of the database to FILE, which must not exist.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, e, args, validate); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "Backed up to", fs.Arg(0))
	fmt.Fprintln(e.stdout, "Keep the secret (PUENTE_SECRET or the data folder's secret file) with it: without it the copy's sessions and pending messages cannot be read.")
	return nil
}
