/* selfassess.c — the units' self-assessment in a round (自評): while the
 * round is open and until its self_due day, a unit's clerk (unit_admin or
 * leader whose scope holds the unit) writes per leaf that applies to the
 * unit a text of at most 500 characters, attaches evidence files (the
 * engine's file store, checked by content as everywhere) and links to
 * records inside the application; then submits, after which nothing
 * changes. The office sees every unit's state of submission. The
 * evidence files are served here, to the office and the unit's clerks:
 * the engine's /files/ route knows only registers. Also the helpers the
 * other round-work pages share (roundwork.h). Scores are not set here. */
#include "../db/db.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../records/files.h"
#include "../records/record.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "roundwork.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- shared helpers ---- */

int rw_round_unit(struct req *r, int64_t round_id, int64_t unit_id, const char **name, const char **kind)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT u.name, ru.unit_kind FROM assess_round_units ru JOIN units u ON u.id = "
				     "ru.unit_id WHERE ru.round_id = ? AND ru.unit_id = ?",
				     "ii", round_id, unit_id);
	if (!q || db_step(q) != DB_ROW)
		return -1;
	if (name)
		*name = arena_strdup(r->a, db_column_text(q, 0));
	if (kind)
		*kind = arena_strdup(r->a, db_column_text(q, 1));
	return 0;
}

int rw_is_clerk(struct req *r, int64_t unit_id)
{
	int top = -1; /* is unit_id a top unit (the bureau): looked up once */
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if (g->role != ROLE_UNIT_ADMIN && g->role != ROLE_LEADER)
			continue;
		if (g->unit_id && unit_in_subtree(req_db(r), g->unit_id, unit_id))
			return 1;
		/* an organization-wide leader speaks for the bureau itself, not
		 * for every unit below it */
		if (!g->unit_id && top < 0)
			top = db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM units WHERE id = ? AND parent_id IS NULL", "i",
					   unit_id) > 0;
		if (!g->unit_id && top > 0)
			return 1;
	}
	return 0;
}

