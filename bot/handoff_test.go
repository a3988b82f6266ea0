package bot

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/puente-bot/puente/bot/telegramtest"
	"github.com/puente-bot/puente/directory"
	"github.com/puente-bot/puente/store"
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

// walkToHandoff walks u from /start to the referral and presses "Contact them for me".
func (h *harness) walkToHandoff(u telegramtest.User) {
	h.t.Helper()
	sent := len(h.fake.BotMessages(u.ID))
	h.fake.SendText(u, "/start")
	h.fake.Wait(h.t, "the start screen", func() bool { return len(h.fake.BotMessages(u.ID)) > sent })
	h.screen(u, "Test Org")
	h.press(u, label(u, "home"))
	h.screen(u, label(u, "home_screen"))
	h.press(u, label(u, "help"))
	h.screen(u, label(u, "region"))
	h.press(u, label(u, "london"))
	h.screen(u, label(u, "referral"))
	h.press(u, label(u, "handoff"))
}

// openCase walks u from /start to the referral and into a case with the organisation
// labelled org (pressed on the chooser when there is one), waits for the case's card, and
// returns the case's topic.
func (h *harness) openCase(u telegramtest.User, group int64, org string) int {
	h.t.Helper()
	before, _ := h.fake.Topics(group)
	h.walkToHandoff(u)
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
	// The card follows the topic once its thread is recorded: from then on the bot knows
	// the topic as the case's.
	h.fake.Wait(h.t, "the card in the topic", func() bool { return len(h.topicTexts(group, thread)) > 0 })
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

// Ensure /link refuses, with a clear message, an unknown, expired or used code, a group
// without topics, and a bot without the right to manage topics, then links with a good
// code; that a stranger's group gets nothing and is left; and that only an administrator
// can /unlink.
func TestLink(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	ctx := context.Background()
	newCode := func(l *directory.Listing, made time.Time) string {
		code, err := h.db.CreateLinkCode(ctx, h.keys, l.ID, made)
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	const (
		plain    = int64(-1002000000001) // a supergroup without topics
		weak     = int64(-1002000000002) // the bot may not manage topics
		other    = int64(-1002000000003)
		stranger = int64(-1002000000004)
	)
	fake.Group(plain, "supergroup", "no topics")
	fake.AddBot(plain, worker, true, telegramtest.Rights{ManageTopics: true})
	fake.Forum(weak, "weak")
	fake.AddBot(weak, worker, true, telegramtest.Rights{DeleteMessages: true})
	fake.Forum(groupA, orgA.Name)
	fake.Admin(groupA, worker)
	fake.AddBot(groupA, worker, true, telegramtest.Rights{ManageTopics: true})

	good := newCode(orgA, time.Now())
	tests := []struct {
		name  string
		group int64
		text  string
		want  string
	}{
		{"no code", groupA, "/link", "followed by the code"},
		{"unknown code", groupA, "/link ABCD-EFGH-JKMN", "not known"},
		{"expired code", groupA, "/link " + newCode(orgB, time.Now().Add(-25*time.Hour)), "has expired"},
		{"group without topics", plain, "/link " + good, "needs Topics turned on"},
		{"bot lacking rights", weak, "/link " + good, "right to manage topics"},
		{"good code, lower case and spaced", groupA, "/link " + strings.ToLower(strings.ReplaceAll(good, "-", " ")), "Linked: this group now receives conversations for Casa Norte"},
		{"linked group", groupA, "/link " + good, "already linked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.TopicText(tt.group, 0, worker, tt.text)
			h.groupSays(tt.group, tt.want)
			if fake.Left(tt.group) {
				t.Errorf("the bot left the group after %q", tt.text)
			}
		})
	}
	t.Run("used code", func(t *testing.T) {
		fake.Forum(other, "other")
		fake.AddBot(other, worker, true, telegramtest.Rights{ManageTopics: true})
		fake.TopicText(other, 0, worker, "/link "+good)
		h.groupSays(other, "has been used already")
	})
	t.Run("stranger's group", func(t *testing.T) {
		fake.Forum(stranger, "stranger")
		fake.AddBot(stranger, worker2, true, telegramtest.Rights{ManageTopics: true})
		fake.TopicText(stranger, 0, worker2, "hello bot")
		fake.Wait(t, "the bot to leave", func() bool { return fake.Left(stranger) })
		if got := fake.InTopic(stranger, 0); len(got) != 0 {
			t.Errorf("the bot wrote %d messages in a stranger's group", len(got))
		}
	})
	t.Run("unlink", func(t *testing.T) {
		fake.TopicText(groupA, 0, worker2, "/unlink")
		h.groupSays(groupA, "Only an administrator")
		fake.TopicText(groupA, 0, worker, "/unlink")
		h.groupSays(groupA, "Unlinked")
		fake.Wait(t, "the bot to leave", func() bool { return fake.Left(groupA) })
		if _, err := h.db.LinkByListing(ctx, orgA.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("link after /unlink: %v, want ErrNotFound", err)
		}
	})
}

// Ensure 50 messages each way arrive in order, the person's through copyMessage into the
// case's topic and the caseworkers' as the bot's own (protected) messages, and that
// caseworkers' messages in the general chat or another topic reach no one.
func TestRelayBothWays(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	other := h.openCase(person2, groupA, "") // a second case in the same group
	before := len(fake.BotMessages(person.ID))

	var toOrg, toPerson []string
	for i := range 50 {
		toOrg = append(toOrg, fmt.Sprintf("from the person %02d", i))
		toPerson = append(toPerson, fmt.Sprintf("from the organisation %02d", i))
	}
	for i := range 50 {
		fake.SendText(person, toOrg[i])
		fake.TopicText(groupA, thread, worker, toPerson[i])
		if i == 10 {
			fake.TopicText(groupA, 0, worker, "general chat, for colleagues")
			fake.TopicText(groupA, other, worker2, "for the other case")
		}
	}
	fake.Wait(t, "50 messages in the topic", func() bool { return len(h.topicTexts(groupA, thread)) >= 51 })
	fake.Wait(t, "50 messages to the person", func() bool { return len(relayed(fake, person.ID, before)) >= 50 })

	if got := h.topicTexts(groupA, thread)[1:]; !slices.Equal(got, toOrg) {
		t.Errorf("topic = %q, want %q", got, toOrg)
	}
	got := relayed(fake, person.ID, before)
	if !slices.Equal(got, toPerson) {
		t.Errorf("person got %q, want %q", got, toPerson)
	}
	for _, m := range fake.BotMessages(person.ID)[before:] {
		if !m.Protected {
			t.Errorf("relayed message %q was not protected", m.Text)
		}
	}
	for _, m := range fake.BotMessages(person2.ID) {
		if strings.Contains(m.Text, "general chat") || strings.Contains(m.Text, "from the") {
			t.Errorf("the other person got %q", m.Text)
		}
	}
	if n := len(h.topicTexts(groupA, other)); n != 1 {
		t.Errorf("other topic has %d messages, want only its card", n)
	}
	if copies := fake.Calls("forwardMessage"); len(copies) != 0 {
		t.Errorf("forwardMessage was called %d times", len(copies))
	}
}

// relayed is the text of the bot's messages to a person after the first skip, without the
// bot's own notes.
func relayed(fake *telegramtest.Server, chat int64, skip int) []string {
	var out []string
	for _, m := range fake.BotMessages(chat)[skip:] {
		if strings.HasPrefix(m.Text, "from the organisation") {
			out = append(out, m.Text)
		}
	}
	return out
}

var photo = map[string]any{"photo": []map[string]any{{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}}}

// Ensure a person's file reaches the organisation only after they confirm a warning about
// hidden details, and that locations and contacts are never passed on.
func TestFileNeedsConfirmation(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")

	fake.SendMessage(person, photo)
	h.screen(person, "hidden details")
	h.press(person, label(person, "cancel"))
	h.screen(person, "was not sent")
	fake.SendMessage(person, map[string]any{"voice": map[string]any{"file_id": "v", "file_unique_id": "v", "duration": 3}})
	warning := h.screen(person, "hidden details")
	fake.SendMessage(person, map[string]any{"location": map[string]any{"latitude": 51.5, "longitude": -0.1}})
	h.screen(person, "locations and contacts are not passed on")
	h.press(person, label(person, "send"))
	h.screen(person, "Sent.")
	fake.Wait(t, "the voice note in the topic", func() bool { return len(h.topicTexts(groupA, thread)) == 2 })
	if got := h.topicTexts(groupA, thread)[1]; got != "voice" {
		t.Errorf("topic got %q, want the voice note", got)
	}
	// The first warning's buttons are stale now: a button of the conversation's first screen
	// ("1.0", the engine's token for it) is refused where the warning was.
	fake.Press(person, warning.ID, "1.0")
	fake.Wait(t, "the stale button to be refused", func() bool {
		for _, m := range fake.Visible(person.ID) {
			if m.ID == warning.ID {
				return strings.Contains(m.Text, "no longer active") && fake.Unanswered(person.ID) == 0
			}
		}
		return false
	})
	if n := len(h.topicTexts(groupA, thread)); n != 2 {
		t.Errorf("topic has %d messages after a stale button, want 2", n)
	}
}

// Ensure each way a case ends closes it once, tells the other side and closes the topic:
// /close in the topic (the person can then say whether it helped: a count only), /end by
// the person, /exit (which also erases the person's chat and forgets who the case was), and
// blocking the bot.
func TestCaseEnds(t *testing.T) {
	tests := []struct {
		name      string
		end       func(h *harness, thread int)
		orgNote   string // in the topic
		personGot string // the person's last message
		forgotten bool   // who the case belonged to is forgotten at once
	}{
		{"close by the organisation", func(h *harness, thread int) { h.fake.TopicText(groupA, thread, worker, "/close") },
			"is closed. The person was told", "has closed this conversation", false},
		{"end by the person", func(h *harness, _ int) { h.fake.SendText(person, "/end") },
			"The person ended the conversation", "The conversation has ended", false},
		{"exit", func(h *harness, _ int) { h.fake.SendText(person, "/exit") },
			"The person left and erased their chat", "", true},
		{"blocking the bot", func(h *harness, _ int) { h.fake.Block(person) },
			"can no longer be reached", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := telegramtest.New(t)
			h := newHandoffHarness(t, fake)
			h.start()
			h.link(groupA, orgA, worker)
			thread := h.openCase(person, groupA, "")
			fake.SendText(person, "hello from the person")
			fake.TopicText(groupA, thread, worker, "from the organisation: hello")
			fake.Wait(t, "the reply", func() bool { return len(relayed(fake, person.ID, 0)) == 1 })

			tt.end(h, thread)
			fake.Wait(t, "the organisation's note", func() bool {
				ts := h.topicTexts(groupA, thread)
				return len(ts) > 0 && strings.Contains(ts[len(ts)-1], tt.orgNote)
			})
			fake.Wait(t, "the topic to close", func() bool {
				_, closed := fake.Topics(groupA)
				return closed[thread]
			})
			if tt.personGot != "" {
				h.screen(person, tt.personGot)
				if tt.name == "close by the organisation" {
					h.quietPreview(person)
				}
				h.press(person, label(person, "helpful"))
				h.screen(person, "Thank you")
				ratings, err := h.db.CaseRatings(context.Background())
				if err != nil || len(ratings) != 1 || ratings[0].Helpful != 1 || ratings[0].Unhelpful != 0 {
					t.Errorf("ratings = %+v, %v; want one helpful", ratings, err)
				}
			}
			if tt.name == "exit" {
				fake.Wait(t, "the person's chat to be erased", func() bool { return len(fake.Visible(person.ID)) == 1 })
			}
			forgotten := h.countWhere("cases", "person_key IS NULL")
			if got := forgotten == 1; got != tt.forgotten {
				t.Errorf("person forgotten = %v, want %v", got, tt.forgotten)
			}
			// Later messages in the topic reach no one.
			sent := len(fake.BotMessages(person.ID))
			fake.TopicText(groupA, thread, worker, "from the organisation: are you there?")
			fake.SendText(worker2, "/start") // anything, to know the update above was handled
			fake.Wait(t, "the updates to be handled", func() bool { return fake.Pending() == 0 && h.count("outbox") == 0 })
			if got := len(fake.BotMessages(person.ID)); got != sent {
				t.Errorf("the person got %d more messages after the case closed", got-sent)
			}
		})
	}
}

