package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// An encrypted backup is the database file sealed in chunks with AES-256-GCM (the STREAM
// construction): a header, a random salt, then chunks of up to backupChunk bytes, each
// sealed with a nonce made of its number and a flag for the last chunk, so chunks cannot be
// reordered, dropped or cut off unnoticed. The key is derived from the master secret and the
// salt with HKDF-SHA256, apart from the keys that seal rows.
const (
	backupMagic = "puente backup v1\n"
	backupSalt  = 32
	backupChunk = 64 << 10
)

// ErrNotEncrypted is returned by DecryptBackup for a file that is not an encrypted backup
// (a plain SQLite copy, say).
var ErrNotEncrypted = errors.New("not an encrypted puente backup")

func backupAEAD(secret, salt []byte) (cipher.AEAD, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("derive backup key: the secret must be at least %d bytes", MinSecretLen)
	}
	key, err := hkdf.Key(sha256.New, secret, salt, "puente backup v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive backup key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("make backup cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

func chunkNonce(n uint64, last bool) []byte {
	nonce := make([]byte, 12)
	binary.BigEndian.PutUint64(nonce[3:11], n)
	if last {
		nonce[11] = 1
	}
	return nonce
}

// EncryptBackup writes src, sealed with a key derived from secret, to dst.
func EncryptBackup(dst io.Writer, src io.Reader, secret []byte) error {
	salt := randomBytes(backupSalt)
	aead, err := backupAEAD(secret, salt)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(dst, backupMagic); err != nil {
		return fmt.Errorf("encrypt backup: %w", err)
	}
	if _, err := dst.Write(salt); err != nil {
		return fmt.Errorf("encrypt backup: %w", err)
	}
	in := bufio.NewReaderSize(src, backupChunk)
	buf := make([]byte, backupChunk)
	out := make([]byte, 0, backupChunk+aead.Overhead())
	for n := uint64(0); ; n++ {
		k, err := io.ReadFull(in, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return fmt.Errorf("encrypt backup: %w", err)
		}
		_, peekErr := in.Peek(1)
		last := peekErr != nil
		if _, err := dst.Write(aead.Seal(out[:0], chunkNonce(n, last), buf[:k], nil)); err != nil {
			return fmt.Errorf("encrypt backup: %w", err)
		}
		if last {
			return nil
		}
	}
}

// DecryptBackup writes what EncryptBackup sealed in src to dst. It fails with ErrNotEncrypted
// for another kind of file and ErrWrongSecret when the key does not open it (another secret,
// or a file changed or cut short). dst may hold part of the file when it fails.
func DecryptBackup(dst io.Writer, src io.Reader, secret []byte) error {
	in := bufio.NewReaderSize(src, backupChunk+64)
	head := make([]byte, len(backupMagic)+backupSalt)
	if _, err := io.ReadFull(in, head); err != nil || !bytes.HasPrefix(head, []byte(backupMagic)) {
		return ErrNotEncrypted
	}
	aead, err := backupAEAD(secret, head[len(backupMagic):])
	if err != nil {
		return err
	}
	buf := make([]byte, backupChunk+aead.Overhead())
	out := make([]byte, 0, backupChunk)
	for n := uint64(0); ; n++ {
		k, err := io.ReadFull(in, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("decrypt backup: %w (the file is cut short)", ErrWrongSecret)
		}
		_, peekErr := in.Peek(1)
		last := peekErr != nil
		plain, err := aead.Open(out[:0], chunkNonce(n, last), buf[:k], nil)
		if err != nil {
			return fmt.Errorf("decrypt backup: %w, or changed", ErrWrongSecret)
		}
		if _, err := dst.Write(plain); err != nil {
			return fmt.Errorf("decrypt backup: %w", err)
		}
		if last {
			return nil
		}
	}
}

// IntegrityCheck runs SQLite's own check of the whole file.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("check database: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("check database: %s", res)
	}
	return nil
}
