/* sessions.c — a study session's people and attendance: who is required
 * (the session's audience within its unit's subtree, kept in
 * learning_attendance), the clerk's attendance list (one form for the
 * whole list), the QR code shown in the room and the attendee's sign-in
 * page it opens (signed in as themselves, within the session's window
 * only), and the recurrence form that plans a series of sessions from one
 * rule. Sessions themselves are a register (types.c). */
#include "../auth/throttle.h"
#include "../core/cal.h"
#include "../core/onetime.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../http/write.h"
#include "../platform/workdays.h"
#include "../records/files.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/qr.h"
#include "../web/widgets.h"
#include "learning.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct enum_opt learn_att_statuses[] = {{"present", M_learn_att_present},
					      {"late", M_learn_att_late},
					      {"excused", M_learn_att_excused},
					      {"absent", M_learn_att_absent},
					      {NULL, M_NONE}};

#define REASON_MAX 200

static enum msg_id status_label(const char *code)
{
	for (int k = 0; code && learn_att_statuses[k].code; k++)
		if (!strcmp(code, learn_att_statuses[k].code))
			return learn_att_statuses[k].label;
	return M_learn_att_none;
}

/* ---- the required people ---- */

int learn_split_names(struct req *r, const char *text, const char **out, int max)
{
	struct buf b;
	buf_init(&b, r->a);
	/* the full-width separators as commas: strtok_r splits at bytes */
	for (const char *p = text ? text : ""; *p;) {
		if (!strncmp(p, "、", strlen("、")) || !strncmp(p, "，", strlen("，")) ||
		    !strncmp(p, "；", strlen("；"))) {
			buf_puts(&b, ",");
			p += 3;
		} else {
			buf_append(&b, p, 1);
			p++;
		}
	}
	int n = 0;
	for (char *save = NULL, *tok = strtok_r(b.p ? b.p : arena_strdup(r->a, ""), ",;\n\r", &save); tok && n < max;
	     tok = strtok_r(NULL, ",;\n\r", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		size_t len = strlen(tok);
		while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
			tok[--len] = 0;
		if (len)
			out[n++] = tok;
	}
	return n;
}

static int insert_person(struct req *r, int64_t session, const char *who, const char *unit, int64_t now)
{
	return db_run(req_db(r),
		      "INSERT INTO learning_attendance (session_id, person_id, unit_id, updated_at) SELECT ?, p.id, "
		      "p.unit_id, ? FROM people p WHERE p.archived = 0 AND p.status = 'active' AND (p.name = ? OR "
		      "CAST(p.id AS TEXT) = ?) AND p.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "
		      "AND NOT EXISTS (SELECT 1 FROM learning_attendance a WHERE a.session_id = ? AND a.person_id = "
		      "p.id)",
		      "iisssi", session, now, who, who, unit, session);
}

int learn_sync_attendees(struct req *r, const struct record *s)
{
	struct db *db = req_db(r);
	const char *unit = s->vals[SS_UNIT_ID], *aud = s->vals[SS_AUDIENCE] ? s->vals[SS_AUDIENCE] : "all";
	int64_t now = time(NULL);
	if (!unit)
		return 0;
	/* rows without a recorded status are remade; recorded ones stay */
	int rc = db_run(db, "DELETE FROM learning_attendance WHERE session_id = ? AND status IS NULL", "i", s->id);
	if (rc)
		return rc;
	if (!strcmp(aud, "list")) {
		const char *names[LEARN_LIST_MAX];
		int n = learn_split_names(r, s->vals[SS_ATTENDEES], names, LEARN_LIST_MAX);
		for (int k = 0; k < n && !rc; k++)
			rc = insert_person(r, s->id, names[k], unit, now);
		return rc;
	}
	const char *extra = !strcmp(aud, "leaders")         ? " AND p.is_leader = 1"
			    : !strcmp(aud, "party_members") ? " AND p.party_member = 1"
							    : "";
	return db_run(
		db,
		arena_printf(r->a,
			     "INSERT INTO learning_attendance (session_id, person_id, unit_id, updated_at) SELECT "
			     "?, p.id, p.unit_id, ? FROM people p WHERE p.archived = 0 AND p.status = 'active' AND "
			     "p.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)%s AND NOT EXISTS "
			     "(SELECT 1 FROM learning_attendance a WHERE a.session_id = ? AND a.person_id = p.id)",
			     extra),
		"iisi", s->id, now, unit, s->id);
}

int64_t learn_user_person(struct req *r)
{
	if (!r->user || !req_db(r))
		return 0;
	return db_one_int64(req_db(r), 0,
			    "SELECT id FROM people WHERE user_id = ? AND archived = 0 ORDER BY id LIMIT 1", "i",
			    r->user->id);
}

/* ---- the window ---- */

struct window {
	int64_t open, start, close; /* instants */
};

static int session_window(const struct record *s, struct window *w)
{
	if (learn_parse_instant(s->vals[SS_START], &w->start) || learn_parse_instant(s->vals[SS_END], &w->close))
		return -1;
	w->open = w->start - LEARN_SIGNIN_EARLY_MIN * 60;
	return 0;
}

struct att_row {
	int64_t id, person;
	const char *name, *unit, *status, *reason;
	enum msg_id err;
};
static int rows_load(struct req *r, int64_t session, struct att_row **out);

/* ---- the session page's section ---- */

struct counts {
	int64_t required, present, late, excused, absent, none;
};

static void counts_load(struct req *r, int64_t session, struct counts *c)
{
	memset(c, 0, sizeof *c);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT status, count(*) FROM learning_attendance WHERE session_id = ? GROUP BY "
				     "status",
				     "i", session);
	while (q && db_step(q) == DB_ROW) {
		const char *st = db_column_isnull(q, 0) ? NULL : db_column_text(q, 0);
		int64_t n = db_column_int64(q, 1);
		c->required += n;
		if (!st)
			c->none += n;
		else if (!strcmp(st, "present"))
			c->present += n;
		else if (!strcmp(st, "late"))
			c->late += n;
		else if (!strcmp(st, "excused"))
			c->excused += n;
		else
			c->absent += n;
	}
	db_reset(q);
}

