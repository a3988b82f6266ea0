package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// runTranslations writes and reads a reviewer's sheet of one language:
// puente translations export --lang pl [--out FILE] and
// puente translations import FILE --lang pl [--reviewer ROLE].
func runTranslations(ctx context.Context, e env, args []string) error {
	usage := "Usage: puente translations export --lang LANG [--out FILE] [--dir DIR]\n       puente translations import FILE --lang LANG [--reviewer ROLE] [--dir DIR]\n\nexport writes a CSV of every message of LANG (id, form, note for translators,\nEnglish, the translation, state) that opens in a spreadsheet. import reads it\nback through the checks of puente check, all or nothing, rewrites LANG's message\nfiles in DIR, and stamps the rows whose state is \"reviewed\" with ROLE (a role,\nnever a name, such as \"native speaker, caseworker\")."
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stdout, usage)
			return errHelp
		}
		fmt.Fprintln(e.stderr, usage)
		return errUsage
	}
	verb := args[0]
	fs := flag.NewFlagSet("translations "+verb, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), usage); fs.PrintDefaults() }
	lang := fs.String("lang", "", "the language of the sheet, as in the file names: pl, ar, pt-BR")
	dir := fs.String("dir", "locales", "the folder of the message files")
	out := fs.String("out", "", "export: file to write (default: standard output)")
	reviewer := fs.String("reviewer", "", "import: the role of who reviewed the rows marked reviewed")
	rest, err := parseArgs(fs, e, args[1:])
	if err != nil {
		return err
	}
	if *lang == "" || *lang == locales.Default {
		fmt.Fprintf(e.stderr, "puente translations %s: --lang names a translated language, not %q\n", verb, *lang)
		return errUsage
	}
	cat, err := locales.LoadFS(os.DirFS(*dir))
	if err != nil {
		return failed(e, err)
	}
	if !slices.Contains(cat.Tags(), *lang) {
		fmt.Fprintf(e.stderr, "puente translations %s: %s has no message files in %s (languages: %s)\n", verb, *lang, *dir, strings.Join(cat.Tags(), ", "))
		return errUsage
	}
	if verb == "export" {
		if len(rest) != 0 {
			fs.Usage()
			return errUsage
		}
		return exportSheet(e, cat, *lang, *out)
	}
	if len(rest) != 1 {
		fs.Usage()
		return errUsage
	}
	return importSheet(ctx, e, cat, *dir, rest[0], *lang, *reviewer)
}

func exportSheet(e env, cat *locales.Catalog, lang, out string) error {
	rows := cat.Sheet(lang)
	if out == "" {
		return locales.WriteSheet(e.stdout, lang, rows)
	}
	var buf bytes.Buffer
	if err := locales.WriteSheet(&buf, lang, rows); err != nil {
		return err
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return fmt.Errorf("export sheet: %w", err)
	}
	fmt.Fprintf(e.stderr, "Wrote %d rows of %s to %s\n", len(rows), lang, out)
	return nil
}

func importSheet(_ context.Context, e env, cat *locales.Catalog, dir, file, lang, reviewer string) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("import sheet: %w", err)
	}
	rows, err := locales.ReadSheet(f, lang)
	f.Close()
	if err != nil {
		fmt.Fprintf(e.stdout, "%s: %v\n", file, err)
		return errFailed
	}
	dirFS := os.DirFS(dir)
	files, errs := cat.ApplySheet(dirFS, lang, rows, reviewer, time.Now().UTC())
	if len(errs) > 0 {
		for _, re := range errs {
			fmt.Fprintf(e.stdout, "%s:%s\n", file, re)
		}
		fmt.Fprintf(e.stdout, "%d errors; nothing was written\n", len(errs))
		return errFailed
	}
	// The whole of puente check, on the files as they would be: what the
	// sheet breaks is refused, what was broken before is not its fault.
	next, err := overlayDir(dirFS, files)
	if err != nil {
		return err
	}
	defer os.RemoveAll(next)
	set, err := flows.Load()
	if err != nil {
		return failed(e, err)
	}
	before, err := checkAll(set, cat)
	if err != nil {
		return err
	}
	candidate, err := locales.LoadFS(os.DirFS(next))
	if err != nil {
		return failed(e, err)
	}
	after, err := checkAll(set, candidate)
	if err != nil {
		return err
	}
	var added []locales.Defect
	for _, d := range after {
		if !slices.Contains(before, d) {
			added = append(added, d)
		}
	}
	if len(added) > 0 {
		for _, d := range added {
			fmt.Fprintf(e.stdout, "%s: %s\n", file, d)
		}
		fmt.Fprintf(e.stdout, "%d errors; nothing was written\n", len(added))
		return errFailed
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	written := 0
	for _, name := range names {
		old, err := fs.ReadFile(dirFS, name)
		if err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(name)), files[name]); err != nil {
			return fmt.Errorf("import sheet: %w", err)
		}
		fmt.Fprintf(e.stderr, "Wrote %s\n", filepath.Join(dir, filepath.FromSlash(name)))
		written++
	}
	for _, c := range candidate.Coverage() {
		if c.Lang == lang {
			fmt.Fprintf(e.stdout, "%s: %d rows read, %d files changed; %d/%d messages translated, %d reviewed, %d stale stamps\n", lang, len(rows), written, c.Translated, c.Total, c.Reviewed, len(c.Stale))
		}
	}
	return nil
}

// overlayDir copies the message files and review files of fsys, with files
// put over them, into a new temporary folder, and returns its path: the caller
// removes it. A folder on disk, not a file system in memory, so that puente
// carries no testing package for a command run once a review.
func overlayDir(fsys fs.FS, files map[string][]byte) (dir string, err error) {
	dir, err = os.MkdirTemp("", "puente-translations-")
	if err != nil {
		return "", fmt.Errorf("make a folder for the checked files: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	write := func(name string, b []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		return os.WriteFile(p, b, 0o600)
	}
	for _, pattern := range []string{"*.json", locales.ReviewDir + "/*.json"} {
		names, err := fs.Glob(fsys, pattern)
		if err != nil {
			return "", fmt.Errorf("list message files: %w", err)
		}
		for _, n := range names {
			if _, over := files[n]; over {
				continue
			}
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				return "", fmt.Errorf("read %s: %w", n, err)
			}
			if err := write(n, b); err != nil {
				return "", fmt.Errorf("copy %s: %w", n, err)
			}
		}
	}
	for n, b := range files {
		if err := write(n, b); err != nil {
			return "", fmt.Errorf("write %s: %w", n, err)
		}
	}
	return dir, nil
}

// writeFileAtomic writes beside the target and renames, so a failure never
// leaves half a file.
func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".puente-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, bytes.NewReader(data)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
