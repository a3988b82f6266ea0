-- Links a volunteer asked to remove (puente link --unlink, or the listing's page), say one
-- whose group the bot can no longer reach. The bot removes them, closes their cases and
-- tells the group when it can.
CREATE TABLE unlink_requests (
	listing_id   TEXT PRIMARY KEY,
	requested_at INTEGER NOT NULL
) STRICT;
