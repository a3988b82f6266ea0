// Package telegramtest is a fake Telegram Bot API server for tests: a real HTTP server that
// speaks the methods puente uses with Telegram's rules (getUpdates offsets and long polling,
// the 48-hour deletion window, 64-byte callback data, 4096-character texts), can fail or delay
// calls on demand, and fails the test if a request to a group chat carries a user's identity,
// or a request to a person someone else's.
package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// Reporter is the part of testing.TB the fake uses to fail a test from its own goroutines.
type Reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// BotID is the fake bot's user id.
const BotID = 1000000001

// User is a Telegram user who talks to the bot. The fake keeps every user it has seen so it
// can check that no request to a group carries one of them.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// Button is an inline keyboard button as the bot sent it.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
	CopyText     *struct {
		Text string `json:"text"`
	} `json:"copy_text,omitempty"`
}

// Message is a message in a chat, from either side.
type Message struct {
	ID        int
	ChatID    int64
	FromBot   bool
	Text      string
	Keyboard  [][]Button
	Date      time.Time
	Deleted   bool
	Edits     int
	Protected bool
	Silent    bool
	Thread    int    // the forum topic (message_thread_id); 0 for none
	Media     string // the kind of file ("photo", "voice"…); "" for text
	From      int64  // the sender, for messages people wrote in groups
}

// Call is one request the fake received.
type Call struct {
	Method string
	Params map[string]string
	Status int // the HTTP status answered
}

// Fault makes one call fail or wait. The zero Fault lets the call through.
type Fault struct {
	Status     int           // 429, 500, 502, 403…; 0 for none
	RetryAfter int           // seconds, with 429
	Delay      time.Duration // wait before answering (or failing)
	// Description replaces the error's description, as Telegram words it (which can name
	// the chat or echo what was sent).
	Description string
}

// FaultFunc decides for each call whether it fails.
type FaultFunc func(method string, params map[string]string) Fault

type chat struct {
	id       int64
	typ      string
	title    string
	msgs     []*Message
	blocked  bool
	left     bool
	kicked   bool
	nextMsg  int
	callback map[string]bool // callback query ids not yet answered
}

type update struct {
	id   int64
	body map[string]any
}

// Server is the fake Bot API. Its zero value is not usable; call New.
type Server struct {
	URL   string // base URL, for bot.WithServerURL and bot.Config.APIURL
	Token string

	rep Reporter
	srv *httptest.Server

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change, so waiters wake up
	offset     time.Duration // added to the wall clock, so tests can age messages
	nextUpdate int64
	pending    []update
	chats      map[int64]*chat
	users      map[int64]User
	calls      []Call
	requests   int // every request, kept also when lean
	lean       bool
	faults     FaultFunc
	onSend     func(Message)
	profile    map[string]string // "name/es" -> value, from setMyName etc.
	webhook    string
	nextCB     int
	forums     map[int64]*forum // forum supergroups, with their topics and admins
}

// New starts a fake on loopback; it is closed when the test ends.
func New(t testing.TB) *Server {
	return NewWith(t, t)
}

