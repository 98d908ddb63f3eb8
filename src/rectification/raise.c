/* raise.c — raising a rectification item from where the problem was found
 * (POST /rectification/raise, the office's): a case (its handling unit and
 * text), a failed inspection item (the inspection module's
 * inspection_results, with the unit and checklist item, its photos copied
 * as the problem's photos) or an appraisal opinion (appraisal_opinions).
 * One source gives one item: raising it again leads to the item it has.
 * The new item opens on its edit page so that the office can adjust it.
 * The case page's section lists the items raised from the case and, for
 * the office, offers the button. The inspection and appraisal tables are
 * the other modules' own: this file reads only the columns named below. */
#include "../cases/cases.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../records/files.h"
#include "../records/workflow.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "rect.h"

#include <stdlib.h>
#include <string.h>

/* The first max characters of s (UTF-8 safe), with "…" when cut (arena). */
static const char *excerpt(struct req *r, const char *s, int max)
{
	if (!s)
		return "";
	const char *p = s;
	for (int n = 0; *p && n < max; n++) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
	}
	if (!*p)
		return s;
	return arena_printf(r->a, "%.*s…", (int)(p - s), s);
}

/* The office may raise items: a role that writes the register. */
static int may_raise(struct req *r)
{
	return record_type_may(r, &rect_type, ACC_WRITE);
}

/* The item already raised from ref, or 0. */
static int64_t raised_from(struct req *r, const char *ref)
{
	return db_one_int64(req_db(r), 0,
			    "SELECT id FROM rectifications WHERE source_ref = ? AND archived = 0 ORDER BY id LIMIT 1",
			    "s", ref);
}

struct source {
	const char *problem, *unit, *checklist_item, *photos, *case_id;
};

static int from_case(struct req *r, int64_t id, struct source *s, enum msg_id *why)
{
	if (!record_readable(r, &cases_type, id)) {
		*why = M_rect_no_source;
		return 404;
	}
	struct record *c = record_load(r, &cases_type, id);
	if (!c || c->archived) {
		*why = M_rect_no_source;
		return 404;
	}
	if (!c->vals[CASE_UNIT_ID]) {
		*why = M_rect_case_no_unit;
		return 422;
	}
	s->unit = c->vals[CASE_UNIT_ID];
	s->problem = arena_printf(r->a, "%s\n%s", c->vals[CASE_TITLE] ? c->vals[CASE_TITLE] : "",
				  excerpt(r, c->vals[CASE_DESCRIPTION], 300));
	s->case_id = arena_printf(r->a, "%lld", (long long)id);
	return 0;
}

static int from_inspection(struct req *r, int64_t id, struct source *s, enum msg_id *why)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT r.inspection_id, r.item_id, r.passed, r.note, r.photos, i.unit_id, "
				     "i.inspected_on, c.code, c.label FROM inspection_results r "
				     "JOIN inspections i ON i.id = r.inspection_id "
				     "JOIN checklist_items c ON c.id = r.item_id WHERE r.id = ?",
				     "i", id);
	if (!q || db_step(q) != DB_ROW) {
		*why = M_rect_no_source;
		return 404;
	}
	if (db_column_isnull(q, 5)) {
		*why = M_rect_case_no_unit;
		return 422;
	}
	const char *note = db_column_isnull(q, 3) ? NULL : db_column_text(q, 3);
	s->unit = arena_printf(r->a, "%lld", (long long)db_column_int64(q, 5));
	s->problem = note && *note
			     ? arena_printf(r->a, "%s：%s（%s）", db_column_text(q, 8), note, db_column_text(q, 6))
			     : arena_printf(r->a, "%s（%s）", db_column_text(q, 8), db_column_text(q, 6));
	s->checklist_item = arena_strdup(r->a, db_column_text(q, 7));
	s->photos = db_column_isnull(q, 4) ? NULL : arena_strdup(r->a, db_column_text(q, 4));
	db_reset(q);
	return 0;
}

