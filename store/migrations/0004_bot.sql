-- Telegram update ids already handled, so an update Telegram delivers again (after a crash
-- before the offset moved on) changes nothing twice. Kept 48 h: Telegram redelivers for 24 h.
CREATE TABLE updates (
	update_id INTEGER PRIMARY KEY,
	seen_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX updates_seen_at ON updates (seen_at);

-- Requests to the Bot API not yet confirmed by Telegram, in the order they were queued.
-- chat_key is the lookup HMAC of the chat; request is the sealed request (chat id and text
-- included). A row is deleted as soon as Telegram has accepted it.
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	chat_key   BLOB NOT NULL,
	request    BLOB NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX outbox_chat_key ON outbox (chat_key);

-- Ids of the messages of a private conversation (both sides) that the bot will delete: on
-- exit, or when they are older than the configured time (always under Telegram's 48 h).
-- chat is the sealed chat id, needed to call deleteMessages after the session is gone.
CREATE TABLE messages (
	chat_key   BLOB NOT NULL,
	message_id INTEGER NOT NULL,
	chat       BLOB NOT NULL,
	sent_at    INTEGER NOT NULL,
	PRIMARY KEY (chat_key, message_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX messages_sent_at ON messages (sent_at);
