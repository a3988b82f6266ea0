package bot

import (
	"bytes"
	"context"
	"time"

	"github.com/puente-bot/puente/store"
)

// every runs once now and then every SweepEvery until ctx ends, logging what fails as
// failure (the work holds no personal data to log).
func (b *Bot) every(ctx context.Context, failure string, once func(context.Context) error) {
	t := time.NewTicker(b.cfg.SweepEvery)
	defer t.Stop()
	for {
		if err := once(ctx); err != nil && ctx.Err() == nil {
			b.log.Error(failure, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepOnce deletes messages older than DeleteAfter (Telegram allows it only for 48 hours);
// update ids are forgotten by the janitor (store.Retention).
func (b *Bot) sweepOnce(ctx context.Context) error {
	now := b.cfg.Now()
	for {
		due, err := b.db.DueMessages(ctx, now.Add(-b.cfg.DeleteAfter), 1000)
		if err != nil || len(due) == 0 {
			return err
		}
		_, err = b.commit(ctx, func(tx *store.Tx, w *batchWrite) error {
			for len(due) > 0 {
				n := 1
				for n < len(due) && n < 100 && bytes.Equal(due[n].ChatKey, due[0].ChatKey) {
					n++
				}
				key := due[0].ChatKey
				ids := make([]int64, n)
				for i := range n {
					ids[i] = due[i].MessageID
				}
				chat, err := b.openChat(due[0].Chat, key)
				if err == nil {
					r := request{Kind: kindDelete, Chat: chat}
					for _, id := range ids {
						r.Delete = append(r.Delete, int(id))
					}
					if err := w.queue(b.keys, key, r); err != nil {
						return err
					}
				} else {
					// Puente refuses to start with another secret, so this is damage, not a
					// rotation: say so, since these messages now stay in the person's chat.
					b.log.Error("Tracked messages could not be opened and will not be deleted", "messages", n)
				}
				// Rows that do not open are forgotten all the same: they never will.
				if err := tx.UntrackMessages(ctx, key, ids); err != nil {
					return err
				}
				due = due[n:]
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}
