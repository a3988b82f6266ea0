-- The referral directory. A listing is kept as its canonical CSV record (column -> cell,
-- JSON), so the store and the spreadsheet can never disagree about a field; the columns
-- volunteers sort and filter on are copied out beside it.
CREATE TABLE directory_listings (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	status      TEXT NOT NULL,
	verified_at TEXT NOT NULL DEFAULT '',
	record      TEXT NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX directory_listings_name ON directory_listings (name);

-- Facts about the directory itself: "seeded" records that the starter directory was
-- loaded once, so it is not loaded again after volunteers remove listings.
CREATE TABLE directory_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
