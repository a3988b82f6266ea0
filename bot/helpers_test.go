package bot

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/locales"
	"github.com/puente-bot/puente/store"
)

// testLimits pace like Telegram but a thousand times faster.
var testLimits = Limits{
	PrivateChat: Rate{Every: time.Millisecond, Burst: 3},
	GroupChat:   Rate{Every: 3 * time.Millisecond, Burst: 1},
	Overall:     Rate{Every: time.Millisecond / 30, Burst: 10},
	InFlight:    8,
	RetryUnit:   time.Millisecond,
	BackoffMin:  time.Millisecond,
	BackoffMax:  20 * time.Millisecond,
}

// fakeRanker returns n listings, each with a phone number; the second takes anonymous
// conversations, so referral screens offer the handoff button.
type fakeRanker struct{ n int }

func (r fakeRanker) Rank(p directory.Profile, _ time.Time) []directory.Match {
	out := make([]directory.Match, r.n)
	for i := range out {
		out[i] = directory.Match{
			Listing: &directory.Listing{
				ID: fmt.Sprint(i + 1), Name: fmt.Sprintf("Org %d", i+1), AcceptsHandoff: i == 1,
				Description: map[string]string{"en": "Helps.", "es": "Ayuda.", "pt": "Ajuda."},
				Contacts:    []directory.Contact{{Kind: directory.Phone, Value: "+44 20 7946 0958"}},
			},
			Reasons: []directory.Reason{{ID: "directory.t.speaks", Data: map[string]any{"Lang": p.Lang}}},
		}
	}
	return out
}

// syncBuffer collects logs from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a bot against the fake Bot API, with a real database in a temporary folder.
type harness struct {
	t      testing.TB
	fake   *telegramtest.Server
	dir    string
	db     *store.DB
	keys   *store.Keys
	cat    *locales.Catalog
	engine *flows.Engine
	set    *flows.Set
	cfg    Config
	logs   *syncBuffer
	bot    *Bot
	wrap   func(Engine) Engine // if set, wraps the engine (to make it misbehave)
	stop   func()
}

func testCatalog(t testing.TB) *locales.Catalog {
	t.Helper()
	out := fstest.MapFS{}
	for _, fsys := range []fs.FS{locales.Files(), os.DirFS("testdata/locales")} {
		names, err := fs.Glob(fsys, "*.json")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = &fstest.MapFile{Data: b}
		}
	}
	cat, err := locales.LoadFS(out)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func newHarness(t testing.TB, fake *telegramtest.Server) *harness {
	t.Helper()
	h := &harness{t: t, fake: fake, dir: t.TempDir(), logs: &syncBuffer{}}
	var err error
	h.db, err = store.Open(context.Background(), filepath.Join(h.dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.db.Close() })
	h.keys, err = store.NewKeys([]byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}
	h.cat = testCatalog(t)
	h.set, err = flows.LoadFS(os.DirFS("testdata/flows"))
	if err != nil {
		t.Fatal(err)
	}
	h.cfg = Config{
		Token: fake.Token, APIURL: fake.URL,
		DeleteAfter: 7 * time.Hour,
		PollTimeout: time.Second, Limits: testLimits,
		Referral: func(node string) bool {
			n, ok := h.set.Nodes[node]
			return ok && n.Do == flows.DoShowReferrals
		},
	}
	vars := map[string]any{"OperatorName": "Test Org", "OperatorContact": "privacy@example.org",
		"SessionHours": 13, "DeleteHours": int(h.cfg.DeleteAfter.Hours())}
	h.engine, err = flows.New(h.set, h.cat, fakeRanker{n: 4}, flows.Config{Vars: vars})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// start runs a bot until the test ends or kill is called.
func (h *harness) start() {
	h.t.Helper()
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var eng Engine = h.engine
	if h.wrap != nil {
		eng = h.wrap(eng)
	}
	b, err := New(h.cfg, h.db, h.keys, eng, h.cat, log)
	if err != nil {
		h.t.Fatal(err)
	}
	h.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	if err := b.Prepare(ctx); err != nil {
		h.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx)
	}()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	h.t.Cleanup(h.stop)
}

// kill stops the bot the way a crash would, as far as a test can: nothing is drained.
func (h *harness) kill() { h.stop() }

// screen waits for the bot's last visible message in u's chat to contain want, and returns it.
func (h *harness) screen(u telegramtest.User, want string) telegramtest.Message {
	h.t.Helper()
	var got telegramtest.Message
	h.fake.Wait(h.t, fmt.Sprintf("a screen with %q", want), func() bool {
		m, ok := h.fake.Last(u.ID)
		got = m
		return ok && strings.Contains(m.Text, want) && h.fake.Unanswered(u.ID) == 0
	})
	return got
}

// press presses the button labelled label on the bot's last message with a keyboard.
func (h *harness) press(u telegramtest.User, label string) {
	h.t.Helper()
	ms := h.fake.Visible(u.ID)
	for i := len(ms) - 1; i >= 0; i-- {
		if !ms[i].FromBot || len(ms[i].Keyboard) == 0 {
			continue
		}
		var labels []string
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if b.Text == label {
					h.fake.Press(u, ms[i].ID, b.CallbackData)
					return
				}
				labels = append(labels, b.Text)
			}
		}
		h.t.Fatalf("no button %q on the screen; buttons: %q", label, labels)
	}
	h.t.Fatalf("no screen with buttons in the chat")
}

// countWhere counts the rows of table that match the SQL condition where.
func (h *harness) countWhere(table, where string) int {
	h.t.Helper()
	return h.count(table + " WHERE " + where)
}

func (h *harness) count(table string) int {
	h.t.Helper()
	rows, err := h.db.Inspect(context.Background(), `SELECT count(*) FROM `+table)
	if err != nil {
		h.t.Fatal(err)
	}
	return int(rows[0][0].(int64))
}
