-- 012 workdays: the working-day calendar as data. A year is covered only
-- when it is listed in workday_years (its holidays were published by the
-- State Council and entered); workdays lists its statutory holidays and its
-- make-up working days (調休). Any other day is a working day when it is
-- Monday..Friday. Loaded and cached by src/platform/workdays.c; edited at
-- /admin/calendar and by `wenming calendar import`, which also change
-- meta's workdays_gen so that every process reloads.
-- 2025 and 2026 are the facts of src/core/cn-workdays.tsv, copied here once
-- (a migration must mean the same thing forever; docs/DECISIONS.md).
CREATE TABLE workday_years (
	year INTEGER PRIMARY KEY,
	note TEXT NOT NULL DEFAULT '',
	updated_at @BIGINT NOT NULL
);
CREATE TABLE workdays (
	day TEXT PRIMARY KEY CHECK (length(day) = 10), -- YYYY-MM-DD
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'makeup_workday')),
	name TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('workdays_gen', 'seed');
INSERT INTO workday_years (year, note, updated_at) VALUES
	(2025, '國務院辦公廳關於2025年部分節假日安排的通知（2024-11-12）', 0),
	(2026, '國務院辦公廳關於2026年部分節假日安排的通知（2025-11-04）', 0);
INSERT INTO workdays (day, kind, name) VALUES
	('2025-01-01', 'holiday', '元旦'),
	('2025-01-26', 'makeup_workday', '春節'),
	('2025-01-28', 'holiday', '春節'),
	('2025-01-29', 'holiday', '春節'),
	('2025-01-30', 'holiday', '春節'),
	('2025-01-31', 'holiday', '春節'),
	('2025-02-01', 'holiday', '春節'),
	('2025-02-02', 'holiday', '春節'),
	('2025-02-03', 'holiday', '春節'),
	('2025-02-04', 'holiday', '春節'),
	('2025-02-08', 'makeup_workday', '春節'),
	('2025-04-04', 'holiday', '清明節'),
	('2025-04-05', 'holiday', '清明節'),
	('2025-04-06', 'holiday', '清明節'),
	('2025-04-27', 'makeup_workday', '勞動節'),
	('2025-05-01', 'holiday', '勞動節'),
	('2025-05-02', 'holiday', '勞動節'),
	('2025-05-03', 'holiday', '勞動節'),
	('2025-05-04', 'holiday', '勞動節'),
	('2025-05-05', 'holiday', '勞動節'),
	('2025-05-31', 'holiday', '端午節'),
	('2025-06-01', 'holiday', '端午節'),
	('2025-06-02', 'holiday', '端午節'),
	('2025-09-28', 'makeup_workday', '國慶節、中秋節'),
	('2025-10-01', 'holiday', '國慶節、中秋節'),
	('2025-10-02', 'holiday', '國慶節、中秋節'),
	('2025-10-03', 'holiday', '國慶節、中秋節'),
	('2025-10-04', 'holiday', '國慶節、中秋節'),
	('2025-10-05', 'holiday', '國慶節、中秋節'),
	('2025-10-06', 'holiday', '國慶節、中秋節'),
	('2025-10-07', 'holiday', '國慶節、中秋節'),
	('2025-10-08', 'holiday', '國慶節、中秋節'),
	('2025-10-11', 'makeup_workday', '國慶節、中秋節'),
	('2026-01-01', 'holiday', '元旦'),
	('2026-01-02', 'holiday', '元旦'),
	('2026-01-03', 'holiday', '元旦'),
	('2026-01-04', 'makeup_workday', '元旦'),
	('2026-02-14', 'makeup_workday', '春節'),
	('2026-02-15', 'holiday', '春節'),
	('2026-02-16', 'holiday', '春節'),
	('2026-02-17', 'holiday', '春節'),
	('2026-02-18', 'holiday', '春節'),
	('2026-02-19', 'holiday', '春節'),
	('2026-02-20', 'holiday', '春節'),
	('2026-02-21', 'holiday', '春節'),
	('2026-02-22', 'holiday', '春節'),
	('2026-02-23', 'holiday', '春節'),
	('2026-02-28', 'makeup_workday', '春節'),
	('2026-04-04', 'holiday', '清明節'),
	('2026-04-05', 'holiday', '清明節'),
	('2026-04-06', 'holiday', '清明節'),
	('2026-05-01', 'holiday', '勞動節'),
	('2026-05-02', 'holiday', '勞動節'),
	('2026-05-03', 'holiday', '勞動節'),
	('2026-05-04', 'holiday', '勞動節'),
	('2026-05-05', 'holiday', '勞動節'),
	('2026-05-09', 'makeup_workday', '勞動節'),
	('2026-06-19', 'holiday', '端午節'),
	('2026-06-20', 'holiday', '端午節'),
	('2026-06-21', 'holiday', '端午節'),
	('2026-09-20', 'makeup_workday', '國慶節'),
	('2026-09-25', 'holiday', '中秋節'),
	('2026-09-26', 'holiday', '中秋節'),
	('2026-09-27', 'holiday', '中秋節'),
	('2026-10-01', 'holiday', '國慶節'),
	('2026-10-02', 'holiday', '國慶節'),
	('2026-10-03', 'holiday', '國慶節'),
	('2026-10-04', 'holiday', '國慶節'),
	('2026-10-05', 'holiday', '國慶節'),
	('2026-10-06', 'holiday', '國慶節'),
	('2026-10-07', 'holiday', '國慶節'),
	('2026-10-10', 'makeup_workday', '國慶節');
