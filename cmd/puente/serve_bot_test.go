package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
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
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), fake.Token) || strings.Contains(errOut.String(), "7394019283") {
		t.Errorf("the log holds the token or the chat id:\n%s", errOut.String())
	}
}
