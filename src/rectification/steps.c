/* steps.c — what the rectification workflow's steps do besides changing
 * the state: the number and first event of a new item, the evidence a
 * submission must carry (and which becomes the item's evidence), the
 * deadline of an approved extension or a failed re-check, the timestamps
 * and on-time flag the statistics count, and the notifications (the
 * responsible unit of new work, reminders and decisions; the office of
 * what waits for it). */
#include "../core/cal.h"
#include "../db/db.h"
#include "../platform/inbox.h"
#include "../records/workflow.h"
#include "../web/layout.h"
#include "rect.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t today(void)
{
	return cal_local_day(time(NULL));
}

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

static const char *now_text(struct req *r)
{
	return arena_printf(r->a, "%lld", (long long)time(NULL));
}

static int is(const struct wf_transition *t, const char *name)
{
	return !strcmp(t->name, name);
}

static int64_t day_of(const char *date)
{
	int64_t d = 0;
	if (!date || cal_parse_date(date, &d))
		return -1;
	return d;
}

enum msg_id rect_step_guard(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	(void)r;
	if ((is(t, "recheck_pass") || is(t, "recheck_fail")) &&
	    (!rec->vals[RECT_RECHECK] || strcmp(rec->vals[RECT_RECHECK], "drawn")))
		return M_rect_recheck_not_drawn;
	return M_NONE;
}

enum msg_id rect_step_check(struct req *r, const struct record *rec, const struct wf_transition *t,
			    const struct wf_input *in)
{
	(void)r;
	if (is(t, "submit") && in->nfiles + in->nfile_ids == 0)
		return M_rect_evidence_required;
	if (is(t, "request_extension")) {
		int64_t want = day_of(rec->vals[RECT_EXTENSION_TO]), due = day_of(rec->vals[RECT_DUE]);
		if (want < 0 || (due >= 0 && want <= due) || want < today())
			return M_rect_extension_not_later;
	}
	if (is(t, "recheck_fail") && day_of(rec->vals[RECT_DUE]) < today())
		return M_rect_due_past;
	return M_NONE;
}

int rect_step_deadline(struct req *r, const struct record *rec, const struct wf_transition *t, int64_t *due)
{
	(void)r;
	if (is(t, "approve_extension") && rec->vals[RECT_EXTENSION_TO] &&
	    !cal_parse_date(rec->vals[RECT_EXTENSION_TO], due))
		return 0;
	/* the item's own deadline stays; a failed re-check has set a new one */
	*due = WF_DUE_KEEP;
	return 0;
}

int rect_step_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in)
{
	(void)in;
	if (is(t, "submit")) {
		rec->vals[RECT_SUBMITTED_AT] = now_text(r);
		rec->vals[RECT_PROGRESS] = "100";
	} else if (is(t, "close")) {
		int64_t d = today(), due = day_of(rec->vals[RECT_DUE]), days = 0;
		int64_t from = rec->vals[RECT_ASSIGNED_AT]
				       ? cal_local_day(strtoll(rec->vals[RECT_ASSIGNED_AT], NULL, 10))
				       : cal_local_day(rec->created_at);
		rec->vals[RECT_CLOSED_AT] = now_text(r);
		rec->vals[RECT_CLOSED_ON] = day_text(r, d);
		rec->vals[RECT_ON_TIME] = due < 0 || d <= due ? "1" : "0";
		if (!wf_workdays_between(r, from, d, &days))
			rec->vals[RECT_DAYS_TO_CLOSE] = arena_printf(r->a, "%lld", (long long)days);
	} else if (is(t, "send_back")) {
		rec->vals[RECT_SUBMITTED_AT] = NULL;
	} else if (is(t, "remind")) {
		rec->vals[RECT_REMINDED_DUE] = rec->vals[RECT_DUE];
		rec->vals[RECT_REMINDERS] =
			arena_printf(r->a, "%d", (rec->vals[RECT_REMINDERS] ? atoi(rec->vals[RECT_REMINDERS]) : 0) + 1);
	} else if (is(t, "recheck_pass")) {
		rec->vals[RECT_RECHECK] = "passed";
	} else if (is(t, "recheck_fail")) {
		rec->vals[RECT_RECHECK] = "failed";
		rec->vals[RECT_CLOSED_AT] = NULL;
		rec->vals[RECT_CLOSED_ON] = NULL;
		rec->vals[RECT_ON_TIME] = NULL;
		rec->vals[RECT_DAYS_TO_CLOSE] = NULL;
		rec->vals[RECT_SUBMITTED_AT] = NULL;
	}
	return 0;
}

/* The files of a submission become the item's evidence (field evidence),
 * after those it had. */
