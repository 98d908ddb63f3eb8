/* metric.c — the row loops every module's metrics share: a query's rows
 * handed on as shares or as the records behind a value (module.h). */
#include "module.h"
#include "core/arena.h"
#include "db/db.h"
#include "http/http.h"

int metric_share_rows(struct db_stmt *q, metric_share_fn *share, void *ctx)
{
	if (!q)
		return DB_ERR;
	int rc;
	while ((rc = db_step(q)) == DB_ROW)
		share(ctx, db_column_int64(q, 0), db_column_double(q, 1), db_column_double(q, 2));
	db_reset(q);
	return rc < 0 ? rc : 0;
}

int metric_record_rows(struct req *r, struct db_stmt *q, const char *prefix, metric_record_fn *fn, void *ctx)
{
	if (!q)
		return DB_ERR;
	int rc;
	/* (the columns are known once a row is there: PostgreSQL) */
	while ((rc = db_step(q)) == DB_ROW) {
		int weighed = db_column_count(q) > 3;
		struct metric_record m = {
			.path = arena_printf(r->a, "%s%lld", prefix, (long long)db_column_int64(q, 0)),
			.title = db_column_isnull(q, 1) ? "" : arena_strdup(r->a, db_column_text(q, 1)),
			.day = db_column_isnull(q, 2) ? NULL : arena_strdup(r->a, db_column_text(q, 2)),
			.weight = weighed ? db_column_double(q, 3) : 1,
		};
		if (fn(ctx, &m))
			break;
	}
	db_reset(q);
	return rc < 0 ? rc : 0;
}
