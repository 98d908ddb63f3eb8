-- 001 rechecks: the random re-checks of closed rectification items
-- (src/rectification/rechecks.c). One row per draw: the month whose closed
-- items were drawn from, the seed, the size asked for (a number, or a
-- percentage of the pool), the pool (the candidate ids in order, as text
-- "12,15,31") and the ids chosen, who drew and when. Anyone can run the
-- draw again from seed and pool (splitmix64, rect_sample) and get the
-- same ids: the page does, and says so.
CREATE TABLE rect_recheck_draws (
	id @ID,
	month TEXT NOT NULL,
	seed TEXT NOT NULL,
	size_kind TEXT NOT NULL CHECK (size_kind IN ('n', 'pct')),
	size_value INTEGER NOT NULL,
	pool TEXT NOT NULL,
	pool_size INTEGER NOT NULL,
	chosen TEXT NOT NULL,
	drawn_by @BIGINT REFERENCES users(id),
	drawn_at @BIGINT NOT NULL
);
CREATE INDEX rect_recheck_draws_month ON rect_recheck_draws (month);