static int from_appraisal(struct req *r, int64_t id, struct source *s, enum msg_id *why)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT campaign_id, unit_id, body FROM appraisal_opinions WHERE id = ?", "i", id);
	if (!q || db_step(q) != DB_ROW) {
		*why = M_rect_no_source;
		return 404;
	}
	if (db_column_isnull(q, 1)) {
		*why = M_rect_case_no_unit;
		return 422;
	}
	s->unit = arena_printf(r->a, "%lld", (long long)db_column_int64(q, 1));
	s->problem = arena_strdup(r->a, db_column_text(q, 2));
	db_reset(q);
	return 0;
}

/* Copies the inspection's photos to the item (problem_photos): a copy
 * each, so that the item keeps them whatever becomes of the inspection. */
static int copy_photos(struct req *r, struct record *rec, const char *ids)
{
	int64_t v[16];
	int n = files_ids_parse(ids, v, 16);
	struct buf b;
	buf_init(&b, r->a);
	for (int i = 0; i < n; i++) {
		int64_t id =
			db_insert(req_db(r),
				  "INSERT INTO files (record_type, record_id, event_id, field, name, mime, size, "
				  "sha256, created_at, created_by, thumb, data) SELECT ?, ?, NULL, "
				  "'problem_photos', name, mime, size, sha256, created_at, created_by, thumb, data "
				  "FROM files WHERE id = ? RETURNING id",
				  "sii", rect_type.name, rec->id, v[i]);
		if (id <= 0) /* no such file (any more): nothing to copy */
			continue;
		buf_printf(&b, "%s%lld", b.len ? "," : "", (long long)id);
	}
	if (!b.len)
		return 0;
	rec->vals[RECT_PROBLEM_PHOTOS] = b.p;
	return db_run(req_db(r), "UPDATE rectifications SET problem_photos = ? WHERE id = ?", "si", b.p, rec->id);
}

static int raise_post(struct req *r)
{
	if (!may_raise(r))
		return req_fail(r, 403, M_NONE);
	const char *src = req_form(r, "source"), *ids = req_form(r, "id");
	char *end = NULL;
	long long id = ids ? strtoll(ids, &end, 10) : 0;
	if (!src || !ids || !*ids || *end || id <= 0)
		return req_fail(r, 400, M_rect_bad_source);
	const char *table = !strcmp(src, "case")         ? "cases"
			    : !strcmp(src, "inspection") ? "inspection_results"
			    : !strcmp(src, "appraisal")  ? "appraisal_opinions"
							 : NULL;
	if (!table)
		return req_fail(r, 400, M_rect_bad_source);
	const char *ref = arena_printf(r->a, "%s:%lld", table, id);
	int64_t had = raised_from(r, ref);
	if (had) {
		if (!record_readable(r, &rect_type, had))
			return req_fail(r, 403, M_NONE);
		req_flash(r, "ok", M_rect_raised_already);
		return req_redirect(r, arena_printf(r->a, "/r/%s/%lld", rect_type.name, (long long)had));
	}
	struct source s = {0};
	enum msg_id why = M_NONE;
	int status = !strcmp(src, "case")         ? from_case(r, id, &s, &why)
		     : !strcmp(src, "inspection") ? from_inspection(r, id, &s, &why)
						  : from_appraisal(r, id, &s, &why);
	if (status)
		return req_fail(r, status, why);
	int64_t unit = strtoll(s.unit, NULL, 10);
	if (!authz_record(r, &rect_type, ACC_WRITE, unit, 0))
		return req_fail(r, 403, M_NONE);
	struct record *rec = record_new(r, &rect_type);
	rec->vals[RECT_SOURCE] = src;
	rec->vals[RECT_PROBLEM] = excerpt(r, s.problem, 3900);
	rec->vals[RECT_UNIT_ID] = s.unit;
	rec->vals[RECT_SOURCE_CASE] = s.case_id;
	rec->vals[RECT_SOURCE_REF] = ref;
	rec->vals[RECT_CHECKLIST_ITEM] = s.checklist_item;
	struct record_errors e;
	if (record_validate(r, rec, NULL, &e))
		return req_fail(r, 422, e.record != M_NONE ? e.record : M_form_has_errors);
	struct db *db = req_db(r);
	int rc = db_begin(db);
	if (!rc)
		rc = record_save(r, rec, NULL);
	if (!rc && s.photos)
		rc = copy_photos(r, rec, s.photos);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		enum msg_id m;
		return req_fail(r, wf_error_status(rc, &m), m);
	}
	req_flash(r, "ok", M_rect_raised);
	return req_redirect(r, arena_printf(r->a, "/r/%s/%lld/edit", rect_type.name, (long long)rec->id));
}

