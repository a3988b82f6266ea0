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
	"math"
)

// MinSecretLen is the shortest master secret accepted, in bytes.
const MinSecretLen = 32

// ErrSealBroken is returned by Open when sealed data was altered, truncated, or sealed with
// another secret.
var ErrSealBroken = errors.New("sealed data cannot be opened")

// NewSecret makes a master secret: 32 random bytes in base64.
func NewSecret() string { return base64.StdEncoding.EncodeToString(randomBytes(32)) }

// minSecretBits is the least entropy a secret must show, estimated from how often each of its
// characters occurs: 32 random bytes in base64 or hex show over 200, aaaa… none.
const minSecretBits = 128

// ValidateSecret says why secret is not a good master secret, or returns nil: too short, or
// too little entropy (few different characters, or long runs of repeated or consecutive ones,
// like aaaa or abcd). Keys are derived without stretching and Telegram ids are few, so a
// guessable secret would let a copy of the database give up every chat id.
func ValidateSecret(secret []byte) error {
	if len(secret) < MinSecretLen {
		return fmt.Errorf("must be at least %d characters", MinSecretLen)
	}
	counts := map[rune]int{}
	n, runs := 0, 0
	prev := rune(-10)
	for _, r := range string(secret) {
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
