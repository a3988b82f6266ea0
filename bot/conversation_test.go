package bot

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

func cmdEntity(offset, length int) []models.MessageEntity {
	return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: offset, Length: length}}
}

func TestCommandIn(t *testing.T) {
	tests := []struct {
		name string
		text string
		ents []models.MessageEntity
		want string
	}{
		{"plain command", "/salir", cmdEntity(0, 6), "/salir"},
		{"with bot name", "/exit@puente_bot", cmdEntity(0, 16), "/exit@puente_bot"},
		{"after Cyrillic", "Привет /exit", cmdEntity(7, 5), "/exit"},
		{"after emoji (two UTF-16 units)", "🙂🙂 /menu", cmdEntity(5, 5), "/menu"},
		{"after Arabic", "مرحبا /privacy", cmdEntity(6, 8), "/privacy"},
		{"offset past the end", "oi", cmdEntity(50, 9), "oi"},
		{"negative offset", "oi", cmdEntity(-3, 2), "oi"},
		{"length past the end", "/ab", cmdEntity(0, 40), "/ab"},
		{"entity not on a slash", "hola /menu", cmdEntity(0, 4), "hola /menu"},
		{"slash without entity", "/start payload", nil, "/start"},
		{"free text is cut", strings.Repeat("é", 1000), nil, strings.Repeat("é", maxText)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commandIn(tt.text, tt.ents); got != tt.want {
				t.Fatalf("commandIn(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func FuzzCommandIn(f *testing.F) {
	f.Add("Привет /exit", 7, 5)
	f.Add("🙂 /menu", 3, 5)
	f.Fuzz(func(t *testing.T, text string, offset, length int) {
		commandIn(text, cmdEntity(offset, length))
	})
}

func TestSplit(t *testing.T) {
	para := strings.Repeat("palabra ", 300) // 2,400 characters
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"short", "hola", 1},
		{"empty", "", 1},
		{"exactly the limit", strings.Repeat("a", 4096), 1},
		{"two paragraphs", para + "\n\n" + para, 2},
		{"one long word", strings.Repeat("a", 9000), 3},
		{"emoji count twice", strings.Repeat("🙂", 3000), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := split(tt.text, 4096)
			if len(got) != tt.parts {
				t.Fatalf("parts = %d, want %d", len(got), tt.parts)
			}
			for i, p := range got {
				if n := len(utf16.Encode([]rune(p))); n > 4096 {
					t.Errorf("part %d is %d UTF-16 units, over 4096", i, n)
				}
			}
			if joined := strings.Join(got, ""); strings.ReplaceAll(strings.ReplaceAll(tt.text, "\n", ""), " ", "") != strings.ReplaceAll(strings.ReplaceAll(joined, "\n", ""), " ", "") {
				t.Error("splitting lost or changed text")
			}
		})
	}
}

func TestRead(t *testing.T) {
	private := models.Chat{ID: 42, Type: models.ChatTypePrivate}
	group := models.Chat{ID: -100, Type: models.ChatTypeSupergroup}
	from := &models.User{ID: 42, LanguageCode: "es"}
	tests := []struct {
		name string
		u    models.Update
		want inKind
	}{
		{"text", models.Update{Message: &models.Message{ID: 1, Chat: private, From: from, Text: "hola"}}, inText},
		{"sticker", models.Update{Message: &models.Message{ID: 1, Chat: private, From: from, Sticker: &models.Sticker{}}}, inMedia},
		{"location", models.Update{Message: &models.Message{ID: 1, Chat: private, From: from, Location: &models.Location{}}}, inPersonal},
		{"contact", models.Update{Message: &models.Message{ID: 1, Chat: private, From: from, Contact: &models.Contact{}}}, inPersonal},
		{"group message", models.Update{Message: &models.Message{ID: 1, Chat: group, From: from, Text: "hola"}}, inStranger},
		{"channel post", models.Update{ChannelPost: &models.Message{ID: 1, Chat: models.Chat{ID: -5, Type: models.ChatTypeChannel}}}, inStranger},
		{"edited", models.Update{EditedMessage: &models.Message{ID: 1, Chat: private, Text: "x"}}, inNone},
		{"button", models.Update{CallbackQuery: &models.CallbackQuery{ID: "q", From: *from, Data: "1.0",
			Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 2, Chat: private}}}}, inButton},
		{"button pressed by someone else", models.Update{CallbackQuery: &models.CallbackQuery{ID: "q", From: models.User{ID: 7}, Data: "1.0",
			Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 2, Chat: private}}}}, inNone},
		{"button without a message", models.Update{CallbackQuery: &models.CallbackQuery{ID: "q", From: *from, InlineMessageID: "x"}}, inNone},
		{"empty update", models.Update{ID: 9}, inNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := read(&tt.u); got.kind != tt.want {
				t.Fatalf("kind = %d, want %d", got.kind, tt.want)
			}
		})
	}
}
