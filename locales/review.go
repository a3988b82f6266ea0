package locales

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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
			fmt.Fprintf(h, "%s\x00%s\x00", f, t.source())
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// NewStamp stamps the translation of id in lang as it stands now, checked by
// reviewer on date.
func (c *Catalog) NewStamp(lang, id, reviewer string, date time.Time) (Stamp, error) {
	en, ok := c.msgs[Default].get(id)
	if !ok {
		return Stamp{}, fmt.Errorf("stamp %q: %w in %s", id, ErrNotFound, Default)
	}
	m, ok := c.msgs[lang].get(id)
	if !ok || lang == Default {
		return Stamp{}, fmt.Errorf("stamp %q: %w in %s", id, ErrNotFound, lang)
	}
	if strings.TrimSpace(reviewer) == "" {
		return Stamp{}, fmt.Errorf("stamp %q: no reviewer role", id)
	}
	return Stamp{Reviewer: reviewer, Date: date.Format(time.DateOnly), English: en.Hash(), Text: m.Hash()}, nil
}

// Stamps returns the review stamps of lang, by message ID, read again from
// the review file the catalog was loaded with: only the tools that stamp
// need them, so a loaded catalog keeps of them only which hold. It is nil if
// that file has changed or gone since (Check and ApplySheet say so).
func (c *Catalog) Stamps(lang string) map[string]Stamp {
	stamps, _, err := c.readStamps(lang)
	if err != nil {
		return nil
	}
	return stamps
}

// ReviewState reports where message id stands in lang. English is the source
// and always reviewed.
func (c *Catalog) ReviewState(lang, id string) ReviewState {
	m, ok := c.msgs[lang].get(id)
	switch {
	case !ok:
		return Missing
	case lang == Default:
		return Reviewed
	case m.reviewed:
		return Reviewed
	case m.stamped:
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

// loadReviews reads reviews/<lang>.json and marks the messages that are
// stamped and those whose stamps still hold. It runs after every message file
// is read. The stamps themselves are not kept (see Stamps): the catalog
// remembers where each review file is, and its digest, to read it again.
func (c *Catalog) loadReviews(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, ReviewDir+"/*.json")
	if err != nil {
		return fmt.Errorf("list review files: %w", err)
	}
	c.fsys, c.dir = fsys, dir
	c.reviews = make(map[string]reviewFile, len(names))
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		lang := strings.TrimSuffix(path.Base(name), ".json")
		f := reviewFile{name: name, sum: sha256.Sum256(buf)}
		stamps, err := decodeStamps(buf)
		if err != nil {
			return fmt.Errorf("%s%s: %w", dir, name, err)
		}
		c.reviews[lang] = f
		for id, s := range stamps {
			m, ok := c.msgs[lang].get(id)
			if !ok || lang == Default {
				continue
			}
			m.stamped = true
			if en, ok := c.msgs[Default].get(id); ok && s.English == en.Hash() && s.Text == m.Hash() {
				m.reviewed = true
			}
		}
	}
	return nil
}

// reviewFile is where a review file was read from, and the digest of what it
// held then.
type reviewFile struct {
	name string // in the fsys the catalog was loaded from: reviews/pl.json
	sum  [sha256.Size]byte
}

// ErrReviewsChanged reports a review file that is no longer what the catalog
// was loaded with: load the catalog again.
var ErrReviewsChanged = errors.New("review file changed since the catalog was loaded")

// decodeStamps reads a review file, refusing a field a stamp does not have:
// a typo must not silently drop a stamp.
func decodeStamps(buf []byte) (map[string]Stamp, error) {
	var stamps map[string]Stamp
	dec := json.NewDecoder(bytes.NewReader(buf))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&stamps); err != nil {
		return nil, err
	}
	return stamps, nil
}

// readStamps reads lang's review file again, as it was when the catalog was
// loaded, and returns its stamps (none if it has no file) and its bytes.
// Errors do not name the file: reviewPath does.
func (c *Catalog) readStamps(lang string) (map[string]Stamp, []byte, error) {
	f, ok := c.reviews[lang]
	if !ok {
		return map[string]Stamp{}, nil, nil
	}
	buf, err := fs.ReadFile(c.fsys, f.name)
	if err != nil {
		return nil, nil, fmt.Errorf("read again: %w", err)
	}
	if sha256.Sum256(buf) != f.sum {
		return nil, nil, ErrReviewsChanged
	}
	stamps, err := decodeStamps(buf)
	return stamps, buf, err
}

// reviewPath names lang's review file as defects name files
// (locales/reviews/pl.json for the embedded catalog).
func (c *Catalog) reviewPath(lang string) string {
	return c.dir + path.Join(ReviewDir, lang+".json")
}

// checkReviews reports stamps that can never hold: for a language that is
// not shipped or is the source, for a message that does not exist or is not
// translated, or without a reviewer or a date. A stale stamp is not a
// defect: it is shown by Coverage until someone checks the message again.
func (c *Catalog) checkReviews() []Defect {
	var out []Defect
	langs := make([]string, 0, len(c.reviews))
	for lang := range c.reviews {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		name := c.reviewPath(lang)
		if lang == Default || c.msgs[lang] == nil {
			out = append(out, Defect{name, 1, fmt.Sprintf("review stamps for %q, which is not a translated language", lang)})
			continue
		}
		stamps, buf, err := c.readStamps(lang)
		if err != nil {
			out = append(out, Defect{name, 1, err.Error()})
			continue
		}
		ids := make([]string, 0, len(stamps))
		for id := range stamps {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		lines := quotedLines(buf)
		for _, id := range ids {
			s := stamps[id]
			line := lineOf(lines, id)
			if _, ok := c.msgs[Default].get(id); !ok {
				out = append(out, Defect{name, line, fmt.Sprintf("stamp for message %q, which does not exist", id)})
				continue
			}
			if _, ok := c.msgs[lang].get(id); !ok {
				out = append(out, Defect{name, line, fmt.Sprintf("stamp for message %q, which %s does not translate", id, lang)})
			}
			if strings.TrimSpace(s.Reviewer) == "" {
				out = append(out, Defect{name, line, fmt.Sprintf("stamp for message %q names no reviewer role", id)})
			}
			if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
				out = append(out, Defect{name, line, fmt.Sprintf("stamp for message %q: date %q is not like 2026-12-06", id, s.Date)})
			}
		}
	}
	return out
}