// Ensure two people with two organisations at once hear only from their own.
func TestTwoPeopleTwoOrganisations(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	h.link(groupB, orgB, worker2)
	threadA := h.openCase(person, groupA, orgA.Name)
	threadB := h.openCase(person2, groupB, orgB.Name)
	for i := range 10 {
		fake.SendText(person, fmt.Sprintf("A-person %d", i))
		fake.SendText(person2, fmt.Sprintf("B-person %d", i))
		fake.TopicText(groupA, threadA, worker, fmt.Sprintf("from the organisation A %d", i))
		fake.TopicText(groupB, threadB, worker2, fmt.Sprintf("from the organisation B %d", i))
	}
	fake.Wait(t, "everything to arrive", func() bool {
		return len(h.topicTexts(groupA, threadA)) == 11 && len(h.topicTexts(groupB, threadB)) == 11 &&
			len(relayed(fake, person.ID, 0)) == 10 && len(relayed(fake, person2.ID, 0)) == 10
	})
	check := func(what string, got []string, want string) {
		for _, s := range got {
			if !strings.Contains(s, want) {
				t.Errorf("%s got %q", what, s)
			}
		}
	}
	check("organisation A", h.topicTexts(groupA, threadA)[1:], "A-person")
	check("organisation B", h.topicTexts(groupB, threadB)[1:], "B-person")
	check("person A", relayed(fake, person.ID, 0), "organisation A")
	check("person B", relayed(fake, person2.ID, 0), "organisation B")
}

