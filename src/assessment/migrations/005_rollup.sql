-- 005 rollup: how much of a unit's score comes from its sub-units in a
-- round (src/assessment/scoring.c): a percentage, 0 (its own leaves only)
-- to 100 (the mean of its sub-units' only), per system; 50 for the systems
-- made before the setting, the rule rounds used until then.
ALTER TABLE assess_systems ADD COLUMN sub_share DOUBLE PRECISION NOT NULL DEFAULT 50;
