package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/puente-bot/puente/locales"
)

// closingIDs are the messages a person gets when a case closes without them: by the
// organisation, after a long time without messages, or when the organisation's group goes.
var closingIDs = map[string]string{
	closedByOrg:    "handoff.closed.org",
	closedIdle:     "handoff.closed.idle",
	closedUnlinked: "handoff.closed.unlinked",
}

// unlinkedGone replaces closingIDs[closedUnlinked] when the organisation has left the
// directory as well.
const unlinkedGone = "handoff.closed.unlinked_gone"

// previewChars is how much of a message a lock screen or notification preview may show:
// more than one line, so the "neutral first line" alone does not protect the person.
const previewChars = 120

// unpromptedMessages lists the messages the bot can send a person who did not just ask for
// anything. Someone else may hold the phone when they arrive.
func unpromptedMessages() []string {
	return []string{closingIDs[closedByOrg], closingIDs[closedIdle], closingIDs[closedUnlinked], unlinkedGone}
}

// needPrefix is the area of the words a case card uses for needs ("domestic abuse").
const needPrefix = "handoff.need."

// CheckUnprompted reports an unprompted message whose preview, in any shipped language, could
// name the organisation (it takes a value from outside the catalogue) or what the person
// needs help with (a word of handoff.need.*).
func CheckUnprompted(cat *locales.Catalog) []locales.Defect {
	var out []locales.Defect
	for _, lang := range cat.Tags() {
		var needs []string
		for _, id := range cat.IDs(locales.Default) {
			if strings.HasPrefix(id, needPrefix) {
				needs = append(needs, strings.ToLower(cat.Text(lang, id, nil)))
			}
		}
		for _, id := range unpromptedMessages() {
			m, ok := cat.Message(lang, id)
			if !ok {
				continue // a missing message is the catalogue check's to report
			}
			if ps := m.Placeholders(); len(ps) > 0 {
				out = append(out, locales.Defect{File: m.File, Line: m.Line, Msg: fmt.Sprintf(
					"message %q (%s) can arrive unprompted but inserts %v: a lock screen could show an organisation's name", id, lang, ps)})
				continue
			}
			if w := needInPreview(cat.Text(lang, id, nil), needs); w != "" {
				out = append(out, locales.Defect{File: m.File, Line: m.Line, Msg: fmt.Sprintf(
					"message %q (%s) can arrive unprompted but its first %d characters say %q, what the person needs help with", id, lang, previewChars, w)})
			}
		}
	}
	return out
}

// needInPreview returns the first of words that the first previewChars characters of text
// contain, ignoring case, or "".
func needInPreview(text string, words []string) string {
	shown := strings.ToLower(preview(text))
	for _, w := range words {
		if w != "" && strings.Contains(shown, w) {
			return w
		}
	}
	return ""
}

// preview is the part of text a lock screen may show.
func preview(text string) string {
	if utf8.RuneCountInString(text) <= previewChars {
		return text
	}
	return string([]rune(text)[:previewChars])
}
