package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// serveFor runs serve with vars until the test ends and returns its log and the addresses it
// logged: the web page's, and the metrics' when PUENTE_METRICS_ADDR is set.
func serveFor(t *testing.T, vars map[string]string) (log *syncBuffer, web, metricsAddr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log = &syncBuffer{}
	e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: log}
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"serve"}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	webRE := regexp.MustCompile(`web page is on (http://[0-9.:]+)`)
	metricsRE := regexp.MustCompile(`Metrics are on (http://[0-9.:]+)/metrics`)
	waitFor(t, "serve to start", func() bool {
		return webRE.MatchString(log.String()) && (vars["PUENTE_METRICS_ADDR"] == "" || metricsRE.MatchString(log.String()))
	})
	web = webRE.FindStringSubmatch(log.String())[1]
	if m := metricsRE.FindStringSubmatch(log.String()); m != nil {
		metricsAddr = m[1]
	}
	return log, web, metricsAddr
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Ensure /healthz and /readyz answer without signing in, /readyz follows the bot, and a
// refused sign-in is counted on /metrics.
func TestHealthReadyMetrics(t *testing.T) {
	fake := telegramtest.New(t)
	_, web, _ := serveFor(t, map[string]string{
		"PUENTE_DATA_DIR":         filepath.Join(t.TempDir(), "data"),
		"PUENTE_HTTP_ADDR":        "127.0.0.1:0",
		"TELEGRAM_BOT_TOKEN":      fake.Token,
		"TELEGRAM_API_URL":        fake.URL,
		"PUENTE_OPERATOR_NAME":    "Test Org",
		"PUENTE_OPERATOR_CONTACT": "privacy@example.org",
		"PUENTE_SECRET":           testSecret,
	})
	if code, body := get(t, web+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
	addr := map[string]string{"PUENTE_HTTP_ADDR": strings.TrimPrefix(web, "http://")}
	if out, _, err := runIn(t, addr, "health"); err != nil || out != "ok\n" {
		t.Errorf("puente health = %q, %v; want ok", out, err)
	}
	waitFor(t, "/readyz to say ready", func() bool {
		code, body := get(t, web+"/readyz")
		return code == 200 && body == "ready\n"
	})
	resp, err := http.PostForm(web+"/login", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if out, _, err := runIn(t, addr, "health", "--ready"); err != nil || out != "ready\n" {
		t.Errorf("puente health --ready = %q, %v; want ready", out, err)
	}
	waitFor(t, "the janitors' first rounds to be counted", func() bool {
		_, scrape := get(t, web+"/metrics")
		return strings.Contains(scrape, "puente_janitor_runs_total 1\n") &&
			strings.Contains(scrape, `puente_janitor_forgotten_total{what="sessions"} 0`) &&
			strings.Contains(scrape, `puente_janitor_forgotten_total{what="web_sessions"} 0`) &&
			strings.Contains(scrape, `puente_janitor_forgotten_total{what="update_ids"} 0`)
	})
	code, scrape := get(t, web+"/metrics")
	if code != 200 || !strings.Contains(scrape, "puente_web_sign_in_failures_total 1\n") || !strings.Contains(scrape, "puente_outbox_depth ") {
		t.Errorf("/metrics = %d, want the refused sign-in and the outbox depth counted:\n%s", code, scrape)
	}
	if strings.Contains(scrape, "nobody@example.org") {
		t.Error("/metrics holds the email address of a refused sign-in")
	}
}

// Ensure PUENTE_METRICS_ADDR moves /metrics off the web page's address.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	_, web, metricsAddr := serveFor(t, map[string]string{
		"PUENTE_DATA_DIR":     filepath.Join(t.TempDir(), "data"),
		"PUENTE_HTTP_ADDR":    "127.0.0.1:0",
		"PUENTE_METRICS_ADDR": "127.0.0.1:0",
	})
	if code, _ := get(t, web+"/metrics"); code == 200 {
		t.Error("/metrics still answers on the web page's address")
	}
	if code, body := get(t, metricsAddr+"/metrics"); code != 200 || !strings.Contains(body, "puente_updates_handled_total 0") {
		t.Errorf("metrics address: %d\n%s", code, body)
	}
	if code, _ := get(t, web+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d on the web page's address", code)
	}
}

// Ensure puente health fails, naming the variable, when nothing answers.
func TestHealthWithoutServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, _, err := runIn(t, map[string]string{"PUENTE_HTTP_ADDR": addr}, "health"); err == nil || !strings.Contains(err.Error(), "PUENTE_HTTP_ADDR") {
		t.Errorf("health with nothing listening: err = %v, want one naming PUENTE_HTTP_ADDR", err)
	}
}