// Ensure an organisation's group budget is shared fairly by its cases: a burst from one
// person does not hold back another's message, and the person whose messages wait is told
// so once instead of hearing nothing.
func TestGroupBudgetShared(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.cfg.Limits.GroupChat = Rate{Every: 20 * time.Millisecond, Burst: 1}
	h.start()
	h.link(groupA, orgA, worker)
	threadA := h.openCase(person, groupA, "")
	threadB := h.openCase(person2, groupA, "")
	for i := range 30 {
		fake.SendText(person, fmt.Sprintf("burst %02d", i))
	}
	h.screen(person, "Sent, waiting for delivery")
	fake.SendText(person2, "just one")
	fake.Wait(t, "the burst to arrive", func() bool { return len(h.topicTexts(groupA, threadA)) == 31 })
	fake.Wait(t, "the other message to arrive", func() bool { return len(h.topicTexts(groupA, threadB)) == 2 })

	var order []string
	for _, m := range fake.BotMessages(groupA) {
		if m.Thread == threadA || m.Thread == threadB {
			order = append(order, m.Text)
		}
	}
	one, last := slices.Index(order, "just one"), slices.Index(order, "burst 29")
	if one > last-10 {
		t.Errorf("the other case's message went out at %d, the burst's last at %d: it waited for the burst", one, last)
	}
	waiting := 0
	for _, m := range fake.BotMessages(person.ID) {
		if strings.Contains(m.Text, "Sent, waiting for delivery") {
			waiting++
		}
	}
	if waiting != 1 {
		t.Errorf("the person was told %d times that messages wait, want once", waiting)
	}
}

