/* raise.c — recording an honor from code (a campaign's selection, later an
 * event's award: honors_raise), and the pages' pieces that list honors: the
 * unit page's section (its honors and its civilized-unit status this year),
 * an application's criteria with their evidence, and the published unit
 * page's list of valid titles (name, level, issuer, year: nothing else). */
#include "../core/cal.h"
#include "../db/db.h"
#include "../records/workflow.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "honors.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int honors_raise(struct req *r, const struct honor_new *h, int64_t *id)
{
	if (!h || !h->title || !h->issuer || !h->awarded_on || h->unit_id <= 0 || !h->category || !h->level)
		return HONORS_E_INVALID;
	struct record *rec = record_new(r, &honors_type);
	record_set(r, rec, HON_TITLE, h->title);
	record_set(r, rec, HON_CATEGORY, h->category);
	record_set(r, rec, HON_RECIPIENT, h->recipient ? h->recipient : "unit");
	record_set(r, rec, HON_UNIT, arena_printf(r->a, "%lld", (long long)h->unit_id));
	if (h->person_id > 0)
		record_set(r, rec, HON_PERSON, arena_printf(r->a, "%lld", (long long)h->person_id));
	record_set(r, rec, HON_LEVEL, h->level);
	record_set(r, rec, HON_ISSUER, h->issuer);
	record_set(r, rec, HON_AWARDED_ON, h->awarded_on);
	if (h->term_start)
		record_set(r, rec, HON_TERM_START, h->term_start);
	if (h->term_end)
		record_set(r, rec, HON_TERM_END, h->term_end);
	if (h->notes)
		record_set(r, rec, HON_NOTES, h->notes);
	const char *src = h->source ? h->source : "manual";
	if (strcmp(src, "manual") && strcmp(src, "campaign") && strcmp(src, "event"))
		return HONORS_E_INVALID;
	rec->vals[HON_SOURCE] = src;
	rec->vals[HON_SOURCE_REF] = h->source_ref ? arena_strdup(r->a, h->source_ref) : NULL;
	rec->vals[HON_STATUS] = "valid";
	/* each field as a form would check it; the caller decided who may
	 * raise it, so the user's write access to honors is not asked */
	for (int i = 0; i < HON__COUNT; i++) {
		const struct field_def *f = &honors_type.fields[i];
		if ((f->flags & FF_REQUIRED) && !rec->vals[i])
			return HONORS_E_INVALID;
		if (rec->vals[i] && FIELD_INPUT(f) && record_check_field(r, rec, NULL, i) != M_NONE)
			return HONORS_E_INVALID;
	}
	enum msg_id fe[HON__COUNT];
	for (int i = 0; i < HON__COUNT; i++)
		fe[i] = M_NONE;
	struct record_errors errs = {.field = fe, .record = M_NONE, .count = 0};
	honors_type.check(r, rec, NULL, &errs);
	if (errs.count)
		return HONORS_E_INVALID;
	int rc = record_save(r, rec, NULL);
	if (!rc && id)
		*id = rec->id;
	return rc;
}

/* ---- the unit page ---- */

/* 1 when unit holds a valid civilized-unit title on day (YYYY-MM-DD). */
static int holds_on(struct req *r, int64_t unit, const char *day)
{
	return db_one_int64(req_db(r), 0,
			    "SELECT count(*) FROM honors WHERE archived = 0 AND unit_id = ? AND category = "
			    "'civilized_unit' AND status <> 'revoked' AND awarded_on <= ? AND (term_start IS NULL OR "
			    "term_start <= ?) AND term_end >= ?",
			    "isss", unit, day, day, day) > 0;
}

