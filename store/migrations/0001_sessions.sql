-- A session is the conversation's state for one person on one channel. Its key is an HMAC of
-- the channel's own id for the person (never the id itself); its state is sealed with
-- AES-GCM. It is deleted after a configurable time without activity.
CREATE TABLE sessions (
	key     BLOB PRIMARY KEY,
	state   BLOB NOT NULL,
	seen_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_seen_at ON sessions (seen_at);
