package main

import (
	"context"
	"fmt"
	"net"

	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/web"
)

// startWeb starts the volunteers' web page on PUENTE_HTTP_ADDR. The port is taken before it
// returns, so a busy port fails the start. Once ctx ends the page finishes the requests in
// flight and stops; wait blocks until then and says whether serving failed. The preview walks
// eng, the bot's own engine; o's probes answer beside the pages.
func startWeb(ctx context.Context, a *app, eng *flows.Engine, o *ops) (wait func() error, err error) {
	srv, err := web.New(web.Config{DB: a.db, Keys: a.keys, Catalog: eng.Catalog(), Conversation: eng, Log: a.log,
		Directory: a.dir, Metrics: o.metrics, Ops: o.handlers(), SiteURL: a.cfg.SiteURL})
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
