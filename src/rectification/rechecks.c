/* rechecks.c — fairness: random re-checks of closed rectification items.
 * The office draws a sample of the items closed in a month (a number or a
 * percentage of them) with a seed; the draw is recorded with the seed, the
 * pool of candidates (their ids in order) and the ids chosen, so that
 * anyone can run it again and get the same sample (the page re-runs each
 * one and says so). A drawn item is flagged (recheck = 'drawn') and offers
 * the office two steps of its workflow: recheck_pass and recheck_fail
 * (which reopens it with a new deadline). The random numbers are our own
 * splitmix64 over the ids in order, never rand(). */
#include "../core/rng.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../records/workflow.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "rect.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL_MAX 5000

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int rect_sample(uint64_t seed, const int64_t *ids, int n, int k, int64_t *out)
{
	if (n <= 0 || k <= 0)
		return 0;
	if (k > n)
		k = n;
	int64_t *v = malloc((size_t)n * sizeof *v);
	if (!v)
		return 0;
	memcpy(v, ids, (size_t)n * sizeof *v);
	uint64_t s = seed;
	for (int i = 0; i < k; i++) {
		int j = i + (int)(splitmix64(&s) % (uint64_t)(n - i));
		int64_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	memcpy(out, v, (size_t)k * sizeof *out);
	free(v);
	qsort(out, (size_t)k, sizeof *out, cmp_id);
	return k;
}

/* "12,15,31" as ids (at most max): their number. */
static int ids_parse(const char *s, int64_t *v, int max)
{
	int n = 0;
	while (s && *s && n < max) {
		char *end;
		v[n++] = strtoll(s, &end, 10);
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			break;
	}
	return n;
}

static const char *ids_text(struct req *r, const int64_t *v, int n)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_puts(&b, "");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)v[i]);
	return b.p;
}

static int parse_seed(const char *s, uint64_t *seed)
{
	if (!s || !*s || strlen(s) > 20 || strspn(s, "0123456789") != strlen(s))
		return -1;
	char *end;
	*seed = strtoull(s, &end, 10);
	return *end ? -1 : 0;
}

/* "2026-11" as the first day of that month and of the next. */
static int parse_month(const char *s, int64_t *from, int64_t *to)
{
	int y, m;
	char extra;
	if (!s || strlen(s) != 7 || sscanf(s, "%4d-%2d%c", &y, &m, &extra) != 2 || m < 1 || m > 12 || y < 2000 ||
	    y > 2100)
		return -1;
	*from = cal_days_from_civil(y, m, 1);
	*to = m == 12 ? cal_days_from_civil(y + 1, 1, 1) : cal_days_from_civil(y, m + 1, 1);
	return 0;
}

/* Does the draw's record give its chosen ids again? */
static int reproduced(const char *seed, const char *pool, const char *chosen)
{
	uint64_t s;
	if (parse_seed(seed, &s))
		return 0;
	int64_t *p = malloc(3 * POOL_MAX * sizeof *p), *c = p + POOL_MAX, *again = c + POOL_MAX;
	if (!p)
		return 0;
	int np = ids_parse(pool, p, POOL_MAX), nc = ids_parse(chosen, c, POOL_MAX);
	int k = rect_sample(s, p, np, nc, again);
	int same = k == nc && !memcmp(c, again, (size_t)k * sizeof *c);
	free(p);
	return same;
}

static int may_draw(struct req *r)
{
	return record_type_may(r, &rect_type, ACC_WRITE);
}

static void draws_list(struct req *r)
{
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT d.id, d.month, d.seed, d.size_kind, d.size_value, d.pool_size, d.chosen, "
			 "d.drawn_at, COALESCE(u.display_name, ''), d.pool FROM rect_recheck_draws d LEFT JOIN "
			 "users u ON u.id = d.drawn_by ORDER BY d.id DESC LIMIT 100",
			 NULL);
	static const struct list_col cols[] = {{M_rect_rc_month, NULL, 0},     {M_rect_rc_seed, NULL, 0},
					       {M_rect_rc_size, NULL, 0},      {M_rect_rc_pool, NULL, 1},
					       {M_rect_rc_chosen, NULL, 0},    {M_rect_rc_by, NULL, 0},
					       {M_rect_rc_reproduced, NULL, 0}};
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\"><h2>%T</h2>", M_rect_rc_draws);
			list_begin(r, cols, 7, -1, 0);
		}
		char when[64];
		const char *chosen = db_column_text(q, 6);
		html(r,
		     "<tr><td class=\"card-title\" data-label=\"%T\">%s</td><td class=\"mono\" "
		     "data-label=\"%T\">%s</td>"
		     "<td data-label=\"%T\">%D%s</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"wrap\" "
		     "data-label=\"%T\">",
		     M_rect_rc_month, db_column_text(q, 1), M_rect_rc_seed, db_column_text(q, 2), M_rect_rc_size,
		     db_column_int64(q, 4), !strcmp(db_column_text(q, 3), "pct") ? " %" : "", M_rect_rc_pool,
		     db_column_int64(q, 5), M_rect_rc_chosen);
		int64_t ids[64];
		int k = ids_parse(chosen, ids, 64);
		for (int i = 0; i < k; i++) {
			const char *num = db_one_text(req_db(r), r->a, "SELECT number FROM rectifications WHERE id = ?",
						      "i", ids[i]);
			html(r, "%H<a href=\"/r/rectifications/%D\">%s</a>", i ? MARKUP(", ") : NULL, ids[i],
			     num ? num : "?");
		}
		const char *who = db_column_text(q, 8);
		html(r, "</td><td data-label=\"%T\">%s%s%s</td><td data-label=\"%T\">%H</td></tr>", M_rect_rc_by, who,
		     *who ? " · " : "", fmt_time(r->lang, db_column_int64(q, 7), 1, when, sizeof when),
		     M_rect_rc_reproduced,
		     reproduced(db_column_text(q, 2), db_column_text(q, 9), chosen)
			     ? html_fmt(r, "<span class=\"badge badge-ok\">✓ %T</span>", M_rect_rc_same)
			     : html_fmt(r, "<span class=\"badge badge-warn\">%T</span>", M_rect_rc_differs));
	}
	if (n) {
		list_end(r);
		html(r, "</section>");
	} else {
		empty_state(r, M_rect_rc_none, M_rect_rc_none_hint, NULL, M_NONE);
	}
}