// shiftedClock is the wall clock plus an offset the test moves forward: unlike clock, it
// keeps running, so the outbox's pacing does too.
type shiftedClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *shiftedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *shiftedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Ensure a case with no message for CaseIdle closes by itself with a note to both sides,
// and that CaseForget after it closed nothing about it is left.
func TestIdleCaseClosesAndIsForgotten(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	var c shiftedClock
	h.cfg.Now, h.cfg.SweepEvery = c.Now, 5*time.Millisecond
	h.cfg.CaseIdle = 14 * 24 * time.Hour
	// The janitor serve runs, here by hand: it forgets closed cases CaseForget after.
	janitor := h.db.WithClock(c.Now)
	rules := store.Retention(store.Periods{SessionIdle: 24 * time.Hour, CaseForget: 7 * 24 * time.Hour})
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	fake.SendText(person, "hello")
	fake.Wait(t, "the message in the topic", func() bool { return len(h.topicTexts(groupA, thread)) == 2 })

	c.Advance(13 * 24 * time.Hour)
	fake.SendText(person, "still here")
	fake.Wait(t, "the second message", func() bool { return len(h.topicTexts(groupA, thread)) == 3 })
	c.Advance(2 * 24 * time.Hour)
	if _, closed := fake.Topics(groupA); closed[thread] {
		t.Fatal("the case closed although a message went through it a day ago")
	}
	c.Advance(13 * 24 * time.Hour)
	h.screen(person, "no messages for a long time")
	h.quietPreview(person)
	fake.Wait(t, "the note in the topic", func() bool {
		ts := h.topicTexts(groupA, thread)
		return strings.Contains(ts[len(ts)-1], "closed by itself")
	})
	if h.count("cases") != 1 {
		t.Fatalf("cases = %d right after closing, want 1 (kept until CaseForget)", h.count("cases"))
	}
	c.Advance(8 * 24 * time.Hour)
	fake.Wait(t, "the case to be forgotten", func() bool {
		if _, err := janitor.Prune(context.Background(), rules); err != nil {
			t.Fatal(err)
		}
		return h.count("cases") == 0
	})
}