const char *rw_today(struct req *r)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return arena_printf(r->a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

const char *rw_time(struct req *r, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return arena_printf(r->a, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			    tm.tm_min);
}

long rw_chars(const char *s)
{
	if (!utf8_valid(s, strlen(s)))
		return -1;
	long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

int rw_leaves_load(struct req *r, const struct assess_round *rd, int64_t unit_id, const char *kind, int manual_only,
		   struct rw_leaf **out)
{
	/* the tree's order: the first-level ancestor's position, then the
	 * second's, then the leaf's own */
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT i.id, i.name, COALESCE(p.name, ''), i.method, i.standard, COALESCE(s.max_points, w.max_points, "
		"i.max_points), CASE WHEN s.indicator_id IS NULL THEN 0 ELSE 1 END, CASE WHEN s.points IS NULL THEN 0 ELSE 1 END, COALESCE(s.points, 0), COALESCE(s.source, "
		"''), COALESCE(s.explanation, ''), COALESCE(s.comment, ''), COALESCE(a.id, 0), COALESCE(a.text, ''), "
		"COALESCE(a.links, ''), i.metric FROM assess_indicators i LEFT JOIN assess_indicators p ON p.id = i.parent_id LEFT "
		"JOIN assess_indicators g ON g.id = p.parent_id LEFT JOIN assess_weights w ON w.indicator_id = i.id AND "
		"w.unit_kind = ? LEFT JOIN assess_round_scores s ON s.round_id = ? AND s.unit_id = ? AND s.indicator_id = "
		"i.id LEFT JOIN assess_self a ON a.round_id = ? AND a.unit_id = ? AND a.indicator_id = i.id WHERE "
		"i.system_id = ? AND i.method <> 'veto' AND (? = 0 OR i.method = 'manual') AND NOT EXISTS (SELECT 1 FROM "
		"assess_indicators c WHERE c.parent_id = i.id) AND COALESCE(s.max_points, w.max_points, i.max_points) > 0 "
		"ORDER BY COALESCE(g.position, p.position, i.position), CASE WHEN g.id IS NOT NULL THEN p.position WHEN "
		"p.id IS NOT NULL THEN i.position ELSE 0 END, CASE WHEN g.id IS NOT NULL THEN i.position ELSE 0 END, i.id",
		"siiiiii", kind, rd->id, unit_id, rd->id, unit_id, rd->system_id, (int64_t)manual_only);
	if (!q)
		return -1;
	int n = 0, cap = 0;
	struct rw_leaf *v = NULL;
	while (db_step(q) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			struct rw_leaf *nv = arena_alloc(r->a, (size_t)cap * sizeof *nv);
			if (n)
				memcpy(nv, v, (size_t)n * sizeof *nv);
			v = nv;
		}
		struct rw_leaf *l = &v[n++];
		l->id = db_column_int64(q, 0);
		l->name = arena_strdup(r->a, db_column_text(q, 1));
		l->parent_name = arena_strdup(r->a, db_column_text(q, 2));
		l->method = arena_strdup(r->a, db_column_text(q, 3));
		l->standard = arena_strdup(r->a, db_column_text(q, 4));
		l->max = db_column_double(q, 5);
		l->has_score = (int)db_column_int64(q, 6);
		l->scored = (int)db_column_int64(q, 7);
		l->points = db_column_double(q, 8);
		l->source = arena_strdup(r->a, db_column_text(q, 9));
		l->explanation = arena_strdup(r->a, db_column_text(q, 10));
		l->comment = arena_strdup(r->a, db_column_text(q, 11));
		l->self_id = db_column_int64(q, 12);
		l->text = arena_strdup(r->a, db_column_text(q, 13));
		l->links = arena_strdup(r->a, db_column_text(q, 14));
		l->metric = arena_strdup(r->a, db_column_text(q, 15));
	}
	*out = v;
	return n;
}

int64_t rw_submitted_at(struct req *r, int64_t round_id, int64_t unit_id)
{
	return db_one_int64(req_db(r), 0, "SELECT submitted_at FROM assess_self_units WHERE round_id = ? AND unit_id = ?",
			    "ii", round_id, unit_id);
}

int rw_files_render(struct req *r, int64_t round_id, int64_t unit_id, int64_t self_id, int removable)
{
	if (!self_id)
		return 0;
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, name, size FROM files WHERE record_type = ? AND record_id = ? ORDER BY id",
				     "si", RW_SELF_TYPE, self_id);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<ul class=\"rw-files\">");
		int64_t id = db_column_int64(q, 0);
		html(r, "<li><a href=\"/assessment/rounds/%D/units/%D/files/%D\">%s</a> <span class=\"hint\">%s</span>", round_id,
		     unit_id, id, db_column_text(q, 1), files_size_text(r, db_column_int64(q, 2)));
		if (removable)
			html(r, " <label class=\"check\"><input type=\"checkbox\" name=\"remove\" value=\"%D\"> %T</label>", id,
			     M_rw_remove);
		html(r, "</li>");
	}
	if (n)
		html(r, "</ul>");
	return n;
}

void rw_links_render(struct req *r, const char *links)
{
	if (!links || !*links)
		return;
	html(r, "<ul class=\"rw-links\">");
	const char *p = links;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *one = arena_printf(r->a, "%.*s", (int)n, p);
		if (*one)
			html(r, "<li><a href=\"%a\">%s</a></li>", one, one);
		p += n;
		if (*p)
			p++;
	}
	html(r, "</ul>");
}

/* The round's work for the user: unit 0 on the round's page, a unit on
 * its score page. */
