package bot

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