// Ensure a person's message is relayed exactly once when the process dies between taking
// it in and relaying it.
func TestRelayAfterCrash(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	fake.Wait(t, "the card", func() bool { return len(h.topicTexts(groupA, thread)) == 1 })

	var mu sync.Mutex
	down := true
	fake.SetFaults(func(method string, _ map[string]string) telegramtest.Fault {
		mu.Lock()
		defer mu.Unlock()
		if method == "copyMessage" && down {
			return telegramtest.Fault{Status: 500}
		}
		return telegramtest.Fault{}
	})
	fake.SendText(person, "only once, please")
	fake.Wait(t, "the update to be taken in and a relay tried", func() bool {
		return fake.Pending() == 0 && len(fake.Calls("copyMessage")) > 0
	})
	h.kill()
	mu.Lock()
	down = false
	mu.Unlock()
	if n := len(h.topicTexts(groupA, thread)); n != 1 {
		t.Fatalf("topic has %d messages before the restart, want only the card", n)
	}
	h.start()
	fake.Wait(t, "the relay", func() bool { return len(h.topicTexts(groupA, thread)) == 2 })
	fake.Wait(t, "the outbox to empty", func() bool { return h.count("outbox") == 0 })
	fake.SendText(person, "and this one")
	fake.Wait(t, "the next message", func() bool { return len(h.topicTexts(groupA, thread)) == 3 })
	if got, want := h.topicTexts(groupA, thread)[1:], []string{"only once, please", "and this one"}; !slices.Equal(got, want) {
		t.Errorf("topic = %q, want %q", got, want)
	}
}

// recorder is a telegramtest.Reporter that keeps the privacy check's findings.
type recorder struct {
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// Ensure the privacy check watches what the bot sends to organisations: a person whose first
// name happens to be a word of the case card ("London") trips it, so a real name or
// username on the card could not pass unnoticed.
func TestPrivacyAssertionFires(t *testing.T) {
	rec := &recorder{}
	fake := telegramtest.NewWith(t, rec)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	londoner := telegramtest.User{ID: 7394011111, FirstName: "London", LanguageCode: "en"}
	thread := h.openCase(londoner, groupA, "")
	fake.Wait(t, "the card", func() bool { return len(h.topicTexts(groupA, thread)) == 1 })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if got := strings.Join(rec.errs, "; "); !strings.Contains(got, "sendMessage to a group chat carries a user's first name in text") {
		t.Errorf("privacy check = %q, want it to fire on the card", got)
	}
}

// Ensure the service message Telegram sends when the bot is added does not make it leave a
// group that is about to send /link.
func TestServiceMessageIsNotAnAnswer(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	fake.Forum(groupA, orgA.Name)
	fake.AddBot(groupA, worker, true, telegramtest.Rights{ManageTopics: true})
	fake.Push("message", map[string]any{"message_id": 1, "date": time.Now().Unix(),
		"chat":             map[string]any{"id": groupA, "type": "supergroup", "title": "x", "is_forum": true},
		"from":             map[string]any{"id": worker.ID, "is_bot": false, "first_name": worker.FirstName},
		"new_chat_members": []map[string]any{{"id": telegramtest.BotID, "is_bot": true, "first_name": "Bot"}}})
	fake.Wait(t, "the updates to be handled", func() bool { return fake.Pending() == 0 })
	code, err := h.db.CreateLinkCode(context.Background(), h.keys, orgA.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fake.TopicText(groupA, 0, worker, "/link "+code)
	h.groupSays(groupA, "Linked")
}

// Ensure a person can share their Telegram username with the organisation of their case only
// by explicit choice, after being told what it means, take it back (the message holding it
// is deleted), and that leaving deletes it too. The fake's privacy check sees the username go
// to the group exactly when the person chose it.
func TestShareUsername(t *testing.T) {
	rec := &recorder{}
	fake := telegramtest.NewWith(t, rec)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	shared := func() (telegramtest.Message, bool) {
		for _, m := range fake.InTopic(groupA, thread) {
			if strings.Contains(m.Text, "@zoraida_q77") {
				return m, true
			}
		}
		return telegramtest.Message{}, false
	}

	h.press(person, "Share my username…")
	h.screen(person, "@zoraida_q77")
	h.press(person, "No, thanks")
	h.screen(person, "was not shared")
	rec.mu.Lock()
	early := slices.Clone(rec.errs)
	rec.mu.Unlock()
	if _, ok := shared(); ok || len(early) != 0 {
		t.Fatalf("the username reached the group without the person's yes: %q", early)
	}
	pressAny(h, person, "Share my username…")
	h.screen(person, "@zoraida_q77")
	h.press(person, "Yes, share it")
	h.screen(person, "can now see")
	fake.Wait(t, "the username to reach the topic", func() bool {
		_, ok := shared()
		return ok
	})
	h.press(person, "Stop sharing")
	h.screen(person, "your username was removed")
	fake.Wait(t, "the username to be deleted in the group", func() bool {
		m, ok := shared()
		return ok && m.Deleted
	})
	fake.Wait(t, "the note that it was taken back", func() bool {
		ts := h.topicTexts(groupA, thread)
		return strings.Contains(ts[len(ts)-1], "took back their username")
	})

	pressAny(h, person, "Stop sharing")
	h.screen(person, "not shared with anyone")
	fake.SendText(person, "/end")
	h.screen(person, "The conversation has ended")
	fake.Wait(t, "the case to close", func() bool { return h.count("cases WHERE closed_at IS NOT NULL") == 1 })
	fake.Press(person, 1, "Sa.00000000") // the share button of a case that is not theirs
	h.screen(person, "no longer active")

	rec.mu.Lock()
	for _, e := range rec.errs {
		// The username holds the first name, so the check names both.
		if !regexp.MustCompile(`^privacy: sendMessage to a group chat carries a user's (username|first name) in text$`).MatchString(e) {
			t.Errorf("privacy check fired for something else than the shared username: %s", e)
		}
	}
	if len(rec.errs) == 0 {
		t.Error("the privacy check did not see the shared username")
	}
	rec.mu.Unlock()

	t.Run("no username", func(t *testing.T) {
		anon := telegramtest.User{ID: 7394012222, FirstName: "Nadezhda", LanguageCode: "en"}
		h.openCase(anon, groupA, "")
		h.press(anon, "Share my username…")
		h.screen(anon, "You have no Telegram username")
	})
	t.Run("leaving deletes it", func(t *testing.T) {
		other := telegramtest.User{ID: 7394013333, FirstName: "Teodolinda", Username: "teo_lx4", LanguageCode: "en"}
		thread := h.openCase(other, groupA, "")
		h.press(other, "Share my username…")
		h.screen(other, "@teo_lx4")
		h.press(other, "Yes, share it")
		h.screen(other, "can now see")
		fake.SendText(other, "/exit")
		fake.Wait(t, "the username to be deleted in the group", func() bool {
			for _, m := range fake.InTopic(groupA, thread) {
				if strings.Contains(m.Text, "@teo_lx4") {
					return m.Deleted
				}
			}
			return false
		})
	})
}

// pressAny presses the newest button labelled label on any of the bot's visible messages.
func pressAny(h *harness, u telegramtest.User, label string) {
	h.t.Helper()
	ms := h.fake.Visible(u.ID)
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if ms[i].FromBot && b.Text == label {
					h.fake.Press(u, ms[i].ID, b.CallbackData)
					return
				}
			}
		}
	}
	h.t.Fatalf("no button %q in the chat", label)
}

