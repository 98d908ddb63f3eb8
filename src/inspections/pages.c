/* pages.c — the inspections module's own pages: a new inspection or a
 * conduct supervisor's visit (/inspections/new), the on-the-spot record
 * page made for a phone (/inspections/{id}/record: the checklist, pass /
 * fail or points per item, a note and photos per item, the unit's person
 * present), and the results on the inspection's detail page, with the
 * one-tap "列入整改" form to the rectification module for each failed
 * item (that route, POST /rectification/raise, is the rectification
 * module's). The workflow's steps are the engine's (/r/inspections/ID/t/…). */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../records/files.h"
#include "../records/workflow.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "inspections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RESULT_NOTE_MAX 1000
#define RESULT_PHOTOS_MAX 8

int ins_office_user(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_ADMIN || r->user->grants[i].role == ROLE_OFFICE)
			return 1;
	return 0;
}

static int is_supervisor(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_SUPERVISOR)
			return 1;
	return 0;
}

int ins_supervisor_covers(struct req *r, int64_t unit)
{
	struct db *db = req_db(r);
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if (g->role == ROLE_SUPERVISOR && unit > 0 && db &&
		    (g->unit_id == 0 || unit_in_subtree(db, g->unit_id, unit)))
			return 1;
	}
	return 0;
}

int ins_score_compute(struct req *r, int64_t inspection, double *score, int64_t *failed)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT c.scoring, i.max_points, x.passed, x.points FROM inspections n "
				     "JOIN inspection_checklists c ON c.id = n.checklist_id "
				     "JOIN checklist_items i ON i.checklist_id = c.id AND i.archived = 0 "
				     "LEFT JOIN inspection_results x ON x.inspection_id = n.id AND x.item_id = i.id "
				     "WHERE n.id = ?",
				     "i", inspection);
	if (!q)
		return DB_ERR;
	double max = 0, got = 0;
	int64_t nf = 0;
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		int points = !strcmp(db_column_text(q, 0), "points");
		double m = db_column_double(q, 1);
		max += m;
		if (db_column_isnull(q, 2)) /* not answered: nothing earned */
			continue;
		int passed = (int)db_column_int64(q, 2);
		nf += !passed;
		got += points ? (db_column_isnull(q, 3) ? 0 : db_column_double(q, 3)) : passed ? m : 0;
	}
	db_reset(q);
	if (rc < 0)
		return rc;
	*score = max > 0 ? (double)(int64_t)(1000.0 * got / max + 0.5) / 10.0 : 0;
	*failed = nf;
	return 0;
}

/* ---- the checklist's items and an inspection's results ---- */

struct item {
	int64_t id;
	const char *code, *label, *guidance;
	double max;
	/* the result, when there is one */
	int64_t result_id;
	int answered, passed;
	double points;
	int has_points;
	const char *note, *photos;
	/* the form's input */
	enum msg_id err;
};

struct sheet {
	int points; /* the checklist scores points */
	const char *checklist;
	struct item *items;
	int n;
};

/* The checklist's items with the inspection's results (arena). 0 or a DB_E_* code. */
static int sheet_load(struct req *r, const struct record *rec, struct sheet *s)
{
	memset(s, 0, sizeof *s);
	struct db *db = req_db(r);
	const char *cl = rec->vals[INS_CHECKLIST_ID];
	s->points =
		db_one_int64(db, 0, "SELECT count(*) FROM inspection_checklists WHERE id = ? AND scoring = 'points'",
			     "s", cl) > 0;
	s->checklist = db_one_text(db, r->a, "SELECT name FROM inspection_checklists WHERE id = ?", "s", cl);
	s->items = arena_alloc(r->a, INS_MAX_ITEMS * sizeof *s->items);
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT i.id, i.code, i.label, i.guidance, i.max_points, x.id, x.passed, x.points, "
			 "x.note, x.photos FROM checklist_items i LEFT JOIN inspection_results x ON "
			 "x.item_id = i.id AND x.inspection_id = ? WHERE i.checklist_id = ? AND i.archived = 0 "
			 "ORDER BY i.position, i.id",
			 "is", rec->id, cl);
	if (!q)
		return DB_ERR;
	int rc;
	while ((rc = db_step(q)) == DB_ROW && s->n < INS_MAX_ITEMS) {
		struct item *it = &s->items[s->n++];
		memset(it, 0, sizeof *it);
		it->id = db_column_int64(q, 0);
		it->code = arena_strdup(r->a, db_column_text(q, 1));
		it->label = arena_strdup(r->a, db_column_text(q, 2));
		it->guidance = db_column_isnull(q, 3) ? NULL : arena_strdup(r->a, db_column_text(q, 3));
		it->max = db_column_double(q, 4);
		if (!db_column_isnull(q, 5)) {
			it->result_id = db_column_int64(q, 5);
			it->answered = 1;
			it->passed = (int)db_column_int64(q, 6);
			it->has_points = !db_column_isnull(q, 7);
			it->points = db_column_double(q, 7);
			it->note = db_column_isnull(q, 8) ? NULL : arena_strdup(r->a, db_column_text(q, 8));
			it->photos = db_column_isnull(q, 9) ? NULL : arena_strdup(r->a, db_column_text(q, 9));
		}
	}
	db_reset(q);
	return rc < 0 && rc != DB_DONE ? rc : 0;
}

