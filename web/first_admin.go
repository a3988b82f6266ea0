package web

import (
	"context"

	"github.com/puente-bot/puente/store"
)

// noAdminYet says whether no one can manage accounts yet, so that the sign-in page tells the
// first operator how to make the first admin (and says nothing of it once one exists).
func (s *Server) noAdminYet(ctx context.Context) bool {
	users, err := s.db.Users(ctx)
	if err != nil {
		s.log.Error("Reading accounts for the sign-in page failed", "err", err)
		return false
	}
	for _, u := range users {
		if u.Role == store.RoleAdmin && u.Active() {
			return false
		}
	}
	return true
}
