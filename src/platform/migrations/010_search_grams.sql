-- 010 search_grams: queries of one or two code points (a surname, a
-- two-character word) find the rows whose body contains them through an
-- index of each row's distinct 1- and 2-code-point grams of body; the
-- trigram indexes (003) cannot answer them, and a scan of every row of a
-- register was 268 ms at a million people. "body contains G" is exactly
-- "G is one of body's grams", so a lookup is complete: no match is dropped
-- (docs/DECISIONS.md, "Short searches").
-- @sqlite
-- A contentless FTS5 table, rowid = search_index.id, one document per row:
-- its grams hex-encoded (hex() of the UTF-8 bytes) and space-separated, so
-- that the ascii tokenizer makes each gram exactly one token whatever its
-- characters (unicode61 would split CJK, punctuation and spaces its own
-- way). A 1-gram's bytes are never a 2-gram's (UTF-8 is self-delimiting).
-- detail=none keeps only the rowids: 2.6 MB at 100k people, a quarter of a
-- (gram, id) table, and as fast. Kept by triggers on search_index, from
-- the view below; a contentless table deletes a row by its old tokens,
-- hence BEFORE DELETE and BEFORE UPDATE, while the row can still be read.
-- The insert goes into search_index_ai, which a bulk import drops and puts
-- back (src/search/search.c, bulk_begin), deferring both indexes at once.
CREATE VIRTUAL TABLE search_grams USING fts5(grams, content='', detail=none, tokenize='ascii');
-- The grams of each position, 1 and 2 code points (repeats are left in: a
-- token repeated in a detail=none document is stored once, and dropping
-- them with DISTINCT made an import's fill 2.6 times slower). Positions
-- 0 .. length(body) - 1 come from json_each over an array of that many
-- zeros (a trigger may not use WITH RECURSIVE).
CREATE VIEW search_index_grams (id, grams) AS
	SELECT s.id, (SELECT group_concat(hex(substr(s.body, j.key + 1, 1)) || ' ' || hex(substr(s.body, j.key + 1, 2)), ' ')
			FROM json_each('[' || rtrim(replace(hex(zeroblob(length(s.body))), '00', '0,'), ',') || ']') j)
	FROM search_index s;
INSERT INTO search_grams (rowid, grams) SELECT id, grams FROM search_index_grams;
DROP TRIGGER search_index_ai;
CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN
	INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
	INSERT INTO search_grams(rowid, grams) SELECT id, grams FROM search_index_grams WHERE id = new.id;
END;
CREATE TRIGGER search_grams_bd BEFORE DELETE ON search_index BEGIN
	INSERT INTO search_grams(search_grams, rowid, grams) SELECT 'delete', id, grams FROM search_index_grams WHERE id = old.id;
END;
CREATE TRIGGER search_grams_bu BEFORE UPDATE OF body ON search_index BEGIN
	INSERT INTO search_grams(search_grams, rowid, grams) SELECT 'delete', id, grams FROM search_index_grams WHERE id = old.id;
END;
CREATE TRIGGER search_grams_au AFTER UPDATE OF body ON search_index BEGIN
	INSERT INTO search_grams(rowid, grams) SELECT id, grams FROM search_index_grams WHERE id = new.id;
END;
-- @pg
-- An expression GIN index over the grams as a text[]: PostgreSQL keeps it
-- exact itself, nothing is stored in the table, and
-- search_grams(body) @> ARRAY[G] is an index lookup. substr and length
-- count code points in a UTF-8 database.
CREATE FUNCTION search_grams(body text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT ARRAY(SELECT DISTINCT substr(body, i, n) FROM generate_series(1, length(body)) i, (VALUES (1), (2)) k(n))
$$;
CREATE INDEX search_index_grams ON search_index USING gin (search_grams(body));
-- @both
