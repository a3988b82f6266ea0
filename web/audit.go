package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/puente-bot/puente/store"
)

// auditPage is how many entries a page of the trail shows.
const auditPage = 50

type auditData struct {
	Entries []store.AuditEntry
	// Older is the id to page back from, or 0 when there is nothing older.
	Older int64
	// Nested: the trail is a section of a page (a listing's), so its entries are headings
	// one level lower.
	Nested bool
}

// audit shows the whole trail, newest first.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, v *viewer) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	d, err := s.trail(r, v, "", before)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "audit", page{Title: "web.audit.title", Nav: "audit", Data: d})
}

// trail reads a page of the trail for v. Only admins, who manage accounts, see volunteers'
// emails and the entries about accounts; others see the listings' entries, each by a
// volunteer's number (or their own email, for their own changes).
func (s *Server) trail(r *http.Request, v *viewer, subject string, before int64) (auditData, error) {
	var entries []store.AuditEntry
	var err error
	if subject == "" && !v.IsAdmin() {
		entries, err = s.db.AuditTrailUnder(r.Context(), store.ListingSubject, before, auditPage+1)
	} else {
		entries, err = s.db.AuditTrail(r.Context(), subject, before, auditPage+1)
	}
	if err != nil {
		return auditData{}, err
	}
	if !v.IsAdmin() {
		for i, e := range entries {
			switch {
			case e.Actor == CommandLine, e.UserID == v.User.ID: // their own email they know
			case e.UserID != 0:
				entries[i].Actor = v.t("web.audit.volunteer", "ID", e.UserID)
			default:
				entries[i].Actor = v.t("web.audit.volunteer_gone")
			}
		}
	}
	d := auditData{Entries: entries}
	if len(entries) > auditPage {
		d.Entries = entries[:auditPage]
		d.Older = d.Entries[auditPage-1].ID
	}
	return d, nil
}

// revertable says whether an admin may undo the entry: a change to a listing that existed
// before it (a listing is never deleted from the page, so making one is not undone), not
// undone yet.
func revertable(e store.AuditEntry) bool {
	return strings.HasPrefix(e.Subject, store.ListingSubject) && e.RevertedBy == 0 && len(e.Changes) > 0 &&
		e.Action != "listing.create" && e.Action != "listing.import_new"
}

// actor is the viewer as the audit trail records them.
func (v *viewer) actor() store.Actor { return store.Actor{UserID: v.User.ID, Name: v.User.Email} }
