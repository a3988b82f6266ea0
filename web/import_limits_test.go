package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// fill repeats row after head until the file is just under the directory's size limit.
func fill(head string, row func(i int) string) string {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; ; i++ {
		r := row(i)
		if b.Len()+len(r) > directory.MaxFileSize-1 {
			return b.String()
		}
		b.WriteString(r)
	}
}

// Ensure a preview of a 10 MB file, good or bad, CSV or HSDS, takes bounded memory and answers
// with a page under 1 MB. (A 3.9 MB CSV of short bad rows took the server to 4.9 GB and never
// answered; a 1 MB JSON of empty services made a 258 MB page.)
func TestImportPreviewIsBounded(t *testing.T) {
	s := newSite(t)
	ed := s.account("ed@example.org", store.RoleEditor)
	long := strings.Repeat("Ayuda en español y portugués. ", 64)
	tests := []struct {
		name, file string
		content    func() string
		status     int
		want       string
	}{
		{"bad rows", "bad.csv", func() string {
			return fill("name,kind,needs\n", func(int) string { return "a,b,c\n" })
		}, http.StatusUnprocessableEntity, "more than 5000 listings"},
		{"many problems", "problems.csv", func() string {
			return fill("name,kind,needs\n", func(i int) string { return fmt.Sprintf("Org %d,%s,c\n", i, strings.Repeat("b", 2000)) })
		}, http.StatusUnprocessableEntity, "more problems not listed here"},
		{"good rows", "good.csv", func() string {
			n := 0
			return fill("name,kind,needs,description_en\n", func(i int) string {
				if n++; n > directory.MaxListings {
					return strings.Repeat("x", directory.MaxFileSize)
				}
				return fmt.Sprintf("Org %d,service,domestic_abuse,%s %d\n", i, long, i)
			})
		}, http.StatusOK, "more listings, not shown here"},
		{"empty services", "many.json", func() string {
			return "[" + fill("{}", func(int) string { return ",{}" }) + "]"
		}, http.StatusUnprocessableEntity, "more than 5000 listings"},
	}
	for _, tt := range tests {
		content := tt.content()
		body, contentType := uploadBody(t, tt.file, content)
		heap := watchHeap()
		r := ed.do("POST", "/import", bytes.NewReader(body), contentType)
		grew := heap.growth()
		t.Logf("%s: %.1f MB %s: status %d, page %d kB, heap peak %.0f MiB above idle",
			tt.name, float64(len(content))/(1<<20), tt.file, r.status, len(r.body)>>10, grew)
		wantStatus(t, tt.name, r, tt.status)
		wantBody(t, tt.name, r, tt.want)
		if len(r.body) >= 1<<20 {
			t.Errorf("%s: the page is %d bytes, want under 1 MB", tt.name, len(r.body))
		}
		if grew >= 200 {
			t.Errorf("%s: the heap grew %.0f MiB, want under 200", tt.name, grew)
		}
	}
}

// Ensure the page takes an HSDS data package as puente import does: the one it exports comes
// back unchanged.
func TestImportDataPackage(t *testing.T) {
	s := newSite(t)
	ed := s.account("ed@example.org", store.RoleEditor)
	pkg := ed.get("/export/hsds.zip")
	wantStatus(t, "export", pkg, http.StatusOK)
	r := ed.upload("directory.zip", pkg.body)
	wantStatus(t, "import of the export", r, http.StatusOK)
	wantBody(t, "import of the export", r, "New: 0. Changed: 0.")
}
