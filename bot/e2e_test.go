package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/flows"
	"github.com/puente-bot/puente/store"
)

// Ensure a person can go from /start through the language picker and a full path to the
// referral list, in Spanish and in Brazilian Portuguese, through real HTTP.
func TestPathToReferral(t *testing.T) {
	tests := []struct {
		name                        string
		lang                        string // the picker's label
		hello, home, help, region   string
		london, referral, wantCount string
	}{
		{"es", "Español", "Test Org gestiona este bot.", "En casa", "Buscar ayuda", "¿Dónde estás?", "Londres", "Estas pueden ayudarte.", "Encontré 4 organizaciones"},
		{"pt-BR", "Português (Brasil)", "Test Org mantém este bot.", "Em casa", "Buscar ajuda", "Onde você está?", "Londres", "Estas podem ajudar.", "Encontrei 4 organizações"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := telegramtest.New(t)
			h := newHarness(t, fake)
			h.start()
			u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", Username: "zoraida_q77", LanguageCode: "fr"}
			fake.SendText(u, "/start")
			h.screen(u, "999")
			h.press(u, tt.lang)
			h.screen(u, tt.hello)
			h.press(u, tt.home)
			h.screen(u, "casa")
			h.press(u, tt.help)
			h.screen(u, tt.region)
			h.press(u, tt.london)
			got := h.screen(u, tt.referral)
			for _, want := range []string{tt.wantCount, "Org 1", "+44 20 7946 0958"} {
				if !strings.Contains(got.Text, want) {
					t.Errorf("referral screen %q does not contain %q", got.Text, want)
				}
			}
			for _, m := range fake.BotMessages(u.ID) {
				if !m.Protected {
					t.Errorf("message %d was sent without protect_content", m.ID)
				}
			}
			// Button presses edit the screen in place: the chat holds the /start and one screen.
			if got := len(fake.Visible(u.ID)); got != 2 {
				t.Errorf("visible messages = %d, want 2 (/start and the screen)", got)
			}
		})
	}
}

