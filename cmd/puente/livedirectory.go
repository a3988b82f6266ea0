package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
)

// directoryPoll is how long after a write of its own (the web page's edits and imports) a
// running puente looks for changes to the directory: the look is one row read, and writes in
// a row are looked at once. A change is seen by the bot within this time.
const directoryPoll = 5 * time.Second

// directoryCap is how often it looks when it writes nothing itself, for a change another
// process made (puente import), which it is not told of.
const directoryCap = time.Minute

// liveDirectory is the directory the bot and the preview rank with. It is reloaded from the
// database when listings change, while people keep being answered from the copy in hand.
type liveDirectory struct {
	db      *store.DB
	cur     atomic.Pointer[directory.Directory]
	version int64 // of cur; only the goroutine that calls refresh touches it
}

var _ directory.Ranker = (*liveDirectory)(nil)

// openDirectory loads the starter directory on first start, then the database's listings.
func openDirectory(ctx context.Context, db *store.DB) (*liveDirectory, error) {
	if err := seedDirectory(ctx, db, time.Now()); err != nil {
		return nil, err
	}
	l := &liveDirectory{db: db, version: -1}
	if _, err := l.refresh(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Rank ranks with the listings as last loaded.
func (l *liveDirectory) Rank(p directory.Profile, now time.Time) []directory.Match {
	return l.cur.Load().Rank(p, now)
}

// Listings are the listings as last loaded.
func (l *liveDirectory) Listings() []*directory.Listing {
	return l.cur.Load().Listings()
}

// refresh reloads the listings if they changed since the last load, and says whether it did.
func (l *liveDirectory) refresh(ctx context.Context) (bool, error) {
	v, err := l.db.DirectoryVersion(ctx)
	if err != nil {
		return false, err
	}
	if v == l.version {
		return false, nil
	}
	ls, err := l.db.DirectoryListings(ctx)
	if err != nil {
		return false, err
	}
	// v was read before loading, so a change made during the load is picked up next time.
	l.cur.Store(directory.New(ls))
	l.version = v
	return true, nil
}

// follow keeps the directory fresh until ctx ends. It sleeps while nothing is written.
func (l *liveDirectory) follow(ctx context.Context, log *slog.Logger) {
	t := time.NewTimer(directoryCap)
	defer t.Stop()
	for {
		// Taken before the look, so a write made during it, or since the directory was
		// loaded, brings the next one.
		committed := l.db.Committed()
		changed, err := l.refresh(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("Reloading the directory failed; the bot keeps the listings it had", "err", err)
		case changed:
			log.Info("Reloaded the directory")
		}
		t.Reset(directoryCap)
		select {
		case <-ctx.Done():
			return
		case <-committed:
			t.Reset(directoryPoll)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		case <-t.C:
		}
	}
}
