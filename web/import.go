package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"path"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// importChange is one listing of an upload compared with the directory.
type importChange struct {
	L       *directory.Listing
	New     bool
	Changes []store.Change
}

type importData struct {
	Name      string
	Token     string // set when the upload can be imported
	Replanned bool   // the directory changed since the preview: this is the new plan
	Problems  []directory.Problem
	Errors    int // problems that stop the import
	Added     []importChange
	Changed   []importChange
	Unchanged int
}

// maxShownChanges is how many added or changed listings the preview shows; the rest are counted.
const maxShownChanges = 20

// ShownAdded and ShownChanged are the listings the preview shows, at most maxShownChanges
// together, so the page stays small whatever the file holds; NotShown counts the others.
func (d importData) ShownAdded() []importChange { return d.Added[:min(len(d.Added), maxShownChanges)] }

func (d importData) ShownChanged() []importChange {
	return d.Changed[:min(len(d.Changed), maxShownChanges-len(d.ShownAdded()))]
}

func (d importData) NotShown() int {
	return len(d.Added) + len(d.Changed) - len(d.ShownAdded()) - len(d.ShownChanged())
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.render(w, r, v, http.StatusOK, "import", page{Title: "web.import.title", Nav: "import"})
}

// importPreview checks an uploaded file and shows every row's problems and every change it
// would make. Nothing is written.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.render(w, r, v, http.StatusUnprocessableEntity, "import", page{Title: "web.import.title", Nav: "import", Data: importData{
			Problems: []directory.Problem{{Message: directory.Message{ID: "web.import.no_file"}}}, Errors: 1}})
		return
	}
	defer f.Close()
	// Read at the size the form gave (never more than the upload limit): reading to the end
	// instead would grow a buffer, copying the file over and over.
	data := make([]byte, min(hdr.Size, maxUploadBytes))
	_, err = io.ReadFull(f, data)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	d, listings, err := s.planImport(r, path.Base(hdr.Filename), data)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	status := http.StatusOK
	if d.Errors > 0 {
		status = http.StatusUnprocessableEntity
	} else if len(listings) > 0 && len(d.Added)+len(d.Changed) > 0 {
		s.hold(v, &d, data)
	}
	s.render(w, r, v, status, "import", page{Title: "web.import.title", Nav: "import", Data: d})
}

// hold keeps an upload for its uploader to import and sets the token of the import button.
func (s *Server) hold(v *viewer, d *importData, data []byte) {
	now := s.now()
	d.Token = s.pending.put(pendingImport{userID: v.User.ID, name: d.Name, data: data, plan: d.digest(), expires: now.Add(pendingFor)}, now)
}

// digest sums up what the plan would change, to tell whether it is still what was shown.
func (d *importData) digest() string {
	// One change at a time: the encoder holds what it encodes until it writes.
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, cs := range [][]importChange{d.Added, d.Changed} {
		for _, c := range cs {
			enc.Encode(c) // listings and changes always encode; a hash takes every write
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// planImport reads an upload (CSV, or HSDS JSON or an HSDS data package by its name) and
// compares it with the directory as stored. The readers keep to the limits of the directory
// package (size, listings, problems listed), the same as puente import.
func (s *Server) planImport(r *http.Request, name string, data []byte) (importData, []*directory.Listing, error) {
	d := importData{Name: name}
	listings, probs := directory.ReadFile(name, bytes.NewReader(data), int64(len(data)))
	d.Problems = probs
	for _, p := range probs {
		if !p.Warning {
			d.Errors++
		}
	}
	stored, err := s.db.DirectoryListings(r.Context())
	if err != nil {
		return d, nil, err
	}
	byID := make(map[string]*directory.Listing, len(stored))
	for _, l := range stored {
		byID[l.ID] = l
	}
	for _, l := range listings {
		old, ok := byID[l.ID]
		if !ok {
			d.Added = append(d.Added, importChange{L: l, New: true, Changes: diff(nil, l.Record())})
			continue
		}
		if rec := l.Record(); !maps.Equal(old.Record(), rec) {
			d.Changed = append(d.Changed, importChange{L: l, Changes: diff(old.Record(), rec)})
		} else {
			d.Unchanged++
		}
	}
	return d, listings, nil
}