static int draw_form(struct req *r, const char *month, const char *size, const char *kind, const char *seed,
		     enum msg_id err)
{
	struct crumb c[] = {{"/r/rectifications", T(r, M_rect_items)}, {NULL, T(r, M_rect_rechecks)}};
	page_begin(r, T(r, M_rect_rechecks), c, 2);
	page_heading(r, T(r, M_rect_rechecks), NULL);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	html(r,
	     "<section class=\"card\"><p class=\"hint\">%T</p><form class=\"filters\" method=\"post\" "
	     "action=\"/rectification/rechecks\">%H<div class=\"field\"><label for=\"f-month\">%T</label><input "
	     "id=\"f-month\" name=\"month\" type=\"month\" value=\"%a\" required></div><div class=\"field\"><label "
	     "for=\"f-size\">%T</label><input id=\"f-size\" name=\"size\" type=\"number\" min=\"1\" max=\"1000\" "
	     "value=\"%a\" required></div><div class=\"field\"><label for=\"f-kind\">%T</label><select id=\"f-kind\" "
	     "name=\"kind\"><option value=\"n\"%H>%T</option><option value=\"pct\"%H>%T</option></select></div>"
	     "<div class=\"field\"><label for=\"f-seed\">%T</label><input id=\"f-seed\" name=\"seed\" "
	     "inputmode=\"numeric\" value=\"%a\" required></div><div class=\"filter-actions\"><button class=\"btn "
	     "btn-primary\">%T</button></div></form></section>",
	     M_rect_rc_explain, csrf_input(r), M_rect_rc_month, month, M_rect_rc_size, size, M_rect_rc_kind,
	     strcmp(kind, "pct") ? MARKUP(" selected") : NULL, M_rect_rc_kind_n,
	     strcmp(kind, "pct") ? NULL : MARKUP(" selected"), M_rect_rc_kind_pct, M_rect_rc_seed, seed,
	     M_rect_rc_draw);
	draws_list(r);
	page_end(r);
	return 0;
}

static int rechecks_page(struct req *r)
{
	if (!may_draw(r))
		return req_fail(r, 403, M_NONE);
	int y, m, d;
	cal_civil_from_days(cal_local_day(time(NULL)), &y, &m, &d);
	if (--m == 0)
		m = 12, y--;
	uint32_t s = randombytes_random();
	return draw_form(r, arena_printf(r->a, "%04d-%02d", y, m), "10", "pct", arena_printf(r->a, "%u", (unsigned)s),
			 M_NONE);
}