void assess_roundwork_links(struct req *r, const struct assess_round *rd, int64_t unit)
{
	int office = assess_is_office(r), announced = !strcmp(rd->state, "appeal") || !strcmp(rd->state, "published");
	int clerk = unit ? rw_is_clerk(r, unit) : 0;
	if (!unit && !office) {
		/* a clerk of some unit in the round */
		struct db_stmt *q = db_query(req_db(r), r->a, "SELECT unit_id FROM assess_round_units WHERE round_id = ?", "i",
					     rd->id);
		while (q && !clerk && db_step(q) == DB_ROW)
			clerk = rw_is_clerk(r, db_column_int64(q, 0));
	}
	if (!office && !clerk)
		return;
	const char *u = unit ? arena_printf(r->a, "?unit=%lld", (long long)unit) : "";
	html(r, "<section class=\"card\" id=\"round-work\"><ul class=\"rw-work-links\">");
	const struct markup *count = NULL;
	if (!unit && office)
		count = html_fmt(r, " <span class=\"hint\" id=\"self-count\">%T %D / %D</span>", M_rw_submitted,
				 db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM assess_self_units WHERE round_id = ?", "i",
					      rd->id),
				 db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i",
					      rd->id));
	html(r, "<li><a href=\"/assessment/rounds/%D/self%a\">%T</a>%H</li>", rd->id, u, unit ? M_rw_self : M_rw_self_of,
	     count);
	if (office)
		html(r, "<li><a href=\"/assessment/rounds/%D/review%a\">%T</a></li>", rd->id, u, M_rw_review);
	if (office || announced) {
		int64_t open = db_one_int64(req_db(r), 0,
					    "SELECT COUNT(*) FROM assess_appeals WHERE round_id = ? AND state = 'submitted' AND "
					    "(? = 0 OR unit_id = ?)",
					    "iii", rd->id, unit, unit);
		html(r, "<li><a href=\"/assessment/rounds/%D/appeals%a\">%T</a>%H</li>", rd->id, u, M_rw_appeals,
		     open ? html_fmt(r, " <span class=\"badge badge-warn\">%D</span>", open) : NULL);
	}
	if (unit && assess_round_may_see(r, rd, unit))
		html(r, "<li><a href=\"/assessment/rounds/%D/units/%D/pack.zip\">%T</a></li>", rd->id, unit,
		     M_rw_pack_download);
	html(r, "</ul></section>");
}

/* ---- the pages ---- */

/* The round of the route, or the request has failed (404). */
int rw_round_of_route(struct req *r, struct assess_round *rd)
{
	if (assess_round_load(r, req_param_int(r, "id"), rd)) {
		req_fail(r, 404, M_NONE);
		return -1;
	}
	return 0;
}

int64_t rw_unit_of_form(struct req *r)
{
	const char *s = req_form(r, "unit");
	if (!s || !*s)
		s = req_query(r, "unit");
	return s && *s ? strtoll(s, NULL, 10) : 0;
}

/* Why a unit's self-assessment cannot change now, or M_NONE. */
static enum msg_id self_locked(struct req *r, const struct assess_round *rd, int64_t unit_id, const char **due)
{
	*due = NULL;
	if (strcmp(rd->state, "open"))
		return M_rw_not_open;
	if (rd->self_due && *rd->self_due && strcmp(rw_today(r), rd->self_due) > 0) {
		*due = rd->self_due;
		return M_rw_self_closed;
	}
	if (rw_submitted_at(r, rd->id, unit_id))
		return M_rw_already_submitted;
	return M_NONE;
}

static const char *round_title(struct req *r, const struct assess_round *rd)
{
	(void)r;
	return rd->name;
}

/* The list of the round's units the user may see with their submission. */
static int overview_page(struct req *r, const struct assess_round *rd)
{
	int office = assess_is_office(r);
	struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd->id), round_title(r, rd)},
			    {NULL, T(r, M_rw_self_of)}};
	page_begin(r, T(r, M_rw_self_of), c, 2);
	page_heading(r, T(r, M_rw_self_of), NULL);
	html(r, "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd></dl></section>",
	     M_rw_round, rd->name, M_rw_self_due, rd->self_due && *rd->self_due ? rd->self_due : "—");
	/* the office pages through every unit; a clerk sees their few */
	int page = req_page(r) > 0 ? req_page(r) : 1;
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT ru.unit_id, u.name, ru.unit_kind, (SELECT COUNT(*) FROM assess_self a WHERE a.round_id = "
		"ru.round_id AND a.unit_id = ru.unit_id AND a.text <> ''), su.submitted_at FROM assess_round_units ru JOIN "
		"units u ON u.id = ru.unit_id LEFT JOIN assess_self_units su ON su.round_id = ru.round_id AND su.unit_id "
		"= ru.unit_id WHERE ru.round_id = ? ORDER BY u.path, u.id LIMIT ? OFFSET ?",
		"iII", rd->id, office ? RW_PER_PAGE : INT_MAX, office ? (page - 1) * RW_PER_PAGE : 0);
	static const struct list_col cols[] = {
		{M_rw_unit, NULL, 0}, {M_rw_written, NULL, 1}, {M_rw_submitted, NULL, 0}};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		int64_t unit = db_column_int64(q, 0);
		if (!office && !rw_is_clerk(r, unit))
			continue;
		if (!n++) {
			html(r, "<section class=\"card\" id=\"self-units\">");
			list_begin(r, cols, 3, -1, 0);
		}
		int64_t at = db_column_int64(q, 4);
		html(r,
		     "<tr data-unit=\"%D\"><td class=\"card-title\" data-label=\"%T\"><a "
		     "href=\"/assessment/rounds/%D/self?unit=%D\">%s</a></td><td class=\"num\" data-label=\"%T\">%D</td><td "
		     "data-label=\"%T\">%H</td></tr>",
		     unit, M_rw_unit, rd->id, unit, db_column_text(q, 1), M_rw_written, db_column_int64(q, 3),
		     M_rw_submitted,
		     at ? html_fmt(r, "<span class=\"badge badge-ok\">%T</span> <span class=\"hint\">%s</span>", M_rw_submitted,
				   rw_time(r, at))
			: html_fmt(r, "<span class=\"badge\">%T</span>", M_rw_not_submitted));
	}
	if (n) {
		list_end(r);
		if (office)
			list_pager(r,
				   db_one_int64(req_db(r), 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?",
						"i", rd->id),
				   page, RW_PER_PAGE);
		html(r, "</section>");
	} else {
		empty_state(r, M_rw_no_units, M_NONE, NULL, M_NONE);
	}
	page_end(r);
	return 0;
}

