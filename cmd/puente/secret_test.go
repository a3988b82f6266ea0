package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
