/* pages.c — the office's appraisal pages: the campaign's response rates
 * and tools (detail sections), the stratified draw from a pool and its
 * record, the issue of ballot tokens with their printable sheet (link and
 * QR code per token, shown once), paper opinion forms entered by a clerk,
 * and copying a questionnaire. */
#include "../core/cal.h"
#include "../core/onetime.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../http/write.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/qr.h"
#include "../web/widgets.h"
#include "appraisal.h"
#include "results.h"
#include "sample.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKENS_MAX 500 /* tokens one issue makes */
#define STRATA_MAX 64

/* ---- detail sections ---- */

void appraisal_campaign_extra(struct req *r, const struct record *rec)
{
	html(r, "<section class=\"card\"><h2>%T</h2>", M_appr_response_rates);
	static const struct list_col cols[] = {{M_appr_pool, NULL, 0},
					       {M_appr_pool_kind, NULL, 0},
					       {M_appr_issued, NULL, 1},
					       {M_appr_used, NULL, 1},
					       {M_appr_rate, NULL, 1}};
	struct db_stmt *s = db_query(req_db(r), r->a,
				     "SELECT p.id, p.name, p.kind, (SELECT count(*) FROM appraisal_tokens t WHERE "
				     "t.campaign_id = p.campaign_id AND t.pool_id = p.id), (SELECT count(*) FROM "
				     "appraisal_tokens t WHERE t.campaign_id = p.campaign_id AND t.pool_id = p.id AND "
				     "t.used = 1) FROM appraisal_pools p WHERE p.campaign_id = ? AND p.archived = 0 "
				     "ORDER BY p.id",
				     "i", rec->id);
	list_begin(r, cols, 5, -1, 0);
	int64_t ti = 0, tu = 0;
	struct record *p = record_new(r, &appraisal_pools_type);
	while (s && db_step(s) == DB_ROW) {
		int64_t issued = db_column_int64(s, 3), used = db_column_int64(s, 4);
		ti += issued, tu += used;
		p->vals[POOL_KIND] = arena_strdup(r->a, db_column_text(s, 2));
		html(r,
		     "<tr><td data-label=\"%T\"><a href=\"/r/appraisal_pools/%D\">%s</a></td><td "
		     "data-label=\"%T\">%s</td>"
		     "<td class=\"num\" data-label=\"%T\">%N</td><td class=\"num\" data-label=\"%T\">%N</td>"
		     "<td class=\"num\" data-label=\"%T\" data-rate=\"%D\">%s</td></tr>",
		     M_appr_pool, db_column_int64(s, 0), db_column_text(s, 1), M_appr_pool_kind,
		     record_display(r, p, POOL_KIND, 0), M_appr_issued, issued, M_appr_used, used, M_appr_rate,
		     db_column_int64(s, 0),
		     issued ? arena_printf(r->a, "%.1f%%", 100.0 * (double)used / (double)issued) : "—");
	}
	html(r,
	     "<tr class=\"total\"><td data-label=\"%T\"><strong>%T</strong></td><td></td><td class=\"num\" "
	     "data-label=\"%T\">%N</td><td class=\"num\" data-label=\"%T\">%N</td><td class=\"num\" "
	     "data-label=\"%T\" id=\"rate-total\">%s</td></tr>",
	     M_appr_pool, M_appr_total, M_appr_issued, ti, M_appr_used, tu, M_appr_rate,
	     ti ? arena_printf(r->a, "%.1f%%", 100.0 * (double)tu / (double)ti) : "—");
	list_end(r);
	int64_t paper = db_one_int64(
		req_db(r), 0, "SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ? AND channel = 'paper'", "i",
		rec->id);
	html(r, "<p class=\"muted\">%T: %N</p><p class=\"actions\">", M_appr_paper_forms, paper);
	html(r, "<a class=\"btn\" href=\"/appraisal/campaigns/%D/results\">%T</a> ", rec->id, M_appr_results);
	if (appraisal_is_office(r))
		html(r,
		     "<a class=\"btn\" href=\"/appraisal/campaigns/%D/tokens\">%T</a> <a class=\"btn\" "
		     "href=\"/r/appraisal_pools?campaign_id=%D\">%T</a> ",
		     rec->id, M_appr_issue_tokens, rec->id, M_appr_pools);
	html(r, "<a class=\"btn\" href=\"/appraisal/campaigns/%D/paper\">%T</a></p></section>", rec->id,
	     M_appr_paper_entry);
}

void appraisal_pool_extra(struct req *r, const struct record *rec)
{
	html(r, "<section class=\"card\"><h2>%T</h2>", M_appr_strata);
	struct db_stmt *s =
		db_query(req_db(r), r->a,
			 "SELECT stratum, count(*) FROM appraisal_raters WHERE pool_id = ? AND archived = 0 "
			 "GROUP BY stratum ORDER BY stratum",
			 "i", rec->id);
	html(r, "<ul class=\"plain\">");
	while (s && db_step(s) == DB_ROW)
		html(r, "<li>%s: %N</li>", db_column_text(s, 0), db_column_int64(s, 1));
	html(r,
	     "</ul><p class=\"actions\"><a class=\"btn\" href=\"/r/appraisal_raters?pool_id=%D\">%T</a> <a "
	     "class=\"btn\" href=\"/r/appraisal_raters/import\">%T</a> <a class=\"btn btn-primary\" "
	     "href=\"/appraisal/pools/%D/draw\">%T</a></p>",
	     rec->id, M_appr_raters, M_appr_import_raters, rec->id, M_appr_draw);
	struct db_stmt *d =
		db_query(req_db(r), r->a,
			 "SELECT d.id, d.seed, d.drawn_at, COALESCE(u.display_name, '') FROM appraisal_draws d "
			 "LEFT JOIN users u ON u.id = d.drawn_by WHERE d.pool_id = ? ORDER BY d.id DESC LIMIT 20",
			 "i", rec->id);
	int n = 0;
	while (d && db_step(d) == DB_ROW) {
		if (!n++)
			html(r, "<h3>%T</h3><ul class=\"plain\">", M_appr_draws);
		char t[64];
		html(r, "<li><a href=\"/appraisal/draws/%D\">#%D</a> %T %s · %s · %s</li>", db_column_int64(d, 0),
		     db_column_int64(d, 0), M_appr_seed, db_column_text(d, 1),
		     fmt_time(r->lang, db_column_int64(d, 2), 1, t, sizeof t), db_column_text(d, 3));
	}
	html(r, "%H</section>", n ? MARKUP("</ul>") : NULL);
}