static int keep_evidence(struct req *r, struct record *rec, int64_t event_id)
{
	struct db *db = req_db(r);
	int rc = db_run(db,
			"UPDATE files SET field = 'evidence' WHERE record_type = ? AND record_id = ? AND event_id = ?",
			"sii", rect_type.name, rec->id, event_id);
	if (rc)
		return rc;
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT id FROM files WHERE record_type = ? AND record_id = ? AND field = "
				     "'evidence' ORDER BY id LIMIT 64",
				     "si", rect_type.name, rec->id);
	struct buf b;
	buf_init(&b, r->a);
	while (q && db_step(q) == DB_ROW)
		buf_printf(&b, "%s%lld", b.len ? "," : "", (long long)db_column_int64(q, 0));
	rec->vals[RECT_EVIDENCE] = b.len ? b.p : NULL;
	return db_run(db, "UPDATE rectifications SET evidence = ? WHERE id = ?", "si", rec->vals[RECT_EVIDENCE],
		      rec->id);
}

static int notify_step(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	const char *detail = arena_printf(r->a, "%s %.120s", rec->vals[RECT_NUMBER] ? rec->vals[RECT_NUMBER] : "",
					  rec->vals[RECT_PROBLEM] ? rec->vals[RECT_PROBLEM] : "");
	const char *link = arena_printf(r->a, "/r/%s/%lld", rect_type.name, (long long)rec->id);
	int64_t unit = rec->vals[RECT_UNIT_ID] ? strtoll(rec->vals[RECT_UNIT_ID], NULL, 10) : 0;
	const unsigned unit_side = 1u << ROLE_UNIT_ADMIN, office = 1u << ROLE_OFFICE;
	enum msg_id to_unit = is(t, "remind")                                           ? M_rect_n_reminded
			      : is(t, "send_back")                                      ? M_rect_n_sent_back
			      : is(t, "recheck_fail")                                   ? M_rect_n_recheck_failed
			      : is(t, "approve_extension") || is(t, "refuse_extension") ? M_rect_n_extension_decided
			      : is(t, "close")                                          ? M_rect_n_closed
											: M_NONE;
	enum msg_id to_office = is(t, "submit")              ? M_rect_n_submitted
				: is(t, "request_extension") ? M_rect_n_extension_requested
							     : M_NONE;
	int rc = 0;
	if (to_unit != M_NONE && unit)
		rc = notify_unit(r, unit, unit_side, "rectification", to_unit, detail, link);
	if (rc >= 0 && to_office != M_NONE)
		rc = notify_unit(r, unit, office, "rectification", to_office, detail, link);
	return rc < 0 ? rc : 0;
}

int rect_step_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		    const struct wf_input *in, int64_t event_id)
{
	(void)before, (void)in;
	int rc = is(t, "submit") ? keep_evidence(r, rec, event_id) : 0;
	return rc ? rc : notify_step(r, rec, t);
}

void rect_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)errs;
	/* a new item without a deadline has RECT_DEFAULT_DAYS working days */
	if (!rec->vals[RECT_DUE] && !before) {
		int64_t due;
		if (!wf_workdays_due(r, today(), RECT_DEFAULT_DAYS, &due))
			rec->vals[RECT_DUE] = day_text(r, due);
	}
}

int rect_after_save(struct req *r, struct record *rec, const struct record *before)
{
	if (before)
		return 0;
	/* a new item, however it came (a form, the API, an import, raised from
	 * a source): its number from its year and id (ZG-2026-0001), assigned
	 * now, and its first event; the unit hears of it */
	int64_t now = time(NULL);
	int y, m, d;
	cal_civil_from_days(cal_local_day(now), &y, &m, &d);
	rec->vals[RECT_NUMBER] = arena_printf(r->a, "ZG-%04d-%04lld", y, (long long)rec->id);
	rec->vals[RECT_STATE] = "assigned";
	rec->vals[RECT_ASSIGNED_AT] = arena_printf(r->a, "%lld", (long long)now);
	int rc = db_run(req_db(r), "UPDATE rectifications SET number = ?, state = ?, assigned_at = ? WHERE id = ?",
			"ssii", rec->vals[RECT_NUMBER], rec->vals[RECT_STATE], now, rec->id);
	if (!rc) {
		int64_t ev = wf_log_as(r, rec, "create", NULL, "assigned", NULL, 0, WF_OFFICE);
		rc = ev < 0 ? (int)ev : 0;
	}
	int64_t unit = rec->vals[RECT_UNIT_ID] ? strtoll(rec->vals[RECT_UNIT_ID], NULL, 10) : 0;
	if (!rc && unit) {
		const char *detail = arena_printf(r->a, "%s %.120s", rec->vals[RECT_NUMBER],
						  rec->vals[RECT_PROBLEM] ? rec->vals[RECT_PROBLEM] : "");
		int n = notify_unit(r, unit, 1u << ROLE_UNIT_ADMIN, "rectification", M_rect_n_assigned, detail,
				    arena_printf(r->a, "/r/%s/%lld", rect_type.name, (long long)rec->id));
		rc = n < 0 ? n : 0;
	}
	return rc;
}
