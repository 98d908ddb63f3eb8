-- Events of a register in a time range (Open311's servicerequestupdates,
-- the statistics' monthly figures) without reading every record's log.
CREATE INDEX record_events_at ON record_events (record_type, at);
