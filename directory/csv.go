package directory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of one directory file, the same on the web page and the command line, so that no file
// can take the memory the bot needs (they share the process). The directory has tens of
// listings; these leave room for many times that.
const (
	// MaxFileSize is the largest directory file read (a zip: also what it unpacks to); larger
	// files are refused whole.
	MaxFileSize = 10 << 20
	// MaxListings is the most listings (CSV rows, HSDS services) one file may hold.
	MaxListings = 5000
	// MaxProblems is how many problems are listed; the rest are counted in a last one.
	MaxProblems = 200
)

// problemList collects problems up to MaxProblems and counts the rest.
type problemList struct {
	ps        Problems
	more      int
	moreError bool // one of the problems not listed stops the import
}

func (l *problemList) add(ps ...Problem) {
	for _, p := range ps {
		if len(l.ps) < MaxProblems {
			l.ps = append(l.ps, p)
			continue
		}
		l.more++
		l.moreError = l.moreError || !p.Warning
	}
}

// list is the problems listed, and one that counts those that were not.
func (l *problemList) list() Problems {
	if l.more == 0 {
		return l.ps
	}
	return append(l.ps, Problem{Message: msg("directory.problem.more", "Count", l.more), Warning: !l.moreError})
}

// tooMany is the problem of a file with more than MaxListings listings.
var tooMany = Problem{Message: msg("directory.problem.too_many", "Max", MaxListings)}

// Column is one column of the directory CSV.
type Column struct {
	Name     string
	Required bool
}

// Columns are the CSV columns in the order export writes them. Description columns are
// description_<language>; export writes en, es and pt, then any other language present.
var Columns = []Column{
	{"id", false}, {"name", true}, {"organisation", false}, {"kind", true}, {"public_body", false},
	{"status", false},
	{"needs", true}, {"languages", false}, {"interpreting", false}, {"communities", false},
	{"serves", false}, {"regions", false}, {"area", false}, {"hours", false}, {"closed", false},
	{"bank_holidays", false}, {"phone", false}, {"text", false}, {"email", false},
	{"website", false}, {"address", false}, {"data_sharing", false}, {"insecure_status", false},
	{"id_needed", false}, {"anonymous_handoff", false}, {"verified_at", false},
	{"verified_by", false}, {"source", false},
}

var descriptionLangs = []string{"en", "es", "pt"}

// Problem is what is wrong with one row (or, with Row 0, with the whole file).
// Warnings do not stop an import.
type Problem struct {
	Row     int     // spreadsheet row: the header is row 1
	Label   Message // where, when not a row ("service 3" in an HSDS file)
	Column  string
	Message // what is wrong, in words a volunteer can act on
	Warning bool
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Label.ID != "":
		b.WriteString(p.Label.String() + ": ")
	case p.Row > 0:
		fmt.Fprintf(&b, "row %d: ", p.Row)
	}
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.Column != "" {
		b.WriteString(p.Column + ": ")
	}
	b.WriteString(p.Message.String())
	return b.String()
}

// Problems is a list of problems; it is an error only when one of them is not a warning.
type Problems []Problem

// Err returns the problems as an error when any of them stops an import.
func (ps Problems) Err() error {
	for _, p := range ps {
		if !p.Warning {
			return ps
		}
	}
	return nil
}

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// ReadCSV reads a directory CSV. It returns every listing it could read and every
// problem it found; the listings are only fit to store when Problems.Err is nil.
func ReadCSV(r io.Reader) ([]*Listing, Problems) {
	data, p := readText(r)
	if p != nil {
		return nil, Problems{*p}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Problems{{Message: msg("directory.problem.empty_file")}}
	}
	if err != nil {
		return nil, Problems{{Row: 1, Message: csvError(err)}}
	}
	cols, header1 := readHeader(header)
	if header1.Err() != nil {
		return nil, header1
	}
	var probs problemList
	probs.add(header1...)
	var out []*Listing
	seen := map[string]int{}
	listed := 0
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			probs.add(Problem{Row: row, Message: msg("directory.problem.rest_not_read", "Problem", csvError(err))})
			break
		}
		if len(rec) != len(header) {
			probs.add(Problem{Row: row, Message: msg("directory.problem.cell_count", "Cells", len(rec), "Columns", len(header))})
			continue
		}
		if blank(rec) {
			continue
		}
		if listed++; listed > MaxListings {
			p := tooMany
			p.Row = row
			return nil, append(Problems{p}, probs.list()...)
		}
		l, ps := readRow(row, cols, rec)
		probs.add(ps...)
		if l == nil {
			continue
		}
		if first, dup := seen[l.ID]; dup {
			probs.add(Problem{Row: row, Column: "name", Message: msg("directory.problem.duplicate_row", "Row", first)})
			continue
		}
		seen[l.ID] = row
		out = append(out, l)
	}
	return out, probs.list()
}

