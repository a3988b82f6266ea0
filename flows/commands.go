package flows

import "strings"

// cmd is a command a person can type.
type cmd uint8

const (
	cmdStart cmd = iota + 1
	cmdExit
	cmdMenu
	cmdBack
	cmdLanguage
	cmdPrivacy
)

// commands maps every spelling, in every shipped language, to its command:
// someone reading Spanish may still type /exit, and the reverse.
var commands = map[string]cmd{
	"start": cmdStart, "inicio": cmdStart, "início": cmdStart, "empezar": cmdStart, "comecar": cmdStart, "começar": cmdStart,
	"exit": cmdExit, "salir": cmdExit, "sair": cmdExit, "stop": cmdExit, "borrar": cmdExit, "apagar": cmdExit,
	"menu": cmdMenu, "menú": cmdMenu,
	"back": cmdBack, "volver": cmdBack, "atras": cmdBack, "atrás": cmdBack, "voltar": cmdBack,
	"language": cmdLanguage, "idioma": cmdLanguage, "lang": cmdLanguage, "lingua": cmdLanguage, "língua": cmdLanguage,
	"privacy": cmdPrivacy, "privacidad": cmdPrivacy, "privacidade": cmdPrivacy,
}

// parseCommand reads "/salir", "/Salir@puente_bot" or "/start payload".
func parseCommand(text string) (cmd, bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return 0, false
	}
	word, _, _ := strings.Cut(text[1:], " ")
	word, _, _ = strings.Cut(word, "@")
	c, ok := commands[strings.ToLower(word)]
	return c, ok
}
