-- Volunteers' accounts for the web pages. No open sign-up: a row is made by `puente adduser`
-- or by an admin, and the person sets a password through a one-time link (invites).
-- password_hash is an argon2id PHC string, empty until the first link is used.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role          TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	disabled_at   INTEGER
) STRICT;

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy
-- of the database does not let anyone sign in.
CREATE TABLE web_sessions (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	seen_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- A one-time link to set a password, valid until expires_at. Only the token's SHA-256 is stored.
CREATE TABLE invites (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
) STRICT, WITHOUT ROWID;

-- The audit trail: what volunteers changed through the web pages (who, when, which fields,
-- before and after). It never holds anything about people using the bot.
CREATE TABLE audit (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
	actor       TEXT NOT NULL,
	action      TEXT NOT NULL,
	subject     TEXT NOT NULL,
	label       TEXT NOT NULL,
	changes     TEXT NOT NULL,
	revert_of   INTEGER REFERENCES audit (id),
	reverted_by INTEGER REFERENCES audit (id)
) STRICT;

CREATE INDEX audit_subject ON audit (subject, id);

-- Anonymous counts for reports: how many times an event happened per ISO week, language and
-- need. Nothing else about a conversation exists to count or show.
CREATE TABLE counts (
	week  TEXT NOT NULL,
	lang  TEXT NOT NULL,
	need  TEXT NOT NULL,
	event TEXT NOT NULL,
	n     INTEGER NOT NULL,
	PRIMARY KEY (week, lang, need, event)
) STRICT, WITHOUT ROWID;
