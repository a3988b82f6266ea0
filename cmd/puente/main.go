// Command puente runs the bot, the volunteers' web page and the tools around them.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage marks a command line that could not be understood; it exits with status 2.
var errUsage = errors.New("usage")

// errHelp marks a command asked for its help, which it printed; it exits with status 0.
var errHelp = errors.New("help")

// errFailed marks a command that ran and reported its own problems; it exits with status 1
// without printing anything more.
var errFailed = errors.New("failed")

// env is what a command gets from the outside world, so tests can run commands in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// stdoutTerminal says stdout is a terminal, where a zip or pages of JSON would garble
	// the screen.
	stdoutTerminal bool
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// commands is the table of contents of the program.
func commands() []command {
	return []command{
		{"serve", "run the bot and the volunteers' web page (the default)", runServe},
		{"backup", "write a consistent copy of the database: puente backup [--encrypt] FILE", runBackup},
		{"restore", "put a backup in place in an empty data folder: puente restore FILE", runRestore},
		{"match", "print the referral list a person would see: puente match --need NEED --lang LANG", runMatch},
		{"import", "add or update directory listings from a CSV or HSDS file: puente import FILE [--dry-run]", runImport},
		{"export", "write the directory: puente export --format csv|hsds|hsds-csv [--out PATH]", runExport},
		{"adduser", "make a volunteer's account and print a link to set its password: puente adduser [--role editor|admin] EMAIL", runAddUser},
		{"link", "print a one-time code that links an organisation's Telegram group: puente link [--revoke | --unlink] ORG", runLink},
		{"secret", "print a new master secret to keep in PUENTE_SECRET_FILE: puente secret > FILE", runSecret},
		{"chat", "talk to the bot in the terminal: puente chat [--lang es]", runChat},
		{"check", "validate the flows and messages; print translation coverage", runCheck},
		{"translations", "a reviewer's sheet of one language: puente translations export|import --lang LANG", runTranslations},
		{"health", "ask a running puente whether it is up (or --ready); for container health checks", runHealth},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, stdoutTerminal: isTerminal(os.Stdout)}
	err := run(ctx, e, os.Args[1:])
	switch {
	case err == nil, errors.Is(err, errHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case errors.Is(err, errFailed):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "puente:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, e env, args []string) error {
	name := "serve"
	if len(args) > 0 && args[0] != "" && (args[0][0] != '-' || args[0] == "-h" || args[0] == "--help") {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		usage(e.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, args)
		}
	}
	fmt.Fprintf(e.stderr, "puente: unknown command %q\n\n", name)
	usage(e.stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: puente [command] [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'puente COMMAND -h' for a command's flags. Every flag can also be set")
	fmt.Fprintln(w, "through the environment variable named in its help.")
}

// parseArgs is parseFlags for a command whose flags may also follow its arguments
// (puente import FILE --dry-run); it returns the arguments.
func parseArgs(fs *flag.FlagSet, e env, args []string, checks ...func() error) ([]string, error) {
	var rest []string
	for {
		if err := parseFlags(fs, e, args, checks...); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
}

// parseFlags parses a command's flags, then runs the checks (the configuration's validation,
// from configFlags). Help asked for (-h) goes to stdout and returns errHelp; a mistake goes
// to stderr with the help.
func parseFlags(fs *flag.FlagSet, e env, args []string, checks ...func() error) error {
	var out bytes.Buffer
	fs.SetOutput(&out)
	err := fs.Parse(args)
	fs.SetOutput(e.stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.stdout.Write(out.Bytes())
			return errHelp
		}
		e.stderr.Write(out.Bytes())
		return errUsage
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// isTerminal says f is a character device such as a terminal, not a file or a pipe.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
