-- A value derived from the master secret, written at the first start, so that a start with
-- another secret is refused instead of silently losing every link, session and deletion.
CREATE TABLE key_check (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value BLOB NOT NULL
) STRICT;