static const char *rate_text(struct req *r, int64_t a, int64_t b)
{
	return b ? arena_printf(r->a, "%.1f %%", 100.0 * (double)a / (double)b) : "—";
}

void learn_session_extra(struct req *r, const struct record *rec)
{
	struct counts c;
	counts_load(r, rec->id, &c);
	html(r, "<section class=\"card\" id=\"attendance\"><h2>%T</h2><div class=\"tiles\">", M_learn_attendance);
	struct {
		enum msg_id l;
		int64_t v;
		const char *id;
	} t[] = {{M_learn_required, c.required, "n-required"}, {M_learn_att_present, c.present, "n-present"},
		 {M_learn_att_late, c.late, "n-late"},         {M_learn_att_excused, c.excused, "n-excused"},
		 {M_learn_att_absent, c.absent, "n-absent"},   {M_learn_att_none, c.none, "n-none"}};
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
		html(r,
		     "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\" "
		     "id=\"%a\">%D</span></div>",
		     t[k].l, t[k].id, t[k].v);
	html(r,
	     "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\" "
	     "id=\"attendance-rate\">%s</span></div></div>",
	     M_learn_rate, rate_text(r, c.present + c.late, c.required));
	if (authz_record_of(r, rec, ACC_WRITE)) {
		html(r,
		     "<p><a class=\"btn btn-primary\" href=\"/learning/sessions/%D/attendance\">%T</a> <a "
		     "class=\"btn\" href=\"/learning/sessions/%D/qr\">%T</a> <a class=\"btn\" "
		     "href=\"/learning/sessions/%D/codes\">%T</a></p>",
		     rec->id, M_learn_take_attendance, rec->id, M_learn_show_qr, rec->id, M_learn_codes_issue);
		/* who, for the clerk: the names by status */
		struct att_row *rows;
		int n = rows_load(r, rec->id, &rows);
		if (n) {
			html(r, "<details class=\"learn-who\"><summary>%T (%d)</summary><ul>", M_learn_who, n);
			for (int k = 0; k < n; k++)
				html(r, "<li>%s <span class=\"muted\">%s · %T%H</span></li>", rows[k].name,
				     rows[k].unit, status_label(rows[k].status),
				     rows[k].reason ? html_fmt(r, "（%s）", rows[k].reason) : NULL);
			html(r, "</ul></details>");
		}
	}
	html(r, "</section>");
}

/* ---- the clerk's list ---- */

static struct record *session_for_clerk(struct req *r)
{
	return record_load_checked(r, &study_sessions_type, ACC_WRITE);
}

static int rows_load(struct req *r, int64_t session, struct att_row **out)
{
	int cap = 64, n = 0;
	struct att_row *v = arena_alloc(r->a, (size_t)cap * sizeof *v);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT a.id, a.person_id, p.name, u.name, a.status, a.reason FROM "
				     "learning_attendance a JOIN people p ON p.id = a.person_id LEFT JOIN units u ON "
				     "u.id = a.unit_id WHERE a.session_id = ? ORDER BY u.path, p.name, a.id LIMIT 5000",
				     "i", session);
	while (q && db_step(q) == DB_ROW) {
		if (n == cap) {
			struct att_row *w = arena_alloc(r->a, (size_t)cap * 2 * sizeof *w);
			memcpy(w, v, (size_t)n * sizeof *v);
			v = w, cap *= 2;
		}
		struct att_row *x = &v[n++];
		x->id = db_column_int64(q, 0);
		x->person = db_column_int64(q, 1);
		x->name = arena_strdup(r->a, db_column_text(q, 2));
		x->unit = db_column_isnull(q, 3) ? "" : arena_strdup(r->a, db_column_text(q, 3));
		x->status = db_column_isnull(q, 4) ? NULL : arena_strdup(r->a, db_column_text(q, 4));
		x->reason = db_column_isnull(q, 5) ? NULL : arena_strdup(r->a, db_column_text(q, 5));
		x->err = M_NONE;
	}
	db_reset(q);
	*out = v;
	return n;
}

static void attendance_form(struct req *r, const struct record *s, struct att_row *rows, int n, int nerr)
{
	const char *title = arena_printf(r->a, "%s · %s", T(r, M_learn_take_attendance), s->vals[SS_TOPIC]);
	struct crumb c[] = {{"/r/study_sessions", T(r, M_learn_sessions)},
			    {arena_printf(r->a, "/r/study_sessions/%lld", (long long)s->id), s->vals[SS_TOPIC]},
			    {NULL, T(r, M_learn_take_attendance)}};
	page_begin(r, title, c, 3);
	page_heading(r, title, NULL);
	html(r, "<p class=\"learn-meta\">%s · %s</p>", learn_session_when(r, s),
	     s->vals[SS_SPEAKER] ? s->vals[SS_SPEAKER] : "");
	if (nerr)
		form_errors(r, nerr);
	if (!n) {
		html(r, "<section class=\"card\"><p class=\"muted\">%T</p></section>", M_learn_nobody_required);
		page_end(r);
		return;
	}
	html(r,
	     "<form method=\"post\" action=\"/learning/sessions/%D/attendance\" class=\"learn-att\" novalidate>%H"
	     "<p class=\"hint\">%T</p>",
	     s->id, csrf_input(r), M_learn_attendance_hint);
	static const struct list_col cols[] = {{M_learn_person, NULL, 0},
					       {M_learn_unit, NULL, 0},
					       {M_learn_att_status, NULL, 0},
					       {M_learn_reason, NULL, 0}};
	list_begin(r, cols, 4, -1, 0);
	for (int k = 0; k < n; k++) {
		struct att_row *x = &rows[k];
		html(r,
		     "<tr data-person=\"%D\"%H><td class=\"card-title\">%s</td><td data-label=\"%T\">%s</td><td "
		     "data-label=\"%T\"><span class=\"learn-choices\">",
		     x->person, x->err != M_NONE ? MARKUP(" class=\"has-error\"") : NULL, x->name, M_learn_unit,
		     x->unit, M_learn_att_status);
		for (int j = 0; learn_att_statuses[j].code; j++) {
			const char *code = learn_att_statuses[j].code;
			html(r, "<label class=\"check\"><input type=\"radio\" name=\"s%D\" value=\"%a\"%H> %T</label> ",
			     x->id, code, x->status && !strcmp(x->status, code) ? MARKUP(" checked") : NULL,
			     learn_att_statuses[j].label);
		}
		html(r,
		     "</span></td><td data-label=\"%T\"><input name=\"e%D\" maxlength=\"200\" value=\"%a\" "
		     "aria-label=\"%a\">",
		     M_learn_reason, x->id, x->reason ? x->reason : "", T(r, M_learn_reason));
		if (x->err != M_NONE)
			html(r, "<p class=\"error\" role=\"alert\">%T</p>", x->err);
		html(r, "</td></tr>");
	}
	list_end(r);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn btn-primary\" name=\"save\" value=\"1\">%T</button> "
	     "<button class=\"btn\" name=\"rest_absent\" value=\"1\">%T</button> <a class=\"btn btn-plain\" "
	     "href=\"/r/study_sessions/%D\">%T</a></div></form>",
	     M_learn_save_attendance, M_learn_rest_absent, s->id, M_cancel);
	page_end(r);
}

