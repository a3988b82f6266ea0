package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// runExport writes the directory: puente export [--format csv|hsds|hsds-csv] [--out PATH].
func runExport(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partData)
	format := fs.String("format", "csv", "csv (for spreadsheets; import reads it back), hsds (Open Referral HSDS 3.0 JSON) or hsds-csv (HSDS CSV datapackage, zip)")
	out := fs.String("out", "", "file to write (default: standard output)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente export [--format csv|hsds|hsds-csv] [--out PATH]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, e, args, validate); err != nil {
		return err
	}
	var write func(io.Writer, []*directory.Listing) error
	switch *format {
	case "csv":
		write = directory.WriteCSV
	case "hsds":
		write = directory.WriteHSDS
	case "hsds-csv":
		write = directory.WriteHSDSPackage
	default:
		fmt.Fprintf(e.stderr, "puente export: --format %q: use csv, hsds or hsds-csv\n", *format)
		return errUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
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
	if *out == "" {
		if !e.stdoutTerminal {
			return write(e.stdout, d.Listings())
		}
		var buf bytes.Buffer
		if err := write(&buf, d.Listings()); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if *format == "hsds-csv" || (*format == "hsds" && !fitsScreen(buf.Bytes())) {
			fmt.Fprintf(e.stderr, "puente export: --format %s writes %d KB, too much for a terminal: add --out FILE (or redirect: > FILE)\n", *format, (buf.Len()+1023)/1024)
			return errUsage
		}
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	// Write beside the target and rename, so a failed export never leaves half a file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp, d.Listings()); err != nil {
		tmp.Close()
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(e.stderr, "Exported %d listings to %s\n", len(d.Listings()), *out)
	return nil
}

// A screenful is what export still writes to a terminal: more would scroll out of sight.
const screenLines, screenBytes = 60, 60 * 100

func fitsScreen(b []byte) bool {
	return len(b) <= screenBytes && bytes.Count(b, []byte("\n")) <= screenLines
}