void appraisal_questionnaire_extra(struct req *r, const struct record *rec)
{
	html(r, "<section class=\"card\"><h2>%T</h2><ol class=\"questions\">", M_appr_questions);
	struct appraisal_q *q = arena_alloc(r->a, APPRAISAL_MAXQ * sizeof *q);
	int nq = appraisal_questions(r, rec->id, q);
	for (int i = 0; i < nq; i++)
		html(r, "<li>%s <span class=\"muted\">(%T, %d)</span></li>", q[i].text[r->lang],
		     appraisal_dimensions[q[i].dim].label, q[i].levels);
	html(r,
	     "</ol><div class=\"actions\"><a class=\"btn\" href=\"/r/appraisal_questions?questionnaire_id=%D\">%T</a>",
	     rec->id, M_appr_questions);
	if (appraisal_is_office(r))
		html(r,
		     " <form class=\"inline\" method=\"post\" action=\"/appraisal/questionnaires/%D/copy\">%H<button "
		     "class=\"btn\">%T</button></form>",
		     rec->id, csrf_input(r), M_appr_copy);
	html(r, "</div></section>");
}

struct record *appraisal_campaign_of_route(struct req *r)
{
	struct record *c = record_load(r, &appraisal_campaigns_type, req_param_int(r, "id"));
	if (!c || c->archived) {
		req_fail(r, 404, M_NONE);
		return NULL;
	}
	return c;
}

void appraisal_appeal_extra(struct req *r, const struct record *rec)
{
	const char *id = rec->vals[APPEAL_CAMPAIGN_ID];
	char *title = id ? db_one_text(req_db(r), r->a, "SELECT title FROM appraisal_campaigns WHERE id = ?", "i",
				       strtoll(id, NULL, 10))
			 : NULL;
	if (!title)
		return;
	html(r, "<section class=\"card\"><p>%T: <a href=\"/appraisal/campaigns/%D/units/%D\">%s</a></p></section>",
	     M_appr_campaign, strtoll(id, NULL, 10), record_unit(rec), title);
}

/* ---- copying a questionnaire ---- */

static int copy_post(struct req *r)
{
	if (!appraisal_is_office(r))
		return req_fail(r, 403, M_NONE);
	struct record *src = record_load_checked(r, &appraisal_questionnaires_type, ACC_READ);
	if (!src)
		return 0;
	struct db *db = req_db(r);
	int64_t now = (int64_t)time(NULL);
	int rc = db_begin(db);
	int64_t id =
		rc ? rc
		   : db_insert(db,
			       "INSERT INTO appraisal_questionnaires (title, levels, description, created_at, "
			       "updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			       "sssii", arena_printf(r->a, "%s %s", src->vals[QNR_TITLE], T(r, M_appr_copy_suffix)),
			       src->vals[QNR_LEVELS], src->vals[QNR_DESCRIPTION], now, now);
	rc = id < 0 ? (int)id : 0;
	if (!rc)
		rc = db_run(db,
			    "INSERT INTO appraisal_questions (questionnaire_id, position, dimension, text_zh_hant, "
			    "text_zh_hans, text_en, levels, created_at, updated_at) SELECT ?, position, dimension, "
			    "text_zh_hant, text_zh_hans, text_en, levels, ?, ? FROM appraisal_questions WHERE "
			    "questionnaire_id = ? AND archived = 0 ORDER BY position, id",
			    "iiii", id, now, now, src->id);
	json_t *what = json_pack("{s:I}", "copied_from", (json_int_t)src->id);
	if (!rc)
		rc = audit_log(r, "create", "appraisal_questionnaires", id, NULL, what);
	json_decref(what);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	req_flash(r, "ok", M_appr_copied);
	return req_redirect(r, arena_printf(r->a, "/r/appraisal_questionnaires/%lld", (long long)id));
}

/* ---- the stratified draw ---- */

struct strata {
	int n;
	const char *name[STRATA_MAX];
	int64_t count[STRATA_MAX];
};

static int strata_of(struct req *r, int64_t pool, struct strata *st)
{
	st->n = 0;
	struct db_stmt *s =
		db_query(req_db(r), r->a,
			 "SELECT stratum, count(*) FROM appraisal_raters WHERE pool_id = ? AND archived = 0 "
			 "GROUP BY stratum ORDER BY stratum",
			 "i", pool);
	while (s && db_step(s) == DB_ROW && st->n < STRATA_MAX) {
		st->name[st->n] = arena_strdup(r->a, db_column_text(s, 0));
		st->count[st->n++] = db_column_int64(s, 1);
	}
	return st->n;
}

