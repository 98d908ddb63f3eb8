/* remind.c — the scheduler's work on honors: a valid title whose term has
 * ended is expired (the workflow's "expire" step, taken by the system), and
 * a valid title whose term ends within this year is reminded to its unit
 * once per term end ("remind": its after hook notifies the unit's clerks,
 * reminded_end remembers the term end reminded). Idempotent, so several
 * server processes may run it. `wenming honors remind [--today DAY]` runs
 * it once. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../records/workflow.h"
#include "honors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 200

/* Takes step name on each honor that sql (binding the two days) selects. */
static int take_each(struct req *r, const char *sql, const char *a, const char *b, const char *name, enum msg_id note,
		     int *count)
{
	int64_t ids[BATCH];
	int n = 0;
	struct db_stmt *q = db_query(req_db(r), r->a, sql, "ss", a, b);
	while (q && db_step(q) == DB_ROW && n < BATCH)
		ids[n++] = db_column_int64(q, 0);
	db_reset(q);
	const struct wf_transition *tr = wf_transition(&honors_type, name);
	for (int i = 0; i < n; i++) {
		struct record *rec = record_load(r, &honors_type, ids[i]);
		if (!rec)
			continue;
		struct wf_input in = {.note = arena_printf(r->a, msg(LANG_HANT, note), rec->vals[HON_TERM_END])};
		if (!strcmp(name, "expire"))
			in.note = NULL, in.reason = NULL;
		struct record_errors e;
		int rc = wf_take(r, rec, tr, &in, WF_SYSTEM, &e);
		if (rc == WF_E_STATE || rc == DB_E_BUSY || rc == WF_E_INVALID)
			continue;
		if (rc)
			return rc;
		(*count)++;
	}
	return 0;
}

int honors_remind_run(struct req *r, int64_t today, int *expired, int *reminded)
{
	if (!req_db(r))
		return DB_ERR;
	char d[CAL_DATE_SIZE];
	const char *t = arena_strdup(r->a, cal_format_date(today, d));
	int y, m, dd;
	cal_civil_from_days(today, &y, &m, &dd);
	const char *year_end = arena_printf(r->a, "%04d-12-31", y);
	*expired = *reminded = 0;
	int rc = take_each(r,
			   "SELECT id FROM honors WHERE archived = 0 AND status = 'valid' AND term_end < ? AND ? <> '' "
			   "ORDER BY term_end, id LIMIT 200",
			   t, t, "expire", M_hon_auto_expired, expired);
	if (!rc)
		rc = take_each(
			r,
			"SELECT id FROM honors WHERE archived = 0 AND status = 'valid' AND term_end >= ? AND "
			"term_end <= ? AND (reminded_end IS NULL OR reminded_end <> term_end) ORDER BY term_end, "
			"id LIMIT 200",
			t, year_end, "remind", M_hon_auto_reminded, reminded);
	return rc;
}

static int remind_job(struct req *r)
{
	int e, n;
	return honors_remind_run(r, cal_local_day(time(NULL)), &e, &n);
}

const struct job honors_jobs[] = {
	{"honors terms", 3600, remind_job},
	{NULL, 0, NULL},
};

/* wenming honors remind [--today YYYY-MM-DD]: one run of the job. */
static int remind_once(struct req *r, const struct config *cfg, int64_t today, char *done, size_t len)
{
	(void)cfg;
	int expired = 0, reminded = 0;
	int rc = honors_remind_run(r, today, &expired, &reminded);
	snprintf(done, len, "%d expired, %d reminded", expired, reminded);
	return rc;
}

int cmd_honors(struct config *cfg, int argc, char **argv)
{
	return cli_remind(cfg, "honors", argc, argv, remind_once);
}
