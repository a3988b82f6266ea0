package web

import (
	"strings"
	"sync"
	"time"
)

// Failed sign-ins are limited per account (against guessing one volunteer's password) and
// per address (against trying many accounts from one place). The counts live in memory: a
// restart forgets them, and nothing about volunteers' addresses is written down.
const (
	loginWindow     = 15 * time.Minute
	maxAccountFails = 5
	maxAddressFails = 20
	// maxTracked bounds the memory an attacker can make us use with made-up emails.
	maxTracked = 10000
)

type loginLimiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func newLoginLimiter() *loginLimiter { return &loginLimiter{fails: map[string][]time.Time{}} }

func accountKey(email string) string { return "account " + strings.ToLower(strings.TrimSpace(email)) }
func addressKey(addr string) string  { return "address " + addr }

// blocked says whether more attempts for the account or from the address must wait.
func (l *loginLimiter) blocked(email, addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.recent(accountKey(email), now) >= maxAccountFails || l.recent(addressKey(addr), now) >= maxAddressFails
}

// failed records a failed attempt.
func (l *loginLimiter) failed(email, addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= maxTracked {
		l.prune(now)
	}
	for _, k := range []string{accountKey(email), addressKey(addr)} {
		l.fails[k] = append(l.fails[k], now)
	}
}

// succeeded forgets the account's failures; the address keeps its own.
func (l *loginLimiter) succeeded(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, accountKey(email))
}

func (l *loginLimiter) recent(key string, now time.Time) int {
	times := l.fails[key]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= loginWindow {
		i++
	}
	if i > 0 {
		l.fails[key] = times[i:]
		if len(l.fails[key]) == 0 {
			delete(l.fails, key)
		}
	}
	return len(times) - i
}

func (l *loginLimiter) prune(now time.Time) {
	for k := range l.fails {
		l.recent(k, now)
	}
	if len(l.fails) >= maxTracked {
		// Still full of fresh entries: drop them all rather than grow without bound.
		clear(l.fails)
	}
}
