-- 001 appraisal: what the democratic appraisal keeps besides its registers
-- (questionnaires, questions, campaigns, pools, raters, appeals are record
-- types). Ballots are anonymous by construction: no table below links a
-- ballot, an answer or an opinion to a token, a rater, an address or a
-- time (docs/DECISIONS.md, "Appraisal ballots are anonymous").

-- a recorded stratified draw from a rater pool: the seed and the sizes
-- asked for per stratum (JSON), who drew and when, the rater ids chosen
CREATE TABLE appraisal_draws (
	id @ID,
	pool_id @BIGINT NOT NULL,
	seed TEXT NOT NULL,
	sizes TEXT NOT NULL,
	chosen TEXT NOT NULL,
	drawn_by @BIGINT,
	drawn_at @BIGINT NOT NULL
);
CREATE INDEX appraisal_draws_pool ON appraisal_draws (pool_id);

-- one-time ballot tokens: only the SHA-256 of the token, bound to a
-- campaign, a unit and a pool; used is set once, with no time
CREATE TABLE appraisal_tokens (
	id @ID,
	campaign_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	pool_id @BIGINT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX appraisal_tokens_campaign ON appraisal_tokens (campaign_id, pool_id, used);

-- a ballot: which campaign, unit and pool (NULL for a paper form) and the
-- channel ('token', 'paper'); nothing else
CREATE TABLE appraisal_ballots (
	id @ID,
	campaign_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	pool_id @BIGINT,
	channel TEXT NOT NULL
);
CREATE INDEX appraisal_ballots_unit ON appraisal_ballots (campaign_id, unit_id);

CREATE TABLE appraisal_answers (
	ballot_id @BIGINT NOT NULL,
	question_id @BIGINT NOT NULL,
	level INTEGER NOT NULL,
	PRIMARY KEY (ballot_id, question_id)
);

-- free-text opinions; the rectification module reads these four columns
CREATE TABLE appraisal_opinions (
	id @ID,
	campaign_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX appraisal_opinions_unit ON appraisal_opinions (campaign_id, unit_id);

-- the running tally, updated in the ballot's transaction: the results
-- read these, never the ballots
CREATE TABLE appraisal_tally (
	campaign_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	question_id @BIGINT NOT NULL,
	level INTEGER NOT NULL,
	n @BIGINT NOT NULL,
	PRIMARY KEY (campaign_id, unit_id, question_id, level)
);
CREATE TABLE appraisal_counts (
	campaign_id @BIGINT NOT NULL,
	unit_id @BIGINT NOT NULL,
	ballots @BIGINT NOT NULL,
	PRIMARY KEY (campaign_id, unit_id)
);
