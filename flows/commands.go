package flows

// cmd is a command a person can type.
type cmd uint8

const (
	cmdStart cmd = iota + 1
	cmdExit
	cmdMenu
	cmdBack
	cmdLanguage
	cmdPrivacy
	cmdEnd
)

// commands are the engine's commands by their English names; the words
// people type, in every language, come from the catalogue (bot.cmd.*).
var commands = map[string]cmd{
	"start": cmdStart, "exit": cmdExit, "menu": cmdMenu, "back": cmdBack, "language": cmdLanguage, "privacy": cmdPrivacy, "end": cmdEnd,
}

// parseCommand reads "/salir", "/Salir@puente_bot" or "/start payload".
func (e *Engine) parseCommand(text string) (cmd, bool) {
	name, ok := e.cat.Command(text)
	if !ok {
		return 0, false
	}
	c, ok := commands[name]
	return c, ok
}
