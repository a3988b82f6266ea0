// Package web serves the volunteers' pages: signing in, the referral directory, the audit
// trail, anonymous counts and a preview of the conversation. Pages are plain HTML from
// embedded templates, in the viewer's language, and work on a phone, with a keyboard and
// with a screen reader; a little plain JavaScript helps where it truly does.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/metrics"
	"github.com/puente-bot/puente/store"
)

// Config is what the pages need from the rest of the program.
type Config struct {
	DB      *store.DB
	Keys    *store.Keys // for link codes, which are kept only as an HMAC
	Catalog *locales.Catalog
	// Conversation is the bot's engine, which the preview walks.
	Conversation Conversation
	// Directory is the ranking the engine lists organisations with, for the preview's "why
	// this order"; nil leaves that out.
	Directory directory.Ranker
	Log       *slog.Logger
	// Now is the clock; nil means time.Now. Tests move it to expire links and sessions.
	Now func() time.Time
	// Metrics counts refused sign-ins; a set nobody reads when nil.
	Metrics *metrics.Metrics
	// Ops answers the operator's probes (/healthz, /readyz, /metrics), without signing in;
	// only the paths it is given are mounted.
	Ops map[string]http.Handler
	// SiteURL is the page's address as volunteers reach it, an http(s) URL without a trailing
	// slash, for the links the page makes. When set, requests naming another host are refused
	// (see hostCheck); when nil, links use the address the request came to.
	SiteURL *url.URL
}

// Server is the volunteers' web page. It is an http.Handler.
type Server struct {
	db      *store.DB
	keys    *store.Keys
	cat     *locales.Catalog
	conv    Conversation
	rank    directory.Ranker
	log     *slog.Logger
	now     func() time.Time
	pages   pages
	site    *url.URL // Config.SiteURL
	logins  *loginLimiter
	hashing hashGate
	// signingIn bounds the sign-in and set-password requests in progress (see bounded).
	signingIn chan struct{}
	pending   *pendingImports
	metrics   *metrics.Metrics
	ops       map[string]http.Handler
	handler   http.Handler
}

// InviteValid is how long a set-password link works.
const InviteValid = 24 * time.Hour

// New builds the server, parsing every template once: a broken template stops the start.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil || cfg.Keys == nil || cfg.Catalog == nil || cfg.Conversation == nil {
		return nil, errors.New("web: a database, keys, a catalog and the conversation are required")
	}
	s := &Server{keys: cfg.Keys, cat: cfg.Catalog, conv: cfg.Conversation, rank: cfg.Directory, log: cfg.Log, now: cfg.Now,
		metrics: cfg.Metrics, ops: cfg.Ops, site: cfg.SiteURL}
	if s.metrics == nil {
		s.metrics = metrics.New()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.db = cfg.DB.WithClock(s.now)
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.logins = newLoginLimiter()
	s.hashing = make(hashGate, hashSlots)
	s.signingIn = make(chan struct{}, maxSigningIn)
	s.pending = &pendingImports{m: map[string]pendingImport{}}
	s.handler = s.routes()
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve answers on ln until ctx ends, then lets requests in flight finish (up to 10 s)
// before returning.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := s.httpServer(ctx)
	shutdownErr := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		shutdownErr <- hs.Shutdown(sctx)
	}()
	err := hs.Serve(ln)
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-shutdownErr
}

// httpServer is the server Serve runs: every phase of a request has a time limit, so slow
// clients cannot hold connections open for ever.
func (s *Server) httpServer(ctx context.Context) *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute, // a CSV upload over a slow phone connection
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
}