/* What the user typed into one leaf's form, shown again with its error. */
struct self_form {
	int64_t leaf;
	const char *text, *links;
	enum msg_id err;
	const char *err_detail; /* a date after the message, or NULL */
};

static int unit_render(struct req *r, const struct assess_round *rd, int64_t unit, const struct self_form *f)
{
	const char *uname, *kind;
	if (rw_round_unit(r, rd->id, unit, &uname, &kind))
		return req_fail(r, 404, M_rw_not_in_round);
	int office = assess_is_office(r), clerk = rw_is_clerk(r, unit);
	if (!office && !clerk)
		return req_fail(r, 403, M_NONE);
	struct rw_leaf *v;
	int n = rw_leaves_load(r, rd, unit, kind, 0, &v);
	if (n < 0)
		return req_fail(r, 503, M_err_db_down);
	const char *due;
	enum msg_id locked = self_locked(r, rd, unit, &due);
	int editable = clerk && locked == M_NONE;
	int64_t at = rw_submitted_at(r, rd->id, unit);
	const char *title = arena_printf(r->a, "%s · %s", T(r, M_rw_self), uname);
	struct crumb c[] = {{arena_printf(r->a, "/assessment/rounds/%lld", (long long)rd->id), round_title(r, rd)},
			    {arena_printf(r->a, "/assessment/rounds/%lld/self", (long long)rd->id), T(r, M_rw_self_of)},
			    {NULL, uname}};
	page_begin(r, title, c, 3);
	page_heading(r, title, NULL);
	if (f && f->err != M_NONE && !f->leaf)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"self-error\">%T%s</div>", f->err,
		     f->err_detail ? f->err_detail : "");
	html(r,
	     "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd><dt>%T</dt>"
	     "<dd id=\"self-state\">%H</dd></dl>%H</section>",
	     M_rw_round, rd->name, M_rw_self_due, rd->self_due && *rd->self_due ? rd->self_due : "—", M_rw_submitted,
	     at ? html_fmt(r, "<span class=\"badge badge-ok\">%T</span> %s", M_rw_submitted, rw_time(r, at))
		: html_fmt(r, "<span class=\"badge\">%T</span>", M_rw_not_submitted),
	     clerk && locked != M_NONE && locked != M_rw_already_submitted
		     ? html_fmt(r, "<p class=\"hint\" id=\"self-locked\">%T%s</p>", locked, due ? due : "")
		     : NULL);
	for (int i = 0; i < n; i++) {
		const struct rw_leaf *l = &v[i];
		int mine = f && f->leaf == l->id;
		html(r,
		     "<section class=\"card rw-leaf\" id=\"leaf-%D\" data-indicator=\"%D\"><h2>%s%s%s <span "
		     "class=\"assess-points\">%s %T</span></h2>",
		     l->id, l->id, l->parent_name, *l->parent_name ? " · " : "", l->name, assess_num(r, l->max),
		     M_assess_points);
		if (*l->standard)
			html(r, "<p class=\"hint\"><strong>%T</strong> %s</p>", M_rw_standard, l->standard);
		if (mine && f->err != M_NONE)
			html(r, "<div class=\"flash flash-error\" role=\"alert\">%T%s</div>", f->err,
			     f->err_detail ? f->err_detail : "");
		if (!editable) {
			html(r, "<p class=\"rw-text\">%s</p>", *l->text ? l->text : "—");
			rw_links_render(r, l->links);
			rw_files_render(r, rd->id, unit, l->self_id, 0);
			html(r, "</section>");
			continue;
		}
		const char *text = mine ? f->text : l->text, *links = mine ? f->links : l->links;
		int terr = mine && (f->err == M_rw_self_too_long || f->err == M_rw_self_bad_text);
		int lerr = mine && f->err == M_rw_bad_links;
		html(r,
		     "<form method=\"post\" action=\"/assessment/rounds/%D/self\" enctype=\"multipart/form-data\" "
		     "novalidate>%H<input type=\"hidden\" name=\"unit\" value=\"%D\"><input type=\"hidden\" "
		     "name=\"indicator\" value=\"%D\">"
		     "<div class=\"field%H\"><label for=\"t-%D\">%T</label><textarea id=\"t-%D\" name=\"text\" rows=\"4\" "
		     "maxlength=\"500\" aria-describedby=\"t-%D-hint\"%H>%s</textarea><p class=\"hint\" "
		     "id=\"t-%D-hint\">%T</p></div>"
		     "<div class=\"field%H\"><label for=\"l-%D\">%T</label><textarea id=\"l-%D\" name=\"links\" rows=\"2\" "
		     "class=\"mono\" spellcheck=\"false\" aria-describedby=\"l-%D-hint\">%s</textarea><p class=\"hint\" "
		     "id=\"l-%D-hint\">%T</p></div>"
		     "<div class=\"field\"><label for=\"e-%D\">%T</label>",
		     rd->id, csrf_input(r), unit, l->id, terr ? MARKUP(" has-error") : NULL, l->id, M_rw_self_text, l->id,
		     l->id, terr ? MARKUP(" aria-invalid=\"true\"") : NULL, text, l->id, M_rw_self_text_hint,
		     lerr ? MARKUP(" has-error") : NULL, l->id, M_rw_links, l->id, l->id, links, l->id, M_rw_links_hint,
		     l->id, M_rw_evidence);
		rw_files_render(r, rd->id, unit, l->self_id, 1);
		html(r,
		     "<input type=\"file\" id=\"e-%D\" name=\"evidence\" multiple "
		     "accept=\"image/jpeg,image/png,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx\" "
		     "aria-describedby=\"e-%D-hint\"><p class=\"hint\" id=\"e-%D-hint\">%T</p></div>"
		     "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button></div></form></section>",
		     l->id, l->id, l->id, M_rw_evidence_hint, M_rw_save);
	}
	if (editable && n)
		html(r,
		     "<section class=\"card\" id=\"self-submit\"><form method=\"post\" "
		     "action=\"/assessment/rounds/%D/self/submit\">%H<input type=\"hidden\" name=\"unit\" value=\"%D\"><p "
		     "class=\"hint\">%T</p><button class=\"btn btn-primary\">%T</button></form></section>",
		     rd->id, csrf_input(r), unit, M_rw_submit_hint, M_rw_submit);
	page_end(r);
	return 0;
}

