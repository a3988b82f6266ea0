package bot

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/puente-bot/puente/store"
)

// sweep deletes messages older than DeleteAfter (Telegram allows it only for 48 hours) and
// forgets update ids older than Telegram could send again, until ctx ends.
func (b *Bot) sweep(ctx context.Context) {
	t := time.NewTicker(b.cfg.SweepEvery)
	defer t.Stop()
	for {
		if err := b.sweepOnce(ctx); err != nil && ctx.Err() == nil {
			b.log.Error("Deleting old messages failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (b *Bot) sweepOnce(ctx context.Context) error {
	now := b.cfg.Now()
	if _, err := b.db.PruneUpdates(ctx, now.Add(-48*time.Hour)); err != nil {
		return err
	}
	for {
		due, err := b.db.DueMessages(ctx, now.Add(-b.cfg.DeleteAfter), 1000)
		if err != nil || len(due) == 0 {
			return err
		}
		var items []*item
		err = b.db.Write(ctx, func(tx *sql.Tx) error {
			items = items[:0]
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
				chat, err := b.keys.Open(due[0].Chat, key)
				if err == nil && len(chat) == 8 {
					r := request{Kind: kindDelete, Chat: chatFromBytes(chat)}
					for _, id := range ids {
						r.Delete = append(r.Delete, int(id))
					}
					plain, err := json.Marshal(r)
					if err != nil {
						return err
					}
					id, err := store.EnqueueTx(ctx, tx, key, b.keys.Seal(plain, key), now)
					if err != nil {
						return err
					}
					items = append(items, &item{id: id, key: string(key), req: r})
				}
				// Rows that no longer open (the secret changed) are forgotten all the same.
				if err := store.UntrackMessagesTx(ctx, tx, key, ids); err != nil {
					return err
				}
				due = due[n:]
			}
			return nil
		})
		if err != nil {
			return err
		}
		b.out.enqueue(ctx, addition{items: items})
	}
}
