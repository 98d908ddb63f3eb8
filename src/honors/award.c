/* award.c — an event's awards are honors: the section on an event's page
 * (activities module) lists the honors raised from it and, for the office,
 * a form that records one more for the organizing unit or one of the
 * event's participants (POST /honors/award). The honor carries source
 * "event" and the event's id, so the register, the unit page, the ratio's
 * neighbours and the assessment's bonus per honor all see it. */
#include "../activities/activities.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../learning/learning.h"
#include "../records/workflow.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "honors.h"

#include <stdlib.h>
#include <string.h>

/* The office may record an award for the event's unit: it writes honors
 * and may write there. */
static int may_award(struct req *r, int64_t unit)
{
	return record_type_may(r, &honors_type, ACC_WRITE) && authz_record(r, &honors_type, ACC_WRITE, unit, 0);
}

/* "u:ID" (a unit) or "p:ID" (a person) who took part in event (or is its
 * organizing unit): the unit (and person) in *unit and *person, else 0. */
static int recipient_of(struct req *r, int64_t event, int64_t org_unit, const char *who, int64_t *unit, int64_t *person)
{
	char *end = NULL;
	if (!who || strlen(who) < 3 || who[1] != ':')
		return 0;
	long long id = strtoll(who + 2, &end, 10);
	if (*end || id <= 0)
		return 0;
	*person = 0;
	if (who[0] == 'u') {
		*unit = id;
		return id == org_unit || db_one_int64(req_db(r), 0,
						      "SELECT count(*) FROM activity_participants WHERE archived = 0 "
						      "AND event_id = ? AND person_id IS NULL AND unit_id = ?",
						      "ii", event, (int64_t)id) > 0;
	}
	if (who[0] != 'p')
		return 0;
	*person = id;
	*unit = db_one_int64(req_db(r), 0,
			     "SELECT unit_id FROM activity_participants WHERE archived = 0 AND event_id = ? AND "
			     "person_id = ? ORDER BY id LIMIT 1",
			     "ii", event, (int64_t)id);
	return *unit > 0;
}

static int award_post(struct req *r)
{
	if (!record_type_may(r, &honors_type, ACC_WRITE))
		return req_fail(r, 403, M_NONE);
	const char *ev = req_form(r, "event");
	char *end = NULL;
	long long event = ev ? strtoll(ev, &end, 10) : 0;
	if (!ev || !*ev || *end || event <= 0)
		return req_fail(r, 400, M_hon_award_bad_event);
	if (!record_readable(r, &activity_events_type, event))
		return req_fail(r, 404, M_NONE);
	struct record *e = record_load(r, &activity_events_type, event);
	if (!e)
		return req_fail(r, 404, M_NONE);
	int64_t org = e->vals[AE_UNIT_ID] ? strtoll(e->vals[AE_UNIT_ID], NULL, 10) : 0;
	if (!may_award(r, org))
		return req_fail(r, 403, M_NONE);
	int64_t unit = 0, person = 0;
	if (!recipient_of(r, event, org, req_form(r, "who"), &unit, &person))
		return req_fail(r, 422, M_hon_award_bad_who);
	const char *day = req_form(r, "awarded_on");
	struct honor_new h = {.title = req_form(r, "title"),
			      .category = req_form(r, "category"),
			      .recipient = person ? "person" : "unit",
			      .unit_id = unit,
			      .person_id = person,
			      .level = req_form(r, "level"),
			      .issuer = req_form(r, "issuer"),
			      .awarded_on = day && *day           ? day
					    : e->vals[AE_DATE_TO] ? e->vals[AE_DATE_TO]
								  : e->vals[AE_DATE_FROM],
			      .source = "event",
			      .source_ref = arena_printf(r->a, "%lld", event)};
	struct db *db = req_db(r);
	int64_t id = 0;
	int rc = db_begin(db);
	if (!rc)
		rc = honors_raise(r, &h, &id);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		if (rc == HONORS_E_INVALID)
			return req_fail(r, 422, M_hon_award_invalid);
		enum msg_id m;
		return req_fail(r, wf_error_status(rc, &m), m);
	}
	req_flash(r, "ok", M_hon_award_saved);
	return req_redirect(r, arena_printf(r->a, "/r/%s/%lld#awards", activity_events_type.name, event));
}

/* The options of the award form's recipient: the organizing unit, then
 * every participant (people by name, units taking part as a whole). */
