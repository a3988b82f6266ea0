package telegramtest

import (
	"strconv"
	"strings"
)

// Rights are an administrator's rights in a group, as getChatAdministrators reports them.
type Rights struct {
	ManageTopics   bool
	DeleteMessages bool
}

// forum is a forum supergroup's state: its topics and its administrators.
type forum struct {
	topics    map[int]*topic
	admins    map[int64]bool // user ids of human administrators
	bot       string         // the bot's status: "member", "administrator" or "" when absent
	botRights Rights
}

type topic struct {
	name   string
	closed bool
}

// Forum registers a forum supergroup (id < 0): topics on, the bot not in it yet.
func (s *Server) Forum(id int64, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[id] = &chat{id: id, typ: "supergroup", title: title, callback: map[string]bool{}}
	s.forums[id] = &forum{topics: map[int]*topic{}, admins: map[int64]bool{}}
}

// Admin makes u an administrator of the forum (a caseworker who may /unlink).
func (s *Server) Admin(group int64, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	s.forums[group].admins[u.ID] = true
}

// AddBot is u adding the bot to the group as an administrator with rights (or as a plain
// member when admin is false): the bot gets a my_chat_member update.
func (s *Server) AddBot(group int64, u User, admin bool, rights Rights) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	c := s.chats[group]
	c.left = false
	status := "member"
	if admin {
		status = "administrator"
	}
	if f := s.forums[group]; f != nil {
		f.bot, f.botRights = status, rights
	}
	bot := map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot"}
	nm := map[string]any{"status": status, "user": bot}
	if admin {
		nm["can_manage_topics"] = rights.ManageTopics
		nm["can_delete_messages"] = rights.DeleteMessages
	}
	s.push("my_chat_member", map[string]any{"chat": c.json(s), "from": userJSON(u), "date": s.now().Unix(),
		"old_chat_member": map[string]any{"status": "left", "user": bot}, "new_chat_member": nm})
}

// TopicText is u writing text in a topic of a forum (thread 0 is the general chat). Commands
// get bot_command entities. It returns the message id.
func (s *Server) TopicText(group int64, thread int, u User, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	c := s.chats[group]
	m := s.addMessage(c, false, text)
	m.Thread, m.From = thread, u.ID
	body := map[string]any{"message_id": m.ID, "from": userJSON(u), "chat": c.json(s), "date": m.Date.Unix(), "text": text}
	if thread != 0 {
		body["message_thread_id"] = thread
		body["is_topic_message"] = true
	}
	if ents := commandEntities(text); len(ents) > 0 {
		body["entities"] = ents
	}
	s.push("message", body)
	return m.ID
}

// Topics returns the names of the forum's topics by thread id, and which are closed.
func (s *Server) Topics(group int64) (names map[int]string, closed map[int]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names, closed = map[int]string{}, map[int]bool{}
	if f := s.forums[group]; f != nil {
		for id, t := range f.topics {
			names[id], closed[id] = t.name, t.closed
		}
	}
	return names, closed
}

// InTopic returns the bot's messages in a topic of the group, in order.
func (s *Server) InTopic(group int64, thread int) []Message {
	var out []Message
	for _, m := range s.Messages(group) {
		if m.FromBot && m.Thread == thread {
			out = append(out, m)
		}
	}
	return out
}

// thread reads message_thread_id for a message to c: 0 when absent, else a topic of a forum.
func (s *Server) thread(c *chat, p map[string]string) (int, *apiError) {
	if p["message_thread_id"] == "" {
		return 0, nil
	}
	id, err := strconv.Atoi(p["message_thread_id"])
	f := s.forums[c.id]
	if err != nil || f == nil || f.topics[id] == nil {
		return 0, bad("message thread not found")
	}
	return id, nil
}

// callForum implements the methods of forum groups and copying: createForumTopic,
// closeForumTopic, getChatAdministrators, copyMessage.
func (s *Server) callForum(method string, p map[string]string) (any, *Message, *apiError) {
	switch method {
	case "createForumTopic", "closeForumTopic":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		f := s.forums[c.id]
		if f == nil {
			return nil, nil, bad("the chat is not a forum")
		}
		if f.bot != "administrator" || !f.botRights.ManageTopics {
			return nil, nil, bad("not enough rights to manage topics")
		}
		if method == "closeForumTopic" {
			id, _ := strconv.Atoi(p["message_thread_id"])
			t := f.topics[id]
			if t == nil {
				return nil, nil, bad("message thread not found")
			}
			if t.closed {
				return nil, nil, bad("TOPIC_NOT_MODIFIED")
			}
			t.closed = true
			return true, nil, nil
		}
		name := p["name"]
		if n := textLen(name); n < 1 || n > 128 {
			return nil, nil, bad("topic name must be 1-128 characters")
		}
		// The topic's first message is the service message "topic created".
		m := s.addMessage(c, true, "")
		f.topics[m.ID] = &topic{name: name}
		m.Thread = m.ID
		return map[string]any{"message_thread_id": m.ID, "name": name, "icon_color": 7322096}, nil, nil
	case "getChatAdministrators":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		if c.typ == "private" {
			return nil, nil, bad("there are no administrators in the private chat")
		}
		var out []map[string]any
		if f := s.forums[c.id]; f != nil {
			for id := range f.admins {
				u := s.users[id]
				out = append(out, map[string]any{"status": "administrator", "user": userJSON(u), "can_manage_topics": true})
			}
			if f.bot == "administrator" {
				out = append(out, map[string]any{"status": "administrator",
					"user":              map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot", "username": "fake_bot"},
					"can_manage_topics": f.botRights.ManageTopics, "can_delete_messages": f.botRights.DeleteMessages})
			}
		}
		return out, nil, nil
	case "copyMessage":
		c, aerr := s.chatOf(p)
		if aerr != nil {
			return nil, nil, aerr
		}
		fromID, err := strconv.ParseInt(p["from_chat_id"], 10, 64)
		from := s.chats[fromID]
		if err != nil || from == nil {
			return nil, nil, bad("chat not found")
		}
		id, _ := strconv.Atoi(p["message_id"])
		src := s.find(from, id)
		if src == nil && !s.lean || src != nil && src.Deleted {
			return nil, nil, bad("message to copy not found")
		}
		thread, aerr := s.thread(c, p)
		if aerr != nil {
			return nil, nil, aerr
		}
		var text, media string
		if src != nil {
			text, media = src.Text, src.Media
		}
		if strings.TrimSpace(text) == "" && media == "" && !s.lean {
			return nil, nil, bad("message can't be copied")
		}
		m := s.addMessage(c, true, text)
		m.Media, m.Thread = media, thread
		m.Protected = p["protect_content"] == "true"
		m.Silent = p["disable_notification"] == "true"
		sent := *m
		return map[string]any{"message_id": m.ID}, &sent, nil
	}
	return nil, nil, &apiError{status: 404, desc: "Not Found"}
}

// RemoveBot is u removing the bot from the group: the bot gets a my_chat_member update and
// can no longer write there.
func (s *Server) RemoveBot(group int64, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	c := s.chats[group]
	c.left = true
	if f := s.forums[group]; f != nil {
		f.bot = ""
	}
	bot := map[string]any{"id": BotID, "is_bot": true, "first_name": "Bot"}
	s.push("my_chat_member", map[string]any{"chat": c.json(s), "from": userJSON(u), "date": s.now().Unix(),
		"old_chat_member": map[string]any{"status": "administrator", "user": bot, "can_manage_topics": true},
		"new_chat_member": map[string]any{"status": "left", "user": bot}})
}
