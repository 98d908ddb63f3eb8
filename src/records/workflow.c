/* workflow.c — the states and transitions a record type declares
 * (workflow.h): who may take which step, the step's form and API endpoint,
 * the deadline in working days, and the event log. */
#include "workflow.h"
#include "../core/cal.h"
#include "files.h"
#include "../platform/workdays.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- working days: the calendar the office keeps (platform/workdays.h) ---- */

static int calendar_error(int rc)
{
	return rc == WORKDAYS_E_UNCOVERED || rc == WORKDAYS_E_RANGE ? WF_E_CALENDAR : rc;
}

int wf_workdays_due(struct req *r, int64_t from, int n, int64_t *due)
{
	return calendar_error(workdays_due(r, from, n, due));
}

int wf_workdays_between(struct req *r, int64_t from, int64_t to, int64_t *n)
{
	return calendar_error(workdays_between(r, from, to, n));
}

/* ---- files of an event ---- */

/* The largest file accepted: the server's setting, or its default. */
static long max_upload(struct req *r)
{
	return r->app ? r->app->cfg->max_upload : 10L << 20;
}

/* Checks the input's files before anything is written: 0, or WF_E_TOO_LARGE
 * or WF_E_FILE_TYPE with the reason in *why. */
static int check_files(struct req *r, const struct wf_input *in, struct file_kind *kinds, enum msg_id *why)
{
	for (int k = 0; k < in->nfiles; k++) {
		int st = files_check(r->a, in->files[k], max_upload(r), &kinds[k], why);
		if (st == 413)
			return WF_E_TOO_LARGE;
		if (st)
			return WF_E_FILE_TYPE;
	}
	return 0;
}

static int store_files(struct req *r, const struct record *rec, int64_t event, const struct wf_input *in,
		       const struct file_kind *kinds)
{
	for (int k = 0; k < in->nfiles; k++) {
		int64_t id = files_store(r, in->files[k], &kinds[k], rec->type->name, rec->id, NULL, event);
		if (id < 0)
			return (int)id;
	}
	int rc = files_attach(r, rec->type->name, rec->id, NULL, event, in->file_ids, in->nfile_ids);
	return rc == 1 ? WF_E_FILE_NOT_YOURS : rc;
}

/* ---- declarations ---- */

static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		while (*p == ' ')
			p++;
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && n && !memcmp(p, word, n))
			return 1;
		p += len;
	}
	return 0;
}

/* The index of the k-th field named in a space-separated list (a name
 * ending in "?" is optional: *optional is set), -1 when there are fewer. */
static int list_field_opt(struct req *r, const struct record_type *t, const char *list, int k, int *optional)
{
	const char *p = list;
	for (int i = 0; p && *p; i++) {
		while (*p == ' ')
			p++;
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!len)
			break;
		if (i == k) {
			int opt = p[len - 1] == '?';
			if (optional)
				*optional = opt;
			return record_field_index(t, arena_strndup(r->a, p, len - (size_t)opt));
		}
		p += len;
	}
	return -1;
}

static int list_field(struct req *r, const struct record_type *t, const char *list, int k)
{
	return list_field_opt(r, t, list, k, NULL);
}

const struct wf_transition *wf_transition(const struct record_type *t, const char *name)
{
	if (!t->workflow || !name)
		return NULL;
	for (const struct wf_transition *tr = t->workflow->transitions; tr->name; tr++)
		if (!strcmp(tr->name, name))
			return tr;
	return NULL;
}

const struct wf_state *wf_state(const struct record_type *t, const char *code)
{
	if (!t->workflow || !code)
		return NULL;
	for (const struct wf_state *s = t->workflow->states; s->code; s++)
		if (!strcmp(s->code, code))
			return s;
	return NULL;
}

const char *wf_current(const struct record *rec)
{
	const struct workflow *wf = rec->type->workflow;
	int i = wf ? record_field_index(rec->type, wf->state_field) : -1;
	return i >= 0 && rec->vals[i] ? rec->vals[i] : "";
}

