package bot

import (
	"context"
	"errors"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/puente-bot/puente/locales"
)

// menuCommands are the commands in Telegram's menu, in order; their names and descriptions
// come from bot.cmd.<name>.name and bot.cmd.<name>.about in each language.
var menuCommands = []string{"start", "menu", "language", "privacy", "silent", "end", "exit"}

// ErrTokenRefused is returned by Prepare when Telegram does not accept the bot's token.
var ErrTokenRefused = errors.New("Telegram does not accept this token")

// setupTimeout bounds the calls made at start.
const setupTimeout = 20 * time.Second

// setup points Telegram at the intake (webhook or polling) and sets the bot's neutral name,
// descriptions and command menu in every language. Only a refused token stops the start;
// a profile that cannot be set now is logged and tried again at the next start.
func (b *Bot) setup(ctx context.Context) error {
	// A Telegram that cannot be reached must not hold the start for long: the bot then
	// starts anyway and keeps trying through its intake and outbox.
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	var err error
	if b.cfg.WebhookURL != "" {
		_, err = b.api.tg.SetWebhook(ctx, &tg.SetWebhookParams{
			URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret, AllowedUpdates: allowedUpdates, MaxConnections: 40,
		})
	} else {
		_, err = b.api.tg.DeleteWebhook(ctx, &tg.DeleteWebhookParams{})
	}
	if errors.Is(err, tg.ErrorUnauthorized) || errors.Is(err, tg.ErrorNotFound) {
		return ErrTokenRefused
	}
	if err != nil {
		b.log.Warn("Could not set how Telegram delivers updates; check the Bot API server's address and the webhook URL")
	}
	failed := 0
	for _, tag := range b.cat.Tags() {
		// Telegram's code is the base language ("pt" for pt-BR); English is also the
		// default for every language that ships none.
		codes := []string{locales.Base(tag)}
		if codes[0] == locales.Default {
			codes = append(codes, "")
		}
		for _, code := range codes {
			failed += b.profile(ctx, tag, code)
		}
	}
	if failed > 0 {
		b.log.Warn("Could not set part of the bot's name, descriptions or commands", "failed", failed)
	}
	return nil
}

// profile sets one language's name, descriptions and commands where they differ from what
// Telegram has (setMyName in particular is rate-limited) and says how many calls failed.
func (b *Bot) profile(ctx context.Context, tag, code string) int {
	failed := 0
	check := func(err error) {
		if err != nil {
			failed++
		}
	}
	name := b.cat.Text(tag, "bot.profile.name", nil)
	if got, err := b.api.tg.GetMyName(ctx, &tg.GetMyNameParams{LanguageCode: code}); err != nil || got.Name != name {
		_, err := b.api.tg.SetMyName(ctx, &tg.SetMyNameParams{Name: name, LanguageCode: code})
		check(err)
	}
	desc := b.cat.Text(tag, "bot.profile.description", nil)
	if got, err := b.api.tg.GetMyDescription(ctx, &tg.GetMyDescriptionParams{LanguageCode: code}); err != nil || got.Description != desc {
		_, err := b.api.tg.SetMyDescription(ctx, &tg.SetMyDescriptionParams{Description: desc, LanguageCode: code})
		check(err)
	}
	short := b.cat.Text(tag, "bot.profile.short_description", nil)
	if got, err := b.api.tg.GetMyShortDescription(ctx, &tg.GetMyShortDescriptionParams{LanguageCode: code}); err != nil || got.ShortDescription != short {
		_, err := b.api.tg.SetMyShortDescription(ctx, &tg.SetMyShortDescriptionParams{ShortDescription: short, LanguageCode: code})
		check(err)
	}
	var cmds []models.BotCommand
	for _, c := range menuCommands {
		// Loading the catalogue refused any name Telegram would not accept.
		n := b.cat.Text(tag, "bot.cmd."+c+".name", nil)
		cmds = append(cmds, models.BotCommand{Command: n, Description: b.cat.Text(tag, "bot.cmd."+c+".about", nil)})
	}
	_, err := b.api.tg.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: code})
	check(err)
	return failed
}
