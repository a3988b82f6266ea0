package flows

import "time"

// Ranker ranks the referral directory for a person; it never returns an
// empty list. The directory package implements it.
type Ranker interface {
	Rank(p Profile, now time.Time) []Match
}

// Profile is what the ranking knows of a person.
type Profile struct {
	Need      string
	Lang      string
	Region    string
	WomenOnly bool
	Community string
}

// Match is a listing chosen for a profile, with the reasons to show.
type Match struct {
	Listing *Listing
	Reasons []Reason
}

// Reason is a message ID and its named placeholders.
type Reason struct {
	ID   string
	Data map[string]any
}

// Listing is an organisation or service.
type Listing struct {
	ID, Name    string
	Description map[string]string
	Contacts    []Contact
}

// Contact is one route to reach a listing.
type Contact struct {
	Kind, Value, Note string
}
