-- 007 unit_counts: how many records of each register each unit owns,
-- archived and not, kept by triggers that the records engine puts on every
-- register with an owning unit (src/records/schema.c). A list filtered by a
-- unit subtree then counts by adding the counts of the subtree's units
-- (unit_tree) instead of reading every record of it: at a million people a
-- secondary unit's 78,000 index entries.
CREATE TABLE unit_counts (
	tbl TEXT NOT NULL,
	unit_id @BIGINT NOT NULL,
	archived INTEGER NOT NULL,
	n @BIGINT NOT NULL,
	PRIMARY KEY (tbl, unit_id, archived)
);
-- @pg
-- One function for every register: TG_ARGV[0] names the unit column.
CREATE FUNCTION unit_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	ou bigint;
	nu bigint;
BEGIN
	IF TG_OP <> 'INSERT' THEN
		ou := (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		nu := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
	END IF;
	IF TG_OP = 'UPDATE' AND ou IS NOT DISTINCT FROM nu AND OLD.archived = NEW.archived THEN
		RETURN NULL;
	END IF;
	IF ou IS NOT NULL THEN
		UPDATE unit_counts SET n = n - 1 WHERE tbl = TG_TABLE_NAME AND unit_id = ou AND archived = OLD.archived;
	END IF;
	IF nu IS NOT NULL THEN
		INSERT INTO unit_counts (tbl, unit_id, archived, n) VALUES (TG_TABLE_NAME, nu, NEW.archived, 1)
		ON CONFLICT (tbl, unit_id, archived) DO UPDATE SET n = unit_counts.n + 1;
	END IF;
	RETURN NULL;
END
$$;