/* The members of a pool ordered by id, each with its stratum's index. */
static size_t members_of(struct req *r, int64_t pool, const struct strata *st, int64_t **ids, int **strat)
{
	size_t total = 0;
	for (int i = 0; i < st->n; i++)
		total += (size_t)st->count[i];
	*ids = arena_alloc(r->a, (total + 1) * sizeof **ids);
	*strat = arena_alloc(r->a, (total + 1) * sizeof **strat);
	struct db_stmt *s = db_query(
		req_db(r), r->a,
		"SELECT id, stratum FROM appraisal_raters WHERE pool_id = ? AND archived = 0 ORDER BY id", "i", pool);
	size_t n = 0;
	while (s && db_step(s) == DB_ROW && n < total) {
		const char *name = db_column_text(s, 1);
		int k = -1;
		for (int i = 0; i < st->n && name; i++)
			if (!strcmp(st->name[i], name))
				k = i;
		if (k < 0)
			continue;
		(*ids)[n] = db_column_int64(s, 0);
		(*strat)[n++] = k;
	}
	return n;
}

static void draw_form(struct req *r, const struct record *pool, const struct strata *st, const char *seed,
		      enum msg_id err)
{
	const char *back = arena_printf(r->a, "/r/appraisal_pools/%lld", (long long)pool->id);
	struct crumb c[] = {
		{"/r/appraisal_pools", T(r, M_appr_pools)}, {back, pool->vals[POOL_NAME]}, {NULL, T(r, M_appr_draw)}};
	page_begin(r, T(r, M_appr_draw), c, 3);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_appr_draw), pool->vals[POOL_NAME]), NULL);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	html(r, "<section class=\"card\"><p class=\"hint\">%T</p><form method=\"post\" action=\"%a\">%H",
	     M_appr_draw_hint, r->path, csrf_input(r));
	for (int i = 0; i < st->n; i++) {
		const char *name = arena_printf(r->a, "n_%d", i);
		const char *v = req_form(r, name);
		html(r,
		     "<div class=\"field\"><label for=\"f-%a\">%s <span class=\"muted\">(%N)</span></label><input "
		     "id=\"f-%a\" name=\"%a\" type=\"number\" min=\"0\" max=\"%D\" value=\"%a\"></div>",
		     name, st->name[i], st->count[i], name, name, st->count[i], v ? v : "0");
	}
	html(r,
	     "<div class=\"field\"><label for=\"f-seed\">%T</label><input id=\"f-seed\" name=\"seed\" value=\"%a\" "
	     "maxlength=\"40\"><p class=\"hint\">%T</p></div><div class=\"form-actions\"><button class=\"btn "
	     "btn-primary\">%T</button><a class=\"btn btn-plain\" href=\"%a\">%T</a></div></form></section>",
	     M_appr_seed, seed, M_appr_seed_hint, M_appr_draw, back, M_cancel);
	page_end(r);
}

static int draw_page(struct req *r)
{
	if (!appraisal_is_office(r))
		return req_fail(r, 403, M_NONE);
	struct record *pool = record_load_checked(r, &appraisal_pools_type, ACC_WRITE);
	if (!pool)
		return 0;
	struct strata st;
	strata_of(r, pool->id, &st);
	uint32_t seed = randombytes_random() % 1000000000u;
	draw_form(r, pool, &st, arena_printf(r->a, "%u", seed), M_NONE);
	return 0;
}

static int draw_post(struct req *r)
{
	if (!appraisal_is_office(r))
		return req_fail(r, 403, M_NONE);
	struct record *pool = record_load_checked(r, &appraisal_pools_type, ACC_WRITE);
	if (!pool)
		return 0;
	struct strata st;
	strata_of(r, pool->id, &st);
	const char *seed = req_form(r, "seed");
	int want[STRATA_MAX], any = 0;
	for (int i = 0; i < st.n; i++) {
		const char *v = req_form(r, arena_printf(r->a, "n_%d", i));
		char *end = NULL;
		long k = v && *v ? strtol(v, &end, 10) : 0;
		if ((end && *end) || k < 0 || k > 100000) {
			r->status = 422;
			draw_form(r, pool, &st, seed ? seed : "", M_appr_bad_size);
			return 0;
		}
		want[i] = (int)k;
		any |= k > 0;
	}
	if (!seed || !*seed || strlen(seed) > 40 || !any) {
		r->status = 422;
		draw_form(r, pool, &st, seed ? seed : "", !any ? M_appr_bad_size : M_appr_bad_seed);
		return 0;
	}
	int64_t *ids;
	int *strat;
	size_t n = members_of(r, pool->id, &st, &ids, &strat);
	int64_t *chosen = arena_alloc(r->a, (n + 1) * sizeof *chosen);
	size_t k = sample_draw(sample_seed(seed), ids, strat, n, want, st.n, chosen);
	struct buf ch, sizes;
	buf_init(&ch, r->a);
	buf_init(&sizes, r->a);
	for (size_t i = 0; i < k; i++)
		buf_printf(&ch, i ? ",%lld" : "%lld", (long long)chosen[i]);
	json_t *sz = json_object();
	for (int i = 0; i < st.n; i++)
		json_object_set_new(sz, st.name[i], json_integer(want[i]));
	char *szs = json_dumps(sz, JSON_COMPACT | JSON_SORT_KEYS);
	buf_puts(&sizes, szs ? szs : "{}");
	free(szs);
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t id =
		rc ? rc
		   : db_insert(db,
			       "INSERT INTO appraisal_draws (pool_id, seed, sizes, chosen, drawn_by, drawn_at) VALUES "
			       "(?, ?, ?, ?, ?, ?) RETURNING id",
			       "isssii", pool->id, seed, sizes.p, ch.p ? ch.p : "", r->user->id, (int64_t)time(NULL));
	rc = id < 0 ? (int)id : 0;
	json_t *what = json_pack("{s:I, s:s, s:o, s:I}", "pool_id", (json_int_t)pool->id, "seed", seed, "sizes", sz,
				 "chosen", (json_int_t)k);
	if (!rc)
		rc = audit_log(r, "appraisal.draw", "appraisal_draws", id, NULL, what);
	json_decref(what);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	return req_redirect(r, arena_printf(r->a, "/appraisal/draws/%lld", (long long)id));
}

