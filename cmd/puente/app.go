package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/puente-bot/puente/store"
)

// app holds what the long-running parts share: the database, the keys, the logger.
type app struct {
	cfg    *config
	db     *store.DB
	secret []byte // the master secret the keys come from
	keys   *store.Keys
	log    *slog.Logger
	dir    *liveDirectory
}

// openApp opens the database and derives the keys. The caller closes the app.
func openApp(ctx context.Context, cfg *config, e env) (*app, error) {
	log := cfg.logger(e.stderr)
	secret, generated, err := cfg.masterSecret()
	if err != nil {
		return nil, err
	}
	if generated {
		log.Warn("Using a development secret generated in the data folder; in production make one with `puente secret`, keep it private and backed up, and set PUENTE_SECRET_FILE (the bot does not start without it)")
	}
	keys, err := store.NewKeys(secret)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.dbPath())
	if err != nil {
		return nil, err
	}
	if err := db.CheckSecret(ctx, keys); err != nil {
		db.Close()
		if errors.Is(err, store.ErrWrongSecret) {
			return nil, fmt.Errorf("%w: set PUENTE_SECRET or PUENTE_SECRET_FILE to that secret; starting with another would cut off "+
				"every linked organisation, open case and conversation, and leave people's messages undeleted", err)
		}
		return nil, err
	}
	dir, err := openDirectory(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &app{cfg: cfg, db: db, secret: secret, keys: keys, log: log, dir: dir}, nil
}

func (a *app) close() error {
	if err := a.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}