static int attendance_page(struct req *r)
{
	struct record *s = session_for_clerk(r);
	if (!s)
		return 0;
	struct att_row *rows;
	int n = rows_load(r, s->id, &rows);
	attendance_form(r, s, rows, n, 0);
	return 0;
}

static int attendance_post(struct req *r)
{
	struct record *s = session_for_clerk(r);
	if (!s)
		return 0;
	struct att_row *rows;
	int n = rows_load(r, s->id, &rows);
	int rest_absent = req_form(r, "rest_absent") != NULL, nerr = 0;
	const char **nst = arena_alloc(r->a, (size_t)(n + 1) * sizeof *nst);
	const char **nrs = arena_alloc(r->a, (size_t)(n + 1) * sizeof *nrs);
	for (int k = 0; k < n; k++) {
		struct att_row *x = &rows[k];
		const char *st = req_form(r, arena_printf(r->a, "s%lld", (long long)x->id));
		const char *rs = req_form(r, arena_printf(r->a, "e%lld", (long long)x->id));
		if (st && !*st)
			st = NULL;
		if (rs && !*rs)
			rs = NULL;
		if (!st && rest_absent)
			st = "absent";
		if (st && status_label(st) == M_learn_att_none)
			x->err = M_learn_att_bad;
		else if (st && !strcmp(st, "excused") && !rs)
			x->err = M_learn_reason_needed;
		else if (rs && strlen(rs) > REASON_MAX * 4)
			x->err = M_learn_reason_long;
		nst[k] = st ? st : x->status;
		nrs[k] = nst[k] && !strcmp(nst[k], "excused") ? rs : NULL;
		x->status = nst[k];
		x->reason = rs;
		nerr += x->err != M_NONE;
	}
	if (nerr) {
		r->status = 422;
		attendance_form(r, s, rows, n, nerr);
		return 0;
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t now = time(NULL);
	json_t *after = json_array();
	if (!rc)
		rc = learn_tally_session(db, s->id, -1);
	for (int k = 0; !rc && k < n; k++) {
		if (!nst[k])
			continue;
		rc = db_run(db,
			    "UPDATE learning_attendance SET status = ?, reason = ?, recorded_by = ?, updated_at = ? "
			    "WHERE id = ? AND (status IS NULL OR status <> ? OR COALESCE(reason, '') <> ?)",
			    "ssiiiss", nst[k], nrs[k], r->user->id, now, rows[k].id, nst[k], nrs[k] ? nrs[k] : "");
		if (!rc && db_changes(db) > 0)
			json_array_append_new(after,
					      json_pack("{s:I, s:s, s:s?}", "person_id", (json_int_t)rows[k].person,
							"status", nst[k], "reason", nrs[k]));
	}
	if (!rc)
		rc = learn_tally_session(db, s->id, 1);
	if (!rc)
		rc = audit_log(r, "attendance", "study_sessions", s->id, NULL, after);
	json_decref(after);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	req_flash(r, "ok", M_learn_attendance_saved);
	return req_redirect(r, arena_printf(r->a, "/r/study_sessions/%lld", (long long)s->id));
}

/* ---- the QR code in the room ---- */

const char *learn_abs_url(struct req *r, const char *path)
{
	const char *b = r->app && r->app->cfg->base_url[0] ? r->app->cfg->base_url : NULL;
	const char *host = req_header(r, "Host");
	if (!b)
		b = arena_printf(r->a, "http://%s", host ? host : "localhost");
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	return arena_printf(r->a, "%.*s%s", (int)n, b, path);
}

static const char *signin_url(struct req *r, const struct record *s)
{
	return learn_abs_url(r, arena_printf(r->a, "/learning/signin/%s", s->vals[SS_KEY] ? s->vals[SS_KEY] : ""));
}

static int qr_page(struct req *r)
{
	struct record *s = session_for_clerk(r);
	if (!s)
		return 0;
	const char *url = signin_url(r, s);
	struct crumb c[] = {{"/r/study_sessions", T(r, M_learn_sessions)},
			    {arena_printf(r->a, "/r/study_sessions/%lld", (long long)s->id), s->vals[SS_TOPIC]},
			    {NULL, T(r, M_learn_show_qr)}};
	page_begin(r, s->vals[SS_TOPIC], c, 3);
	page_heading(r, s->vals[SS_TOPIC], NULL);
	struct counts k;
	counts_load(r, s->id, &k);
	html(r,
	     "<section class=\"card learn-qr\"><p class=\"learn-meta\">%s</p><p>%T</p>"
	     "<div class=\"learn-qr-code\" id=\"qr\">",
	     learn_session_when(r, s), M_learn_qr_hint);
	qr_svg(&r->out, url, T(r, M_learn_qr_label));
	html(r,
	     "</div><p class=\"mono learn-qr-link\"><a id=\"signin-link\" href=\"%a\">%s</a></p>"
	     "<p>%T <strong id=\"signed\">%D</strong> / %D</p></section>",
	     url, url, M_learn_signed_so_far, k.present + k.late, k.required);
	page_end(r);
	return 0;
}

/* ---- the attendee's sign-in ---- */

static struct record *session_by_key(struct req *r)
{
	const char *key = req_param(r, "key");
	if (!key || strlen(key) != 32)
		return NULL;
	int64_t id = db_one_int64(req_db(r), 0, "SELECT id FROM study_sessions WHERE signin_key = ? AND archived = 0",
				  "s", key);
	return id ? record_load(r, &study_sessions_type, id) : NULL;
}

/* Why nobody may sign in to s now (M_NONE: the window is open). */
static enum msg_id window_refusal(const struct record *s, int *code)
{
	struct window w;
	int64_t now = time(NULL);
	if (session_window(s, &w))
		return *code = 422, M_learn_signin_closed;
	if (now < w.open)
		return *code = 422, M_learn_signin_not_open;
	if (now > w.close)
		return *code = 422, M_learn_signin_closed;
	return *code = 200, M_NONE;
}

/* Why the user may not sign in to s now (M_NONE: they may); *row the
 * attendance row, *status its current status. */
static enum msg_id signin_refusal(struct req *r, const struct record *s, int64_t *row, const char **status, int *code)
{
	int64_t person = learn_user_person(r);
	*row = 0, *status = NULL;
	struct db_stmt *q = person ? db_query(req_db(r), r->a,
					      "SELECT id, status FROM learning_attendance WHERE session_id = ? AND "
					      "person_id = ?",
					      "ii", s->id, person)
				   : NULL;
	if (q && db_step(q) == DB_ROW) {
		*row = db_column_int64(q, 0);
		*status = db_column_isnull(q, 1) ? NULL : arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	if (!*row)
		return *code = 403, M_learn_signin_not_required;
	if (*status)
		return *code = 409, M_learn_signin_twice;
	return window_refusal(s, code);
}

/* The status a sign-in at now records. */
static const char *signin_status(const struct record *s)
{
	struct window w;
	session_window(s, &w);
	return time(NULL) > w.start + LEARN_LATE_AFTER_MIN * 60 ? "late" : "present";
}

static void signin_head(struct req *r, const struct record *s)
{
	page_begin(r, T(r, M_learn_signin), NULL, 0);
	html(r,
	     "<section class=\"card learn-signin\"><h2>%s</h2><p class=\"learn-meta\">%s</p>"
	     "<p class=\"muted\">%s</p>",
	     s->vals[SS_TOPIC], learn_session_when(r, s), s->vals[SS_SPEAKER] ? s->vals[SS_SPEAKER] : "");
}

static void signin_view(struct req *r, const struct record *s, enum msg_id refusal, const char *status, int done)
{
	signin_head(r, s);
	if (done)
		html(r, "<div class=\"flash flash-ok\" role=\"status\" id=\"signin-result\">%T · %T</div>",
		     M_learn_signed_in, status_label(status));
	else if (refusal == M_learn_signin_twice && status && (!strcmp(status, "present") || !strcmp(status, "late")))
		html(r, "<div class=\"flash flash-ok\" role=\"status\" id=\"signin-result\">%T · %T<br>%T</div>",
		     M_learn_signed_in, status_label(status), refusal);
	else if (refusal != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"signin-result\">%T%H</div>", refusal,
		     status ? html_fmt(r, " (%T)", status_label(status)) : NULL);
	else
		html(r,
		     "<form method=\"post\" action=\"/learning/signin/%a\">%H<p>%s</p><button class=\"btn btn-primary "
		     "btn-block\" id=\"signin-button\">%T</button></form>",
		     s->vals[SS_KEY], csrf_input(r), r->user->display_name, M_learn_signin_button);
	html(r, "</section>");
	page_end(r);
}

/* ---- one-time sign-in codes: for attendees without an account ---- */

#define CODE_CHARS 8      /* 31^8: about 8.5 × 10^11 codes */
#define CODE_FAILS 20     /* wrong codes from one address per THROTTLE_WINDOW before it is locked out */
#define CODES_MAX 1000    /* slips one issue prints */

/* The code form; err: why the last code was refused (the form again), or
 * a refusal that leaves no form (the window), or M_NONE. done: the name
 * and status of the person just signed in. */
static void code_view(struct req *r, const struct record *s, enum msg_id err, int form, const char *name,
		      const char *status)
{
	signin_head(r, s);
	if (name)
		html(r, "<div class=\"flash flash-ok\" role=\"status\" id=\"signin-result\">%T · %s · %T</div>",
		     M_learn_signed_in, name, status_label(status));
	else if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"signin-result\">%T</div>", err);
	if (form && !name)
		html(r,
		     "<form method=\"post\" action=\"/learning/signin/%a\" novalidate>%H<p class=\"hint\">%T</p>"
		     "<div class=\"field\"><label for=\"f-code\">%T</label><input id=\"f-code\" name=\"code\" "
		     "class=\"mono\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" "
		     "maxlength=\"20\" inputmode=\"latin\" required></div><button class=\"btn btn-primary btn-block\" "
		     "id=\"code-button\">%T</button></form>",
		     s->vals[SS_KEY], csrf_input(r), M_learn_code_hint, M_learn_signin_code, M_learn_signin_button);
	/* an attendee with an account signs in to it first, and comes back */
	if (!r->user && !name)
		html(r, "<p><a id=\"signin-account\" href=\"/login?next=%u\">%T</a></p>",
		     arena_printf(r->a, "/learning/signin/%s", s->vals[SS_KEY]), M_learn_code_account);
	html(r, "</section>");
	page_end(r);
}

struct code_job {
	const struct record *s;
	const char *hash, *status, *name;
	int64_t now;
	enum msg_id why;
	int code;
};

/* Finds the code and signs its person in, all in the writer's transaction:
 * 0 signed in; 1 refused (j->why, j->code): the writer undoes the job. */
static int code_fn(struct req *r, void *ctx)
{
	struct code_job *j = ctx;
	struct db *db = req_db(r);
	int64_t id = 0, used = 0, row = 0;
	const char *status = NULL;
	struct db_stmt *q =
		j->hash ? db_query(db, r->a,
				   "SELECT c.id, c.used, a.id, a.status, p.name FROM learning_signin_codes c LEFT JOIN "
				   "learning_attendance a ON a.session_id = c.session_id AND a.person_id = c.person_id "
				   "LEFT JOIN people p ON p.id = c.person_id WHERE c.session_id = ? AND c.hash = ?",
				   "is", j->s->id, j->hash)
			: NULL;
	if (q && db_step(q) == DB_ROW) {
		id = db_column_int64(q, 0);
		used = db_column_int64(q, 1);
		row = db_column_isnull(q, 2) ? 0 : db_column_int64(q, 2);
		status = db_column_isnull(q, 3) ? NULL : arena_strdup(r->a, db_column_text(q, 3));
		j->name = db_column_isnull(q, 4) ? "" : arena_strdup(r->a, db_column_text(q, 4));
	}
	db_reset(q);
	if (!id)
		return j->why = M_learn_code_unknown, j->code = 422, 1;
	if (used)
		return j->why = M_learn_code_used, j->code = 409, 1;
	if (!row)
		return j->why = M_learn_signin_not_required, j->code = 403, 1;
	if (status)
		return j->why = M_learn_signin_twice, j->code = 409, 1;
	if ((j->why = window_refusal(j->s, &j->code)) != M_NONE)
		return 1;
	j->status = signin_status(j->s);
	int rc = learn_tally_row(db, row, -1);
	if (!rc)
		rc = db_run(db,
			    "UPDATE learning_attendance SET status = ?, signed_at = ?, recorded_by = NULL, updated_at = ? "
			    "WHERE id = ? AND status IS NULL",
			    "siii", j->status, j->now, j->now, row);
	if (!rc && db_changes(db) != 1)
		return j->why = M_learn_signin_twice, j->code = 409, 1;
	if (!rc)
		rc = db_run(db, "UPDATE learning_signin_codes SET used = 1 WHERE id = ? AND used = 0", "i", id);
	if (!rc && db_changes(db) != 1)
		return j->why = M_learn_code_used, j->code = 409, 1;
	if (!rc)
		rc = learn_tally_row(db, row, 1);
	if (!rc) {
		json_t *after = json_pack("{s:I, s:s, s:s}", "attendance_id", (json_int_t)row, "status", j->status,
					  "by", "code");
		rc = audit_log(r, "signin", "study_sessions", j->s->id, NULL, after);
		json_decref(after);
	}
	return rc;
}

static int code_post(struct req *r, const struct record *s, const char *code)
{
	int64_t now = time(NULL);
	const char *key = arena_printf(r->a, "learnsign:%s", r->ip);
	if (throttle_wait(req_db(r), key, now) > 0) {
		r->status = 429;
		code_view(r, s, M_learn_code_too_many, 0, NULL, NULL);
		return 0;
	}
	char *hex = arena_alloc(r->a, ONETIME_HASH_SIZE);
	struct code_job j = {.s = s, .hash = onetime_hash(code, CODE_CHARS, hex) ? NULL : hex, .now = now};
	int rc = req_write(r, code_fn, &j);
	if (rc == 1) {
		/* counted outside the job: a refused job's changes are undone */
		if (j.why == M_learn_code_unknown)
			throttle_fail(req_db(r), key, CODE_FAILS, CODE_FAILS, now);
		r->status = j.code;
		/* a wrong code may be typed again; the other refusals are final */
		code_view(r, s, j.why, j.why == M_learn_code_unknown, NULL, NULL);
		return 0;
	}
	if (rc)
		return req_fail(r, rc == DB_E_BUSY ? 503 : 500, M_NONE);
	code_view(r, s, M_NONE, 0, j.name, j.status);
	return 0;
}

static int signin_page(struct req *r)
{
	struct record *s = session_by_key(r);
	if (!s)
		return req_fail(r, 404, M_learn_signin_unknown);
	int code;
	if (!r->user || !learn_user_person(r)) {
		/* no account, or an account that is nobody's: the code form */
		enum msg_id why = window_refusal(s, &code);
		if (why != M_NONE)
			r->status = code;
		code_view(r, s, why, why == M_NONE, NULL, NULL);
		return 0;
	}
	int64_t row;
	const char *status;
	enum msg_id why = signin_refusal(r, s, &row, &status, &code);
	if (why != M_NONE)
		r->status = code;
	signin_view(r, s, why, status, 0);
	return 0;
}

static int signin_post(struct req *r)
{
	struct record *s = session_by_key(r);
	if (!s)
		return req_fail(r, 404, M_learn_signin_unknown);
	const char *code = req_form(r, "code");
	if (code || !r->user) {
		if (!code || !*code) {
			r->status = 422;
			code_view(r, s, M_learn_code_needed, 1, NULL, NULL);
			return 0;
		}
		return code_post(r, s, code);
	}
	int64_t row;
	const char *status;
	int code_;
	enum msg_id why = signin_refusal(r, s, &row, &status, &code_);
	if (why != M_NONE) {
		r->status = code_;
		signin_view(r, s, why, status, 0);
		return 0;
	}
	status = signin_status(s);
	int64_t now = time(NULL);
	struct db *db = req_db(r);
	int rc = db_begin(db);
	if (!rc)
		rc = learn_tally_row(db, row, -1);
	/* the status IS NULL condition makes a second tap at the same moment
	 * change nothing */
	if (!rc)
		rc = db_run(db,
			    "UPDATE learning_attendance SET status = ?, signed_at = ?, recorded_by = ?, updated_at = ? "
			    "WHERE id = ? AND status IS NULL",
			    "siiii", status, now, r->user->id, now, row);
	if (!rc && db_changes(db) != 1) {
		db_rollback(db);
		r->status = 409;
		signin_view(r, s, M_learn_signin_twice, NULL, 0);
		return 0;
	}
	if (!rc)
		rc = learn_tally_row(db, row, 1);
	json_t *after = json_pack("{s:I, s:s}", "attendance_id", (json_int_t)row, "status", status);
	if (!rc)
		rc = audit_log(r, "signin", "study_sessions", s->id, NULL, after);
	json_decref(after);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	signin_view(r, s, M_NONE, status, 1);
	return 0;
}

/* ---- the clerk issues the codes: a sheet of slips, shown once ---- */

static void codes_form(struct req *r, const struct record *s, enum msg_id err)
{
	const char *title = arena_printf(r->a, "%s · %s", T(r, M_learn_codes_issue), s->vals[SS_TOPIC]);
	struct crumb c[] = {{"/r/study_sessions", T(r, M_learn_sessions)},
			    {arena_printf(r->a, "/r/study_sessions/%lld", (long long)s->id), s->vals[SS_TOPIC]},
			    {NULL, T(r, M_learn_codes_issue)}};
	page_begin(r, title, c, 3);
	page_heading(r, title, NULL);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"codes-error\">%T</div>", err);
	int64_t waiting = db_one_int64(req_db(r), 0,
				       "SELECT count(*) FROM learning_attendance WHERE session_id = ? AND status IS NULL",
				       "i", s->id),
		have = db_one_int64(req_db(r), 0,
				    "SELECT count(*) FROM learning_signin_codes c JOIN learning_attendance a ON "
				    "a.session_id = c.session_id AND a.person_id = c.person_id WHERE c.session_id = ? AND "
				    "c.used = 0 AND a.status IS NULL",
				    "i", s->id);
	const char *vals[] = {"missing", "all"};
	const enum msg_id labels[] = {M_learn_codes_scope_missing, M_learn_codes_scope_all};
	html(r,
	     "<section class=\"card form\"><p class=\"learn-meta\">%s</p><p class=\"hint\">%T</p>"
	     "<p>%T <strong id=\"n-waiting\">%D</strong> · %T <strong id=\"n-coded\">%D</strong></p>"
	     "<form method=\"post\" action=\"/learning/sessions/%D/codes\">%H",
	     learn_session_when(r, s), M_learn_codes_hint, M_learn_att_none, waiting, M_learn_codes_have, have, s->id,
	     csrf_input(r));
	field_select(r, "scope", M_learn_codes_scope, vals, labels, 2, "missing", 0);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn btn-primary\" id=\"codes-button\">%T</button><a "
	     "class=\"btn btn-plain\" href=\"/r/study_sessions/%D\">%T</a></div></form></section>",
	     M_learn_codes_issue, s->id, M_cancel);
	page_end(r);
}

