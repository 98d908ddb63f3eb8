-- 001 attendance: who a study session requires and how each of them took
-- part (學習考勤). The study_sessions register is created by the records
-- engine from its declaration (src/learning/types.c); this table is the
-- module's own: one row per (session, person), made from the session's
-- audience (learn_sync_attendees). status NULL: not recorded yet; present,
-- late, excused (with a reason), absent. unit_id is the person's unit when
-- the row was made, so a transfer later does not move past attendance.
-- signed_at: set when the person signed in themselves by the QR link.
CREATE TABLE learning_attendance (
	id @ID,
	session_id @BIGINT NOT NULL,
	person_id @BIGINT NOT NULL,
	unit_id @BIGINT,
	status TEXT CHECK (status IN ('present', 'late', 'excused', 'absent')),
	reason TEXT,
	signed_at @BIGINT,
	recorded_by @BIGINT,
	updated_at @BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX learning_attendance_person ON learning_attendance (session_id, person_id);
CREATE INDEX learning_attendance_by_person ON learning_attendance (person_id, session_id);
CREATE INDEX learning_attendance_by_unit ON learning_attendance (unit_id, session_id, status);
