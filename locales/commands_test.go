package locales_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/puente-bot/puente/locales"
)

// Every word of every command, in every shipped language, is one Telegram
// accepts and finds its command however it is typed.
func TestCommandWordsParse(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	commands := cat.Commands()
	for _, want := range []string{"back", "end", "exit", "language", "menu", "privacy", "silent", "start"} {
		if !slices.Contains(commands, want) {
			t.Errorf("no command %q in %v", want, commands)
		}
	}
	for _, lang := range cat.Tags() {
		for _, command := range commands {
			words := cat.CommandWords(lang, command)
			if len(words) == 0 {
				t.Errorf("%s: /%s has no word", lang, command)
			}
			for _, w := range words {
				if !locales.CommandWord.MatchString(w) {
					t.Errorf("%s: /%s word %q is not ^[a-z0-9_]{1,32}$", lang, command, w)
				}
				for _, typed := range []string{"/" + w, "  /" + w + "@puente_bot ", "/" + w + " payload", "/" + strings.ToUpper(w)} {
					if got, ok := cat.Command(typed); !ok || got != command {
						t.Errorf("%s: Command(%q) = %q, %v; want %q", lang, typed, got, ok, command)
					}
				}
			}
		}
	}
}

func TestCommand(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text, want string
	}{
		{"/salir", "exit"},
		{"/SAIR@puente_bot", "exit"},
		{"/stop", "exit"},
		{"/início", "start"},
		{"/Começar", "start"},
		{"/menú", "menu"},
		{"/atrás", "back"},
		{"/língua", "language"},
		{"/silencioso", "silent"},
		{"/encerrar", "end"},
		{"/fin", "end"},
		{"salir", ""},
		{"/", ""},
		{"/unknown", ""},
		{"/ exit", ""},
	}
	for _, tt := range tests {
		got, ok := cat.Command(tt.text)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Command(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
		}
	}
}
