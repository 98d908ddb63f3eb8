-- 001 public: what the public portal (src/cases/portal.c) remembers of its
-- visitors to hold off abuse, in the database so that every server process
-- counts the same: one row per case filed from an address (kind 'submit',
-- with a hash of its description for the duplicate check) and per failed
-- tracking-code lookup (kind 'lookup_fail'). Rows older than two days are
-- deleted as new ones come; nothing here names a person.
CREATE TABLE case_portal_hits (
	id @ID,
	kind TEXT NOT NULL,
	ip TEXT NOT NULL,
	at @BIGINT NOT NULL,
	digest TEXT,
	category_id @BIGINT,
	case_id @BIGINT
);
CREATE INDEX case_portal_hits_ip ON case_portal_hits (kind, ip, at);
CREATE INDEX case_portal_hits_digest ON case_portal_hits (digest, at);
CREATE INDEX case_portal_hits_at ON case_portal_hits (at);