static const char *num_text(struct req *r, double v)
{
	return arena_printf(r->a, "%g", v);
}

/* The thumbnails of a result's photos; with item (the draft's form), each
 * with a box that removes it when the form is saved. */
static void photos_list(struct req *r, const char *ids, int64_t item)
{
	int64_t v[FILES_MAX_PER_FIELD];
	int n = ids ? files_ids_parse(ids, v, FILES_MAX_PER_FIELD) : 0;
	if (n <= 0)
		return;
	html(r, "<ul class=\"ins-photos\">");
	for (int k = 0; k < n; k++) {
		html(r, "<li><a href=\"/files/%D\"><img src=\"/files/%D/thumb\" alt=\"%a\" loading=\"lazy\"></a>", v[k],
		     v[k], T(r, M_ins_photo));
		if (item)
			html(r,
			     "<label class=\"check ins-photo-remove\"><input type=\"checkbox\" name=\"x%D\" "
			     "value=\"%D\"> "
			     "%T</label>",
			     item, v[k], M_ins_photo_remove);
		html(r, "</li>");
	}
	html(r, "</ul>");
}

/* The "列入整改" button of a failed result: a form of its own (forms do not
 * nest: inside the record form the button names it with form=). */
static void raise_form(struct req *r, int64_t result_id)
{
	html(r,
	     "<form id=\"raise-%D\" class=\"ins-raise\" method=\"post\" action=\"/rectification/raise\">%H"
	     "<input type=\"hidden\" name=\"source\" value=\"inspection\"><input type=\"hidden\" name=\"id\" "
	     "value=\"%D\"></form>",
	     result_id, csrf_input(r), result_id);
}

static void raise_button(struct req *r, int64_t result_id)
{
	html(r, "<button class=\"btn btn-sm ins-raise-btn\" form=\"raise-%D\" data-raise=\"%D\">%T</button>", result_id,
	     result_id, M_ins_raise);
}

static const char *result_badge(struct req *r, const struct sheet *s, const struct item *it)
{
	(void)s;
	if (!it->answered)
		return T(r, M_ins_unanswered);
	return T(r, it->passed ? M_ins_pass : M_ins_fail);
}

/* The results, read only: the detail page and a recorded inspection's
 * record page. */
static void results_table(struct req *r, const struct record *rec, const struct sheet *s, int raise)
{
	html(r, "<section class=\"card\" id=\"results\"><h2>%T · %s</h2><ol class=\"ins-results\">", M_ins_results,
	     s->checklist ? s->checklist : "");
	for (int k = 0; k < s->n; k++) {
		const struct item *it = &s->items[k];
		html(r, "<li class=\"ins-result%s\" data-item=\"%D\"><div class=\"ins-result-head\"><span>%s</span> ",
		     it->answered && !it->passed ? " ins-failed" : "", it->id, it->label);
		html(r, "<span class=\"badge %s\">%s</span>",
		     !it->answered ? "badge-muted"
		     : it->passed  ? "badge-ok"
				   : "badge-danger",
		     result_badge(r, s, it));
		if (s->points && it->has_points)
			html(r, " <span class=\"muted\">%s / %s</span>", num_text(r, it->points), num_text(r, it->max));
		html(r, "</div>");
		if (it->note)
			html(r, "<p class=\"ins-result-note\">%s</p>", it->note);
		photos_list(r, it->photos, 0);
		if (raise && it->answered && !it->passed && it->result_id)
			raise_button(r, it->result_id);
		html(r, "</li>");
	}
	html(r, "</ol>");
	if (!s->n)
		html(r, "<p class=\"muted\">%T</p>", M_ins_no_items);
	html(r, "</section>");
	for (int k = 0; raise && k < s->n; k++)
		if (s->items[k].answered && !s->items[k].passed && s->items[k].result_id)
			raise_form(r, s->items[k].result_id);
	(void)rec;
}