static enum msg_id state_label(const struct record_type *t, const char *code)
{
	const struct field_def *f = record_field(t, t->workflow->state_field);
	for (const struct enum_opt *o = f ? f->opts : NULL; o && o->code; o++)
		if (!strcmp(o->code, code))
			return o->label;
	return M_NONE;
}

/* ---- who may ---- */

unsigned wf_sides(struct req *r, const struct record *rec)
{
	const struct user *u = r->user;
	if (!u)
		return 0;
	unsigned sides = 0;
	int64_t unit = record_unit(rec), owner = record_owner(rec);
	if (owner && owner == u->id)
		sides |= WF_SUBMITTER;
	struct db *db = req_db(r);
	for (int i = 0; i < u->ngrants; i++) {
		const struct grant *g = &u->grants[i];
		int office = g->role == ROLE_ADMIN || g->role == ROLE_OFFICE;
		int unitside = g->role == ROLE_UNIT_ADMIN || g->role == ROLE_STAFF;
		if (!office && !unitside)
			continue;
		int covers = g->unit_id == 0 || (unit && db && unit_in_subtree(db, g->unit_id, unit));
		if (office && covers)
			sides |= WF_OFFICE;
		if (unitside && unit && covers)
			sides |= WF_UNIT;
	}
	return sides;
}

static int in_state(const struct record *rec, const struct wf_transition *tr)
{
	const char *cur = wf_current(rec);
	if (tr->from)
		return in_list(tr->from, cur);
	const struct wf_state *s = wf_state(rec->type, cur);
	return s && !s->final;
}

static int role_ok(struct req *r, const struct wf_transition *tr, unsigned sides)
{
	if (!tr->roles || !r->user)
		return (sides & (WF_SYSTEM | WF_SUBMITTER)) || !tr->roles;
	for (int i = 0; i < r->user->ngrants; i++)
		if (tr->roles & (1u << r->user->grants[i].role))
			return 1;
	return 0;
}

int wf_may(struct req *r, const struct record *rec, const struct wf_transition *tr, unsigned sides)
{
	const struct workflow *wf = rec->type->workflow;
	return !rec->archived && (tr->sides & sides) && role_ok(r, tr, sides) && in_state(rec, tr) &&
	       (!wf->guard || wf->guard(r, rec, tr) == M_NONE);
}

/* ---- taking a step ---- */

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A reason, reply or note: M_NONE when fine. */
static enum msg_id check_text(const char *s, int required, enum msg_id missing)
{
	if (blank(s))
		return required ? missing : M_NONE;
	if (!utf8_valid(s, strlen(s)))
		return M_err_bad_utf8;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\r' && *c != '\n')
			return M_rec_control_chars;
	return chars(s) > WF_TEXT_MAX ? M_wf_text_too_long : M_NONE;
}

static const char *side_name(unsigned sides)
{
	return sides & WF_SYSTEM ? "system" : sides & WF_OFFICE ? "office" : sides & WF_UNIT ? "unit" : "submitter";
}

int64_t wf_log(struct req *r, const struct record *rec, const char *action, const char *from, const char *to,
	       const struct wf_input *in, int is_public)
{
	return wf_log_as(r, rec, action, from, to, in, is_public, r->user ? WF_OFFICE : WF_SUBMITTER);
}

