package bot

import (
	"context"
	"io"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/metrics"
	"github.com/puente-bot/puente/store"
)

// Ensure /metrics, scraped after a conversation and a whole handoff (link, case, messages
// both ways, close), counts what happened and holds nothing that names anyone: no chat or
// user id, name, username, case code, listing name or id, link code, or message text.
func TestMetricsCountButNameNoOne(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	m := metrics.New()
	h.cfg.Metrics = m
	h.start()
	code, err := h.db.CreateLinkCode(context.Background(), h.keys, orgA.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fake.Forum(groupA, orgA.Name)
	fake.Admin(groupA, worker)
	fake.AddBot(groupA, worker, true, telegramtest.Rights{ManageTopics: true})
	fake.TopicText(groupA, 0, worker, "/link "+code)
	h.groupSays(groupA, "Linked")
	thread := h.openCase(person, groupA, "")
	names, _ := fake.Topics(groupA)
	caseName := names[thread]
	fake.SendText(person, "my employer keeps my passport")
	fake.TopicText(groupA, thread, worker, "we can help with the passport")
	h.screen(person, "we can help with the passport")
	fake.TopicText(groupA, thread, worker, "/close")
	h.screen(person, "has closed this conversation")
	fake.Wait(t, "everything to be sent", func() bool { return h.count("outbox") == 0 && fake.Pending() == 0 })

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	scrape := string(body)

	for name, needle := range map[string]string{
		"person's chat id": strconv.FormatInt(person.ID, 10), "group's chat id": strconv.FormatInt(groupA, 10),
		"group's id without sign": strconv.FormatInt(-groupA, 10), "caseworker's id": strconv.FormatInt(worker.ID, 10),
		"first name": person.FirstName, "last name": person.LastName, "username": person.Username,
		"caseworker's name": worker.FirstName, "case code": caseName, "listing name": orgA.Name,
		"listing id": orgA.ID, "link code": code, "link code (bare)": store.NormalizeLinkCode(code), "message text": "passport",
	} {
		if needle != "" && strings.Contains(scrape, needle) {
			t.Errorf("/metrics holds the %s (%q)", name, needle)
		}
	}
	// Every label value is one of the fixed words the bot counts by.
	for _, lv := range regexp.MustCompile(`\{[^}]*\}`).FindAllString(scrape, -1) {
		if strings.HasPrefix(lv, `{kind=`) || strings.HasPrefix(lv, `{what=`) || strings.HasPrefix(lv, `{version=`) ||
			strings.HasPrefix(lv, `{quantile=`) || strings.HasPrefix(lv, `{le=`) {
			continue
		}
		t.Errorf("unexpected label %s", lv)
	}
	for _, want := range []string{
		`puente_handoffs_opened_total 1`, `puente_handoffs_closed_total 1`,
		`puente_telegram_requests_total{kind="copy"} 2`, `go_goroutines `,
	} {
		if !strings.Contains(scrape, want+"\n") && !strings.Contains(scrape, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if v := value(t, scrape, "puente_updates_handled_total"); v < 10 {
		t.Errorf("updates handled = %v, want at least the 10 the conversation and handoff took", v)
	}
	if v := value(t, scrape, `puente_telegram_requests_total{kind="send"}`); v < 5 {
		t.Errorf("replies sent = %v, want at least 5", v)
	}
}

// value is the value of the metric line that starts with name.
func value(t *testing.T, scrape, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(scrape, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return v
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return 0
}

// Ensure Ready says the bot is not ready once long polling has not heard from Telegram for
// two poll timeouts, and again ready when it does, and not ready after it stopped.
func TestReady(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	clock := &shiftedClock{}
	h.cfg.Now = clock.Now
	h.start()
	fake.Wait(t, "the first poll", func() bool { return h.bot.Ready() == nil })
	fake.Close() // Telegram stops answering
	clock.Advance(2*h.cfg.PollTimeout + time.Minute)
	if err := h.bot.Ready(); err == nil || !strings.Contains(err.Error(), "no answer from Telegram") {
		t.Errorf("Ready() = %v after Telegram went quiet, want no answer from Telegram", err)
	}
	h.kill()
	if err := h.bot.Ready(); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("Ready() = %v after the bot stopped, want stopped", err)
	}
}
