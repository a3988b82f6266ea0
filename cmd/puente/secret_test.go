package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/puente-bot/puente/store"
)

// Ensure a data folder started once with a secret refuses to start with another one, or with
// none, naming the variables, instead of making a development secret. (puente used to make a
// new secret silently: the bot then left every linked group and messages were never deleted.)
func TestSecretCannotChangeSilently(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(t.TempDir(), "secret")
	made, _, err := runIn(t, nil, "secret")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secretFile, []byte(made), 0o600); err != nil {
		t.Fatal(err)
	}
	first := map[string]string{"PUENTE_DATA_DIR": dir, "PUENTE_SECRET_FILE": secretFile}
	if _, _, err := runIn(t, first, "backup", filepath.Join(t.TempDir(), "copy.db")); err != nil {
		t.Fatalf("first start with a made secret: %v", err)
	}
	other, _, _ := runIn(t, nil, "secret")
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"another secret", map[string]string{"PUENTE_DATA_DIR": dir, "PUENTE_SECRET": strings.TrimSpace(other)}, "PUENTE_SECRET_FILE"},
		{"no secret", map[string]string{"PUENTE_DATA_DIR": dir}, "PUENTE_SECRET_FILE"},
		{"no secret, with the bot", map[string]string{"PUENTE_DATA_DIR": dir, "TELEGRAM_BOT_TOKEN": "123:x", "PUENTE_OPERATOR_NAME": "Org", "PUENTE_OPERATOR_CONTACT": "org@example.org"}, "PUENTE_SECRET_FILE"},
	}
	for _, tt := range tests {
		_, _, err := runIn(t, tt.vars, "link", "anything")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want a refusal naming %s", tt.name, err, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "secret")); err == nil {
		t.Error("a development secret was made in a data folder in use")
	}
	if _, _, err := runIn(t, first, "backup", filepath.Join(t.TempDir(), "copy.db")); err != nil {
		t.Fatalf("the right secret again: %v", err)
	}
}

// secretIn resolves the master secret as serve does, in the data folder dataDir.
func secretIn(t *testing.T, vars map[string]string, dataDir string) (secret []byte, generated bool, err error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c, validate := configFlags(fs, func(k string) string {
		if k == "PUENTE_DATA_DIR" {
			return dataDir
		}
		return vars[k]
	}, partAll)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := validate(); err != nil {
		return nil, false, err
	}
	return c.masterSecret()
}

func TestMasterSecret(t *testing.T) {
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
	made := store.NewSecret()
	bot := map[string]string{"TELEGRAM_BOT_TOKEN": "123:x", "PUENTE_OPERATOR_NAME": "Org", "PUENTE_OPERATOR_CONTACT": "org@example.org"}
	tests := []struct {
		name     string
		vars     map[string]string
		want     string
		errNames string
	}{
		{name: "from the environment", vars: map[string]string{"PUENTE_SECRET": testSecret}, want: testSecret},
		{name: "environment wins over file", vars: map[string]string{"PUENTE_SECRET": testSecret, "PUENTE_SECRET_FILE": shortFile}, want: testSecret},
		{name: "from a file", vars: map[string]string{"PUENTE_SECRET_FILE": secretFile}, want: testSecret},
		{name: "too short", vars: map[string]string{"PUENTE_SECRET": "abc"}, errNames: "PUENTE_SECRET: must be at least 32 characters"},
		{name: "short file", vars: map[string]string{"PUENTE_SECRET_FILE": shortFile}, errNames: "PUENTE_SECRET_FILE"},
		{name: "missing file", vars: map[string]string{"PUENTE_SECRET_FILE": filepath.Join(dir, "nope")}, errNames: "PUENTE_SECRET_FILE"},
		{name: "one letter", vars: map[string]string{"PUENTE_SECRET": strings.Repeat("a", 32)}, errNames: "puente secret"},
		{name: "a run", vars: map[string]string{"PUENTE_SECRET": "0123456789abcdef0123456789abcdef"}, errNames: "puente secret"},
		{name: "weak file", vars: map[string]string{"PUENTE_SECRET_FILE": weakFile}, errNames: "PUENTE_SECRET_FILE"},
		{name: "file others can read", vars: map[string]string{"PUENTE_SECRET_FILE": openFile}, errNames: "chmod 600"},
		{name: "file the group can read", vars: map[string]string{"PUENTE_SECRET_FILE": groupFile}, errNames: "chmod 600"},
		{name: "bot without a secret", vars: bot, errNames: "PUENTE_SECRET or PUENTE_SECRET_FILE: must be set when the bot runs (TELEGRAM_BOT_TOKEN)"},
		{name: "a made secret", vars: map[string]string{"PUENTE_SECRET": made}, want: made},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, generated, err := secretIn(t, tt.vars, t.TempDir())
			if tt.errNames != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errNames) {
					t.Fatalf("err = %v, want one naming %s", err, tt.errNames)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want || generated {
				t.Errorf("got %q generated=%v, want %q generated=false", got, generated, tt.want)
			}
		})
	}
}

func TestDevelopmentSecretIsMadeOnce(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	first, generated, err := secretIn(t, nil, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if !generated || len(first) < store.MinSecretLen {
		t.Fatalf("generated=%v len=%d, want a generated secret of at least %d", generated, len(first), store.MinSecretLen)
	}
	info, err := os.Stat(filepath.Join(dataDir, secretFileName))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("secret file mode = %v, want %v", got, want)
	}
	second, generated, err := secretIn(t, nil, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if !generated || !bytes.Equal(first, second) {
		t.Error("a second start generated a different secret: every stored key would be lost")
	}
	bot := map[string]string{"TELEGRAM_BOT_TOKEN": "123:x", "PUENTE_OPERATOR_NAME": "Org", "PUENTE_OPERATOR_CONTACT": "org@example.org"}
	if _, _, err := secretIn(t, bot, dataDir); err == nil || !strings.Contains(err.Error(), "set PUENTE_SECRET_FILE="+filepath.Join(dataDir, secretFileName)) {
		t.Errorf("the bot with a development secret: err = %v, want one saying how to keep it", err)
	}
}

// A data folder that already holds something never gets a development secret: its database
// was made with a secret that is missing now. (A new one used to be made, silently cutting off
// every link and case.)
func TestDevelopmentSecretDoesNotReplaceALostOne(t *testing.T) {
	dataDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dataDir, "puente.db"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := secretIn(t, nil, dataDir)
	if err == nil || !strings.Contains(err.Error(), "PUENTE_SECRET") {
		t.Fatalf("err = %v, want a refusal naming PUENTE_SECRET", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, secretFileName)); err == nil {
		t.Error("a development secret was made in a data folder that is not new")
	}
}