// tooLarge is the problem of a file larger than MaxFileSize.
var tooLarge = Problem{Message: msg("directory.problem.too_large", "MB", MaxFileSize>>20)}

// readText reads a whole directory file, refusing one larger than MaxFileSize or not
// in UTF-8.
func readText(r io.Reader) ([]byte, *Problem) {
	var data []byte
	var err error
	if sized, ok := r.(interface{ Len() int }); ok && sized.Len() <= MaxFileSize {
		// Read in one go when the size is known (a file held in memory), rather than grow a buffer.
		data = make([]byte, sized.Len())
		_, err = io.ReadFull(r, data)
	} else {
		data, err = io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	}
	if err != nil {
		return nil, &Problem{Message: msg("directory.problem.unreadable", "Detail", err.Error())}
	}
	if len(data) > MaxFileSize {
		p := tooLarge
		return nil, &p
	}
	return decodeText(data)
}

// decodeText strips a UTF-8 byte order mark and refuses text that is not UTF-8, saying
// how to save it from a spreadsheet.
func decodeText(data []byte) ([]byte, *Problem) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.IndexByte(data, 0) >= 0 {
		return nil, &Problem{Message: msg("directory.problem.utf16")}
	}
	if utf8.Valid(data) {
		return data, nil
	}
	line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
	return nil, &Problem{Message: msg("directory.problem.not_utf8", "Line", line)}
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func csvError(err error) Message {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			return msg("directory.problem.csv_quote", "Line", pe.Line, "Column", pe.Column)
		}
		return msg("directory.problem.csv_line", "Line", pe.Line, "Detail", pe.Err.Error())
	}
	return messageOf(err)
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readHeader maps each column to its name, refusing unknown, repeated and missing ones.
func readHeader(header []string) ([]string, Problems) {
	var probs Problems
	cols := make([]string, len(header))
	seen := map[string]bool{}
	known := make([]string, 0, len(Columns)+len(descriptionLangs))
	for _, c := range Columns {
		known = append(known, c.Name)
	}
	for _, l := range descriptionLangs {
		known = append(known, "description_"+l)
	}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		cols[i] = name
		switch {
		case name == "":
			probs = append(probs, Problem{Row: 1, Message: msg("directory.problem.column_unnamed", "N", i+1)})
			continue
		case seen[name]:
			probs = append(probs, Problem{Row: 1, Column: name, Message: msg("directory.problem.column_twice")})
		case slices.Contains(known, name):
		case strings.HasPrefix(name, "description_"):
			if _, err := ParseLanguage(strings.TrimPrefix(name, "description_")); err != nil {
				probs = append(probs, Problem{Row: 1, Column: name, Message: msg("directory.problem.description_column", "Problem", messageOf(err))})
			}
		default:
			t := msg("directory.problem.unknown_column")
			if s := nearest(name, known); s != "" {
				t = msg("directory.problem.unknown_column_suggest", "Suggestion", s)
			}
			probs = append(probs, Problem{Row: 1, Column: name, Message: t})
		}
		seen[name] = true
	}
	for _, c := range Columns {
		if c.Required && !seen[c.Name] {
			probs = append(probs, Problem{Row: 1, Column: c.Name, Message: msg("directory.problem.required_column")})
		}
	}
	return cols, probs
}

func nearest(s string, options []string) string {
	best, bestD := "", len(s)/3+2
	for _, o := range options {
		if d := distance(s, o); d < bestD {
			best, bestD = o, d
		}
	}
	return best
}

