package bot

// relayFromPerson copies the person's message into their case's topic and, when the group's
// budget is spent, tells them it is waiting rather than leaving them in silence.
func (b *Bot) relayFromPerson(j *job, msgID int, lang string) {
	c := j.handoff.openCase
	j.handoff.touched = append(j.handoff.touched, c.ID)
	j.handoff.out = append(j.handoff.out, otherChatRequest{key: c.GroupKey, req: toTopic(*c, j.handoff.group, request{Kind: kindCopy, From: j.chat, MessageID: msgID})})
	if b.handoff.pace.reserve(string(c.GroupKey), c.ID, b.cfg.Now()) {
		b.say(j, lang, "handoff.waiting", nil, nil)
	}
}
