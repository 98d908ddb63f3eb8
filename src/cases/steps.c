/* steps.c — what the case workflow's steps do besides changing the state:
 * the deadlines (the category's working days from dispatch, an approved
 * extension, fifteen days after an unsatisfied rating), the timestamps and
 * on-time flags the statistics count, ratings and appeals, merges, and the
 * notifications to the handling unit. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../platform/inbox.h"
#include "../web/layout.h"
#include "../records/workflow.h"
#include "cases.h"

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

/* The category's time limit in working days (15 when it has none). */
static int category_days(struct req *r, const struct record *rec)
{
	const char *c = rec->vals[CASE_CATEGORY_ID];
	int64_t d = c ? db_one_int64(req_db(r), 0, "SELECT days FROM case_categories WHERE id = ?", "s", c) : 0;
	return d > 0 ? (int)d : 15;
}

void case_step_prefill(struct req *r, struct record *rec, const struct wf_transition *t)
{
	if (is(t, "dispatch") && !rec->vals[CASE_UNIT_ID] && rec->vals[CASE_CATEGORY_ID])
		rec->vals[CASE_UNIT_ID] =
			db_one_text(req_db(r), r->a, "SELECT unit_id FROM case_categories WHERE id = ?", "s",
				    rec->vals[CASE_CATEGORY_ID]);
}

/* The reply templates of the case's category and the general ones, to
 * fill the reply with (a script; hidden without it). */
void case_step_form_extra(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	(void)t;
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT title, body FROM case_replies WHERE archived = 0 AND (category_id IS NULL "
				     "OR category_id = ?) ORDER BY category_id IS NULL, title LIMIT 100",
				     "s", rec->vals[CASE_CATEGORY_ID]);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r,
			     "<div class=\"field\"><label for=\"f-template\">%T</label><select id=\"f-template\" "
			     "data-fill=\"f-reply\" data-confirm=\"%a\" hidden><option value=\"\">—</option>",
			     M_case_reply_templates, T(r, M_case_template_replace));
		html(r, "<option value=\"%a\">%s</option>", db_column_text(q, 1), db_column_text(q, 0));
	}
	if (n)
		html(r, "</select></div>");
}

enum msg_id case_step_guard(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	(void)r;
	const char *rating = rec->vals[CASE_RATING];
	if (is(t, "rate")) {
		if (rec->vals[CASE_RATED] && !strcmp(rec->vals[CASE_RATED], "1"))
			return M_case_rated_already;
		if (rec->vals[CASE_RATINGS] && atoi(rec->vals[CASE_RATINGS]) >= 2)
			return M_case_rated_twice;
	}
	if (is(t, "appeal") && (!rating || rec->vals[CASE_APPEAL]))
		return rating ? M_case_appeal_once : M_case_appeal_no_rating;
	if ((is(t, "uphold_appeal") || is(t, "reject_appeal")) &&
	    (!rec->vals[CASE_APPEAL] || strcmp(rec->vals[CASE_APPEAL], "pending")))
		return M_case_appeal_none;
	return M_NONE;
}

enum msg_id case_step_check(struct req *r, const struct record *rec, const struct wf_transition *t,
			    const struct wf_input *in)
{
	(void)in;
	if (is(t, "request_extension")) {
		int64_t want = 0, due = 0;
		cal_parse_date(rec->vals[CASE_EXTENSION_TO], &want);
		if (rec->vals[CASE_DUE] && !cal_parse_date(rec->vals[CASE_DUE], &due) && want <= due)
			return M_case_extension_not_later;
	}
	if (is(t, "merge")) {
		int64_t target = strtoll(rec->vals[CASE_MERGED_INTO], NULL, 10);
		if (target == rec->id)
			return M_case_merge_self;
		const char *st = db_one_text(req_db(r), r->a, "SELECT state FROM cases WHERE id = ? AND archived = 0",
					     "i", target);
		if (!st || !strcmp(st, "merged") || !strcmp(st, "closed"))
			return M_case_merge_target_closed;
	}
	return M_NONE;
}

