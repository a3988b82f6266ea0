package directory_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/puente-bot/puente/directory"
)

// Ensure ReadFile reads back what every writer writes, picked by the file's name, and reads
// a name with no known extension as CSV.
func TestReadFileReadsEveryFormat(t *testing.T) {
	seed, err := directory.Seed()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		write func(io.Writer, []*directory.Listing) error
	}{
		{"directory.csv", directory.WriteCSV},
		{"DIRECTORY.JSON", directory.WriteHSDS},
		{"hsds.zip", directory.WriteHSDSPackage},
		{"a spreadsheet", directory.WriteCSV},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf, seed); err != nil {
				t.Fatal(err)
			}
			got, probs := directory.ReadFile(tt.name, bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err := probs.Err(); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(seed) {
				t.Fatalf("read %d listings, want %d", len(got), len(seed))
			}
			for i := range got {
				if got[i].ID != seed[i].ID || got[i].Name != seed[i].Name {
					t.Errorf("listing %d = %s %q, want %s %q", i, got[i].ID, got[i].Name, seed[i].ID, seed[i].Name)
				}
			}
		})
	}
}
