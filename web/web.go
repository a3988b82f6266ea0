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
	"sync"
	"time"

	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/locales"
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
	logins  *loginLimiter
	pending *pendingImports
	handler http.Handler
}

// Sessions end after idle time without a request, and in any case after maxSession.
const (
	sessionIdle = 12 * time.Hour
	maxSession  = 7 * 24 * time.Hour
	// inviteValid is how long a set-password link works.
	inviteValid = 24 * time.Hour
)

// New builds the server, parsing every template once: a broken template stops the start.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil || cfg.Keys == nil || cfg.Catalog == nil || cfg.Conversation == nil {
		return nil, errors.New("web: a database, keys, a catalog and the conversation are required")
	}
	s := &Server{db: cfg.DB, keys: cfg.Keys, cat: cfg.Catalog, conv: cfg.Conversation, rank: cfg.Directory, log: cfg.Log, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.logins = newLoginLimiter()
	s.pending = &pendingImports{m: map[string]pendingImport{}}
	s.handler = s.routes()
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve answers on ln until ctx ends, then lets requests in flight finish (up to 10 s)
// before returning. It also forgets expired sessions while it runs.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute, // a CSV upload over a slow phone connection
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	var wg sync.WaitGroup
	janitorCtx, stopJanitor := context.WithCancel(ctx)
	wg.Go(func() { s.janitor(janitorCtx) })
	shutdownErr := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		shutdownErr <- hs.Shutdown(sctx)
	}()
	err := hs.Serve(ln)
	stopJanitor()
	wg.Wait()
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-shutdownErr
}

// janitor forgets expired web sessions, and set-password links a day after they stopped
// working, every few minutes until ctx ends.
func (s *Server) janitor(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		now := s.now()
		if _, err := s.db.ExpireWebSessions(ctx, now.Add(-sessionIdle), now.Add(-maxSession)); err != nil && ctx.Err() == nil {
			s.log.Error("Forgetting expired web sessions failed", "err", err)
		}
		// A day's grace so that someone opening a stale link still hears "expired", not "unknown".
		if _, err := s.db.PruneInvites(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			s.log.Error("Forgetting old set-password links failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