// NewWith is New with the privacy check reporting to rep instead of the test itself.
func NewWith(t testing.TB, rep Reporter) *Server {
	s := &Server{
		Token:      "123456:fake-token",
		rep:        rep,
		changed:    make(chan struct{}),
		nextUpdate: 100,
		chats:      make(map[int64]*chat),
		users:      make(map[int64]User),
		profile:    make(map[string]string),
		forums:     make(map[int64]*forum),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Lean makes the fake keep neither calls nor the text of messages (of a message the bot sent,
// nor its keyboard: an edit that changes nothing is not refused), nor look for other people
// in requests to a person, so a long benchmark measures the bot rather than the fake.
func (s *Server) Lean() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lean = true
}

// SetFaults installs f to decide which later calls fail; nil lets all through.
func (s *Server) SetFaults(f FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// OnSend calls f (outside the fake's lock) for every message the bot sends successfully.
func (s *Server) OnSend(f func(Message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onSend = f
}

// Advance moves the fake's clock forward, so messages age (for the 48-hour window).
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	s.changedLocked()
}

func (s *Server) now() time.Time { return time.Now().Add(s.offset) }

func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait blocks until cond is true, failing the test if it is not within 10 seconds. cond is
// evaluated again after every change the fake sees, and every few milliseconds for
// conditions on state the fake cannot see (the bot's database); it may call the fake's
// accessors.
func (s *Server) Wait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// privateChat returns the private chat with u, creating it and remembering u.
func (s *Server) privateChat(u User) *chat {
	s.users[u.ID] = u
	c, ok := s.chats[u.ID]
	if !ok {
		c = &chat{id: u.ID, typ: "private", callback: map[string]bool{}}
		s.chats[u.ID] = c
	}
	return c
}

// Meet registers u and their private chat without sending anything, for updates a test
// delivers itself (webhook mode).
func (s *Server) Meet(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privateChat(u)
}

// Group registers a group chat (id < 0) the bot was added to.
func (s *Server) Group(id int64, typ, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[id] = &chat{id: id, typ: typ, title: title, callback: map[string]bool{}}
}

func userJSON(u User) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName}
	if u.LastName != "" {
		m["last_name"] = u.LastName
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	if u.LanguageCode != "" {
		m["language_code"] = u.LanguageCode
	}
	return m
}

func (c *chat) json(s *Server) map[string]any {
	m := map[string]any{"id": c.id, "type": c.typ}
	if c.typ == "private" {
		u := s.users[c.id]
		m["first_name"] = u.FirstName
		if u.Username != "" {
			m["username"] = u.Username
		}
	} else {
		m["title"] = c.title
		if s.forums[c.id] != nil {
			m["is_forum"] = true
		}
	}
	return m
}

func (s *Server) addMessage(c *chat, fromBot bool, text string) *Message {
	c.nextMsg++
	m := &Message{ID: c.nextMsg, ChatID: c.id, FromBot: fromBot, Text: text, Date: s.now()}
	if s.lean {
		// Only the latest message is kept, for edits; its text is enough for a reply.
		c.msgs = append(c.msgs[:0], m)
		return m
	}
	c.msgs = append(c.msgs, m)
	return m
}

func (s *Server) push(kind string, body any) int64 {
	s.nextUpdate++
	s.pending = append(s.pending, update{id: s.nextUpdate, body: map[string]any{"update_id": s.nextUpdate, kind: body}})
	s.changedLocked()
	return s.nextUpdate
}

// SendText is u typing text to the bot in their private chat. Commands anywhere in the text
// get bot_command entities with UTF-16 offsets, as Telegram sends them. It returns the
// message id.
func (s *Server) SendText(u User, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChat(u)
	m := s.addMessage(c, false, text)
	body := map[string]any{"message_id": m.ID, "from": userJSON(u), "chat": c.json(s), "date": m.Date.Unix(), "text": text}
	if ents := commandEntities(text); len(ents) > 0 {
		body["entities"] = ents
	}
	s.push("message", body)
	return m.ID
}

// SendMessage is u sending something other than text (a sticker, a photo, a location…) in
// their private chat: fields are merged into the message. It returns the message id.
func (s *Server) SendMessage(u User, fields map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChat(u)
	m := s.addMessage(c, false, "")
	body := map[string]any{"message_id": m.ID, "from": userJSON(u), "chat": c.json(s), "date": m.Date.Unix()}
	for k, v := range fields {
		body[k] = v
		if k != "caption" && k != "text" {
			m.Media = k
		}
	}
	s.push("message", body)
	return m.ID
}

// EditText is u editing their message id to say text.
func (s *Server) EditText(u User, id int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChat(u)
	s.push("edited_message", map[string]any{"message_id": id, "from": userJSON(u), "chat": c.json(s),
		"date": s.now().Unix(), "edit_date": s.now().Unix(), "text": text})
}

// Press is u pressing a button with callback data on the bot's message id. It returns the
// callback query id.
func (s *Server) Press(u User, id int, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChat(u)
	s.nextCB++
	qid := "cb" + strconv.Itoa(s.nextCB)
	c.callback[qid] = true
	msg := map[string]any{"message_id": id, "chat": c.json(s), "date": s.now().Unix()}
	for _, m := range c.msgs {
		if m.ID == id {
			msg["text"] = m.Text
			msg["from"] = map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot"}
		}
	}
	s.push("callback_query", map[string]any{"id": qid, "from": userJSON(u), "message": msg,
		"chat_instance": "1", "data": data})
	return qid
}

// GroupText is u writing text in a group chat the bot is in.
func (s *Server) GroupText(group int64, u User, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	c, ok := s.chats[group]
	if !ok {
		c = &chat{id: group, typ: "group", title: "a group", callback: map[string]bool{}}
		s.chats[group] = c
	}
	m := s.addMessage(c, false, text)
	kind := "message"
	body := map[string]any{"message_id": m.ID, "chat": c.json(s), "date": m.Date.Unix(), "text": text}
	if c.typ == "channel" {
		kind = "channel_post"
	} else {
		body["from"] = userJSON(u)
	}
	s.push(kind, body)
}

// AddedToGroup is u adding the bot to a group chat (a my_chat_member update).
func (s *Server) AddedToGroup(group int64, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	c, ok := s.chats[group]
	if !ok {
		c = &chat{id: group, typ: "supergroup", title: "a group", callback: map[string]bool{}}
		s.chats[group] = c
	}
	c.left, c.kicked = false, false
	bot := map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot"}
	s.push("my_chat_member", map[string]any{"chat": c.json(s), "from": userJSON(u), "date": s.now().Unix(),
		"old_chat_member": map[string]any{"status": "left", "user": bot},
		"new_chat_member": map[string]any{"status": "member", "user": bot}})
}

// Block is u blocking the bot: later sends to u fail with 403, and the bot gets a
// my_chat_member update.
func (s *Server) Block(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChat(u)
	c.blocked = true
	bot := map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot"}
	s.push("my_chat_member", map[string]any{"chat": c.json(s), "from": userJSON(u), "date": s.now().Unix(),
		"old_chat_member": map[string]any{"status": "member", "user": bot},
		"new_chat_member": map[string]any{"status": "kicked", "user": bot, "until_date": 0}})
}

// Kick is u removing the bot from a group: later requests to it fail with 403, and the bot
// gets a my_chat_member update.
func (s *Server) Kick(group int64, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	c, ok := s.chats[group]
	if !ok {
		return
	}
	c.kicked = true
	bot := map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot"}
	s.push("my_chat_member", map[string]any{"chat": c.json(s), "from": userJSON(u), "date": s.now().Unix(),
		"old_chat_member": map[string]any{"status": "administrator", "user": bot},
		"new_chat_member": map[string]any{"status": "kicked", "user": bot, "until_date": 0}})
}

// BlockQuietly is u blocking the bot without the bot hearing of it: only sends fail.
func (s *Server) BlockQuietly(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privateChat(u).blocked = true
}

// Push queues a raw update (update_id is filled in) and returns its id.
func (s *Server) Push(kind string, body map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.push(kind, body)
}

// Pending is the number of updates not yet confirmed by the bot.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Messages returns a copy of every message of the chat, deleted ones included, in order.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	out := make([]Message, len(c.msgs))
	for i, m := range c.msgs {
		out[i] = *m
	}
	return out
}

// Visible returns the messages of the chat that are not deleted.
func (s *Server) Visible(chatID int64) []Message {
	var out []Message
	for _, m := range s.Messages(chatID) {
		if !m.Deleted {
			out = append(out, m)
		}
	}
	return out
}

// BotMessages returns the bot's messages in the chat, deleted ones included.
func (s *Server) BotMessages(chatID int64) []Message {
	var out []Message
	for _, m := range s.Messages(chatID) {
		if m.FromBot {
			out = append(out, m)
		}
	}
	return out
}

// Last returns the bot's last message in the chat that is not deleted.
func (s *Server) Last(chatID int64) (Message, bool) {
	ms := s.Visible(chatID)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].FromBot {
			return ms[i], true
		}
	}
	return Message{}, false
}