static int codes_page(struct req *r)
{
	struct record *s = session_for_clerk(r);
	if (!s)
		return 0;
	codes_form(r, s, M_NONE);
	return 0;
}

struct slip {
	int64_t person;
	const char *name, *unit;
	char code[CODE_CHARS + CODE_CHARS / 4 + 1];
};

static int codes_post(struct req *r)
{
	struct record *s = session_for_clerk(r);
	if (!s)
		return 0;
	const char *scope = req_form(r, "scope");
	int all = scope && !strcmp(scope, "all");
	if (scope && *scope && !all && strcmp(scope, "missing")) {
		r->status = 422;
		codes_form(r, s, M_learn_codes_scope_bad);
		return 0;
	}
	struct db *db = req_db(r);
	struct slip *v = arena_alloc(r->a, CODES_MAX * sizeof *v);
	int n = 0;
	/* who: the required people not recorded yet (without a code, or all) */
	struct db_stmt *q = db_query(
		db, r->a,
		arena_printf(r->a,
			     "SELECT a.person_id, p.name, u.name FROM learning_attendance a JOIN people p ON p.id = "
			     "a.person_id LEFT JOIN units u ON u.id = a.unit_id WHERE a.session_id = ? AND a.status IS "
			     "NULL%s ORDER BY u.path, p.name, a.id LIMIT %d",
			     all ? ""
				 : " AND NOT EXISTS (SELECT 1 FROM learning_signin_codes c WHERE c.session_id = "
				   "a.session_id AND c.person_id = a.person_id)",
			     CODES_MAX),
		"i", s->id);
	while (q && db_step(q) == DB_ROW && n < CODES_MAX) {
		v[n].person = db_column_int64(q, 0);
		v[n].name = arena_strdup(r->a, db_column_text(q, 1));
		v[n].unit = db_column_isnull(q, 2) ? "" : arena_strdup(r->a, db_column_text(q, 2));
		n++;
	}
	db_reset(q);
	if (!n) {
		r->status = 422;
		codes_form(r, s, M_learn_codes_none);
		return 0;
	}
	int64_t now = time(NULL);
	int rc = db_begin(db);
	for (int k = 0; !rc && k < n; k++) {
		char hex[ONETIME_HASH_SIZE];
		/* a code equal to another of the session's is drawn again */
		do {
			onetime_make(v[k].code, CODE_CHARS, 4);
			onetime_hash(v[k].code, CODE_CHARS, hex);
		} while (db_one_int64(db, 0, "SELECT count(*) FROM learning_signin_codes WHERE session_id = ? AND hash = ?",
				      "is", s->id, hex));
		rc = db_run(db, "DELETE FROM learning_signin_codes WHERE session_id = ? AND person_id = ?", "ii", s->id,
			    v[k].person);
		if (!rc)
			rc = db_run(db,
				    "INSERT INTO learning_signin_codes (session_id, person_id, hash, used, created_at) "
				    "VALUES (?, ?, ?, 0, ?)",
				    "iisi", s->id, v[k].person, hex, now);
	}
	if (!rc) {
		json_t *what = json_pack("{s:i, s:s}", "codes", n, "scope", all ? "all" : "missing");
		rc = audit_log(r, "signin_codes", "study_sessions", s->id, NULL, what);
		json_decref(what);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, rc == DB_E_BUSY ? 409 : 500, rc == DB_E_BUSY ? M_rec_conflict : M_NONE);
	}
	/* the sheet: every slip's code, this once */
	const char *url = signin_url(r, s);
	struct crumb c[] = {{"/r/study_sessions", T(r, M_learn_sessions)},
			    {arena_printf(r->a, "/r/study_sessions/%lld", (long long)s->id), s->vals[SS_TOPIC]},
			    {NULL, T(r, M_learn_codes_sheet)}};
	r->no_store = 1;
	page_begin(r, T(r, M_learn_codes_sheet), c, 3);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_learn_codes_sheet), s->vals[SS_TOPIC]), NULL);
	html(r, "<p class=\"hint no-print\" id=\"codes-once\">%T</p><div class=\"token-sheet\" id=\"slips\">",
	     M_learn_codes_once);
	for (int k = 0; k < n; k++)
		html(r,
		     "<div class=\"token-card\"><p class=\"token-campaign\">%s<br>%s</p><p class=\"token-rater\">%s</p>"
		     "<p class=\"muted\">%s</p><p class=\"token-code mono\">%s</p><p class=\"token-link\">%s</p></div>",
		     s->vals[SS_TOPIC], learn_session_when(r, s), v[k].name, v[k].unit, v[k].code, url);
	html(r, "</div>");
	page_end(r);
	return 0;
}

