-- 008 unit_totals: how many records of each register a unit's whole
-- subtree owns, archived and not: the sum of unit_counts (007) over the
-- unit and every unit below it. A list filtered by a unit subtree counts by
-- reading one row instead of adding up the counts of every unit in the
-- subtree (781 of them under a secondary unit of the benchmark's bureau).
--
-- Kept exact by triggers on the two tables it is made of, so that nothing
-- else has to know about it: a change of unit_counts (a record saved,
-- moved, archived, restored, or recounted after an import) goes to every
-- ancestor of its unit (unit_tree); a unit_tree row that comes or goes (a
-- new unit, a move: src/org/units.c) adds or takes away the unit's own
-- counts at that ancestor. unit_counts rows only ever change their n.
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

-- @sqlite
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
-- search_path is fixed at creation: the functions run under whatever
-- search_path the writer has
CREATE FUNCTION unit_counts_totals() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE unit_totals SET n = n - OLD.n WHERE tbl = OLD.tbl AND archived = OLD.archived
			AND unit_id IN (SELECT ancestor_id FROM unit_tree WHERE unit_id = OLD.unit_id);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO unit_totals (tbl, unit_id, archived, n)
			SELECT NEW.tbl, a.ancestor_id, NEW.archived, NEW.n FROM unit_tree a WHERE a.unit_id = NEW.unit_id
			ON CONFLICT (tbl, unit_id, archived) DO UPDATE SET n = unit_totals.n + excluded.n;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER unit_counts_totals AFTER INSERT OR DELETE OR UPDATE OF n ON unit_counts
	FOR EACH ROW EXECUTE FUNCTION unit_counts_totals();
CREATE FUNCTION unit_tree_totals() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO unit_totals (tbl, unit_id, archived, n)
			SELECT c.tbl, NEW.ancestor_id, c.archived, c.n FROM unit_counts c WHERE c.unit_id = NEW.unit_id
			ON CONFLICT (tbl, unit_id, archived) DO UPDATE SET n = unit_totals.n + excluded.n;
	ELSE
		UPDATE unit_totals t SET n = t.n - c.n FROM unit_counts c
			WHERE c.unit_id = OLD.unit_id AND t.tbl = c.tbl AND t.archived = c.archived AND t.unit_id = OLD.ancestor_id;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER unit_tree_totals AFTER INSERT OR DELETE ON unit_tree
	FOR EACH ROW EXECUTE FUNCTION unit_tree_totals();
-- @both
