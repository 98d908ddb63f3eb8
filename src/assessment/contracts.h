/* contracts.h — the annual responsibility contracts (年度責任狀): what
 * the rest of the assessment module may call (contracts.c).
 *
 * Tables (migrations/002_contracts.sql):
 *   assess_contracts (id, system_id, year, level, parent_id, issuer_unit_id,
 *     holder_unit_id, holder_person_id, state, targets, starts_on,
 *     verify_code, issued_by/at, issuer_signed_by/signer/at,
 *     holder_signed_by/signer/at, in_force_at, assessed_at)
 *     level 1: bureau → secondary unit; 2: secondary unit → department or
 *     window; 3: department or window → post (holder_person_id set)
 *     state: draft, issued, signed, in_force, assessed
 *   assess_contract_items (contract_id, indicator_id, points, target) */
#ifndef WM_ASSESS_CONTRACTS_H
#define WM_ASSESS_CONTRACTS_H

#include <stddef.h>
#include <stdint.h>

#include "../http/app.h"
#include "../http/http.h"

struct req;
struct db;
struct demo_options;

extern const struct route assess_contract_routes[];
/* Every hour: the signed contracts whose start date has come go in force. */
extern const struct job assess_contract_jobs[];

/* The home page's tile: how many contracts of this year wait for the
 * user's signature (nothing when none). */
void assess_contracts_home(struct req *r);

/* Puts in force every signed contract whose start date (starts_on) has
 * come, with one audit entry, in its own transaction (or the caller's).
 * The number of contracts, or a negative DB_E_* code. */
int assess_contracts_due(struct req *r);

/* Marks every signed or in-force contract of year as assessed (a year-end
 * round of that year was published), with an audit entry; call inside the
 * publishing transaction. The number of contracts marked (>= 0), or a
 * negative DB_E_* code. */
int assess_contracts_mark_assessed(struct req *r, int year);

/* Contracts for this year's system in use, signed at every level down to
 * a few posts per window, a couple still waiting for signatures
 * (assessment's demo calls it after the indicator systems). 0, or a
 * negative code with err filled. Runs in the caller's transaction. */
int assess_contracts_demo(struct db *db, int64_t system_id, int year, char *err, size_t errlen);

#endif
