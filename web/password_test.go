package web

import (
	"strings"
	"testing"
)

// BenchmarkCheckPassword is the cost of one sign-in's hash: its time and, per slot, its memory.
func BenchmarkCheckPassword(b *testing.B) {
	hash := hashPassword("correct horse battery")
	for b.Loop() {
		checkPassword(hash, "a wrong guess")
	}
}

// Ensure the hash checked for an email without an account has the parameters of a real one,
// so checking it costs the same time (a wrong email is not told apart from a wrong password),
// and matches no password.
func TestDummyHashCostsAsMuchAsARealOne(t *testing.T) {
	genuine := strings.Split(hashPassword("a long enough password"), "$")
	dummy := strings.Split(dummyHash, "$")
	if len(dummy) != len(genuine) || strings.Join(dummy[:4], "$") != strings.Join(genuine[:4], "$") {
		t.Errorf("dummy hash %q, want the parameters of %q", dummyHash, strings.Join(genuine[:4], "$"))
	}
	if len(dummy[4]) != len(genuine[4]) || len(dummy[5]) != len(genuine[5]) {
		t.Errorf("dummy hash %q: salt or key of another length than a real hash's", dummyHash)
	}
	for _, p := range []string{"", "a long enough password", "no account has this password"} {
		if checkPassword(dummyHash, p) {
			t.Errorf("the dummy hash matches %q", p)
		}
	}
}