/* The items a source produced (cond: the condition on t, one parameter,
 * bound to id), as a section of the source's detail page; with case_raise,
 * the office's button to raise one from a case that has none. */
static void items_section(struct req *r, const char *cond, int64_t id, int case_raise)
{
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &rect_type, "t", &b);
	struct db_stmt *q = db_prepare(req_db(r), r->a,
				       arena_printf(r->a,
						    "SELECT t.id, t.number, t.state, t.due, t.progress FROM "
						    "rectifications t WHERE t.archived = 0 AND %s%s "
						    "ORDER BY t.id LIMIT 50",
						    cond, scope));
	if (!q)
		return;
	db_bind_int64(q, 1, id);
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(q, (int)i + 2, strtoll(b.v[i].value, NULL, 10));
	int n = 0;
	struct record *row = record_new(r, &rect_type);
	while (db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<section class=\"card\" id=\"rectification\"><h2>%T</h2><ul class=\"plain\">",
			     M_rect_items);
		row->vals[RECT_STATE] = arena_strdup(r->a, db_column_text(q, 2));
		html(r,
		     "<li><a href=\"/r/rectifications/%D\">%s</a> <span class=\"badge\">%s</span> <span "
		     "class=\"muted\">%T %s · %D%%</span></li>",
		     db_column_int64(q, 0), db_column_text(q, 1), record_display(r, row, RECT_STATE, 0), M_rect_due,
		     db_column_text(q, 3), db_column_int64(q, 4));
	}
	db_reset(q);
	if (!n && !case_raise)
		return;
	if (!n)
		html(r, "<section class=\"card\" id=\"rectification\"><h2>%T</h2><ul class=\"plain\">", M_rect_items);
	html(r, "</ul>");
	if (case_raise && !n)
		html(r,
		     "<form method=\"post\" action=\"/rectification/raise\">%H<input type=\"hidden\" name=\"source\" "
		     "value=\"case\"><input type=\"hidden\" name=\"id\" value=\"%D\"><button class=\"btn\">%T</button> "
		     "<span class=\"hint\">%T</span></form>",
		     csrf_input(r), id, M_rect_raise, M_rect_raise_hint);
	html(r, "</section>");
}

void rect_case_section(struct req *r, const struct record *rec)
{
	if (!record_type_may(r, &rect_type, ACC_READ))
		return;
	int office = may_raise(r) && rec->vals[CASE_UNIT_ID] &&
		     authz_record(r, &rect_type, ACC_WRITE, strtoll(rec->vals[CASE_UNIT_ID], NULL, 10), 0);
	items_section(r, "t.source_case = ?", rec->id, office);
}

/* On an inspection: the items raised from its failed results (each result
 * has its own button on the inspection's page). */
void rect_inspection_section(struct req *r, const struct record *rec)
{
	if (!record_type_may(r, &rect_type, ACC_READ))
		return;
	items_section(r,
		      "t.source = 'inspection' AND t.source_ref IN (SELECT 'inspection_results:' || CAST(id AS TEXT) "
		      "FROM inspection_results WHERE inspection_id = ?)",
		      rec->id, 0);
}

const struct route rect_raise_routes[] = {
	{"POST", "/rectification/raise", raise_post, P_SIGNED_IN, 1, "rectification raise"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
