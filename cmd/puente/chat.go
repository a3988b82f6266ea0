package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

// terminalID names the one terminal conversation of a data folder; its
// session key is an HMAC of it, like a Telegram chat's.
const terminalID = "local"

// runChat is a conversation in the terminal over the same engine and
// database as the bot: each screen's text, then its buttons as "[1] label";
// a number presses a button, any other line is sent as a message; EOF ends.
func runChat(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	cfg, validate := configFlags(fs, e.getenv, partApp|partEngine|partLocale)
	lang := fs.String("lang", "", "language to speak, any shipped one: en, es, pt-BR… (the language picker is shown without it)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: puente chat [--lang es]\n\nThe bot's conversation in the terminal, over the same engine and database: a number presses\na button, any other line is sent as a message (/start, /exit); Ctrl-D ends.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, e, args, validate); err != nil {
		return err
	}
	// A wrong --lang is refused before the data folder is touched.
	var choice string
	if *lang != "" {
		cat, err := locales.Load()
		if err != nil {
			return err
		}
		l, ok := locales.Resolve(*lang, "", cat.Tags())
		if !ok {
			fmt.Fprintf(e.stderr, "puente chat: --lang %q is not one of %s\n", *lang, strings.Join(cat.Tags(), ", "))
			return errUsage
		}
		choice = l
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.close()
	eng, err := newEngine(cfg, a.dir)
	if err != nil {
		return err
	}
	// The terminal opens no case: every organisation that accepts handoffs is offered, as if
	// each had linked a group, up to where a real case would start.
	c := &chat{db: a.db, keys: a.keys, eng: eng, takers: flows.Accepting{Ranker: a.dir}, out: e.stdout, key: a.keys.Lookup("terminal", terminalID)}
	return c.run(ctx, e.stdin, choice, cfg.LangHint)
}

// localeHint turns a POSIX locale (es_MX.UTF-8) into a language guess
// (es-MX), as Telegram's language_code is for the bot.
func localeHint(posix string) string {
	tag, _, _ := strings.Cut(posix, ".")
	tag, _, _ = strings.Cut(tag, "@")
	if tag == "C" || tag == "POSIX" {
		return ""
	}
	return strings.ReplaceAll(tag, "_", "-")
}

// newEngine builds the conversation engine from the embedded flows and
// messages, ranking with rank, with the configuration the texts quote.
func newEngine(cfg *config, rank directory.Ranker) (*flows.Engine, error) {
	set, err := flows.Load()
	if err != nil {
		return nil, err
	}
	cat, err := locales.Load()
	if err != nil {
		return nil, err
	}
	vars := engineVars(cfg.OperatorName, cfg.OperatorContact, cfg.SessionIdle, cfg.DeleteAfter)
	return flows.New(set, cat, rank, flows.Config{Vars: vars})
}

// engineVars are the values the privacy texts quote, in every language. Names
// typed by the operator are isolated if they hold right-to-left letters. Where
// the operator has not set both (the bot refuses to start so; the terminal and
// the preview do not), both are empty and the text says so in words rather
// than showing a variable's name to a person. Hours are rounded up, so the
// statement never promises a shorter time than the real one.
func engineVars(operator, contact string, sessionIdle, deleteAfter time.Duration) map[string]any {
	if operator == "" || contact == "" {
		operator, contact = "", ""
	}
	iso := locales.BidiFor("")
	return map[string]any{
		"OperatorName":    iso.FSI(operator),
		"OperatorContact": iso.FSI(contact),
		"SessionHours":    int(math.Ceil(sessionIdle.Hours())),
		"DeleteHours":     int(math.Ceil(deleteAfter.Hours())),
	}
}

type chat struct {
	db     *store.DB
	keys   *store.Keys
	eng    *flows.Engine
	takers flows.Takers
	out    io.Writer
	key    []byte
	last   flows.Reply // the screen whose buttons the numbers press
}

func (c *chat) run(ctx context.Context, in io.Reader, choice, hint string) error {
	s, err := c.load(ctx)
	if err != nil {
		return err
	}
	if choice != "" {
		s.Lang = choice
	}
	if err := c.step(ctx, s, flows.Event{Kind: flows.EventStart, LangHint: hint}); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "(%s)\n", c.eng.Catalog().Text(c.last.Lang, "ui.chat.hint", nil))
	lines := bufio.NewScanner(in)
	for first := true; lines.Scan(); first = false {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The first screen was just shown: a /start typed out of habit would only repeat it.
		if first && strings.TrimSpace(lines.Text()) == "/start" {
			continue
		}
		s, err := c.load(ctx)
		if err != nil {
			return err
		}
		ev := c.event(strings.TrimSpace(lines.Text()))
		ev.LangHint = hint
		if err := c.step(ctx, s, ev); err != nil {
			return err
		}
	}
	return lines.Err()
}