// Left says whether the bot left the chat.
func (s *Server) Left(chatID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	return ok && c.left
}

// Unanswered is the number of callback queries of the chat not answered yet.
func (s *Server) Unanswered(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return 0
	}
	return len(c.callback)
}

// Requests is how many requests the fake has answered, of any method, lean or not.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Calls returns the calls of method received so far (all calls if method is empty).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Profile returns what the bot set with setMyName etc.: kind is "name", "description",
// "short_description" or "commands", lang a language code or "" for the default.
func (s *Server) Profile(kind, lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profile[kind+"/"+lang]
}

// Webhook is the URL the bot set with setWebhook.
func (s *Server) Webhook() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// commandEntities finds /commands at the start of a word, with offsets in UTF-16 code units.
func commandEntities(text string) []map[string]any {
	var ents []map[string]any
	units := utf16.Encode([]rune(text))
	for i := 0; i < len(units); i++ {
		if units[i] != '/' || (i > 0 && units[i-1] != ' ' && units[i-1] != '\n') {
			continue
		}
		j := i + 1
		for j < len(units) && (units[j] == '_' || units[j] == '@' || (units[j] >= 'a' && units[j] <= 'z') ||
			(units[j] >= 'A' && units[j] <= 'Z') || (units[j] >= '0' && units[j] <= '9')) {
			j++
		}
		if j > i+1 {
			ents = append(ents, map[string]any{"type": "bot_command", "offset": i, "length": j - i})
		}
		i = j
	}
	return ents
}

