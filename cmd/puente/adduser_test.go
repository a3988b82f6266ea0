package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/store"
	"github.com/puente-bot/puente/web"
)

var (
	linkRE  = regexp.MustCompile(`https?://\S+/invite/\S+`)
	untilRE = regexp.MustCompile(`until (\d{4}-\d\d-\d\d \d\d:\d\d) UTC`)
)

func TestAddUser(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PUENTE_DATA_DIR": dir, "PUENTE_WEB_URL": "https://puente.example.org/"}
	start := time.Now()
	out, _, err := runIn(t, vars, "adduser", "ana@example.org", "--role", "admin")
	if err != nil {
		t.Fatal(err)
	}
	// The time printed is when the page stops taking the link.
	m := untilRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output %q does not say until when the link works", out)
	}
	until, err := time.Parse("2006-01-02 15:04", m[1])
	if err != nil {
		t.Fatal(err)
	}
	if want := start.Add(web.InviteValid).UTC().Truncate(time.Minute); until.Before(want) || until.After(want.Add(time.Minute)) {
		t.Errorf("link works until %s, want %s (web.InviteValid from now)", until, want)
	}
	link := linkRE.FindString(out)
	if !strings.HasPrefix(link, "https://puente.example.org/invite/") || !strings.Contains(out, "role admin") {
		t.Errorf("output %q lacks the link or the role", out)
	}
	again, _, err := runIn(t, vars, "adduser", "ANA@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if l := linkRE.FindString(again); l == "" || l == link || !strings.Contains(again, "has an account already (role admin)") {
		t.Errorf("second adduser printed %q, want a new link for the existing admin", again)
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.UserByEmail(context.Background(), "ana@example.org"); err != nil || u.Role != store.RoleAdmin {
		t.Errorf("account = %+v, %v", u, err)
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no email", []string{"adduser"}, ""},
		{"bad role", []string{"adduser", "--role", "owner", "bo@example.org"}, "--role"},
		{"bad email", []string{"adduser", "not an email"}, "not an email address"},
	}
	for _, tt := range bad {
		_, stderr, err := runIn(t, vars, tt.args...)
		if err == nil || !strings.Contains(err.Error()+stderr, tt.want) {
			t.Errorf("%s: err = %v, stderr %q, want one mentioning %q", tt.name, err, stderr, tt.want)
		}
	}
}

func TestServeStartsTheWebPage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	vars := map[string]string{"PUENTE_DATA_DIR": t.TempDir(), "PUENTE_HTTP_ADDR": addr}
	e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	done := make(chan error, 1)
	go func() { done <- run(ctx, e, []string{"serve"}) }()
	status := 0
	waitFor(t, "the web page to answer", func() bool {
		res, err := http.Get("http://" + addr + "/login")
		if err != nil {
			return false
		}
		res.Body.Close()
		status = res.StatusCode
		return true
	})
	if status != http.StatusOK {
		t.Errorf("GET /login: status %d, want 200", status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