int case_step_deadline(struct req *r, const struct record *rec, const struct wf_transition *t, int64_t *due)
{
	if (is(t, "dispatch"))
		return wf_workdays_due(r, today(), category_days(r, rec), due);
	if (is(t, "approve_extension")) {
		cal_parse_date(rec->vals[CASE_EXTENSION_TO], due);
		return 0;
	}
	if (is(t, "reopen"))
		return wf_workdays_due(r, today(), CASE_REOPEN_DAYS, due);
	/* accepting keeps the deadline counted from dispatch; a refused
	 * extension or an answer sent back keeps the handling deadline */
	if (is(t, "accept") || is(t, "refuse_extension") || is(t, "request_extension"))
		*due = WF_DUE_KEEP;
	else if (is(t, "send_back")) {
		if (rec->vals[CASE_HANDLING_DUE])
			cal_parse_date(rec->vals[CASE_HANDLING_DUE], due);
		else
			*due = WF_DUE_KEEP;
	}
	return 0;
}

/* Reopens a case rated unsatisfied: back in hand for rectification within
 * CASE_REOPEN_DAYS, and a follow-up call due in CASE_FOLLOWUP_DAYS. */
static int reopen_unsatisfied(struct req *r, struct record *rec)
{
	int64_t due, call;
	int rc = wf_workdays_due(r, today(), CASE_REOPEN_DAYS, &due);
	if (!rc)
		rc = wf_workdays_due(r, today(), CASE_FOLLOWUP_DAYS, &call);
	if (rc)
		return rc;
	struct record *before = record_copy(r, rec);
	rec->vals[CASE_STATE] = "in_hand";
	rec->vals[CASE_DUE] = day_text(r, due);
	rec->vals[CASE_HANDLING_DUE] = rec->vals[CASE_DUE];
	rec->vals[CASE_FOLLOWUP_DUE] = day_text(r, call);
	rec->vals[CASE_RATED] = "0";
	rec->vals[CASE_ANSWERED_AT] = NULL;
	rec->vals[CASE_CLOSED_AT] = NULL;
	rc = record_save_as(r, rec, before, "wf.reopen");
	if (!rc) {
		int64_t ev = wf_log_as(r, rec, "reopen", "closed", "in_hand", NULL, 1, WF_SYSTEM);
		rc = ev < 0 ? (int)ev : 0;
	}
	return rc;
}