// Ensure Exit and erase deletes every message of the conversation, forgets the session and
// everything tracked, and leaves one closing message saying how to delete the chat.
func TestExitErasesEverything(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "Hola.")
	fake.SendText(u, "me pasa algo")
	h.screen(u, "Hola.")
	fake.SendMessage(u, map[string]any{"sticker": map[string]any{"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1, "height": 1}})
	h.screen(u, "Solo puedo leer los botones")
	fake.SendText(u, "/privacy")
	h.screen(u, "después de 7 horas")
	fake.SendText(u, "/menu")
	h.screen(u, "Hola.")
	h.press(u, "En casa")
	h.screen(u, "casa")
	if h.count("sessions") != 1 || h.count("messages") == 0 {
		t.Fatalf("before exit: sessions %d, tracked messages %d", h.count("sessions"), h.count("messages"))
	}
	h.press(u, "Salir y borrar")
	h.screen(u, "Listo.")
	fake.Wait(t, "every message but the closing one to be deleted", func() bool {
		return len(fake.Visible(u.ID)) == 1
	})
	last, _ := fake.Last(u.ID)
	if !strings.Contains(last.Text, "Eliminar") {
		t.Errorf("closing message %q does not say how to delete the chat", last.Text)
	}
	for _, table := range []string{"sessions", "messages", "outbox"} {
		fake.Wait(t, table+" to be empty", func() bool { return h.count(table) == 0 })
	}
}

// Ensure a forged or stale callback token gets a short notice and the current screen, and
// changes nothing.
func TestForgedToken(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	screen := h.screen(u, "Hola.")
	for _, data := range []string{"9.0", "forged", strings.Repeat("x", 200), "1.99"} {
		fake.Press(u, screen.ID, data)
		fake.Wait(t, "the expired notice", func() bool {
			for _, m := range fake.Visible(u.ID) {
				if m.ID == screen.ID {
					return strings.Contains(m.Text, "ya no está activo")
				}
			}
			return false
		})
		screen = h.screen(u, "Test Org")
		if h.count("sessions") != 1 {
			t.Fatalf("sessions = %d, want 1", h.count("sessions"))
		}
	}
	h.press(u, "En casa")
	h.screen(u, "casa")
}

// Ensure everything else a person may send gets a short answer in their language or is
// ignored by design, and that the bot leaves groups and channels it was added to.
func TestUnexpectedInput(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", Username: "zoraida_q77", LanguageCode: "pt-BR"}
	fake.SendText(u, "/start")
	h.screen(u, "Olá.")

	replies := []struct {
		name string
		send func() int
		want string
	}{
		{"sticker", func() int {
			return fake.SendMessage(u, map[string]any{"sticker": map[string]any{"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1}})
		}, "não guardei o que você enviou"},
		{"photo", func() int {
			return fake.SendMessage(u, map[string]any{"photo": []map[string]any{{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}}})
		}, "Fotos, áudios"},
		{"voice", func() int {
			return fake.SendMessage(u, map[string]any{"voice": map[string]any{"file_id": "v", "file_unique_id": "v", "duration": 3}})
		}, "não guardei"},
		{"location", func() int {
			return fake.SendMessage(u, map[string]any{"location": map[string]any{"latitude": 51.5, "longitude": -0.1}})
		}, "localização"},
		{"contact", func() int {
			return fake.SendMessage(u, map[string]any{"contact": map[string]any{"phone_number": "+447700900123", "first_name": "X"}})
		}, "contatos"},
		{"very long text", func() int { return fake.SendText(u, strings.Repeat("palavra ", 600)) }, "só consigo ler os botões"},
		{"arabic script", func() int { return fake.SendText(u, "مرحبا كيف حالك") }, "só consigo ler os botões"},
		{"command after cyrillic", func() int { return fake.SendText(u, "Привет /privacidade") }, "Apaga as mensagens deste chat depois de 7 horas"},
		{"forged entity", func() int {
			return fake.SendMessage(u, map[string]any{"text": "oi", "entities": []map[string]any{{"type": "bot_command", "offset": 50, "length": 9}}})
		}, "só consigo ler os botões"},
	}
	for _, tt := range replies {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.BotMessages(u.ID))
			tt.send()
			fake.Wait(t, "an answer", func() bool {
				ms := fake.BotMessages(u.ID)
				for _, m := range ms[min(before, len(ms)):] {
					if strings.Contains(m.Text, tt.want) {
						return true
					}
				}
				return false
			})
		})
	}

	t.Run("edited message is ignored", func(t *testing.T) {
		id := fake.SendText(u, "/menu")
		h.screen(u, "Test Org")
		before := len(fake.BotMessages(u.ID))
		fake.EditText(u, id, "tchau")
		fake.Wait(t, "the edit to be confirmed", func() bool { return fake.Pending() == 0 })
		fake.SendText(u, "/menu")
		fake.Wait(t, "the /menu screen", func() bool { return len(fake.BotMessages(u.ID)) > before })
		if got := len(fake.BotMessages(u.ID)); got != before+1 {
			t.Errorf("bot messages = %d, want %d (only the /menu screen)", got, before+1)
		}
	})

	stranger := telegramtest.User{ID: 6120004455, FirstName: "Stranger", Username: "str_anger"}
	t.Run("added to a group", func(t *testing.T) {
		fake.AddedToGroup(-100777, stranger)
		fake.Wait(t, "the bot to leave", func() bool { return fake.Left(-100777) })
	})
	t.Run("message in a group", func(t *testing.T) {
		fake.Group(-100888, "group", "a group")
		fake.GroupText(-100888, u, "/start hola")
		fake.Wait(t, "the bot to leave", func() bool { return fake.Left(-100888) })
		if got := fake.BotMessages(-100888); len(got) != 0 {
			t.Errorf("the bot wrote %d messages in a stranger's group", len(got))
		}
	})
	t.Run("channel post", func(t *testing.T) {
		fake.Group(-100999, "channel", "a channel")
		fake.GroupText(-100999, stranger, "news")
		fake.Wait(t, "the bot to leave", func() bool { return fake.Left(-100999) })
	})
	t.Run("blocked", func(t *testing.T) {
		fake.Block(u)
		fake.Wait(t, "the person to be forgotten", func() bool {
			return h.count("sessions") == 0 && h.count("messages") == 0 && h.count("outbox") == 0
		})
	})
}

// Ensure /silent switches disable_notification for later messages, and back.
func TestSilent(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "Hola.")
	fake.SendText(u, "/silencio")
	h.screen(u, "sin sonido")
	fake.SendText(u, "/menu")
	if m := h.screen(u, "Hola."); !m.Silent {
		t.Error("a message after /silencio was not silent")
	}
	fake.SendText(u, "/silent")
	h.screen(u, "con sonido")
	fake.SendText(u, "/menu")
	if m := h.screen(u, "Hola."); m.Silent {
		t.Error("a message after turning silence off was silent")
	}
}

// Ensure an exit that arrives while replies are still being sent deletes those too: the
// only message left is the closing one.
func TestExitWhileSending(t *testing.T) {
	fake := telegramtest.New(t)
	fake.SetFaults(func(method string, _ map[string]string) telegramtest.Fault {
		if method == "sendMessage" {
			return telegramtest.Fault{Delay: 3 * time.Millisecond}
		}
		return telegramtest.Fault{}
	})
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	for _, line := range []string{"/start", "/privacy", "/menu", "/language", "/menu", "/privacy"} {
		fake.SendText(u, line)
	}
	fake.Wait(t, "the first reply", func() bool { return len(fake.BotMessages(u.ID)) > 0 })
	fake.SendText(u, "/salir")
	fake.Wait(t, "only the closing message to be left", func() bool {
		v := fake.Visible(u.ID)
		return len(v) == 1 && strings.Contains(v[0].Text, "Listo.") && h.count("outbox") == 0
	})
	// The closing note alone stays tracked, so that it deletes itself (TestExitNoteDeletesItself).
	if h.count("messages") != 1 || h.count("sessions") != 0 {
		t.Errorf("after exit: tracked messages %d, sessions %d, want 1 (the closing note) and 0", h.count("messages"), h.count("sessions"))
	}
}

// panicky is an engine that panics on one command, to show a panic is contained.
type panicky struct{ Engine }

func (p panicky) Step(s flows.State, ev flows.Event) (flows.State, flows.Output) {
	if ev.Text == "/boom" {
		panic("boom")
	}
	return p.Engine.Step(s, ev)
}

// Ensure a panic while handling an update is recovered: the person gets a localized "something
// went wrong", the log says so without who or what, and the conversation goes on.
func TestPanicIsContained(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.wrap = func(e Engine) Engine { return panicky{e} }
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	fake.SendText(u, "/boom")
	h.screen(u, "Algo salió mal")
	fake.SendText(u, "/menu")
	h.screen(u, "gestiona este bot")
	logs := h.logs.String()
	if !strings.Contains(logs, "panicked") {
		t.Errorf("the panic was not logged:\n%s", logs)
	}
	for _, secret := range []string{"7394019283", "Zoraida", "/boom"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// Ensure exit deletes long conversations too, in deleteMessages calls of at most 100 ids,
// and that the anonymous counts of the conversation were kept.
func TestExitLongConversation(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHarness(t, fake)
	h.start()
	u := telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LanguageCode: "es"}
	fake.SendText(u, "/start")
	h.screen(u, "gestiona este bot")
	h.press(u, "En casa")
	h.screen(u, "casa")
	h.press(u, "Buscar ayuda")
	h.screen(u, "¿Dónde estás?")
	h.press(u, "Londres")
	h.screen(u, "Estas pueden ayudarte.")
	for range 70 {
		fake.SendText(u, "/menu")
	}
	fake.Wait(t, "every screen", func() bool { return len(fake.Visible(u.ID)) == 142 && h.count("outbox") == 0 })
	fake.SendText(u, "/exit")
	fake.Wait(t, "only the closing message to be left", func() bool {
		v := fake.Visible(u.ID)
		return len(v) == 1 && strings.Contains(v[0].Text, "Listo.")
	})
	calls := fake.Calls("deleteMessages")
	if len(calls) < 2 {
		t.Fatalf("deleteMessages calls = %d, want at least 2 for 143 messages", len(calls))
	}
	for _, c := range calls {
		if n := strings.Count(c.Params["message_ids"], ",") + 1; n > 100 {
			t.Errorf("a deleteMessages call carried %d ids, over 100", n)
		}
	}
	var got []string
	counts, err := h.db.Counts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(counts, func(a, b store.Count) int { return strings.Compare(a.Event, b.Event) })
	for _, c := range counts {
		got = append(got, c.Event+" "+c.Lang+" "+c.Need)
	}
	want := []string{"path_chosen es domestic_abuse", "referrals_shown es domestic_abuse", "started es "}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("counts = %q, want %q", got, want)
	}
}
