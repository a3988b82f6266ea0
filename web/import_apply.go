package web

import (
	"net/http"
	"slices"

	"github.com/puente-bot/puente/store"
)

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
	var changes []store.ListingChange
	for _, c := range slices.Concat(d.Added, d.Changed) {
		action := "listing.import"
		if c.New {
			action = "listing.import_new"
		}
		changes = append(changes, store.ListingChange{Listing: c.L, Action: action, Changes: c.Changes})
	}
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		_, err := tx.SaveListings(r.Context(), changes, v.actor())
		return err
	})
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	redirect(w, r, "/listings", "imported")
}