static int draw_view(struct req *r)
{
	if (!appraisal_is_office(r))
		return req_fail(r, 403, M_NONE);
	int64_t id = req_param_int(r, "id");
	struct db_stmt *s =
		db_query(req_db(r), r->a,
			 "SELECT d.pool_id, d.seed, d.sizes, d.chosen, d.drawn_at, COALESCE(u.display_name, "
			 "''), p.campaign_id FROM appraisal_draws d LEFT JOIN users u ON u.id = d.drawn_by "
			 "JOIN appraisal_pools p ON p.id = d.pool_id WHERE d.id = ?",
			 "i", id);
	if (!s || db_step(s) != DB_ROW)
		return req_fail(r, 404, M_NONE);
	int64_t pool = db_column_int64(s, 0), campaign = db_column_int64(s, 6);
	const char *seed = arena_strdup(r->a, db_column_text(s, 1));
	const char *sizes = arena_strdup(r->a, db_column_text(s, 2));
	const char *chosen = arena_strdup(r->a, db_column_text(s, 3));
	int64_t at = db_column_int64(s, 4);
	const char *who = arena_strdup(r->a, db_column_text(s, 5));
	/* drawn again from the pool as it is now: the same when it has not changed */
	struct strata st;
	strata_of(r, pool, &st);
	json_t *sz = json_loads(sizes, 0, NULL);
	/* the sizes as people read them: "North 2 · South 3" */
	struct buf shown;
	buf_init(&shown, r->a);
	const char *key;
	json_t *val;
	json_object_foreach(sz, key, val)
		buf_printf(&shown, "%s%s %lld", shown.len ? " · " : "", key, (long long)json_integer_value(val));
	const char *pool_name =
		db_one_text(req_db(r), r->a, "SELECT name FROM appraisal_pools WHERE id = ?", "i", pool);
	int want[STRATA_MAX];
	for (int i = 0; i < st.n; i++) {
		json_t *v = sz ? json_object_get(sz, st.name[i]) : NULL;
		want[i] = json_is_integer(v) ? (int)json_integer_value(v) : 0;
	}
	json_decref(sz);
	int64_t *ids;
	int *strat;
	size_t n = members_of(r, pool, &st, &ids, &strat);
	int64_t *again = arena_alloc(r->a, (n + 1) * sizeof *again);
	size_t k = sample_draw(sample_seed(seed), ids, strat, n, want, st.n, again);
	struct buf b;
	buf_init(&b, r->a);
	for (size_t i = 0; i < k; i++)
		buf_printf(&b, i ? ",%lld" : "%lld", (long long)again[i]);
	int same = !strcmp(b.p ? b.p : "", chosen);
	const char *title = arena_printf(r->a, "%s #%lld", T(r, M_appr_draw), (long long)id);
	struct crumb c[] = {{"/r/appraisal_pools", T(r, M_appr_pools)},
			    {arena_printf(r->a, "/r/appraisal_pools/%lld", (long long)pool),
			     pool_name ? pool_name : T(r, M_appr_pool)},
			    {NULL, title}};
	page_begin(r, title, c, 3);
	page_heading(r, title,
		     html_fmt(r,
			      "<a class=\"btn btn-primary\" "
			      "href=\"/appraisal/campaigns/%D/tokens?pool=%D&amp;draw=%D\">%T</a>",
			      campaign, pool, id, M_appr_issue_tokens));
	char t[64];
	html(r,
	     "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd class=\"mono\" "
	     "id=\"draw-seed\">%s</dd><dt>%T</dt>"
	     "<dd>%s</dd><dt>%T</dt><dd>%s · %s</dd><dt>%T</dt><dd id=\"draw-check\">%T</dd></dl></section>",
	     M_appr_seed, seed, M_appr_sizes, shown.p ? shown.p : "", M_appr_drawn, who && *who ? who : "—",
	     fmt_time(r->lang, at, 1, t, sizeof t), M_appr_reproduced,
	     same ? M_appr_reproduced_yes : M_appr_reproduced_no);
	static const struct list_col cols[] = {{M_appr_rater_name, NULL, 0}, {M_appr_stratum, NULL, 0}};
	html(r, "<section class=\"card\">");
	list_begin(r, cols, 2, -1, 0);
	char *save = NULL, *list = arena_strdup(r->a, chosen);
	for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		struct db_stmt *q =
			db_query(req_db(r), r->a, "SELECT id, name, stratum FROM appraisal_raters WHERE id = ?", "i",
				 strtoll(p, NULL, 10));
		if (q && db_step(q) == DB_ROW)
			html(r,
			     "<tr class=\"chosen\" data-id=\"%D\"><td data-label=\"%T\">%s</td><td "
			     "data-label=\"%T\">%s</td></tr>",
			     db_column_int64(q, 0), M_appr_rater_name, db_column_text(q, 1), M_appr_stratum,
			     db_column_text(q, 2));
	}
	list_end(r);
	html(r, "</section>");
	page_end(r);
	return 0;
}

