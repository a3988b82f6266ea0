package directory

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Open Referral HSDS 3.0 exchange. A listing is an HSDS service (with its organization,
// phones, schedules, staff languages and service areas nested, as the standard's JSON
// form asks). What HSDS has no field for is written as attributes whose taxonomy terms
// are ours, documented in the README (The directory spreadsheet):
//
//   - taxonomy "puente-secure-reporting": data_sharing, insecure_status, id_needed,
//     anonymous_handoff (the facts our users need most and no directory records);
//   - taxonomy "puente": need, kind, public_body, serves, community, region, interpreting (HSDS
//     languages list only languages staff speak), area, closed, bank_holidays,
//     verified_by, source, contact_email, contact_website, contact_address, and
//     contact_hours on a phone.
//
// The value of each attribute is the cell of the CSV column of the same name, one value
// per attribute. Descriptions in other languages are in the extension property
// x_translations ({"es": {"description": "…"}}), which HSDS conformance allows. Opening
// times are Europe/London wall-clock times (HSDS offsets cannot say "09:00 all year").

// Taxonomies of our attributes.
const (
	TaxonomySecureReporting = "puente-secure-reporting"
	TaxonomyPuente          = "puente"
)

type hsdsTerm struct {
	code, taxonomy, description string
}

var hsdsTerms = []hsdsTerm{
	{"data_sharing", TaxonomySecureReporting, "Whether the organisation shares people's data with immigration enforcement: does_not_share (it states it does not), unknown, may_share."},
	{"insecure_status", TaxonomySecureReporting, "Whether it serves people with insecure immigration status or no recourse to public funds: yes, no, unknown."},
	{"id_needed", TaxonomySecureReporting, "Whether it asks for ID or documents: yes, no, unknown."},
	{"anonymous_handoff", TaxonomySecureReporting, "Whether it takes anonymous handoffs through puente: yes, no."},
	{"need", TaxonomyPuente, "A need served, as a puente need code (domestic_abuse, labour_exploitation, witness...)."},
	{"kind", TaxonomyPuente, "helpline, service or emergency."},
	{"public_body", TaxonomyPuente, "yes when it is the police or a government service (people see it marked)."},
	{"serves", TaxonomyPuente, "Who is served: any, women, men, lgbt, children, adults."},
	{"community", TaxonomyPuente, "A community the service is culturally specific to (latin_american, polish...)."},
	{"region", TaxonomyPuente, "A region covered: london, north_west, england, wales, scotland, northern_ireland, uk."},
	{"interpreting", TaxonomyPuente, "A language offered through an interpreter (ISO 639 code; mul for many)."},
	{"area", TaxonomyPuente, "Where exactly, in words."},
	{"closed", TaxonomyPuente, "Dated closures, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, separated by ;."},
	{"bank_holidays", TaxonomyPuente, "open or closed on UK bank holidays."},
	{"verified_by", TaxonomyPuente, "Who last verified the listing (the date is assured_date)."},
	{"source", TaxonomyPuente, "Where the listing's facts come from."},
	{"contact_email", TaxonomyPuente, "An email route: address (note)."},
	{"contact_website", TaxonomyPuente, "A web route: URL (note)."},
	{"contact_address", TaxonomyPuente, "A walk-in address (note)."},
	{"contact_hours", TaxonomyPuente, "On a phone: its own opening hours, when they differ from the service's."},
}

type hsdsTaxonomyTerm struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Taxonomy    string `json:"taxonomy"`
	TaxonomyID  string `json:"taxonomy_id"`
}

type hsdsAttribute struct {
	ID             string            `json:"id"`
	LinkID         string            `json:"link_id"`
	TaxonomyTermID string            `json:"taxonomy_term_id"`
	LinkType       string            `json:"link_type"`
	LinkEntity     string            `json:"link_entity"`
	Value          string            `json:"value"`
	TaxonomyTerm   *hsdsTaxonomyTerm `json:"taxonomy_term,omitempty"`
}

type hsdsOrganization struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Website     string `json:"website,omitempty"`
}

