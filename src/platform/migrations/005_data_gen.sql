-- 005 data_gen: one counter that every audited change bumps inside its own
-- transaction (audit_write). Cached lists and counts (src/core/cache.h) are
-- valid for one value of it, so a commit by any process invalidates them.
CREATE TABLE data_gen (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n @BIGINT NOT NULL
);
INSERT INTO data_gen (id, n) VALUES (1, 0);