/* ---- ballot tokens ---- */

static void token_make(char out[20])
{
	onetime_make(out, 16, 4);
}

/* The site's address for links printed on paper. */
static const char *site_base(struct req *r)
{
	const char *b = r->app && r->app->cfg->base_url && r->app->cfg->base_url[0] ? r->app->cfg->base_url : NULL;
	if (b) {
		size_t n = strlen(b);
		return n && b[n - 1] == '/' ? arena_strndup(r->a, b, n - 1) : b;
	}
	const char *host = req_header(r, "Host");
	return arena_printf(r->a, "%s://%s", r->tls ? "https" : "http", host && *host ? host : "localhost");
}

/* The unit chooser of the token and paper forms: a list of the units the
 * campaign appraises (those the user may enter for, when only_mine), or
 * the engine's searchable picker when there are too many to list. */
static int may_enter_paper(struct req *r, int64_t unit);

static void campaign_unit_select(struct req *r, int64_t campaign, const char *cur, int only_mine)
{
	int64_t *ids;
	int n = appraisal_units(r, campaign, &ids);
	if (n < 0 || n > 300) {
		unit_picker(r, "f-unit", "unit_id", cur ? cur : "", only_mine, M_appr_choose_unit, NULL);
		return;
	}
	html(r, "<select id=\"f-unit\" name=\"unit_id\"><option value=\"\">%T</option>", M_appr_choose_unit);
	for (int i = 0; i < n; i++) {
		if (only_mine && !may_enter_paper(r, ids[i]))
			continue;
		const char *id = arena_printf(r->a, "%lld", (long long)ids[i]);
		html(r, "<option value=\"%a\"%H>%s</option>", id, cur && !strcmp(cur, id) ? MARKUP(" selected") : NULL,
		     db_one_text(req_db(r), r->a, "SELECT name FROM units WHERE id = ?", "i", ids[i]));
	}
	html(r, "</select>");
}

static void tokens_form(struct req *r, const struct record *c, enum msg_id err)
{
	const char *back = arena_printf(r->a, "/r/appraisal_campaigns/%lld", (long long)c->id);
	struct crumb cb[] = {
		{"/appraisal", T(r, M_appr_campaigns)}, {back, c->vals[CAMP_TITLE]}, {NULL, T(r, M_appr_issue_tokens)}};
	page_begin(r, T(r, M_appr_issue_tokens), cb, 3);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_appr_issue_tokens), c->vals[CAMP_TITLE]), NULL);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	const char *unit = req_form(r, "unit_id") ? req_form(r, "unit_id") : req_query(r, "unit_id");
	const char *pool = req_form(r, "pool") ? req_form(r, "pool") : req_query(r, "pool");
	const char *draw = req_form(r, "draw") ? req_form(r, "draw") : req_query(r, "draw");
	const char *count = req_form(r, "count");
	html(r,
	     "<section class=\"card\"><p class=\"hint\">%T</p><form method=\"post\" action=\"%a\">%H<div "
	     "class=\"field\"><label for=\"f-unit\">%T</label>",
	     M_appr_tokens_hint, r->path, csrf_input(r), M_appr_unit);
	campaign_unit_select(r, c->id, unit, 0);
	html(r, "</div><div class=\"field\"><label for=\"f-pool\">%T</label><select id=\"f-pool\" name=\"pool\">",
	     M_appr_pool);
	struct db_stmt *s = db_query(
		req_db(r), r->a,
		"SELECT id, name FROM appraisal_pools WHERE campaign_id = ? AND archived = 0 ORDER BY id", "i", c->id);
	while (s && db_step(s) == DB_ROW) {
		const char *id = arena_printf(r->a, "%lld", (long long)db_column_int64(s, 0));
		html(r, "<option value=\"%a\"%H>%s</option>", id,
		     pool && !strcmp(pool, id) ? MARKUP(" selected") : NULL, db_column_text(s, 1));
	}
	html(r,
	     "</select></div><div class=\"field\"><label for=\"f-count\">%T</label><input id=\"f-count\" "
	     "name=\"count\" type=\"number\" min=\"1\" max=\"%d\" value=\"%a\"><p class=\"hint\">%T</p></div>"
	     "<div class=\"field\"><label for=\"f-draw\">%T</label><select id=\"f-draw\" name=\"draw\"><option "
	     "value=\"\">—</option>",
	     M_appr_count, TOKENS_MAX, count ? count : "", M_appr_count_hint, M_appr_from_draw);
	s = db_query(req_db(r), r->a,
		     "SELECT d.id, p.name, d.seed FROM appraisal_draws d JOIN appraisal_pools p ON p.id = d.pool_id "
		     "WHERE p.campaign_id = ? ORDER BY d.id DESC LIMIT 50",
		     "i", c->id);
	while (s && db_step(s) == DB_ROW) {
		const char *id = arena_printf(r->a, "%lld", (long long)db_column_int64(s, 0));
		html(r, "<option value=\"%a\"%H>#%s %s (%T %s)</option>", id,
		     draw && !strcmp(draw, id) ? MARKUP(" selected") : NULL, id, db_column_text(s, 1), M_appr_seed,
		     db_column_text(s, 2));
	}
	html(r,
	     "</select></div><div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a "
	     "class=\"btn btn-plain\" href=\"%a\">%T</a></div></form></section>",
	     M_appr_issue_tokens, back, M_cancel);
	page_end(r);
}

