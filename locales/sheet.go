package locales

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"
)

// A reviewer's sheet is a CSV of one language that opens in a spreadsheet:
// one row per message and plural form, with the note for translators, the
// English, the translation and its review state. The reviewer edits
// translations and marks rows "reviewed"; reading it back runs the checks
// of puente check and stamps what was marked.

// SheetHeader names the columns of a sheet; the translation's column is
// named by the language's tag.
func SheetHeader(lang string) []string {
	return []string{"id", "form", "note for translators", "English", lang, "state"}
}

// SheetRow is one message (one plural form of it) of a sheet.
type SheetRow struct {
	ID, Form, Note, English, Text string
	State                         ReviewState
	Line                          int // line of the sheet it was read from
}

// Sheet lists the rows of lang's sheet: every message the language must
// have, in the order of the English files, a row per plural form the
// language uses for a plural message.
func (c *Catalog) Sheet(lang string) []SheetRow {
	var out []SheetRow
	for _, id := range c.IDs(Default) {
		if !c.expected(lang, id) {
			continue
		}
		en := c.msgs[Default].at(id)
		m := c.msgs[lang].at(id)
		state := c.ReviewState(lang, id)
		forms := []string{"other"}
		if en.Plural {
			forms = c.forms[lang]
		}
		for _, f := range forms {
			row := SheetRow{ID: id, Form: f, Note: en.Description, English: en.source(f), State: state}
			if m != nil {
				if t, ok := m.forms.get(f); ok {
					row.Text = t.source()
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// source is a form's text, or the "other" form's where the message lacks it.
func (m *Message) source(form string) string {
	if t, ok := m.forms.get(form); ok {
		return t.source()
	}
	if t, ok := m.forms.get("other"); ok {
		return t.source()
	}
	return ""
}

// bom starts the file so that spreadsheets read it as UTF-8.
const bom = "\uFEFF"

// WriteSheet writes rows as CSV, with a byte order mark, and with any cell
// a spreadsheet would run as a formula (=, +, -, @, tab, return) led by an
// apostrophe, which ReadSheet takes away again.
func WriteSheet(w io.Writer, lang string, rows []SheetRow) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write sheet: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // as spreadsheets write it
	if err := cw.Write(SheetHeader(lang)); err != nil {
		return fmt.Errorf("write sheet: %w", err)
	}
	for _, r := range rows {
		rec := []string{r.ID, r.Form, r.Note, r.English, r.Text, string(r.State)}
		for i := range rec {
			rec[i] = defuse(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write sheet: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write sheet: %w", err)
	}
	return nil
}

func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func restore(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// RowError is a problem with one row of a sheet.
type RowError struct {
	Line int
	ID   string
	Msg  string
}

func (e RowError) String() string {
	if e.ID == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.ID, e.Msg)
}

// ErrSheet reports a sheet that could not be read at all.
var ErrSheet = errors.New("not a reviewer's sheet")

// ReadSheet reads a sheet written by WriteSheet (and perhaps saved again by
// a spreadsheet) for lang.
func ReadSheet(r io.Reader, lang string) ([]SheetRow, error) {
	buf, err := io.ReadAll(io.LimitReader(r, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("read sheet: %w", err)
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf, []byte(bom))))
	cr.FieldsPerRecord = len(SheetHeader(lang))
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSheet, err)
	}
	if !slices.Equal(head, SheetHeader(lang)) {
		return nil, fmt.Errorf("%w: the first row is %q, want %q (is it the sheet of %s?)", ErrSheet, head, SheetHeader(lang), lang)
	}
	var out []SheetRow
	for {
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSheet, err)
		}
		for i := range rec {
			rec[i] = restore(rec[i])
		}
		line, _ = cr.FieldPos(0)
		out = append(out, SheetRow{ID: rec[0], Form: rec[1], Note: rec[2], English: rec[3], Text: rec[4], State: ReviewState(strings.TrimSpace(rec[5])), Line: line})
	}
}

// ApplySheet checks rows against the catalog, row by row, and returns the
// message files of lang and its review file as they become, by name
// relative to the locales folder (ui.pl.json, reviews/pl.json). Rows marked
// reviewed that are not reviewed as they stand are stamped for reviewer on
// date; a row marked draft loses its stamp. A message the sheet leaves out,
// or leaves untranslated, is kept as it is. fsys holds the files as they are now.
func (c *Catalog) ApplySheet(fsys fs.FS, lang string, rows []SheetRow, reviewer string, date time.Time) (map[string][]byte, []RowError) {
	var errs []RowError
	bad := func(r SheetRow, format string, args ...any) {
		errs = append(errs, RowError{Line: r.Line, ID: r.ID, Msg: fmt.Sprintf(format, args...)})
	}
	if lang == Default || c.msgs[lang] == nil {
		return nil, []RowError{{Line: 1, Msg: fmt.Sprintf("%q is not a translated language of the catalog", lang)}}
	}
	type edit struct {
		forms map[string]string
		state ReviewState
		rows  []SheetRow
	}
	edits := map[string]*edit{}
	for _, r := range rows {
		en, ok := c.msgs[Default].get(r.ID)
		if !ok || !c.expected(lang, r.ID) {
			bad(r, "no such message")
			continue
		}
		want := []string{"other"}
		if en.Plural {
			want = c.forms[lang]
		}
		if !slices.Contains(want, r.Form) {
			bad(r, "form %q: %s uses %s", r.Form, lang, strings.Join(want, ", "))
			continue
		}
		if r.English != en.source(r.Form) {
			bad(r, "the English differs from the English now: the English changed since the sheet was made, or the cell was edited; export the sheet again")
			continue
		}
		switch r.State {
		case Missing, Draft, Reviewed, Stale:
		default:
			bad(r, "state %q is not missing, draft, reviewed or stale", r.State)
			continue
		}
		e := edits[r.ID]
		if e == nil {
			e = &edit{forms: map[string]string{}, state: r.State}
			edits[r.ID] = e
		}
		if _, dup := e.forms[r.Form]; dup {
			bad(r, "form %q appears twice", r.Form)
			continue
		}
		if r.State != e.state {
			bad(r, "state %q, but another form of the message is %q: a message is reviewed whole", r.State, e.state)
		}
		e.forms[r.Form] = r.Text
		e.rows = append(e.rows, r)
	}
	// Each edited message is checked as a message of the catalog would be.
	newMsgs := map[string]*Message{}
	for id, e := range edits {
		en := c.msgs[Default].at(id)
		first := e.rows[0]
		filled := 0
		for _, t := range e.forms {
			if strings.TrimSpace(t) != "" {
				filled++
			}
		}
		if filled == 0 {
			had, ok := c.msgs[lang].get(id)
			if ok && had.source("other") == "" {
				// Empty in the catalog too (a command's extra words may be none): unchanged.
				continue
			}
			switch {
			case ok:
				bad(first, "the translation is empty: a translation is changed through the sheet, not removed")
			case e.state == Reviewed:
				bad(first, "marked reviewed but not translated")
			}
			continue
		}
		if filled != len(e.forms) {
			bad(first, "some plural forms are translated and some are empty: translate all of them")
			continue
		}
		m := &Message{ID: id, Lang: lang, File: areaFile(en.File, lang), rtl: IsRTL(lang)}
		for f, src := range e.forms {
			t, err := m.parse(src)
			if err != nil {
				bad(first, "form %q does not parse: %v", f, err)
				continue
			}
			m.forms.set(slices.Index(Forms, f), t)
			if f != "other" {
				m.Plural = true
			}
		}
		if old, ok := c.msgs[lang].get(id); ok {
			m.Description = old.Description
		}
		for _, d := range c.checkMessage(m) {
			bad(first, "%s", d.Msg)
		}
		newMsgs[id] = m
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		return nil, errs
	}
	files, err := c.writeLang(fsys, lang, newMsgs)
	if err != nil {
		return nil, []RowError{{Line: 1, Msg: err.Error()}}
	}
	stamps, _, err := c.readStamps(lang)
	if err != nil {
		return nil, []RowError{{Line: 1, Msg: fmt.Sprintf("%s: %v", c.reviewPath(lang), err)}}
	}
	for id, e := range edits {
		m, ok := newMsgs[id]
		switch {
		case !ok:
			delete(stamps, id)
		case e.state == Reviewed:
			old := c.msgs[lang].at(id)
			if old != nil && old.reviewed && old.Hash() == m.Hash() {
				continue // the stamp holds: keep who reviewed it and when
			}
			if strings.TrimSpace(reviewer) == "" {
				errs = append(errs, RowError{Line: e.rows[0].Line, ID: id, Msg: "marked reviewed: give the reviewer's role (--reviewer)"})
				continue
			}
			stamps[id] = Stamp{Reviewer: reviewer, Date: date.Format(time.DateOnly), English: c.msgs[Default].at(id).Hash(), Text: m.Hash()}
		case e.state == Draft:
			delete(stamps, id)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	b, err := EncodeStamps(stamps)
	if err != nil {
		return nil, []RowError{{Line: 1, Msg: err.Error()}}
	}
	files[ReviewDir+"/"+lang+".json"] = b
	return files, nil
}

// writeLang writes lang's message files with the new messages: each file
// keeps its order, a message it lacked goes at the end in the order of the
// English file, each with its description (the language's own, else the
// English one) and forms in CLDR order, as the files are written by hand.
func (c *Catalog) writeLang(fsys fs.FS, lang string, msgs map[string]*Message) (map[string][]byte, error) {
	files := map[string][]byte{}
	enFiles, err := fs.Glob(fsys, "*."+Default+".json")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	for _, enFile := range enFiles {
		area := areaOf(enFile)
		name := area + "." + lang + ".json"
		enOrder, _, err := keyOrder(fsys, enFile)
		if err != nil {
			return nil, err
		}
		order, raw, err := keyOrder(fsys, name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		changed := false
		for _, id := range enOrder {
			if _, ok := msgs[id]; ok {
				changed = true
				if !slices.Contains(order, id) {
					order = append(order, id)
				}
			}
		}
		if !changed {
			continue
		}
		var b bytes.Buffer
		b.WriteString("{")
		n := 0
		for _, id := range order {
			m, ok := msgs[id]
			old, had := c.msgs[lang].get(id)
			if !ok {
				m, ok = old, had
			}
			if !ok {
				continue
			}
			if had && raw[id] != nil && old.Hash() == m.Hash() {
				// Unchanged: as written, so a round trip changes no byte.
				if n > 0 {
					b.WriteString(",")
				}
				n++
				fmt.Fprintf(&b, "\n  %s: %s", quote(id), raw[id])
				continue
			}
			desc := m.Description
			if _, had := c.msgs[lang].get(id); !had && desc == "" {
				desc = c.msgs[Default].at(id).Description
			}
			if n > 0 {
				b.WriteString(",")
			}
			n++
			fmt.Fprintf(&b, "\n  %s: {", quote(id))
			fields := 0
			if desc != "" {
				fmt.Fprintf(&b, "\n    %q: %s", "description", quote(desc))
				fields++
			}
			for _, f := range Forms {
				t, ok := m.forms.get(f)
				if !ok {
					continue
				}
				if fields > 0 {
					b.WriteString(",")
				}
				fields++
				fmt.Fprintf(&b, "\n    %q: %s", f, quote(t.source()))
			}
			b.WriteString("\n  }")
		}
		b.WriteString("\n}\n")
		files[name] = b.Bytes()
	}
	return files, nil
}

// quote writes s as a JSON string as the files have it: UTF-8 as it is,
// not \u escapes, and < > & left alone.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// keyOrder lists the message IDs of a message file in the order written,
// and each message's JSON as written.
func keyOrder(fsys fs.FS, name string) ([]string, map[string]json.RawMessage, error) {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(buf))
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	var ids []string
	raw := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		id, _ := tok.(string)
		ids = append(ids, id)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		raw[id] = v
	}
	return ids, raw, nil
}