int64_t wf_log_as(struct req *r, const struct record *rec, const char *action, const char *from, const char *to,
		  const struct wf_input *in, int is_public, unsigned side)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	const char *data = NULL;
	if (in && rec->type->workflow) {
		const struct wf_transition *tr = wf_transition(rec->type, action);
		json_t *o = json_object();
		for (int k = 0; tr && tr->fields && k < 8; k++) {
			int i = list_field(r, rec->type, tr->fields, k);
			if (i < 0)
				break;
			json_object_set_new(o, rec->type->fields[i].name,
					    rec->vals[i] ? json_string(record_display(r, rec, i, 0)) : json_null());
		}
		if (json_object_size(o)) {
			char *s = json_dumps(o, JSON_COMPACT);
			data = arena_strdup(r->a, s);
			free(s);
		}
		json_decref(o);
	}
	const char *sql = "INSERT INTO record_events (record_type, record_id, at, user_id, actor, "
			  "side, action, "
			  "from_state, to_state, reason, reply, note, data, is_public) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	if (!db_has_last_id(db))
		sql = arena_printf(r->a, "%s RETURNING id", sql);
	struct db_stmt *s = db_query(db, r->a, sql, "siiisssssssssi", rec->type->name, rec->id, (int64_t)time(NULL),
				     r->user ? r->user->id : 0, r->user ? r->user->display_name : NULL, side_name(side),
				     action, from, to, in && !blank(in->reason) ? in->reason : NULL,
				     in && !blank(in->reply) ? in->reply : NULL,
				     in && !blank(in->note) ? in->note : NULL, data, (int64_t)is_public);
	if (!s)
		return DB_ERR;
	int rc = db_step(s);
	int64_t id;
	if (rc == DB_ROW) {
		id = db_column_int64(s, 0);
		db_reset(s);
	} else if (rc == DB_DONE) {
		id = db_last_id(db);
	} else {
		return rc < 0 ? rc : DB_ERR;
	}
	return id;
}

/* The deadline after step tr: 0 with *due (-1: none, WF_DUE_KEEP: as it
 * is), or an error. */
static int deadline(struct req *r, const struct record *rec, const struct wf_transition *tr, int64_t *due)
{
	const struct workflow *wf = rec->type->workflow;
	*due = WF_DUE_STATE;
	if (wf->deadline) {
		int rc = wf->deadline(r, rec, tr, due);
		if (rc || *due != WF_DUE_STATE)
			return rc;
	}
	const struct wf_state *s = wf_state(rec->type, tr->to);
	*due = -1;
	if (!s || s->final || s->days <= 0)
		return 0;
	return wf_workdays_due(r, cal_local_day(time(NULL)), s->days, due);
}

int wf_take(struct req *r, struct record *rec, const struct wf_transition *tr, const struct wf_input *in,
	    unsigned sides, struct record_errors *errs)
{
	const struct record_type *t = rec->type;
	const struct workflow *wf = t->workflow;
	errs->field = arena_alloc(r->a, (size_t)t->nfields * sizeof *errs->field);
	errs->count = 0;
	errs->record = M_NONE;
	if (!(tr->sides & sides) || !role_ok(r, tr, sides))
		return WF_E_DENIED;
	if (rec->archived || !in_state(rec, tr))
		return WF_E_STATE;
	enum msg_id why = wf->guard ? wf->guard(r, rec, tr) : M_NONE;
	if (why != M_NONE) {
		errs->record = why;
		errs->count = 1;
		return WF_E_INVALID;
	}
	static const struct wf_input none;
	if (!in)
		in = &none;
	enum msg_id m = M_NONE;
	if (m == M_NONE)
		m = check_text(in->reason, (tr->asks & WF_ASK_REASON) != 0, M_wf_reason_required);
	if (m == M_NONE)
		m = check_text(in->reply, (tr->asks & WF_ASK_REPLY) != 0, M_wf_reply_required);
	if (m == M_NONE)
		m = check_text(in->note, (tr->asks & WF_NOTE_REQUIRED) != 0, M_wf_note_required);
	if (m != M_NONE) {
		errs->record = m;
		errs->count++;
	}
	struct record *before = record_copy(r, rec);
	for (int k = 0; tr->fields && k < 8; k++) {
		int optional = 0;
		int i = list_field_opt(r, t, tr->fields, k, &optional);
		if (i < 0)
			break;
		record_set(r, rec, i, in->vals[k] ? in->vals[k] : "");
		enum msg_id e = rec->vals[i] ? record_check_field(r, rec, before, i) : optional ? M_NONE : M_required;
		if (e != M_NONE) {
			errs->field[i] = e;
			errs->count++;
		}
	}
	if (errs->count == 0 && wf->check && (m = wf->check(r, rec, tr, in)) != M_NONE) {
		errs->record = m;
		errs->count++;
	}
	if (errs->count)
		return WF_E_INVALID;
	struct file_kind kinds[16];
	if (!(tr->asks & WF_ASK_FILES) && (in->nfiles || in->nfile_ids))
		in = &none; /* a step that takes no files ignores them */
	int frc = check_files(r, in, kinds, &m);
	if (frc) {
		memcpy(rec->vals, before->vals, (size_t)t->nfields * sizeof *rec->vals);
		errs->record = m;
		errs->count++;
		return frc;
	}
	const char *from = arena_strdup(r->a, wf_current(rec));
	if (tr->to) {
		rec->vals[record_field_index(t, wf->state_field)] = tr->to;
		if (wf->due_field) {
			int64_t due;
			int rc = deadline(r, rec, tr, &due);
			if (rc) {
				memcpy(rec->vals, before->vals, (size_t)t->nfields * sizeof *rec->vals);
				return rc;
			}
			char d[CAL_DATE_SIZE];
			if (due != WF_DUE_KEEP)
				rec->vals[record_field_index(t, wf->due_field)] =
					due >= 0 ? arena_strdup(r->a, cal_format_date(due, d)) : NULL;
		}
	}
	int rc = wf->apply ? wf->apply(r, rec, tr, in) : 0;
	struct db *db = req_db(r);
	if (!rc && !db)
		rc = DB_ERR;
	if (rc) {
		memcpy(rec->vals, before->vals, (size_t)t->nfields * sizeof *rec->vals);
		return rc;
	}
	rc = db_begin(db);
	if (rc)
		return rc;
	rc = record_save_as(r, rec, before, arena_printf(r->a, "wf.%s", tr->name));
	int64_t ev = 0;
	if (!rc) {
		ev = wf_log_as(r, rec, tr->name, from, tr->to ? tr->to : from, in, tr->is_public, sides);
		rc = ev < 0 ? (int)ev : 0;
	}
	if (!rc)
		rc = store_files(r, rec, ev, in, kinds);
	if (!rc && wf->after)
		rc = wf->after(r, rec, before, tr, in, ev);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		/* the caller may show the form again: the record as it was */
		memcpy(rec->vals, before->vals, (size_t)t->nfields * sizeof *rec->vals);
		rec->version = before->version;
	}
	return rc;
}