static struct record *office_campaign(struct req *r)
{
	if (!appraisal_is_office(r)) {
		req_fail(r, 403, M_NONE);
		return NULL;
	}
	return record_load_checked(r, &appraisal_campaigns_type, ACC_WRITE);
}

static int tokens_page(struct req *r)
{
	struct record *c = office_campaign(r);
	if (!c)
		return 0;
	tokens_form(r, c, M_NONE);
	return 0;
}

static int tokens_post(struct req *r)
{
	struct record *c = office_campaign(r);
	if (!c)
		return 0;
	const char *st = c->vals[CAMP_STATE];
	if (st && strcmp(st, "draft") != 0 && strcmp(st, "open") != 0) {
		r->status = 409;
		tokens_form(r, c, M_appr_tokens_closed);
		return 0;
	}
	int64_t unit = req_form(r, "unit_id") ? strtoll(req_form(r, "unit_id"), NULL, 10) : 0;
	int64_t pool = req_form(r, "pool") ? strtoll(req_form(r, "pool"), NULL, 10) : 0;
	int64_t draw = req_form(r, "draw") && *req_form(r, "draw") ? strtoll(req_form(r, "draw"), NULL, 10) : 0;
	const char *cs = req_form(r, "count");
	char *end = NULL;
	long count = cs && *cs ? strtol(cs, &end, 10) : 0;
	if (!unit || !appraisal_unit_in(r, c->id, unit)) {
		r->status = 422;
		tokens_form(r, c, M_appr_unit_not_appraised);
		return 0;
	}
	if (!db_one_int64(req_db(r), 0,
			  "SELECT count(*) FROM appraisal_pools WHERE id = ? AND campaign_id = ? AND archived = 0",
			  "ii", pool, c->id)) {
		r->status = 422;
		tokens_form(r, c, M_appr_bad_pool);
		return 0;
	}
	/* from a draw: one token per rater chosen, their names on the sheet */
	const char **names = NULL;
	if (draw) {
		char *chosen =
			db_one_text(req_db(r), r->a, "SELECT chosen FROM appraisal_draws WHERE id = ? AND pool_id = ?",
				    "ii", draw, pool);
		if (!chosen) {
			r->status = 422;
			tokens_form(r, c, M_appr_bad_draw);
			return 0;
		}
		names = arena_alloc(r->a, TOKENS_MAX * sizeof *names);
		count = 0;
		char *save = NULL;
		for (char *p = strtok_r(chosen, ",", &save); p && count < TOKENS_MAX; p = strtok_r(NULL, ",", &save))
			names[count++] = db_one_text(req_db(r), r->a, "SELECT name FROM appraisal_raters WHERE id = ?",
						     "i", strtoll(p, NULL, 10));
	} else if ((end && *end) || count < 1 || count > TOKENS_MAX) {
		r->status = 422;
		tokens_form(r, c, M_appr_bad_count);
		return 0;
	}
	char(*tok)[20] = arena_alloc(r->a, (size_t)(count ? count : 1) * sizeof *tok);
	struct db *db = req_db(r);
	int rc = db_begin(db);
	for (long i = 0; !rc && i < count; i++) {
		token_make(tok[i]);
		rc = db_run(db,
			    "INSERT INTO appraisal_tokens (campaign_id, unit_id, pool_id, hash, used) VALUES (?, ?, ?, "
			    "?, 0)",
			    "iiis", c->id, unit, pool, appraisal_token_hash(r, tok[i]));
	}
	json_t *what = json_pack("{s:I, s:I, s:I, s:i}", "unit_id", (json_int_t)unit, "pool_id", (json_int_t)pool,
				 "draw_id", (json_int_t)draw, "count", (int)count);
	if (!rc)
		rc = audit_log(r, "appraisal.tokens", "appraisal_campaigns", c->id, NULL, what);
	json_decref(what);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return req_fail(r, 500, M_NONE);
	}
	/* the sheet: shown once, never stored */
	const char *uname = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ?", "i", unit);
	const char *back = arena_printf(r->a, "/r/appraisal_campaigns/%lld", (long long)c->id);
	struct crumb cb[] = {
		{"/appraisal", T(r, M_appr_campaigns)}, {back, c->vals[CAMP_TITLE]}, {NULL, T(r, M_appr_token_sheet)}};
	page_begin(r, T(r, M_appr_token_sheet), cb, 3);
	page_heading(
		r, arena_printf(r->a, "%s · %s", T(r, M_appr_token_sheet), uname ? uname : ""),
		html_fmt(r, "<button class=\"btn btn-primary\" type=\"button\" data-print>%T</button>", M_appr_print));
	html(r, "<p class=\"hint no-print\">%T</p><div class=\"token-sheet\">", M_appr_sheet_once);
	const char *base = site_base(r);
	for (long i = 0; i < count; i++) {
		const char *link = arena_printf(r->a, "%s/ballot?t=%s", base, tok[i]);
		html(r, "<div class=\"token-card\"><p class=\"token-campaign\">%s<br><strong>%s</strong></p>%H",
		     c->vals[CAMP_TITLE], uname ? uname : "",
		     names && names[i] ? html_fmt(r, "<p class=\"token-rater\">%s</p>", names[i]) : NULL);
		qr_svg(&r->out, link, T(r, M_appr_qr_label));
		html(r, "<p class=\"token-code mono\">%s</p><p class=\"token-link\"><a href=\"%a\">%s</a></p></div>",
		     tok[i], link, link);
	}
	html(r, "</div>");
	page_end(r);
	return 0;
}

