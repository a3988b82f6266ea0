package web_test

import (
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
)

// heapWatch samples the live heap until stopped and reports the most it saw above where it began.
type heapWatch struct {
	base, peak uint64
	stop       chan struct{}
	done       sync.WaitGroup
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func watchHeap() *heapWatch {
	runtime.GC()
	h := &heapWatch{base: heapNow(), stop: make(chan struct{})}
	h.peak = h.base
	h.done.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			h.peak = max(h.peak, heapNow())
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	})
	return h
}

// growth stops the watch and returns the peak heap above the start, in MiB.
func (h *heapWatch) growth() float64 {
	close(h.stop)
	h.done.Wait()
	h.peak = max(h.peak, heapNow())
	return float64(h.peak-h.base) / (1 << 20)
}

// A flood of wrong sign-ins sent at once, at one account from one address, gets no more
// password checks than the limit allows, and the rest are answered without hashing, so the heap
// stays small. (Before the limits were taken ahead of the hash and hashing had slots, every
// request of a burst was checked, each with 19 MiB of its own.)
func TestSignInFloodIsBounded(t *testing.T) {
	const flood = 200
	s := newSite(t)
	s.account("ana@example.org", store.RoleEditor)
	form := url.Values{"email": {"ana@example.org"}, "password": {"a wrong guess"}}.Encode()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: flood}}
	defer client.CloseIdleConnections()

	// Collect often, so the peak measures memory held at once (two hashes in flight, the
	// requests) rather than garbage from finished hashes waiting for a collection, which
	// depends on how busy the machine is.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	statuses := make([]int, flood)
	start := make(chan struct{})
	var wg sync.WaitGroup
	heap := watchHeap()
	for i := range flood {
		wg.Go(func() {
			<-start
			res, err := client.Post(s.srv.URL+"/login", "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
			if res.StatusCode != http.StatusUnauthorized && res.Header.Get("Retry-After") == "" {
				t.Errorf("status %d without Retry-After", res.StatusCode)
			}
		})
	}
	close(start)
	wg.Wait()
	grew := heap.growth()

	count := map[int]int{}
	for _, st := range statuses {
		count[st]++
	}
	t.Logf("%d concurrent wrong sign-ins: %d checked (401), %d limited (429), %d busy (503); heap peak %.1f MiB above idle",
		flood, count[http.StatusUnauthorized], count[http.StatusTooManyRequests], count[http.StatusServiceUnavailable], grew)
	if got := count[http.StatusUnauthorized]; got < 1 || got > 5 {
		t.Errorf("%d passwords checked, want 1 to 5 (the limit per account and address)", got)
	}
	if got := count[http.StatusUnauthorized] + count[http.StatusTooManyRequests] + count[http.StatusServiceUnavailable]; got != flood {
		t.Errorf("%d of %d answered 401, 429 or 503: %v", got, flood, count)
	}
	if grew > 100 {
		t.Errorf("heap grew %.0f MiB during the flood, want under 100", grew)
	}
}