int wf_error_status(int rc, enum msg_id *msg)
{
	switch (rc) {
	case WF_E_STATE: *msg = M_wf_wrong_state; return 409;
	case WF_E_DENIED: *msg = M_wf_denied; return 403;
	case WF_E_INVALID: *msg = M_form_has_errors; return 422;
	case WF_E_CALENDAR: *msg = M_wf_no_calendar; return 422;
	case WF_E_TOO_LARGE: *msg = M_files_too_large; return 413;
	case WF_E_FILE_TYPE: *msg = M_files_bad_type; return 415;
	case WF_E_FILE_NOT_YOURS: *msg = M_files_not_yours; return 422;
	case DB_E_BUSY: *msg = M_rec_conflict; return 409;
	default: *msg = M_NONE; return 500;
	}
}

/* ---- the detail page's section ---- */

/* A column's text, or NULL for SQL NULL. */
static const char *col(struct db_stmt *q, int c)
{
	return db_column_isnull(q, c) ? NULL : db_column_text(q, c);
}

static const char *action_label(struct req *r, const struct record_type *t, const char *action)
{
	const struct wf_transition *tr = wf_transition(t, action);
	if (tr)
		return T(r, tr->label);
	if (!strcmp(action, "create"))
		return T(r, M_wf_created);
	return action;
}

static const char *side_label(struct req *r, const char *side)
{
	enum msg_id m = !strcmp(side, "office")   ? M_wf_side_office
			: !strcmp(side, "unit")   ? M_wf_side_unit
			: !strcmp(side, "system") ? M_wf_side_system
						  : M_wf_side_submitter;
	return T(r, m);
}

/* One step's button: a form when the step asks for nothing, else a link to
 * its page. */
