package directory

import (
	"bytes"
	_ "embed"
	"fmt"
)

// seedCSV is the starter directory loaded on first start: direct services and helplines
// from the project's reference research, each with its source. Organisations that only
// do research or policy, or that are unsafe to list without vetting, and contact details
// the research marks unverified, are left out (see the README, The directory spreadsheet).
//
//go:embed seed.csv
var seedCSV []byte

// Seed returns the starter directory.
func Seed() ([]*Listing, error) {
	ls, probs := ReadCSV(bytes.NewReader(seedCSV))
	if err := probs.Err(); err != nil {
		return nil, fmt.Errorf("directory: seed.csv: %w", err)
	}
	return ls, nil
}
