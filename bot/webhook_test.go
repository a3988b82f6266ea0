package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
)

const hookSecret = "a-webhook-secret-of-some-length"

func startWebhook(t *testing.T) (*harness, *telegramtest.Server, *httptest.Server) {
	t.Helper()
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.cfg.WebhookURL = "https://bot.example.org/telegram"
	h.cfg.WebhookSecret = hookSecret
	h.start()
	srv := httptest.NewServer(h.bot.WebhookHandler())
	t.Cleanup(srv.Close)
	if got := fake.Webhook(); got != h.cfg.WebhookURL {
		t.Fatalf("webhook set to %q, want %q", got, h.cfg.WebhookURL)
	}
	return h, fake, srv
}

func post(t *testing.T, url, secret string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func startUpdate(t *testing.T, id int64, u telegramtest.User) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"update_id": id, "message": map[string]any{
		"message_id": 1, "date": time.Now().Unix(), "text": "/start",
		"from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName, "language_code": "es"},
		"chat": map[string]any{"id": u.ID, "type": "private", "first_name": u.FirstName},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Ensure the webhook refuses a wrong or missing secret, a huge body and garbage, and answers
// 200 only once the update is handled and committed; a repeated update changes nothing.
func TestWebhook(t *testing.T) {
	h, fake, srv := startWebhook(t)
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.Meet(u)
	upd := startUpdate(t, 5001, u)
	tests := []struct {
		name   string
		secret string
		body   []byte
		want   int
	}{
		{"no secret", "", upd, http.StatusUnauthorized},
		{"wrong secret", "a-webhook-secret-of-some-lengtX", upd, http.StatusUnauthorized},
		{"secret prefix", hookSecret[:10], upd, http.StatusUnauthorized},
		{"huge body", hookSecret, append([]byte(`{"update_id":1,"message":{"text":"`), bytes.Repeat([]byte("a"), 2<<20)...), http.StatusRequestEntityTooLarge},
		{"not JSON", hookSecret, []byte("hello"), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(t, srv.URL, tt.secret, tt.body); got != tt.want {
				t.Fatalf("status = %d, want %d", got, tt.want)
			}
			if n := h.count("updates"); n != 0 {
				t.Fatalf("handled updates = %d, want 0", n)
			}
		})
	}
	if got := post(t, srv.URL, hookSecret, upd); got != http.StatusOK {
		t.Fatalf("status = %d, want 200", got)
	}
	// 200 came after the commit: the update and its reply are already in the database.
	if h.count("updates") != 1 || h.count("sessions") != 1 {
		t.Fatalf("after 200: updates %d, sessions %d, want 1 and 1", h.count("updates"), h.count("sessions"))
	}
	h.screen(u, "gestiona este bot")
	if got := post(t, srv.URL, hookSecret, upd); got != http.StatusOK {
		t.Fatalf("repeated update: status = %d, want 200", got)
	}
	fake.Wait(t, "the outbox to empty", func() bool { return h.count("outbox") == 0 })
	if got := len(fake.BotMessages(u.ID)); got != 1 {
		t.Errorf("bot messages = %d, want 1: a repeated update was answered again", got)
	}
	if strings.Contains(h.logs.String(), "Zoraida") {
		t.Error("the log holds the person's name")
	}
}

// Ensure a token Telegram refuses stops the start with ErrTokenRefused, which does not show
// the token.
func TestRefusedToken(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.cfg.Token = "999:not-this-one"
	b, err := New(h.cfg, h.db, h.keys, h.engine, h.cat, slog.New(slog.NewTextHandler(h.logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	err = b.Prepare(context.Background())
	if !errors.Is(err, ErrTokenRefused) || strings.Contains(err.Error(), "not-this-one") {
		t.Fatalf("Prepare = %v, want ErrTokenRefused without the token", err)
	}
}

// Ensure an update that does not decode but has an id (a field of a newer Bot API) is
// recorded as needing nothing, as in long polling, rather than refused, which would have
// Telegram send it again and again.
func TestWebhookMalformedUpdate(t *testing.T) {
	h, fake, srv := startWebhook(t)
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.Meet(u)
	body := []byte(`{"update_id":6001,"message":{"message_id":"not a number","text":"Mi jefe me quita el pasaporte","chat":{"id":7394019283,"type":"private"}}}`)
	if got := post(t, srv.URL, hookSecret, body); got != http.StatusOK {
		t.Fatalf("status = %d, want 200", got)
	}
	if got := post(t, srv.URL, hookSecret, []byte(`{"message":{"message_id":"not a number"}}`)); got != http.StatusBadRequest {
		t.Fatalf("without an id: status = %d, want 400", got)
	}
	if h.count("updates") != 1 || h.count("sessions") != 0 || len(fake.BotMessages(u.ID)) != 0 {
		t.Errorf("updates %d, sessions %d, bot messages %d; want 1, 0, 0", h.count("updates"), h.count("sessions"), len(fake.BotMessages(u.ID)))
	}
	if strings.Contains(h.logs.String(), "pasaporte") {
		t.Error("the log holds what the person wrote")
	}
}