static void step_button(struct req *r, const struct record *rec, const struct wf_transition *tr)
{
	const char *cls = tr->primary ? "btn btn-primary" : "btn";
	if (!tr->asks && !tr->fields)
		html(r,
		     "<form class=\"inline\" method=\"post\" "
		     "action=\"/r/%s/%D/t/%s\">%H<button class=\"%s\">%T</button></form>",
		     rec->type->name, rec->id, tr->name, csrf_input(r), cls, tr->label);
	else
		html(r, "<a class=\"%s\" href=\"/r/%s/%D/t/%s\">%T</a>", cls, rec->type->name, rec->id, tr->name,
		     tr->label);
}

void wf_render_status(struct req *r, const struct record *rec)
{
	const struct record_type *t = rec->type;
	const struct workflow *wf = t->workflow;
	if (!wf)
		return;
	unsigned sides = wf_sides(r, rec);
	const char *cur = wf_current(rec);
	const struct wf_state *st = wf_state(t, cur);
	html(r,
	     "<section class=\"card wf\" aria-label=\"%T\"><p class=\"wf-state\"><span class=\"badge "
	     "badge-state\">%T</span>",
	     M_wf_progress, state_label(t, cur));
	int di = wf->due_field ? record_field_index(t, wf->due_field) : -1;
	if (di >= 0 && rec->vals[di] && st && !st->final) {
		int64_t due = 0, today = cal_local_day(time(NULL));
		cal_parse_date(rec->vals[di], &due);
		html(r, " <span class=\"%s\">%T %s</span>", due < today ? "badge badge-warn" : "muted",
		     due < today ? M_wf_overdue : M_wf_due, rec->vals[di]);
	}
	html(r, "</p>");
	int any = 0;
	for (const struct wf_transition *tr = wf->transitions; tr->name; tr++) {
		if (!wf_may(r, rec, tr, sides))
			continue;
		if (!any)
			html(r, "<div class=\"wf-actions\">");
		step_button(r, rec, tr);
		any = 1;
	}
	if (any)
		html(r, "</div>");
	html(r, "</section>");
}

void wf_render_history(struct req *r, const struct record *rec)
{
	const struct record_type *t = rec->type;
	if (!t->workflow)
		return;
	unsigned sides = wf_sides(r, rec);
	/* the event log: the actor's name for the office only (a reporter's
	 * identity never reaches the unit), internal notes for both sides */
	int office = (sides & WF_OFFICE) != 0;
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, at, actor, side, action, from_state, to_state, reason, "
				     "reply, note, data "
				     "FROM record_events WHERE record_type = ? AND record_id = ? ORDER BY id",
				     "si", t->name, rec->id);
	html(r, "<section class=\"card\"><h2>%T</h2><ol class=\"timeline\">", M_wf_history);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		char when[64];
		const char *actor = col(q, 2), *side = col(q, 3);
		const char *to = col(q, 6), *from = col(q, 5);
		html(r,
		     "<li><p class=\"timeline-head\"><strong>%s</strong> <span "
		     "class=\"muted\">%s · %s%s%s</span>",
		     action_label(r, t, db_column_text(q, 4)),
		     fmt_time(r->lang, db_column_int64(q, 1), 1, when, sizeof when), side_label(r, side ? side : ""),
		     office && actor ? " · " : "", office && actor ? actor : "");
		if (to && from && strcmp(to, from))
			html(r, " <span class=\"badge\">%T</span>", state_label(t, to));
		html(r, "</p>");
		static const enum msg_id heads[] = {M_wf_reason, M_wf_reply, M_wf_note};
		for (int k = 0; k < 3; k++) {
			const char *v = col(q, 7 + k);
			if (v)
				html(r,
				     "<p class=\"timeline-text\"><span "
				     "class=\"muted\">%T：</span>%s</p>",
				     heads[k], v);
		}
		const char *data = col(q, 10);
		json_t *o = data ? json_loads(data, 0, NULL) : NULL;
		const char *key;
		json_t *val;
		json_object_foreach(o, key, val)
		{
			const struct field_def *f = record_field(t, key);
			if (f && json_is_string(val))
				html(r,
				     "<p class=\"timeline-text\"><span "
				     "class=\"muted\">%T：</span>%s</p>",
				     f->label, json_string_value(val));
		}
		json_decref(o);
		files_render_list(r, t->name, rec->id, NULL, db_column_int64(q, 0));
		html(r, "</li>");
		n++;
	}
	if (!n)
		html(r, "<li class=\"muted\">%T</li>", M_wf_no_events);
	html(r, "</ol></section>");
}