/* May the user fill in the results (the office covering the unit, or the
 * inspector who made it)? */
static int may_fill(struct req *r, const struct record *rec)
{
	return (wf_sides(r, rec) & (WF_OFFICE | WF_SUBMITTER)) != 0;
}

void ins_detail_results(struct req *r, const struct record *rec)
{
	struct sheet s;
	if (sheet_load(r, rec, &s))
		return;
	int draft = !strcmp(wf_current(rec), "draft");
	if (draft && may_fill(r, rec))
		html(r, "<p><a class=\"btn btn-primary\" href=\"/inspections/%D/record\">%T</a></p>", rec->id,
		     M_ins_fill);
	results_table(r, rec, &s, ins_office_user(r));
}

/* ---- the record page ---- */

static const char *item_field(struct req *r, const char *prefix, int64_t id)
{
	return arena_printf(r->a, "%s%lld", prefix, (long long)id);
}

static void record_form(struct req *r, const struct record *rec, const struct sheet *s, enum msg_id err,
			const char *person, const char *note)
{
	const char *unit = record_display(r, rec, INS_UNIT_ID, 0);
	const char *title = arena_printf(r->a, "%s · %s", T(r, M_ins_record_page), unit);
	struct crumb c[] = {{"/r/inspections", T(r, M_ins_inspections)},
			    {arena_printf(r->a, "/r/inspections/%lld", (long long)rec->id), rec->vals[INS_NUMBER]},
			    {NULL, T(r, M_ins_record_page)}};
	page_begin(r, title, c, 3);
	page_heading(r, title, NULL);
	html(r,
	     "<p class=\"ins-meta\"><span>%s</span> · <span>%s</span> · <span>%s</span> · <span class=\"badge "
	     "badge-state\">%s</span></p>",
	     rec->vals[INS_INSPECTED_ON], s->checklist ? s->checklist : "", record_display(r, rec, INS_KIND, 0),
	     record_display(r, rec, INS_STATE, 0));
	int draft = !strcmp(wf_current(rec), "draft");
	if (!draft) {
		html(r, "<div class=\"flash flash-info\" role=\"status\">%T</div>", M_ins_locked);
		html(r,
		     "<div class=\"tiles\"><div class=\"tile\"><span class=\"tile-label\">%T</span><span "
		     "class=\"tile-value\">%s</span></div><div class=\"tile\"><span "
		     "class=\"tile-label\">%T</span><span "
		     "class=\"tile-value\">%s</span></div></div>",
		     M_ins_score, rec->vals[INS_SCORE] ? rec->vals[INS_SCORE] : "—", M_ins_failed,
		     rec->vals[INS_FAILED] ? rec->vals[INS_FAILED] : "0");
		results_table(r, rec, s, ins_office_user(r));
		html(r, "<p><a class=\"btn\" href=\"/r/inspections/%D\">%T</a></p>", rec->id, M_ins_open_detail);
		page_end(r);
		return;
	}
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"record-error\">%T</div>", err);
	if (rec->vals[INS_SCORE])
		html(r, "<p class=\"ins-score\">%T <strong>%s</strong> · %T <strong>%s</strong></p>", M_ins_score,
		     rec->vals[INS_SCORE], M_ins_failed, rec->vals[INS_FAILED] ? rec->vals[INS_FAILED] : "0");
	html(r,
	     "<form class=\"ins-sheet\" method=\"post\" action=\"/inspections/%D/record\" "
	     "enctype=\"multipart/form-data\" novalidate>%H"
	     "<div class=\"field\"><label for=\"f-person\">%T</label><input id=\"f-person\" name=\"person_present\" "
	     "maxlength=\"80\" value=\"%a\" autocomplete=\"off\"><p class=\"hint\">%T</p></div>",
	     rec->id, csrf_input(r), M_ins_person_present, person ? person : "", M_ins_person_present_hint);
	int office = ins_office_user(r);
	for (int k = 0; k < s->n; k++) {
		const struct item *it = &s->items[k];
		html(r,
		     "<fieldset class=\"card ins-item%s\" id=\"item-%D\"><legend><span class=\"ins-no\">%d</span> "
		     "%s <span class=\"muted\">(%s)</span></legend>",
		     it->err != M_NONE ? " has-error" : "", it->id, k + 1, it->label,
		     arena_printf(r->a, "%s %s", num_text(r, it->max), T(r, M_ins_points_unit)));
		if (it->guidance)
			html(r, "<p class=\"hint\">%s</p>", it->guidance);
		if (it->err != M_NONE)
			html(r, "<p class=\"error\" role=\"alert\">%T</p>", it->err);
		const char *rn = item_field(r, "r", it->id);
		if (s->points) {
			html(r,
			     "<div class=\"field\"><label for=\"f-p%D\">%T</label><input id=\"f-p%D\" name=\"p%D\" "
			     "type=\"number\" inputmode=\"decimal\" min=\"0\" max=\"%a\" step=\"0.5\" value=\"%a\" "
			     "class=\"ins-points\"></div>",
			     it->id, M_ins_points_got, it->id, it->id, num_text(r, it->max),
			     it->has_points ? num_text(r, it->points) : "");
		} else {
			html(r,
			     "<div class=\"ins-choices\" role=\"radiogroup\" aria-label=\"%a\">"
			     "<label class=\"ins-choice ins-pass\"><input type=\"radio\" name=\"%a\" value=\"pass\"%H>"
			     "<span>%T</span></label><label class=\"ins-choice ins-fail\"><input type=\"radio\" "
			     "name=\"%a\" "
			     "value=\"fail\"%H><span>%T</span></label></div>",
			     it->label, rn, it->answered && it->passed ? MARKUP(" checked") : NULL, M_ins_pass, rn,
			     it->answered && !it->passed ? MARKUP(" checked") : NULL, M_ins_fail);
		}
		html(r,
		     "<div class=\"field\"><label for=\"f-n%D\">%T</label><textarea id=\"f-n%D\" name=\"n%D\" "
		     "rows=\"2\" "
		     "maxlength=\"1000\">%s</textarea></div>",
		     it->id, M_ins_item_note, it->id, it->id, it->note ? it->note : "");
		photos_list(r, it->photos, it->id);
		html(r,
		     "<div class=\"field\"><label class=\"ins-camera\" for=\"f-f%D\">%T</label><input id=\"f-f%D\" "
		     "name=\"f%D\" type=\"file\" accept=\"image/jpeg,image/png\" capture=\"environment\" multiple "
		     "class=\"ins-file\"></div>",
		     it->id, M_ins_add_photo, it->id, it->id);
		if (office && it->answered && !it->passed && it->result_id)
			raise_button(r, it->result_id);
		html(r, "</fieldset>");
	}
	html(r,
	     "<div class=\"field\"><label for=\"f-note\">%T</label><textarea id=\"f-note\" name=\"note\" rows=\"3\" "
	     "maxlength=\"4000\">%s</textarea></div>"
	     "<div class=\"form-actions ins-actions\"><button class=\"btn btn-primary btn-block\" name=\"save\" "
	     "value=\"1\">%T</button></div></form>",
	     M_ins_note, note ? note : "", M_ins_save_results);
	for (int k = 0; office && k < s->n; k++)
		if (s->items[k].answered && !s->items[k].passed && s->items[k].result_id)
			raise_form(r, s->items[k].result_id);
	const struct wf_transition *t = wf_transition(&inspections_type, "record");
	if (t && wf_may(r, rec, t, wf_sides(r, rec)))
		html(r,
		     "<section class=\"card\"><p class=\"hint\">%T</p><a class=\"btn btn-block\" "
		     "href=\"/r/inspections/%D/t/record\">%T</a></section>",
		     M_ins_record_hint, rec->id, M_ins_t_record);
	page_end(r);
}

