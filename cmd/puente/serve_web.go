package main

import (
	"context"
	"fmt"
	"net"

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
	// The preview runs the bot's engine over the bot's directory: what a person sees now.
	eng, err := newEngine(a.cfg, a.dir)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{DB: a.db, Keys: a.keys, Catalog: cat, Conversation: eng, Log: a.log})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("PUENTE_HTTP_ADDR: %w", err)
	}
	a.log.Info("The volunteers' web page is on http://" + ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return func() error { return <-done }, nil
}