json_t *wf_events_json(struct req *r, const struct record *rec, int public_only)
{
	json_t *a = json_array();
	unsigned sides = public_only ? 0 : wf_sides(r, rec);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, at, actor, side, action, from_state, to_state, reason, "
				     "reply, note, is_public "
				     "FROM record_events WHERE record_type = ? AND record_id = ? ORDER BY id",
				     "si", rec->type->name, rec->id);
	while (q && db_step(q) == DB_ROW) {
		if (public_only && !db_column_int64(q, 10))
			continue;
		json_t *e = json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s?}", "id", (json_int_t)db_column_int64(q, 0), "at",
				      (json_int_t)db_column_int64(q, 1), "action", col(q, 4), "side", col(q, 3), "from",
				      col(q, 5), "to", col(q, 6));
		if (!public_only) {
			if ((sides & WF_OFFICE) && col(q, 2))
				json_object_set_new(e, "actor", json_string(col(q, 2)));
			for (int k = 0; k < 3; k++) {
				static const char *names[] = {"reason", "reply", "note"};
				const char *v = col(q, 7 + k);
				if (v)
					json_object_set_new(e, names[k], json_string(v));
			}
		} else if (col(q, 8)) {
			json_object_set_new(e, "reply", json_string(col(q, 8)));
		}
		json_array_append_new(a, e);
	}
	return a;
}

/* ---- the step's page and its API endpoint ---- */

/* The record and transition of /r/{type}/{id}/t/{name} that the user may
 * take, or NULL with the request failed. */
static struct record *step_target(struct req *r, const struct wf_transition **tr, unsigned *sides)
{
	const struct record_type *t = record_type_find(req_param(r, "type"));
	if (!t || !t->workflow) {
		req_fail(r, 404, M_NONE);
		return NULL;
	}
	struct record *rec = record_load_checked(r, t, ACC_READ);
	if (!rec)
		return NULL;
	*tr = wf_transition(t, req_param(r, "name"));
	if (!*tr) {
		req_fail(r, 404, M_NONE);
		return NULL;
	}
	*sides = wf_sides(r, rec);
	if (!((*tr)->sides & *sides) || !role_ok(r, *tr, *sides)) {
		req_fail(r, 403, M_wf_denied);
		return NULL;
	}
	return rec;
}

static void textarea(struct req *r, const char *name, enum msg_id label, const char *value, int required,
		     enum msg_id hint)
{
	html(r,
	     "<div class=\"field\"><label for=\"f-%a\">%T%H</label><textarea "
	     "id=\"f-%a\" name=\"%a\" rows=\"5\" "
	     "maxlength=\"%d\"%H>%s</textarea>",
	     name, label, required ? field_required_mark(r) : NULL, name, name, WF_TEXT_MAX,
	     required ? MARKUP(" required") : NULL, value ? value : "");
	if (hint != M_NONE)
		html(r, "<p class=\"hint\">%T</p>", hint);
	html(r, "</div>");
}

