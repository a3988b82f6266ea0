package telegramtest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// recorder is a Reporter that remembers failures instead of failing the test.
type recorder struct {
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func newClient(t *testing.T, s *telegramtest.Server) *tg.Bot {
	t.Helper()
	b, err := tg.New(s.Token, tg.WithServerURL(s.URL), tg.WithSkipGetMe(), tg.WithErrorsHandler(func(error) {}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Ensure the privacy check fires when a request to a group carries a user's id, name or
// username, or one to a person carries someone else's, and stays quiet for a person's own in
// their private chat or a clean group message.
func TestPrivacyCheckFires(t *testing.T) {
	user := telegramtest.User{ID: 5550001234, FirstName: "Quelbetina", Username: "quel_b_77"}
	other := telegramtest.User{ID: 5550009876, FirstName: "Anselmina", Username: "ansel_m_12"}
	tests := []struct {
		name string
		chat int64
		text string
		want string
	}{
		{"id in group", -100123, "case from 5550001234", "user's id"},
		{"first name in group", -100123, "Quelbetina needs help", "user's first name"},
		{"username in group", -100123, "see @quel_b_77", "user's username"},
		{"clean group message", -100123, "case K7Q2 needs help", ""},
		{"a person's own name to them", user.ID, "hello Quelbetina 5550001234", ""},
		{"another person's name to a person", user.ID, "Anselmina wrote too", "another user's first name"},
		{"another person's id to a person", user.ID, "from 5550009876", "another user's id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			s := telegramtest.NewWith(t, rec)
			s.SendText(user, "hi")
			s.SendText(other, "hi")
			s.Group(-100123, "supergroup", "an organisation")
			b := newClient(t, s)
			if _, err := b.SendMessage(context.Background(), &tg.SendMessageParams{ChatID: tt.chat, Text: tt.text}); err != nil {
				t.Fatalf("sendMessage: %v", err)
			}
			got := strings.Join(rec.errs, "; ")
			if tt.want == "" && got != "" {
				t.Fatalf("privacy check fired: %s", got)
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Fatalf("privacy check = %q, want it to mention %q", got, tt.want)
			}
		})
	}
}

// Ensure getUpdates confirms only below the offset, and long-polls until an update arrives.
func TestGetUpdatesOffsetsAndLongPoll(t *testing.T) {
	s := telegramtest.New(t)
	u := telegramtest.User{ID: 42, FirstName: "A"}
	s.SendText(u, "one")
	s.SendText(u, "two")
	post := func(query string) string {
		t.Helper()
		resp, err := http.PostForm(s.URL+"/bot"+s.Token+"/getUpdates", mustQuery(t, query))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var sb strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return sb.String()
	}
	if got := post(""); !strings.Contains(got, `"update_id":101`) || !strings.Contains(got, `"update_id":102`) {
		t.Fatalf("first poll = %s, want both updates", got)
	}
	if got := post("offset=102"); strings.Contains(got, `"update_id":101`) || !strings.Contains(got, `"update_id":102`) {
		t.Fatalf("poll with offset 102 = %s, want only 102", got)
	}
	if s.Pending() != 1 {
		t.Fatalf("pending = %d, want 1", s.Pending())
	}
	done := make(chan string)
	go func() { done <- post("offset=103&timeout=5") }()
	s.Wait(t, "the first update to be confirmed", func() bool { return s.Pending() == 0 })
	s.SendText(u, "three")
	select {
	case got := <-done:
		if !strings.Contains(got, `"update_id":103`) {
			t.Fatalf("long poll = %s, want update 103", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long poll did not return the new update")
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Ensure the fake applies Telegram's rules: 4096 characters, 64-byte callback data, the
// 48-hour deletion window, 429 with retry_after.
func TestTelegramRules(t *testing.T) {
	s := telegramtest.New(t)
	u := telegramtest.User{ID: 42, FirstName: "A"}
	s.SendText(u, "hi")
	b := newClient(t, s)
	ctx := context.Background()
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: strings.Repeat("é", 4097)}); err == nil {
		t.Error("a 4097-character text was accepted")
	}
	long := map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "x", "callback_data": strings.Repeat("a", 65)}}}}
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x", ReplyMarkup: long}); err == nil {
		t.Error("65 bytes of callback data were accepted")
	}
	m, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "old"})
	if err != nil {
		t.Fatal(err)
	}
	s.Advance(48 * time.Hour)
	if _, err := b.DeleteMessages(ctx, &tg.DeleteMessagesParams{ChatID: u.ID, MessageIDs: []int{1, m.ID}}); err != nil {
		t.Fatal(err)
	}
	if got := len(s.Visible(u.ID)); got != 2 {
		t.Errorf("visible after deleting 48h-old messages = %d, want 2 (too old to delete)", got)
	}
	s.SetFaults(func(method string, _ map[string]string) telegramtest.Fault {
		return telegramtest.Fault{Status: 429, RetryAfter: 7}
	})
	_, err = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x"})
	if tm, ok := err.(*tg.TooManyRequestsError); !ok || tm.RetryAfter != 7 {
		t.Errorf("err = %v, want 429 with retry_after 7", err)
	}
}
