package directory

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// wantTooMany checks that a file over MaxListings is refused whole, saying so first.
func wantTooMany(t *testing.T, what string, ls []*Listing, probs Problems) {
	t.Helper()
	if ls != nil || len(probs) == 0 || probs[0].Message.ID != "directory.problem.too_many" || probs.Err() == nil {
		t.Errorf("%s: %d listings, problems %.200v; want it refused as having too many listings", what, len(ls), probs)
	}
}

// A file of more listings than MaxListings is refused, however it is written, before the rest
// of it is read. (A 3.9 MB CSV of 650,000 short rows took 4.9 GB to preview; a 1 MB JSON of
// 350,000 empty services made a 258 MB page.)
func TestTooManyListings(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("name,kind,needs\n")
	for i := range MaxListings + 1 {
		fmt.Fprintf(&csv, "Org %d,charity,domestic_abuse\n", i)
	}
	ls, probs := ReadCSV(strings.NewReader(csv.String()))
	wantTooMany(t, "CSV", ls, probs)

	empty := "[" + strings.Repeat("{},", 349524) + "{}]"
	ls, probs = ReadHSDS(strings.NewReader(empty))
	wantTooMany(t, "HSDS JSON array", ls, probs)
	ls, probs = ReadHSDS(strings.NewReader(`{"contents":` + empty + `}`))
	wantTooMany(t, "HSDS JSON page", ls, probs)

	var pkg bytes.Buffer
	zw := zip.NewWriter(&pkg)
	w, err := zw.Create("phones.csv")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("id,service_id,number\n" + strings.Repeat("1,2,3\n", maxPackageRows+1)))
	w, err = zw.Create("services.csv")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("id,name\n1,x\n"))
	zw.Close()
	ls, probs = ReadHSDSPackage(bytes.NewReader(pkg.Bytes()), int64(pkg.Len()))
	wantTooMany(t, "HSDS data package", ls, probs)
}

// A file with many problems lists the first MaxProblems and counts the rest, and still stops
// the import.
func TestProblemsAreCountedPastTheFirst(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("name,kind,needs\n")
	for i := range 1000 {
		fmt.Fprintf(&csv, "Org %d,no such kind,no such need\n", i)
	}
	_, probs := ReadCSV(strings.NewReader(csv.String()))
	if len(probs) != MaxProblems+1 {
		t.Fatalf("%d problems listed, want %d and a count of the rest", len(probs), MaxProblems+1)
	}
	last := probs[len(probs)-1]
	if last.Message.ID != "directory.problem.more" || last.Warning || probs.Err() == nil {
		t.Errorf("last problem %v (warning %v), want the count of the rest, stopping the import", last, last.Warning)
	}
	// Every row has at least two problems (kind and needs).
	if n, _ := last.Message.Args["Count"].(int); n < 2*1000-MaxProblems {
		t.Errorf("last problem %q counts %d others, want at least %d", last, n, 2*1000-MaxProblems)
	}

	var js strings.Builder
	js.WriteString("[")
	for i := range 1000 {
		if i > 0 {
			js.WriteString(",")
		}
		fmt.Fprintf(&js, `{"name":"Org %d"}`, i)
	}
	js.WriteString("]")
	_, probs = ReadHSDS(strings.NewReader(js.String()))
	if len(probs) != MaxProblems+1 || probs[MaxProblems].Message.ID != "directory.problem.more" {
		t.Errorf("HSDS: %d problems, want %d and a count of the rest", len(probs), MaxProblems+1)
	}
}
