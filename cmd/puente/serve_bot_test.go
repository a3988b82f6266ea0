package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
)

// Ensure the /privacy statement, in every language, states the retention this configuration
// applies: the hours after which sessions are forgotten and messages deleted; and that the
// first screen says when messages are deleted.
func TestPrivacyStatementMatchesRetention(t *testing.T) {
	cfg := &config{OperatorName: "Test Org", OperatorContact: "privacy@example.org",
		SessionIdle: 13 * time.Hour, DeleteAfter: 17 * time.Hour}
	eng, err := newEngine(cfg, directory.New(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range eng.Catalog().Tags() {
		t.Run(lang, func(t *testing.T) {
			reply, err := eng.Render(flows.State{Lang: lang, Node: flows.PrivacyNode}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`\b13\b`, `\b17\b`, "Test Org", "privacy@example.org"} {
				if !regexp.MustCompile(want).MatchString(reply.Text) {
					t.Errorf("privacy statement does not state %s:\n%s", want, reply.Text)
				}
			}
			start, err := eng.Render(flows.State{Lang: lang, Node: "start"}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`\b17\b`).MatchString(start.Text) {
				t.Errorf("the first screen does not say messages are deleted after 17 hours:\n%s", start.Text)
			}
		})
	}
}

// Ensure serve starts the bot against TELEGRAM_API_URL: it sets the neutral profile and the
// command menus per language, answers /start, and stops when asked.
func TestServeRunsTheBot(t *testing.T) {
	fake := telegramtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dataDir := filepath.Join(t.TempDir(), "data")
	var errOut syncBuffer
	vars := map[string]string{
		"PUENTE_DATA_DIR":         dataDir,
		"PUENTE_HTTP_ADDR":        "127.0.0.1:0",
		"TELEGRAM_BOT_TOKEN":      fake.Token,
		"PUENTE_SECRET":           testSecret,
		"TELEGRAM_API_URL":        fake.URL,
		"PUENTE_OPERATOR_NAME":    "Test Org",
		"PUENTE_OPERATOR_CONTACT": "privacy@example.org",
	}
	e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &errOut}
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, nil) }()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	fake.Wait(t, "the first screen", func() bool {
		_, ok := fake.Last(u.ID)
		return ok
	})
	if got := fake.Profile("commands", "es"); !strings.Contains(got, `"salir"`) || !strings.Contains(got, `"end"`) {
		t.Errorf("Spanish command menu = %s, want /salir and /end in it", got)
	}
	if got := fake.Profile("name", ""); got == "" {
		t.Error("the bot's default name was not set")
	}
	// Every shipped language gets its name, descriptions and menu under its Telegram code.
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range cat.Tags() {
		code := locales.Base(tag)
		for _, kind := range []string{"name", "description", "short_description"} {
			if got, want := fake.Profile(kind, code), cat.Text(tag, "bot.profile."+kind, nil); got != want {
				t.Errorf("%s %s = %q, want %q", code, kind, got, want)
			}
		}
		if got, exit := fake.Profile("commands", code), cat.Text(tag, "bot.cmd.exit.name", nil); !strings.Contains(got, `"`+exit+`"`) {
			t.Errorf("%s command menu = %s, want /%s in it", code, got, exit)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), fake.Token) || strings.Contains(errOut.String(), "7394019283") {
		t.Errorf("the log holds the token or the chat id:\n%s", errOut.String())
	}
}

// Ensure PUENTE_LOG_FORMAT=json makes every log line of a serve with the bot one JSON object,
// text makes key=value lines, and neither holds the person's chat id or name.
func TestLogFormat(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			fake := telegramtest.New(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var errOut syncBuffer
			vars := map[string]string{
				"PUENTE_DATA_DIR":         filepath.Join(t.TempDir(), "data"),
				"PUENTE_HTTP_ADDR":        "127.0.0.1:0",
				"PUENTE_LOG_FORMAT":       format,
				"PUENTE_LOG_LEVEL":        "debug",
				"PUENTE_SECRET":           testSecret,
				"TELEGRAM_BOT_TOKEN":      fake.Token,
				"TELEGRAM_API_URL":        fake.URL,
				"PUENTE_OPERATOR_NAME":    "Test Org",
				"PUENTE_OPERATOR_CONTACT": "privacy@example.org",
			}
			e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &errOut}
			done := make(chan error, 1)
			go func() { done <- run(ctx, e, nil) }()
			u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", Username: "zoraida_q77", LanguageCode: "es"}
			fake.SendText(u, "/start")
			fake.Wait(t, "the first screen", func() bool {
				_, ok := fake.Last(u.ID)
				return ok
			})
			fake.SendText(u, "Zoraida necesita ayuda")
			fake.Wait(t, "the message to be answered", func() bool { return fake.Pending() == 0 && fake.Unanswered(u.ID) == 0 })
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			if len(lines) < 3 {
				t.Fatalf("only %d log lines:\n%s", len(lines), errOut.String())
			}
			for _, line := range lines {
				var obj map[string]any
				isJSON := json.Unmarshal([]byte(line), &obj) == nil && obj["msg"] != nil && obj["level"] != nil
				if isJSON != (format == "json") {
					t.Errorf("log line is JSON = %v with PUENTE_LOG_FORMAT=%s: %s", isJSON, format, line)
				}
				if format == "text" && !strings.Contains(line, "level=") {
					t.Errorf("text log line without level=: %s", line)
				}
				for _, secret := range []string{"7394019283", "Zoraida", "zoraida_q77", "necesita", fake.Token} {
					if strings.Contains(line, secret) {
						t.Errorf("log line holds %q: %s", secret, line)
					}
				}
			}
		})
	}
}
