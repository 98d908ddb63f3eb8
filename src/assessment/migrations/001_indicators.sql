-- 001 indicators: the yearly indicator systems (指標體系) and their trees
-- (src/assessment/systems.c). A system is one version of one year's
-- system: state draft (the office edits it), in_use (read by everyone,
-- never edited: a change is a new draft version, copied from it), or
-- superseded (an in-use version replaced by a newer one). At most one
-- draft and one in-use version per year. based_on: the system it was
-- copied from (the previous version, or last year's system).
CREATE TABLE assess_systems (
	id @ID,
	year INTEGER NOT NULL,
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('draft', 'in_use', 'superseded')),
	total_points DOUBLE PRECISION NOT NULL,
	based_on @BIGINT REFERENCES assess_systems(id),
	created_by @BIGINT REFERENCES users(id),
	created_at @BIGINT NOT NULL,
	activated_by @BIGINT REFERENCES users(id),
	activated_at @BIGINT,
	UNIQUE (year, version)
);
CREATE UNIQUE INDEX assess_systems_one_draft ON assess_systems (year) WHERE state = 'draft';
CREATE UNIQUE INDEX assess_systems_one_in_use ON assess_systems (year) WHERE state = 'in_use';

-- The tree: level 1 to 3 (一級 / 二級 / 三級), in position order under
-- its parent. An indicator without children is a leaf: it carries the
-- points and the scoring. origin_id: the indicator this one was copied
-- from, first of its line (its own id when new), so that contracts and
-- rounds can follow one indicator across versions and years.
-- evidence: the evidence methods, comma-separated (materials, site,
-- survey, opinions, report). method: manual, formula (formula), deduction
-- (metric × per_event, capped at max_points), bonus (bonus_levels:
-- "national=3,provincial=2,prefecture=1,county=0.5"), veto (formula is
-- the condition that makes the unit "not passed").
CREATE TABLE assess_indicators (
	id @ID,
	system_id @BIGINT NOT NULL REFERENCES assess_systems(id),
	parent_id @BIGINT REFERENCES assess_indicators(id),
	origin_id @BIGINT,
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	max_points DOUBLE PRECISION NOT NULL DEFAULT 0,
	standard TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL DEFAULT '',
	method TEXT NOT NULL DEFAULT 'manual' CHECK (method IN ('manual', 'formula', 'deduction', 'bonus', 'veto')),
	formula TEXT NOT NULL DEFAULT '',
	metric TEXT NOT NULL DEFAULT '',
	per_event DOUBLE PRECISION NOT NULL DEFAULT 0,
	bonus_levels TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assess_indicators_system ON assess_indicators (system_id, parent_id, position);

-- Points per unit kind where units differ: the leaf's maximum for a unit
-- of that kind (0: the leaf does not apply to it); kinds without a row
-- take the leaf's max_points.
CREATE TABLE assess_weights (
	indicator_id @BIGINT NOT NULL REFERENCES assess_indicators(id),
	unit_kind TEXT NOT NULL,
	max_points DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (indicator_id, unit_kind)
);
