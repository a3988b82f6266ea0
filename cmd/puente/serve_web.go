package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/web"
)

// startWeb starts the volunteers' web page on PUENTE_HTTP_ADDR. The port is taken before it
// returns, so a busy port fails the start. Once ctx ends the page finishes the requests in
// flight and stops; wait blocks until then and says whether serving failed.
func startWeb(ctx context.Context, a *app) (wait func() error, err error) {
	cat, err := locales.Load()
	if err != nil {
		return nil, err
	}
	set, err := flows.Load()
	if err != nil {
		return nil, err
	}
	// The starter directory is loaded on the first start only, so volunteers have listings
	// to keep from the first day.
	if _, err := loadDirectory(ctx, a.db, time.Now()); err != nil {
		if ctx.Err() != nil {
			// Asked to stop while starting: not a failure, and nothing to wait for.
			return func() error { return nil }, nil
		}
		return nil, err
	}
	cfg := a.cfg
	srv, err := web.New(web.Config{
		DB:      a.db,
		Catalog: cat,
		Flows:   set,
		Engine:  flows.Config{Vars: engineVars(cfg.OperatorName, cfg.OperatorContact, cfg.SessionIdle, cfg.DeleteAfter)},
		Log:     a.log,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("PUENTE_HTTP_ADDR: %w", err)
	}
	a.log.Info("The volunteers' web page is on http://" + ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return func() error { return <-done }, nil
}