static struct record *load_for_record(struct req *r)
{
	struct record *rec = record_load(r, &inspections_type, req_param_int(r, "id"));
	if (!rec || rec->archived) {
		req_fail(r, 404, M_rec_not_found);
		return NULL;
	}
	if (!authz_record_of(r, rec, ACC_READ) || !may_fill(r, rec)) {
		req_fail(r, 403, M_NONE);
		return NULL;
	}
	return rec;
}

static int record_page(struct req *r)
{
	struct record *rec = load_for_record(r);
	if (!rec)
		return 0;
	struct sheet s;
	if (sheet_load(r, rec, &s))
		return req_fail(r, 503, M_err_db_down);
	record_form(r, rec, &s, M_NONE, rec->vals[INS_PERSON_PRESENT], rec->vals[INS_NOTE]);
	return 0;
}

/* The item a form field names ("r12", "p12", "n12", "f12", "x12"): its index,
 * -1 when the field is not an item's, -2 when it names no item of this
 * checklist. */
static int field_item(const struct sheet *s, const char *name)
{
	if (!strchr("rpnfx", name[0]) || !name[1])
		return -1;
	char *end;
	long long id = strtoll(name + 1, &end, 10);
	if (*end || name[1] < '0' || name[1] > '9')
		return -1;
	for (int k = 0; k < s->n; k++)
		if (s->items[k].id == id)
			return k;
	return -2;
}