// rowReader collects a row's problems while reading its cells.
type rowReader struct {
	row   int
	cells map[string]string
	bad   map[string]bool // cells refused already, so they are not also reported empty
	probs Problems
}

func (r *rowReader) fail(col string, t Message) {
	r.probs = append(r.probs, Problem{Row: r.row, Column: col, Message: t})
}

func (r *rowReader) warn(col string, t Message) {
	r.probs = append(r.probs, Problem{Row: r.row, Column: col, Message: t, Warning: true})
}

func (r *rowReader) list(col string) []string {
	var out []string
	for _, v := range strings.Split(r.cells[col], ";") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func codes[T ~string](r *rowReader, col string, parse func(string) (T, error)) []T {
	var out []T
	for _, v := range r.list(col) {
		c, err := parse(v)
		if err != nil {
			r.fail(col, messageOf(err))
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func code[T ~string](r *rowReader, col string, valid []T, def T) T {
	v := r.cells[col]
	if strings.TrimSpace(v) == "" {
		return def
	}
	c, err := parseCode(msg("directory.problem.what.column", "Column", col), v, valid)
	if err != nil {
		r.fail(col, messageOf(err))
	}
	return c
}

func readRow(row int, cols []string, rec []string) (*Listing, Problems) {
	r := &rowReader{row: row, cells: map[string]string{}, bad: map[string]bool{}}
	for i, c := range cols {
		v, err := unneutralise(strings.TrimSpace(rec[i]))
		if err != nil {
			r.fail(c, messageOf(err))
			r.bad[c], v = true, ""
		}
		r.cells[c] = v
	}
	l := &Listing{
		ID:           strings.ToLower(r.cells["id"]),
		Name:         strings.Join(strings.Fields(r.cells["name"]), " "),
		Organisation: strings.Join(strings.Fields(r.cells["organisation"]), " "),
		Area:         r.cells["area"],
		VerifiedBy:   r.cells["verified_by"],
		Source:       r.cells["source"],
	}
	if l.Name == "" && !r.bad["name"] {
		r.fail("name", msg("directory.problem.no_name"))
	}
	l.Kind = code(r, "kind", allKinds, "")
	if r.cells["kind"] == "" && !r.bad["kind"] {
		r.fail("kind", msg("directory.problem.no_kind"))
	}
	l.PublicBody = code(r, "public_body", []Tri{Yes, No}, No) == Yes
	l.Status = code(r, "status", allStatuses, Active)
	l.Needs = codes(r, "needs", ParseNeed)
	if len(l.Needs) == 0 && r.cells["needs"] == "" && !r.bad["needs"] {
		r.fail("needs", msg("directory.problem.no_needs"))
	}
	l.Languages = codes(r, "languages", ParseLanguage)
	l.Interpreting = codes(r, "interpreting", ParseLanguage)
	l.Communities = codes(r, "communities", ParseCommunity)
	l.Serves = codes(r, "serves", func(s string) (Audience, error) {
		return parseCode(msg("directory.problem.what.audience"), s, allAudiences)
	})
	l.Regions = codes(r, "regions", ParseRegion)
	if len(l.Regions) == 0 && r.cells["regions"] == "" {
		r.warn("regions", msg("directory.problem.no_region"))
	}
	var err error
	if l.Hours, err = ParseHours(r.cells["hours"]); err != nil {
		r.fail("hours", messageOf(err))
	}
	if l.Hours.Closures, err = ParseClosures(r.cells["closed"]); err != nil {
		r.fail("closed", messageOf(err))
	}
	switch bh := strings.ToLower(r.cells["bank_holidays"]); bh {
	case "", "open", "closed":
		l.Hours.BankHolidays = bh
	default:
		r.fail("bank_holidays", msg("directory.problem.bank_holidays", "Value", quote(r.cells["bank_holidays"])))
	}
	contactFailed := false
	for _, k := range ContactKinds {
		for _, v := range r.list(string(k)) {
			c, err := ParseContact(k, v)
			if err != nil {
				r.fail(string(k), messageOf(err))
				contactFailed = true
				continue
			}
			l.Contacts = append(l.Contacts, c)
		}
	}
	// A contact that failed has its own message: "no way to contact it" would be a second
	// message for the same mistake, under another column.
	if len(l.Contacts) == 0 && !contactFailed {
		r.warn("phone", msg("directory.problem.no_contact"))
	}
	if !l.Public() && callsPolice(l.Contacts) {
		// Files and listings saved before the column existed are marked, not refused:
		// a stored police listing must still load.
		if r.cells["public_body"] == "" {
			l.PublicBody = true
			r.warn("public_body", msg("directory.problem.police_marked_public"))
		} else {
			r.fail("public_body", msg("directory.problem.police_not_public"))
		}
	}
	l.DataSharing = code(r, "data_sharing", allStances, StanceUnknown)
	l.InsecureStatus = code(r, "insecure_status", allTris, Unknown)
	l.IDNeeded = code(r, "id_needed", allTris, Unknown)
	l.AcceptsHandoff = code(r, "anonymous_handoff", []Tri{Yes, No}, No) == Yes
	if v := r.cells["verified_at"]; v != "" {
		t, err := ParseDate(v)
		if err != nil {
			r.fail("verified_at", msg("directory.problem.not_a_date", "Value", quote(v)))
		}
		l.VerifiedAt = t
	} else {
		r.warn("verified_at", msg("directory.problem.never_verified"))
	}
	for c, v := range r.cells {
		if lang, ok := strings.CutPrefix(c, "description_"); ok && v != "" {
			if l.Description == nil {
				l.Description = map[string]string{}
			}
			if code, err := ParseLanguage(lang); err == nil {
				l.Description[code] = v
			}
		}
	}
	if len(l.Description) > 0 && l.Description["en"] == "" {
		r.warn("description_en", msg("directory.problem.no_english"))
	}
	switch {
	case l.ID == "":
		l.ID = DeriveID(l.Organisation, l.Name)
	case !validUUID(l.ID):
		r.fail("id", msg("directory.problem.bad_id", "Value", quote(l.ID)))
	}
	if r.probs.Err() != nil {
		return nil, r.probs
	}
	return l, r.probs
}

// ParseContact reads one contact entry: "VALUE", "VALUE (note)", and optionally
// "@ HOURS" when this route keeps its own hours: "0808 164 0123 (Welsh) @ Mo-Su 19:00-23:00".
func ParseContact(k ContactKind, s string) (Contact, error) {
	c := Contact{Kind: k}
	if v, h, ok := strings.Cut(s, " @ "); ok {
		hours, err := ParseHours(h)
		if err != nil {
			return c, errMsg("directory.problem.contact_hours", "Value", quote(strings.TrimSpace(v)), "Problem", messageOf(err))
		}
		if !hours.Known() {
			return c, errMsg("directory.problem.contact_no_hours", "Value", quote(s))
		}
		c.Hours, s = &hours, v
	}
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i > 0 {
			c.Note, s = s[i+2:len(s)-1], strings.TrimSpace(s[:i])
		}
	}
	c.Value = s
	switch k {
	case Phone, Text:
		digits := 0
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == ' ' || r == '+' || r == '-' || r == '(' || r == ')':
			default:
				return c, errMsg("directory.problem.phone_chars", "Value", quote(s))
			}
		}
		if digits < 3 || digits > 15 {
			return c, errMsg("directory.problem.phone", "Value", quote(s))
		}
	case Email:
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s {
			return c, errMsg("directory.problem.email", "Value", quote(s))
		}
	case Website:
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, errMsg("directory.problem.website", "Value", quote(s))
		}
	case Address:
		if s == "" {
			return c, errMsg("directory.problem.empty_address")
		}
	}
	return c, nil
}

