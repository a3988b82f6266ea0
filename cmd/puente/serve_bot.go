package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/puente-bot/puente/bot"
	"github.com/puente-bot/puente/flows"
)

// startBot starts the bot when TELEGRAM_BOT_TOKEN is set (and does nothing otherwise): it
// sets the bot up on Telegram (a refused token fails the start), then takes updates by long
// polling or, with PUENTE_WEBHOOK_URL, on a webhook served at PUENTE_WEBHOOK_ADDR. Once ctx
// ends it stops taking updates, finishes the requests on the wire and returns; wait blocks
// until then. Once it runs, o's /readyz asks it whether it takes updates.
func startBot(ctx context.Context, a *app, eng *flows.Engine, o *ops) (wait func() error, err error) {
	if a.cfg.BotToken == "" {
		return func() error { return nil }, nil
	}
	b, err := bot.New(bot.Config{
		Token:         a.cfg.BotToken,
		APIURL:        a.cfg.APIURL,
		WebhookURL:    a.cfg.WebhookURL,
		WebhookSecret: a.cfg.WebhookSecret,
		DeleteAfter:   a.cfg.DeleteAfter,
		Directory:     a.dir,
		CaseIdle:      a.cfg.CaseIdle,
		Referral:      eng.Referral,
		Metrics:       o.metrics,
	}, a.db, a.keys, eng, eng.Catalog(), a.log)
	if err != nil {
		return nil, err
	}
	if err := b.Prepare(ctx); err != nil {
		if errors.Is(err, bot.ErrTokenRefused) {
			return nil, fmt.Errorf("TELEGRAM_BOT_TOKEN: %w", err)
		}
		return nil, err
	}
	var srv *http.Server
	serveErr := make(chan error, 1)
	if a.cfg.WebhookURL != "" {
		srv, err = listenWebhook(a, b.WebhookHandler(), serveErr)
		if err != nil {
			return nil, err
		}
		a.log.Info("Telegram sends updates to the webhook")
	} else {
		serveErr <- nil
		a.log.Info("Telegram updates come by long polling")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx)
	}()
	ready := b.Ready
	o.bot.Store(&ready)
	return func() error {
		<-done
		if srv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				return fmt.Errorf("stop webhook: %w", err)
			}
		}
		return <-serveErr
	}, nil
}

// listenWebhook takes the webhook's port (so a busy port fails the start) and serves the
// webhook path of PUENTE_WEBHOOK_URL on it; serveErr gets the outcome once it stops.
func listenWebhook(a *app, h http.Handler, serveErr chan<- error) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.Handle(a.cfg.WebhookPath, h)
	ln, err := net.Listen("tcp", a.cfg.WebhookAddr)
	if err != nil {
		return nil, fmt.Errorf("PUENTE_WEBHOOK_ADDR: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		serveErr <- err
	}()
	return srv, nil
}
