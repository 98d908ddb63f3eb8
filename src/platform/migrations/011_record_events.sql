-- The event log of records with a workflow (records/workflow.h): one row
-- per step taken or event logged, in order. Append-only like the audit log.
CREATE TABLE record_events (
	id @ID,
	record_type TEXT NOT NULL,
	record_id @BIGINT NOT NULL,
	at @BIGINT NOT NULL,
	user_id @BIGINT,
	actor TEXT,
	side TEXT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT,
	reason TEXT,
	reply TEXT,
	note TEXT,
	data TEXT,
	is_public INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX record_events_record ON record_events (record_type, record_id, id);
