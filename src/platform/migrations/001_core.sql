-- 001 core: settings, units, users, roles, sessions, API tokens,
-- sign-in throttling and the append-only audit log.
-- @ID and @BIGINT are replaced per backend; "-- @sqlite" / "-- @pg" start a
-- section for one backend only, "-- @both" ends it.

CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE units (
	id @ID,
	parent_id @BIGINT REFERENCES units(id),
	kind TEXT NOT NULL CHECK (kind IN ('bureau', 'secondary', 'department', 'window', 'post', 'party_branch')),
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	created_at @BIGINT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE users (
	id @ID,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	lang TEXT CHECK (lang IN ('zh-Hant', 'zh-Hans', 'en')),
	unit_id @BIGINT REFERENCES units(id),
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at @BIGINT NOT NULL,
	password_changed_at @BIGINT NOT NULL
);

CREATE TABLE user_roles (
	id @ID,
	user_id @BIGINT NOT NULL REFERENCES users(id),
	role TEXT NOT NULL CHECK (role IN ('admin', 'office', 'leader', 'unit_admin', 'staff', 'supervisor')),
	unit_id @BIGINT REFERENCES units(id) -- root of the scope; NULL for the whole organization
);
CREATE UNIQUE INDEX user_roles_unique ON user_roles(user_id, role, COALESCE(unit_id, 0));

CREATE TABLE sessions (
	id TEXT PRIMARY KEY, -- hash of the cookie value; the value itself is never stored
	user_id @BIGINT NOT NULL REFERENCES users(id),
	created_at @BIGINT NOT NULL,
	last_seen @BIGINT NOT NULL,
	ip TEXT NOT NULL,
	user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id @ID,
	user_id @BIGINT NOT NULL REFERENCES users(id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at @BIGINT NOT NULL,
	last_used_at @BIGINT,
	revoked_at @BIGINT
);

CREATE TABLE throttle (
	key TEXT PRIMARY KEY, -- 'user:NAME' or 'ip:ADDR'
	failures INTEGER NOT NULL,
	first_at @BIGINT NOT NULL,
	locked_until @BIGINT NOT NULL
);

CREATE TABLE audit (
	id @ID,
	at @BIGINT NOT NULL,
	user_id @BIGINT,
	username TEXT NOT NULL,
	ip TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	before_json TEXT,
	after_json TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_entity ON audit(entity, entity_id);

-- @sqlite
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
-- @pg
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit rows are append-only'; END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION audit_append_only();
-- @both
