/* deadlines.c — the scheduler's work on cases: the working day after a
 * case's deadline has passed, a reminder (催辦) to the handling unit; after
 * escalate_after more working days (5 by default), an escalation (督辦) to
 * the unit's head. Both are the workflow's own steps, taken by the system,
 * so they are logged, audited and notified like the office's. Idempotent: a
 * case is reminded once per deadline (reminded_due) and escalated once, so
 * several server processes may run it at the same time (the record's
 * version lets one of two racing steps through). */
#include "cases.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../records/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 200 /* cases looked at per run and kind of step */

/* Takes step name on case id as the system; 1 when taken, 0 when not (the
 * case moved on meanwhile), or an error. */
static int system_step(struct req *r, int64_t id, const char *name, const char *reason)
{
	struct record *rec = record_load(r, &cases_type, id);
	if (!rec)
		return 0;
	struct wf_input in = {.reason = reason};
	struct record_errors e;
	int rc = wf_take(r, rec, wf_transition(&cases_type, name), &in, WF_SYSTEM, &e);
	if (rc == WF_E_STATE || rc == DB_E_BUSY || rc == WF_E_INVALID)
		return 0;
	return rc ? rc : 1;
}

int case_deadlines_run(struct req *r, int64_t today, int escalate_after, int *reminded, int *escalated)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	char d[CAL_DATE_SIZE];
	const char *t = arena_strdup(r->a, cal_format_date(today, d));
	*reminded = *escalated = 0;
	int64_t ids[BATCH];
	int n = 0;
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT id FROM cases WHERE archived = 0 AND state IN ('dispatched', 'in_hand', 'extension') "
			 "AND due < ? AND (reminded_due IS NULL OR reminded_due <> due) ORDER BY due, id LIMIT 200",
			 "s", t);
	while (q && db_step(q) == DB_ROW && n < BATCH)
		ids[n++] = db_column_int64(q, 0);
	for (int i = 0; i < n; i++) {
		int rc = system_step(r, ids[i], "remind", NULL);
		if (rc < 0)
			return rc;
		*reminded += rc;
	}
	/* escalation: escalate_after working days past the deadline */
	n = 0;
	q = db_query(db, r->a,
		     "SELECT id, due FROM cases WHERE archived = 0 AND state IN ('dispatched', 'in_hand', 'extension') "
		     "AND due < ? AND escalated = 0 ORDER BY due, id LIMIT 200",
		     "s", t);
	int64_t dues[BATCH];
	while (q && db_step(q) == DB_ROW && n < BATCH) {
		ids[n] = db_column_int64(q, 0);
		cal_parse_date(db_column_text(q, 1), &dues[n]);
		n++;
	}
	for (int i = 0; i < n; i++) {
		int64_t late = 0;
		if (wf_workdays_between(r, dues[i], today, &late) || late < escalate_after)
			continue;
		const char *why = arena_printf(r->a, msg(LANG_HANT, M_case_auto_escalated), (long long)late);
		int rc = system_step(r, ids[i], "escalate", why);
		if (rc < 0)
			return rc;
		*escalated += rc;
	}
	return 0;
}

static int deadlines_job(struct req *r)
{
	int reminded, escalated;
	return case_deadlines_run(r, cal_local_day(time(NULL)), r->app->cfg->escalate_after, &reminded, &escalated);
}

const struct job case_jobs[] = {
	{"case deadlines", 600, deadlines_job},
	{NULL, 0, NULL},
};

/* wenming cases remind [--today YYYY-MM-DD]: one run of the job, now. */
static int remind_once(struct req *r, const struct config *cfg, int64_t today, char *done, size_t len)
{
	int reminded = 0, escalated = 0;
	int rc = case_deadlines_run(r, today, cfg->escalate_after, &reminded, &escalated);
	snprintf(done, len, "%d reminded, %d escalated", reminded, escalated);
	return rc;
}

int cmd_cases(struct config *cfg, int argc, char **argv)
{
	return cli_remind(cfg, "cases", argc, argv, remind_once);
}