static int step_form(struct req *r, struct record *rec, const struct wf_transition *tr, const struct wf_input *in,
		     const struct record_errors *e)
{
	const struct record_type *t = rec->type;
	int ti = record_field_index(t, t->title_field);
	const char *title = ti >= 0 && rec->vals[ti] ? record_display(r, rec, ti, 0)
						     : arena_printf(r->a, "#%lld", (long long)rec->id);
	const char *back = arena_printf(r->a, "/r/%s/%lld", t->name, (long long)rec->id);
	struct crumb c[] = {
		{arena_printf(r->a, "/r/%s", t->name), T(r, t->many)}, {back, title}, {NULL, T(r, tr->label)}};
	page_begin(r, T(r, tr->label), c, 3);
	page_heading(r, T(r, tr->label), NULL);
	if (e && e->count)
		form_errors(r, e->count);
	if (e && e->record != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", e->record);
	html(r,
	     "<section class=\"card\"><form method=\"post\" "
	     "action=\"/r/%s/%D/t/%s\"%H novalidate>%H"
	     "<input type=\"hidden\" name=\"_version\" value=\"%D\">",
	     t->name, rec->id, tr->name, (tr->asks & WF_ASK_FILES) ? MARKUP(" enctype=\"multipart/form-data\"") : NULL,
	     csrf_input(r), rec->version);
	for (int k = 0; tr->fields && k < 8; k++) {
		int i = list_field(r, t, tr->fields, k);
		if (i < 0)
			break;
		record_field_widget(r, rec, i, e ? e->field[i] : M_NONE);
	}
	if (tr->asks & WF_ASK_REASON)
		textarea(r, "reason", M_wf_reason, in ? in->reason : NULL, 1, M_NONE);
	if ((tr->asks & WF_ASK_REPLY) && t->workflow->form_extra)
		t->workflow->form_extra(r, rec, tr);
	if (tr->asks & WF_ASK_REPLY)
		textarea(r, "reply", M_wf_reply, in ? in->reply : NULL, 1, M_wf_reply_hint);
	if (tr->asks & WF_ASK_NOTE)
		textarea(r, "note", M_wf_note, in ? in->note : NULL, (tr->asks & WF_NOTE_REQUIRED) != 0,
			 M_wf_note_hint);
	if (tr->asks & WF_ASK_FILES)
		html(r,
		     "<div class=\"field\"><label for=\"f-files\">%T</label><input "
		     "id=\"f-files\" type=\"file\" name=\"files\" "
		     "multiple "
		     "accept=\"image/jpeg,image/png,application/"
		     "pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods\"></div>",
		     M_wf_files);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn "
	     "btn-primary\">%T</button><a class=\"btn btn-plain\" "
	     "href=\"%a\">%T</a></div></form></section>",
	     tr->label, back, M_cancel);
	page_end(r);
	return 0;
}

static int step_page(struct req *r)
{
	const struct wf_transition *tr;
	unsigned sides;
	struct record *rec = step_target(r, &tr, &sides);
	if (!rec)
		return 0;
	if (!wf_may(r, rec, tr, sides))
		return req_fail(r, 409, M_wf_wrong_state);
	if (rec->type->workflow->prefill)
		rec->type->workflow->prefill(r, rec, tr);
	return step_form(r, rec, tr, NULL, NULL);
}

static void form_input(struct req *r, const struct wf_transition *tr, struct wf_input *in)
{
	memset(in, 0, sizeof *in);
	in->reason = req_form(r, "reason");
	in->reply = req_form(r, "reply");
	in->note = req_form(r, "note");
	for (int k = 0; tr->fields && k < 8; k++) {
		int i = list_field(r, record_type_find(req_param(r, "type")), tr->fields, k);
		if (i < 0)
			break;
		in->vals[k] = req_form(r, record_type_find(req_param(r, "type"))->fields[i].name);
	}
	for (size_t k = 0; k < r->form.n && in->nfiles < 16; k++)
		if (!strcmp(r->form.v[k].name, "files") && r->form.v[k].filename && r->form.v[k].len)
			in->files[in->nfiles++] = &r->form.v[k];
}

static int step_post(struct req *r)
{
	const struct wf_transition *tr;
	unsigned sides;
	struct record *rec = step_target(r, &tr, &sides);
	if (!rec)
		return 0;
	const char *v = req_form(r, "_version");
	if (v && strtoll(v, NULL, 10) != rec->version)
		return req_fail(r, 409, M_rec_conflict);
	struct wf_input in;
	form_input(r, tr, &in);
	struct record_errors e;
	int rc = wf_take(r, rec, tr, &in, sides, &e);
	if (rc == WF_E_INVALID || rc == WF_E_TOO_LARGE || rc == WF_E_FILE_TYPE) {
		enum msg_id m;
		r->status = wf_error_status(rc, &m);
		return step_form(r, rec, tr, &in, &e);
	}
	if (rc) {
		enum msg_id m;
		int status = wf_error_status(rc, &m);
		return req_fail(r, status, m);
	}
	req_flash(r, "ok", M_wf_done);
	/* a unit that passed the record on may no longer read it */
	if (!authz_record_of(r, rec, ACC_READ))
		return req_redirect(r, arena_printf(r->a, "/r/%s", rec->type->name));
	return req_redirect(r, arena_printf(r->a, "/r/%s/%lld", rec->type->name, (long long)rec->id));
}