struct upload {
	int item;
	const struct kv *part;
	struct file_kind kind;
};

static int record_post(struct req *r)
{
	struct record *rec = load_for_record(r);
	if (!rec)
		return 0;
	if (strcmp(wf_current(rec), "draft"))
		return req_fail(r, 409, M_ins_locked);
	struct sheet s;
	if (sheet_load(r, rec, &s))
		return req_fail(r, 503, M_err_db_down);
	const char *person = req_form(r, "person_present"), *note = req_form(r, "note");
	enum msg_id err = M_NONE;
	int status = 422;
	long max = r->app && r->app->cfg->max_upload ? r->app->cfg->max_upload : 10L << 20;
	struct upload *up = arena_alloc(r->a, (r->form.n + 1) * sizeof *up);
	int nup = 0;
	/* every field that names an item must name one of this checklist */
	for (size_t i = 0; i < r->form.n && err == M_NONE; i++) {
		const struct kv *p = &r->form.v[i];
		int k = field_item(&s, p->name);
		if (k == -2) {
			err = M_ins_unknown_item;
			break;
		}
		if (k < 0 || p->name[0] != 'f' || !files_part_is_upload(p))
			continue;
		enum msg_id why = M_NONE;
		struct upload *u = &up[nup];
		int st = files_check(r->a, p, max, &u->kind, &why);
		if (st || !u->kind.is_image) {
			s.items[k].err = err = st == 413 ? why : M_ins_photo_not_image;
			status = st == 413 ? 413 : 415;
			break;
		}
		u->item = k;
		u->part = p;
		nup++;
	}
	/* the answers */
	for (int k = 0; k < s.n && err == M_NONE; k++) {
		struct item *it = &s.items[k];
		const char *rv = req_form(r, item_field(r, "r", it->id));
		const char *pv = req_form(r, item_field(r, "p", it->id));
		const char *nv = req_form(r, item_field(r, "n", it->id));
		it->note = nv && *nv ? nv : NULL;
		if (it->note && strlen(it->note) > RESULT_NOTE_MAX * 4)
			it->err = err = M_ins_note_long;
		if (s.points) {
			if (pv && *pv) {
				char *end;
				double v = strtod(pv, &end);
				if (*end || !isfinite(v) || v < 0)
					it->err = err = M_ins_points_bad;
				else if (v > it->max)
					it->err = err = M_ins_points_above_max;
				else {
					it->answered = 1, it->has_points = 1, it->points = v;
					it->passed = v >= it->max;
				}
			}
		} else if (rv && *rv) {
			if (strcmp(rv, "pass") && strcmp(rv, "fail"))
				it->err = err = M_ins_answer_bad;
			else
				it->answered = 1, it->passed = !strcmp(rv, "pass");
		}
	}
	if (err == M_NONE && ((person && strlen(person) > 320) || (note && strlen(note) > 16000)))
		err = M_ins_note_long;
	/* photos taken out: each must be one of its item's */
	int64_t *gone = arena_alloc(r->a, (r->form.n + 1) * sizeof *gone);
	int ngone = 0;
	for (size_t i = 0; i < r->form.n && err == M_NONE; i++) {
		const struct kv *p = &r->form.v[i];
		int k = p->name[0] == 'x' ? field_item(&s, p->name) : -1;
		if (k < 0)
			continue;
		struct item *it = &s.items[k];
		int64_t have[FILES_MAX_PER_FIELD], id = strtoll(p->value, NULL, 10);
		int n = it->photos ? files_ids_parse(it->photos, have, FILES_MAX_PER_FIELD) : 0, found = 0;
		struct buf b;
		buf_init(&b, r->a);
		for (int j = 0; j < n; j++) {
			if (have[j] == id) {
				found = 1;
				continue;
			}
			buf_printf(&b, "%s%lld", b.len ? "," : "", (long long)have[j]);
		}
		if (!found) {
			it->err = err = M_ins_photo_unknown;
			break;
		}
		it->photos = b.len ? b.p : NULL;
		gone[ngone++] = id;
	}
	int per_item[INS_MAX_ITEMS] = {0};
	for (int u = 0; u < nup && err == M_NONE; u++) {
		struct item *it = &s.items[up[u].item];
		int64_t have[FILES_MAX_PER_FIELD];
		int n = it->photos ? files_ids_parse(it->photos, have, FILES_MAX_PER_FIELD) : 0;
		if (n + ++per_item[up[u].item] > RESULT_PHOTOS_MAX)
			it->err = err = M_ins_photos_too_many;
		else if (!it->answered)
			it->err = err = M_ins_photo_needs_answer;
	}
	if (err != M_NONE) {
		r->status = status;
		record_form(r, rec, &s, err, person, note);
		return 0;
	}
	struct db *db = req_db(r);
	struct record *before = record_copy(r, rec);
	int rc = db_begin(db);
	for (int u = 0; !rc && u < nup; u++) {
		struct item *it = &s.items[up[u].item];
		int64_t id =
			files_store(r, up[u].part, &up[u].kind, inspections_type.name, rec->id, "result_photos", 0);
		if (id < 0)
			rc = (int)id;
		else
			it->photos = it->photos ? arena_printf(r->a, "%s,%lld", it->photos, (long long)id)
						: arena_printf(r->a, "%lld", (long long)id);
	}
	for (int k = 0; !rc && k < ngone; k++) {
		rc = db_run(db,
			    "DELETE FROM files WHERE id = ? AND record_type = ? AND record_id = ? AND field = "
			    "'result_photos'",
			    "isi", gone[k], inspections_type.name, rec->id);
		if (!rc) {
			json_t *b = json_pack("{s:s, s:I}", "record_type", inspections_type.name, "record_id",
					      (json_int_t)rec->id);
			rc = audit_log(r, "delete", "files", gone[k], b, NULL);
			json_decref(b);
		}
	}
	int64_t now = time(NULL);
	for (int k = 0; !rc && k < s.n; k++) {
		struct item *it = &s.items[k];
		if (!it->answered)
			continue;
		if (it->result_id)
			rc = db_run(db,
				    "UPDATE inspection_results SET passed = ?, points = ?, note = ?, photos = ?, "
				    "updated_at = ? WHERE id = ?",
				    "idssii", (int64_t)it->passed,
				    it->has_points ? it->points : (it->passed ? it->max : 0.0), it->note, it->photos,
				    now, it->result_id);
		else
			rc = db_run(
				db,
				"INSERT INTO inspection_results (inspection_id, item_id, passed, points, note, photos, "
				"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
				"iiidssi", rec->id, it->id, (int64_t)it->passed,
				it->has_points ? it->points : (it->passed ? it->max : 0.0), it->note, it->photos, now);
	}
	if (!rc) {
		/* the answers as given, in the audit log with the inspection's id */
		json_t *after = json_array();
		for (int k = 0; k < s.n; k++)
			if (s.items[k].answered)
				json_array_append_new(after,
						      json_pack("{s:I, s:s, s:b, s:f, s:s?, s:s?}", "item_id",
								(json_int_t)s.items[k].id, "code", s.items[k].code,
								"passed", s.items[k].passed, "points",
								s.items[k].has_points
									? s.items[k].points
									: (s.items[k].passed ? s.items[k].max : 0.0),
								"note", s.items[k].note, "photos", s.items[k].photos));
		rc = audit_log(r, "results", "inspection_results", rec->id, NULL, after);
		json_decref(after);
	}
	double score = 0;
	int64_t failed = 0;
	if (!rc)
		rc = ins_score_compute(r, rec->id, &score, &failed);
	if (!rc) {
		rec->vals[INS_PERSON_PRESENT] = person && *person ? person : NULL;
		rec->vals[INS_NOTE] = note && *note ? note : NULL;
		rec->vals[INS_SCORE] = arena_printf(r->a, "%.1f", score);
		rec->vals[INS_FAILED] = arena_printf(r->a, "%lld", (long long)failed);
		rc = record_save_as(r, rec, before, "results");
	}
	if (rc) {
		db_rollback(db);
		if (rc == DB_E_BUSY)
			return req_fail(r, 409, M_rec_conflict);
		return req_fail(r, 500, M_NONE);
	}
	if ((rc = db_commit(db)))
		return req_fail(r, 500, M_NONE);
	req_flash(r, "ok", M_ins_saved);
	return req_redirect(r, arena_printf(r->a, "/inspections/%lld/record", (long long)rec->id));
}

