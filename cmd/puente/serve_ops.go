package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/puente-bot/puente/metrics"
)

// outboxStuck is how old the oldest waiting request may be before /readyz says the outbox
// is stuck: Telegram's longest waits (retry_after, a group's 20 a minute) are far shorter.
const outboxStuck = 15 * time.Minute

// ops answers the operator's probes: /healthz (the process answers), /readyz (the database
// takes writes, the bot takes updates, the outbox moves) and /metrics.
type ops struct {
	a       *app
	metrics *metrics.Metrics
	// bot says whether the bot takes updates; nil until it has started (or when it is off).
	bot atomic.Pointer[func() error]
}

func newOps(a *app, m *metrics.Metrics) *ops {
	o := &ops{a: a, metrics: m}
	m.Gauge("outbox_depth", "Requests waiting for Telegram.", func() float64 {
		n, _ := o.outbox()
		return float64(n)
	})
	m.Gauge("outbox_oldest_age_seconds", "How long the oldest waiting request has waited (0 when none waits).", func() float64 {
		_, age := o.outbox()
		return age.Seconds()
	})
	return o
}

func (o *ops) outbox() (int, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	n, oldest, err := o.a.db.OutboxDepth(ctx)
	if err != nil || oldest.IsZero() {
		return n, 0
	}
	return n, max(0, time.Since(oldest))
}

// handlers are the probes mounted on the web page's address: /metrics too, unless
// PUENTE_METRICS_ADDR gives it an address of its own.
func (o *ops) handlers() map[string]http.Handler {
	h := map[string]http.Handler{
		"/healthz": http.HandlerFunc(o.healthz),
		"/readyz":  http.HandlerFunc(o.readyz),
	}
	if o.a.cfg.MetricsAddr == "" {
		h["/metrics"] = o.metrics.Handler()
	}
	return h
}

func (o *ops) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

// readyz answers 200 "ready", or 503 with one line per check that failed.
func (o *ops) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	var failed []string
	if err := o.a.db.CheckWritable(ctx); err != nil {
		failed = append(failed, "database: not writable")
		o.a.log.Warn("Readiness: the database does not take writes", "err", err)
	}
	if o.a.cfg.BotToken != "" {
		if ready := o.bot.Load(); ready == nil {
			failed = append(failed, "bot: starting")
		} else if err := (*ready)(); err != nil {
			failed = append(failed, "bot: "+err.Error())
		}
	}
	if _, age := o.outbox(); age > outboxStuck {
		failed = append(failed, fmt.Sprintf("outbox: the oldest request has waited %s", age.Round(time.Second)))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if len(failed) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, strings.Join(failed, "\n"))
		return
	}
	fmt.Fprintln(w, "ready")
}

// startMetrics serves /metrics alone on PUENTE_METRICS_ADDR, when it is set, until ctx ends.
func (o *ops) startMetrics(ctx context.Context) (wait func() error, err error) {
	if o.a.cfg.MetricsAddr == "" {
		return func() error { return nil }, nil
	}
	ln, err := net.Listen("tcp", o.a.cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("PUENTE_METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", o.metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	o.a.log.Info("Metrics are on http://" + ln.Addr().String() + "/metrics")
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	return func() error { return <-done }, nil
}
