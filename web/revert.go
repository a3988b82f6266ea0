package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// revert puts the fields of one change back as they were before it, as a new change of its
// own. It refuses when a field has changed again since, rather than undo someone's later work.
func (s *Server) revert(w http.ResponseWriter, r *http.Request, v *viewer) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r, v)
		return
	}
	e, err := s.db.AuditEntry(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, v)
		return
	}
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	if e.RevertedBy != 0 {
		s.fail(w, r, v, http.StatusConflict, "web.revert.already")
		return
	}
	if !revertable(e) {
		s.fail(w, r, v, http.StatusConflict, "web.revert.cannot")
		return
	}
	old, err := s.db.DirectoryListing(r.Context(), strings.TrimPrefix(e.Subject, store.ListingSubject))
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, v)
		return
	}
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	rec := old.Record()
	for _, c := range e.Changes {
		if rec[c.Field] != c.After {
			s.fail(w, r, v, http.StatusConflict, "web.revert.changed_since")
			return
		}
		if c.Before == "" {
			delete(rec, c.Field)
		} else {
			rec[c.Field] = c.Before
		}
	}
	l, err := directory.FromRecord(rec)
	if err != nil {
		// The values before were valid then; the rules may have grown stricter since.
		s.fail(w, r, v, http.StatusConflict, "web.revert.cannot")
		return
	}
	l.ID = old.ID
	_, err = s.saveListing(r.Context(), v, "listing.revert", old, l, e.ID)
	if errors.Is(err, store.ErrReverted) {
		s.fail(w, r, v, http.StatusConflict, "web.revert.already")
		return
	}
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings/"+l.ID, "reverted")
}
