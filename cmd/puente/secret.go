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

// secretFileName is the development secret made in a new, empty data folder when neither
// PUENTE_SECRET nor PUENTE_SECRET_FILE is set.
const secretFileName = "secret"

// secretAdvice says how to make a good master secret; errors about the secret end with it.
const secretAdvice = "make one with `puente secret > /etc/puente/secret` (32 random bytes in base64), " +
	"make the file private with `chmod 600 /etc/puente/secret`, and set PUENTE_SECRET_FILE=/etc/puente/secret"

// readSecret reads the master secret the operator set into c.Secret: PUENTE_SECRET (fromEnv),
// else the file PUENTE_SECRET_FILE names. With neither, c.Secret stays nil and masterSecret
// falls back on the data folder's development secret, which is refused when the bot runs.
// A secret file others can read, and a secret with little entropy, are refused.
func (c *config) readSecret(fromEnv string) error {
	switch {
	case fromEnv != "":
		if err := store.ValidateSecret([]byte(fromEnv)); err != nil {
			return fmt.Errorf("PUENTE_SECRET: %w; %s", err, secretAdvice)
		}
		c.Secret = []byte(fromEnv)
	case c.SecretFile != "":
		s, err := readSecretFile(c.SecretFile)
		if err != nil {
			return fmt.Errorf("PUENTE_SECRET_FILE: %w", err)
		}
		c.Secret = s
	case c.BotToken != "":
		name := filepath.Join(c.DataDir, secretFileName)
		if _, err := os.Stat(name); err == nil {
			return fmt.Errorf("PUENTE_SECRET or PUENTE_SECRET_FILE: must be set when the bot runs (TELEGRAM_BOT_TOKEN); "+
				"to keep the development secret this data folder was made with, set PUENTE_SECRET_FILE=%s", name)
		}
		return fmt.Errorf("PUENTE_SECRET or PUENTE_SECRET_FILE: must be set when the bot runs (TELEGRAM_BOT_TOKEN); %s", secretAdvice)
	}
	return nil
}

// masterSecret is the secret the keys are derived from: the one the operator set, else a
// development secret in the data folder (mode 0600). generated says the latter, so the caller
// can warn that a development secret is in use. A development secret is made only for a new,
// empty data folder: one that has a database but lost its secret must not silently get a new
// one.
func (c *config) masterSecret() (secret []byte, generated bool, err error) {
	if c.Secret != nil {
		return c.Secret, false, nil
	}
	name := filepath.Join(c.DataDir, secretFileName)
	s, err := readSecretFile(name)
	if err == nil {
		return s, true, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("development secret: %w", err)
	}
	if entries, err := os.ReadDir(c.DataDir); err == nil && len(entries) > 0 {
		return nil, false, fmt.Errorf("PUENTE_SECRET or PUENTE_SECRET_FILE: not set, and the data folder %s is not new: "+
			"set the secret it was made with (a development secret is made only for a new, empty data folder)", c.DataDir)
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create data directory: %w", err)
	}
	made := store.NewSecret()
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("create development secret: %w", err)
	}
	if _, err := f.WriteString(made + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("write development secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("write development secret: %w", err)
	}
	return []byte(made), true, nil
}

// readSecretFile reads a secret from a file only its owner can read.
func readSecretFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%s can be read or changed by other users (mode %04o): make it private with `chmod 600 %s`", name, perm, name)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, err
	}
	s := bytes.TrimSpace(b)
	if err := store.ValidateSecret(s); err != nil {
		return nil, fmt.Errorf("the secret in %s: %w; %s", name, err, secretAdvice)
	}
	return s, nil
}
