package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/puente-bot/puente/store"
)

func runBackup(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partApp)
	encrypt := fs.Bool("encrypt", false, "encrypt the copy (AES-256-GCM, with a key derived from the master secret): only the same secret restores it")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente backup [--encrypt] FILE\n\nWrites a consistent copy of the database to FILE, which must not exist. puente restore\nreads it back. Keep the secret apart from the copy.")
		fs.PrintDefaults()
	}
	rest, err := parseArgs(fs, e, args, validate)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return errUsage
	}
	dst := rest[0]
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	if !*encrypt {
		if err := a.db.Backup(ctx, dst); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Backed up to", dst)
		fmt.Fprintln(e.stdout, "Keep the secret (PUENTE_SECRET or the data folder's secret file) with it, but not in the same place: without it the copy's sessions and pending messages cannot be read. This copy is not encrypted: volunteers' emails, the audit trail and the directory are readable in it (--encrypt encrypts it).")
		return nil
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("back up database: %s already exists", dst)
	}
	// The plain copy is made beside the live database, which it is as sensitive as, and
	// removed once sealed.
	plain := filepath.Join(cfg.DataDir, ".backup-plain.db")
	os.Remove(plain)
	defer os.Remove(plain)
	if err := a.db.Backup(ctx, plain); err != nil {
		return err
	}
	if err := encryptFile(dst, plain, a.secret); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "Backed up, encrypted, to", dst)
	fmt.Fprintln(e.stdout, "Only the same secret (PUENTE_SECRET, PUENTE_SECRET_FILE or the data folder's secret file) restores it: keep the secret safe, and not in the same place as the backup.")
	return nil
}

// encryptFile seals the file src into dst, which must not exist, leaving no partial dst.
func encryptFile(dst, src string, secret []byte) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("encrypt backup: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("encrypt backup: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("encrypt backup: %w", cerr)
		}
		if err != nil {
			os.Remove(dst)
		}
	}()
	if err := store.EncryptBackup(out, in, secret); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("encrypt backup: %w", err)
	}
	return nil
}