/* ---- a series of sessions from one rule ---- */

static const enum msg_id weekday_labels[] = {M_learn_wd1, M_learn_wd2, M_learn_wd3, M_learn_wd4,
					     M_learn_wd5, M_learn_wd6, M_learn_wd7};

struct repeat_in {
	const char *plan, *unit, *topic, *speaker, *place, *from, *to, *start, *end, *audience, *attendees, *weekday;
};

static void repeat_form(struct req *r, const struct repeat_in *in, enum msg_id err, const struct record_errors *e,
			const struct record *proto)
{
	struct crumb c[] = {{"/r/study_sessions", T(r, M_learn_sessions)}, {NULL, T(r, M_learn_repeat)}};
	page_begin(r, T(r, M_learn_repeat), c, 2);
	page_heading(r, T(r, M_learn_repeat), NULL);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"repeat-error\">%T</div>", err);
	if (e && e->count)
		form_errors(r, e->count);
	html(r,
	     "<section class=\"card form\"><p class=\"hint\">%T</p><form method=\"post\" "
	     "action=\"/learning/sessions/repeat\" novalidate>%H",
	     M_learn_repeat_hint, csrf_input(r));
	for (int i = 0; i < SS__COUNT; i++) {
		if (i == SS_MATERIALS || i == SS_MINUTES || i == SS_PHOTOS || i == SS_SERIES || i == SS_KEY ||
		    i == SS_HELD_ON || i == SS_START || i == SS_END)
			continue;
		record_field_widget(r, proto, i, e ? e->field[i] : M_NONE);
		if (i == SS_UNIT_ID) {
			const char *vals[7];
			for (int k = 0; k < 7; k++)
				vals[k] = arena_printf(r->a, "%d", k + 1);
			field_select(r, "weekday", M_learn_weekday, vals, weekday_labels, 7,
				     in->weekday && *in->weekday ? in->weekday : "5", 0);
			field_input(r, "date", "from", M_learn_date_from, in->from, M_NONE, 1, M_NONE);
			field_input(r, "date", "to", M_learn_date_to, in->to, M_NONE, 1, M_NONE);
			field_input(r, "time", "start_time", M_learn_start,
				    in->start && *in->start ? in->start : "14:30", e ? e->field[SS_START] : M_NONE, 1,
				    M_learn_hhmm_hint);
			field_input(r, "time", "end_time", M_learn_end, in->end && *in->end ? in->end : "16:30",
				    e ? e->field[SS_END] : M_NONE, 1, M_learn_hhmm_hint);
		}
	}
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a class=\"btn btn-plain\" "
	     "href=\"/r/study_sessions\">%T</a></div></form></section>",
	     M_learn_repeat_create, M_cancel);
	page_end(r);
}

