-- 003 rounds: assessment rounds (考核輪次) of a year's in-use indicator
-- system, the metrics frozen at compute, every unit's score per leaf with
-- its explanation, the records behind deductions and bonuses, and the
-- appeals (created here so that publishing can check them; the appeal
-- pages are appeal.c). See src/assessment/round.h and docs/DECISIONS.md.
CREATE TABLE assess_rounds (
	id @ID,
	system_id @BIGINT NOT NULL REFERENCES assess_systems(id),
	kind TEXT NOT NULL CHECK (kind IN ('mid_year', 'year_end')),
	name TEXT NOT NULL,
	period_from TEXT NOT NULL,
	period_to TEXT NOT NULL,
	self_due TEXT,
	appeal_days INTEGER NOT NULL DEFAULT 5,
	appeal_due TEXT,
	state TEXT NOT NULL CHECK (state IN ('open', 'review', 'appeal', 'published')),
	computed_at @BIGINT,
	announced_at @BIGINT,
	published_at @BIGINT,
	created_by @BIGINT REFERENCES users(id),
	created_at @BIGINT NOT NULL,
	-- grade thresholds, as a percentage of the unit's applicable maximum
	th_excellent DOUBLE PRECISION NOT NULL DEFAULT 90,
	th_good DOUBLE PRECISION NOT NULL DEFAULT 80,
	th_pass DOUBLE PRECISION NOT NULL DEFAULT 60
);
CREATE INDEX assess_rounds_system ON assess_rounds (system_id);

-- every unit scored in the round (active units of the tree at creation,
-- not 'post' or 'party_branch'); max_total: the sum of the leaves that
-- apply to its kind; parent_id: its nearest ancestor in the round
CREATE TABLE assess_round_units (
	round_id @BIGINT NOT NULL REFERENCES assess_rounds(id),
	unit_id @BIGINT NOT NULL REFERENCES units(id),
	unit_kind TEXT NOT NULL,
	own_total DOUBLE PRECISION,
	total DOUBLE PRECISION,
	grade TEXT,
	rank_in_kind INTEGER,
	vetoed INTEGER NOT NULL DEFAULT 0,
	veto_indicator_id @BIGINT,
	max_total DOUBLE PRECISION NOT NULL DEFAULT 0,
	parent_id @BIGINT,
	PRIMARY KEY (round_id, unit_id)
);
CREATE INDEX assess_round_units_rank ON assess_round_units (round_id, unit_kind, rank_in_kind);

-- the metrics frozen at compute (the unit's subtree over the round's period)
CREATE TABLE assess_round_values (
	round_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	metric TEXT NOT NULL,
	value DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (round_id, unit_id, metric)
);

-- one row per unit and leaf that applies to it; explanation: see round.h
CREATE TABLE assess_round_scores (
	round_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	indicator_id @BIGINT NOT NULL REFERENCES assess_indicators(id),
	max_points DOUBLE PRECISION NOT NULL,
	points DOUBLE PRECISION,
	source TEXT NOT NULL CHECK (source IN ('auto', 'manual', 'appeal')),
	explanation TEXT NOT NULL DEFAULT '',
	comment TEXT NOT NULL DEFAULT '',
	scored_by @BIGINT REFERENCES users(id),
	scored_at @BIGINT,
	PRIMARY KEY (round_id, unit_id, indicator_id)
);

-- the records behind a deduction or bonus leaf's metric, frozen at
-- compute (at most ASSESS_RECORDS_MAX per unit and metric)
CREATE TABLE assess_round_records (
	round_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	metric TEXT NOT NULL,
	path TEXT NOT NULL,
	title TEXT NOT NULL,
	day TEXT
);
CREATE INDEX assess_round_records_unit ON assess_round_records (round_id, unit_id, metric);

-- appeals of one leaf's score (appeal.c files and decides them; publish
-- is refused while one is 'submitted')
CREATE TABLE assess_appeals (
	id @ID,
	round_id @BIGINT NOT NULL REFERENCES assess_rounds(id),
	unit_id @BIGINT NOT NULL REFERENCES units(id),
	indicator_id @BIGINT NOT NULL REFERENCES assess_indicators(id),
	reason TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'upheld', 'rejected')),
	points_before DOUBLE PRECISION,
	points_after DOUBLE PRECISION,
	decision TEXT NOT NULL DEFAULT '',
	filed_by @BIGINT REFERENCES users(id),
	filed_at @BIGINT NOT NULL,
	decided_by @BIGINT REFERENCES users(id),
	decided_at @BIGINT
);
CREATE INDEX assess_appeals_round ON assess_appeals (round_id, state);
