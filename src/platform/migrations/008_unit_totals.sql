-- 008 unit_totals (SQLite): how many records of each register a unit's
-- whole subtree owns, archived and not: the sum of unit_counts (007) over
-- the unit and every unit below it. A list filtered by a unit subtree counts
-- by reading one row instead of adding up the counts of every unit in the
-- subtree (781 of them under a secondary unit of the benchmark's bureau).
--
-- Kept exact by triggers on the two tables it is made of, so that nothing
-- else has to know about it: a change of unit_counts (a record saved,
-- moved, archived, restored, or recounted after an import) goes to every
-- ancestor of its unit (unit_tree); a unit_tree row that comes or goes (a
-- new unit, a move: src/org/units.c) adds or takes away the unit's own
-- counts at that ancestor. unit_counts rows only ever change their n
-- (src/records/schema.c).
--
-- Not on PostgreSQL: there every record written adds a version of its
-- ancestors' rows, and a row rewritten again and again in one transaction
-- costs more each time, so an import into one subtree grows with the square
-- of its rows (10,500 people: 7 s → over 30 s; a million spread over the
-- bureau would rewrite the root's row a million times). PostgreSQL adds up
-- unit_counts over the subtree (src/records/query.c). SQLite's large imports
-- suspend the per-row trigger and recount (src/records/import.c).
-- @sqlite
CREATE TABLE unit_totals (
	tbl TEXT NOT NULL,
	unit_id @BIGINT NOT NULL,
	archived INTEGER NOT NULL,
	n @BIGINT NOT NULL,
	PRIMARY KEY (tbl, unit_id, archived)
);
-- a unit_tree row finds its unit's counts through this
CREATE INDEX unit_counts_unit ON unit_counts(unit_id);
INSERT INTO unit_totals (tbl, unit_id, archived, n)
	SELECT c.tbl, a.ancestor_id, c.archived, sum(c.n) FROM unit_counts c JOIN unit_tree a ON a.unit_id = c.unit_id
	GROUP BY c.tbl, a.ancestor_id, c.archived;

CREATE TRIGGER unit_counts_totals_ai AFTER INSERT ON unit_counts BEGIN
	INSERT INTO unit_totals (tbl, unit_id, archived, n)
		SELECT new.tbl, a.ancestor_id, new.archived, new.n FROM unit_tree a WHERE a.unit_id = new.unit_id
		ON CONFLICT (tbl, unit_id, archived) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER unit_counts_totals_au AFTER UPDATE OF n ON unit_counts WHEN new.n <> old.n BEGIN
	UPDATE unit_totals SET n = n + new.n - old.n WHERE tbl = new.tbl AND archived = new.archived
		AND unit_id IN (SELECT ancestor_id FROM unit_tree WHERE unit_id = new.unit_id);
END;
CREATE TRIGGER unit_counts_totals_ad AFTER DELETE ON unit_counts BEGIN
	UPDATE unit_totals SET n = n - old.n WHERE tbl = old.tbl AND archived = old.archived
		AND unit_id IN (SELECT ancestor_id FROM unit_tree WHERE unit_id = old.unit_id);
END;
CREATE TRIGGER unit_tree_totals_ai AFTER INSERT ON unit_tree BEGIN
	INSERT INTO unit_totals (tbl, unit_id, archived, n)
		SELECT c.tbl, new.ancestor_id, c.archived, c.n FROM unit_counts c WHERE c.unit_id = new.unit_id
		ON CONFLICT (tbl, unit_id, archived) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER unit_tree_totals_ad AFTER DELETE ON unit_tree BEGIN
	UPDATE unit_totals SET n = unit_totals.n - c.n FROM unit_counts c WHERE c.unit_id = old.unit_id
		AND unit_totals.tbl = c.tbl AND unit_totals.archived = c.archived AND unit_totals.unit_id = old.ancestor_id;
END;
-- @pg
-- (a migration runs at least one statement: this one says the above where
-- the schema is read)
COMMENT ON TABLE unit_counts IS 'records per owning unit (migration 007); subtrees add them up: no unit_totals here (migration 008)';
-- @both