int case_step_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in)
{
	const char *due_before = rec->vals[CASE_HANDLING_DUE];
	int64_t d = today();
	if (is(t, "dispatch")) {
		int64_t resp;
		int rc = wf_workdays_due(r, d, CASE_RESPONSE_DAYS, &resp);
		if (rc)
			return rc;
		rec->vals[CASE_DISPATCHED_AT] = now_text(r);
		rec->vals[CASE_RESPONSE_DUE] = day_text(r, resp);
		rec->vals[CASE_HANDLING_DUE] = rec->vals[CASE_DUE];
		rec->vals[CASE_ACCEPTED_AT] = NULL;
	} else if (is(t, "accept")) {
		int64_t resp = 0;
		rec->vals[CASE_ACCEPTED_AT] = now_text(r);
		rec->vals[CASE_ACCEPTED_ON_TIME] =
			rec->vals[CASE_RESPONSE_DUE] && !cal_parse_date(rec->vals[CASE_RESPONSE_DUE], &resp) && d > resp
				? "0"
				: "1";
	} else if (is(t, "return")) {
		rec->vals[CASE_UNIT_ID] = NULL; /* back with the office: the unit no longer holds it */
	} else if (is(t, "answer") || is(t, "resolve")) {
		int64_t due = 0, received = cal_local_day(strtoll(
					 rec->vals[CASE_RECEIVED_AT] ? rec->vals[CASE_RECEIVED_AT] : "0", NULL, 10));
		int64_t days = 0;
		rec->vals[CASE_ANSWERED_AT] = now_text(r);
		rec->vals[CASE_REPLY] = in->reply;
		const char *hd = due_before;
		rec->vals[CASE_ANSWERED_ON_TIME] = hd && !cal_parse_date(hd, &due) && d > due ? "0" : "1";
		if (!wf_workdays_between(r, received, d, &days))
			rec->vals[CASE_HANDLING_DAYS] = arena_printf(r->a, "%lld", (long long)days);
		if (is(t, "resolve"))
			rec->vals[CASE_CLOSED_AT] = now_text(r);
	} else if (is(t, "approve_extension")) {
		rec->vals[CASE_HANDLING_DUE] = rec->vals[CASE_DUE];
	} else if (is(t, "close")) {
		rec->vals[CASE_CLOSED_AT] = now_text(r);
	} else if (is(t, "rate")) {
		rec->vals[CASE_RATED] = "1";
		rec->vals[CASE_RATINGS] =
			arena_printf(r->a, "%d", (rec->vals[CASE_RATINGS] ? atoi(rec->vals[CASE_RATINGS]) : 0) + 1);
		rec->vals[CASE_RATING_VOID] = "0";
		rec->vals[CASE_APPEAL] = NULL;
	} else if (is(t, "reopen")) {
		rec->vals[CASE_RATED] = "0";
		rec->vals[CASE_HANDLING_DUE] = rec->vals[CASE_DUE];
		rec->vals[CASE_ANSWERED_AT] = NULL;
		rec->vals[CASE_CLOSED_AT] = NULL;
	} else if (is(t, "follow_up")) {
		rec->vals[CASE_FOLLOWUP_DUE] = NULL;
	} else if (is(t, "appeal")) {
		rec->vals[CASE_APPEAL] = "pending";
	} else if (is(t, "uphold_appeal")) {
		rec->vals[CASE_APPEAL] = "upheld";
		rec->vals[CASE_RATING_VOID] = "1";
	} else if (is(t, "reject_appeal")) {
		rec->vals[CASE_APPEAL] = "rejected";
	} else if (is(t, "remind")) {
		rec->vals[CASE_REMINDED_DUE] = rec->vals[CASE_DUE];
		rec->vals[CASE_REMINDERS] =
			arena_printf(r->a, "%d", (rec->vals[CASE_REMINDERS] ? atoi(rec->vals[CASE_REMINDERS]) : 0) + 1);
	} else if (is(t, "escalate")) {
		rec->vals[CASE_ESCALATED] = "1";
	}
	return 0;
}

/* Who hears of a step: the handling unit of new work and of reminders,
 * the unit's head of an escalation, the office of what waits for it. */
static int notify_step(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	const char *detail = arena_printf(r->a, "%s %s", rec->vals[CASE_NUMBER] ? rec->vals[CASE_NUMBER] : "",
					  rec->vals[CASE_TITLE] ? rec->vals[CASE_TITLE] : "");
	const char *link = arena_printf(r->a, "/r/cases/%lld", (long long)rec->id);
	int64_t unit = rec->vals[CASE_UNIT_ID] ? strtoll(rec->vals[CASE_UNIT_ID], NULL, 10) : 0;
	const unsigned unit_side = (1u << ROLE_UNIT_ADMIN), office = (1u << ROLE_OFFICE);
	enum msg_id to_unit = is(t, "dispatch")                                         ? M_case_n_dispatched
			      : is(t, "remind")                                         ? M_case_n_reminded
			      : is(t, "send_back")                                      ? M_case_n_sent_back
			      : is(t, "reopen")                                         ? M_case_n_reopened
			      : is(t, "approve_extension") || is(t, "refuse_extension") ? M_case_n_extension_decided
											: M_NONE;
	enum msg_id to_office = is(t, "return")              ? M_case_n_returned
				: is(t, "answer")            ? M_case_n_answered
				: is(t, "request_extension") ? M_case_n_extension_requested
				: is(t, "appeal")            ? M_case_n_appeal
				: is(t, "rate") && rec->vals[CASE_RATING] && atoi(rec->vals[CASE_RATING]) <= 2
					? M_case_n_unsatisfied
					: M_NONE;
	int rc = 0;
	if (to_unit != M_NONE && unit)
		rc = notify_unit(r, unit, unit_side, "case", to_unit, detail, link);
	if (rc >= 0 && to_office != M_NONE)
		rc = notify_unit(r, unit, office, "case", to_office, detail, link);
	if (rc >= 0 && is(t, "escalate") && unit) {
		/* the unit's head, when the head has an account; else the unit
		 * administrators above the unit */
		int64_t head = db_one_int64(req_db(r), 0,
					    "SELECT p.user_id FROM units u JOIN people p ON p.id = u.head_person_id "
					    "JOIN users s ON s.id = p.user_id WHERE u.id = ? AND s.disabled = 0",
					    "i", unit);
		int64_t parent = db_one_int64(req_db(r), 0, "SELECT parent_id FROM units WHERE id = ?", "i", unit);
		rc = head > 0 ? (int)notify_user(r, head, "case", M_case_n_escalated, detail, link)
			      : notify_unit(r, parent ? parent : unit, unit_side, "case", M_case_n_escalated, detail,
					    link);
		if (rc >= 0)
			rc = notify_unit(r, unit, unit_side, "case", M_case_n_escalated, detail, link);
	}
	return rc < 0 ? rc : 0;
}