/* ---- paper opinion forms ---- */

/* Office anywhere; a unit_admin or staff of the unit (or above it). */
static int may_enter_paper(struct req *r, int64_t unit)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		int office = g->role == ROLE_ADMIN || g->role == ROLE_OFFICE;
		int unitside = g->role == ROLE_UNIT_ADMIN || g->role == ROLE_STAFF;
		if ((office && g->unit_id == 0))
			return 1;
		if ((office || unitside) && unit && (g->unit_id == 0 || unit_in_subtree(req_db(r), g->unit_id, unit)))
			return 1;
	}
	return 0;
}

static int may_enter_any(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		enum role g = r->user->grants[i].role;
		if (g == ROLE_ADMIN || g == ROLE_OFFICE || g == ROLE_UNIT_ADMIN || g == ROLE_STAFF)
			return 1;
	}
	return 0;
}

static void paper_form(struct req *r, const struct record *c, int nq, const struct appraisal_q *q, const int *level,
		       int missing, enum msg_id err)
{
	/* the units cannot open the campaign's record: their way back is the overview */
	const char *back = appraisal_is_office(r) ? arena_printf(r->a, "/r/appraisal_campaigns/%lld", (long long)c->id)
						  : "/appraisal";
	struct crumb cb[] = {
		{"/appraisal", T(r, M_appr_campaigns)}, {back, c->vals[CAMP_TITLE]}, {NULL, T(r, M_appr_paper_entry)}};
	page_begin(r, T(r, M_appr_paper_entry), cb, 3);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_appr_paper_entry), c->vals[CAMP_TITLE]), NULL);
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", err);
	if (missing >= 0)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T <a href=\"#q-%D\">%d. %s</a></div>",
		     M_appr_missing_answer, q[missing].id, missing + 1, q[missing].text[r->lang]);
	const char *unit = req_form(r, "unit_id") ? req_form(r, "unit_id") : req_query(r, "unit_id");
	html(r,
	     "<section class=\"card\"><p class=\"hint\">%T</p><form method=\"post\" action=\"%a\" novalidate>%H<div "
	     "class=\"field\"><label for=\"f-unit\">%T</label>",
	     M_appr_paper_hint, r->path, csrf_input(r), M_appr_unit);
	campaign_unit_select(r, c->id, unit, !appraisal_is_office(r));
	html(r, "</div>");
	appraisal_render_questions(r, nq, q, level, req_form(r, "opinion"), missing);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button><a class=\"btn btn-plain\" "
	     "href=\"%a\">%T</a></div></form></section>",
	     M_appr_paper_save, back, M_cancel);
	page_end(r);
}

static struct record *paper_campaign(struct req *r, struct appraisal_q **q, int *nq)
{
	if (!may_enter_any(r)) {
		req_fail(r, 403, M_NONE);
		return NULL;
	}
	struct record *c = appraisal_campaign_of_route(r);
	if (!c)
		return NULL;
	*q = arena_alloc(r->a, APPRAISAL_MAXQ * sizeof **q);
	*nq = appraisal_questions(r, strtoll(c->vals[CAMP_QUESTIONNAIRE_ID], NULL, 10), *q);
	if (*nq <= 0) {
		req_fail(r, 409, M_appr_no_questions);
		return NULL;
	}
	return c;
}

static int paper_page(struct req *r)
{
	struct appraisal_q *q;
	int nq;
	struct record *c = paper_campaign(r, &q, &nq);
	if (!c)
		return 0;
	paper_form(r, c, nq, q, NULL, -1, M_NONE);
	return 0;
}

struct paper_job {
	struct appraisal_ballot b;
};

static int paper_fn(struct req *r, void *ctx)
{
	struct paper_job *j = ctx;
	int rc = appraisal_store(r, &j->b);
	/* the entry is on the record, without the ballot it made */
	json_t *what = json_pack("{s:I, s:s}", "unit_id", (json_int_t)j->b.unit, "channel", "paper");
	if (!rc)
		rc = audit_log(r, "appraisal.paper", "appraisal_campaigns", j->b.campaign, NULL, what);
	json_decref(what);
	return rc;
}

static int paper_post(struct req *r)
{
	struct appraisal_q *q;
	int nq;
	struct record *c = paper_campaign(r, &q, &nq);
	if (!c)
		return 0;
	int64_t unit = req_form(r, "unit_id") ? strtoll(req_form(r, "unit_id"), NULL, 10) : 0;
	int *level = arena_alloc(r->a, (size_t)nq * sizeof *level);
	int missing = appraisal_read_answers(r, nq, q, level);
	const char *st = c->vals[CAMP_STATE];
	enum msg_id err = M_NONE;
	if (!st || (strcmp(st, "open") && strcmp(st, "closed")))
		err = M_appr_paper_not_open;
	else if (!unit || !appraisal_unit_in(r, c->id, unit))
		err = M_appr_unit_not_appraised;
	else if (!may_enter_paper(r, unit))
		return req_fail(r, 403, M_NONE);
	if (err != M_NONE || missing >= 0) {
		r->status = err == M_appr_paper_not_open ? 409 : 422;
		paper_form(r, c, nq, q, level, missing, err);
		return 0;
	}
	const char *opinion = req_form(r, "opinion");
	struct paper_job j = {.b = {.campaign = c->id,
				    .unit = unit,
				    .nq = nq,
				    .q = q,
				    .level = level,
				    .opinion = opinion && strlen(opinion) <= 8000 ? opinion : NULL}};
	if (req_write(r, paper_fn, &j))
		return req_fail(r, 503, M_NONE);
	req_flash(r, "ok", M_appr_paper_saved);
	return req_redirect(r, arena_printf(r->a, "/appraisal/campaigns/%lld/paper?unit_id=%lld", (long long)c->id,
					    (long long)unit));
}

