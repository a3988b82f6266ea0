-- A counter that every change to the directory bumps, so a running bot notices that
-- volunteers (on the web page, or with puente import in another process) changed listings.
INSERT OR IGNORE INTO directory_meta (key, value) VALUES ('version', '0');

CREATE TRIGGER directory_listings_version_insert AFTER INSERT ON directory_listings BEGIN
	UPDATE directory_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'version';
END;

CREATE TRIGGER directory_listings_version_update AFTER UPDATE ON directory_listings BEGIN
	UPDATE directory_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'version';
END;

CREATE TRIGGER directory_listings_version_delete AFTER DELETE ON directory_listings BEGIN
	UPDATE directory_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'version';
END;