int case_step_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		    const struct wf_input *in, int64_t event_id)
{
	(void)before, (void)in, (void)event_id;
	int rc = notify_step(r, rec, t);
	/* an unsatisfied rating (不滿意, 非常不滿意) reopens the case, once */
	if (!rc && is(t, "rate") && rec->vals[CASE_RATING] && atoi(rec->vals[CASE_RATING]) <= 2 &&
	    atoi(rec->vals[CASE_RATINGS]) < 2)
		rc = reopen_unsatisfied(r, rec);
	return rc;
}

void case_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)r, (void)before;
	/* a map point is both coordinates or neither */
	if (!rec->vals[CASE_LAT] != !rec->vals[CASE_LON]) {
		errs->field[rec->vals[CASE_LAT] ? CASE_LON : CASE_LAT] = M_case_point_both;
		errs->count++;
	}
	/* an anonymous submission keeps no contact details */
	if (rec->vals[CASE_ANONYMOUS] && !strcmp(rec->vals[CASE_ANONYMOUS], "1"))
		rec->vals[CASE_CONTACT_NAME] = rec->vals[CASE_CONTACT_PHONE] = rec->vals[CASE_CONTACT_EMAIL] = NULL;
}

int case_after_save(struct req *r, struct record *rec, const struct record *before)
{
	if (before)
		return 0;
	/* a new case, however it came (a form, the API, an import, the public
	 * portal): its number from its id and year (2026-000123), its time of
	 * receipt, the office's deadline to dispatch it, and its first event */
	int64_t now = time(NULL), due;
	int rc = wf_workdays_due(r, cal_local_day(now), 1, &due);
	if (rc)
		return rc;
	int y, m, d;
	cal_civil_from_days(cal_local_day(now), &y, &m, &d);
	rec->vals[CASE_NUMBER] = arena_printf(r->a, "%04d-%06lld", y, (long long)rec->id);
	if (!rec->vals[CASE_RECEIVED_AT])
		rec->vals[CASE_RECEIVED_AT] = arena_printf(r->a, "%lld", (long long)now);
	rec->vals[CASE_STATE] = "registered";
	rec->vals[CASE_DUE] = day_text(r, due);
	rc = db_run(req_db(r),
		    "UPDATE cases SET number = ?, received_at = ?, state = ?, due = "
		    "? WHERE id = ?",
		    "sssss", rec->vals[CASE_NUMBER], rec->vals[CASE_RECEIVED_AT], rec->vals[CASE_STATE],
		    rec->vals[CASE_DUE], arena_printf(r->a, "%lld", (long long)rec->id));
	if (!rc) {
		int64_t ev =
			wf_log_as(r, rec, "create", NULL, "registered", NULL, 1, r->user ? WF_OFFICE : WF_SUBMITTER);
		rc = ev < 0 ? (int)ev : 0;
	}
	return rc;
}