// event reads a line: the number of a button on the screen presses it;
// anything else is a message.
func (c *chat) event(line string) flows.Event {
	if n, err := strconv.Atoi(line); err == nil {
		i := 0
		for _, row := range c.last.Buttons {
			for _, b := range row {
				if i++; i == n && b.Token != "" {
					return flows.Event{Kind: flows.EventButton, Token: b.Token}
				}
			}
		}
	}
	return flows.Event{Kind: flows.EventText, Text: line}
}

func (c *chat) step(ctx context.Context, s flows.State, ev flows.Event) error {
	ev.Now, ev.Takers = time.Now(), c.takers
	s, out := c.eng.Step(s, ev)
	for _, r := range out.Replies {
		c.print(r)
	}
	if out.Open != "" {
		cat := c.eng.Catalog()
		fmt.Fprintf(c.out, "%s\n\n", cat.Text(cat.Speaking(s.Lang, ev.LangHint), "handoff.preview.opens", nil))
	}
	if !out.Exit && !slices.ContainsFunc(out.Replies, func(r flows.Reply) bool { return len(r.Buttons) > 0 }) {
		// A notice alone (after the handoff) is followed by the screen under it, so its
		// numbers go on pressing buttons that work. A missing message falls back, as in Step.
		screen, _ := c.eng.Render(s, ev.Now)
		c.print(screen)
	}
	if out.Exit {
		if err := c.db.DeleteSession(ctx, c.key); err != nil {
			return fmt.Errorf("forget the session: %w", err)
		}
		return nil
	}
	return c.save(ctx, s, ev.Now)
}

func (c *chat) print(r flows.Reply) {
	fmt.Fprintf(c.out, "%s\n\n", r.Text)
	i := 0
	for _, row := range r.Buttons {
		for _, b := range row {
			i++
			switch {
			case b.URL != "":
				fmt.Fprintf(c.out, "[%d] %s: %s\n", i, b.Label, b.URL)
			case b.Copy != "":
				fmt.Fprintf(c.out, "[%d] %s: %s\n", i, b.Label, b.Copy)
			default:
				fmt.Fprintf(c.out, "[%d] %s\n", i, b.Label)
			}
		}
	}
	if i > 0 {
		fmt.Fprintln(c.out)
		c.last = r
	}
}

// load reads the sealed session; a missing one, or one that cannot be
// opened (another secret, another version), starts afresh.
func (c *chat) load(ctx context.Context) (flows.State, error) {
	var s flows.State
	sealed, err := c.db.Session(ctx, c.key)
	if errors.Is(err, store.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read the session: %w", err)
	}
	plain, err := c.keys.Open(sealed, c.key)
	if err != nil || json.Unmarshal(plain, &s) != nil {
		return flows.State{}, nil
	}
	return s, nil
}

func (c *chat) save(ctx context.Context, s flows.State, now time.Time) error {
	plain, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode the session: %w", err)
	}
	if err := c.db.PutSession(ctx, c.key, c.keys.Seal(plain, c.key), now); err != nil {
		return fmt.Errorf("save the session: %w", err)
	}
	return nil
}