/* ---- a new inspection, or a supervisor's visit ---- */

static int may_create(struct req *r)
{
	return record_type_may(r, &inspections_type, ACC_WRITE) || is_supervisor(r);
}

static void new_form(struct req *r, const struct record *rec, const struct record_errors *e)
{
	int office = record_type_may(r, &inspections_type, ACC_WRITE);
	enum msg_id title = office ? M_ins_new : M_ins_visit_new;
	struct crumb c[] = {{"/r/inspections", T(r, M_ins_inspections)}, {NULL, T(r, title)}};
	page_begin(r, T(r, title), c, 2);
	page_heading(r, T(r, title), NULL);
	if (e && e->count)
		form_errors(r, e->count);
	if (e && e->record != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", e->record);
	html(r, "<section class=\"card form\"><form method=\"post\" action=\"/inspections/new\" novalidate>%H",
	     csrf_input(r));
	if (office) {
		record_field_widget(r, rec, INS_UNIT_ID, e ? e->field[INS_UNIT_ID] : M_NONE);
	} else {
		/* a supervisor's units: the grants' roots */
		enum msg_id ue = e ? e->field[INS_UNIT_ID] : M_NONE;
		html(r,
		     "<div class=\"field%s\"><label for=\"f-unit_id\">%T%H</label><select id=\"f-unit_id\" "
		     "name=\"unit_id\"><option value=\"\">—</option>",
		     ue != M_NONE ? " has-error" : "", M_ins_unit, field_required_mark(r));
		for (int i = 0; r->user && i < r->user->ngrants; i++) {
			const struct grant *g = &r->user->grants[i];
			if (g->role != ROLE_SUPERVISOR || !g->unit_id)
				continue;
			struct db_stmt *q =
				db_query(req_db(r), r->a,
					 "SELECT u.id, u.name FROM unit_tree t JOIN units u ON u.id = t.unit_id "
					 "WHERE t.ancestor_id = ? AND u.archived = 0 ORDER BY u.path LIMIT 200",
					 "i", g->unit_id);
			while (q && db_step(q) == DB_ROW) {
				const char *id = arena_printf(r->a, "%lld", (long long)db_column_int64(q, 0));
				html(r, "<option value=\"%a\"%H>%s</option>", id,
				     rec->vals[INS_UNIT_ID] && !strcmp(rec->vals[INS_UNIT_ID], id) ? MARKUP(" selected")
												   : NULL,
				     db_column_text(q, 1));
			}
			db_reset(q);
		}
		html(r, "</select>");
		if (ue != M_NONE)
			html(r, "<p class=\"error\">%T</p>", ue);
		html(r, "</div>");
	}
	/* the active checklists, by kind of unit */
	enum msg_id ce = e ? e->field[INS_CHECKLIST_ID] : M_NONE;
	html(r,
	     "<div class=\"field%s\"><label for=\"f-checklist_id\">%T%H</label><select id=\"f-checklist_id\" "
	     "name=\"checklist_id\"><option value=\"\">—</option>",
	     ce != M_NONE ? " has-error" : "", M_ins_checklist, field_required_mark(r));
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, name FROM inspection_checklists WHERE archived = 0 AND active = 1 "
				     "ORDER BY code LIMIT 200",
				     NULL);
	while (q && db_step(q) == DB_ROW) {
		const char *id = arena_printf(r->a, "%lld", (long long)db_column_int64(q, 0));
		html(r, "<option value=\"%a\"%H>%s</option>", id,
		     rec->vals[INS_CHECKLIST_ID] && !strcmp(rec->vals[INS_CHECKLIST_ID], id) ? MARKUP(" selected")
											     : NULL,
		     db_column_text(q, 1));
	}
	db_reset(q);
	html(r, "</select>");
	if (ce != M_NONE)
		html(r, "<p class=\"error\">%T</p>", ce);
	html(r, "</div>");
	record_field_widget(r, rec, INS_INSPECTED_ON, e ? e->field[INS_INSPECTED_ON] : M_NONE);
	if (office) {
		record_field_widget(r, rec, INS_KIND, e ? e->field[INS_KIND] : M_NONE);
		record_field_widget(r, rec, INS_PLAN_ID, e ? e->field[INS_PLAN_ID] : M_NONE);
	}
	record_field_widget(r, rec, INS_INSPECTORS, e ? e->field[INS_INSPECTORS] : M_NONE);
	record_field_widget(r, rec, INS_PERSON_PRESENT, e ? e->field[INS_PERSON_PRESENT] : M_NONE);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a class=\"btn btn-plain\" "
	     "href=\"/r/inspections\">%T</a></div></form></section>",
	     M_ins_start, M_cancel);
	page_end(r);
}

