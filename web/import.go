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
	"strings"

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
	data, err := io.ReadAll(f)
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
	b, _ := json.Marshal([][]importChange{d.Added, d.Changed}) // listings and changes always marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// planImport reads an upload (CSV, or HSDS JSON by its name) and compares it with the
// directory as stored.
func (s *Server) planImport(r *http.Request, name string, data []byte) (importData, []*directory.Listing, error) {
	d := importData{Name: name}
	var listings []*directory.Listing
	var probs directory.Problems
	if strings.EqualFold(path.Ext(name), ".json") {
		listings, probs = directory.ReadHSDS(bytes.NewReader(data))
	} else {
		listings, probs = directory.ReadCSV(bytes.NewReader(data))
	}
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
