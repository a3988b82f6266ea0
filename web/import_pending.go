package web

import (
	"crypto/rand"
	"sync"
	"time"

	"github.com/puente-bot/puente/directory"
)

// An uploaded spreadsheet is checked and previewed first; only "Import" writes it. Between
// the two the file waits in memory (never on disk), for its uploader only, for a while.
const (
	pendingFor = time.Hour
	maxPending = 20
	// maxPendingBytes bounds the memory uploads waiting to be imported hold together.
	maxPendingBytes = 3 * directory.MaxFileSize
)

type pendingImport struct {
	userID  int64
	name    string
	data    []byte
	plan    string // what the preview showed would change (see importData.digest)
	expires time.Time
}

type pendingImports struct {
	mu sync.Mutex
	m  map[string]pendingImport
}

func (p *pendingImports) put(pi pendingImport, now time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, v := range p.m {
		if now.After(v.expires) {
			delete(p.m, k)
		}
	}
	for len(p.m) > 0 && (len(p.m) >= maxPending || p.bytes()+len(pi.data) > maxPendingBytes) {
		// The oldest upload goes: it is the one least likely to be imported still.
		oldest := ""
		for k, v := range p.m {
			if oldest == "" || v.expires.Before(p.m[oldest].expires) {
				oldest = k
			}
		}
		delete(p.m, oldest)
	}
	token := rand.Text()
	p.m[token] = pi
	// An upload nobody imports goes at its expiry, though no later upload comes to prune it:
	// it may hold a file of 10 MB.
	time.AfterFunc(pi.expires.Sub(now), func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.m, token)
	})
	return token
}

func (p *pendingImports) bytes() int {
	n := 0
	for _, v := range p.m {
		n += len(v.data)
	}
	return n
}

// take removes and returns the upload under token if it is the user's and still fresh.
func (p *pendingImports) take(token string, userID int64, now time.Time) (pendingImport, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pi, ok := p.m[token]
	if !ok || pi.userID != userID || now.After(pi.expires) {
		return pendingImport{}, false
	}
	delete(p.m, token)
	return pi, true
}
