/* period.c — see period.h. */
#include "period.h"
#include "../core/cal.h"
#include "../db/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int stats_ask_read(struct req *r, const struct record_type *t, struct stats_ask *a)
{
	struct db *db = req_db(r);
	memset(a, 0, sizeof *a);
	if (!db)
		return req_fail(r, 503, M_err_db_down), -1;
	if (!record_type_may(r, t, ACC_READ))
		return req_fail(r, 403, M_NONE), -1;
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (t->access[r->user->grants[i].role] >= ACC_READ && !r->user->grants[i].unit_id)
			a->org_wide = 1;
	const char *u = req_query(r, "unit");
	if (u && *u) {
		char *end;
		long long id = strtoll(u, &end, 10);
		if (*end || id <= 0 || strlen(u) > 18)
			return req_fail(r, 400, M_stats_bad_unit), -1;
		a->unit = id;
	} else {
		for (int i = 0; !a->org_wide && r->user && i < r->user->ngrants && !a->unit; i++)
			if (t->access[r->user->grants[i].role] >= ACC_READ)
				a->unit = r->user->grants[i].unit_id;
		if (!a->unit)
			a->unit = db_one_int64(
				db, 0, "SELECT id FROM units WHERE parent_id IS NULL AND archived = 0 ORDER BY id LIMIT 1",
				NULL);
		if (!a->unit)
			return req_fail(r, 404, M_stats_no_units), -1;
	}
	a->unit_name = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ? AND archived = 0", "i", a->unit);
	if (!a->unit_name)
		return req_fail(r, 404, M_stats_bad_unit), -1;
	int64_t today = cal_local_day(time(NULL));
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	const char *f = req_query(r, "from"), *to = req_query(r, "to");
	a->from = cal_days_from_civil(y, 1, 1);
	a->to = today;
	if ((f && *f && cal_parse_date(f, &a->from)) || (to && *to && cal_parse_date(to, &a->to)))
		return req_fail(r, 400, M_stats_bad_date), -1;
	if (a->from > a->to || a->to - a->from >= STATS_MAX_DAYS)
		return req_fail(r, 400, M_stats_bad_period), -1;
	if (!authz_record(r, t, ACC_READ, a->unit, 0))
		return req_fail(r, 403, M_NONE), -1;
	return 0;
}
