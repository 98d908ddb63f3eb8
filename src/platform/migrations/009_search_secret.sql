-- 009 search_secret: ID and phone numbers (FF_SENSITIVE fields) found by
-- the global search without being stored in the clear: one row per value,
-- its keyed hash (BLAKE2b keyed with the server secret, hex), kept by the
-- search index's observer (src/search/secret.c). A search for a whole
-- number finds its record; no part of a number can be searched for.
CREATE TABLE search_secret (
	type TEXT NOT NULL,
	record_id @BIGINT NOT NULL,
	digest TEXT NOT NULL
);
CREATE INDEX search_secret_digest ON search_secret(digest);
CREATE INDEX search_secret_record ON search_secret(type, record_id);
