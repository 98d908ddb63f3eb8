-- 011 files: attached files (photos, scanned documents) kept in the database
-- itself, so that a backup of the database is a backup of everything.
-- A file belongs to a record (record_type, record_id), to a field of it
-- (a F_FILES field) or to one of its workflow events (event_id); until it
-- is attached (an upload through the API) record_id is NULL and only its
-- uploader may see it. The metadata comes first and the bytes last, so
-- that listing a record's files never reads the blobs.

CREATE TABLE files (
	id @ID,
	record_type TEXT,
	record_id @BIGINT,
	event_id @BIGINT,
	field TEXT,
	name TEXT NOT NULL,   -- the original name, sanitized, with the extension of its type
	mime TEXT NOT NULL,   -- found by content, never the client's word
	size @BIGINT NOT NULL,
	sha256 TEXT NOT NULL, -- hex; the ETag
	created_at @BIGINT NOT NULL,
	created_by @BIGINT REFERENCES users(id), -- NULL: the public
-- @sqlite
	thumb BLOB,           -- images: a re-encoded thumbnail (no EXIF / GPS), at most 320 px
	data BLOB NOT NULL
-- @pg
	thumb BYTEA,
	data BYTEA NOT NULL
-- @both
);
CREATE INDEX files_record ON files(record_type, record_id);
CREATE INDEX files_pending ON files(created_by, created_at) WHERE record_id IS NULL;