type hsdsPhone struct {
	ID          string          `json:"id"`
	ServiceID   string          `json:"service_id"`
	Number      string          `json:"number"`
	Type        string          `json:"type,omitempty"`
	Description string          `json:"description,omitempty"`
	Attributes  []hsdsAttribute `json:"attributes,omitempty"`
}

type hsdsSchedule struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id"`
	Freq        string `json:"freq"`
	Byday       string `json:"byday"`
	OpensAt     string `json:"opens_at"`
	ClosesAt    string `json:"closes_at"`
	Description string `json:"description,omitempty"`
}

type hsdsLanguage struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	Note      string `json:"note,omitempty"`
}

type hsdsServiceArea struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type hsdsService struct {
	ID                     string                       `json:"id"`
	OrganizationID         string                       `json:"organization_id"`
	Name                   string                       `json:"name"`
	Description            string                       `json:"description,omitempty"`
	URL                    string                       `json:"url,omitempty"`
	Email                  string                       `json:"email,omitempty"`
	Status                 string                       `json:"status"`
	InterpretationServices string                       `json:"interpretation_services,omitempty"`
	EligibilityDescription string                       `json:"eligibility_description,omitempty"`
	AssuredDate            string                       `json:"assured_date,omitempty"`
	Organization           *hsdsOrganization            `json:"organization,omitempty"`
	Phones                 []hsdsPhone                  `json:"phones,omitempty"`
	Schedules              []hsdsSchedule               `json:"schedules,omitempty"`
	Languages              []hsdsLanguage               `json:"languages,omitempty"`
	ServiceAreas           []hsdsServiceArea            `json:"service_areas,omitempty"`
	Attributes             []hsdsAttribute              `json:"attributes,omitempty"`
	Translations           map[string]map[string]string `json:"x_translations,omitempty"`
}

var regionNames = map[Region]string{London: "London", NorthWest: "North West England", England: "England",
	Wales: "Wales", Scotland: "Scotland", NorthernIreland: "Northern Ireland", UK: "United Kingdom"}

var hsdsDays = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// toHSDS converts a listing to an HSDS service; ids of nested objects derive from the
// listing's, so the same listing always exports the same document.
func toHSDS(l *Listing) hsdsService {
	sub := func(parts ...string) string { return DeriveID(append([]string{l.ID}, parts...)...) }
	s := hsdsService{ID: l.ID, Name: l.Name, Description: l.Description["en"], Status: "active"}
	if l.Status == Inactive {
		s.Status = "inactive"
	}
	org := l.OrganisationName()
	s.Organization = &hsdsOrganization{ID: DeriveID("organization", org), Name: org, Description: org}
	s.OrganizationID = s.Organization.ID
	if !l.VerifiedAt.IsZero() {
		s.AssuredDate = l.VerifiedAt.Format(time.DateOnly)
	}
	var attrs []hsdsAttribute
	attr := func(code, value string) {
		if value == "" {
			return
		}
		t := term(code)
		attrs = append(attrs, hsdsAttribute{ID: sub("attribute", code, value, fmt.Sprint(len(attrs))), LinkID: l.ID,
			TaxonomyTermID: t.ID, LinkType: "service", LinkEntity: "service", Value: value, TaxonomyTerm: &t})
	}
	rec := l.Record()
	for _, code := range []string{"data_sharing", "insecure_status", "id_needed", "anonymous_handoff", "kind", "public_body"} {
		attr(code, rec[code])
	}
	for _, n := range l.Needs {
		attr("need", string(n))
	}
	for _, a := range l.Serves {
		attr("serves", string(a))
	}
	for _, c := range l.Communities {
		attr("community", string(c))
	}
	for _, r := range l.Regions {
		attr("region", string(r))
		s.ServiceAreas = append(s.ServiceAreas, hsdsServiceArea{ID: sub("area", string(r)), ServiceID: l.ID, Name: regionNames[r], Description: l.Area})
	}
	var interp []string
	for _, c := range l.Interpreting {
		attr("interpreting", c)
		interp = append(interp, englishLanguageName(c))
	}
	if len(interp) > 0 {
		s.InterpretationServices = "Interpreters: " + strings.Join(interp, ", ")
	}
	for _, code := range []string{"area", "closed", "bank_holidays", "verified_by", "source"} {
		attr(code, rec[code])
	}
	for i, c := range l.Contacts {
		switch c.Kind {
		case Phone, Text:
			p := hsdsPhone{ID: sub("phone", fmt.Sprint(i)), ServiceID: l.ID, Number: c.Value, Type: "voice", Description: c.Note}
			if c.Kind == Text {
				p.Type = "text"
			}
			if c.Hours != nil {
				t := term("contact_hours")
				p.Attributes = []hsdsAttribute{{ID: sub("phone-hours", fmt.Sprint(i)), LinkID: p.ID, TaxonomyTermID: t.ID,
					LinkType: "phone", LinkEntity: "phone", Value: c.Hours.String(), TaxonomyTerm: &t}}
			}
			s.Phones = append(s.Phones, p)
			continue
		case Email:
			if s.Email == "" {
				s.Email = c.Value
			}
		case Website:
			if s.URL == "" {
				s.URL = c.Value
				s.Organization.Website = c.Value
			}
		}
		attr("contact_"+string(c.Kind), c.String())
	}
	if len(l.Serves) > 0 {
		s.EligibilityDescription = "Serves: " + join(l.Serves)
	}
	for i, code := range l.Languages {
		s.Languages = append(s.Languages, hsdsLanguage{ID: sub("language", fmt.Sprint(i)), ServiceID: l.ID,
			Name: englishLanguageName(code), Code: code, Note: "spoken by staff"})
	}
	s.Schedules = hsdsSchedules(l, sub)
	for lang, d := range l.Description {
		if lang != "en" {
			if s.Translations == nil {
				s.Translations = map[string]map[string]string{}
			}
			s.Translations[lang] = map[string]string{"description": d}
		}
	}
	s.Attributes = attrs
	return s
}

