package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// runIn runs puente in-process with the given environment and returns what it printed.
func runIn(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
	err = run(context.Background(), e, args)
	return out.String(), errOut.String(), err
}

func TestUnknownCommand(t *testing.T) {
	_, stderr, err := runIn(t, nil, "frobnicate")
	if !errors.Is(err, errUsage) {
		t.Fatalf("err = %v, want errUsage", err)
	}
	if !strings.Contains(stderr, `unknown command "frobnicate"`) || !strings.Contains(stderr, "serve") {
		t.Errorf("stderr = %q, want the unknown name and the list of commands", stderr)
	}
}

func TestHelpListsCommands(t *testing.T) {
	for _, arg := range []string{"help", "-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			stdout, _, err := runIn(t, nil, arg)
			if err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if !strings.Contains(stdout, "Commands:") || !strings.Contains(stdout, "chat") {
				t.Errorf("stdout = %q, want the list of commands", stdout)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		args    []string
		wantErr string
		check   func(t *testing.T, c *config)
	}{
		{name: "defaults", check: func(t *testing.T, c *config) {
			if c.HTTPAddr != "127.0.0.1:8080" || c.SessionIdle != 24*time.Hour || c.DeleteAfter != 24*time.Hour || !filepath.IsAbs(c.DataDir) || filepath.Base(c.DataDir) != "data" {
				t.Errorf("defaults = %+v", c)
			}
			if c.APIURL != "https://api.telegram.org" {
				t.Errorf("APIURL = %q", c.APIURL)
			}
		}},
		{name: "environment", vars: map[string]string{"PUENTE_SESSION_IDLE": "2h", "TELEGRAM_API_URL": "http://127.0.0.1:9/"}, check: func(t *testing.T, c *config) {
			if c.SessionIdle != 2*time.Hour || c.APIURL != "http://127.0.0.1:9" {
				t.Errorf("got idle %v api %q", c.SessionIdle, c.APIURL)
			}
		}},
		{name: "flag wins over environment", vars: map[string]string{"PUENTE_SESSION_IDLE": "2h"}, args: []string{"-session-idle", "3h"}, check: func(t *testing.T, c *config) {
			if c.SessionIdle != 3*time.Hour {
				t.Errorf("SessionIdle = %v, want 3h", c.SessionIdle)
			}
		}},
		{name: "addresses parsed once", vars: map[string]string{"PUENTE_WEB_URL": "https://puente.example.org/", "PUENTE_WEBHOOK_URL": "https://bot.example.org/telegram", "PUENTE_WEBHOOK_SECRET": "0123456789abcdef"}, check: func(t *testing.T, c *config) {
			if c.SiteURL == nil || c.SiteURL.String() != "https://puente.example.org" || c.WebhookPath != "/telegram" {
				t.Errorf("site %v webhook path %q, want https://puente.example.org and /telegram", c.SiteURL, c.WebhookPath)
			}
		}},
		{name: "a webhook at the root", vars: map[string]string{"PUENTE_WEBHOOK_URL": "https://bot.example.org", "PUENTE_WEBHOOK_SECRET": "0123456789abcdef"}, check: func(t *testing.T, c *config) {
			if c.SiteURL != nil || c.WebhookPath != "/" {
				t.Errorf("site %v webhook path %q, want none and /", c.SiteURL, c.WebhookPath)
			}
		}},
		{name: "bad site address", vars: map[string]string{"PUENTE_WEB_URL": "puente.example.org"}, wantErr: "PUENTE_WEB_URL"},
		{name: "bad duration names the variable", vars: map[string]string{"PUENTE_SESSION_IDLE": "soon"}, wantErr: "PUENTE_SESSION_IDLE"},
		{name: "deletion past Telegram's window", vars: map[string]string{"PUENTE_DELETE_AFTER": "48h"}, wantErr: "PUENTE_DELETE_AFTER"},
		{name: "bad address", vars: map[string]string{"PUENTE_HTTP_ADDR": "8080"}, wantErr: "PUENTE_HTTP_ADDR"},
		{name: "bad API URL", vars: map[string]string{"TELEGRAM_API_URL": "ftp://x"}, wantErr: "TELEGRAM_API_URL"},
		{name: "webhook without secret", vars: map[string]string{"PUENTE_WEBHOOK_URL": "https://bot.example.org/hook"}, wantErr: "PUENTE_WEBHOOK_SECRET"},
		{name: "webhook over http", vars: map[string]string{"PUENTE_WEBHOOK_URL": "http://bot.example.org/hook", "PUENTE_WEBHOOK_SECRET": "0123456789abcdef"}, wantErr: "PUENTE_WEBHOOK_URL"},
		{name: "bot without operator", vars: map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc", "PUENTE_OPERATOR_NAME": "Org"}, wantErr: "PUENTE_OPERATOR_CONTACT"},
		{name: "bad webhook address", vars: map[string]string{"PUENTE_WEBHOOK_ADDR": "localhost"}, wantErr: "PUENTE_WEBHOOK_ADDR"},
		{name: "bad log level", vars: map[string]string{"PUENTE_LOG_LEVEL": "loud"}, wantErr: "PUENTE_LOG_LEVEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			c, validate := configFlags(fs, func(k string) string { return tt.vars[k] }, partAll)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestHelpDoesNotShowSecrets(t *testing.T) {
	_, stderr, _ := runIn(t, map[string]string{"TELEGRAM_BOT_TOKEN": "123:TOPSECRET", "PUENTE_WEBHOOK_SECRET": "hooksecret-hooksecret"}, "serve", "-h")
	if strings.Contains(stderr, "TOPSECRET") || strings.Contains(stderr, "hooksecret") {
		t.Errorf("serve -h printed a secret:\n%s", stderr)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PUENTE_DATA_DIR": filepath.Join(dir, "data")}
	dst := filepath.Join(dir, "copy.db")
	stdout, _, err := runIn(t, vars, "backup", dst)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "Backed up to") {
		t.Errorf("stdout = %q", stdout)
	}
	if _, err := os.Stat(dst); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runIn(t, vars, "backup"); !errors.Is(err, errUsage) {
		t.Errorf("backup without FILE: err = %v, want errUsage", err)
	}
}

// syncBuffer is a bytes.Buffer that a running command and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor waits until cond holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-poll.C:
		}
	}
}

func TestServeSaysTelegramIsOffAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dataDir := filepath.Join(t.TempDir(), "data")
	var errOut syncBuffer
	e := env{getenv: func(k string) string {
		switch k {
		case "PUENTE_DATA_DIR":
			return dataDir
		case "PUENTE_HTTP_ADDR":
			return "127.0.0.1:0" // any free port: the web page starts with serve
		}
		return ""
	}, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &errOut}
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, nil) }()
	waitFor(t, "serve to start", func() bool { return strings.Contains(errOut.String(), "Telegram is off") })
	if !strings.Contains(errOut.String(), dataDir) {
		t.Errorf("serve did not say where the data lives:\n%s", errOut.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Ensure a part that cannot start stops the parts already started, and serve says why,
// naming the variable to fix.
func TestServeStopsWhenTheBotCannotStart(t *testing.T) {
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
	}))
	defer refuse.Close()
	vars := map[string]string{
		"PUENTE_DATA_DIR":         filepath.Join(t.TempDir(), "data"),
		"PUENTE_HTTP_ADDR":        "127.0.0.1:0",
		"TELEGRAM_BOT_TOKEN":      "123:refused",
		"PUENTE_SECRET":           testSecret,
		"TELEGRAM_API_URL":        refuse.URL,
		"PUENTE_OPERATOR_NAME":    "Test Org",
		"PUENTE_OPERATOR_CONTACT": "privacy@example.org",
	}
	_, stderr, err := runIn(t, vars)
	if err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN: Telegram does not accept this token") {
		t.Fatalf("err = %v, want one naming TELEGRAM_BOT_TOKEN as refused", err)
	}
	if strings.Contains(err.Error(), "123:refused") || strings.Contains(stderr, "123:refused") {
		t.Errorf("the token shows in the error or the log: %v\n%s", err, stderr)
	}
}

