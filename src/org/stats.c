/* stats.c — see stats.h. */
#include "stats.h"
#include "../core/arena.h"
#include "../db/db.h"

#include <stddef.h>
#include <string.h>

int people_stats(struct db *db, int64_t unit_id, const char *today, struct people_stats *out)
{
	struct arena a; /* called per unit in loops: the statement goes with it */
	arena_init(&a);
	struct db_stmt *q = db_query(
		db, &a,
		"SELECT count(*),"
		" COALESCE(sum(CASE WHEN p.party_member = 1 THEN 1 ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN p.cert_number IS NOT NULL AND p.cert_expires >= ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN p.title_level IN ('intermediate', 'associate_senior', 'senior') THEN 1 ELSE 0 END), 0)"
		" FROM unit_tree g JOIN people p ON p.unit_id = g.unit_id"
		" WHERE g.ancestor_id = ? AND p.archived = 0 AND p.status = 'active'",
		"si", today, unit_id);
	int rc = -1;
	if (q && db_step(q) == DB_ROW) {
		out->total = db_column_int64(q, 0);
		out->party_members = db_column_int64(q, 1);
		out->law_enforcement_certified = db_column_int64(q, 2);
		out->mid_level_professionals = db_column_int64(q, 3);
		rc = 0;
	}
	arena_free(&a);
	return rc;
}

/* ---- metrics ---- */

static int metric(struct req *r, int64_t unit_id, const char *to, size_t offset, double *value)
{
	struct db *db = req_db(r);
	struct people_stats st;
	if (!db || people_stats(db, unit_id, to, &st))
		return DB_ERR;
	*value = (double)*(const int64_t *)((const char *)&st + offset);
	return 0;
}

#define METRIC(fn, member)                                                                                     \
	static int fn(struct req *r, int64_t unit_id, const char *from, const char *to, double *value)           \
	{                                                                                                        \
		(void)from;                                                                                      \
		return metric(r, unit_id, to, offsetof(struct people_stats, member), value);                    \
	}
METRIC(metric_staff, total)
METRIC(metric_party, party_members)
METRIC(metric_certified, law_enforcement_certified)
METRIC(metric_professionals, mid_level_professionals)
#undef METRIC

/* Which people each metric counts (people_stats' conditions; binds: the
 * day for the certificates), and the day a person counts on. */
#define STAFF_ALL "1 = 1"
#define STAFF_PARTY "p.party_member = 1"
#define STAFF_CERT "p.cert_number IS NOT NULL AND p.cert_expires >= ?"
#define STAFF_PRO "p.title_level IN ('intermediate', 'associate_senior', 'senior')"

/* Every unit's own people (people without a unit count nowhere, as in
 * people_stats, which reaches people through unit_tree). */
static int people_shares(struct req *r, const char *to, const char *cond, metric_share_fn *share, void *ctx)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	struct db_stmt *q = db_prepare(
		db, r->a,
		arena_printf(r->a,
			     "SELECT p.unit_id, count(*) FROM people p WHERE p.archived = 0 AND p.status = 'active' "
			     "AND p.unit_id IS NOT NULL AND %s GROUP BY p.unit_id",
			     cond));
	if (!q)
		return DB_ERR;
	if (strchr(cond, '?'))
		db_bind_text(q, 1, to);
	int rc;
	while ((rc = db_step(q)) == DB_ROW)
		share(ctx, db_column_int64(q, 0), (double)db_column_int64(q, 1), 0);
	db_reset(q);
	return rc < 0 ? rc : 0;
}

/* The people counted, newest entry first: /r/people/ID, the name and
 * position, the day that makes them count (joined the party, the
 * certificate's expiry) where there is one. */
static int people_records(struct req *r, int64_t unit, const char *to, const char *cond, const char *day, int limit,
			 metric_record_fn *fn, void *ctx)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	struct db_stmt *q = db_prepare(
		db, r->a,
		arena_printf(r->a,
			     "SELECT p.id, p.name, p.position, %s FROM unit_tree g JOIN people p ON p.unit_id = g.unit_id "
			     "WHERE g.ancestor_id = ? AND p.archived = 0 AND p.status = 'active' AND %s "
			     "ORDER BY p.id DESC LIMIT ?",
			     day, cond));
	if (!q)
		return DB_ERR;
	int k = 1;
	db_bind_int64(q, k++, unit);
	if (strchr(cond, '?'))
		db_bind_text(q, k++, to);
	db_bind_int64(q, k, limit);
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		const char *pos = db_column_text(q, 2), *name = db_column_text(q, 1);
		struct metric_record m = {
			.path = arena_printf(r->a, "/r/people/%lld", (long long)db_column_int64(q, 0)),
			.title = pos && *pos ? arena_printf(r->a, "%s · %s", name ? name : "", pos)
					     : arena_strdup(r->a, name ? name : ""),
			.day = db_column_isnull(q, 3) ? NULL : arena_strdup(r->a, db_column_text(q, 3)),
			.weight = 1,
		};
		if (fn(ctx, &m))
			break;
	}
	db_reset(q);
	return rc < 0 ? rc : 0;
}

#define STAFF(name, cond, day)                                                                                  \
	static int name##_shares(struct req *r, const char *from, const char *to, metric_share_fn *share,        \
				 void *ctx)                                                                      \
	{                                                                                                        \
		(void)from;                                                                                      \
		return people_shares(r, to, cond, share, ctx);                                                    \
	}                                                                                                        \
	static int name##_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,      \
				  metric_record_fn *fn, void *ctx)                                               \
	{                                                                                                        \
		(void)from;                                                                                      \
		return people_records(r, unit, to, cond, day, limit, fn, ctx);                                    \
	}
STAFF(staff, STAFF_ALL, "NULL")
STAFF(party, STAFF_PARTY, "p.party_joined")
STAFF(certified, STAFF_CERT, "p.cert_expires")
STAFF(pro, STAFF_PRO, "NULL")
#undef STAFF

const struct metric org_metrics[] = {
	{.name = "staff",
	 .label = M_stat_total,
	 .compute = metric_staff,
	 .kind = METRIC_SUM,
	 .shares = staff_shares,
	 .records = staff_records},
	{.name = "party_members",
	 .label = M_stat_party,
	 .compute = metric_party,
	 .kind = METRIC_SUM,
	 .shares = party_shares,
	 .records = party_records},
	{.name = "certified_officers",
	 .label = M_stat_certified,
	 .compute = metric_certified,
	 .kind = METRIC_SUM,
	 .shares = certified_shares,
	 .records = certified_records},
	{.name = "professionals",
	 .label = M_stat_mid_level,
	 .compute = metric_professionals,
	 .kind = METRIC_SUM,
	 .shares = pro_shares,
	 .records = pro_records},
	{.name = NULL},
};