// Ensure a group that removes the bot, or is unlinked by an administrator, closes its open
// cases and their people are told.
func TestGroupGoneClosesCases(t *testing.T) {
	tests := []struct {
		name string
		gone func(fake *telegramtest.Server)
	}{
		{"removed", func(fake *telegramtest.Server) { fake.RemoveBot(groupA, worker) }},
		{"unlinked", func(fake *telegramtest.Server) { fake.TopicText(groupA, 0, worker, "/unlink") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := telegramtest.New(t)
			h := newHandoffHarness(t, fake)
			h.start()
			h.link(groupA, orgA, worker)
			h.openCase(person, groupA, "")
			tt.gone(fake)
			h.screen(person, "no longer takes conversations here")
			h.quietPreview(person)
			fake.Wait(t, "the link to go", func() bool { return h.count("links") == 0 })
			fake.SendText(person, "hello?")
			fake.SendText(person, "/end")
			h.screen(person, "You are not talking to any organisation")
		})
	}
}

// Ensure what caseworkers write right after /link, before the bot answered, does not make it
// leave the group it is being linked to.
func TestChatRightAfterLink(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	fake.Forum(groupA, orgA.Name)
	fake.AddBot(groupA, worker, true, telegramtest.Rights{ManageTopics: true})
	code, err := h.db.CreateLinkCode(context.Background(), h.keys, orgA.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Sent before the bot starts, so they come in one batch.
	fake.TopicText(groupA, 0, worker, "/link "+code)
	fake.TopicText(groupA, 0, worker, "did it work?")
	h.start()
	h.groupSays(groupA, "Linked")
	h.openCase(person, groupA, "")
	if fake.Left(groupA) {
		t.Error("the bot left the group it was linked to")
	}
}

// Ensure that after a case (linking, messages both ways, a shared username, a rating) neither
// the database file, nor its WAL, nor anything logged holds the person's ids, name, username
// or what either side wrote, nor the group's chat id or the link code.
func TestHandoffKeepsNothingIdentifying(t *testing.T) {
	rec := &recorder{} // the username is shared on purpose: the fake's check would see it
	fake := telegramtest.NewWith(t, rec)
	h := newHandoffHarness(t, fake)
	h.start()
	fake.Forum(groupA, orgA.Name)
	fake.Admin(groupA, worker)
	fake.AddBot(groupA, worker, true, telegramtest.Rights{ManageTopics: true})
	code, err := h.db.CreateLinkCode(context.Background(), h.keys, orgA.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fake.TopicText(groupA, 0, worker, "/link "+code)
	h.groupSays(groupA, "Linked")
	thread := h.openCase(person, groupA, "")
	typed, reply := "my employer keeps my passport", "we can help with the passport"
	fake.SendText(person, typed)
	fake.TopicText(groupA, thread, worker, reply)
	h.screen(person, reply)
	pressAny(h, person, "Share my username…")
	h.screen(person, "Share your username?")
	h.press(person, "Yes, share it")
	h.screen(person, "can now see")
	fake.TopicText(groupA, thread, worker, "/close")
	h.screen(person, "has closed this conversation")
	h.press(person, label(person, "helpful"))
	h.screen(person, "Thank you")
	fake.Wait(t, "everything to be sent", func() bool { return h.count("outbox") == 0 && fake.Pending() == 0 })
	h.kill()

	group := groupA
	needles := map[string][]byte{
		"person's chat id":          []byte(strconv.FormatInt(person.ID, 10)),
		"person's chat id (binary)": binary.BigEndian.AppendUint64(nil, uint64(person.ID)),
		"group's chat id":           []byte(strconv.FormatInt(groupA, 10)),
		"group's chat id (binary)":  binary.BigEndian.AppendUint64(nil, uint64(group)),
		"first name":                []byte(person.FirstName),
		"last name":                 []byte(person.LastName),
		"username":                  []byte(person.Username),
		"caseworker's name":         []byte(worker.FirstName),
		"what either side wrote":    []byte("passport"),
		"link code":                 []byte(code),
		"link code (bare)":          []byte(store.NormalizeLinkCode(code)),
	}
	files, err := filepath.Glob(filepath.Join(h.dir, "puente.db*"))
	if err != nil {
		t.Fatal(err)
	}
	blobs := map[string][]byte{"the log": []byte(h.logs.String())}
	// Sealed values may hold chat ids (where the bot must write back), nothing else of these.
	for what, plain := range h.unsealed() {
		for name, needle := range needles {
			if !strings.Contains(name, "chat id") && bytes.Contains(plain, needle) {
				t.Errorf("%s holds the %s", what, name)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		blobs[filepath.Base(f)] = b
	}
	for what, data := range blobs {
		for name, needle := range needles {
			if bytes.Contains(data, needle) {
				t.Errorf("%s holds the %s", what, name)
			}
		}
	}
}

// Ensure every handoff screen has the Exit button, and that it erases the chat and, in a
// case, closes it like /exit.
func TestExitFromHandoffScreens(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	h.link(groupB, orgB, worker2)

	fake.SendText(person, "/start")
	h.screen(person, "Test Org")
	h.press(person, "At home")
	h.screen(person, "Someone at home")
	h.press(person, "Get help")
	h.screen(person, "Where are you?")
	h.press(person, "London")
	h.screen(person, "These can help.")
	h.press(person, "Contact them for me")
	h.screen(person, "Which organisation")
	h.press(person, "Menu")
	h.screen(person, "Test Org")

	thread := h.openCase(person, groupA, orgA.Name)
	fake.SendMessage(person, photo)
	h.screen(person, "hidden details")
	h.press(person, "Exit and erase")
	fake.Wait(t, "the chat to be erased", func() bool { return len(fake.Visible(person.ID)) == 1 })
	fake.Wait(t, "the organisation to be told", func() bool {
		ts := h.topicTexts(groupA, thread)
		return strings.Contains(ts[len(ts)-1], "The person left and erased their chat")
	})
	if n := len(h.topicTexts(groupA, thread)); n != 2 {
		t.Errorf("topic has %d messages, want the card and the note (the photo was never sent)", n)
	}
}

// Ensure what reaches a person from a case follows their /silent setting.
func TestRelayFollowsSilent(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	fake.SendText(person, "/silent")
	fake.Wait(t, "the silent notice", func() bool { m, _ := fake.Last(person.ID); return m.Silent })
	fake.TopicText(groupA, thread, worker, "from the organisation: quietly")
	fake.Wait(t, "the reply", func() bool { return len(relayed(fake, person.ID, 0)) == 1 })
	fake.TopicText(groupA, thread, worker, "/close")
	h.screen(person, "has closed this conversation")
	for _, m := range fake.BotMessages(person.ID) {
		if strings.Contains(m.Text, "from the organisation") || strings.Contains(m.Text, "has closed") {
			if !m.Silent {
				t.Errorf("%q came with sound after /silent", m.Text)
			}
		}
	}
}

// Ensure a person Telegram says the bot can no longer reach (403 with no update saying they
// blocked it: say, a deleted account) is forgotten by their cases too, at once, rather than
// only when the case is idle and forgotten weeks later.
func TestUnreachablePersonLeavesNoCase(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	fake.BlockQuietly(person)
	fake.TopicText(groupA, thread, worker, "from the organisation: hello")
	fake.Wait(t, "the copy to be refused", func() bool {
		for _, c := range fake.Calls("copyMessage") {
			if c.Status == 403 {
				return h.count("outbox") == 0
			}
		}
		return false
	})
	kept := h.countWhere("cases", "person_key IS NOT NULL OR person IS NOT NULL")
	if kept != 0 || h.count("sessions") != 0 {
		t.Errorf("after a 403, %d case(s) still know the person and %d session(s) are kept; want none", kept, h.count("sessions"))
	}
}

// panickyDirectory panics when asked for its listings while armed, to show a panic in a
// group's update is contained.
type panickyDirectory struct {
	testDirectory
	armed *atomic.Bool
}

func (d panickyDirectory) Listings() []*directory.Listing {
	if d.armed.Load() {
		panic("listings")
	}
	return d.testDirectory.Listings()
}

// Ensure a panic while handling an organisation group's update is recovered like a
// person's: the log says so without who or what, the update is not handled again (it would
// stop the intake at every start), and the bot goes on.
func TestGroupPanicIsContained(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	var armed atomic.Bool
	h.cfg.Directory = panickyDirectory{testDirectory: h.cfg.Directory.(testDirectory), armed: &armed}
	h.start()
	h.link(groupA, orgA, worker)
	h.openCase(person, groupA, "")
	armed.Store(true)
	fake.TopicText(groupA, 0, worker, "/unlink")
	fake.Wait(t, "the update to be confirmed", func() bool { return fake.Pending() == 0 && strings.Contains(h.logs.String(), "panicked") })
	armed.Store(false)
	fake.TopicText(groupA, 0, worker, "/unlink")
	h.screen(person, "no longer takes conversations here")
	logs := h.logs.String()
	for _, secret := range []string{strconv.FormatInt(groupA, 10), strconv.FormatInt(worker.ID, 10), worker.FirstName, worker.Username, strconv.FormatInt(person.ID, 10)} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// Ensure /exit forgets whose cases were the person's even when the organisation had closed
// the case already (it was kept for the rating, which exit erases with everything else).
func TestExitForgetsClosedCases(t *testing.T) {
	fake := telegramtest.New(t)
	h := newHandoffHarness(t, fake)
	h.start()
	h.link(groupA, orgA, worker)
	thread := h.openCase(person, groupA, "")
	fake.TopicText(groupA, thread, worker, "/close")
	h.screen(person, "has closed this conversation")
	fake.SendText(person, "/exit")
	fake.Wait(t, "the person's chat to be erased", func() bool { return len(fake.Visible(person.ID)) == 1 && h.count("outbox") == 0 })
	kept := h.countWhere("cases", "person_key IS NOT NULL OR person IS NOT NULL")
	if kept != 0 {
		t.Errorf("after /exit, %d closed case(s) still know the person; want none", kept)
	}
}

// Ensure leaving takes back a username the person shared even when the case had closed
// before they left: /exit and blocking the bot delete it from the organisation's topic.
func TestLeavingAfterCloseTakesBackUsername(t *testing.T) {
	tests := []struct {
		name  string
		leave func(fake *telegramtest.Server, u telegramtest.User)
	}{
		{"exit", func(fake *telegramtest.Server, u telegramtest.User) { fake.SendText(u, "/exit") }},
		{"blocking the bot", func(fake *telegramtest.Server, u telegramtest.User) { fake.Block(u) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{} // the username is shared on purpose: the fake's check would see it
			fake := telegramtest.NewWith(t, rec)
			h := newHandoffHarness(t, fake)
			h.start()
			h.link(groupA, orgA, worker)
			thread := h.openCase(person, groupA, "")
			h.press(person, "Share my username…")
			h.screen(person, "@zoraida_q77")
			h.press(person, "Yes, share it")
			h.screen(person, "can now see")
			fake.TopicText(groupA, thread, worker, "/close")
			h.screen(person, "has closed this conversation")
			tt.leave(fake, person)
			fake.Wait(t, "the username to be deleted in the group", func() bool {
				for _, m := range fake.InTopic(groupA, thread) {
					if strings.Contains(m.Text, "@zoraida_q77") {
						return m.Deleted
					}
				}
				return false
			})
		})
	}
}