/* ---- the overview: every campaign that has opened, with what the user
 * may do with it (the units cannot read the campaigns register, which
 * has no owning unit, so this page is their way in) ---- */

static int overview_page(struct req *r)
{
	int office = appraisal_is_office(r), reader = 0, clerk = may_enter_any(r);
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		enum role g = r->user->grants[i].role;
		reader |= g == ROLE_ADMIN || g == ROLE_OFFICE || g == ROLE_LEADER;
	}
	if (!office && !reader && !clerk)
		return req_fail(r, 403, M_NONE);
	struct crumb c[] = {{NULL, T(r, M_appr_campaigns)}};
	page_begin(r, T(r, M_appr_campaigns), c, 1);
	page_heading(r, T(r, M_appr_campaigns),
		     office ? html_fmt(r,
				       "<a class=\"btn\" href=\"/r/appraisal_questionnaires\">%T</a> <a class=\"btn "
				       "btn-primary\" href=\"/r/appraisal_campaigns\">%T</a>",
				       M_appr_questionnaires, M_appr_all_campaigns)
			    : NULL);
	struct db_stmt *s =
		db_query(req_db(r), r->a,
			 "SELECT id, year, title, state, period_from, period_to FROM appraisal_campaigns WHERE "
			 "archived = 0 AND (state <> 'draft' OR ?) ORDER BY year DESC, id DESC LIMIT 200",
			 "I", office);
	static const struct list_col cols[] = {{M_appr_year, NULL, 1},      {M_appr_title, NULL, 0},
					       {M_appr_state, NULL, 0},     {M_appr_period_from, NULL, 0},
					       {M_appr_period_to, NULL, 0}, {M_NONE, NULL, 0}};
	struct record *row = record_new(r, &appraisal_campaigns_type);
	int n = 0;
	while (s && db_step(s) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\">");
			list_begin(r, cols, 6, -1, 0);
		}
		int64_t id = db_column_int64(s, 0);
		const char *st = arena_strdup(r->a, db_column_text(s, 3));
		row->vals[CAMP_STATE] = st;
		int published = !strcmp(st, "published"), entering = !strcmp(st, "open") || !strcmp(st, "closed");
		html(r,
		     "<tr><td class=\"num\" data-label=\"%T\">%D</td><td data-label=\"%T\">%H</td><td "
		     "data-label=\"%T\">%s</td>"
		     "<td data-label=\"%T\">%s</td><td data-label=\"%T\">%s</td><td class=\"actions\">%H%H</td></tr>",
		     M_appr_year, db_column_int64(s, 1), M_appr_title,
		     office ? html_fmt(r, "<a href=\"/r/appraisal_campaigns/%D\">%s</a>", id, db_column_text(s, 2))
			    : html_fmt(r, "%s", db_column_text(s, 2)),
		     M_appr_state, record_display(r, row, CAMP_STATE, 0), M_appr_period_from, db_column_text(s, 4),
		     M_appr_period_to, db_column_text(s, 5),
		     reader || published
			     ? html_fmt(r,
					"<a class=\"btn btn-small\" href=\"/appraisal/campaigns/%D/results\">%T</a> ",
					id, M_appr_results)
			     : NULL,
		     clerk && entering
			     ? html_fmt(r, "<a class=\"btn btn-small\" href=\"/appraisal/campaigns/%D/paper\">%T</a>",
					id, M_appr_paper_entry)
			     : NULL);
	}
	if (n) {
		list_end(r);
		html(r, "</section>");
	} else {
		empty_state(r, M_appr_none, M_appr_none_hint, NULL, M_NONE);
	}
	page_end(r);
	return 0;
}

extern const struct route appraisal_results_routes[];

const struct route appraisal_routes[] = {
	{"GET", "/appraisal", overview_page, P_SIGNED_IN, 0, "appraisal"},
	{"POST", "/appraisal/questionnaires/{id:int}/copy", copy_post, P_SIGNED_IN, 1, "appraisal copy"},
	{"GET", "/appraisal/pools/{id:int}/draw", draw_page, P_SIGNED_IN, 0, "appraisal draw"},
	{"POST", "/appraisal/pools/{id:int}/draw", draw_post, P_SIGNED_IN, 1, "appraisal draw"},
	{"GET", "/appraisal/draws/{id:int}", draw_view, P_SIGNED_IN, 0, "appraisal draw"},
	{"GET", "/appraisal/campaigns/{id:int}/tokens", tokens_page, P_SIGNED_IN, 0, "appraisal tokens"},
	{"POST", "/appraisal/campaigns/{id:int}/tokens", tokens_post, P_SIGNED_IN, 1, "appraisal tokens"},
	{"GET", "/appraisal/campaigns/{id:int}/paper", paper_page, P_SIGNED_IN, 0, "appraisal paper"},
	{"POST", "/appraisal/campaigns/{id:int}/paper", paper_post, P_SIGNED_IN, 1, "appraisal paper"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
