package directory

import "testing"

func TestSeedLoads(t *testing.T) {
	ls, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ls), 41; got != want {
		t.Fatalf("seed listings = %d, want %d", got, want)
	}
}
