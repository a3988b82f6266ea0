-- Organisation groups linked to a directory listing: the group receives that listing's
-- cases. chat_key is the lookup HMAC of the group's chat id; chat is the sealed chat id.
CREATE TABLE links (
	listing_id TEXT PRIMARY KEY,
	chat_key   BLOB NOT NULL UNIQUE,
	chat       BLOB NOT NULL,
	linked_at  INTEGER NOT NULL
) STRICT;

-- One-time codes a volunteer makes for a listing; a caseworker sends one in the group to
-- link it. Only the lookup HMAC of a code is kept, so the database alone links nothing.
-- A used or expired code stays until pruned, so it can be refused with a clear reason.
CREATE TABLE link_codes (
	code_key   BLOB PRIMARY KEY,
	listing_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
) STRICT;

CREATE INDEX link_codes_listing ON link_codes (listing_id);

-- Cases: one forum topic in an organisation's group per conversation. id is random (128
-- bits); code is the short alias the topic is named by; lang and need are what the
-- organisation's first card says, kept for the anonymous counts when the case closes. person_key is the lookup HMAC of
-- the person's chat and person the sealed chat id: both are cleared when the person leaves
-- or blocks the bot, and the row is deleted a set time after the case closed. rated is set
-- once the person said whether it helped, so a case is rated at most once.
CREATE TABLE cases (
	id         TEXT PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	listing_id TEXT NOT NULL,
	lang       TEXT NOT NULL,
	need       TEXT NOT NULL,
	group_key  BLOB NOT NULL,
	thread_id  INTEGER NOT NULL,
	person_key BLOB,
	person     BLOB,
	rated      INTEGER NOT NULL DEFAULT 0,
	opened_at  INTEGER NOT NULL,
	active_at  INTEGER NOT NULL,
	closed_at  INTEGER
) STRICT;

CREATE UNIQUE INDEX cases_topic ON cases (group_key, thread_id);
CREATE INDEX cases_person ON cases (person_key) WHERE closed_at IS NULL;
CREATE INDEX cases_active ON cases (active_at) WHERE closed_at IS NULL;
CREATE INDEX cases_closed ON cases (closed_at);

-- Whether people found a closed case helpful: counts per ISO week, nothing else.
CREATE TABLE case_ratings (
	week    TEXT NOT NULL,
	helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
	n       INTEGER NOT NULL,
	PRIMARY KEY (week, helpful)
) STRICT, WITHOUT ROWID;
