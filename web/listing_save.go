package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// checkMethods are the ways a volunteer can check a listing, as the trail records them
// (action "listing.check." + method).
var checkMethods = []string{"phone", "website", "email"}

// saveListingForm checks the posted form as an import checks a row. On a problem the form
// comes back with everything as typed and each message beside its field; nothing is saved.
// The form has two buttons that send the same fields: "Save", and "Save and mark as checked
// today" (do=check), which also stamps the check and records how it was made, so a
// correction made while checking is never lost.
func (s *Server) saveListingForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.parseForm(w, r, v) {
		return
	}
	old, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	typed := formRecord(r.PostForm, old.Record())
	check := r.PostFormValue("do") == "check"
	method := r.PostFormValue("checked_with")
	d := editData{Version: version(old), CheckedWith: method}
	if r.PostFormValue("version") != version(old) {
		// Someone saved this listing since the form was opened: saving over it would undo
		// their work unseen. The form comes back as typed, against the listing as it is now.
		d.Groups, _ = fillForm(typed, nil)
		d.Invalid = true
		d.Problems = []directory.Problem{{Message: directory.Message{ID: "web.listing.changed_meanwhile"}}}
		s.renderListing(w, r, v, http.StatusConflict, old, d)
		return
	}
	rec := typed
	action := "listing.update"
	var probs directory.Problems
	if check {
		rec = maps.Clone(typed)
		rec["verified_at"] = s.now().UTC().Format(time.DateOnly)
		rec["verified_by"] = v.User.Email
		if slices.Contains(checkMethods, method) {
			action = "listing.check." + method
		} else {
			d.CheckProblem = &directory.Message{ID: "web.check.choose"}
		}
	}
	l, err := directory.FromRecord(rec)
	if err != nil {
		if probs, ok = problemsOf(err); !ok {
			s.internal(w, r, v, err)
			return
		}
	}
	if probs != nil || d.CheckProblem != nil {
		// The form comes back as typed: a check that was refused stamps nothing.
		d.Groups, d.Problems = fillForm(typed, probs)
		d.Invalid = true
		s.renderListing(w, r, v, http.StatusUnprocessableEntity, old, d)
		return
	}
	// The id is the listing's, whatever its name becomes: links and imports keep finding it.
	l.ID = old.ID
	changes, err := s.saveListing(r.Context(), v, action, old, l, 0)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	done := "saved"
	switch {
	case check:
		done = "verified"
	case len(changes) == 0:
		done = "unchanged"
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
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.SaveListings(ctx, []store.ListingChange{{Listing: l, Action: action, Changes: changes, RevertOf: revertOf}}, v.actor())
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
