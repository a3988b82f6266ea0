// Package locales holds every text a person reads, as embedded go-i18n v2
// message files, and the rules for choosing and falling back between
// languages, plus the bidi helpers that keep numbers and links readable in
// right-to-left text.
package locales

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.json reviews/*.json
var files embed.FS

// Files returns the embedded message files and review stamps, for tools
// that inspect them.
func Files() fs.FS { return files }

// Default is the language every message exists in and the last step of
// every fallback chain.
const Default = "en"

// Forms are the CLDR plural categories in go-i18n's order.
var Forms = []string{"zero", "one", "two", "few", "many", "other"}

// Language is a shipped language as the picker shows it.
type Language struct {
	Tag  string // BCP 47, as in the file names: en, es, pt-BR
	Name string // the language's name in its own script
}

// Message is one message of one language, as loaded.
type Message struct {
	ID          string
	Lang        string
	Description string
	File        string // path of the file it came from
	Line        int    // line of its ID in that file
	forms       formTexts
	// The flags last and together: thousands of messages are loaded, and
	// each padded byte is paid for thousands of times.
	Plural   bool // it has plural forms beyond "other"
	reviewed bool // a stamp holds for it (see ReviewState)
	stamped  bool // it has a stamp, holding or stale
	rtl      bool // of a right-to-left language: values it inserts are isolated
}

// formTexts are a message's texts by plural form, nil where it has none. Only
// "other" has a place of its own: nearly all of the thousands of messages
// have no other form, and pay for no room for them.
type formTexts struct {
	other  *text
	plural *[otherForm]*text // zero, one, two, few, many; nil for most
}

// otherForm is the index of "other" in Forms, the last.
const otherForm = 5

// at returns the text of the form at index i of Forms, nil if it has none.
func (f *formTexts) at(i int) *text {
	switch {
	case i == otherForm:
		return f.other
	case f.plural == nil:
		return nil
	}
	return f.plural[i]
}

// set gives the form at index i of Forms its text.
func (f *formTexts) set(i int, t *text) {
	if i == otherForm {
		f.other = t
		return
	}
	if f.plural == nil {
		f.plural = new([otherForm]*text)
	}
	f.plural[i] = t
}

// all returns the texts in the order of Forms.
func (f *formTexts) all() [otherForm + 1]*text {
	var out [otherForm + 1]*text
	for i := range out {
		out[i] = f.at(i)
	}
	return out
}

// get returns the text of a form, by its name in Forms.
func (f *formTexts) get(form string) (*text, bool) {
	i := slices.Index(Forms, form)
	if i < 0 || f.at(i) == nil {
		return nil, false
	}
	return f.at(i), true
}

// text is one template, parsed once. Nearly all of the thousands are shown
// as written and have no actions: out is the text shown, rendering it costs
// nothing, and it has no ext, so it takes no room for what only a few use. In
// a right-to-left language the template is parsed from the source with its
// numbers, links and Latin-script runs isolated (isolateLiterals), once; the
// source stays as written (ext.src), for check, stamps and the reviewer's
// sheet. A template made only of text and plain fields ({{.Phone}}), as
// nearly all with actions are, is kept only as parts and rendered without
// text/template's reflection; the parsed template, ten times their size, is
// dropped.
type text struct {
	out string
	ext *textExt // nil when out is the source and has no actions
}

// textExt is what few texts have: a source other than out, or actions.
type textExt struct {
	src   string             // as written, when out isolates its literals; "" when out is the source
	tmpl  *template.Template // nil when parts render it, or it has no actions
	parts []part             // nil when the template needs text/template
}

// source is the text as written.
func (t *text) source() string {
	if t.ext != nil && t.ext.src != "" {
		return t.ext.src
	}
	return t.out
}

// parts are the text's parts, nil when it has none.
func (t *text) parts() []part {
	if t.ext == nil {
		return nil
	}
	return t.ext.parts
}

// tmpl is the text's parsed template, nil when parts render it or it has no
// actions.
func (t *text) tmpl() *template.Template {
	if t.ext == nil {
		return nil
	}
	return t.ext.tmpl
}

// part is a run of literal text, or the name of a field of the data.
type part struct {
	lit, field string
}

// plainParts splits a template parsed from src into parts, or returns nil if
// it uses anything beyond text and {{.Field}}. Each literal is a substring of
// src where it stands as written, so the text is kept once.
func plainParts(t *template.Template, src string) []part {
	nodes := t.Tree.Root.Nodes
	parts := make([]part, 0, len(nodes))
	for _, n := range nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			lit := ""
			if start, end := int(n.Pos), int(n.Pos)+len(n.Text); end <= len(src) && src[start:end] == string(n.Text) {
				lit = src[start:end]
			} else {
				lit = string(n.Text) // not as written: trimmed by {{- or -}}
			}
			parts = append(parts, part{lit: lit})
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
				return nil
			}
			f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
			if !ok || len(f.Ident) != 1 {
				return nil
			}
			parts = append(parts, part{field: f.Ident[0]})
		default:
			return nil
		}
	}
	return parts
}

// execute renders the parts with the same result, and the same refusal of a
// missing key, as the template with missingkey=error.
func (t *text) execute(b *strings.Builder, name string, data map[string]any, rtl bool) error {
	for _, p := range t.parts() {
		if p.field == "" {
			b.WriteString(p.lit)
			continue
		}
		v, ok := data[p.field]
		if !ok {
			return fmt.Errorf("executing %q at <.%s>: map has no entry for key %q", name, p.field, p.field)
		}
		if rtl {
			v = isolateValue(v)
		}
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case nil:
			b.WriteString("<no value>") // as text/template shows it, so check catches it
		default:
			fmt.Fprint(b, v)
		}
	}
	return nil
}

// messages are one language's messages, sorted by ID and found by binary
// search: 8 bytes each, where a map of them took some 30.
type messages []*Message

// get returns the message of id, if there is one.
func (ms messages) get(id string) (*Message, bool) {
	i, ok := slices.BinarySearchFunc(ms, id, func(m *Message, id string) int { return strings.Compare(m.ID, id) })
	if !ok {
		return nil, false
	}
	return ms[i], true
}

// at returns the message of id, nil if there is none.
func (ms messages) at(id string) *Message {
	m, _ := ms.get(id)
	return m
}

// sortedMessages are the messages of byID, sorted by ID.
func sortedMessages(byID map[string]*Message) messages {
	ms := make(messages, 0, len(byID))
	for _, m := range byID {
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b *Message) int { return strings.Compare(a.ID, b.ID) })
	return ms
}

// Catalog is the loaded set of messages of every shipped language. It is
// read-only after loading and safe for concurrent use.
type Catalog struct {
	bundle   *i18n.Bundle
	tags     []string                   // shipped, Default first, then sorted
	msgs     map[string]messages        // lang -> its messages
	chains   map[string][]string        // shipped lang -> fallback chain
	plurals  map[string]*i18n.Localizer // lang -> localizer of the plural probe
	forms    map[string][]string        // lang -> plural forms the language uses
	counted  map[string][]string        // lang -> plural form of 0…200, asked once
	commands map[string]string          // any language's command word -> command
	areas    map[string]map[string]bool // lang -> areas it ships a file of
	// reviews are the review files, by language, read again from fsys (as
	// dir names it in defects) by the tools that need the stamps.
	reviews map[string]reviewFile
	fsys    fs.FS
	dir     string
}

// ErrNotFound reports a message that exists in no language of its chain.
var ErrNotFound = errors.New("message not found")

// Load reads the embedded message files; defects name them as in the
// repository (locales/ui.es.json).
func Load() (*Catalog, error) { return load(files, "locales/") }

// LoadFS reads every *.json message file at the root of fsys, and the
// review stamps in reviews/<lang>.json if there are any. The language of a
// file comes from its name (<area>.<lang>.json). The catalog keeps fsys to
// read the review files again for the tools that ask for stamps.
func LoadFS(fsys fs.FS) (*Catalog, error) { return load(fsys, "") }

func load(fsys fs.FS, dir string) (*Catalog, error) {
	c, err := loadUnpacked(fsys, dir)
	if err != nil {
		return nil, err
	}
	c.pack()
	return c, nil
}

// loadUnpacked reads the catalogue as its files give it, each message, text
// and string allocated on its own.
func loadUnpacked(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	c := &Catalog{
		bundle: i18n.NewBundle(language.English),
		msgs:   map[string]messages{},
		areas:  map[string]map[string]bool{},
	}
	// English first: the other languages' messages share its strings where
	// they are the same (the notes for translators nearly always are).
	english := func(name string) bool { return strings.HasSuffix(name, "."+Default+".json") }
	slices.SortStableFunc(names, func(a, b string) int {
		switch {
		case english(a) == english(b):
			return 0
		case english(a):
			return -1
		}
		return 1
	})
	byID := map[string]map[string]*Message{} // lang -> id -> message, while loading
	for _, name := range names {
		if err := c.loadFile(fsys, name, dir, byID); err != nil {
			return nil, err
		}
	}
	for lang, msgs := range byID {
		c.msgs[lang] = sortedMessages(msgs)
	}
	if c.msgs[Default] == nil {
		return nil, fmt.Errorf("no %s message files", Default)
	}
	if err := c.loadReviews(fsys, dir); err != nil {
		return nil, err
	}
	for lang := range c.msgs {
		if lang != Default {
			c.tags = append(c.tags, lang)
		}
	}
	slices.Sort(c.tags)
	c.tags = slices.Insert(c.tags, 0, Default)
	c.chains = make(map[string][]string, len(c.tags))
	for _, lang := range c.tags {
		c.chains[lang] = c.chain(lang)
	}
	if err := c.probePlurals(); err != nil {
		return nil, err
	}
	if c.commands, err = c.commandTable(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) loadFile(fsys fs.FS, file, dir string, byID map[string]map[string]*Message) error {
	buf, err := fs.ReadFile(fsys, file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	name := dir + file
	// go-i18n parses the file (file-name tag, nested IDs, reserved keys); the
	// bundle refuses languages that have no CLDR plural rule. The messages are
	// kept once, as c.msgs, not also as the bundle's templates: the bundle
	// holds only the plural probe (probePlurals).
	mf, err := i18n.ParseMessageFileBytes(buf, name, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := c.bundle.AddMessages(mf.Tag); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	lang := mf.Tag.String()
	if byID[lang] == nil {
		byID[lang] = map[string]*Message{}
		c.areas[lang] = map[string]bool{}
	}
	c.areas[lang][areaOf(name)] = true
	lines := quotedLines(buf)
	for _, m := range mf.Messages {
		if prev, ok := byID[lang][m.ID]; ok {
			return fmt.Errorf("%s:%d: message %q already defined in %s", name, lineOf(lines, m.ID), m.ID, prev.File)
		}
		msg, err := newMessage(m, lang, name, lineOf(lines, m.ID), byID[Default][m.ID])
		if err != nil {
			return err
		}
		byID[lang][msg.ID] = msg
	}
	return nil
}

// newMessage makes a message of what go-i18n parsed. en is the English
// message of the same ID, if there is one yet: the ID, the note for
// translators and any text that is the same as its are kept as the
// English's strings, not as copies of them.
func newMessage(m *i18n.Message, lang, file string, line int, en *Message) (*Message, error) {
	msg := &Message{ID: m.ID, Lang: lang, Description: m.Description, File: file, Line: line}
	if en != nil {
		msg.ID = en.ID
		if msg.Description == en.Description {
			msg.Description = en.Description
		}
	}
	srcs := [...]string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other}
	msg.rtl = IsRTL(lang)
	for i, src := range srcs {
		// An empty "other" is a message too: a list of extra words may be empty.
		if src == "" && Forms[i] != "other" {
			continue
		}
		if en != nil && en.forms.at(i) != nil && en.forms.at(i).source() == src {
			src = en.forms.at(i).source()
		}
		t, err := msg.parse(src)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", file, line, m.ID, err)
		}
		msg.forms.set(i, t)
		if Forms[i] != "other" {
			msg.Plural = true
		}
	}
	return msg, nil
}

// parse makes one form's text.
func (m *Message) parse(src string) (*text, error) {
	t := &text{out: src}
	var ext textExt
	if m.rtl && hasRTL(src) {
		// Only right-to-left text needs it: a command name or a code
		// stays as written, as Telegram needs it.
		if t.out = isolateLiterals(src); t.out != src {
			ext.src = src
		}
	}
	if strings.Contains(src, "{{") {
		tmpl, err := template.New(m.ID).Option("missingkey=error").Parse(t.out)
		if err != nil {
			return nil, err
		}
		if ext.parts = plainParts(tmpl, t.out); ext.parts == nil {
			ext.tmpl = tmpl
		}
	}
	if ext.src != "" || ext.tmpl != nil || ext.parts != nil {
		t.ext = &ext
	}
	return t, nil
}

// quotedLines maps each quoted key of a JSON file, as written between its
// quotes, to the line it first appears on: one pass over the file, rather
// than a search of it for every message. Values (the texts) are passed over,
// not copied: an ID is only ever a key.
func quotedLines(buf []byte) map[string]int {
	out := map[string]int{}
	line := 1
	for i := 0; i < len(buf); i++ {
		switch buf[i] {
		case '\n':
			line++
		case '"':
			j := i + 1
			for j < len(buf) && buf[j] != '"' {
				if buf[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(buf) {
				return out
			}
			k := j + 1
			for k < len(buf) && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r' || buf[k] == '\n') {
				k++
			}
			if _, seen := out[string(buf[i+1:j])]; !seen && k < len(buf) && buf[k] == ':' {
				out[string(buf[i+1:j])] = line
			}
			line += bytes.Count(buf[i+1:j], []byte("\n"))
			i = j
		}
	}
	return out
}

// lineOf finds the line of a message ID in a JSON file by its quotedLines: the
// quoted full ID, else the quoted last segment of a nested ID.
func lineOf(lines map[string]int, id string) int {
	for _, key := range []string{id, id[strings.LastIndexByte(id, '.')+1:]} {
		if n, ok := lines[key]; ok {
			return n
		}
	}
	return 1
}

// chain is the fallback order for lang: lang itself, then the shipped
// languages with the same base (the bare base first, so pt-PT falls back to
// pt-BR), then Default.
func (c *Catalog) chain(lang string) []string {
	var out []string
	if c.msgs[lang] != nil {
		out = append(out, lang)
	}
	base := Base(lang)
	if base != lang && c.msgs[base] != nil {
		out = append(out, base)
	}
	for _, t := range c.tags {
		if Base(t) == base && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if !slices.Contains(out, Default) {
		out = append(out, Default)
	}
	return out
}

// Chain returns the languages a message for lang is looked up in, in order.
func (c *Catalog) Chain(lang string) []string {
	if ch, ok := c.chains[lang]; ok {
		return ch
	}
	return c.chain(lang)
}

// Tags returns the shipped language tags, Default first.
func (c *Catalog) Tags() []string { return c.tags }

// Languages returns the shipped languages in picker order, each named in
// its own language.
func (c *Catalog) Languages() []Language {
	out := make([]Language, len(c.tags))
	for i, t := range c.tags {
		out[i] = Language{Tag: t, Name: c.Text(t, "ui.language.name", nil)}
	}
	return out
}

// LanguagesWith returns the shipped languages, in picker order, that ship a
// file of area: the volunteers' page speaks only those that have "web".
func (c *Catalog) LanguagesWith(area string) []Language {
	var out []Language
	for _, l := range c.Languages() {
		if c.areas[l.Tag][area] {
			out = append(out, l)
		}
	}
	return out
}

// IDs returns the IDs of the messages of lang, sorted.
func (c *Catalog) IDs(lang string) []string {
	ids := make([]string, len(c.msgs[lang]))
	for i, m := range c.msgs[lang] {
		ids[i] = m.ID
	}
	return ids
}

// Message returns a message as written in lang, without fallback.
func (c *Catalog) Message(lang, id string) (*Message, bool) {
	m, ok := c.msgs[lang].get(id)
	return m, ok
}

// Lookup reports which language a message for lang is served from: lang
// itself, or where it fell back to. ok is false when no language of the
// chain has it.
func (c *Catalog) Lookup(lang, id string) (served string, ok bool) {
	m := c.find(lang, id)
	if m == nil {
		return "", false
	}
	return m.Lang, true
}

func (c *Catalog) find(lang, id string) *Message {
	for _, l := range c.Chain(lang) {
		if m, ok := c.msgs[l].get(id); ok {
			return m
		}
	}
	return nil
}

// Render renders a message strictly: a missing message or a missing
// template key is an error. served is the language the text is in.
func (c *Catalog) Render(lang, id string, data map[string]any) (out, served string, err error) {
	m := c.find(lang, id)
	if m == nil {
		return "", "", fmt.Errorf("%w: %q in %s", ErrNotFound, id, lang)
	}
	out, err = m.render("other", data)
	return out, m.Lang, err
}

// RenderPlural is Render for the plural form of n in the served language;
// data gets n as .Count.
func (c *Catalog) RenderPlural(lang, id string, n int, data map[string]any) (out, served string, err error) {
	m := c.find(lang, id)
	if m == nil {
		return "", "", fmt.Errorf("%w: %q in %s", ErrNotFound, id, lang)
	}
	d := make(map[string]any, len(data)+1)
	for k, v := range data {
		d[k] = v
	}
	d["Count"] = n
	form, err := c.PluralForm(m.Lang, n)
	if err != nil {
		return "", m.Lang, err
	}
	if _, ok := m.forms.get(form); !ok {
		out, _ = m.render("other", d)
		return out, m.Lang, fmt.Errorf("%s: message %q has no plural form %q", m.Lang, id, form)
	}
	out, err = m.render(form, d)
	return out, m.Lang, err
}

func (m *Message) render(form string, data map[string]any) (string, error) {
	t, ok := m.forms.get(form)
	if !ok {
		return "", fmt.Errorf("%s: message %q has no form %q", m.Lang, m.ID, form)
	}
	if t.tmpl() == nil && t.parts() == nil {
		return t.out, nil
	}
	var b strings.Builder
	if t.parts() != nil {
		b.Grow(len(t.out))
		if err := t.execute(&b, m.ID, data, m.rtl); err != nil {
			return "", fmt.Errorf("%s: %w", m.Lang, err)
		}
		return b.String(), nil
	}
	if m.rtl {
		iso := make(map[string]any, len(data))
		for k, v := range data {
			iso[k] = isolateValue(v)
		}
		data = iso
	}
	if err := t.tmpl().Execute(&b, data); err != nil {
		return "", fmt.Errorf("%s: %w", m.Lang, err)
	}
	return b.String(), nil
}

// Text renders a message for lang, falling back variant -> base -> Default.
// It never fails: a missing template key renders empty and a message that
// exists nowhere renders as its ID, both of which check reports.
func (c *Catalog) Text(lang, id string, data map[string]any) string {
	out, _, err := c.Render(lang, id, data)
	if err == nil {
		return out
	}
	return c.lenient(lang, id, "other", data)
}

// Plural renders the plural form of a message for n (given to the template
// as .Count), with the same fallback and guarantees as Text.
func (c *Catalog) Plural(lang, id string, n int, data map[string]any) string {
	out, _, err := c.RenderPlural(lang, id, n, data)
	if err == nil || out != "" {
		return out
	}
	return c.lenient(lang, id, "other", data)
}

// lenient renders without missingkey=error: the rare path after a defect
// that check would have reported.
func (c *Catalog) lenient(lang, id, form string, data map[string]any) string {
	m := c.find(lang, id)
	if m == nil {
		return id
	}
	t, ok := m.forms.get(form)
	if !ok {
		return id
	}
	tmpl, err := template.New(id).Parse(t.out)
	if err != nil {
		return t.out
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		return t.out
	}
	return strings.ReplaceAll(b.String(), "<no value>", "")
}
