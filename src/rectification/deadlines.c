/* deadlines.c — the scheduler's work on rectification items: the working
 * day after an open item's deadline has passed, a reminder (催辦) to the
 * responsible unit, taken as the workflow's own "remind" step by the system
 * (logged, audited and notified like the office's). Once per deadline
 * (reminded_due): a new deadline (an approved extension) reminds again when
 * it passes. Idempotent, so several server processes may run it. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../records/workflow.h"
#include "rect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 200

int rect_deadlines_run(struct req *r, int64_t today, int *reminded)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	char d[CAL_DATE_SIZE];
	const char *t = arena_strdup(r->a, cal_format_date(today, d));
	*reminded = 0;
	int64_t ids[BATCH];
	int n = 0;
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT id FROM rectifications WHERE archived = 0 AND state IN ('assigned', "
			 "'in_progress', 'extension') AND due < ? AND (reminded_due IS NULL OR reminded_due "
			 "<> due) ORDER BY due, id LIMIT 200",
			 "s", t);
	while (q && db_step(q) == DB_ROW && n < BATCH)
		ids[n++] = db_column_int64(q, 0);
	const struct wf_transition *tr = wf_transition(&rect_type, "remind");
	for (int i = 0; i < n; i++) {
		struct record *rec = record_load(r, &rect_type, ids[i]);
		if (!rec)
			continue;
		int64_t due = 0, late = 0;
		cal_parse_date(rec->vals[RECT_DUE], &due);
		wf_workdays_between(r, due, today, &late);
		struct wf_input in = {
			.note = arena_printf(r->a, msg(LANG_HANT, M_rect_auto_reminded), (long long)late)};
		struct record_errors e;
		int rc = wf_take(r, rec, tr, &in, WF_SYSTEM, &e);
		if (rc == WF_E_STATE || rc == DB_E_BUSY || rc == WF_E_INVALID)
			continue;
		if (rc)
			return rc;
		(*reminded)++;
	}
	return 0;
}

static int deadlines_job(struct req *r)
{
	int reminded;
	return rect_deadlines_run(r, cal_local_day(time(NULL)), &reminded);
}

const struct job rect_jobs[] = {
	{"rectification deadlines", 600, deadlines_job},
	{NULL, 0, NULL},
};

/* wenming rectification remind [--today YYYY-MM-DD]: one run of the job. */
static int remind_once(struct req *r, const struct config *cfg, int64_t today, char *done, size_t len)
{
	(void)cfg;
	int reminded = 0;
	int rc = rect_deadlines_run(r, today, &reminded);
	snprintf(done, len, "%d reminded", reminded);
	return rc;
}

int cmd_rectification(struct config *cfg, int argc, char **argv)
{
	return cli_remind(cfg, "rectification", argc, argv, remind_once);
}
