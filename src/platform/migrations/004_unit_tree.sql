-- 004 unit_tree: the unit hierarchy as a closure table, one row for every
-- (ancestor, unit) pair including (unit, unit). "Units in X's subtree" is
-- then an index range: SELECT unit_id FROM unit_tree WHERE ancestor_id = X.
-- Kept by the units register's hook (src/platform/units.c).
CREATE TABLE unit_tree (
	ancestor_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	PRIMARY KEY (ancestor_id, unit_id)
);
CREATE INDEX unit_tree_unit ON unit_tree(unit_id);
WITH RECURSIVE up(anc, u) AS (
	SELECT id, id FROM units
	UNION ALL
	SELECT p.parent_id, up.u FROM up JOIN units p ON p.id = up.anc WHERE p.parent_id IS NOT NULL)
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT anc, u FROM up;
