package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime/debug"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters from the OWASP password storage cheat sheet (19 MiB, 2 passes, 1 lane):
// slow enough to make a stolen hash expensive, cheap enough for a small shared server.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// hashSlots is how many passwords are hashed at once, at most. Each hash holds argonMemory, so
// this bounds what a flood of sign-ins can take from the bot, which shares the process; an
// attempt that finds every slot taken is answered at once without hashing.
const hashSlots = 2

// hashGate holds the hashing slots.
type hashGate chan struct{}

// try runs hash in a free slot and reports whether there was one. The last hash to finish
// hands argon2's memory back to the system: sign-ins are rare, and without this the process
// kept the pages of the last one (and the heap goal it raised) long after.
func (g hashGate) try(hash func()) bool {
	select {
	case g <- struct{}{}:
	default:
		return false
	}
	defer func() {
		if <-g; len(g) == 0 {
			debug.FreeOSMemory()
		}
	}()
	hash()
	return true
}

// Passwords are at least minPassword characters; longer ones are only hashed, never cut.
const (
	minPassword = 10
	maxPassword = 1024
)

// hashPassword returns an argon2id hash of password in the PHC string format, which carries
// its own parameters so they can be raised later without breaking stored hashes.
func hashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return phc(salt, key)
}

// phc writes a salt and a key made with the argon2 parameters above in the PHC string format.
func phc(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword says whether password matches the hash. A malformed or empty hash matches
// nothing.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when an email has no account, so that a wrong email takes as
// long as a wrong password and timing does not tell which emails have accounts: it has a real
// hash's parameters, so checking costs the same, and an all-zero key no password is known to
// give. It is written, not hashed: hashing it at start cost every command of the program
// argon2's 19 MiB and a fifth of a second.
var dummyHash = phc(make([]byte, argonSaltLen), make([]byte, argonKeyLen))