static void repeat_read(struct req *r, struct repeat_in *in, int post)
{
	const char *(*get)(struct req *, const char *) = post ? req_form : req_query;
	in->plan = get(r, "plan_id");
	in->unit = get(r, "unit_id");
	in->topic = get(r, "topic");
	in->speaker = get(r, "speaker");
	in->place = get(r, "place");
	in->from = get(r, "from");
	in->to = get(r, "to");
	in->start = get(r, "start_time");
	in->end = get(r, "end_time");
	in->audience = get(r, "audience");
	in->attendees = get(r, "attendees");
	in->weekday = get(r, "weekday");
}

static struct record *repeat_proto(struct req *r, const struct repeat_in *in)
{
	struct record *p = record_new(r, &study_sessions_type);
	const char *v[SS__COUNT] = {0};
	v[SS_PLAN_ID] = in->plan, v[SS_UNIT_ID] = in->unit, v[SS_TOPIC] = in->topic, v[SS_SPEAKER] = in->speaker;
	v[SS_PLACE] = in->place, v[SS_AUDIENCE] = in->audience;
	v[SS_ATTENDEES] = in->attendees;
	for (int i = 0; i < SS__COUNT; i++)
		if (v[i])
			record_set(r, p, i, v[i]);
	if (in->plan && *in->plan && !in->unit)
		p->vals[SS_UNIT_ID] = db_one_text(
			req_db(r), r->a, "SELECT CAST(unit_id AS TEXT) FROM study_plans WHERE id = ?", "s", in->plan);
	return p;
}

