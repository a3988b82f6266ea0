package bot

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// Ensure that after a scripted conversation neither the database file, nor its WAL, nor
// anything logged holds the person's chat id, user id, name, username or what they typed.
func TestNothingIdentifyingIsKept(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LastName: "Quintanilla", Username: "zoraida_q77", LanguageCode: "es-MX"}
	typed := "Mi jefe me quita el pasaporte"
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	fake.SendText(u, typed)
	fake.Wait(t, "the notice and the screen again", func() bool { return len(fake.BotMessages(u.ID)) == 3 })
	h.press(u, "En casa")
	h.screen(u, "casa")
	h.press(u, "Buscar ayuda")
	h.screen(u, "¿Dónde estás?")
	h.press(u, "Londres")
	h.screen(u, "Estas pueden ayudarte.")
	fake.SendMessage(u, map[string]any{"location": map[string]any{"latitude": 51.5, "longitude": -0.1}})
	h.screen(u, "ubicación")
	fake.SendText(u, "/privacidad")
	h.screen(u, "7 horas")
	fake.Wait(t, "everything to be sent", func() bool { return h.count("outbox") == 0 && fake.Pending() == 0 })
	h.kill()

	id := strconv.FormatInt(u.ID, 10)
	needles := map[string][]byte{
		"chat id":            []byte(id),
		"chat id (binary)":   binary.BigEndian.AppendUint64(nil, uint64(u.ID)),
		"chat id (little)":   binary.LittleEndian.AppendUint64(nil, uint64(u.ID)),
		"first name":         []byte(u.FirstName),
		"last name":          []byte(u.LastName),
		"username":           []byte(u.Username),
		"typed text":         []byte(typed),
		"part of typed text": []byte("pasaporte"),
		"language code":      []byte(u.LanguageCode),
	}
	check := func(what string, data []byte) {
		t.Helper()
		for name, needle := range needles {
			if bytes.Contains(data, needle) {
				t.Errorf("%s holds the person's %s", what, name)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(h.dir, "puente.db*"))
	if err != nil {
		t.Fatal(err)
	}
	sawWAL := false
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sawWAL = sawWAL || filepath.Ext(f) == ".db-wal"
		check(filepath.Base(f), b)
	}
	if !sawWAL {
		t.Errorf("no WAL file among %v; the check would miss what is only in the WAL", files)
	}
	check("the log", []byte(h.logs.String()))
	// Sealed values hide what they hold from the file check above: open them too. Only the
	// chat id may be in them (where the bot must write back), never a name or what was typed.
	delete(needles, "chat id")
	delete(needles, "chat id (binary)")
	for what, plain := range h.unsealed() {
		check(what, plain)
	}
	if h.count("sessions") != 1 || h.count("messages") == 0 {
		t.Fatalf("sessions = %d, tracked messages = %d: the conversation should still be kept (sealed)", h.count("sessions"), h.count("messages"))
	}
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(h.dir, "puente.db"))
	if err != nil {
		t.Fatal(err)
	}
	check("the database after a checkpoint", b)
}

// unsealed opens every sealed value in the database, by table and row.
func (h *harness) unsealed() map[string][]byte {
	h.t.Helper()
	out := map[string][]byte{}
	for _, q := range []struct{ table, sealed, aad string }{
		{"sessions", "state", "key"},
		{"outbox", "request", "chat_key"},
		{"messages", "chat", "chat_key"},
		{"cases", "person", "person_key"},
		{"links", "chat", "chat_key"},
	} {
		rows, err := h.db.Inspect(context.Background(), `SELECT `+q.sealed+`, `+q.aad+` FROM `+q.table+` WHERE `+q.sealed+` IS NOT NULL`)
		if err != nil {
			h.t.Fatal(err)
		}
		for i, row := range rows {
			sealed, _ := row[0].([]byte)
			aad, _ := row[1].([]byte)
			plain, err := h.keys.Open(sealed, aad)
			if err != nil {
				h.t.Fatalf("%s.%s row %d does not open with its row's %s: %v", q.table, q.sealed, i, q.aad, err)
			}
			out[fmt.Sprintf("%s.%s row %d (unsealed)", q.table, q.sealed, i)] = plain
		}
	}
	return out
}

// Ensure nothing Telegram answers when it fails reaches the log: error descriptions can name
// the chat or echo the request, and go-telegram/bot's errors can hold response bodies and the
// request URL, which holds the token.
func TestFailuresLogNothingIdentifying(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", Username: "zoraida_q77", LanguageCode: "es"}
	id := strconv.FormatInt(u.ID, 10)
	var polls, sends atomic.Int64
	fake.SetFaults(func(method string, p map[string]string) telegramtest.Fault {
		desc := "Bad Request: chat " + p["chat_id"] + " with text " + p["text"] + " at " + fake.URL + "/bot" + fake.Token
		switch {
		case method == "getUpdates" && polls.Add(1) == 2:
			return telegramtest.Fault{Status: 500, Description: desc}
		case method == "sendMessage":
			switch sends.Add(1) {
			case 2:
				return telegramtest.Fault{Status: 400, Description: desc}
			case 3:
				return telegramtest.Fault{Status: 502, Description: desc}
			}
		case method == "deleteMessages":
			return telegramtest.Fault{Status: 403, Description: desc}
		}
		return telegramtest.Fault{}
	})
	h.start()
	for _, line := range []string{"/start", "Zoraida zoraida_q77 hola", "/privacy", "/menu", "/exit"} {
		fake.SendText(u, line)
		fake.Wait(t, "the line to be answered", func() bool { return fake.Pending() == 0 && h.count("outbox") == 0 })
	}
	fake.Close()
	fake.Wait(t, "a failed fetch to be logged", func() bool { return strings.Contains(h.logs.String(), "network error") })
	h.kill()
	logs := h.logs.String()
	if !strings.Contains(logs, "refused") {
		t.Errorf("no refusal was logged; the test did not exercise what it should:\n%s", logs)
	}
	for name, needle := range map[string]string{"chat id": id, "first name": u.FirstName, "username": u.Username,
		"token": fake.Token, "token's secret half": "fake-token", "API URL": fake.URL, "typed text": "hola"} {
		if strings.Contains(logs, needle) {
			t.Errorf("the log holds the %s", name)
		}
	}
}

// Ensure an update that does not decode (a field of a newer Bot API, a forged value) is
// confirmed and skipped without holding back the ones after it, and nothing of it is logged.
func TestMalformedUpdateIsSkipped(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", Username: "zoraida_q77", LanguageCode: "es"}
	fake.Meet(u)
	fake.Push("message", map[string]any{"message_id": "not a number", "date": 1, "text": "Mi jefe me quita el pasaporte",
		"chat": map[string]any{"id": u.ID, "type": "private", "first_name": u.FirstName},
		"from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName, "username": u.Username}})
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	fake.Wait(t, "both updates to be confirmed", func() bool { return fake.Pending() == 0 })
	if got := h.count("updates"); got != 2 {
		t.Errorf("updates recorded = %d, want 2", got)
	}
	for _, secret := range []string{strconv.FormatInt(u.ID, 10), u.FirstName, u.Username, "pasaporte"} {
		if strings.Contains(h.logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