static void recipient_options(struct req *r, const struct record *ev, int64_t org)
{
	html(r, "<option value=\"u:%D\">%s</option>", org, record_display(r, ev, AE_UNIT_ID, 0));
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT a.person_id, a.unit_id, p.name, u.name FROM activity_participants a "
				     "LEFT JOIN people p ON p.id = a.person_id LEFT JOIN units u ON u.id = a.unit_id "
				     "WHERE a.archived = 0 AND a.event_id = ? ORDER BY a.id LIMIT 500",
				     "i", ev->id);
	while (q && db_step(q) == DB_ROW) {
		int64_t p = db_column_int64(q, 0), u = db_column_int64(q, 1);
		if (p > 0)
			html(r, "<option value=\"p:%D\">%s · %s</option>", p, db_column_text(q, 2),
			     db_column_text(q, 3));
		else if (u != org)
			html(r, "<option value=\"u:%D\">%s</option>", u, db_column_text(q, 3));
	}
	db_reset(q);
}

/* A <select> of a register's fixed options. */
static void opts_select(struct req *r, const char *name, enum msg_id label, const struct enum_opt *o,
			const char *current)
{
	const char *vals[32];
	enum msg_id labels[32];
	int n = 0;
	for (; o[n].code && n < 32; n++) {
		vals[n] = o[n].code;
		labels[n] = o[n].label;
	}
	field_select(r, name, label, vals, labels, n, current, 0);
}

static void award_form(struct req *r, const struct record *ev, int64_t org)
{
	html(r,
	     "<details><summary class=\"btn\">%T</summary><form method=\"post\" action=\"/honors/award\">%H"
	     "<input type=\"hidden\" name=\"event\" value=\"%D\">"
	     "<div class=\"field\"><label for=\"f-who\">%T</label><select id=\"f-who\" name=\"who\" required>",
	     M_hon_award_add, csrf_input(r), ev->id, M_hon_award_who);
	recipient_options(r, ev, org);
	html(r, "</select></div>");
	field_input(r, "text", "title", M_hon_title, NULL, M_NONE, 1, M_hon_award_title_hint);
	opts_select(r, "category", M_hon_category, honor_categories, "contest_award");
	opts_select(r, "level", M_hon_level, award_levels, "prefecture");
	field_input(r, "text", "issuer", M_hon_issuer, ev->vals[AE_CO_ORGANIZERS], M_NONE, 1, M_NONE);
	field_input(r, "date", "awarded_on", M_hon_awarded_on,
		    ev->vals[AE_DATE_TO] ? ev->vals[AE_DATE_TO] : ev->vals[AE_DATE_FROM], M_NONE, 1, M_NONE);
	html(r, "<button class=\"btn btn-primary\">%T</button></form></details>", M_hon_award_save);
}

void honors_event_section(struct req *r, const struct record *rec)
{
	if (!record_type_may(r, &honors_type, ACC_READ))
		return;
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &honors_type, "t", &b);
	struct db_stmt *q =
		db_prepare(req_db(r), r->a,
			   arena_printf(r->a,
					"SELECT t.id, t.title, t.level, t.issuer, t.awarded_on, t.status, "
					"COALESCE(p.name, u.name) FROM honors t LEFT JOIN people p ON p.id = "
					"t.person_id LEFT JOIN units u ON u.id = t.unit_id WHERE t.archived = "
					"0 AND t.source = 'event' AND t.source_ref = ?%s ORDER BY t.id LIMIT 100",
					scope));
	if (!q)
		return;
	db_bind_text(q, 1, arena_printf(r->a, "%lld", (long long)rec->id));
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(q, (int)i + 2, strtoll(b.v[i].value, NULL, 10));
	html(r, "<section class=\"card\" id=\"awards\"><h2>%T</h2>", M_hon_award_section);
	int n = 0;
	const char *vals[HON__COUNT] = {0};
	struct record tmp = {.type = &honors_type, .vals = vals};
	while (db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<ul class=\"plain\">");
		vals[HON_LEVEL] = db_column_text(q, 2);
		vals[HON_STATUS] = db_column_text(q, 5);
		html(r, "<li><a href=\"/r/honors/%D\">%s</a> · %s · %s · %s · %s · %s</li>", db_column_int64(q, 0),
		     db_column_text(q, 1), db_column_text(q, 6), record_display(r, &tmp, HON_LEVEL, 0),
		     db_column_text(q, 3), db_column_text(q, 4), record_display(r, &tmp, HON_STATUS, 0));
	}
	db_reset(q);
	if (n)
		html(r, "</ul>");
	else
		html(r, "<p class=\"muted\">%T</p>", M_hon_award_none);
	int64_t org = rec->vals[AE_UNIT_ID] ? strtoll(rec->vals[AE_UNIT_ID], NULL, 10) : 0;
	if (org > 0 && may_award(r, org))
		award_form(r, rec, org);
	html(r, "</section>");
}

const struct route honors_award_routes[] = {
	{"POST", "/honors/award", award_post, P_SIGNED_IN, 1, "honors award"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