static int self_page(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	const char *u = req_query(r, "unit");
	if (!u || !*u)
		return overview_page(r, &rd);
	return unit_render(r, &rd, strtoll(u, NULL, 10), NULL);
}

/* Parses the links, one a line: 0 with *out the normalized text (arena),
 * or -1. */
static int links_parse(struct req *r, const char *in, const char **out)
{
	struct buf b;
	buf_init(&b, r->a);
	int n = 0;
	const char *p = in ? in : "";
	while (*p) {
		const char *e = p + strcspn(p, "\r\n");
		const char *s = p;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		const char *t = e;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if (t > s) {
			const char *one = arena_printf(r->a, "%.*s", (int)(t - s), s);
			if (++n > RW_LINKS_MAX || t - s > 300 || one[0] != '/' || !req_path_local(one) ||
			    !utf8_valid(one, strlen(one)) || strpbrk(one, " \"<>\\"))
				return -1;
			if (b.len)
				buf_append(&b, "\n", 1);
			buf_append(&b, one, strlen(one));
		}
		p = e;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	*out = b.len ? b.p : "";
	return 0;
}

static int self_post(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	int64_t unit = rw_unit_of_form(r);
	const char *uname, *kind;
	if (rw_round_unit(r, rd.id, unit, &uname, &kind))
		return req_fail(r, 404, M_rw_not_in_round);
	if (!rw_is_clerk(r, unit))
		return req_fail(r, 403, M_NONE);
	const char *ls = req_form(r, "indicator");
	struct self_form f = {.leaf = ls ? strtoll(ls, NULL, 10) : 0, .err = M_NONE};
	f.text = req_form(r, "text");
	f.links = req_form(r, "links");
	f.text = f.text ? f.text : "";
	f.links = f.links ? f.links : "";
	f.err = self_locked(r, &rd, unit, &f.err_detail);
	if (f.err != M_NONE) {
		f.leaf = 0;
		r->status = 409;
		return unit_render(r, &rd, unit, &f);
	}
	struct rw_leaf *v;
	int n = rw_leaves_load(r, &rd, unit, kind, 0, &v), k = -1;
	for (int i = 0; i < n; i++)
		if (v[i].id == f.leaf)
			k = i;
	if (k < 0) {
		f.leaf = 0;
		f.err = M_rw_no_leaf;
		r->status = 422;
		return unit_render(r, &rd, unit, &f);
	}
	long chars = rw_chars(f.text);
	const char *links = "";
	f.err = chars < 0			 ? M_rw_self_bad_text
		: chars > RW_TEXT_MAX		 ? M_rw_self_too_long
		: links_parse(r, f.links, &links) ? M_rw_bad_links
						 : M_NONE;
	/* the uploads, each checked by content before anything is stored */
	long max = r->app && r->app->cfg->max_upload ? r->app->cfg->max_upload : 10L << 20;
	const struct kv **parts = arena_alloc(r->a, (r->form.n + 1) * sizeof *parts);
	struct file_kind *kinds = arena_alloc(r->a, (r->form.n + 1) * sizeof *kinds);
	int nup = 0, status = 422;
	int64_t have = v[k].self_id ? db_one_int64(req_db(r), 0,
						   "SELECT COUNT(*) FROM files WHERE record_type = ? AND record_id = ?", "si",
						   RW_SELF_TYPE, v[k].self_id)
				    : 0;
	for (size_t i = 0; f.err == M_NONE && i < r->form.n; i++) {
		const struct kv *p = &r->form.v[i];
		if (strcmp(p->name, "evidence") || !files_part_is_upload(p))
			continue;
		enum msg_id why = M_NONE;
		int st = files_check(r->a, p, max, &kinds[nup], &why);
		if (st || have + nup >= FILES_MAX_PER_FIELD) {
			f.err = st ? why : M_rw_file_bad;
			status = st ? (st == 400 ? 422 : st) : 422;
			break;
		}
		parts[nup++] = p;
	}
	if (f.err != M_NONE) {
		r->status = status;
		return unit_render(r, &rd, unit, &f);
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t id = v[k].self_id;
	int64_t now = (int64_t)time(NULL);
	if (!rc && id)
		rc = db_run(db, "UPDATE assess_self SET text = ?, links = ?, updated_by = ?, updated_at = ? WHERE id = ?",
			    "ssiii", f.text, links, r->user->id, now, id);
	else if (!rc) {
		id = db_insert(db,
			       "INSERT INTO assess_self (round_id, unit_id, indicator_id, text, links, updated_by, updated_at) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       "iiissii", rd.id, unit, f.leaf, f.text, links, r->user->id, now);
		rc = id < 0 ? (int)id : 0;
	}
	json_t *added = json_array(), *removed = json_array();
	for (int i = 0; !rc && i < nup; i++) {
		int64_t fid = files_store(r, parts[i], &kinds[i], RW_SELF_TYPE, id, NULL, 0);
		if (fid < 0)
			rc = (int)fid;
		else
			json_array_append_new(added, json_integer(fid));
	}
	for (size_t i = 0; !rc && i < r->form.n; i++) {
		const struct kv *p = &r->form.v[i];
		if (strcmp(p->name, "remove"))
			continue;
		int64_t fid = strtoll(p->value, NULL, 10);
		if (db_one_int64(db, 0, "SELECT COUNT(*) FROM files WHERE id = ? AND record_type = ? AND record_id = ?",
				 "isi", fid, RW_SELF_TYPE, id) != 1)
			continue;
		rc = db_run(db, "DELETE FROM files WHERE id = ?", "i", fid);
		if (!rc)
			json_array_append_new(removed, json_integer(fid));
	}
	if (!rc) {
		json_t *before = v[k].self_id ? json_pack("{s:s, s:s}", "text", v[k].text, "links", v[k].links) : NULL;
		json_t *after = json_pack("{s:I, s:I, s:I, s:s, s:s, s:O, s:O}", "round_id", (json_int_t)rd.id, "unit_id",
					  (json_int_t)unit, "indicator_id", (json_int_t)f.leaf, "text", f.text, "links",
					  links, "files_added", added, "files_removed", removed);
		rc = audit_log(r, "assessment_self_save", "assess_self", id, before, after);
		json_decref(before);
		json_decref(after);
	}
	json_decref(added);
	json_decref(removed);
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_rw_saved);
	return req_redirect(r, arena_printf(r->a, "/assessment/rounds/%lld/self?unit=%lld#leaf-%lld", (long long)rd.id,
					    (long long)unit, (long long)f.leaf));
}

static int submit_post(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	int64_t unit = rw_unit_of_form(r);
	if (rw_round_unit(r, rd.id, unit, NULL, NULL))
		return req_fail(r, 404, M_rw_not_in_round);
	if (!rw_is_clerk(r, unit))
		return req_fail(r, 403, M_NONE);
	struct self_form f = {.err = M_NONE};
	f.err = self_locked(r, &rd, unit, &f.err_detail);
	if (f.err != M_NONE) {
		r->status = 409;
		return unit_render(r, &rd, unit, &f);
	}
	struct db *db = req_db(r);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db,
			    "INSERT INTO assess_self_units (round_id, unit_id, submitted_by, submitted_at) VALUES (?, ?, ?, ?)",
			    "iiii", rd.id, unit, r->user->id, (int64_t)time(NULL));
	if (!rc) {
		json_t *what = json_pack("{s:I, s:I}", "round_id", (json_int_t)rd.id, "unit_id", (json_int_t)unit);
		rc = audit_log(r, "assessment_self_submit", "assess_rounds", rd.id, NULL, what);
		json_decref(what);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_rw_submitted_ok);
	return req_redirect(r,
			    arena_printf(r->a, "/assessment/rounds/%lld/self?unit=%lld", (long long)rd.id, (long long)unit));
}

/* GET /assessment/rounds/R/units/U/files/F: one evidence file, to the
 * office and the unit's clerks; sent as the engine sends files (nosniff,
 * a sandboxing CSP, a download). */
static int file_get(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	int64_t unit = req_param_int(r, "unit"), fid = req_param_int(r, "file");
	if (!assess_is_office(r) && !rw_is_clerk(r, unit))
		return req_fail(r, 404, M_NONE);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT f.name, f.mime, f.data FROM files f JOIN assess_self a ON a.id = f.record_id "
				     "WHERE f.id = ? AND f.record_type = ? AND a.round_id = ? AND a.unit_id = ?",
				     "isii", fid, RW_SELF_TYPE, rd.id, unit);
	if (!q || db_step(q) != DB_ROW)
		return req_fail(r, 404, M_NONE);
	const char *name = arena_strdup(r->a, db_column_text(q, 0));
	r->content_type = arena_strdup(r->a, db_column_text(q, 1));
	size_t n = 0;
	const void *data = db_column_blob(q, 2, &n);
	if (!data)
		return req_fail(r, 404, M_NONE);
	r->body_ref = data;
	r->body_ref_len = n;
	r->csp = "sandbox; default-src 'none'";
	const char *dot = strrchr(name, '.');
	export_attachment(r, arena_printf(r->a, "evidence-%lld%s", (long long)fid, dot ? dot : ""), name);
	return 0;
}

const struct route assess_self_routes[] = {
	{"GET", "/assessment/rounds/{id:int}/self", self_page, P_SIGNED_IN, 0, "assessment self"},
	{"POST", "/assessment/rounds/{id:int}/self", self_post, P_SIGNED_IN, 1, "assessment self"},
	{"POST", "/assessment/rounds/{id:int}/self/submit", submit_post, P_SIGNED_IN, 1, "assessment self"},
	{"GET", "/assessment/rounds/{id:int}/units/{unit:int}/files/{file:int}", file_get, P_SIGNED_IN, 0,
	 "assessment evidence"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
