package web

import (
	"bytes"
	"io"
	"net/http"

	"github.com/puente-bot/puente/directory"
)

// exportCSV downloads the directory as the spreadsheet import reads back.
func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.export(w, r, v, "text/csv; charset=utf-8", "puente-directory.csv", directory.WriteCSV)
}

// exportHSDS downloads the directory as Open Referral HSDS 3.0 JSON.
func (s *Server) exportHSDS(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.export(w, r, v, "application/json", "puente-directory-hsds.json", directory.WriteHSDS)
}

// exportHSDSPackage downloads the directory as the HSDS 3.0 tabular data package (zip of CSVs).
func (s *Server) exportHSDSPackage(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.export(w, r, v, "application/zip", "puente-directory-hsds.zip", directory.WriteHSDSPackage)
}

func (s *Server) export(w http.ResponseWriter, r *http.Request, v *viewer, contentType, name string, write func(io.Writer, []*directory.Listing) error) {
	listings, err := s.db.DirectoryListings(r.Context())
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, listings); err != nil {
		s.internal(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	buf.WriteTo(w)
}