// Each command's -h prints its own flags to stdout, none of the server's it does not use,
// and counts as success.
func TestHelpListsOnlyTheCommandsFlags(t *testing.T) {
	serverOnly := []string{"-token", "-webhook-url", "-webhook-secret", "-api-url", "-case-idle", "-metrics-addr"}
	tests := []struct {
		cmd  string
		want []string
		not  []string
	}{
		{"serve", []string{"-data-dir", "-http-addr", "-token", "-webhook-url", "-log-format", "-metrics-addr"}, nil},
		{"chat", []string{"-lang", "-data-dir", "-operator-name"}, append(serverOnly, "-http-addr")},
		{"check", nil, append(serverOnly, "-data-dir")},
		{"health", []string{"-ready", "-http-addr"}, append(serverOnly, "-data-dir")},
		{"match", []string{"-need", "-data-dir"}, append(serverOnly, "-http-addr", "-secret-file")},
		{"import", []string{"-dry-run", "-data-dir"}, append(serverOnly, "-http-addr", "-secret-file", "-log-level")},
		{"export", []string{"-format", "-out"}, append(serverOnly, "-http-addr", "-secret-file")},
		{"adduser", []string{"-role", "-url", "-http-addr"}, append(serverOnly, "-secret-file", "-session-idle")},
		{"link", []string{"-revoke", "-secret-file"}, append(serverOnly, "-http-addr", "-session-idle")},
		{"backup", []string{"-encrypt", "-secret-file"}, append(serverOnly, "-http-addr", "-session-idle")},
		{"restore", []string{"-data-dir", "-secret-file"}, append(serverOnly, "-http-addr", "-session-idle")},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			stdout, stderr, err := runIn(t, nil, tt.cmd, "-h")
			if !errors.Is(err, errHelp) {
				t.Fatalf("err = %v, want errHelp (exit 0)", err)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want the help on stdout", stderr)
			}
			if !strings.Contains(stdout, "Usage: puente "+tt.cmd) {
				t.Errorf("help does not start with the command's usage:\n%s", stdout)
			}
			for _, f := range tt.want {
				if !strings.Contains(stdout, "  "+f+" ") && !strings.Contains(stdout, "  "+f+"\n") {
					t.Errorf("help lacks %s:\n%s", f, stdout)
				}
			}
			for _, f := range tt.not {
				if strings.Contains(stdout, "  "+f+" ") || strings.Contains(stdout, "  "+f+"\n") {
					t.Errorf("help lists %s, which %s does not use:\n%s", f, tt.cmd, stdout)
				}
			}
		})
	}
}

// A command checks only the settings it uses: a webhook mistake stops serve, not import.
func TestCommandsIgnoreSettingsTheyDoNotUse(t *testing.T) {
	vars := map[string]string{
		"PUENTE_DATA_DIR":    filepath.Join(t.TempDir(), "data"),
		"PUENTE_WEBHOOK_URL": "http://not-https.example.org/hook",
		"PUENTE_HTTP_ADDR":   "127.0.0.1:0",
	}
	if _, _, err := runIn(t, vars, "import", "--dry-run", filepath.Join("..", "..", "directory", "example.csv")); err != nil {
		t.Errorf("import with a bad webhook setting: %v", err)
	}
	if _, _, err := runIn(t, vars, "serve"); err == nil || !strings.Contains(err.Error(), "PUENTE_WEBHOOK_URL") {
		t.Errorf("serve with a bad webhook setting: err = %v, want one naming PUENTE_WEBHOOK_URL", err)
	}
}
