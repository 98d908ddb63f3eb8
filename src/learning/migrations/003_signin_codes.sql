-- 003 sign-in codes: the one-time codes a clerk prints, one a required
-- attendee, for those who sign in to a study session without an account
-- (src/learning/sessions.c, "one-time sign-in codes"). Only the hash of a
-- code's canonical form is kept (src/core/onetime.h); a code names its
-- session and person and signs in once (used). Issuing again for a person
-- replaces their unused code.
CREATE TABLE learning_signin_codes (
	id @ID,
	session_id @BIGINT NOT NULL,
	person_id @BIGINT NOT NULL,
	hash TEXT NOT NULL,
	used INTEGER NOT NULL DEFAULT 0,
	created_at @BIGINT NOT NULL
);
CREATE UNIQUE INDEX learning_signin_codes_hash ON learning_signin_codes (session_id, hash);
CREATE UNIQUE INDEX learning_signin_codes_person ON learning_signin_codes (session_id, person_id);
