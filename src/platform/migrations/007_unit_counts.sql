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
