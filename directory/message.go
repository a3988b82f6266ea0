package directory

import (
	"errors"
	"maps"
	"strconv"
	"sync"

	"github.com/puente-bot/puente/locales"
)

// Message is a message for a volunteer: a message ID (this package's are in
// locales/directory.*.json) and the values of its placeholders. The web page translates
// it into the volunteer's language; String is the English the command line prints.
type Message struct {
	ID   string
	Args map[string]any
}

// msg pairs an ID with placeholder names and values: msg(id, "Value", v).
func msg(id string, kv ...any) Message {
	t := Message{ID: id}
	if len(kv) > 0 {
		t.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			t.Args[kv[i].(string)] = kv[i+1]
		}
	}
	return t
}

// In renders t with render (a catalog's Text for one language). A placeholder whose value
// is itself a Message is rendered first, so a message quoting another is in one language.
func (t Message) In(render func(id string, args map[string]any) string) string {
	args, copied := t.Args, false
	for k, v := range t.Args {
		if inner, ok := v.(Message); ok {
			if !copied {
				args, copied = maps.Clone(t.Args), true
			}
			args[k] = inner.In(render)
		}
	}
	return render(t.ID, args)
}

func (t Message) String() string { return t.In(english) }

// englishCatalog is loaded once, the first time a problem is printed.
var englishCatalog = sync.OnceValues(locales.Load)

func english(id string, args map[string]any) string {
	cat, err := englishCatalog()
	if err != nil {
		// The embedded files are checked by every test and by puente check; the ID still
		// says which problem it is.
		return id
	}
	return cat.Text(locales.Default, id, args)
}

// messageError is an error whose words are a Message, so a parse error can be translated.
type messageError struct{ Message }

func (e messageError) Error() string { return e.String() }

func errMsg(id string, kv ...any) error { return messageError{msg(id, kv...)} }

// messageOf is the words of err: its Message, or Go's English words for errors from elsewhere
// (the file system, encoding/json).
func messageOf(err error) Message {
	var te messageError
	if errors.As(err, &te) {
		return te.Message
	}
	return msg("directory.problem.detail", "Detail", err.Error())
}

// quote is how a problem shows what a volunteer wrote: "like this". A long value is cut, so
// a page of problems stays small whatever the file holds.
func quote(s string) string { return strconv.Quote(Cut(s, 80)) }

// Cut returns s cut to at most n characters, marking the cut with "…".
func Cut(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