static void send_json(struct req *r, int status, json_t *j)
{
	req_json_begin(r, status);
	char *s = json_dumps(j, JSON_COMPACT);
	buf_puts(&r->out, s);
	free(s);
	json_decref(j);
}

static int step_json(struct req *r)
{
	const struct wf_transition *tr;
	unsigned sides;
	struct record *rec = step_target(r, &tr, &sides);
	if (!rec)
		return 0;
	json_t *body = r->json;
	if (body && !json_is_object(body))
		return req_fail(r, 400, M_err_bad_json);
	struct wf_input in;
	memset(&in, 0, sizeof in);
	in.reason = json_string_value(json_object_get(body, "reason"));
	in.reply = json_string_value(json_object_get(body, "reply"));
	in.note = json_string_value(json_object_get(body, "note"));
	json_t *ids = json_object_get(body, "files"), *fv;
	size_t fk;
	json_array_foreach(ids, fk, fv)
	{
		if (!json_is_integer(fv) || in.nfile_ids >= 16)
			return req_fail(r, 400, M_files_bad_ids);
		in.file_ids[in.nfile_ids++] = json_integer_value(fv);
	}
	for (int k = 0; tr->fields && k < 8; k++) {
		int i = list_field(r, rec->type, tr->fields, k);
		if (i < 0)
			break;
		json_t *jv = json_object_get(body, rec->type->fields[i].name);
		in.vals[k] = json_is_string(jv)    ? json_string_value(jv)
			     : json_is_integer(jv) ? arena_printf(r->a, "%lld", (long long)json_integer_value(jv))
			     : json_is_real(jv)    ? arena_printf(r->a, "%.17g", json_real_value(jv))
						   : NULL;
	}
	struct record_errors e;
	int rc = wf_take(r, rec, tr, &in, sides, &e);
	if (rc == WF_E_INVALID) {
		json_t *fields = json_object();
		for (int i = 0; i < rec->type->nfields; i++)
			if (e.field[i] != M_NONE)
				json_object_set_new(fields, rec->type->fields[i].name, json_string(T(r, e.field[i])));
		send_json(r, 422,
			  json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "invalid", "message",
				    T(r, e.record != M_NONE ? e.record : M_form_has_errors), "fields", fields));
		return 0;
	}
	if (rc) {
		enum msg_id m;
		int status = wf_error_status(rc, &m);
		return req_fail(r, status, m);
	}
	send_json(r, 200, json_pack("{s:o}", "data", record_json(r, rec, 0)));
	return 0;
}

static int events_json(struct req *r)
{
	const struct record_type *t = record_type_find(req_param(r, "type"));
	if (!t || !t->workflow)
		return req_fail(r, 404, M_NONE);
	struct record *rec = record_load_checked(r, t, ACC_READ);
	if (!rec)
		return 0;
	send_json(r, 200, json_pack("{s:o}", "data", wf_events_json(r, rec, 0)));
	return 0;
}

const struct route workflow_routes[] = {
	{"GET", "/r/{type:str}/{id:int}/t/{name:str}", step_page, P_SIGNED_IN, 0, "workflow step"},
	{"POST", "/r/{type:str}/{id:int}/t/{name:str}", step_post, P_SIGNED_IN, 1, "workflow step"},
	{"POST", "/api/v1/{type:str}/{id:int}/transitions/{name:str}", step_json, P_SIGNED_IN, 1, "workflow step api"},
	{"GET", "/api/v1/{type:str}/{id:int}/events", events_json, P_SIGNED_IN, 0, "workflow events api"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
