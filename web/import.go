package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// An uploaded spreadsheet is checked and previewed first; only "Import" writes it. Between
// the two the file waits in memory (never on disk), for its uploader only, for a while.
const (
	pendingFor = time.Hour
	maxPending = 20
)

type pendingImport struct {
	userID  int64
	name    string
	data    []byte
	plan    string // what the preview showed would change (see importData.digest)
	expires time.Time
}

type pendingImports struct {
	mu sync.Mutex
	m  map[string]pendingImport
}

func (p *pendingImports) put(pi pendingImport, now time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, v := range p.m {
		if now.After(v.expires) {
			delete(p.m, k)
		}
	}
	if len(p.m) >= maxPending {
		// The oldest upload goes: it is the one least likely to be imported still.
		oldest := ""
		for k, v := range p.m {
			if oldest == "" || v.expires.Before(p.m[oldest].expires) {
				oldest = k
			}
		}
		delete(p.m, oldest)
	}
	token := rand.Text()
	p.m[token] = pi
	return token
}

// take removes and returns the upload under token if it is the user's and still fresh.
func (p *pendingImports) take(token string, userID int64, now time.Time) (pendingImport, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pi, ok := p.m[token]
	if !ok || pi.userID != userID || now.After(pi.expires) {
		return pendingImport{}, false
	}
	delete(p.m, token)
	return pi, true
}

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
			Problems: []directory.Problem{{Message: v.t("web.import.no_file")}}, Errors: 1}})
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

// importApply writes a previewed upload: every listing or none, each with its audit entry.
func (s *Server) importApply(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	pi, ok := s.pending.take(r.PostFormValue("token"), v.User.ID, s.now())
	if !ok {
		s.fail(w, r, v, http.StatusGone, "web.import.gone")
		return
	}
	// Planned again: the directory may have changed since the preview.
	d, _, err := s.planImport(r, pi.name, pi.data)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	if d.Errors > 0 {
		s.render(w, r, v, http.StatusUnprocessableEntity, "import", page{Title: "web.import.title", Nav: "import", Data: d})
		return
	}
	if d.digest() != pi.plan {
		// Someone changed the directory since the preview: show what the file would change now
		// and let the volunteer decide again, rather than write something they did not see.
		d.Replanned = true
		if len(d.Added)+len(d.Changed) > 0 {
			s.hold(v, &d, pi.data)
		}
		s.render(w, r, v, http.StatusConflict, "import", page{Title: "web.import.title", Nav: "import", Data: d})
		return
	}
	now := s.now()
	err = s.db.Write(r.Context(), func(tx *sql.Tx) error {
		for _, c := range slices.Concat(d.Added, d.Changed) {
			if _, err := store.ImportDirectoryTx(r.Context(), tx, []*directory.Listing{c.L}, now); err != nil {
				return err
			}
			action := "listing.import"
			if c.New {
				action = "listing.import_new"
			}
			if _, err := store.AuditTx(r.Context(), tx, store.AuditEntry{At: now, UserID: v.User.ID, Actor: v.User.Email,
				Action: action, Subject: listingSubject + c.L.ID, Label: c.L.Name, Changes: c.Changes}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings", "imported")
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
