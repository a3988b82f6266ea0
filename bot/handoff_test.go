package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/directory"
)

// testDirectory ranks its listings in the order given, whatever the profile.
type testDirectory struct{ listings []*directory.Listing }

func (d testDirectory) Listings() []*directory.Listing { return d.listings }

func (d testDirectory) Rank(directory.Profile, time.Time) []directory.Match {
	out := make([]directory.Match, len(d.listings))
	for i, l := range d.listings {
		out[i] = directory.Match{Listing: l}
	}
	return out
}

// Organisations of the handoff tests: two take handoffs, one does not.
var (
	orgA = &directory.Listing{ID: "a0000000-0000-4000-8000-000000000001", Name: "Casa Norte", AcceptsHandoff: true, Hours: directory.Hours{Always: true}}
	orgB = &directory.Listing{ID: "b0000000-0000-4000-8000-000000000002", Name: "Rede Sul", AcceptsHandoff: true, Hours: directory.Hours{Always: true}}
	orgC = &directory.Listing{ID: "c0000000-0000-4000-8000-000000000003", Name: "Helpline Only", Hours: directory.Hours{Always: true}}
)

// Caseworkers and people of the handoff tests. Their names are unusual so that the fake's
// privacy check cannot miss them, nor trip over ordinary words.
var (
	worker  = telegramtest.User{ID: 5100000001, FirstName: "Wenceslau", Username: "wenc_cw"}
	worker2 = telegramtest.User{ID: 5100000002, FirstName: "Gudrunella", Username: "gud_cw"}
	person  = telegramtest.User{ID: 7394019283, FirstName: "Zoraida", LastName: "Quispe", Username: "zoraida_q77", LanguageCode: "en"}
	person2 = telegramtest.User{ID: 7394019999, FirstName: "Eulalia", Username: "eula_x9", LanguageCode: "es"}
)

const (
	groupA = int64(-1001000000001)
	groupB = int64(-1001000000002)
)

// newHandoffHarness is a harness whose directory has orgA, orgB and orgC.
func newHandoffHarness(t testing.TB, fake *telegramtest.Server) *harness {
	h := newHarness(t, fake)
	h.cfg.Directory = testDirectory{listings: []*directory.Listing{orgA, orgB, orgC}}
	return h
}

// link makes a forum for the listing, adds the bot as an administrator allowed to manage
// topics, and links it with a fresh code.
func (h *harness) link(group int64, l *directory.Listing, admin telegramtest.User) {
	h.t.Helper()
	h.fake.Forum(group, l.Name)
	h.fake.Admin(group, admin)
	h.fake.AddBot(group, admin, true, telegramtest.Rights{ManageTopics: true})
	code, err := h.db.CreateLinkCode(context.Background(), h.keys, l.ID, time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	h.fake.TopicText(group, 0, admin, "/link "+code)
	h.groupSays(group, "Linked")
}

// groupSays waits for the bot's last message in the group's general chat to contain want.
func (h *harness) groupSays(group int64, want string) telegramtest.Message {
	h.t.Helper()
	var got telegramtest.Message
	h.fake.Wait(h.t, fmt.Sprintf("the group to be told %q", want), func() bool {
		ms := h.fake.InTopic(group, 0)
		if len(ms) == 0 {
			return false
		}
		got = ms[len(ms)-1]
		return strings.Contains(got.Text, want)
	})
	return got
}

var caseCode = regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}-[0-9]{2}$`)

// openCase walks u from /start to the referral and into a case with the organisation
// labelled org (pressed on the chooser when there is one), and returns the case's topic.
func (h *harness) openCase(u telegramtest.User, group int64, org string) int {
	h.t.Helper()
	before, _ := h.fake.Topics(group)
	h.fake.SendText(u, "/start")
	h.screen(u, "Test Org")
	h.press(u, label(u, "home"))
	h.screen(u, label(u, "home_screen"))
	h.press(u, label(u, "help"))
	h.screen(u, label(u, "region"))
	h.press(u, label(u, "london"))
	h.screen(u, label(u, "referral"))
	h.press(u, label(u, "handoff"))
	var m telegramtest.Message
	h.fake.Wait(h.t, "the chooser or the consent screen", func() bool {
		m, _ = h.fake.Last(u.ID)
		return hasButton(m, label(u, "yes")) || hasButton(m, label(u, "no"))
	})
	if org != "" && hasButton(m, org) {
		h.press(u, org)
		h.fake.Wait(h.t, "the consent screen", func() bool {
			m, _ = h.fake.Last(u.ID)
			return hasButton(m, label(u, "yes"))
		})
	}
	h.press(u, label(u, "yes"))
	h.screen(u, label(u, "connected"))
	var thread int
	h.fake.Wait(h.t, "a new topic", func() bool {
		names, _ := h.fake.Topics(group)
		for id, name := range names {
			if _, ok := before[id]; !ok {
				thread = id
				if !caseCode.MatchString(name) {
					h.t.Fatalf("topic name %q is not a case code", name)
				}
				return true
			}
		}
		return false
	})
	return thread
}

func hasButton(m telegramtest.Message, text string) bool {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Text == text {
				return true
			}
		}
	}
	return false
}

// label is the text of a button or screen in u's language.
func label(u telegramtest.User, what string) string {
	es := map[string]string{"home": "En casa", "help": "Buscar ayuda", "london": "Londres", "handoff": "Contáctalos por mí",
		"yes": "Sí, empezar", "no": "No, gracias", "home_screen": "¿Alguien en casa", "region": "¿Dónde estás?", "referral": "Estas pueden ayudarte.", "connected": "Ya estás en contacto", "send": "Enviarlo", "cancel": "No enviar", "helpful": "Me ayudó"}
	en := map[string]string{"home": "At home", "help": "Get help", "london": "London", "handoff": "Contact them for me",
		"yes": "Yes, start", "no": "No, thanks", "home_screen": "Someone at home", "region": "Where are you?", "referral": "These can help.", "connected": "You are now connected", "send": "Send it", "cancel": "Don't send", "helpful": "It helped"}
	if u.LanguageCode == "es" {
		return es[what]
	}
	return en[what]
}

// topicTexts is the text of every message the bot wrote in a topic, in order.
func (h *harness) topicTexts(group int64, thread int) []string {
	var out []string
	for _, m := range h.fake.InTopic(group, thread) {
		if m.Text != "" || m.Media != "" {
			out = append(out, m.Text+m.Media)
		}
	}
	return out
}

// Ensure a person can open a case: the topic is named by a case code only, the first card
// says language, need, area and preferences and nothing about who they are, and the person
// is told the organisation's hours.
func TestOpenCase(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	fake.Wait(t, "the card", func() bool { return len(h.topicTexts(groupA, thread)) == 1 })
	card := h.topicTexts(groupA, thread)[0]
	for _, want := range []string{"New case", "Language: English", "Needs help with: domestic abuse", "Area: London", "Preferences: not said"} {
		if !strings.Contains(card, want) {
			t.Errorf("card %q does not contain %q", card, want)
		}
	}
	last, _ := fake.Last(person.ID)
	if !strings.Contains(last.Text, "any time, day and night") {
		t.Errorf("note %q does not give the hours", last.Text)
	}
}
