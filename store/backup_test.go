package store_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

// Ensure an encrypted backup reads back exactly at every size around the chunk size, and
// that another secret, a changed byte, a file cut at a chunk boundary, chunks swapped, or a
// plain file are refused.
func TestEncryptBackup(t *testing.T) {
	secret := []byte(strings.Repeat("s", 32))
	const chunk = 64 << 10
	for _, size := range []int{0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk} {
		plain := make([]byte, size)
		rand.Read(plain)
		var sealed bytes.Buffer
		if err := store.EncryptBackup(&sealed, bytes.NewReader(plain), secret); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := store.DecryptBackup(&got, bytes.NewReader(sealed.Bytes()), secret); err != nil || !bytes.Equal(got.Bytes(), plain) {
			t.Errorf("size %d: read back %d bytes, %v", size, got.Len(), err)
		}
		if err := store.DecryptBackup(&bytes.Buffer{}, bytes.NewReader(sealed.Bytes()), []byte(strings.Repeat("t", 32))); !errors.Is(err, store.ErrWrongSecret) {
			t.Errorf("size %d, another secret: err = %v, want ErrWrongSecret", size, err)
		}
	}
	plain := make([]byte, 3*chunk)
	var sealed bytes.Buffer
	if err := store.EncryptBackup(&sealed, bytes.NewReader(plain), secret); err != nil {
		t.Fatal(err)
	}
	head := len("puente backup v1\n") + 32
	sealedChunk := chunk + 16
	b := sealed.Bytes()
	changed := bytes.Clone(b)
	changed[head+10] ^= 1
	swapped := bytes.Clone(b)
	copy(swapped[head:], b[head+sealedChunk:head+2*sealedChunk])
	copy(swapped[head+sealedChunk:], b[head:head+sealedChunk])
	for name, data := range map[string][]byte{
		"a changed byte":             changed,
		"cut at a chunk boundary":    b[:head+2*sealedChunk],
		"cut after the header":       b[:head],
		"two chunks swapped":         swapped,
		"a chunk added from another": append(bytes.Clone(b), b[head:head+sealedChunk]...),
	} {
		if err := store.DecryptBackup(&bytes.Buffer{}, bytes.NewReader(data), secret); !errors.Is(err, store.ErrWrongSecret) {
			t.Errorf("%s: err = %v, want ErrWrongSecret", name, err)
		}
	}
	if err := store.DecryptBackup(&bytes.Buffer{}, strings.NewReader("SQLite format 3\x00 and more bytes than the header of a backup has"), secret); !errors.Is(err, store.ErrNotEncrypted) {
		t.Errorf("a plain file: err = %v, want ErrNotEncrypted", err)
	}
}
