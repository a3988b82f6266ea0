package web

import (
	"testing"
	"time"
)

// Ensure an upload that is never imported leaves memory at its expiry, with no later upload
// to prune it.
func TestPendingImportLeavesAtItsExpiry(t *testing.T) {
	p := &pendingImports{m: map[string]pendingImport{}}
	now := time.Now()
	p.put(pendingImport{userID: 1, data: make([]byte, 1<<20), expires: now.Add(20 * time.Millisecond)}, now)
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.mu.Lock()
		n := len(p.m)
		p.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired upload is still held 10 s after its expiry")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
