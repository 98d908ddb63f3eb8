-- 003 search: one row per searchable record (people, units, every declared
-- register), kept by src/search/search.c. title is what pages show, in the
-- record's own script; title_norm and body are normalized (OpenCC t2s,
-- ASCII lower-cased, whitespace collapsed) so that Traditional and
-- Simplified queries meet. Queries of 3+ characters use a trigram index;
-- shorter ones scan the base table (a trigram index cannot answer them).
CREATE TABLE search_index (
	id @ID,
	type TEXT NOT NULL,        -- record type name: people, units, ...
	record_id @BIGINT NOT NULL,
	unit_id @BIGINT,           -- the owning unit, for the scope check
	owner_id @BIGINT,          -- the owning user, for ACC_OWN
	title TEXT NOT NULL,       -- as displayed
	title_norm TEXT NOT NULL,  -- normalized title: title matches rank first
	body TEXT NOT NULL,        -- normalized title and searchable fields
	UNIQUE (type, record_id)
);
CREATE INDEX search_index_unit ON search_index(unit_id);

-- @sqlite
-- External-content FTS5 over body; the triggers are the standard pattern
-- (an old row is removed with the 'delete' command and its old values).
CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_index', content_rowid='id', tokenize='trigram');
CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN
	INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN
	INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN
	INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
	INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
END;
-- @pg
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
-- create it. It goes to public so that dropping another schema cannot take
-- it away; when it exists already (in any schema) that one is used. Its
-- trigrams cover CJK text only under a UTF-8 LC_CTYPE (C.UTF-8, zh_CN.UTF-8):
-- under LC_CTYPE=C, LIKE stays correct but scans.
DO $$
DECLARE
	s text;
BEGIN
	SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_trgm';
	IF s IS NULL THEN
		IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
			CREATE EXTENSION pg_trgm WITH SCHEMA public;
		ELSE
			CREATE EXTENSION pg_trgm;
		END IF;
		SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
			WHERE e.extname = 'pg_trgm';
	END IF;
	EXECUTE format('CREATE INDEX search_index_body_trgm ON search_index USING gin (body %I.gin_trgm_ops)', s);
END
$$;
-- @both
