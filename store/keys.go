package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// MinSecretLen is the shortest master secret accepted, in bytes.
const MinSecretLen = 32

// SecretFileName is the development secret generated in the data directory when neither
// PUENTE_SECRET nor PUENTE_SECRET_FILE is set.
const SecretFileName = "secret"

// ErrSealBroken is returned by Open when sealed data was altered, truncated, or sealed with
// another secret.
var ErrSealBroken = errors.New("sealed data cannot be opened")

// SecretAdvice says how to make a good master secret; errors about the secret end with it.
const SecretAdvice = "make one with `puente secret > /etc/puente/secret` (32 random bytes in base64), " +
	"make the file private with `chmod 600 /etc/puente/secret`, and set PUENTE_SECRET_FILE=/etc/puente/secret"

// LoadSecret finds the master secret: PUENTE_SECRET, else the file named by
// PUENTE_SECRET_FILE, else a development secret in dataDir (mode 0600). generated says the
// last case happened, so the caller can warn that a development secret is in use.
//
// A development secret is made only for a new, empty data folder, and never used when
// TELEGRAM_BOT_TOKEN is set: a data folder that has a database but lost its secret must not
// silently get a new one. A secret file others can read, and a secret with little entropy, are
// refused.
func LoadSecret(getenv func(string) string, dataDir string) (secret []byte, generated bool, err error) {
	if s := getenv("PUENTE_SECRET"); s != "" {
		if err := weakSecret(s); err != nil {
			return nil, false, fmt.Errorf("PUENTE_SECRET: %w; %s", err, SecretAdvice)
		}
		return []byte(s), false, nil
	}
	if name := getenv("PUENTE_SECRET_FILE"); name != "" {
		s, err := readSecretFile(name)
		if err != nil {
			return nil, false, fmt.Errorf("PUENTE_SECRET_FILE: %w", err)
		}
		return []byte(s), false, nil
	}
	name := filepath.Join(dataDir, SecretFileName)
	if getenv("TELEGRAM_BOT_TOKEN") != "" {
		if _, err := os.Stat(name); err == nil {
			return nil, false, fmt.Errorf("PUENTE_SECRET or PUENTE_SECRET_FILE: must be set when the bot runs (TELEGRAM_BOT_TOKEN); "+
				"to keep the development secret this data folder was made with, set PUENTE_SECRET_FILE=%s", name)
		}
		return nil, false, fmt.Errorf("PUENTE_SECRET or PUENTE_SECRET_FILE: must be set when the bot runs (TELEGRAM_BOT_TOKEN); %s", SecretAdvice)
	}
	s, err := readSecretFile(name)
	if err == nil {
		return []byte(s), true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("development secret: %w", err)
	}
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return nil, false, fmt.Errorf("PUENTE_SECRET or PUENTE_SECRET_FILE: not set, and the data folder %s is not new: "+
			"set the secret it was made with (a development secret is made only for a new, empty data folder)", dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create data directory: %w", err)
	}
	s = NewSecret()
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("create development secret: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("write development secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("write development secret: %w", err)
	}
	return []byte(s), true, nil
}

// NewSecret makes a master secret: 32 random bytes in base64.
func NewSecret() string { return base64.StdEncoding.EncodeToString(randomBytes(32)) }

// readSecretFile reads a secret from a file only its owner can read.
func readSecretFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("%s can be read or changed by other users (mode %04o): make it private with `chmod 600 %s`", name, perm, name)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if err := weakSecret(s); err != nil {
		return "", fmt.Errorf("the secret in %s: %w; %s", name, err, SecretAdvice)
	}
	return s, nil
}

// minSecretBits is the least entropy a secret must show, estimated from how often each of its
// characters occurs: 32 random bytes in base64 or hex show over 200, aaaa… none.
const minSecretBits = 128

// weakSecret says why s is not a good master secret: too short, or too little entropy (few
// different characters, or long runs of repeated or consecutive ones, like aaaa or abcd).
// Keys are derived without stretching and Telegram ids are few, so a guessable secret would
// let a copy of the database give up every chat id.
func weakSecret(s string) error {
	if len(s) < MinSecretLen {
		return fmt.Errorf("must be at least %d characters", MinSecretLen)
	}
	counts := map[rune]int{}
	n, runs := 0, 0
	prev := rune(-10)
	for _, r := range s {
		counts[r]++
		if d := r - prev; d >= -1 && d <= 1 {
			runs++
		}
		prev = r
		n++
	}
	bits := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		bits -= float64(c) * math.Log2(p)
	}
	if bits < minSecretBits || runs > n/2 {
		return errors.New("has too little randomness to keep the database's secrets")
	}
	return nil
}

// Keys are the keys derived from the master secret: one for lookup HMACs, one for sealing.
// A database seized without the secret reveals no chat id and no sealed content.
type Keys struct {
	lookup []byte
	aead   cipher.AEAD
}

// NewKeys derives the keys from the master secret with HKDF-SHA256.
func NewKeys(secret []byte) (*Keys, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("derive keys: the secret must be at least %d bytes", MinSecretLen)
	}
	lookup, err := hkdf.Key(sha256.New, secret, nil, "puente lookup v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive lookup key: %w", err)
	}
	sealKey, err := hkdf.Key(sha256.New, secret, nil, "puente seal v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive sealing key: %w", err)
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, fmt.Errorf("make cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("make cipher: %w", err)
	}
	return &Keys{lookup: lookup, aead: aead}, nil
}

// Lookup is the key under which something about id on channel (e.g. "telegram", a chat id)
// is stored: an HMAC, so the same id always finds the same row and the row never shows the id.
func (k *Keys) Lookup(channel, id string) []byte {
	m := hmac.New(sha256.New, k.lookup)
	m.Write([]byte(channel))
	m.Write([]byte{0})
	m.Write([]byte(id))
	return m.Sum(nil)
}

// Seal encrypts and authenticates plain with AES-GCM. aad binds the result to its context
// (say, the row's lookup key) so a sealed value copied to another row does not open.
func (k *Keys) Seal(plain, aad []byte) []byte {
	// One allocation holds the nonce and, after it, the sealed text.
	n := k.aead.NonceSize()
	out := make([]byte, n, n+len(plain)+k.aead.Overhead())
	rand.Read(out) // never returns an error since Go 1.24; it crashes the program instead
	return k.aead.Seal(out, out, plain, aad)
}

// Open reverses Seal. It fails with ErrSealBroken if sealed was changed or aad differs.
func (k *Keys) Open(sealed, aad []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, ErrSealBroken
	}
	plain, err := k.aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, ErrSealBroken
	}
	return plain, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never returns an error since Go 1.24; it crashes the program instead
	return b
}