static int repeat_page(struct req *r)
{
	if (!record_type_may(r, &study_sessions_type, ACC_WRITE))
		return req_fail(r, 403, M_NONE);
	struct repeat_in in;
	repeat_read(r, &in, 0);
	repeat_form(r, &in, M_NONE, NULL, repeat_proto(r, &in));
	return 0;
}

static int repeat_post(struct req *r)
{
	if (!record_type_may(r, &study_sessions_type, ACC_WRITE))
		return req_fail(r, 403, M_NONE);
	struct repeat_in in;
	repeat_read(r, &in, 1);
	struct record *proto = repeat_proto(r, &in);
	int64_t from, to;
	int wd = in.weekday ? atoi(in.weekday) : 0;
	enum msg_id err = M_NONE;
	if (!in.from || !in.to || cal_parse_date(in.from, &from) || cal_parse_date(in.to, &to) || from > to ||
	    to - from > 400)
		err = M_learn_repeat_dates_bad;
	else if (wd < 1 || wd > 7)
		err = M_learn_repeat_weekday_bad;
	int tstart = learn_parse_hhmm(in.start), tend = learn_parse_hhmm(in.end);
	if (err == M_NONE && (tstart < 0 || tend < 0))
		err = M_learn_hhmm_bad;
	else if (err == M_NONE && tend <= tstart)
		err = M_learn_end_before_start;
	int64_t days[LEARN_RECUR_MAX];
	int n = 0;
	if (err == M_NONE) {
		int y0, y1, m, d;
		cal_civil_from_days(from, &y0, &m, &d);
		cal_civil_from_days(to, &y1, &m, &d);
		for (int y = y0; y <= y1 && err == M_NONE; y++)
			if (workdays_covered(r, y) != 1)
				err = M_learn_repeat_uncovered;
	}
	if (err == M_NONE) {
		struct cal cal;
		if (workdays_load(req_db(r), &cal, NULL, NULL))
			return req_fail(r, 503, M_err_db_down);
		n = learn_recur_dates(&cal, from, to, wd, days, LEARN_RECUR_MAX);
		cal_free(&cal);
		if (n < 0)
			err = M_learn_repeat_too_many;
		else if (n == 0)
			err = M_learn_repeat_none;
	}
	/* the first session validates the rest: the same fields */
	struct record_errors e = {0};
	if (err == M_NONE) {
		char ds[CAL_DATE_SIZE];
		proto->vals[SS_HELD_ON] = arena_strdup(r->a, cal_format_date(days[0], ds));
		proto->vals[SS_START] = arena_printf(r->a, "%s %s", ds, in.start);
		proto->vals[SS_END] = arena_printf(r->a, "%s %s", ds, in.end);
		record_validate(r, proto, NULL, &e);
		if (e.count)
			err = M_learn_repeat_fix;
	}
	if (err != M_NONE) {
		r->status = 422;
		repeat_form(r, &in, err, e.count ? &e : NULL, proto);
		return 0;
	}
	const char *series =
		arena_printf(r->a, "%s %s–%s, %s – %s", T(r, weekday_labels[wd - 1]), in.start, in.end, in.from, in.to);
	struct db *db = req_db(r);
	int rc = db_begin(db);
	for (int k = 0; !rc && k < n; k++) {
		struct record *s = record_copy(r, proto);
		char ds[CAL_DATE_SIZE];
		s->vals[SS_HELD_ON] = arena_strdup(r->a, cal_format_date(days[k], ds));
		s->vals[SS_START] = arena_printf(r->a, "%s %s", ds, in.start);
		s->vals[SS_END] = arena_printf(r->a, "%s %s", ds, in.end);
		s->vals[SS_SERIES] = series;
		s->vals[SS_KEY] = NULL;
		struct record_errors e2;
		if (record_validate(r, s, NULL, &e2)) {
			rc = DB_ERR;
			break;
		}
		rc = record_save(r, s, NULL);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, rc == DB_E_BUSY ? 409 : 500, rc == DB_E_BUSY ? M_rec_conflict : M_NONE);
	}
	req_flash(r, "ok", M_learn_repeat_done);
	const char *back = proto->vals[SS_PLAN_ID]
				   ? arena_printf(r->a, "/r/study_plans/%s", proto->vals[SS_PLAN_ID])
				   : arena_printf(r->a, "/r/study_sessions?unit_id=%s", proto->vals[SS_UNIT_ID]);
	return req_redirect(r, back);
}

const struct route learn_routes[] = {
	{"GET", "/learning/sessions/repeat", repeat_page, P_SIGNED_IN, 0, "learning repeat"},
	{"POST", "/learning/sessions/repeat", repeat_post, P_SIGNED_IN, 1, "learning repeat"},
	{"GET", "/learning/sessions/{id:int}/attendance", attendance_page, P_SIGNED_IN, 0, "learning attendance"},
	{"POST", "/learning/sessions/{id:int}/attendance", attendance_post, P_SIGNED_IN, 1, "learning attendance"},
	{"GET", "/learning/sessions/{id:int}/qr", qr_page, P_SIGNED_IN, 0, "learning qr"},
	{"GET", "/learning/sessions/{id:int}/codes", codes_page, P_SIGNED_IN, 0, "learning codes"},
	{"POST", "/learning/sessions/{id:int}/codes", codes_post, P_SIGNED_IN, 1, "learning codes"},
	{"GET", "/learning/signin/{key:str}", signin_page, P_PUBLIC, 0, "learning signin"},
	{"POST", "/learning/signin/{key:str}", signin_post, P_PUBLIC, 1, "learning signin"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
