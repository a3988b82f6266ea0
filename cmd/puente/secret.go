package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/puente-bot/puente/store"
)

// runSecret prints a new master secret: puente secret > FILE, then chmod 600 FILE and point
// PUENTE_SECRET_FILE at it.
func runSecret(_ context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("secret", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente secret > FILE\n\nPrints a new master secret (32 random bytes in base64). Keep it in a file only puente's\nuser can read (chmod 600 FILE), set PUENTE_SECRET_FILE=FILE, and back it up apart from the\ndatabase: the database cannot be read without it, and puente refuses to start with another.")
	}
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	fmt.Fprintln(e.stdout, store.NewSecret())
	return nil
}
