/* stats.c — see stats.h. */
#include "stats.h"
#include "../db/db.h"

int people_stats(struct db *db, int64_t unit_id, const char *today, struct people_stats *out)
{
	struct db_stmt *q = db_query(
		db,
		"SELECT count(*),"
		" COALESCE(sum(CASE WHEN p.party_member = 1 THEN 1 ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN p.cert_number IS NOT NULL AND p.cert_expires >= ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN p.title_level IN ('intermediate', 'associate_senior', 'senior') THEN 1 ELSE 0 END), 0)"
		" FROM unit_tree g JOIN people p ON p.unit_id = g.unit_id"
		" WHERE g.ancestor_id = ? AND p.archived = 0 AND p.status = 'active'",
		"si", today, unit_id);
	if (!q)
		return -1;
	int rc = -1;
	if (db_step(q) == DB_ROW) {
		out->total = db_column_int64(q, 0);
		out->party_members = db_column_int64(q, 1);
		out->law_enforcement_certified = db_column_int64(q, 2);
		out->mid_level_professionals = db_column_int64(q, 3);
		rc = 0;
	}
	db_done(q);
	return rc;
}
