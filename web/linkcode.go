package web

import (
	"errors"
	"net/http"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// An organisation links its Telegram forum group to its listing with a one-time code made
// here: a caseworker sends /link CODE in the group. Only an HMAC of the code is kept, so the
// page shows it once.

// linkCode makes a new code for the listing (revoking any earlier unused one) and shows it.
// The answer is the page itself rather than a redirect, so the code never sits in an address.
func (s *Server) linkCode(w http.ResponseWriter, r *http.Request, v *viewer) {
	l, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	if !l.AcceptsHandoff {
		s.fail(w, r, v, http.StatusConflict, "web.link.no_handoff")
		return
	}
	var code string
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		var err error
		if code, err = tx.CreateLinkCode(r.Context(), s.keys, l.ID); err != nil {
			return err
		}
		return s.auditListingAction(r, tx, v, "listing.link_code", l)
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	groups, _ := fillForm(l.Record(), nil)
	s.renderListing(w, r, v, http.StatusOK, l, editData{Groups: groups, Version: version(l), LinkCode: code})
}

// revokeLinkCodes makes the listing's unused codes stop working (say, one sent to the wrong
// person). A group linked already stays linked.
func (s *Server) revokeLinkCodes(w http.ResponseWriter, r *http.Request, v *viewer) {
	l, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		n, err := tx.RevokeLinkCodes(r.Context(), l.ID)
		if err != nil || n == 0 {
			return err
		}
		return s.auditListingAction(r, tx, v, "listing.link_revoke", l)
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings/"+l.ID, "revoked")
}

// unlinkGroup asks the bot to remove the listing's link, say one to a group it can no longer
// reach (the group left Telegram, or the link was made with a secret that is gone).
func (s *Server) unlinkGroup(w http.ResponseWriter, r *http.Request, v *viewer) {
	l, ok := s.pathListing(w, r, v)
	if !ok {
		return
	}
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.RequestUnlink(r.Context(), l.ID); err != nil {
			return err
		}
		return s.auditListingAction(r, tx, v, "listing.unlink", l)
	})
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, v, http.StatusConflict, "web.link.not_linked")
		return
	}
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings/"+l.ID, "") // the page says the unlink is on its way
}

// auditListingAction records an action on a listing that changes none of its fields.
func (s *Server) auditListingAction(r *http.Request, tx *store.Tx, v *viewer, action string, l *directory.Listing) error {
	return tx.AuditListing(r.Context(), v.actor(), action, l)
}
