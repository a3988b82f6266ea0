package web

import "testing"

// BenchmarkCheckPassword is the cost of one sign-in's hash: its time and, per slot, its memory.
func BenchmarkCheckPassword(b *testing.B) {
	hash := hashPassword("correct horse battery")
	for b.Loop() {
		checkPassword(hash, "a wrong guess")
	}
}
