-- 002 contracts: the annual responsibility contracts (年度責任狀) and their
-- indicators (src/assessment/contracts.c). The bureau issues a contract to
-- each secondary unit from the year's indicator system in use (level 1);
-- each unit decomposes its contract to its departments and windows
-- (level 2), and they to posts, held by one person each (level 3); a
-- child names the contract it was decomposed from (parent_id).
-- state: draft (the issuer edits it), issued (waiting for the signatures),
-- signed (both sides signed, not yet in force: starts_on is ahead), in_force,
-- assessed (a year-end round of the year was published).
-- A signature is the signatory's own confirmation: the account (NULL for
-- the demo's paper signatures), the name shown on the contract, the time.
-- verify_code: 12 characters (core/onetime.h alphabet) printed on the PDF,
-- for the public verification page.
CREATE TABLE assess_contracts (
	id @ID,
	system_id @BIGINT NOT NULL REFERENCES assess_systems(id),
	year INTEGER NOT NULL,
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
	parent_id @BIGINT REFERENCES assess_contracts(id),
	issuer_unit_id @BIGINT NOT NULL REFERENCES units(id),
	holder_unit_id @BIGINT NOT NULL REFERENCES units(id),
	holder_person_id @BIGINT, -- people(id): a register, created by the engine after the migrations
	state TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'signed', 'in_force', 'assessed')),
	targets TEXT NOT NULL DEFAULT '',
	starts_on TEXT,
	verify_code TEXT NOT NULL,
	created_by @BIGINT REFERENCES users(id),
	created_at @BIGINT NOT NULL,
	issued_by @BIGINT REFERENCES users(id),
	issued_at @BIGINT,
	issuer_signed_by @BIGINT REFERENCES users(id),
	issuer_signer TEXT,
	issuer_signed_at @BIGINT,
	holder_signed_by @BIGINT REFERENCES users(id),
	holder_signer TEXT,
	holder_signed_at @BIGINT,
	in_force_at @BIGINT,
	assessed_at @BIGINT
);
CREATE UNIQUE INDEX assess_contracts_code ON assess_contracts (verify_code);
-- one contract a year for a unit, and one for a person at their post
CREATE UNIQUE INDEX assess_contracts_holder ON assess_contracts (year, holder_unit_id, COALESCE(holder_person_id, 0));
CREATE INDEX assess_contracts_parent ON assess_contracts (parent_id);
CREATE INDEX assess_contracts_year ON assess_contracts (year, level, state);

-- The indicators a contract binds its holder to: a leaf or a branch of the
-- contract's system, the points it carries for this holder and the target
-- in words.
CREATE TABLE assess_contract_items (
	contract_id @BIGINT NOT NULL REFERENCES assess_contracts(id),
	indicator_id @BIGINT NOT NULL REFERENCES assess_indicators(id),
	points DOUBLE PRECISION NOT NULL,
	target TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (contract_id, indicator_id)
);
