package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
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

// LoadSecret finds the master secret: PUENTE_SECRET, else the file named by
// PUENTE_SECRET_FILE, else a secret generated once in dataDir (mode 0600). generated says the
// last case happened, so the caller can warn that a development secret is in use.
func LoadSecret(getenv func(string) string, dataDir string) (secret []byte, generated bool, err error) {
	if s := getenv("PUENTE_SECRET"); s != "" {
		if len(s) < MinSecretLen {
			return nil, false, fmt.Errorf("PUENTE_SECRET: must be at least %d characters", MinSecretLen)
		}
		return []byte(s), false, nil
	}
	if name := getenv("PUENTE_SECRET_FILE"); name != "" {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, false, fmt.Errorf("PUENTE_SECRET_FILE: %w", err)
		}
		s := strings.TrimSpace(string(b))
		if len(s) < MinSecretLen {
			return nil, false, fmt.Errorf("PUENTE_SECRET_FILE: the secret must be at least %d characters", MinSecretLen)
		}
		return []byte(s), false, nil
	}
	name := filepath.Join(dataDir, SecretFileName)
	b, err := os.ReadFile(name)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < MinSecretLen {
			return nil, false, fmt.Errorf("read development secret %s: shorter than %d characters", name, MinSecretLen)
		}
		return []byte(s), true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("read development secret: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create data directory: %w", err)
	}
	s := hex.EncodeToString(randomBytes(32))
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
	nonce := randomBytes(k.aead.NonceSize())
	return k.aead.Seal(nonce, nonce, plain, aad)
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