// String is the entry ParseContact reads back.
func (c Contact) String() string {
	s := c.Value
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	if c.Hours != nil {
		s += " @ " + c.Hours.String()
	}
	return s
}

// unneutralise undoes export's neutralising of formulas and refuses cells a spreadsheet
// would run as a formula.
func unneutralise(s string) (string, error) {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:], nil
	}
	if s == "" {
		return s, nil
	}
	switch s[0] {
	case '=', '@':
		return "", errMsg("directory.problem.formula", "Value", quote(s))
	case '+', '-':
		if strings.ContainsAny(s, "(|!") && !plainPhone(s) {
			return "", errMsg("directory.problem.formula", "Value", quote(s))
		}
	}
	return s, nil
}

// plainPhone reports whether s is a phone number such as "+44 (0)20 7000 0000".
func plainPhone(s string) bool {
	return strings.Trim(s, "+-0123456789 ()") == ""
}

// neutralise makes a cell safe to open in a spreadsheet: a cell that starts like a
// formula gets a leading apostrophe, which spreadsheets show as text.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes listings as a directory CSV (UTF-8 with a byte order mark, CRLF, as
// spreadsheets expect) that ReadCSV reads back unchanged.
func WriteCSV(w io.Writer, listings []*Listing) error {
	langs := slices.Clone(descriptionLangs)
	for _, l := range listings {
		for code := range l.Description {
			if !slices.Contains(langs, code) {
				langs = append(langs, code)
			}
		}
	}
	slices.Sort(langs[len(descriptionLangs):])
	header := make([]string, 0, len(Columns)+len(langs))
	for _, c := range Columns {
		header = append(header, c.Name)
	}
	for _, l := range langs {
		header = append(header, "description_"+l)
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, l := range listings {
		rec := listingRecord(l)
		for _, lang := range langs {
			rec = append(rec, l.Description[lang])
		}
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func join[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, "; ")
}

func listingRecord(l *Listing) []string {
	contacts := map[ContactKind][]string{}
	for _, c := range l.Contacts {
		contacts[c.Kind] = append(contacts[c.Kind], c.String())
	}
	verified := ""
	if !l.VerifiedAt.IsZero() {
		verified = l.VerifiedAt.Format(time.DateOnly)
	}
	handoff := "no"
	if l.AcceptsHandoff {
		handoff = "yes"
	}
	// Blank rather than "no", so listings saved before the column existed stay equal.
	public := ""
	if l.PublicBody {
		public = "yes"
	}
	status := l.Status
	if status == "" {
		status = Active
	}
	return []string{
		l.ID, l.Name, l.Organisation, string(l.Kind), public, string(status), join(l.Needs),
		join(l.Languages), join(l.Interpreting), join(l.Communities), join(l.Serves),
		join(l.Regions), l.Area, l.Hours.String(), FormatClosures(l.Hours.Closures),
		l.Hours.BankHolidays,
		strings.Join(contacts[Phone], "; "), strings.Join(contacts[Text], "; "),
		strings.Join(contacts[Email], "; "), strings.Join(contacts[Website], "; "),
		strings.Join(contacts[Address], "; "),
		string(orDefault(l.DataSharing, StanceUnknown)), string(orDefault(l.InsecureStatus, Unknown)),
		string(orDefault(l.IDNeeded, Unknown)), handoff, verified, l.VerifiedBy, l.Source,
	}
}

// callsPolice reports whether a phone route is 999, 112 or 101: the police, whose
// listing must be marked as a public body.
func callsPolice(cs []Contact) bool {
	for _, c := range cs {
		if c.Kind != Phone {
			continue
		}
		switch strings.Join(strings.Fields(c.Value), "") {
		case "999", "112", "101":
			return true
		}
	}
	return false
}

func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

// Record is the listing as column name -> cell, the canonical form CSV export writes
// (without neutralising formulas). store/ keeps listings in this form.
func (l *Listing) Record() map[string]string {
	rec := listingRecord(l)
	m := make(map[string]string, len(rec)+len(l.Description))
	for i, c := range Columns {
		if rec[i] != "" {
			m[c.Name] = rec[i]
		}
	}
	for lang, d := range l.Description {
		m["description_"+lang] = d
	}
	return m
}

// FromRecord reads a listing back from its Record, with the checks of ReadCSV.
func FromRecord(m map[string]string) (*Listing, error) {
	cols := make([]string, 0, len(m))
	rec := make([]string, 0, len(m))
	for c, v := range m {
		cols = append(cols, c)
		rec = append(rec, neutralise(v))
	}
	if _, probs := readHeader(cols); probs.Err() != nil {
		return nil, probs
	}
	l, probs := readRow(0, cols, rec)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return l, nil
}
