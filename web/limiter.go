package web

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Sign-in attempts are limited per address (against trying many accounts from one place), per
// account and address (against guessing one volunteer's password from one place), and per
// account across addresses with a growing wait (against guessing from many places). An address
// that has not failed is never made to wait for an account's sake, so a stranger who knows a
// volunteer's email cannot keep the volunteer out. Every attempt is counted when it starts, before
// the password is hashed, so attempts sent at once cannot slip past the count.
//
// The counts live in memory: a restart forgets them, and nothing about volunteers' addresses is
// written down.
const (
	loginWindow     = 15 * time.Minute
	maxAddressFails = 20
	maxPairFails    = 5
	// freeAccountFails failures of one account, from anywhere, come without a wait; after that
	// each one from an address that has failed waits twice as long as the one before.
	freeAccountFails = 5
	// maxTracked bounds the memory an attacker can make us use with made-up emails and
	// addresses. Accounts that exist are counted apart and never dropped for room.
	maxTracked = 10000
)

type loginLimiter struct {
	mu sync.Mutex
	// known holds the failures of accounts that exist: no more entries than accounts, and
	// never dropped for room, so junk cannot unlock an account.
	known map[string]*tally
	// unknown holds emails without an account, and addrs the failures from each address; both
	// are bounded together by maxTracked.
	unknown map[string]*tally
	addrs   map[string][]time.Time
}

// tally is one account's failures, all together and from each address.
type tally struct {
	times  []time.Time
	byAddr map[string][]time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{known: map[string]*tally{}, unknown: map[string]*tally{}, addrs: map[string][]time.Time{}}
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// addressKey is an IPv4 address, or an IPv6 address's /64: one household or phone has a whole /64.
func addressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64) // cannot fail for an IPv6 address
		return p.String()
	}
	return ip.String()
}

// attempt is one sign-in that passed the limits. It counts as failed until it says otherwise.
type attempt struct {
	l       *loginLimiter
	at      time.Time
	email   string
	known   bool
	address string
}

// reserve counts a sign-in attempt for email (an account that exists when known) from addr, or
// says how long to wait when it must not go ahead.
func (l *loginLimiter) reserve(email string, known bool, addr string, now time.Time) (*attempt, time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.unknown)+len(l.addrs) >= maxTracked {
		l.makeRoom(now)
	}
	a := &attempt{l: l, at: now, email: normalEmail(email), known: known, address: addressKey(addr)}
	addrFails := recent(l.addrs, a.address, now)
	if len(addrFails) >= maxAddressFails {
		return nil, addrFails[len(addrFails)-maxAddressFails].Add(loginWindow).Sub(now), false
	}
	t := a.tally()
	if t != nil {
		t.times = recent1(t.times, now)
		pairFails := recent(t.byAddr, a.address, now)
		if len(pairFails) >= maxPairFails {
			return nil, pairFails[len(pairFails)-maxPairFails].Add(loginWindow).Sub(now), false
		}
		if n := len(t.times); n >= freeAccountFails && len(pairFails) > 0 {
			wait := min(time.Second<<min(n-freeAccountFails, 10), loginWindow)
			if until := t.times[n-1].Add(wait); now.Before(until) {
				return nil, until.Sub(now), false
			}
		}
	} else {
		t = &tally{byAddr: map[string][]time.Time{}}
		a.accounts()[a.email] = t
	}
	l.addrs[a.address] = append(l.addrs[a.address], now)
	t.times = append(t.times, now)
	t.byAddr[a.address] = append(t.byAddr[a.address], now)
	return a, 0, true
}

func (a *attempt) accounts() map[string]*tally {
	if a.known {
		return a.l.known
	}
	return a.l.unknown
}

func (a *attempt) tally() *tally { return a.accounts()[a.email] }

// succeeded forgets the account's failures from this address (the owner's typos) and gives the
// address its attempt back. Failures from elsewhere stay: they may be a stranger's, who must
// not get fresh tries whenever the owner signs in.
func (a *attempt) succeeded() {
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	unmark(a.l.addrs, a.address, a.at)
	t := a.tally()
	if t == nil {
		return
	}
	for _, at := range t.byAddr[a.address] {
		if i := slices.Index(t.times, at); i >= 0 {
			t.times = slices.Delete(t.times, i, i+1)
		}
	}
	delete(t.byAddr, a.address)
	if len(t.times) == 0 {
		delete(a.accounts(), a.email)
	}
}

// cancel gives back an attempt whose password was never checked.
func (a *attempt) cancel() {
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	unmark(a.l.addrs, a.address, a.at)
	if t := a.tally(); t != nil {
		if i := slices.Index(t.times, a.at); i >= 0 {
			t.times = slices.Delete(t.times, i, i+1)
		}
		unmark(t.byAddr, a.address, a.at)
		if len(t.times) == 0 {
			delete(a.accounts(), a.email)
		}
	}
}

func unmark(m map[string][]time.Time, key string, at time.Time) {
	times := m[key]
	if i := slices.Index(times, at); i >= 0 {
		times = slices.Delete(times, i, i+1)
	}
	if len(times) == 0 {
		delete(m, key)
		return
	}
	m[key] = times
}

// recent returns the times under key within the window, forgetting older ones.
func recent(m map[string][]time.Time, key string, now time.Time) []time.Time {
	times, ok := m[key]
	if !ok {
		return nil
	}
	times = recent1(times, now)
	if len(times) == 0 {
		delete(m, key)
	} else {
		m[key] = times
	}
	return times
}

func recent1(times []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(times) && now.Sub(times[i]) >= loginWindow {
		i++
	}
	return times[i:]
}

// makeRoom forgets expired entries and, when that is not enough, the quarter of the addresses
// and unknown emails whose last failure is oldest. Accounts that exist keep their counts.
func (l *loginLimiter) makeRoom(now time.Time) {
	for k := range l.addrs {
		recent(l.addrs, k, now)
	}
	for _, m := range []map[string]*tally{l.known, l.unknown} {
		for k, t := range m {
			if t.times = recent1(t.times, now); len(t.times) == 0 {
				delete(m, k)
				continue
			}
			for a := range t.byAddr {
				recent(t.byAddr, a, now)
			}
		}
	}
	if len(l.unknown)+len(l.addrs) < maxTracked {
		return
	}
	type entry struct {
		last   time.Time
		forget func()
	}
	entries := make([]entry, 0, len(l.unknown)+len(l.addrs))
	for k, times := range l.addrs {
		entries = append(entries, entry{times[len(times)-1], func() { delete(l.addrs, k) }})
	}
	for k, t := range l.unknown {
		entries = append(entries, entry{t.times[len(t.times)-1], func() { delete(l.unknown, k) }})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].last.Before(entries[j].last) })
	for _, e := range entries[:len(entries)/4] {
		e.forget()
	}
}
