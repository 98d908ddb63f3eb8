-- 002 attendance days: the attendance statistics' running tally, so that
-- /learning/stats reads a few hundred rows instead of every attendance row
-- of the subtree (10,000 units and a million rows: 5 s → see
-- bench/RESULTS.md). One row per (unit, day, status) counting the
-- attendance rows of the sessions held that day, not archived, whose
-- person's unit (learning_attendance.unit_id) lies in that unit's subtree:
-- every row is counted at its unit and at each ancestor (unit_tree), so a
-- subtree's figures are the rows of one unit_id. status '' is "not
-- recorded". Kept exact in the same transaction as every attendance write
-- by learn_tally_session / learn_tally_row (src/learning/tally.c); the
-- session a row is counted under, and its day, are in learning_att_tallied
-- so that a session moved to another day or archived takes away what it
-- added. learn_tally_rebuild recounts everything (a unit moved; a database
-- made before this migration: `wenming learning-tally`). Migrations run
-- before the engine makes the registers' tables, so this one cannot.
CREATE TABLE learning_att_days (
	unit_id @BIGINT NOT NULL,
	held_on TEXT NOT NULL,
	status TEXT NOT NULL,
	n @BIGINT NOT NULL,
	PRIMARY KEY (unit_id, held_on, status)
);
CREATE TABLE learning_att_tallied (
	session_id @BIGINT PRIMARY KEY,
	held_on TEXT NOT NULL
);
-- each unit's parent when the tally was counted: a unit saved with another
-- parent (a move) has the tally recounted (tally.c)
CREATE TABLE learning_att_parents (
	unit_id @BIGINT PRIMARY KEY,
	parent_id @BIGINT
);
-- who missed most reads the missed rows only (absent, or not recorded: a
-- sixth of them), by unit, without visiting the table (0.32 → 0.15 s at a
-- million rows)
CREATE INDEX learning_attendance_missed ON learning_attendance (unit_id, session_id, person_id)
	WHERE status IS NULL OR status = 'absent';
