/* contracts_demo.c — the contracts of `wenming demo`: this year's system in
 * use issued by the bureau to every secondary unit, decomposed to each
 * one's departments and windows, and each window's to three of its posts,
 * all signed on paper in January (the signatories are the units' heads,
 * units.head_person_id; the demo has no accounts) and in force — but
 * for two windows whose heads have not signed yet (the "unsigned" list is
 * not empty) and one post. Plain SQL in the caller's transaction: about a
 * hundred contracts, their items copied with INSERT … SELECT. */
#include "../core/onetime.h"
#include "../db/db.h"
#include "assessment.h"
#include "contracts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define HEAD_ORDER                                                                                                      \
	"ORDER BY CASE WHEN position LIKE '%副%' THEN 2 WHEN position LIKE '%長%' OR position LIKE '%主任' THEN 0 " \
	"ELSE "                                                                                                         \
	"1 END, id LIMIT 1"

static const char *const targets =
	"全面完成本年度文明創建各項指標，保持並爭創更高級別文明單位稱號；全年無一票否決事項，考核達到良好以上。";

/* One contract and its items; signed: 2 both sides, 1 the issuer only.
 * The id, or a negative code. */
static int64_t demo_contract(struct db *db, int64_t sys, int year, int level, int64_t parent, int64_t issuer,
			     int64_t holder, int64_t person, int64_t at, int signed_)
{
	char code[16];
	onetime_make(code, 12, 0);
	const char *head =
		"SELECT name FROM people WHERE unit_id = ? AND status = 'active' AND archived = 0 " HEAD_ORDER;
	struct arena a;
	arena_init(&a);
	/* the unit's head signs; without one, whoever leads it by title */
	const char *named = "SELECT p.name FROM units u JOIN people p ON p.id = u.head_person_id WHERE u.id = ?";
	char *isigner = db_one_text(db, &a, named, "i", issuer);
	if (!isigner)
		isigner = db_one_text(db, &a, head, "i", issuer);
	char *hsigner = person ? db_one_text(db, &a, "SELECT name FROM people WHERE id = ?", "i", person)
			       : db_one_text(db, &a, named, "i", holder);
	if (!hsigner)
		hsigner = db_one_text(db, &a, head, "i", holder);
	int64_t id = db_insert(
		db,
		"INSERT INTO assess_contracts (system_id, year, level, parent_id, issuer_unit_id, holder_unit_id, "
		"holder_person_id, state, targets, starts_on, verify_code, created_at, issued_at, issuer_signer, "
		"issuer_signed_at, holder_signer, holder_signed_at, in_force_at) VALUES (?, ?, ?, NULLIF(CAST(? AS "
		"BIGINT), 0), ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iiiiiiissssiisisii", sys, (int64_t)year, (int64_t)level, parent, issuer, holder, person,
		signed_ == 2 ? "in_force" : "issued", targets, NULL, code, at - 86400, at - 86400,
		isigner ? isigner : "—", at, signed_ == 2 ? (hsigner ? hsigner : "—") : NULL,
		signed_ == 2 ? at + 3600 : 0, signed_ == 2 ? at + 3600 : 0);
	if (id < 0) {
		arena_free(&a);
		return id;
	}
	/* NULLs for what has not happened */
	int rc = db_run(db,
			"UPDATE assess_contracts SET holder_signed_at = NULLIF(holder_signed_at, 0), "
			"in_force_at = NULLIF(in_force_at, 0) WHERE id = ?",
			"i", id);
	const char *kind = person ? "post" : NULL;
	if (!kind)
		kind = db_one_text(db, &a, "SELECT kind FROM units WHERE id = ?", "i", holder);
	if (!rc)
		rc = level == 1
			     ? db_run(db,
				      "INSERT INTO assess_contract_items (contract_id, indicator_id, points, target) "
				      "SELECT ?, i.id, COALESCE(w.max_points, i.max_points), '' FROM assess_indicators "
				      "i "
				      "LEFT JOIN assess_weights w ON w.indicator_id = i.id AND w.unit_kind = ? WHERE "
				      "i.system_id = ? AND NOT EXISTS (SELECT 1 FROM assess_indicators k WHERE "
				      "k.parent_id "
				      "= i.id) AND (w.max_points IS NULL OR w.max_points > 0)",
				      "isi", id, kind ? kind : "", sys)
			     : db_run(db,
				      "INSERT INTO assess_contract_items (contract_id, indicator_id, points, target) "
				      "SELECT ?, pi.indicator_id, COALESCE(w.max_points, pi.points), pi.target FROM "
				      "assess_contract_items pi LEFT JOIN assess_weights w ON w.indicator_id = "
				      "pi.indicator_id AND w.unit_kind = ? WHERE pi.contract_id = ? AND (w.max_points "
				      "IS "
				      "NULL OR w.max_points > 0)",
				      "isi", id, kind ? kind : "", parent);
	arena_free(&a);
	return rc ? rc : id;
}

