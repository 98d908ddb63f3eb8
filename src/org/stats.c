/* stats.c — see stats.h. */
#include "stats.h"
#include "../core/arena.h"
#include "../db/db.h"

#include <stddef.h>

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

const struct metric org_metrics[] = {
	{.name = "staff", .label = M_stat_total, .compute = metric_staff},
	{.name = "party_members", .label = M_stat_party, .compute = metric_party},
	{.name = "certified_officers", .label = M_stat_certified, .compute = metric_certified},
	{.name = "professionals", .label = M_stat_mid_level, .compute = metric_professionals},
	{.name = NULL},
};