void honors_unit_section(struct req *r, const struct record *rec)
{
	if (!record_type_may(r, &honors_type, ACC_READ) || !authz_record(r, &honors_type, ACC_READ, rec->id, 0))
		return;
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT id, title, category, level, issuer, awarded_on, term_end, status FROM honors "
			 "WHERE archived = 0 AND unit_id = ? ORDER BY awarded_on DESC, id DESC LIMIT 50",
			 "i", rec->id);
	int y, m, d;
	cal_civil_from_days(cal_local_day(time(NULL)), &y, &m, &d);
	html(r, "<section class=\"card\"><h2>%T</h2><p>%s</p>", M_hon_unit_section,
	     arena_printf(r->a, T(r, M_hon_unit_status), y,
			  T(r, holds_on(r, rec->id, honors_today(r)) ? M_yes : M_no)));
	int n = 0;
	const char *vals[HON__COUNT] = {0};
	struct record tmp = {.type = &honors_type, .vals = vals};
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<ul class=\"plain\">");
		vals[HON_CATEGORY] = db_column_text(q, 2);
		vals[HON_LEVEL] = db_column_text(q, 3);
		vals[HON_STATUS] = db_column_text(q, 7);
		const char *end = db_column_text(q, 6);
		html(r, "<li><a href=\"/r/honors/%D\">%s</a> · %s · %s · %s · %s%s%s · %s</li>", db_column_int64(q, 0),
		     db_column_text(q, 1), record_display(r, &tmp, HON_CATEGORY, 0),
		     record_display(r, &tmp, HON_LEVEL, 0), db_column_text(q, 4), db_column_text(q, 5),
		     end ? " – " : "", end ? end : "", record_display(r, &tmp, HON_STATUS, 0));
	}
	db_reset(q);
	if (n)
		html(r, "</ul>");
	else
		html(r, "<p class=\"muted\">%T</p>", M_hon_none);
	html(r, "</section>");
}

/* ---- an application's criteria and evidence ---- */

void application_extra(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	const char *state = rec->vals[APP_STATE];
	int open = !state || !strcmp(state, "draft") || !strcmp(state, "returned");
	int may = open && authz_record_of(r, rec, ACC_WRITE);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT c.id, c.position, c.title, c.guidance, (SELECT count(*) FROM "
				     "campaign_evidence e WHERE e.archived = 0 AND e.application_id = ? AND "
				     "e.criterion_id = c.id) FROM campaign_criteria c WHERE c.archived = 0 AND "
				     "c.campaign_id = ? ORDER BY c.position, c.id",
				     "ii", rec->id, strtoll(rec->vals[APP_CAMPAIGN], NULL, 10));
	html(r, "<section class=\"card\"><h2>%T</h2><ol class=\"criteria\">", M_hon_checklist);
	while (q && db_step(q) == DB_ROW) {
		int64_t cid = db_column_int64(q, 0), n = db_column_int64(q, 4);
		const char *g = db_column_text(q, 3);
		html(r, "<li><strong>%s</strong>", db_column_text(q, 2));
		if (g && *g)
			html(r, "<br><span class=\"hint\">%s</span>", g);
		if (n)
			html(r,
			     "<br><a href=\"/r/campaign_evidence?application_id=%D&amp;criterion_id=%D\">%T (%D)</a>",
			     rec->id, cid, M_hon_evidence, n);
		else
			html(r, "<br><span class=\"badge\">%T</span>", M_hon_no_evidence);
		if (may)
			html(r,
			     " <a class=\"btn btn-sm\" "
			     "href=\"/r/campaign_evidence/new?application_id=%D&amp;criterion_id=%D"
			     "&amp;unit_id=%u\">%T</a>",
			     rec->id, cid, rec->vals[APP_UNIT], M_hon_add_evidence);
		html(r, "</li>");
	}
	db_reset(q);
	html(r, "</ol></section>");
}

/* ---- the published unit page ---- */

void honors_public_list(struct req *r, int64_t unit)
{
	const char *today = honors_today(r);
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT title, level, issuer, awarded_on FROM honors WHERE archived = 0 AND unit_id = ? "
			 "AND status = 'valid' AND (term_end IS NULL OR term_end >= ?) "
			 "ORDER BY awarded_on DESC, id DESC LIMIT 50",
			 "is", unit, today);
	int n = 0;
	const char *vals[HON__COUNT] = {0};
	struct record tmp = {.type = &honors_type, .vals = vals};
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r,
			     "<section class=\"card public-card\"><h2>%T</h2><p class=\"hint\">%T</p><ul "
			     "class=\"public-list\">",
			     M_hon_public_honors, M_hon_public_hint);
		vals[HON_LEVEL] = db_column_text(q, 1);
		const char *on = db_column_text(q, 3);
		html(r, "<li><span>%s</span> <span class=\"hint\">%s · %s · %s</span></li>", db_column_text(q, 0),
		     record_display(r, &tmp, HON_LEVEL, 0), db_column_text(q, 2),
		     on ? arena_printf(r->a, "%.4s", on) : "");
	}
	db_reset(q);
	if (n)
		html(r, "</ul></section>");
}