// hsdsSchedules writes weekly hours as WEEKLY schedules, one per opening time shared by
// several days. 24/7 is every day 00:00-23:59, the HSDS convention for 24 hours.
func hsdsSchedules(l *Listing, sub func(...string) string) []hsdsSchedule {
	h := l.Hours
	if h.Always {
		return []hsdsSchedule{{ID: sub("schedule", "always"), ServiceID: l.ID, Freq: "WEEKLY",
			Byday: "MO,TU,WE,TH,FR,SA,SU", OpensAt: "00:00", ClosesAt: "23:59", Description: "Open 24 hours (Europe/London)"}}
	}
	var out []hsdsSchedule
	index := map[[2]int]int{}
	for _, s := range h.Weekly {
		k := [2]int{s.Open, s.Close}
		i, ok := index[k]
		if !ok {
			closes := clock(s.Close)
			if s.Close == day {
				closes = "23:59"
			}
			out = append(out, hsdsSchedule{ID: sub("schedule", formatRange(s)), ServiceID: l.ID, Freq: "WEEKLY",
				OpensAt: clock(s.Open), ClosesAt: closes, Description: "Europe/London local time"})
			i = len(out) - 1
			index[k] = i
		}
		out[i].Byday = strings.TrimPrefix(out[i].Byday+","+hsdsDays[s.Day], ",")
	}
	return out
}

func term(code string) hsdsTaxonomyTerm {
	for _, t := range hsdsTerms {
		if t.code == code {
			return hsdsTaxonomyTerm{ID: DeriveID("taxonomy_term", code), Code: code, Name: code,
				Description: t.description, Taxonomy: t.taxonomy, TaxonomyID: DeriveID("taxonomy", t.taxonomy)}
		}
	}
	panic("directory: no HSDS term " + code)
}

