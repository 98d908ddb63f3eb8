-- 004 round work: what the units write in a round and the state of their
-- submission (src/assessment/selfassess.c). assess_appeals is created in
-- 003; this adds its rule of one open appeal per unit and leaf.
--
-- assess_self: a unit's self-assessment of one leaf: text (at most 500
-- characters), links (local paths inside the application, one a line) and
-- evidence files in the engine's file store (files.record_type
-- 'assess_self', files.record_id = assess_self.id).
CREATE TABLE assess_self (
	id @ID,
	round_id @BIGINT NOT NULL REFERENCES assess_rounds(id),
	unit_id @BIGINT NOT NULL REFERENCES units(id),
	indicator_id @BIGINT NOT NULL REFERENCES assess_indicators(id),
	text TEXT NOT NULL DEFAULT '',
	links TEXT NOT NULL DEFAULT '',
	updated_by @BIGINT REFERENCES users(id),
	updated_at @BIGINT NOT NULL,
	UNIQUE (round_id, unit_id, indicator_id)
);

-- a unit's submission of its self-assessment: after it, the unit's
-- self-assessment no longer changes
CREATE TABLE assess_self_units (
	round_id @BIGINT NOT NULL REFERENCES assess_rounds(id),
	unit_id @BIGINT NOT NULL REFERENCES units(id),
	submitted_by @BIGINT REFERENCES users(id),
	submitted_at @BIGINT NOT NULL,
	PRIMARY KEY (round_id, unit_id)
);

CREATE UNIQUE INDEX assess_appeals_one_open ON assess_appeals (round_id, unit_id, indicator_id) WHERE state = 'submitted';
