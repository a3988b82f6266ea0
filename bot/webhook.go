package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/go-telegram/bot/models"
)

// maxWebhookBody caps a webhook request: an update is a few kilobytes.
const maxWebhookBody = 1 << 20

// submission is one webhook update waiting to be handled; done receives the outcome.
type submission struct {
	update models.Update
	done   chan error
}

// WebhookHandler receives updates from Telegram in webhook mode. It answers 401 unless the
// secret matches (compared in constant time), caps the body, and answers 200 only after the
// update was handled and committed, so Telegram retries anything a crash interrupted.
func (b *Bot) WebhookHandler() http.Handler {
	secret := []byte(b.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if len(secret) == 0 || subtle.ConstantTimeCompare(got, secret) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var u models.Update
		if err := json.Unmarshal(body, &u); err != nil {
			// As in long polling, an update that does not decode but has an id (a field of a
			// newer Bot API) is handled as needing nothing, so Telegram does not resend it.
			var id struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(body, &id) != nil {
				id.ID = 0
			}
			u = models.Update{ID: id.ID}
		}
		if u.ID == 0 {
			// Never echo the body: it is someone's message.
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		s := submission{update: u, done: make(chan error, 1)}
		select {
		case b.hooks <- s:
		case <-b.stopped:
			http.Error(w, "stopping", http.StatusServiceUnavailable)
			return
		case <-r.Context().Done():
			return
		}
		select {
		case err := <-s.done:
			if err != nil {
				http.Error(w, "try again", http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
		}
	})
}

// batch is the webhook intake: it gathers the updates that arrived together and handles them
// as one batch, so concurrent webhook requests share one transaction.
func (b *Bot) batch(ctx context.Context) {
	for {
		var subs []submission
		select {
		case <-ctx.Done():
			return
		case s := <-b.hooks:
			subs = append(subs, s)
		}
	more:
		for len(subs) < 100 {
			select {
			case s := <-b.hooks:
				subs = append(subs, s)
			default:
				break more
			}
		}
		updates := make([]models.Update, len(subs))
		for i, s := range subs {
			updates[i] = s.update
		}
		err := b.handle(ctx, updates)
		if err != nil && ctx.Err() == nil {
			b.log.Error("Handling webhook updates failed; Telegram will send them again", "err", err)
		}
		for _, s := range subs {
			s.done <- err
		}
	}
}