// params reads a request's parameters from a multipart, urlencoded or JSON body. Values that
// are not strings keep their JSON text.
func params(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			if errors.Is(err, io.EOF) {
				// go-telegram/bot sends an empty multipart body for methods without parameters.
				return out, nil
			}
			return nil, err
		}
		if r.MultipartForm != nil {
			for k, v := range r.MultipartForm.Value {
				out[k] = v[0]
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			out[k] = v[0]
		}
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, err
		}
		for k, v := range m {
			var s string
			if json.Unmarshal(v, &s) == nil {
				out[k] = s
			} else {
				out[k] = string(v)
			}
		}
	case "":
	default:
		return nil, fmt.Errorf("unsupported content type %q", ct)
	}
	return out, nil
}

type apiError struct {
	status int
	desc   string
	retry  int
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+s.Token+"/")
	if !ok {
		writeJSON(w, 401, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	p, err := params(r)
	if err != nil {
		writeJSON(w, 400, map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	faults := s.faults
	s.mu.Unlock()
	var f Fault
	if faults != nil {
		f = faults(method, p)
	}
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	s.checkPrivacy(method, p)
	var result any
	var aerr *apiError
	if f.Status != 0 {
		aerr = &apiError{status: f.Status, desc: http.StatusText(f.Status), retry: f.RetryAfter}
		if f.Status == 429 {
			aerr.desc = "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter)
		}
		if f.Description != "" {
			aerr.desc = f.Description
		}
	} else if method == "getUpdates" {
		result, aerr = s.getUpdates(r, p)
	} else {
		var sent *Message
		s.mu.Lock()
		result, sent, aerr = s.call(method, p)
		onSend := s.onSend
		s.mu.Unlock()
		if sent != nil && onSend != nil {
			onSend(*sent)
		}
	}
	status := 200
	if aerr != nil {
		status = aerr.status
	}
	s.mu.Lock()
	s.requests++
	if !s.lean {
		s.calls = append(s.calls, Call{Method: method, Params: p, Status: status})
	}
	s.changedLocked()
	s.mu.Unlock()
	if aerr != nil {
		body := map[string]any{"ok": false, "error_code": aerr.status, "description": aerr.desc}
		if aerr.retry > 0 {
			body["parameters"] = map[string]any{"retry_after": aerr.retry}
		}
		writeJSON(w, aerr.status, body)
		return
	}
	writeJSON(w, 200, map[string]any{"ok": true, "result": result})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func bad(desc string) *apiError { return &apiError{status: 400, desc: "Bad Request: " + desc} }

// checkPrivacy fails the test if a request addressed to a group or channel contains the id,
// name, username or (regional) language code of any user the fake has seen, or a request to
// a person's private chat those of anyone else (another person, a caseworker).
func (s *Server) checkPrivacy(method string, p map[string]string) {
	id, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return
	}
	s.mu.Lock()
	c, ok := s.chats[id]
	if id > 0 && !ok {
		s.mu.Unlock()
		return
	}
	private := ok && c.typ == "private"
	if private && s.lean {
		// Benchmarks have thousands of people: a look at each per request would be most of
		// what they measure.
		s.mu.Unlock()
		return
	}
	to, whose := "a group chat", "a user's"
	if private {
		to, whose = "a person", "another user's"
	}
	users := make([]User, 0, len(s.users))
	for _, u := range s.users {
		if private && u.ID == id {
			continue // a person's own name may be said to them
		}
		users = append(users, u)
	}
	s.mu.Unlock()
	for name, v := range p {
		// copyMessage names the chat it copies from, but the copy carries no link to it: the
		// group never sees from_chat_id, unlike forwardMessage's forward_origin.
		if name == "chat_id" || (method == "copyMessage" && name == "from_chat_id") {
			continue
		}
		for _, u := range users {
			// A two-letter language code is in too many words to look for; a regional one
			// ("pt-br") is not, and hints at where someone is from.
			for field, needle := range map[string]string{"id": strconv.FormatInt(u.ID, 10), "first name": u.FirstName,
				"last name": u.LastName, "username": u.Username, "language code": u.LanguageCode} {
				if len(needle) >= 3 && strings.Contains(strings.ToLower(v), strings.ToLower(needle)) {
					s.rep.Helper()
					s.rep.Errorf("privacy: %s to %s carries %s %s in %s", method, to, whose, field, name)
				}
			}
		}
	}
}

func (s *Server) getUpdates(r *http.Request, p map[string]string) (any, *apiError) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.webhook != "" {
			s.mu.Unlock()
			return nil, &apiError{status: 409, desc: "Conflict: can't use getUpdates method while webhook is active"}
		}
		if offset > 0 {
			// Confirm every update below offset: Telegram forgets them.
			i := 0
			for i < len(s.pending) && s.pending[i].id < offset {
				i++
			}
			if i > 0 {
				clear(s.pending[:i]) // confirmed updates are forgotten, as by Telegram
				s.pending = s.pending[i:]
				s.changedLocked()
			}
		}
		if len(s.pending) > 0 || timeout <= 0 {
			n := min(limit, len(s.pending))
			out := make([]map[string]any, n)
			for i := range n {
				out[i] = s.pending[i].body
			}
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return []map[string]any{}, nil
		case <-r.Context().Done():
			return []map[string]any{}, nil
		}
	}
}

func (s *Server) chatOf(p map[string]string) (*chat, *apiError) {
	id, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, bad("chat_id is empty")
	}
	c, ok := s.chats[id]
	if !ok {
		return nil, bad("chat not found")
	}
	if c.left {
		return nil, &apiError{status: 403, desc: "Forbidden: bot is not a member of the " + c.typ + " chat"}
	}
	if c.kicked {
		return nil, &apiError{status: 403, desc: "Forbidden: bot was kicked from the " + c.typ + " chat"}
	}
	if c.blocked {
		return nil, &apiError{status: 403, desc: "Forbidden: bot was blocked by the user"}
	}
	return c, nil
}

