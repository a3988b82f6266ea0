package telegramtest_test

import (
	"context"
	"strings"
	"testing"

	tg "github.com/go-telegram/bot"

	"github.com/puente-bot/puente/bot/telegramtest"
)

// Ensure the privacy check lets copyMessage name the chat it copies from (the copy carries
// no link to it) but fires for forwardMessage, whose copy names the sender, and for a user's
// name anywhere else in a request to a group.
func TestPrivacyCheckCopyAndForward(t *testing.T) {
	user := telegramtest.User{ID: 5550001234, FirstName: "Quelbetina", Username: "quel_b_77", LanguageCode: "pt-BR"}
	const group = -100123
	tests := []struct {
		name string
		call func(b *tg.Bot, msg int) error
		want string
	}{
		{"copy from the person", func(b *tg.Bot, msg int) error {
			_, err := b.CopyMessage(context.Background(), &tg.CopyMessageParams{ChatID: group, FromChatID: user.ID, MessageID: msg})
			return err
		}, ""},
		{"copy with the person's name in a caption", func(b *tg.Bot, msg int) error {
			_, err := b.CopyMessage(context.Background(), &tg.CopyMessageParams{ChatID: group, FromChatID: user.ID, MessageID: msg, Caption: "from Quelbetina"})
			return err
		}, "user's first name in caption"},
		{"the person's regional language code", func(b *tg.Bot, _ int) error {
			_, err := b.SendMessage(context.Background(), &tg.SendMessageParams{ChatID: group, Text: "language: pt-BR"})
			return err
		}, "user's language code in text"},
		{"forward from the person", func(b *tg.Bot, msg int) error {
			_, err := b.ForwardMessage(context.Background(), &tg.ForwardMessageParams{ChatID: group, FromChatID: user.ID, MessageID: msg})
			return err
		}, "forwardMessage to a group chat carries a user's id in from_chat_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			s := telegramtest.NewWith(t, rec)
			msg := s.SendText(user, "hi")
			s.Forum(group, "an organisation")
			b := newClient(t, s)
			// forwardMessage is not one of the fake's methods (puente never forwards): the
			// check runs before the method is looked up.
			if err := tt.call(b, msg); err != nil && tt.want == "" {
				t.Fatalf("call: %v", err)
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

// Ensure the fake applies Telegram's rules for forum topics: a bot needs to be an
// administrator allowed to manage topics, names are 1 to 128 characters, messages go only to
// topics that exist, and a copy needs a message to copy.
func TestForumRules(t *testing.T) {
	const group = -100456
	s := telegramtest.New(t)
	admin := telegramtest.User{ID: 42, FirstName: "Admin"}
	s.Forum(group, "an organisation")
	b := newClient(t, s)
	ctx := context.Background()
	if _, err := b.CreateForumTopic(ctx, &tg.CreateForumTopicParams{ChatID: group, Name: "K7Q2-94"}); err == nil {
		t.Error("a bot that is not an administrator created a topic")
	}
	s.AddBot(group, admin, true, telegramtest.Rights{ManageTopics: true})
	if _, err := b.CreateForumTopic(ctx, &tg.CreateForumTopicParams{ChatID: group, Name: strings.Repeat("x", 129)}); err == nil {
		t.Error("a 129-character topic name was accepted")
	}
	topic, err := b.CreateForumTopic(ctx, &tg.CreateForumTopicParams{ChatID: group, Name: "K7Q2-94"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: group, MessageThreadID: topic.MessageThreadID + 99, Text: "x"}); err == nil {
		t.Error("a message to a topic that does not exist was accepted")
	}
	if _, err := b.CopyMessage(ctx, &tg.CopyMessageParams{ChatID: group, FromChatID: admin.ID, MessageID: 99}); err == nil {
		t.Error("a copy of a message that does not exist was accepted")
	}
	if _, err := b.CloseForumTopic(ctx, &tg.CloseForumTopicParams{ChatID: group, MessageThreadID: topic.MessageThreadID}); err != nil {
		t.Fatal(err)
	}
	if _, closed := s.Topics(group); !closed[topic.MessageThreadID] {
		t.Error("the topic is not closed")
	}
}
