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
	if got, want := len(ls), 41; got != want {
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
