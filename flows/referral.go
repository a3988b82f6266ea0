package flows

import (
	"maps"
	"strings"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
)

// referrals adds the best few organisations for the person to the screen,
// one page at a time, and records whether there are more pages.
func (e *Engine) referrals(s State, now time.Time, r *renderer) State {
	var matches []directory.Match
	if e.rank != nil {
		matches = e.rank.Rank(directory.Profile{Need: directory.Need(s.Need), Lang: r.lang, Region: directory.Region(s.Region), WomenOnly: s.WomenOnly, Community: s.Community}, now)
	}
	if len(matches) == 0 {
		// The directory promises never to be empty; if it is, the person
		// still gets a next step.
		s.Page, s.More, s.LastPage = 0, false, false
		r.para(r.text("ui.referral.empty", r.vars))
		return s
	}
	per := e.cfg.PerPage
	pages := (len(matches) + per - 1) / per
	if s.Page < 0 || s.Page >= pages {
		s.Page = 0 // "more options" on the last page starts again
	}
	s.More = pages > 1
	s.LastPage = s.More && s.Page == pages-1
	for _, m := range matches {
		s.Handoff = s.Handoff || m.Listing.AcceptsHandoff
	}
	from, to := s.Page*per, min(len(matches), (s.Page+1)*per)
	if s.Page == 0 {
		r.para(r.plural("ui.referral.count", len(matches), r.vars))
	}
	if s.More {
		data := r.with(nil)
		data["From"], data["To"], data["Count"] = from+1, to, len(matches)
		r.para(r.text("ui.referral.page", data))
	}
	iso := locales.BidiFor(r.lang)
	for i, m := range matches[from:to] {
		if at := from + i; m.Outside && (at == 0 || !matches[at-1].Outside) {
			// Say why services for everyone follow the ones for women only.
			id := "ui.referral.women_no_phone"
			switch at {
			case 0:
				id = "ui.referral.women_none"
			case 1:
				id = "ui.referral.women_one"
			}
			r.para(r.text(id, r.vars))
		}
		r.listing(m, iso)
	}
	return s
}

// Listing renders one organisation of a referral list as the person reads it in lang,
// as the bot shows it: puente match prints the same text. fellBack reports that some
// of it fell back to another language.
func Listing(cat *locales.Catalog, lang string, m directory.Match) (text string, fellBack bool) {
	r := renderer{cat: cat, lang: lang, names: listingNames(cat)}
	r.listing(m, locales.BidiFor(lang))
	return r.b.String(), r.fellBack
}

// listing adds one organisation to the screen: its name, a phone or text
// line first, why it was chosen, what it does and its other routes. Values
// from the directory are isolated where directions mix, so numbers and
// links read and dial correctly in any script.
func (r *renderer) listing(m directory.Match, iso locales.Bidi) {
	b := &r.b
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
	b.WriteString("• ")
	name := m.Listing.Name
	if id, ok := r.names[name]; ok {
		name = r.text(id, r.vars)
	}
	b.WriteString(iso.FSI(name))
	if o := m.Listing.Organisation; o != "" && !strings.Contains(m.Listing.Name, o) {
		// "Trafficking Project" alone does not say who runs it; the person
		// may know or have heard of the organisation, not the service.
		b.WriteString(" (")
		b.WriteString(iso.FSI(o))
		b.WriteString(")")
	}
	r.contacts(m.Listing.Contacts, iso, true)
	for i, why := range m.Reasons {
		if i == 0 {
			b.WriteString("\n")
		} else {
			b.WriteString(" · ")
		}
		b.WriteString(r.text(why.ID, r.with(why.Data)))
	}
	if d := r.description(m.Listing.Description); d != "" {
		b.WriteString("\n")
		b.WriteString(iso.FSI(d))
	}
	r.contacts(m.Listing.Contacts, iso, false)
}

// contacts adds the listing's phone and text lines (talk), or its other routes.
func (r *renderer) contacts(cs []directory.Contact, iso locales.Bidi, talk bool) {
	b := &r.b
	for _, c := range cs {
		if (c.Kind == directory.Phone || c.Kind == directory.Text) != talk {
			continue
		}
		value := iso.LTR(c.Value)
		if c.Kind == directory.Address {
			value = iso.FSI(c.Value)
		}
		b.WriteString("\n")
		b.WriteString(r.text(contactIDs[c.Kind], r.with1("Value", value)))
		if c.Note != "" {
			note := iso.FSI(c.Note)
			if id := c.NoteID(); id != "" {
				note = r.text(id, r.vars)
			}
			b.WriteString(" (")
			b.WriteString(note)
			b.WriteString(")")
		}
	}
}

// contactIDs are the messages that introduce each kind of contact
// ("Phone: …"), made once rather than on every screen.
var contactIDs = func() map[directory.ContactKind]string {
	ids := make(map[directory.ContactKind]string, len(directory.ContactKinds))
	for _, k := range directory.ContactKinds {
		ids[k] = "ui.referral.contact." + string(k)
	}
	return ids
}()

// description picks a listing's description in the reader's language, its
// base language, or English, and notes a fallback.
func (r *renderer) description(d map[string]string) string {
	for _, l := range r.cat.Chain(r.lang) {
		for _, k := range []string{l, locales.Base(l)} {
			if s, ok := d[k]; ok && s != "" {
				if locales.Base(k) != locales.Base(r.lang) {
					r.fellBack = true
				}
				return s
			}
		}
	}
	return ""
}

// with merges template data over the engine's variables, in a map the
// renderer reuses: templates only read their data while they run.
func (r *renderer) with(data map[string]any) map[string]any {
	if r.scratch == nil {
		r.scratch = make(map[string]any, len(r.vars)+4)
	}
	clear(r.scratch)
	maps.Copy(r.scratch, r.vars)
	maps.Copy(r.scratch, data)
	return r.scratch
}

// with1 is with for a single value.
func (r *renderer) with1(key string, value any) map[string]any {
	m := r.with(nil)
	m[key] = value
	return m
}