func textLen(s string) int { return len(utf16.Encode([]rune(s))) }

// keyboard checks reply_markup the way Telegram does for inline keyboards.
func keyboard(raw string) ([][]Button, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, bad("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			kinds := 0
			if b.CallbackData != "" {
				kinds++
				if len(b.CallbackData) > 64 {
					return nil, bad("BUTTON_DATA_INVALID")
				}
			}
			if b.URL != "" {
				kinds++
			}
			if b.CopyText != nil {
				kinds++
				if b.CopyText.Text == "" {
					return nil, bad("BUTTON_COPY_TEXT_INVALID")
				}
			}
			if kinds != 1 || b.Text == "" {
				return nil, bad("BUTTON_TYPE_INVALID")
			}
		}
	}
	return m.InlineKeyboard, nil
}

func (s *Server) find(c *chat, id int) *Message {
	for _, m := range c.msgs {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// deletable applies Telegram's rules for bots: any message of a private chat, the bot's own
// in groups, and only within 48 hours.
func (s *Server) deletable(c *chat, m *Message) bool {
	return m != nil && !m.Deleted && s.now().Sub(m.Date) < 48*time.Hour && (c.typ == "private" || m.FromBot)
}

func (s *Server) call(method string, p map[string]string) (any, *Message, *apiError) {
	switch method {
	case "getMe":
		return map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot", "username": "fake_bot"}, nil, nil
	case "sendMessage":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		text := p["text"]
		if strings.TrimSpace(text) == "" {
			return nil, nil, bad("message text is empty")
		}
		if textLen(text) > 4096 {
			return nil, nil, bad("message is too long")
		}
		kb, aerr := keyboard(p["reply_markup"])
		if aerr != nil {
			return nil, nil, aerr
		}
		thread, aerr := s.thread(c, p)
		if aerr != nil {
			return nil, nil, aerr
		}
		m := s.addMessage(c, true, text)
		m.Keyboard = kb
		m.Thread = thread
		m.Protected = p["protect_content"] == "true"
		m.Silent = p["disable_notification"] == "true"
		sent := *m
		if s.lean {
			// Kept for every chat, a bot's screens and keyboards would make the fake's memory
			// grow with the size of what a bot sends, and count as the bot's.
			m.Text, m.Keyboard = "", nil
		}
		return map[string]any{"message_id": m.ID, "date": m.Date.Unix(), "chat": c.json(s), "text": text,
			"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot"}}, &sent, nil
	case "editMessageText":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		id, _ := strconv.Atoi(p["message_id"])
		m := s.find(c, id)
		if m == nil || m.Deleted || !m.FromBot {
			return nil, nil, bad("message to edit not found")
		}
		if textLen(p["text"]) > 4096 {
			return nil, nil, bad("message is too long")
		}
		if strings.TrimSpace(p["text"]) == "" {
			return nil, nil, bad("message text is empty")
		}
		kb, aerr := keyboard(p["reply_markup"])
		if aerr != nil {
			return nil, nil, aerr
		}
		before, _ := json.Marshal(m.Keyboard)
		after, _ := json.Marshal(kb)
		if m.Text == p["text"] && string(before) == string(after) {
			return nil, nil, bad("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
		}
		m.Text, m.Keyboard = p["text"], kb
		m.Edits++
		return map[string]any{"message_id": m.ID, "date": m.Date.Unix(), "chat": c.json(s), "text": m.Text}, nil, nil
	case "deleteMessage":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		id, _ := strconv.Atoi(p["message_id"])
		m := s.find(c, id)
		if !s.deletable(c, m) {
			return nil, nil, bad("message can't be deleted")
		}
		m.Deleted = true
		return true, nil, nil
	case "deleteMessages":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		var ids []int
		if err := json.Unmarshal([]byte(p["message_ids"]), &ids); err != nil || len(ids) < 1 || len(ids) > 100 {
			return nil, nil, bad("message_ids must hold 1 to 100 ids")
		}
		for _, id := range ids {
			if m := s.find(c, id); s.deletable(c, m) {
				m.Deleted = true
			}
		}
		return true, nil, nil
	case "answerCallbackQuery":
		id := p["callback_query_id"]
		for _, c := range s.chats {
			if c.callback[id] {
				delete(c.callback, id)
				return true, nil, nil
			}
		}
		return nil, nil, bad("query is too old and response timeout expired or query ID is invalid")
	case "leaveChat":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		if c.typ == "private" {
			return nil, nil, bad("chat member status can't be changed in private chats")
		}
		c.left = true
		return true, nil, nil
	case "setMyCommands":
		s.profile["commands/"+p["language_code"]] = p["commands"]
		return true, nil, nil
	case "getMyCommands":
		var cmds any = []any{}
		if v := s.profile["commands/"+p["language_code"]]; v != "" {
			cmds = json.RawMessage(v)
		}
		return cmds, nil, nil
	case "setMyName", "setMyDescription", "setMyShortDescription":
		kind := map[string]string{"setMyName": "name", "setMyDescription": "description", "setMyShortDescription": "short_description"}[method]
		s.profile[kind+"/"+p["language_code"]] = p[kind]
		return true, nil, nil
	case "getMyName", "getMyDescription", "getMyShortDescription":
		kind := map[string]string{"getMyName": "name", "getMyDescription": "description", "getMyShortDescription": "short_description"}[method]
		return map[string]any{kind: s.profile[kind+"/"+p["language_code"]]}, nil, nil
	case "setWebhook":
		if !strings.HasPrefix(p["url"], "https://") {
			return nil, nil, bad("bad webhook: An HTTPS URL must be provided for webhook")
		}
		s.webhook = p["url"]
		return true, nil, nil
	case "deleteWebhook":
		s.webhook = ""
		return true, nil, nil
	}
	return s.callForum(method, p)
}
