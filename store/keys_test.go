package store_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

const testSecret = "kP3v9XqL2mZ7wR4tY8nB6cD1fG5hJ0sA" // strong enough for ValidateSecret

func mustKeys(t *testing.T, secret string) *store.Keys {
	t.Helper()
	k, err := store.NewKeys([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLookup(t *testing.T) {
	k := mustKeys(t, testSecret)
	a := k.Lookup("telegram", "12345")
	if !bytes.Equal(a, k.Lookup("telegram", "12345")) {
		t.Error("the same id gave two lookup keys")
	}
	for _, other := range [][]byte{
		k.Lookup("terminal", "12345"),
		k.Lookup("telegram", "123456"),
		k.Lookup("telegram1", "2345"), // the separator keeps channel and id apart
		mustKeys(t, strings.Repeat("x", 32)).Lookup("telegram", "12345"),
	} {
		if bytes.Equal(a, other) {
			t.Errorf("lookup keys collide: %x", a)
		}
	}
	if bytes.Contains(a, []byte("12345")) {
		t.Error("the lookup key shows the id")
	}
}

func TestSealOpen(t *testing.T) {
	k := mustKeys(t, testSecret)
	plain := []byte("chat 987654321")
	aad := []byte("row-1")
	sealed := k.Seal(plain, aad)
	if bytes.Contains(sealed, plain) {
		t.Fatal("sealed data shows the plain text")
	}
	if bytes.Equal(sealed, k.Seal(plain, aad)) {
		t.Error("sealing twice gave the same bytes: the nonce is not random")
	}
	got, err := k.Open(sealed, aad)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Errorf("Open = %q, want %q", got, plain)
	}

	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name   string
		keys   *store.Keys
		sealed []byte
		aad    []byte
	}{
		{"tampered", k, tampered, aad},
		{"other row", k, sealed, []byte("row-2")},
		{"truncated", k, sealed[:10], aad},
		{"empty", k, nil, aad},
		{"other secret", mustKeys(t, strings.Repeat("y", 32)), sealed, aad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.keys.Open(tt.sealed, tt.aad); !errors.Is(err, store.ErrSealBroken) {
				t.Errorf("Open err = %v, want ErrSealBroken", err)
			}
		})
	}
}

// Ensure a value sealed by an earlier build, as every row in a database is, still opens.
func TestSealedEarlierOpens(t *testing.T) {
	sealed, err := hex.DecodeString("b2e85d8f148197e419adf51f040cd8f02f7326d3922cd3233a26076e33b47b99b14286f5b93efedcf7fcb52c4a60ad3c6a45b2e6a96864ce")
	if err != nil {
		t.Fatal(err)
	}
	got, err := mustKeys(t, testSecret).Open(sealed, []byte("row-1"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"f":{"l":"es","n":"start"}}`; string(got) != want {
		t.Errorf("Open = %q, want %q", got, want)
	}
}

// BenchmarkSealOpen seals and opens a session-sized value, as the bot does for each update.
func BenchmarkSealOpen(b *testing.B) {
	k, err := store.NewKeys([]byte(testSecret))
	if err != nil {
		b.Fatal(err)
	}
	plain := bytes.Repeat([]byte("s"), 200)
	aad := bytes.Repeat([]byte("k"), 32)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Open(k.Seal(plain, aad), aad); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNewKeysRejectsShortSecret(t *testing.T) {
	if _, err := store.NewKeys([]byte("short")); err == nil {
		t.Error("NewKeys accepted a 5-byte secret")
	}
}

func TestValidateSecret(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		want   string // "" for a good secret, else what the error says
	}{
		{"a strong one", testSecret, ""},
		{"a made one", store.NewSecret(), ""},
		{"too short", "abc", "at least 32 characters"},
		{"one letter", strings.Repeat("a", 32), "too little randomness"},
		{"two letters", strings.Repeat("ab", 24), "too little randomness"},
		{"a run", "0123456789abcdef0123456789abcdef", "too little randomness"},
		{"a run of the alphabet", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "too little randomness"},
	}
	for _, tt := range tests {
		err := store.ValidateSecret([]byte(tt.secret))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: err = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: err = %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

// The database remembers which secret it was made with and refuses any other, also when it
// was made before it kept the check value (a sealed row tells).
func TestCheckSecret(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	right, wrong := mustKeys(t, testSecret), mustKeys(t, store.NewSecret())
	for i := range 2 {
		if err := db.CheckSecret(ctx, right); err != nil {
			t.Fatalf("start %d with the right secret: %v", i+1, err)
		}
	}
	if err := db.CheckSecret(ctx, wrong); !errors.Is(err, store.ErrWrongSecret) {
		t.Fatalf("another secret: err = %v, want ErrWrongSecret", err)
	}

	// A database from before the check value: a sealed link made with the right secret.
	key := right.Lookup("telegram", "-100123")
	err = db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.SQL().Exec(`DELETE FROM key_check`); err != nil {
			return err
		}
		_, err := tx.SQL().Exec(`INSERT INTO links (listing_id, chat_key, chat, linked_at) VALUES ('l', ?, ?, 0)`, key, right.Seal([]byte("12345678"), key))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSecret(ctx, wrong); !errors.Is(err, store.ErrWrongSecret) {
		t.Fatalf("an older database and another secret: err = %v, want ErrWrongSecret", err)
	}
	if err := db.CheckSecret(ctx, right); err != nil {
		t.Fatalf("an older database and its secret: %v", err)
	}

	// One whose only sealed value is a request waiting in the outbox, as a restored backup may be.
	chat := right.Lookup("telegram", "7394019283")
	err = db.Write(ctx, func(tx *store.Tx) error {
		for _, q := range []string{`DELETE FROM key_check`, `DELETE FROM links`} {
			if _, err := tx.SQL().Exec(q); err != nil {
				return err
			}
		}
		_, err := tx.SQL().Exec(`INSERT INTO outbox (chat_key, request, created_at) VALUES (?, ?, 0)`, chat, right.Seal([]byte("{}"), chat))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSecret(ctx, wrong); !errors.Is(err, store.ErrWrongSecret) {
		t.Fatalf("a database with only a sealed request and another secret: err = %v, want ErrWrongSecret", err)
	}
}
