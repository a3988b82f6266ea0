package bot

import "github.com/puente-bot/puente/store"

// relayFromPerson copies the person's message into their case's topic and, when the group's
// budget is spent, tells them it is waiting rather than leaving them in silence.
func (b *Bot) relayFromPerson(j *job, msgID int, lang string) {
	c := j.h.cs
	j.h.touched = append(j.h.touched, c.ID)
	j.h.out = append(j.h.out, keyed{key: c.GroupKey, req: toTopic(*c, j.h.group, request{Kind: kindCopy, From: j.chat, MessageID: msgID})})
	if b.ho.pace.reserve(string(c.GroupKey), c.ID, b.cfg.Now()) {
		b.say(j, lang, "handoff.waiting", nil, nil)
	}
}

// toTopic addresses r to case c's topic in its group, in the case's lane of the group's
// queue. While the case waits for its topic, r names the case instead of a thread: the outbox
// gives it the thread once the topic exists, and it waits in the lane behind the request
// that makes the topic, so nothing reaches the group before its topic.
func toTopic(c store.Case, group int64, r request) request {
	r.Chat, r.Group, r.Thread, r.Lane = group, true, int(c.ThreadID), c.Code
	if c.WaitingForTopic() {
		r.Case = c.ID
	}
	return r
}