static int new_page(struct req *r)
{
	if (!may_create(r))
		return req_fail(r, 403, M_NONE);
	struct record *rec = record_new(r, &inspections_type);
	char d[CAL_DATE_SIZE];
	rec->vals[INS_INSPECTED_ON] = arena_strdup(r->a, cal_format_date(cal_local_day(time(NULL)), d));
	const char *u = req_query(r, "unit_id");
	if (u && *u)
		record_set(r, rec, INS_UNIT_ID, u);
	new_form(r, rec, NULL);
	return 0;
}

static int new_post(struct req *r)
{
	if (!may_create(r))
		return req_fail(r, 403, M_NONE);
	int office = record_type_may(r, &inspections_type, ACC_WRITE);
	struct record *rec = record_new(r, &inspections_type);
	static const int office_fields[] = {INS_UNIT_ID, INS_CHECKLIST_ID, INS_INSPECTED_ON,  INS_KIND,
					    INS_PLAN_ID, INS_INSPECTORS,   INS_PERSON_PRESENT};
	static const int visit_fields[] = {INS_UNIT_ID, INS_CHECKLIST_ID, INS_INSPECTED_ON, INS_INSPECTORS,
					   INS_PERSON_PRESENT};
	const int *f = office ? office_fields : visit_fields;
	int n = office ? 7 : 5;
	for (int k = 0; k < n; k++) {
		const char *v = req_form(r, inspections_type.fields[f[k]].name);
		record_set(r, rec, f[k], v ? v : "");
	}
	if (!office)
		rec->vals[INS_KIND] = "supervisor";
	struct record_errors e;
	record_validate(r, rec, NULL, &e);
	/* a supervisor records visits to the units assigned to them, with
	 * any active checklist: the engine's scope check is the office's */
	int64_t unit = rec->vals[INS_UNIT_ID] ? strtoll(rec->vals[INS_UNIT_ID], NULL, 10) : 0;
	if (!office) {
		if (e.field[INS_UNIT_ID] == M_rec_unit_out_of_scope || e.field[INS_UNIT_ID] == M_rec_ref_out_of_scope) {
			e.field[INS_UNIT_ID] = ins_supervisor_covers(r, unit) ? M_NONE : M_rec_unit_out_of_scope;
			e.count -= e.field[INS_UNIT_ID] == M_NONE;
		}
		if (e.field[INS_CHECKLIST_ID] == M_rec_ref_out_of_scope) {
			e.field[INS_CHECKLIST_ID] = M_NONE;
			e.count--;
		}
	}
	if (e.field[INS_CHECKLIST_ID] == M_NONE && rec->vals[INS_CHECKLIST_ID] &&
	    !db_one_int64(req_db(r), 0,
			  "SELECT count(*) FROM inspection_checklists WHERE id = ? AND archived = 0 AND active = 1",
			  "s", rec->vals[INS_CHECKLIST_ID])) {
		e.field[INS_CHECKLIST_ID] = M_ins_checklist_inactive;
		e.count++;
	}
	if (e.count) {
		r->status = 422;
		new_form(r, rec, &e);
		return 0;
	}
	int rc = record_save(r, rec, NULL);
	if (rc)
		return req_fail(r, rc == DB_E_BUSY ? 409 : 500, rc == DB_E_BUSY ? M_rec_conflict : M_NONE);
	return req_redirect(r, arena_printf(r->a, "/inspections/%lld/record", (long long)rec->id));
}

const struct route ins_routes[] = {
	{"GET", "/inspections/new", new_page, P_SIGNED_IN, 0, "inspections new"},
	{"POST", "/inspections/new", new_post, P_SIGNED_IN, 1, "inspections new"},
	{"GET", "/inspections/{id:int}/record", record_page, P_SIGNED_IN, 0, "inspections record"},
	{"POST", "/inspections/{id:int}/record", record_post, P_SIGNED_IN, 1, "inspections record"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
