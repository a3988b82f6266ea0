package web

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

type editData struct {
	New      bool
	Version  string     // version of the listing the form was filled from
	Row      listingRow // the listing as stored; empty for a new one
	Groups   []formGroup
	Problems []directory.Problem // problems of no single field
	Invalid  bool                // the form was refused: nothing was saved
	Trail    auditData
	Link     store.LinkStatus // whether an organisation's group is linked, or a code waits
	LinkCode string           // a link code just made, shown once
}

func (s *Server) newListingForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	groups, _ := fillForm(map[string]string{"kind": string(directory.Service)}, nil)
	s.render(w, r, v, http.StatusOK, "listing", page{Title: "web.listing.new_title", Nav: "listings", Data: editData{New: true, Groups: groups}})
}

func (s *Server) createListing(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	rec := formRecord(r.PostForm, map[string]string{"status": string(directory.Active)})
	l, err := directory.FromRecord(rec)
	var probs directory.Problems
	if err == nil {
		// A new listing's id comes from its organisation and name: the same pair exists already.
		switch _, err := s.db.DirectoryListing(r.Context(), l.ID); {
		case err == nil:
			probs = directory.Problems{{Column: "name", Message: v.t("web.listing.exists")}}
		case !errors.Is(err, store.ErrNotFound):
			s.internal(w, r, v, err)
			return
		}
	} else if probs, _ = problemsOf(err); probs == nil {
		s.internal(w, r, v, err)
		return
	}
	if probs != nil {
		groups, other := fillForm(rec, probs)
		s.render(w, r, v, http.StatusUnprocessableEntity, "listing", page{Title: "web.listing.new_title", Nav: "listings",
			Data: editData{New: true, Groups: groups, Problems: other, Invalid: true}})
		return
	}
	if _, err := s.saveListing(r.Context(), v, "listing.create", nil, l, 0); err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings/"+l.ID, "saved")
}

// listing shows a listing's form, what it looks like now, and its own audit trail.
func (s *Server) listing(w http.ResponseWriter, r *http.Request, v *viewer) {
	l, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	groups, _ := fillForm(l.Record(), nil)
	s.renderListing(w, r, v, http.StatusOK, l, editData{Groups: groups, Version: version(l)})
}

func (s *Server) renderListing(w http.ResponseWriter, r *http.Request, v *viewer, status int, l *directory.Listing, d editData) {
	var err error
	if d.Trail, err = s.trail(r, listingSubject+l.ID, 0); err != nil {
		s.internal(w, r, v, err)
		return
	}
	if d.Link, err = s.db.LinkStatusOf(r.Context(), l.ID, s.now()); err != nil {
		s.internal(w, r, v, err)
		return
	}
	d.Row = s.row(l, s.now())
	s.render(w, r, v, status, "listing", page{Title: "web.listing.title", Nav: "listings", Data: d})
}

// saveListingForm checks the posted form as an import checks a row. On a problem the form
// comes back with everything as typed and each message beside its field; nothing is saved.
func (s *Server) saveListingForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	old, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	rec := formRecord(r.PostForm, old.Record())
	if r.PostFormValue("version") != version(old) {
		// Someone saved this listing since the form was opened: saving over it would undo
		// their work unseen. The form comes back as typed, against the listing as it is now.
		groups, _ := fillForm(rec, nil)
		s.renderListing(w, r, v, http.StatusConflict, old, editData{Groups: groups, Version: version(old), Invalid: true,
			Problems: []directory.Problem{{Message: v.t("web.listing.changed_meanwhile")}}})
		return
	}
	l, err := directory.FromRecord(rec)
	if err != nil {
		probs, ok := problemsOf(err)
		if !ok {
			s.internal(w, r, v, err)
			return
		}
		groups, other := fillForm(rec, probs)
		s.renderListing(w, r, v, http.StatusUnprocessableEntity, old, editData{Groups: groups, Problems: other, Invalid: true, Version: version(old)})
		return
	}
	// The id is the listing's, whatever its name becomes: links and imports keep finding it.
	l.ID = old.ID
	changes, err := s.saveListing(r.Context(), v, "listing.update", old, l, 0)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	done := "saved"
	if len(changes) == 0 {
		done = "unchanged"
	}
	redirect(w, r, "/listings/"+l.ID, done)
}

// verify records that a volunteer checked the listing today.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.changeListing(w, r, v, "listing.verify", "verified", func(rec map[string]string) {
		rec["verified_at"] = s.now().UTC().Format(time.DateOnly)
		rec["verified_by"] = v.User.Email
	})
}

// deactivate hides a listing from people; nothing is ever deleted from the page.
func (s *Server) deactivate(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.changeListing(w, r, v, "listing.deactivate", "deactivated", func(rec map[string]string) {
		rec["status"] = string(directory.Inactive)
	})
}

func (s *Server) activate(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.changeListing(w, r, v, "listing.activate", "activated", func(rec map[string]string) {
		rec["status"] = string(directory.Active)
	})
}

// changeListing applies edit to the stored listing's record and saves it with its audit entry.
func (s *Server) changeListing(w http.ResponseWriter, r *http.Request, v *viewer, action, done string, edit func(map[string]string)) {
	old, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	rec := old.Record()
	edit(rec)
	l, err := directory.FromRecord(rec)
	if err != nil {
		// The stored listing was valid and the edit sets a valid value, so this is a bug.
		s.internal(w, r, v, err)
		return
	}
	l.ID = old.ID
	if _, err := s.saveListing(r.Context(), v, action, old, l, 0); err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings/"+l.ID, done)
}

// saveListing stores l (replacing before, nil for a new listing) and its audit entry in
// one transaction, and returns the changes. Saving what is stored already writes nothing.
func (s *Server) saveListing(ctx context.Context, v *viewer, action string, before, l *directory.Listing, revertOf int64) ([]store.Change, error) {
	var old map[string]string
	if before != nil {
		old = before.Record()
	}
	changes := diff(old, l.Record())
	if len(changes) == 0 {
		return nil, nil
	}
	now := s.now()
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := store.ImportDirectoryTx(ctx, tx, []*directory.Listing{l}, now); err != nil {
			return err
		}
		_, err := store.AuditTx(ctx, tx, store.AuditEntry{At: now, UserID: v.User.ID, Actor: v.User.Email, Action: action,
			Subject: listingSubject + l.ID, Label: l.Name, Changes: changes, RevertOf: revertOf})
		return err
	})
	return changes, err
}

// version identifies a listing's stored content, so a form can tell whether it was saved
// by someone else since it was opened.
func version(l *directory.Listing) string {
	b, _ := json.Marshal(l.Record()) // a map of strings always marshals, keys sorted
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func (s *Server) pathListing(w http.ResponseWriter, r *http.Request, v *viewer) (*directory.Listing, bool) {
	l, err := s.db.DirectoryListing(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, v)
		return nil, false
	}
	if err != nil {
		s.internal(w, r, v, err)
		return nil, false
	}
	return l, true
}
