package locales

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A command is named by the messages bot.cmd.<command>.name (the word in
// Telegram's menu) and bot.cmd.<command>.aliases (more words, separated by
// spaces) in each language. Every word of every shipped language works in
// every language: someone reading Spanish may still type /exit.
const (
	commandPrefix = "bot.cmd."
	commandName   = ".name"
	commandAlias  = ".aliases"
)

// CommandWord is what Telegram accepts as a bot command.
var CommandWord = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Commands returns the commands the English catalogue names, sorted.
func (c *Catalog) Commands() []string {
	var out []string
	for _, m := range c.msgs[Default] {
		if name, ok := strings.CutPrefix(m.ID, commandPrefix); ok {
			if name, ok := strings.CutSuffix(name, commandName); ok {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// CommandWords returns the words lang itself writes a command with: its
// name, then its aliases. Nothing falls back: a language without the
// messages adds no words.
func (c *Catalog) CommandWords(lang, command string) []string {
	var out []string
	for _, suffix := range []string{commandName, commandAlias} {
		if m, ok := c.msgs[lang].get(commandPrefix + command + suffix); ok {
			if t, ok := m.forms.get("other"); ok {
				out = append(out, strings.Fields(t.source())...)
			}
		}
	}
	return out
}

// Command reads the command a person typed ("/salir", "/Salir@puente_bot",
// "/start payload", "/início") and returns its English name ("exit").
// Case and accents do not count, so a word typed with its accents (which
// Telegram's menu cannot hold) finds the plain word of the catalogue.
func (c *Catalog) Command(text string) (string, bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", false
	}
	word, _, _ := strings.Cut(text[1:], " ")
	word, _, _ = strings.Cut(word, "@")
	name, ok := c.commands[foldWord(word)]
	return name, ok
}

// foldWord lowers a word and drops its accents: "Início" -> "inicio". A
// letter with accents becomes its ASCII letter (foldFrom, foldTo), and an
// accent typed on its own goes: what is left of the word is what Unicode's
// canonical decomposition leaves without its nonspacing marks, wherever that
// is a command word (TestFoldWordAsDecomposition).
//
//go:generate go run gen_fold.go
func foldWord(w string) string {
	w = strings.ToLower(w)
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			var b strings.Builder
			for _, r := range w {
				if a, ok := foldRune(r); ok {
					b.WriteByte(a)
				} else if !unicode.Is(unicode.Mn, r) {
					b.WriteRune(r)
				}
			}
			return b.String()
		}
	}
	return w
}

// foldRune is the ASCII character r decomposes to, without its marks, if it
// is one of foldFrom.
func foldRune(r rune) (byte, bool) {
	if r > 0xFFFF {
		return 0, false
	}
	i, ok := slices.BinarySearch(foldFrom[:], uint16(r))
	if !ok {
		return 0, false
	}
	return foldTo[i], true
}

// commandTable maps every word of every shipped language to its command. A
// word Telegram would not accept, or one that means two commands, is a
// defect of the files and stops the load.
func (c *Catalog) commandTable() (map[string]string, error) {
	table := map[string]string{}
	for _, command := range c.Commands() {
		for _, lang := range c.tags {
			for _, w := range c.CommandWords(lang, command) {
				if !CommandWord.MatchString(w) {
					m := c.commandMessage(lang, command, w)
					return nil, fmt.Errorf("%s:%d: command word %q of /%s is not 1 to 32 of a-z, 0-9 and _, as Telegram requires", m.File, m.Line, w, command)
				}
				if other, ok := table[w]; ok && other != command {
					m := c.commandMessage(lang, command, w)
					return nil, fmt.Errorf("%s:%d: command word %q means both /%s and /%s", m.File, m.Line, w, other, command)
				}
				table[w] = command
			}
		}
	}
	return table, nil
}

// commandMessage is the message of lang that holds word of command.
func (c *Catalog) commandMessage(lang, command, word string) *Message {
	for _, suffix := range []string{commandName, commandAlias} {
		m, ok := c.msgs[lang].get(commandPrefix + command + suffix)
		if !ok {
			continue
		}
		if t, has := m.forms.get("other"); has && slices.Contains(strings.Fields(t.source()), word) {
			return m
		}
	}
	return c.msgs[Default].at(commandPrefix + command + commandName)
}
