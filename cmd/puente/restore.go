package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/puente-bot/puente/store"
)

// sqliteMagic starts every SQLite database file, and so every plain backup.
const sqliteMagic = "SQLite format 3\x00"

// runRestore puts a backup in place as the data folder's database: puente restore FILE.
func runRestore(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partApp)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente restore FILE\n\nPuts a backup made by puente backup (encrypted or not) in place as the database of\nPUENTE_DATA_DIR, which must not have one: restore never overwrites a database. It checks\nthe file and that the secret (PUENTE_SECRET or PUENTE_SECRET_FILE) is the one it was made with.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, e, args, validate); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	src := fs.Arg(0)
	target := cfg.dbPath()
	for _, f := range []string{target, target + "-wal"} {
		if _, err := os.Stat(f); err == nil {
			return fmt.Errorf("PUENTE_DATA_DIR: %s already has a database, and restore never overwrites one: stop puente and restore into an empty folder (or move this one aside)", cfg.DataDir)
		}
	}
	if cfg.Secret == nil {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, secretFileName)); err != nil {
			return errors.New("PUENTE_SECRET or PUENTE_SECRET_FILE: set the secret the backup was made with; restore never makes a new one")
		}
	}
	secret, _, err := cfg.masterSecret()
	if err != nil {
		return err
	}
	keys, err := store.NewKeys(secret)
	if err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp, err := os.CreateTemp(cfg.DataDir, ".restore-*.db")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer func() {
		for _, f := range []string{tmp.Name(), tmp.Name() + "-wal", tmp.Name() + "-shm"} {
			os.Remove(f)
		}
	}()
	encrypted, err := unpack(tmp, in, secret)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case errors.Is(err, store.ErrWrongSecret):
		return fmt.Errorf("%s: this encrypted backup does not open with this secret (it was made with another one, or the file was changed or cut short); nothing was restored", src)
	case err != nil:
		return fmt.Errorf("%s: %w; nothing was restored", src, err)
	}
	err = checkRestored(ctx, tmp.Name(), keys)
	switch {
	case errors.Is(err, store.ErrWrongSecret):
		return fmt.Errorf("%s: its sealed data does not open with this secret: set PUENTE_SECRET or PUENTE_SECRET_FILE to the one it was made with; nothing was restored", src)
	case err != nil:
		return fmt.Errorf("%s: %w; nothing was restored", src, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	what := "a plain backup"
	if encrypted {
		what = "an encrypted backup"
	}
	fmt.Fprintf(e.stdout, "Restored %s from %s into %s.\n", what, src, target)
	fmt.Fprintln(e.stdout, "The secret is the one it was made with. Start puente with the same secret.")
	return nil
}

// unpack copies a backup into dst, decrypting it when it is encrypted. Anything other than
// an encrypted backup or a SQLite file is refused.
func unpack(dst io.Writer, src io.ReadSeeker, secret []byte) (encrypted bool, err error) {
	err = store.DecryptBackup(dst, src, secret)
	if !errors.Is(err, store.ErrNotEncrypted) {
		return true, err
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(src, head); err != nil || !bytes.Equal(head, []byte(sqliteMagic)) {
		return false, errors.New("not a backup made by puente backup (neither encrypted nor a SQLite database)")
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return false, err
	}
	if _, err := io.Copy(dst, src); err != nil {
		return false, fmt.Errorf("copy backup: %w", err)
	}
	return false, nil
}

// checkRestored opens the restored file (bringing its schema up to date), checks it whole,
// checks the secret against it, and leaves it closed and complete.
func checkRestored(ctx context.Context, path string, keys *store.Keys) (err error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	if err := db.CheckSecret(ctx, keys); err != nil {
		return err
	}
	return db.Checkpoint(ctx)
}
