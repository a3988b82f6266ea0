package directory

import (
	"crypto/sha1"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Listing is one service or helpline a person can be referred to.
type Listing struct {
	// ID is a UUID, stable across imports: given in the file, or derived from the
	// organisation and name (see DeriveID).
	ID           string
	Name         string
	Organisation string // the organisation running it; empty when it is Name itself
	Kind         Kind
	Status       Status
	Needs        []Need
	Languages    []string // spoken by staff: canonical base codes
	Interpreting []string // offered through an interpreter; AnyLanguage for many
	Communities  []Community
	Serves       []Audience
	Regions      []Region
	Area         string // where exactly, in words ("Brixton, Lambeth"), from the source
	Hours        Hours
	Contacts     []Contact
	// DataSharing, InsecureStatus and IDNeeded are what our users need most and no
	// other directory records: whether it passes data to immigration enforcement,
	// whether it serves people with insecure status or no recourse to public funds,
	// and whether it asks for ID or documents.
	DataSharing    Stance
	InsecureStatus Tri
	IDNeeded       Tri
	AcceptsHandoff bool // can take anonymous handoffs through puente
	// PublicBody marks the police and government services (999 always is one): people
	// see them marked, and they never take the first places of a referral list while
	// enough independent organisations fit.
	PublicBody bool
	VerifiedAt time.Time // date (UTC midnight) it was last checked; zero = never
	VerifiedBy string
	Source     string
	// Description holds a short description per language (base code); "en" is the
	// fallback.
	Description map[string]string
}

// ContactKind is a route to reach a listing.
type ContactKind string

// Contact routes.
const (
	Phone   ContactKind = "phone"
	Text    ContactKind = "text"
	Email   ContactKind = "email"
	Website ContactKind = "website"
	Address ContactKind = "address"
)

// ContactKinds lists the routes in the order they are shown.
var ContactKinds = []ContactKind{Phone, Text, Email, Website, Address}

// Contact is one way to reach a listing. Hours, when set, replaces the listing's hours
// for this route (a Welsh-language line open evenings only).
type Contact struct {
	Kind  ContactKind
	Value string
	Note  string
	Hours *Hours
}

// contactNotes are the notes a contact can carry as a code, so that each reader sees the
// note in their own language: "18001 101 (textphone)". Any other note is shown as written.
var contactNotes = []string{"textphone", "welsh", "from-abroad", "out-of-hours-grc", "urgent-referrals", "spanish", "portuguese"}

// ContactNoteIDs lists the message of every note code.
func ContactNoteIDs() []string {
	out := make([]string, len(contactNotes))
	for i, n := range contactNotes {
		out[i] = noteID(n)
	}
	return out
}

func noteID(code string) string {
	return "directory.contact_note." + strings.ReplaceAll(code, "-", "_")
}

// NoteID is the message that words the contact's note, or "" when the note is free text.
func (c Contact) NoteID() string {
	if slices.Contains(contactNotes, c.Note) {
		return noteID(c.Note)
	}
	return ""
}

// WomenOnly reports whether the listing serves only women (and perhaps their children).
func (l *Listing) WomenOnly() bool {
	return slices.Contains(l.Serves, Women) && !slices.Contains(l.Serves, Men) &&
		!slices.Contains(l.Serves, Anyone)
}

// Public reports whether the listing is the police, the emergency services or a
// government service.
func (l *Listing) Public() bool { return l.PublicBody || l.Kind == Emergency }

// MenOnly reports whether the listing serves only men.
func (l *Listing) MenOnly() bool {
	return slices.Contains(l.Serves, Men) && !slices.Contains(l.Serves, Women) &&
		!slices.Contains(l.Serves, Anyone)
}

// Freshness says whether the listing is stale at now (not verified for StaleAfter: it
// ranks lower and volunteers are told) and whether it is hidden from people (never
// verified, or not for HiddenAfter). The one statement of the rule: ranking, puente
// match and the volunteers' pages all ask here.
func (l *Listing) Freshness(now time.Time) (stale, hidden bool) {
	if l.VerifiedAt.IsZero() {
		return true, true
	}
	age := now.Sub(l.VerifiedAt)
	return age > StaleAfter, age > HiddenAfter
}

// OrganisationName is the organisation's name, which is the listing's own name when no
// organisation is given.
func (l *Listing) OrganisationName() string {
	if l.Organisation != "" {
		return l.Organisation
	}
	return l.Name
}

// idSpace is the namespace of derived listing ids (a random UUID fixed for puente).
var idSpace = [16]byte{0x6b, 0x1f, 0x2a, 0x93, 0x4c, 0x0e, 0x4d, 0x5a, 0x9f, 0x21, 0x3e, 0x77, 0xc0, 0x58, 0xa1, 0xd4}

// DeriveID returns a name-based UUID (RFC 9562 version 5) for the parts, so that a
// listing imported without an id keeps the same id on every import.
func DeriveID(parts ...string) string {
	h := sha1.New()
	h.Write(idSpace[:])
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(strings.ToLower(strings.Join(strings.Fields(p), " "))))
	}
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// validUUID reports whether s is a lower- or upper-case hyphenated UUID.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