#define MAXU 256

int assess_contracts_demo(struct db *db, int64_t sys, int year, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct tm tm = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 10, .tm_hour = 9};
	int64_t jan10 = (int64_t)mktime(&tm);
	struct arena ar, *a = &ar;
	arena_init(a);
	int64_t sec[MAXU], sec_parent[MAXU], l1[MAXU];
	int nsec = 0, n1 = 0, n2 = 0, n3 = 0, unsigned_windows = 0;
	struct db_stmt *q =
		db_query(db, a,
			 "SELECT id, parent_id FROM units WHERE kind = 'secondary' AND active = 1 AND parent_id "
			 "IS NOT NULL ORDER BY id",
			 NULL);
	while (q && db_step(q) == DB_ROW && nsec < MAXU) {
		sec[nsec] = db_column_int64(q, 0);
		sec_parent[nsec++] = db_column_int64(q, 1);
	}
	int64_t rc = q ? 0 : DB_ERR;
	for (int i = 0; !rc && i < nsec; i++) {
		l1[i] = demo_contract(db, sys, year, 1, 0, sec_parent[i], sec[i], 0, jan10, 2);
		rc = l1[i] < 0 ? l1[i] : 0;
		n1++;
	}
	/* departments and windows of each secondary unit; windows' posts */
	for (int i = 0; !rc && i < nsec; i++) {
		int64_t sub[MAXU];
		char kind[MAXU];
		int nsub = 0;
		q = db_query(db, a,
			     "SELECT id, kind FROM units WHERE parent_id = ? AND kind IN ('department', 'window') AND "
			     "active "
			     "= 1 ORDER BY id",
			     "i", sec[i]);
		while (q && db_step(q) == DB_ROW && nsub < MAXU) {
			sub[nsub] = db_column_int64(q, 0);
			kind[nsub++] = !strcmp(db_column_text(q, 1), "window") ? 'w' : 'd';
		}
		for (int k = 0; !rc && k < nsub; k++) {
			/* the second and third windows of the demo wait for their heads */
			int waiting = kind[k] == 'w' && unsigned_windows < 2 && n2 % 2 == 1;
			int64_t c2 = demo_contract(db, sys, year, 2, l1[i], sec[i], sub[k], 0, jan10 + 7 * 86400,
						   waiting ? 1 : 2);
			rc = c2 < 0 ? c2 : 0;
			n2++;
			if (waiting) {
				unsigned_windows++;
				continue;
			}
			if (kind[k] != 'w')
				continue;
			int64_t people[3][2];
			int np = 0;
			q = db_query(
				db, a,
				"SELECT p.id, p.unit_id FROM people p JOIN unit_tree t ON t.unit_id = p.unit_id WHERE "
				"t.ancestor_id = ? AND p.status = 'active' AND p.archived = 0 AND p.unit_id <> ? ORDER "
				"BY p.id LIMIT 3",
				"ii", sub[k], sub[k]);
			while (q && db_step(q) == DB_ROW && np < 3) {
				people[np][0] = db_column_int64(q, 0);
				people[np++][1] = db_column_int64(q, 1);
			}
			for (int p = 0; !rc && p < np; p++) {
				/* one post of the demo has not signed yet */
				int64_t c3 = demo_contract(db, sys, year, 3, c2, sub[k], people[p][1], people[p][0],
							   jan10 + 21 * 86400, n3 == 4 ? 1 : 2);
				rc = c3 < 0 ? c3 : 0;
				n3++;
			}
		}
	}
	arena_free(a);
	if (rc) {
		snprintf(err, errlen, "the contracts demo failed: %s", db_errmsg(db));
		return (int)rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loaded the demo contracts in %.2f s: %d to secondary units, %d to departments and windows, %d to posts "
	       "(%d windows and 1 post not signed yet)\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, n1, n2, n3, unsigned_windows);
	return 0;
}