static int rechecks_post(struct req *r)
{
	if (!may_draw(r))
		return req_fail(r, 403, M_NONE);
	const char *month = req_form(r, "month"), *size = req_form(r, "size"), *kind = req_form(r, "kind"),
		   *seed = req_form(r, "seed");
	month = month ? month : "";
	size = size ? size : "";
	kind = kind && !strcmp(kind, "pct") ? "pct" : "n";
	seed = seed ? seed : "";
	int64_t from, to;
	uint64_t sv;
	char *end = NULL;
	long sz = strtol(size, &end, 10);
	enum msg_id err = parse_month(month, &from, &to)            ? M_rect_rc_bad_month
			  : (!*size || *end || sz < 1 || sz > 1000) ? M_rect_rc_bad_size
			  : (!strcmp(kind, "pct") && sz > 100)      ? M_rect_rc_bad_size
			  : parse_seed(seed, &sv)                   ? M_rect_rc_bad_seed
								    : M_NONE;
	if (err != M_NONE) {
		r->status = 422;
		return draw_form(r, month, size, kind, seed, err);
	}
	/* the pool: the items closed in the month that the user may change,
	 * in id order */
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &rect_type, "t", &b);
	struct db_stmt *q =
		db_prepare(req_db(r), r->a,
			   arena_printf(r->a,
					"SELECT t.id FROM rectifications t WHERE t.archived = 0 AND t.state = "
					"'closed' AND t.closed_at >= ? AND t.closed_at < ?%s ORDER BY t.id "
					"LIMIT %d",
					scope, POOL_MAX));
	if (!q)
		return req_fail(r, 503, M_err_db_down);
	db_bind_int64(q, 1, cal_local_time(from, 0, 0, 0));
	db_bind_int64(q, 2, cal_local_time(to, 0, 0, 0));
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(q, (int)i + 3, strtoll(b.v[i].value, NULL, 10));
	int64_t *pool = arena_alloc(r->a, POOL_MAX * sizeof *pool);
	int np = 0;
	while (db_step(q) == DB_ROW && np < POOL_MAX)
		pool[np++] = db_column_int64(q, 0);
	if (!np) {
		r->status = 422;
		return draw_form(r, month, size, kind, seed, M_rect_rc_empty_pool);
	}
	int k = !strcmp(kind, "pct") ? (int)((np * sz + 99) / 100) : (int)sz;
	int64_t *chosen = arena_alloc(r->a, (size_t)np * sizeof *chosen);
	k = rect_sample(sv, pool, np, k, chosen);
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t draw = 0;
	if (!rc) {
		draw = db_insert(db,
				 "INSERT INTO rect_recheck_draws (month, seed, size_kind, size_value, pool, pool_size, "
				 "chosen, drawn_by, drawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				 "sssisisii", month, seed, kind, (int64_t)sz, ids_text(r, pool, np), (int64_t)np,
				 ids_text(r, chosen, k), r->user ? r->user->id : (int64_t)0, (int64_t)time(NULL));
		rc = draw < 0 ? (int)draw : 0;
	}
	for (int i = 0; !rc && i < k; i++) {
		struct record *rec = record_load(r, &rect_type, chosen[i]);
		if (!rec)
			continue;
		struct record *before = record_copy(r, rec);
		rec->vals[RECT_RECHECK] = "drawn";
		rec->vals[RECT_RECHECK_DRAW] = arena_printf(r->a, "%lld", (long long)draw);
		rc = record_save_as(r, rec, before, "recheck.draw");
	}
	if (!rc) {
		json_t *what = json_pack("{s:s, s:s, s:i, s:i}", "month", month, "seed", seed, "pool", np, "chosen", k);
		rc = audit_log(r, "recheck_draw", "rect_recheck_draws", draw, NULL, what);
		json_decref(what);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_rect_rc_done);
	return req_redirect(r, "/rectification/rechecks");
}

/* The draws as JSON, each with its seed, pool, chosen ids and whether the
 * record gives the same sample again. */
static int rechecks_json(struct req *r)
{
	if (!may_draw(r))
		return req_fail(r, 403, M_NONE);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, month, seed, size_kind, size_value, pool, chosen, drawn_at FROM "
				     "rect_recheck_draws ORDER BY id DESC LIMIT 100",
				     NULL);
	json_t *a = json_array();
	while (q && db_step(q) == DB_ROW) {
		json_t *pool = json_array(), *chosen = json_array();
		int64_t *v = arena_alloc(r->a, POOL_MAX * sizeof *v);
		int n = ids_parse(db_column_text(q, 5), v, POOL_MAX);
		for (int i = 0; i < n; i++)
			json_array_append_new(pool, json_integer(v[i]));
		n = ids_parse(db_column_text(q, 6), v, POOL_MAX);
		for (int i = 0; i < n; i++)
			json_array_append_new(chosen, json_integer(v[i]));
		json_array_append_new(
			a, json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:o, s:I, s:b}", "id",
				     (json_int_t)db_column_int64(q, 0), "month", db_column_text(q, 1), "seed",
				     db_column_text(q, 2), "size_kind", db_column_text(q, 3), "size",
				     (json_int_t)db_column_int64(q, 4), "pool", pool, "chosen", chosen, "drawn_at",
				     (json_int_t)db_column_int64(q, 7), "reproduced",
				     reproduced(db_column_text(q, 2), db_column_text(q, 5), db_column_text(q, 6))));
	}
	req_json_begin(r, 200);
	json_t *o = json_pack("{s:o}", "data", a);
	char *s = json_dumps(o, JSON_COMPACT);
	buf_puts(&r->out, s);
	free(s);
	json_decref(o);
	return 0;
}

const struct route rect_recheck_routes[] = {
	{"GET", "/rectification/rechecks", rechecks_page, P_SIGNED_IN, 0, "rectification rechecks"},
	{"POST", "/rectification/rechecks", rechecks_post, P_SIGNED_IN, 1, "rectification rechecks"},
	{"GET", "/rectification/rechecks.json", rechecks_json, P_SIGNED_IN, 0, "rectification rechecks"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
