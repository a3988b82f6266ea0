package web

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

// Attempts that arrive together are counted together: no more go ahead than the limit.
func TestReserveCountsAttemptsInFlight(t *testing.T) {
	l := newLoginLimiter()
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if _, _, ok := l.reserve("ana@example.org", true, "192.0.2.1", t0); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != maxPairFails {
		t.Errorf("%d of 200 simultaneous attempts went ahead, want %d", allowed, maxPairFails)
	}
}

// An attempt that was never checked (every hashing slot taken) is given back.
func TestCancelGivesTheAttemptBack(t *testing.T) {
	l := newLoginLimiter()
	for range 3 * maxPairFails {
		a, _, ok := l.reserve("ana@example.org", true, "192.0.2.1", t0)
		if !ok {
			t.Fatal("a cancelled attempt was counted")
		}
		a.cancel()
	}
}

// Junk from many addresses cannot make the limiter forget a locked account (it used to clear
// every count once 10,000 keys were tracked: 9,540 junk failures from 477 addresses unlocked it).
func TestJunkDoesNotUnlockAnAccount(t *testing.T) {
	l := newLoginLimiter()
	for range maxPairFails {
		if _, _, ok := l.reserve("ana@example.org", true, "192.0.2.1", t0); !ok {
			t.Fatal("refused before the limit")
		}
	}
	now := t0
	for i := range 1000 {
		addr := fmt.Sprintf("10.%d.%d.1", i/256, i%256)
		for j := range maxAddressFails {
			now = now.Add(time.Millisecond)
			l.reserve(fmt.Sprintf("junk%d-%d@example.org", i, j), false, addr, now)
		}
	}
	if got := len(l.unknown) + len(l.addrs); got > maxTracked {
		t.Errorf("%d entries tracked, want at most %d", got, maxTracked)
	}
	if _, _, ok := l.reserve("ana@example.org", true, "192.0.2.1", now); ok {
		t.Error("20,000 junk failures unlocked the account")
	}
}

// A stranger who knows a volunteer's email cannot keep the volunteer out: their failures slow
// them down, and the volunteer signs in from an address that has not failed.
func TestStrangerCannotLockTheOwnerOut(t *testing.T) {
	l := newLoginLimiter()
	now := t0
	for i := range maxPairFails {
		if _, _, ok := l.reserve("ana@example.org", true, "198.51.100.7", now); !ok {
			t.Fatalf("try %d refused before the limit", i+1)
		}
	}
	if _, wait, ok := l.reserve("ana@example.org", true, "198.51.100.7", now); ok || wait <= 0 {
		t.Errorf("6th try from the stranger's address: allowed %v, wait %v; want refused with a wait", ok, wait)
	}
	a, _, ok := l.reserve("ana@example.org", true, "192.0.2.1", now)
	if !ok {
		t.Fatal("the owner, from an address that has not failed, was refused")
	}
	a.succeeded()
	if _, _, ok := l.reserve("ana@example.org", true, "198.51.100.7", now); ok {
		t.Error("the owner's sign-in gave the stranger's address fresh tries")
	}

	// From many addresses, each one that has failed waits longer and longer.
	tests := []struct {
		after time.Duration
		want  bool
	}{
		{0, true}, // a fresh address, first try: the 6th failure
		{0, false},
		{time.Second, false},
		{2 * time.Second, true}, // 2 s after the 6th: the 7th
		{3 * time.Second, false},
		{4 * time.Second, true}, // 4 s after the 7th
	}
	for i := range maxPairFails {
		l.reserve("bo@example.org", true, fmt.Sprintf("203.0.113.%d", i), now)
	}
	last := now
	for i, tt := range tests {
		now = last.Add(tt.after)
		_, _, ok := l.reserve("bo@example.org", true, "198.51.100.99", now)
		if ok != tt.want {
			t.Errorf("try %d, %v after the last failure: allowed %v, want %v", i+1, tt.after, ok, tt.want)
		}
		if ok {
			last = now
		}
	}
}

// One IPv6 /64 is one address: a phone or a household has a whole /64 to pick from.
func TestAddressKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
	}
	for _, tt := range tests {
		if got, want := addressKey(tt.a), addressKey(tt.b); got != want {
			t.Errorf("addressKey(%q) = %q, addressKey(%q) = %q, want the same", tt.a, got, tt.b, want)
		}
	}
	if addressKey("2001:db8:1:2::1") == addressKey("2001:db8:1:3::1") {
		t.Error("two /64s share a key")
	}
}
