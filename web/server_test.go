package web

import (
	"context"
	"log/slog"
	"testing"
)

// The server Serve runs limits every phase of a request, so slow clients cannot hold
// connections (and the memory behind them) open for ever.
func TestHTTPServerHasTimeouts(t *testing.T) {
	hs := (&Server{log: slog.New(slog.DiscardHandler)}).httpServer(context.Background())
	for name, d := range map[string]int64{
		"ReadHeaderTimeout": int64(hs.ReadHeaderTimeout), "ReadTimeout": int64(hs.ReadTimeout),
		"WriteTimeout": int64(hs.WriteTimeout), "IdleTimeout": int64(hs.IdleTimeout), "MaxHeaderBytes": int64(hs.MaxHeaderBytes),
	} {
		if d <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
}
