/* programmes.c — a task programme's page ("five ones", "three ones"): its
 * tasks, the completion of its checklists, and the office's action that
 * gives every person it applies to their checklist for the year (one item
 * per task; items already given stay as they are). Submitting evidence,
 * accepting and sending back are the workflow of programme_items
 * (types.c), taken through the engine's pages and API. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "learning.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void learn_programme_extra(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT id, position, title FROM programme_tasks WHERE programme_id = ? AND archived = 0 "
			 "ORDER BY position, id",
			 "i", rec->id);
	html(r, "<section class=\"card\"><h2>%T</h2><ol class=\"learn-tasks\">", M_learn_tasks);
	while (q && db_step(q) == DB_ROW)
		html(r, "<li><a href=\"/r/programme_tasks/%D\">%s</a></li>", db_column_int64(q, 0),
		     db_column_text(q, 2));
	db_reset(q);
	html(r, "</ol>");
	int office = record_type_may(r, &programmes_type, ACC_WRITE) && authz_record_of(r, rec, ACC_WRITE);
	if (office)
		html(r, "<p><a class=\"btn\" href=\"/r/programme_tasks/new?programme_id=%D\">%T</a></p>", rec->id,
		     M_learn_task_add);
	html(r, "</section><section class=\"card\" id=\"completion\"><h2>%T</h2>", M_learn_completion);
	int64_t total = db_one_int64(
		db, 0, "SELECT count(*) FROM programme_items WHERE programme_id = ? AND archived = 0", "i", rec->id);
	html(r, "<div class=\"tiles\">");
	static const char *const states[] = {"open", "submitted", "returned", "accepted"};
	static const enum msg_id labels[] = {M_learn_st_open, M_learn_st_submitted, M_learn_st_returned,
					     M_learn_st_accepted};
	int64_t accepted = 0;
	for (int k = 0; k < 4; k++) {
		int64_t n =
			db_one_int64(db, 0,
				     "SELECT count(*) FROM programme_items WHERE programme_id = ? AND archived = 0 AND "
				     "state = ?",
				     "is", rec->id, states[k]);
		if (k == 3)
			accepted = n;
		html(r,
		     "<a class=\"tile\" href=\"/r/programme_items?programme_id=%D&amp;state=%s\"><span "
		     "class=\"tile-label\">%T</span><span class=\"tile-value\" id=\"st-%s\">%D</span></a>",
		     rec->id, states[k], labels[k], states[k], n);
	}
	html(r,
	     "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\" "
	     "id=\"completion-rate\">%s</span></div></div>",
	     M_learn_completion, total ? arena_printf(r->a, "%.1f %%", 100.0 * (double)accepted / (double)total) : "—");
	if (office)
		html(r,
		     "<form method=\"post\" action=\"/learning/programmes/%D/assign\">%H<p "
		     "class=\"hint\">%T</p><button "
		     "class=\"btn btn-primary\">%T</button></form>",
		     rec->id, csrf_input(r), M_learn_assign_hint, M_learn_assign);
	html(r, "</section>");
}

static int assign_post(struct req *r)
{
	struct record *p = record_load_checked(r, &programmes_type, ACC_WRITE);
	if (!p)
		return 0;
	if (p->vals[PG_ACTIVE] && !strcmp(p->vals[PG_ACTIVE], "0"))
		return req_fail(r, 409, M_learn_programme_inactive);
	struct db *db = req_db(r);
	const char *ap = p->vals[PG_APPLIES_TO] ? p->vals[PG_APPLIES_TO] : "all";
	const char *cond = !strcmp(ap, "leaders") ? " AND p.is_leader = 1"
			   : !strcmp(ap, "staff") ? " AND COALESCE(p.is_leader, 0) = 0"
						  : "";
	struct db_stmt *q = db_query(
		db, r->a,
		arena_printf(
			r->a,
			"SELECT p.id, p.unit_id, p.user_id, t.id, t.title FROM people p CROSS JOIN programme_tasks t "
			"WHERE t.programme_id = ? AND t.archived = 0 AND p.archived = 0 AND p.status = 'active' AND "
			"p.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)%s AND NOT EXISTS (SELECT "
			"1 FROM programme_items i WHERE i.programme_id = t.programme_id AND i.task_id = t.id AND "
			"i.person_id = p.id AND i.archived = 0) ORDER BY p.id, t.position, t.id LIMIT 200000",
			cond),
		"is", p->id, p->vals[PG_UNIT_ID]);
	struct item {
		const char *person, *unit, *user, *task, *title;
	} *v = NULL;
	size_t n = 0, cap = 0;
	while (q && db_step(q) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct item *w = arena_alloc(r->a, cap * sizeof *w);
			if (n)
				memcpy(w, v, n * sizeof *v);
			v = w;
		}
		struct item *x = &v[n++];
		x->person = arena_strdup(r->a, db_column_text(q, 0));
		x->unit = arena_strdup(r->a, db_column_text(q, 1));
		x->user = db_column_isnull(q, 2) ? NULL : arena_strdup(r->a, db_column_text(q, 2));
		x->task = arena_strdup(r->a, db_column_text(q, 3));
		x->title = arena_strdup(r->a, db_column_text(q, 4));
	}
	db_reset(q);
	int rc = db_begin(db);
	void **state = NULL;
	if (!rc)
		rc = records_batch_begin(r, n, &state);
	int64_t now = time(NULL);
	for (size_t k = 0; !rc && k < n; k++) {
		struct record *it = record_new(r, &programme_items_type);
		it->vals[PI_TITLE] = v[k].title;
		it->vals[PI_PROGRAMME_ID] = arena_printf(r->a, "%lld", (long long)p->id);
		it->vals[PI_TASK_ID] = v[k].task;
		it->vals[PI_PERSON_ID] = v[k].person;
		it->vals[PI_UNIT_ID] = v[k].unit;
		it->vals[PI_YEAR] = p->vals[PG_YEAR];
		it->vals[PI_DUE] = p->vals[PG_DUE];
		it->vals[PI_STATE] = "open";
		it->vals[PI_USER_ID] = v[k].user;
		rc = record_insert_batch(r, it, now, state);
	}
	if (!rc)
		rc = records_batch_end(r, state);
	json_t *what = json_pack("{s:I, s:I}", "programme_id", (json_int_t)p->id, "items", (json_int_t)n);
	if (!rc)
		rc = audit_log(r, "assign", "learning_programmes", p->id, NULL, what);
	json_decref(what);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	req_flash(r, "ok", n ? M_learn_assigned : M_learn_assigned_none);
	return req_redirect(r, arena_printf(r->a, "/r/learning_programmes/%lld#completion", (long long)p->id));
}

const struct route learn_programme_routes[] = {
	{"POST", "/learning/programmes/{id:int}/assign", assign_post, P_SIGNED_IN, 1, "learning assign"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

static int wf_office_anywhere(struct req *r)
{
	for (int i = 0; i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_ADMIN || r->user->grants[i].role == ROLE_OFFICE)
			return 1;
	return 0;
}

/* The home page's tiles: the office's review queue; a person's own tasks
 * still to do (open or sent back). Two indexed counts. */
void learn_home(struct req *r)
{
	struct db *db = req_db(r);
	if (!db || !r->user)
		return;
	if (wf_office_anywhere(r)) {
		int64_t n = db_one_int64(
			db, 0, "SELECT count(*) FROM programme_items WHERE archived = 0 AND state = 'submitted'", NULL);
		home_tile(r, "/r/programme_items?state=submitted", M_learn_queue, n, M_learn_tile_queue_note, 0);
	}
	int64_t mine =
		db_one_int64(db, 0,
			     "SELECT count(*) FROM programme_items WHERE user_id = ? AND archived = 0 AND state IN "
			     "('open', 'returned')",
			     "i", r->user->id);
	if (mine)
		home_tile(r, "/r/programme_items?state=open", M_learn_tile_mine, mine, M_learn_tile_mine_note, 0);
}