// WriteHSDS writes listings as an HSDS 3.0 JSON array of services, each with everything
// it refers to nested in it.
func WriteHSDS(w io.Writer, listings []*Listing) error {
	out := make([]hsdsService, len(listings))
	for i, l := range listings {
		out[i] = toHSDS(l)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ReadHSDS reads services from HSDS 3.0 JSON (an array of services, one service, or an
// API page {"contents": [...]}) in the subset WriteHSDS writes, with the checks of
// ReadCSV. Services without our need attribute are refused, since a listing without a
// need can never be offered.
func ReadHSDS(r io.Reader) ([]*Listing, Problems) {
	data, p := readText(r)
	if p != nil {
		return nil, Problems{*p}
	}
	var err error
	var services []hsdsService
	trimmed := bytes.TrimSpace(data)
	if !json.Valid(trimmed) && (bytes.HasPrefix(trimmed, []byte("[")) || bytes.HasPrefix(trimmed, []byte("{"))) {
		// Unmarshal checks the syntax before it decodes anything, and says where it breaks.
		var nothing struct{}
		err = json.Unmarshal(trimmed, &nothing)
	}
	switch {
	case err != nil:
	case bytes.HasPrefix(trimmed, []byte("[")):
		services, err = decodeServices(trimmed)
	case bytes.HasPrefix(trimmed, []byte("{")):
		var page struct {
			Contents json.RawMessage `json:"contents"`
		}
		if err = json.Unmarshal(trimmed, &page); err == nil && len(page.Contents) > 0 && string(page.Contents) != "null" {
			services, err = decodeServices(page.Contents)
		} else {
			var one hsdsService
			err = json.Unmarshal(trimmed, &one)
			services = []hsdsService{one}
		}
	default:
		return nil, Problems{{Message: msg("directory.problem.not_json_start")}}
	}
	if errors.Is(err, errTooMany) {
		return nil, Problems{tooMany}
	}
	if err != nil {
		return nil, Problems{{Message: msg("directory.problem.not_json", "Detail", err.Error())}}
	}
	return readServices(services)
}

var errTooMany = errors.New("too many listings")

// maxPackageRows bounds the rows of all the tables of a data package together.
const maxPackageRows = 20 * MaxListings

// decodeServices decodes a JSON array of services one at a time, stopping with errTooMany past
// MaxListings, so a file of a million empty services takes no more memory than MaxListings.
func decodeServices(data []byte) ([]hsdsService, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil, errors.New("contents is not a list of services")
	}
	var out []hsdsService
	for dec.More() {
		if len(out) == MaxListings {
			return nil, errTooMany
		}
		var s hsdsService
		if err := dec.Decode(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// readServices checks services like CSV rows and returns their listings.
func readServices(services []hsdsService) ([]*Listing, Problems) {
	var out []*Listing
	var probs problemList
	seen := map[string]int{}
	for i, s := range services {
		label := msg("directory.problem.label.service", "N", i+1, "Name", s.Name)
		cols, rec := fromHSDS(s)
		l, ps := readRow(0, cols, rec)
		for j := range ps {
			ps[j].Label = label
		}
		probs.add(ps...)
		if l == nil {
			continue
		}
		if first, dup := seen[l.ID]; dup {
			probs.add(Problem{Label: label, Column: "id", Message: msg("directory.problem.duplicate_service", "N", first)})
			continue
		}
		seen[l.ID] = i + 1
		out = append(out, l)
	}
	return out, probs.list()
}

// fromHSDS turns a service back into CSV cells, so it is checked like a CSV row.
func fromHSDS(s hsdsService) (cols, rec []string) {
	cells := map[string][]string{}
	add := func(col, v string) {
		if v != "" {
			cells[col] = append(cells[col], v)
		}
	}
	add("id", s.ID)
	add("name", s.Name)
	if s.Organization != nil && s.Organization.Name != s.Name {
		add("organisation", s.Organization.Name)
	}
	switch s.Status {
	case "", "active":
		add("status", s.Status)
	default: // inactive, defunct, temporarily closed
		add("status", string(Inactive))
	}
	add("verified_at", s.AssuredDate)
	add("description_en", s.Description)
	for lang, t := range s.Translations {
		add("description_"+lang, t["description"])
	}
	for _, l := range s.Languages {
		add("languages", l.Code)
	}
	contacts := false
	for _, a := range s.Attributes {
		code := ""
		if a.TaxonomyTerm != nil {
			code = a.TaxonomyTerm.Code
		}
		for _, t := range hsdsTerms {
			if a.TaxonomyTermID == DeriveID("taxonomy_term", t.code) {
				code = t.code
			}
		}
		col := map[string]string{"need": "needs", "community": "communities", "region": "regions",
			"contact_email": "email", "contact_website": "website", "contact_address": "address"}[code]
		if col == "" {
			col = code
		}
		if strings.HasPrefix(code, "contact_") {
			contacts = true
		}
		if col != "" && slices.ContainsFunc(Columns, func(c Column) bool { return c.Name == col }) {
			add(col, a.Value)
		}
	}
	if !contacts {
		add("email", s.Email)
		add("website", s.URL)
	}
	for _, p := range s.Phones {
		v := p.Number
		if p.Description != "" {
			v += " (" + p.Description + ")"
		}
		for _, a := range p.Attributes {
			if a.TaxonomyTermID == DeriveID("taxonomy_term", "contact_hours") {
				v += " @ " + a.Value
			}
		}
		col := "phone"
		if p.Type == "text" || p.Type == "sms" {
			col = "text"
		}
		add(col, v)
	}
	add("hours", hoursFromSchedules(s.Schedules))
	if _, ok := cells["kind"]; !ok {
		add("kind", string(Service))
	}
	for c, vs := range cells {
		cols = append(cols, c)
		rec = append(rec, neutralise(strings.Join(vs, "; ")))
	}
	return cols, rec
}

// hoursFromSchedules reads WEEKLY schedules back into an hours spec; 00:00-23:59 every
// day is 24/7 and a closing time of 23:59 is midnight.
func hoursFromSchedules(ss []hsdsSchedule) string {
	var rules []string
	for _, s := range ss {
		if !strings.EqualFold(s.Freq, "WEEKLY") || s.Byday == "" {
			continue
		}
		open, close := hhmm(s.OpensAt), hhmm(s.ClosesAt)
		if strings.Count(s.Byday, ",") == 6 && open == "00:00" && close == "23:59" {
			return "24/7"
		}
		if close == "23:59" {
			close = "24:00"
		}
		rules = append(rules, s.Byday+" "+open+"-"+close)
	}
	return strings.Join(rules, ", ")
}

// hhmm keeps the wall-clock HH:MM of an HSDS time such as "09:00:00Z".
func hhmm(s string) string {
	if len(s) >= 5 {
		return s[:5]
	}
	return s
}

// WriteHSDSPackage writes the HSDS 3.0 tabular data package: a zip of one CSV per table
// (services, organizations, phones, schedules, languages, service_areas, attributes,
// taxonomies, taxonomy_terms) and datapackage.json describing them. services.csv has one
// extension column, x_translations (JSON), for descriptions in other languages.
func WriteHSDSPackage(w io.Writer, listings []*Listing) error {
	type table struct {
		name, path string
		cols       []string
		rows       [][]string
	}
	tables := []*table{
		{name: "organization", path: "organizations.csv", cols: []string{"id", "name", "description", "website"}},
		{name: "service", path: "services.csv", cols: []string{"id", "organization_id", "name", "description", "url", "email", "status", "interpretation_services", "eligibility_description", "assured_date", "x_translations"}},
		{name: "phone", path: "phones.csv", cols: []string{"id", "service_id", "number", "type", "description"}},
		{name: "schedule", path: "schedules.csv", cols: []string{"id", "service_id", "freq", "byday", "opens_at", "closes_at", "description"}},
		{name: "language", path: "languages.csv", cols: []string{"id", "service_id", "name", "code", "note"}},
		{name: "service_area", path: "service_areas.csv", cols: []string{"id", "service_id", "name", "description"}},
		{name: "attribute", path: "attributes.csv", cols: []string{"id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"}},
		{name: "taxonomy", path: "taxonomies.csv", cols: []string{"id", "name", "description"}},
		{name: "taxonomy_term", path: "taxonomy_terms.csv", cols: []string{"id", "code", "name", "description", "taxonomy_id"}},
	}
	get := func(name string) *table {
		for _, t := range tables {
			if t.name == name {
				return t
			}
		}
		panic(name)
	}
	orgs := map[string]bool{}
	for _, l := range listings {
		s := toHSDS(l)
		if o := s.Organization; !orgs[o.ID] {
			orgs[o.ID] = true
			get("organization").rows = append(get("organization").rows, []string{o.ID, o.Name, o.Description, o.Website})
		}
		translations := ""
		if len(s.Translations) > 0 {
			b, err := json.Marshal(s.Translations)
			if err != nil {
				return err
			}
			translations = string(b)
		}
		get("service").rows = append(get("service").rows, []string{s.ID, s.OrganizationID, s.Name, s.Description, s.URL, s.Email, s.Status, s.InterpretationServices, s.EligibilityDescription, s.AssuredDate, translations})
		for _, p := range s.Phones {
			get("phone").rows = append(get("phone").rows, []string{p.ID, p.ServiceID, p.Number, p.Type, p.Description})
			for _, a := range p.Attributes {
				get("attribute").rows = append(get("attribute").rows, []string{a.ID, a.LinkID, a.TaxonomyTermID, a.LinkType, a.LinkEntity, a.Value})
			}
		}
		for _, x := range s.Schedules {
			get("schedule").rows = append(get("schedule").rows, []string{x.ID, x.ServiceID, x.Freq, x.Byday, x.OpensAt, x.ClosesAt, x.Description})
		}
		for _, x := range s.Languages {
			get("language").rows = append(get("language").rows, []string{x.ID, x.ServiceID, x.Name, x.Code, x.Note})
		}
		for _, x := range s.ServiceAreas {
			get("service_area").rows = append(get("service_area").rows, []string{x.ID, x.ServiceID, x.Name, x.Description})
		}
		for _, a := range s.Attributes {
			get("attribute").rows = append(get("attribute").rows, []string{a.ID, a.LinkID, a.TaxonomyTermID, a.LinkType, a.LinkEntity, a.Value})
		}
	}
	for _, name := range []string{TaxonomySecureReporting, TaxonomyPuente} {
		get("taxonomy").rows = append(get("taxonomy").rows, []string{DeriveID("taxonomy", name), name,
			"puente's attributes for referral of migrant victims and witnesses of crime; see the README of github.com/puente-bot/puente, The directory spreadsheet"})
	}
	for _, t := range hsdsTerms {
		x := term(t.code)
		get("taxonomy_term").rows = append(get("taxonomy_term").rows, []string{x.ID, x.Code, x.Name, x.Description, x.TaxonomyID})
	}
	zw := zip.NewWriter(w)
	type field struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	type resource struct {
		Name    string `json:"name"`
		Path    string `json:"path"`
		Profile string `json:"profile"`
		Format  string `json:"format"`
		Schema  struct {
			Fields []field `json:"fields"`
		} `json:"schema"`
	}
	pkg := struct {
		Name      string     `json:"name"`
		Profile   string     `json:"profile"`
		Resources []resource `json:"resources"`
	}{Name: "puente-directory", Profile: "tabular-data-package"}
	for _, t := range tables {
		f, err := zw.Create(t.path)
		if err != nil {
			return err
		}
		cw := csv.NewWriter(f)
		if err := cw.Write(t.cols); err != nil {
			return err
		}
		for _, r := range t.rows {
			for i := range r {
				r[i] = neutralise(r[i])
			}
			if err := cw.Write(r); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		res := resource{Name: t.name, Path: t.path, Profile: "tabular-data-resource", Format: "csv"}
		for _, c := range t.cols {
			typ := "string"
			if c == "assured_date" {
				typ = "date"
			}
			res.Schema.Fields = append(res.Schema.Fields, field{c, typ})
		}
		pkg.Resources = append(pkg.Resources, res)
	}
	f, err := zw.Create("datapackage.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(pkg); err != nil {
		return err
	}
	return zw.Close()
}

// ReadHSDSPackage reads services from an HSDS 3.0 tabular data package (a zip as
// WriteHSDSPackage writes it), with the checks of ReadHSDS.
func ReadHSDSPackage(r io.ReaderAt, size int64) ([]*Listing, Problems) {
	if size > MaxFileSize {
		return nil, Problems{tooLarge}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, Problems{{Message: msg("directory.problem.not_a_package", "Detail", err.Error())}}
	}
	tables := map[string][]map[string]string{}
	var total uint64
	// Rows of every table together: a service has a few phones, schedules, languages, areas
	// and attributes each.
	budget := maxPackageRows
	for _, f := range zr.File {
		// A small zip can hold a huge file: count what it unpacks to.
		if total += f.UncompressedSize64; total > MaxFileSize {
			return nil, Problems{{Message: msg("directory.problem.package_too_large", "MB", MaxFileSize>>20)}}
		}
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rows, err := readZipCSV(f, &budget)
		if errors.Is(err, errTooMany) {
			return nil, Problems{tooMany}
		}
		if err != nil {
			return nil, Problems{{Label: msg("directory.problem.label.file", "Name", f.Name), Message: messageOf(err)}}
		}
		tables[strings.TrimSuffix(f.Name, ".csv")] = rows
	}
	if tables["services"] == nil {
		return nil, Problems{{Message: msg("directory.problem.no_services")}}
	}
	if len(tables["services"]) > MaxListings {
		return nil, Problems{tooMany}
	}
	byService := func(table string) map[string][]map[string]string {
		m := map[string][]map[string]string{}
		for _, row := range tables[table] {
			m[row["service_id"]] = append(m[row["service_id"]], row)
		}
		return m
	}
	phones, schedules, languages, areas := byService("phones"), byService("schedules"), byService("languages"), byService("service_areas")
	attrs := map[string][]hsdsAttribute{}
	for _, a := range tables["attributes"] {
		attrs[a["link_id"]] = append(attrs[a["link_id"]], hsdsAttribute{ID: a["id"], LinkID: a["link_id"],
			TaxonomyTermID: a["taxonomy_term_id"], LinkType: a["link_type"], LinkEntity: a["link_entity"], Value: a["value"]})
	}
	orgs := map[string]*hsdsOrganization{}
	for _, o := range tables["organizations"] {
		orgs[o["id"]] = &hsdsOrganization{ID: o["id"], Name: o["name"], Description: o["description"], Website: o["website"]}
	}
	var services []hsdsService
	for _, row := range tables["services"] {
		s := hsdsService{ID: row["id"], OrganizationID: row["organization_id"], Name: row["name"],
			Description: row["description"], URL: row["url"], Email: row["email"], Status: row["status"],
			AssuredDate: row["assured_date"], Organization: orgs[row["organization_id"]], Attributes: attrs[row["id"]]}
		if t := row["x_translations"]; t != "" {
			if err := json.Unmarshal([]byte(t), &s.Translations); err != nil {
				return nil, Problems{{Label: msg("directory.problem.label.file", "Name", "services.csv"), Column: "x_translations", Message: msg("directory.problem.not_json_cell", "Detail", err.Error())}}
			}
		}
		for _, p := range phones[s.ID] {
			s.Phones = append(s.Phones, hsdsPhone{ID: p["id"], ServiceID: s.ID, Number: p["number"], Type: p["type"],
				Description: p["description"], Attributes: attrs[p["id"]]})
		}
		for _, x := range schedules[s.ID] {
			s.Schedules = append(s.Schedules, hsdsSchedule{ID: x["id"], ServiceID: s.ID, Freq: x["freq"], Byday: x["byday"],
				OpensAt: x["opens_at"], ClosesAt: x["closes_at"]})
		}
		for _, x := range languages[s.ID] {
			s.Languages = append(s.Languages, hsdsLanguage{ID: x["id"], ServiceID: s.ID, Name: x["name"], Code: x["code"]})
		}
		for _, x := range areas[s.ID] {
			s.ServiceAreas = append(s.ServiceAreas, hsdsServiceArea{ID: x["id"], ServiceID: s.ID, Name: x["name"]})
		}
		services = append(services, s)
	}
	return readServices(services)
}

func readZipCSV(f *zip.File, budget *int) ([]map[string]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	data, p := decodeText(data)
	if p != nil {
		return nil, messageError{p.Message}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, messageError{csvError(err)}
	}
	var out []map[string]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, messageError{csvError(err)}
		}
		if *budget--; *budget < 0 {
			return nil, errTooMany
		}
		row := map[string]string{}
		for i, c := range header {
			if i < len(rec) {
				v, err := unneutralise(rec[i])
				if err != nil {
					return nil, err
				}
				row[strings.TrimSpace(c)] = v
			}
		}
		out = append(out, row)
	}
}
