package locales

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// ReviewDir holds the review stamps, one file per language
// (reviews/pl.json), apart from the message files so that translation
// platforms that read go-i18n v2 JSON see nothing they do not know.
const ReviewDir = "reviews"

// Stamp says a person checked one translation: who (a role, never a name),
// on which day, and against which English and which translation, by hash.
// A change to either makes the stamp stale without anyone touching it.
type Stamp struct {
	Reviewer string `json:"reviewer"`
	Date     string `json:"date"`    // 2026-12-06
	English  string `json:"english"` // Hash of the English message checked against
	Text     string `json:"text"`    // Hash of the translation as it was checked
}

// ReviewState is where one message of one language stands.
type ReviewState string

// Review states, as the reviewer's sheet writes them.
const (
	Missing  ReviewState = "missing"  // not translated: the English is shown
	Draft    ReviewState = "draft"    // translated, not checked by a reviewer
	Reviewed ReviewState = "reviewed" // checked, and unchanged since
	Stale    ReviewState = "stale"    // checked, but the English or the translation changed since
)

// Hash is a digest of a message's texts in every form, for stamps. The
// description is left out: rewording a note for translators changes nothing
// a person reads.
func (m *Message) Hash() string {
	h := sha256.New()
	for _, f := range Forms {
		if t, ok := m.forms.get(f); ok {
			fmt.Fprintf(h, "%s\x00%s\x00", f, t.src)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// NewStamp stamps the translation of id in lang as it stands now, checked by
// reviewer on date.
func (c *Catalog) NewStamp(lang, id, reviewer string, date time.Time) (Stamp, error) {
	en, ok := c.msgs[Default][id]
	if !ok {
		return Stamp{}, fmt.Errorf("stamp %q: %w in %s", id, ErrNotFound, Default)
	}
	m, ok := c.msgs[lang][id]
	if !ok || lang == Default {
		return Stamp{}, fmt.Errorf("stamp %q: %w in %s", id, ErrNotFound, lang)
	}
	if strings.TrimSpace(reviewer) == "" {
		return Stamp{}, fmt.Errorf("stamp %q: no reviewer role", id)
	}
	return Stamp{Reviewer: reviewer, Date: date.Format(time.DateOnly), English: en.Hash(), Text: m.Hash()}, nil
}

// Stamps returns the review stamps of lang, by message ID.
func (c *Catalog) Stamps(lang string) map[string]Stamp {
	out := make(map[string]Stamp, len(c.stamps[lang]))
	for id, s := range c.stamps[lang] {
		out[id] = s
	}
	return out
}

// ReviewState reports where message id stands in lang. English is the source
// and always reviewed.
func (c *Catalog) ReviewState(lang, id string) ReviewState {
	m, ok := c.msgs[lang][id]
	switch {
	case !ok:
		return Missing
	case lang == Default:
		return Reviewed
	case m.reviewed:
		return Reviewed
	}
	if _, ok := c.stamps[lang][id]; ok {
		return Stale
	}
	return Draft
}

// Reviewed reports whether the text shown for id in lang was checked by a
// reviewer and is unchanged since: English always is; a message that falls
// back is as reviewed as the text it falls back to.
func (c *Catalog) Reviewed(lang, id string) bool {
	m := c.find(lang, id)
	return m == nil || m.Lang == Default || m.reviewed
}

// EncodeStamps writes stamps as a review file: one object, keys sorted.
func EncodeStamps(stamps map[string]Stamp) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	ids := make([]string, 0, len(stamps))
	for id := range stamps {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i, id := range ids {
		k, err := json.Marshal(id)
		if err != nil {
			return nil, fmt.Errorf("encode stamp %q: %w", id, err)
		}
		v, err := json.Marshal(stamps[id])
		if err != nil {
			return nil, fmt.Errorf("encode stamp %q: %w", id, err)
		}
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  %s: %s", k, v)
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// loadReviews reads reviews/<lang>.json and marks the messages whose stamps
// still hold. It runs after every message file is read.
func (c *Catalog) loadReviews(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, ReviewDir+"/*.json")
	if err != nil {
		return fmt.Errorf("list review files: %w", err)
	}
	c.stamps = map[string]map[string]Stamp{}
	c.stampFiles = map[string]reviewFile{}
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		var stamps map[string]Stamp
		dec := json.NewDecoder(bytes.NewReader(buf))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&stamps); err != nil {
			return fmt.Errorf("%s%s: %w", dir, name, err)
		}
		lang := strings.TrimSuffix(path.Base(name), ".json")
		c.stamps[lang] = stamps
		c.stampFiles[lang] = reviewFile{name: dir + name, buf: buf}
		for id, s := range stamps {
			m, ok := c.msgs[lang][id]
			en, enOK := c.msgs[Default][id]
			if ok && enOK && lang != Default && s.English == en.Hash() && s.Text == m.Hash() {
				m.reviewed = true
			}
		}
	}
	return nil
}

// reviewFile is a review file as read, to name lines in defects.
type reviewFile struct {
	name string
	buf  []byte
}

// checkReviews reports stamps that can never hold: for a language that is
// not shipped or is the source, for a message that does not exist or is not
// translated, or without a reviewer or a date. A stale stamp is not a
// defect: it is shown by Coverage until someone checks the message again.
func (c *Catalog) checkReviews() []Defect {
	var out []Defect
	langs := make([]string, 0, len(c.stamps))
	for lang := range c.stamps {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		f := c.stampFiles[lang]
		if lang == Default || c.msgs[lang] == nil {
			out = append(out, Defect{f.name, 1, fmt.Sprintf("review stamps for %q, which is not a translated language", lang)})
			continue
		}
		ids := make([]string, 0, len(c.stamps[lang]))
		for id := range c.stamps[lang] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		lines := quotedLines(f.buf)
		for _, id := range ids {
			s := c.stamps[lang][id]
			line := lineOf(lines, id)
			if _, ok := c.msgs[Default][id]; !ok {
				out = append(out, Defect{f.name, line, fmt.Sprintf("stamp for message %q, which does not exist", id)})
				continue
			}
			if _, ok := c.msgs[lang][id]; !ok {
				out = append(out, Defect{f.name, line, fmt.Sprintf("stamp for message %q, which %s does not translate", id, lang)})
			}
			if strings.TrimSpace(s.Reviewer) == "" {
				out = append(out, Defect{f.name, line, fmt.Sprintf("stamp for message %q names no reviewer role", id)})
			}
			if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
				out = append(out, Defect{f.name, line, fmt.Sprintf("stamp for message %q: date %q is not like 2026-12-06", id, s.Date)})
			}
		}
	}
	return out
}
