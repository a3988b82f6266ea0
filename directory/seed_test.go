package directory

import (
	"strings"
	"testing"
)

func TestSeedLoads(t *testing.T) {
	ls, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ls), 43; got != want {
		t.Fatalf("seed listings = %d, want %d", got, want)
	}
}

// Ensure organisations the research marks as research, policy or campaigning only, or as
// unsafe to list before vetting, stay out of the starter directory.
func TestSeedLeavesOutUnsuitable(t *testing.T) {
	ls, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"FLEX", "Focus on Labour Exploitation", "Imkaan", "Sisters For Change", "Step Up Migrant Women", "Casa do Brasil"} {
		for _, l := range ls {
			if strings.Contains(strings.ToLower(l.Name+" "+l.Organisation), strings.ToLower(name)) {
				t.Errorf("the starter directory lists %q (%s), which must be vetted or does no casework", l.Name, name)
			}
		}
	}
}

// Ensure every note on a starter contact is a code the catalogue words in each language, so
// no English fragment such as "(urgent referrals only)" reaches a Spanish or Portuguese list.
func TestSeedNotesAreCodes(t *testing.T) {
	ls, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, l := range ls {
		for _, c := range l.Contacts {
			if c.Note == "" {
				continue
			}
			notes++
			if c.NoteID() == "" {
				t.Errorf("%s: the note %q on %s is free text, not one of %v", l.Name, c.Note, c.Value, contactNotes)
			}
		}
	}
	if notes == 0 {
		t.Fatal("no notes in the starter directory")
	}
}
