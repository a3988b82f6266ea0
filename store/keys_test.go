package store_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

const testSecret = "kP3v9XqL2mZ7wR4tY8nB6cD1fG5hJ0sA" // strong enough for LoadSecret

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

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "given")
	if err := os.WriteFile(secretFile, []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	shortFile := filepath.Join(dir, "short")
	if err := os.WriteFile(shortFile, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	weakFile := filepath.Join(dir, "weak")
	if err := os.WriteFile(weakFile, []byte(strings.Repeat("x", 40)), 0o600); err != nil {
		t.Fatal(err)
	}
	openFile, groupFile := filepath.Join(dir, "open"), filepath.Join(dir, "group")
	for name, mode := range map[string]os.FileMode{openFile: 0o666, groupFile: 0o640} {
		if err := os.WriteFile(name, []byte(testSecret), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(name, mode); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		env       map[string]string
		want      string
		generated bool
		errNames  string
	}{
		{name: "from the environment", env: map[string]string{"PUENTE_SECRET": testSecret}, want: testSecret},
		{name: "environment wins over file", env: map[string]string{"PUENTE_SECRET": testSecret, "PUENTE_SECRET_FILE": shortFile}, want: testSecret},
		{name: "from a file", env: map[string]string{"PUENTE_SECRET_FILE": secretFile}, want: testSecret},
		{name: "too short", env: map[string]string{"PUENTE_SECRET": "abc"}, errNames: "PUENTE_SECRET"},
		{name: "short file", env: map[string]string{"PUENTE_SECRET_FILE": shortFile}, errNames: "PUENTE_SECRET_FILE"},
		{name: "missing file", env: map[string]string{"PUENTE_SECRET_FILE": filepath.Join(dir, "nope")}, errNames: "PUENTE_SECRET_FILE"},
		{name: "one letter", env: map[string]string{"PUENTE_SECRET": strings.Repeat("a", 32)}, errNames: "puente secret"},
		{name: "two letters", env: map[string]string{"PUENTE_SECRET": strings.Repeat("ab", 24)}, errNames: "puente secret"},
		{name: "a run", env: map[string]string{"PUENTE_SECRET": "0123456789abcdef0123456789abcdef"}, errNames: "puente secret"},
		{name: "a run of the alphabet", env: map[string]string{"PUENTE_SECRET": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"}, errNames: "puente secret"},
		{name: "weak file", env: map[string]string{"PUENTE_SECRET_FILE": weakFile}, errNames: "PUENTE_SECRET_FILE"},
		{name: "file others can read", env: map[string]string{"PUENTE_SECRET_FILE": openFile}, errNames: "chmod 600"},
		{name: "file the group can read", env: map[string]string{"PUENTE_SECRET_FILE": groupFile}, errNames: "chmod 600"},
		{name: "bot without a secret", env: map[string]string{"TELEGRAM_BOT_TOKEN": "123:x"}, errNames: "PUENTE_SECRET"},
		{name: "a made secret", env: map[string]string{"PUENTE_SECRET": store.NewSecret()}, want: "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, generated, err := store.LoadSecret(func(k string) string { return tt.env[k] }, t.TempDir())
			if tt.errNames != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errNames) {
					t.Fatalf("err = %v, want one naming %s", err, tt.errNames)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "*" {
				tt.want = tt.env["PUENTE_SECRET"]
			}
			if string(got) != tt.want || generated != tt.generated {
				t.Errorf("got %q generated=%v, want %q generated=%v", got, generated, tt.want, tt.generated)
			}
		})
	}
}

func TestLoadSecretGeneratesOnce(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	none := func(string) string { return "" }
	first, generated, err := store.LoadSecret(none, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if !generated || len(first) < store.MinSecretLen {
		t.Fatalf("generated=%v len=%d, want a generated secret of at least %d", generated, len(first), store.MinSecretLen)
	}
	info, err := os.Stat(filepath.Join(dataDir, store.SecretFileName))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("secret file mode = %v, want %v", got, want)
	}
	second, _, err := store.LoadSecret(none, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("a second start generated a different secret: every stored key would be lost")
	}
}

// A data folder that already holds something never gets a development secret: its database
// was made with a secret that is missing now. (A new one used to be made, silently cutting off
// every link and case.)
func TestLoadSecretRefusesToReplaceALostOne(t *testing.T) {
	dataDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dataDir, "puente.db"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := store.LoadSecret(func(string) string { return "" }, dataDir)
	if err == nil || !strings.Contains(err.Error(), "PUENTE_SECRET") {
		t.Fatalf("err = %v, want a refusal naming PUENTE_SECRET", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, store.SecretFileName)); err == nil {
		t.Error("a development secret was made in a data folder that is not new")
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
	if !strings.Contains(store.ErrWrongSecret.Error(), "PUENTE_SECRET_FILE") {
		t.Errorf("the error does not name PUENTE_SECRET_FILE: %v", store.ErrWrongSecret)
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
