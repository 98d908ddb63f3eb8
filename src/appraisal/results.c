/* results.c — results per unit from the tally: the page with the ranking,
 * one unit's distribution and opinions (each can become a rectification
 * item), the workbook, and the metrics the assessment reads. Reads only;
 * the ballots themselves are never read here. */
#include "results.h"

#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define RESULTS_PER_PAGE 100

/* The campaign's root, kinds and questionnaire; 0 or -1 (no campaign). */
static int campaign_scope(struct req *r, int64_t campaign, int64_t *root, char **kinds, int64_t *min_sample,
			  int64_t *qnr)
{
	struct db_stmt *s = db_query(req_db(r), r->a,
				     "SELECT root_unit_id, unit_kinds, min_sample, questionnaire_id FROM "
				     "appraisal_campaigns WHERE id = ?",
				     "i", campaign);
	if (!s || db_step(s) != DB_ROW)
		return -1;
	*root = db_column_int64(s, 0);
	*kinds = arena_strdup(r->a, db_column_text(s, 1) ? db_column_text(s, 1) : "");
	if (min_sample)
		*min_sample = db_column_int64(s, 2);
	if (qnr)
		*qnr = db_column_int64(s, 3);
	return 0;
}

/* " AND u.kind IN (?, ?)" for the kinds listed, their codes into k[]. */
static const char *kinds_sql(struct req *r, char *kinds, const char **k, int *nk)
{
	*nk = 0;
	struct buf b;
	buf_init(&b, r->a);
	for (char *save = NULL, *t = strtok_r(kinds, " ,", &save); t && *nk < 8; t = strtok_r(NULL, " ,", &save))
		k[(*nk)++] = t;
	if (!*nk)
		return "";
	buf_puts(&b, " AND u.kind IN (");
	for (int i = 0; i < *nk; i++)
		buf_puts(&b, i ? ", ?" : "?");
	buf_puts(&b, ")");
	return b.p;
}

static struct db_stmt *units_query(struct req *r, int64_t campaign, const char *cols, const char *more, int64_t extra)
{
	int64_t root;
	char *kinds;
	if (campaign_scope(r, campaign, &root, &kinds, NULL, NULL))
		return NULL;
	const char *k[8];
	int nk;
	const char *ks = kinds_sql(r, kinds, k, &nk);
	struct db_stmt *s =
		db_prepare(req_db(r), r->a,
			   arena_printf(r->a,
					"SELECT %s FROM unit_tree ut JOIN units u ON u.id = ut.unit_id WHERE "
					"ut.ancestor_id = ? AND u.id <> ? AND u.archived = 0%s%s ORDER BY u.id",
					cols, ks, more));
	if (!s)
		return NULL;
	int p = 1;
	db_bind_int64(s, p++, root);
	db_bind_int64(s, p++, root);
	for (int i = 0; i < nk; i++)
		db_bind_text(s, p++, k[i]);
	if (*more)
		db_bind_int64(s, p++, extra);
	return s;
}

int appraisal_units(struct req *r, int64_t campaign, int64_t **ids)
{
	struct db_stmt *s = units_query(r, campaign, "u.id", "", 0);
	if (!s)
		return DB_ERR;
	size_t cap = 64, n = 0;
	int64_t *v = arena_alloc(r->a, cap * sizeof *v);
	while (db_step(s) == DB_ROW) {
		if (n == cap) {
			int64_t *w = arena_alloc(r->a, 2 * cap * sizeof *w);
			memcpy(w, v, n * sizeof *v);
			v = w, cap *= 2;
		}
		v[n++] = db_column_int64(s, 0);
	}
	*ids = v;
	return (int)n;
}

int appraisal_unit_in(struct req *r, int64_t campaign, int64_t unit)
{
	struct db_stmt *s = units_query(r, campaign, "u.id", " AND u.id = ?", unit);
	return s && db_step(s) == DB_ROW;
}

static int cmp_result(const void *a, const void *b)
{
	const struct unit_result *x = a, *y = b;
	if (!x->insufficient != !y->insufficient)
		return x->insufficient ? 1 : -1;
	if (!x->insufficient && x->overall != y->overall)
		return x->overall > y->overall ? -1 : 1;
	int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	return c ? c : (x->unit > y->unit) - (x->unit < y->unit);
}

static int cmp_unit(const void *a, const void *b)
{
	const struct unit_result *x = a, *y = b;
	return (x->unit > y->unit) - (x->unit < y->unit);
}

static struct unit_result *find_unit(struct campaign_results *cr, int64_t unit)
{
	struct unit_result key = {.unit = unit};
	return bsearch(&key, cr->units, (size_t)cr->nunits, sizeof key, cmp_unit);
}

int appraisal_results(struct req *r, int64_t campaign, struct campaign_results *out)
{
	memset(out, 0, sizeof *out);
	out->campaign = campaign;
	int64_t root, qnr;
	char *kinds;
	if (campaign_scope(r, campaign, &root, &kinds, &out->min_sample, &qnr))
		return DB_ERR;
	struct db_stmt *s = units_query(r, campaign, "u.id, u.name", "", 0);
	if (!s)
		return DB_ERR;
	size_t cap = 64;
	out->units = arena_alloc(r->a, cap * sizeof *out->units);
	while (db_step(s) == DB_ROW) {
		if ((size_t)out->nunits == cap) {
			struct unit_result *w = arena_alloc(r->a, 2 * cap * sizeof *w);
			memcpy(w, out->units, cap * sizeof *w);
			out->units = w, cap *= 2;
		}
		struct unit_result *u = &out->units[out->nunits++];
		memset(u, 0, sizeof *u);
		u->unit = db_column_int64(s, 0);
		u->name = arena_strdup(r->a, db_column_text(s, 1));
	}
	struct appraisal_q *q = arena_alloc(r->a, APPRAISAL_MAXQ * sizeof *q);
	int nq = appraisal_questions(r, qnr, q);
	if (nq < 0)
		return nq;
	struct db_stmt *c = db_query(
		req_db(r), r->a, "SELECT unit_id, ballots FROM appraisal_counts WHERE campaign_id = ?", "i", campaign);
	while (c && db_step(c) == DB_ROW) {
		struct unit_result *u = find_unit(out, db_column_int64(c, 0));
		if (u)
			u->n = db_column_int64(c, 1);
	}
	/* sums per unit and dimension, walking the tally in key order */
	double *sum = calloc((size_t)out->nunits * (APPRAISAL_NDIM + 1), sizeof *sum);
	double *cnt = calloc((size_t)out->nunits * (APPRAISAL_NDIM + 1), sizeof *cnt);
	if (!sum || !cnt) {
		free(sum), free(cnt);
		return DB_ERR;
	}
	struct db_stmt *t = db_query(req_db(r), r->a,
				     "SELECT unit_id, question_id, level, n FROM appraisal_tally WHERE campaign_id = ?",
				     "i", campaign);
	int64_t last_unit = -1, last_q = -1;
	struct unit_result *u = NULL;
	const struct appraisal_q *qq = NULL;
	while (t && db_step(t) == DB_ROW) {
		int64_t unit = db_column_int64(t, 0), qid = db_column_int64(t, 1);
		if (unit != last_unit)
			u = find_unit(out, unit), last_unit = unit;
		if (qid != last_q) {
			qq = NULL;
			for (int i = 0; i < nq; i++)
				if (q[i].id == qid)
					qq = &q[i];
			last_q = qid;
		}
		if (!u || !qq)
			continue;
		int level = (int)db_column_int64(t, 2);
		double n = (double)db_column_int64(t, 3);
		double score = (double)(level - 1) * 100.0 / (double)(qq->levels - 1);
		size_t base = (size_t)(u - out->units) * (APPRAISAL_NDIM + 1);
		sum[base + (size_t)qq->dim] += n * score, cnt[base + (size_t)qq->dim] += n;
		sum[base + APPRAISAL_NDIM] += n * score, cnt[base + APPRAISAL_NDIM] += n;
	}
	for (int i = 0; i < out->nunits; i++) {
		struct unit_result *v = &out->units[i];
		size_t base = (size_t)i * (APPRAISAL_NDIM + 1);
		for (int d = 0; d < APPRAISAL_NDIM; d++)
			v->dim[d] = cnt[base + d] > 0 ? sum[base + d] / cnt[base + d] : -1;
		v->overall =
			cnt[base + APPRAISAL_NDIM] > 0 ? sum[base + APPRAISAL_NDIM] / cnt[base + APPRAISAL_NDIM] : -1;
		v->insufficient = v->n < out->min_sample;
	}
	free(sum), free(cnt);
	qsort(out->units, (size_t)out->nunits, sizeof *out->units, cmp_result);
	int rank = 0;
	for (int i = 0; i < out->nunits; i++)
		if (!out->units[i].insufficient)
			out->units[i].rank = ++rank;
	return 0;
}

/* ---- who may read ---- */

/* 2: every unit (admin, office, leader); 1: the units of the user's unit
 * grants, once the campaign is published; 0: none. */
static int results_reader(struct req *r, const char *state)
{
	int unit = 0;
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		enum role g = r->user->grants[i].role;
		if (g == ROLE_ADMIN || g == ROLE_OFFICE || g == ROLE_LEADER)
			return 2;
		if (g == ROLE_UNIT_ADMIN || g == ROLE_STAFF)
			unit = 1;
	}
	return unit && state && !strcmp(state, "published") ? 1 : 0;
}

static int covers(struct req *r, int64_t unit)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if ((g->role == ROLE_UNIT_ADMIN || g->role == ROLE_STAFF) &&
		    (g->unit_id == 0 || unit_in_subtree(req_db(r), g->unit_id, unit)))
			return 1;
	}
	return 0;
}

/* The campaign of the route's {id} if the user may read its results:
 * its record, *level from results_reader; NULL when the request failed. */
static struct record *results_campaign(struct req *r, int *level)
{
	struct record *c = appraisal_campaign_of_route(r);
	if (!c)
		return NULL;
	*level = results_reader(r, c->vals[CAMP_STATE]);
	if (!*level) {
		req_fail(r, 403, M_appr_results_not_yet);
		return NULL;
	}
	return c;
}

static const struct markup *score_cell(struct req *r, double v)
{
	if (v < 0)
		return MARKUP("—");
	return html_fmt(r, "%s", arena_printf(r->a, "%.1f", v));
}

static int results_page(struct req *r)
{
	int level;
	struct record *c = results_campaign(r, &level);
	if (!c)
		return 0;
	int page = req_page(r);
	if (!page)
		return req_fail(r, 400, M_err_bad_page);
	struct campaign_results cr;
	if (appraisal_results(r, c->id, &cr))
		return req_fail(r, 500, M_NONE);
	const char *title = arena_printf(r->a, "%s · %s", c->vals[CAMP_TITLE], T(r, M_appr_results));
	struct crumb cb[] = {{"/appraisal", T(r, M_appr_campaigns)},
			     {appraisal_is_office(r) || level == 2
				      ? arena_printf(r->a, "/r/appraisal_campaigns/%lld", (long long)c->id)
				      : "/appraisal",
			      c->vals[CAMP_TITLE]},
			     {NULL, T(r, M_appr_results)}};
	page_begin(r, title, cb, 3);
	page_heading(r, title,
		     html_fmt(r, "<a class=\"btn\" href=\"/appraisal/campaigns/%D/results.xlsx\">XLSX</a>", c->id));
	int64_t total = 0, sufficient = 0, ballots = 0;
	for (int i = 0; i < cr.nunits; i++) {
		ballots += cr.units[i].n;
		sufficient += !cr.units[i].insufficient;
	}
	html(r,
	     "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%N</dd><dt>%T</dt>"
	     "<dd>%N</dd><dt>%T</dt><dd>%N / %d</dd></dl><p class=\"hint\">%T</p></section>",
	     M_appr_state, record_display(r, c, CAMP_STATE, 0), M_appr_ballots, ballots, M_appr_min_sample,
	     cr.min_sample, M_appr_units_ranked, sufficient, cr.nunits, M_appr_score_hint);
	struct list_col cols[3 + APPRAISAL_NDIM + 1];
	cols[0] = (struct list_col){M_appr_rank, NULL, 1};
	cols[1] = (struct list_col){M_appr_unit, NULL, 0};
	cols[2] = (struct list_col){M_appr_n, NULL, 1};
	for (int d = 0; d < APPRAISAL_NDIM; d++)
		cols[3 + d] = (struct list_col){appraisal_dimensions[d].label, NULL, 1};
	cols[3 + APPRAISAL_NDIM] = (struct list_col){M_appr_overall, NULL, 1};
	html(r, "<section class=\"card\">");
	list_begin(r, cols, 3 + APPRAISAL_NDIM + 1, -1, 0);
	int64_t skip = (int64_t)(page - 1) * RESULTS_PER_PAGE, shown = 0;
	for (int i = 0; i < cr.nunits; i++) {
		struct unit_result *u = &cr.units[i];
		if (level < 2 && !covers(r, u->unit))
			continue;
		if (total++ < skip || shown >= RESULTS_PER_PAGE)
			continue;
		shown++;
		html(r,
		     "<tr><td class=\"num\" data-label=\"%T\">%H</td><td data-label=\"%T\"><a "
		     "href=\"/appraisal/campaigns/%D/units/%D\">%s</a></td><td class=\"num\" data-label=\"%T\">%N</td>",
		     M_appr_rank, u->rank ? html_fmt(r, "%d", u->rank) : MARKUP("—"), M_appr_unit, c->id, u->unit,
		     u->name, M_appr_n, u->n);
		for (int d = 0; d < APPRAISAL_NDIM; d++)
			html(r, "<td class=\"num\" data-label=\"%T\">%H</td>", appraisal_dimensions[d].label,
			     u->insufficient ? MARKUP("—") : score_cell(r, u->dim[d]));
		html(r, "<td class=\"num\" data-label=\"%T\">%H</td></tr>", M_appr_overall,
		     u->insufficient ? html_fmt(r, "<span class=\"badge badge-warn\">%T</span>", M_appr_insufficient)
				     : html_fmt(r, "<strong>%H</strong>", score_cell(r, u->overall)));
	}
	list_end(r);
	list_pager(r, total, page, RESULTS_PER_PAGE);
	html(r, "</section>");
	page_end(r);
	return 0;
}

/* One unit: the distribution per question, the opinions. */
static int unit_page(struct req *r)
{
	int level;
	struct record *c = results_campaign(r, &level);
	if (!c)
		return 0;
	int64_t unit = req_param_int(r, "unit");
	if (!appraisal_unit_in(r, c->id, unit))
		return req_fail(r, 404, M_NONE);
	if (level < 2 && !covers(r, unit))
		return req_fail(r, 403, M_NONE);
	const char *name = db_one_text(req_db(r), r->a, "SELECT name FROM units WHERE id = ?", "i", unit);
	struct appraisal_q *q = arena_alloc(r->a, APPRAISAL_MAXQ * sizeof *q);
	int nq = appraisal_questions(r, strtoll(c->vals[CAMP_QUESTIONNAIRE_ID], NULL, 10), q);
	if (nq < 0)
		return req_fail(r, 500, M_NONE);
	int64_t n =
		db_one_int64(req_db(r), 0, "SELECT ballots FROM appraisal_counts WHERE campaign_id = ? AND unit_id = ?",
			     "ii", c->id, unit);
	int64_t min = strtoll(c->vals[CAMP_MIN_SAMPLE], NULL, 10);
	const char *results = arena_printf(r->a, "/appraisal/campaigns/%lld/results", (long long)c->id);
	struct crumb cb[] = {{"/appraisal", T(r, M_appr_campaigns)}, {results, T(r, M_appr_results)}, {NULL, name}};
	page_begin(r, name, cb, 3);
	page_heading(r, arena_printf(r->a, "%s · %s", name, c->vals[CAMP_TITLE]), NULL);
	html(r, "<section class=\"card\"><p>%T %N%H</p>", M_appr_n, n,
	     n < min ? html_fmt(r, " <span class=\"badge badge-warn\">%T</span> <span class=\"muted\">%T %N</span>",
				M_appr_insufficient, M_appr_min_sample, min)
		     : NULL);
	/* one column per level of the five-level scale; a three-level
	 * question's levels fall in the columns of the same words */
	static const struct list_col cols[] = {
		{M_appr_question, NULL, 0},        {M_appr_lv_very_satisfied, NULL, 1},
		{M_appr_lv_satisfied, NULL, 1},    {M_appr_lv_fairly, NULL, 1},
		{M_appr_lv_dissatisfied, NULL, 1}, {M_appr_lv_very_dissatisfied, NULL, 1},
		{M_appr_overall, NULL, 1}};
	list_begin(r, cols, 7, -1, 0);
	for (int i = 0; i < nq; i++) {
		int64_t cnt[6] = {0}, all = 0;
		double sum = 0;
		struct db_stmt *t =
			db_query(req_db(r), r->a,
				 "SELECT level, n FROM appraisal_tally WHERE campaign_id = ? AND unit_id = ? "
				 "AND question_id = ?",
				 "iii", c->id, unit, q[i].id);
		while (t && db_step(t) == DB_ROW) {
			int l = (int)db_column_int64(t, 0);
			if (l >= 1 && l <= q[i].levels) {
				cnt[l] = db_column_int64(t, 1);
				all += cnt[l];
				sum += (double)cnt[l] * (l - 1) * 100.0 / (q[i].levels - 1);
			}
		}
		html(r, "<tr><td class=\"wrap\" data-label=\"%T\">%d. %s<br><span class=\"muted\">%T</span></td>",
		     M_appr_question, i + 1, q[i].text[r->lang], appraisal_dimensions[q[i].dim].label);
		/* the column of each word, best first: 5 4 3 2 1 of five; 3 2 1 of three
		 * sit under satisfied, fairly satisfied, dissatisfied */
		static const int three[5] = {0, 3, 2, 1, 0}, five[5] = {5, 4, 3, 2, 1};
		for (int k = 0; k < 5; k++) {
			int l = q[i].levels == 3 ? three[k] : five[k];
			html(r, "<td class=\"num\" data-label=\"%T\">%H</td>", cols[1 + k].label,
			     l ? html_fmt(r, "%N", cnt[l]) : MARKUP("—"));
		}
		html(r, "<td class=\"num\" data-label=\"%T\">%H</td></tr>", M_appr_overall,
		     n < min ? MARKUP("—") : score_cell(r, all ? sum / (double)all : -1));
	}
	list_end(r);
	html(r, "</section><section class=\"card\"><h2>%T</h2>", M_appr_opinions);
	struct db_stmt *o = db_query(req_db(r), r->a,
				     "SELECT id, body FROM appraisal_opinions WHERE campaign_id = ? AND unit_id = ? "
				     "ORDER BY id LIMIT 500",
				     "ii", c->id, unit);
	int office = appraisal_is_office(r), k = 0;
	html(r, "<ul class=\"plain opinions\">");
	while (o && db_step(o) == DB_ROW) {
		k++;
		html(r, "<li><p>%s</p>", db_column_text(o, 1));
		if (office)
			html(r,
			     "<form method=\"post\" action=\"/rectification/raise\">%H<input type=\"hidden\" "
			     "name=\"source\" value=\"appraisal\"><input type=\"hidden\" name=\"id\" value=\"%D\">"
			     "<button class=\"btn btn-small\">%T</button></form>",
			     csrf_input(r), db_column_int64(o, 0), M_appr_to_rectification);
		html(r, "</li>");
	}
	html(r, "</ul>%H</section>", k ? NULL : html_fmt(r, "<p class=\"muted\">%T</p>", M_appr_no_opinions));
	if (covers(r, unit) && record_type_may(r, &appraisal_appeals_type, ACC_WRITE))
		html(r,
		     "<p><a class=\"btn\" href=\"/r/appraisal_appeals/new?campaign_id=%D&amp;unit_id=%D\">%T</a></p>",
		     c->id, unit, M_appr_appeal_file);
	page_end(r);
	return 0;
}

/* ---- the workbook ---- */

struct book_job {
	struct req *r;
	const struct record *c;
	const struct campaign_results *cr;
};

static int book_write(struct req *r, const struct record *c, const struct campaign_results *cr, const char *path)
{
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, T(r, M_appr_results));
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xEAF0F8);
	lxw_format *dd = workbook_add_format(wb);
	format_set_num_format(dd, "0.0");
	worksheet_write_string(ws, 0, 0, c->vals[CAMP_TITLE], head);
	enum msg_id h[3 + APPRAISAL_NDIM + 1];
	h[0] = M_appr_rank, h[1] = M_appr_unit, h[2] = M_appr_n;
	for (int d = 0; d < APPRAISAL_NDIM; d++)
		h[3 + d] = appraisal_dimensions[d].label;
	h[3 + APPRAISAL_NDIM] = M_appr_overall;
	for (int i = 0; i < 3 + APPRAISAL_NDIM + 1; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 1 ? 30 : 12, NULL);
		worksheet_write_string(ws, 2, (lxw_col_t)i, T(r, h[i]), head);
	}
	for (int i = 0; i < cr->nunits; i++) {
		const struct unit_result *u = &cr->units[i];
		lxw_row_t row = (lxw_row_t)(3 + i);
		if (u->rank)
			worksheet_write_number(ws, row, 0, u->rank, NULL);
		worksheet_write_string(ws, row, 1, u->name ? u->name : "", NULL);
		worksheet_write_number(ws, row, 2, (double)u->n, NULL);
		for (int d = 0; d < APPRAISAL_NDIM; d++)
			if (!u->insufficient && u->dim[d] >= 0)
				worksheet_write_number(ws, row, (lxw_col_t)(3 + d), u->dim[d], dd);
		if (u->insufficient)
			worksheet_write_string(ws, row, 3 + APPRAISAL_NDIM, T(r, M_appr_insufficient), NULL);
		else if (u->overall >= 0)
			worksheet_write_number(ws, row, 3 + APPRAISAL_NDIM, u->overall, dd);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int book_job_write(void *p, const char *path)
{
	struct book_job *j = p;
	return book_write(j->r, j->c, j->cr, path);
}

static int results_xlsx(struct req *r)
{
	int level;
	struct record *c = results_campaign(r, &level);
	if (!c)
		return 0;
	if (level < 2)
		return req_fail(r, 403, M_NONE);
	struct campaign_results cr;
	if (appraisal_results(r, c->id, &cr))
		return req_fail(r, 500, M_NONE);
	struct book_job job = {r, c, &cr};
	if (export_workbook(r, book_job_write, &job))
		return 0;
	if (audit_log_read(r, "export", "appraisal_results", c->id, NULL))
		return req_fail(r, 500, M_NONE);
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	export_attachment(r, arena_printf(r->a, "appraisal-%lld.xlsx", (long long)c->id),
			  arena_printf(r->a, "%s-%s.xlsx", T(r, M_appr_results), c->vals[CAMP_TITLE]));
	return 0;
}

/* ---- metrics ---- */

/* The latest campaign in the period (states listed), or 0. */
static int64_t latest_campaign(struct req *r, const char *from, const char *to, int published)
{
	return db_one_int64(
		req_db(r), 0,
		published ? "SELECT id FROM appraisal_campaigns WHERE archived = 0 AND state = 'published' "
			    "AND period_to >= ? AND period_from <= ? ORDER BY period_to DESC, id DESC LIMIT 1"
			  : "SELECT id FROM appraisal_campaigns WHERE archived = 0 AND state <> 'draft' "
			    "AND period_to >= ? AND period_from <= ? ORDER BY period_to DESC, id DESC LIMIT 1",
		"ss", from, to);
}

/* The overall score of the unit's subtree in the latest published campaign
 * of the period (all its answers together); 0 without one, or when the
 * subtree has fewer ballots than the minimum sample. */
static int score_of(struct req *r, int64_t unit, const char *from, const char *to, int dim, double *value)
{
	*value = 0;
	int64_t c = latest_campaign(r, from, to, 1);
	if (!c)
		return 0;
	int64_t qnr =
		db_one_int64(req_db(r), 0, "SELECT questionnaire_id FROM appraisal_campaigns WHERE id = ?", "i", c);
	int64_t min = db_one_int64(req_db(r), 0, "SELECT min_sample FROM appraisal_campaigns WHERE id = ?", "i", c);
	int64_t n = db_one_int64(req_db(r), 0,
				 "SELECT COALESCE(sum(k.ballots), 0) FROM appraisal_counts k JOIN unit_tree ut ON "
				 "ut.unit_id = k.unit_id WHERE ut.ancestor_id = ? AND k.campaign_id = ?",
				 "ii", unit, c);
	if (n < min || n == 0)
		return 0;
	struct appraisal_q *q = arena_alloc(r->a, APPRAISAL_MAXQ * sizeof *q);
	int nq = appraisal_questions(r, qnr, q);
	if (nq < 0)
		return nq;
	struct db_stmt *s =
		db_query(req_db(r), r->a,
			 "SELECT t.question_id, t.level, sum(t.n) FROM appraisal_tally t JOIN unit_tree ut ON "
			 "ut.unit_id = t.unit_id WHERE ut.ancestor_id = ? AND t.campaign_id = ? GROUP BY "
			 "t.question_id, t.level",
			 "ii", unit, c);
	if (!s)
		return DB_ERR;
	double sum = 0, cnt = 0;
	while (db_step(s) == DB_ROW)
		for (int i = 0; i < nq; i++)
			if (q[i].id == db_column_int64(s, 0) && (dim < 0 || q[i].dim == dim)) {
				double k = (double)db_column_int64(s, 2);
				sum += k * (double)(db_column_int64(s, 1) - 1) * 100.0 / (q[i].levels - 1);
				cnt += k;
			}
	*value = cnt > 0 ? sum / cnt : 0;
	return 0;
}

static int m_score(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	return score_of(r, unit, from, to, -1, value);
}

/* One dimension's score (appraisal_dimensions[dim]), on the same scale. */
#define DIM(fn, dim)                                                                                \
	static int fn(struct req *r, int64_t unit, const char *from, const char *to, double *value) \
	{                                                                                           \
		return score_of(r, unit, from, to, dim, value);                                     \
	}
DIM(m_dim_lawful, 0)
DIM(m_dim_fair, 1)
DIM(m_dim_openness, 2)
DIM(m_dim_efficiency, 3)
DIM(m_dim_attitude, 4)
DIM(m_dim_integrity, 5)
DIM(m_dim_ethics, 6)
#undef DIM

/* Tokens used ÷ tokens issued (%) for the unit's subtree in the latest
 * campaign of the period that has opened; 0 without tokens. */
static int m_response(struct req *r, int64_t unit, const char *from, const char *to, double *value)
{
	*value = 0;
	int64_t c = latest_campaign(r, from, to, 0);
	if (!c)
		return 0;
	struct db_stmt *s =
		db_query(req_db(r), r->a,
			 "SELECT count(*), COALESCE(sum(t.used), 0) FROM appraisal_tokens t JOIN unit_tree ut "
			 "ON ut.unit_id = t.unit_id WHERE ut.ancestor_id = ? AND t.campaign_id = ?",
			 "ii", unit, c);
	if (!s || db_step(s) != DB_ROW)
		return DB_ERR;
	int64_t issued = db_column_int64(s, 0), used = db_column_int64(s, 1);
	*value = issued ? 100.0 * (double)used / (double)issued : 0;
	return 0;
}

/* Every unit's own tokens in the latest campaign of the period that has
 * opened: 100 × used and issued (tokens without a unit count nowhere). */
static int response_shares(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx)
{
	if (!req_db(r))
		return DB_ERR;
	int64_t c = latest_campaign(r, from, to, 0);
	if (!c)
		return 0;
	struct db_stmt *s = db_query(req_db(r), r->a,
				     "SELECT t.unit_id, 100 * COALESCE(sum(t.used), 0), count(*) FROM appraisal_tokens t "
				     "WHERE t.campaign_id = ? AND t.unit_id IS NOT NULL GROUP BY t.unit_id",
				     "i", c);
	if (!s)
		return DB_ERR;
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		share(ctx, db_column_int64(s, 0), (double)db_column_int64(s, 1), (double)db_column_int64(s, 2));
	db_reset(s);
	return rc < 0 ? rc : 0;
}

/* The units of the subtree in the campaign behind a value (ballots are
 * anonymous: a unit's results page is the record), most first: for the
 * score its ballots, for the response rate its tokens used; the day is
 * the campaign's last. */
static int unit_records(struct req *r, int64_t unit, const char *from, const char *to, int response, int limit,
			metric_record_fn *fn, void *ctx)
{
	if (!req_db(r))
		return DB_ERR;
	int64_t c = latest_campaign(r, from, to, !response);
	if (!c)
		return 0;
	struct db_stmt *s = db_query(
		req_db(r), r->a,
		response ? "SELECT u.id, u.name, x.n, g.period_to FROM (SELECT t.unit_id AS unit_id, sum(t.used) AS n FROM "
			   "appraisal_tokens t JOIN unit_tree ut ON ut.unit_id = t.unit_id WHERE ut.ancestor_id = ? AND "
			   "t.campaign_id = ? GROUP BY t.unit_id) x JOIN units u ON u.id = x.unit_id JOIN "
			   "appraisal_campaigns g ON g.id = ? WHERE x.n > 0 ORDER BY x.n DESC, u.id LIMIT ?"
			 : "SELECT u.id, u.name, k.ballots, g.period_to FROM appraisal_counts k JOIN unit_tree ut ON "
			   "ut.unit_id = k.unit_id JOIN units u ON u.id = k.unit_id JOIN appraisal_campaigns g ON g.id = "
			   "k.campaign_id WHERE ut.ancestor_id = ? AND k.campaign_id = ? AND g.id = ? AND k.ballots > 0 "
			   "ORDER BY k.ballots DESC, u.id LIMIT ?",
		"iiiI", unit, c, c, limit);
	if (!s)
		return DB_ERR;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		struct metric_record m = {
			.path = arena_printf(r->a, "/appraisal/campaigns/%lld/units/%lld", (long long)c,
					     (long long)db_column_int64(s, 0)),
			.title = db_column_isnull(s, 1) ? "" : arena_strdup(r->a, db_column_text(s, 1)),
			.day = db_column_isnull(s, 3) ? NULL : arena_strdup(r->a, db_column_text(s, 3)),
			.weight = (double)db_column_int64(s, 2),
		};
		if (fn(ctx, &m))
			break;
	}
	db_reset(s);
	return rc < 0 ? rc : 0;
}

static int score_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			 metric_record_fn *fn, void *ctx)
{
	return unit_records(r, unit, from, to, 0, limit, fn, ctx);
}

static int response_records(struct req *r, int64_t unit, const char *from, const char *to, int limit,
			    metric_record_fn *fn, void *ctx)
{
	return unit_records(r, unit, from, to, 1, limit, fn, ctx);
}

/* appraisal_score has no shares: a subtree with fewer ballots than the
 * campaign's minimum sample scores 0 whatever its answers, a threshold on
 * the subtree's total that no sum of the units' own shares can express;
 * a round computes it per unit (a few small queries over the campaign's
 * per-unit tallies). */
const struct metric appraisal_metrics[] = {
	{.name = "appraisal_score",
	 .label = M_appr_metric_score,
	 .compute = m_score,
	 .kind = METRIC_RATE,
	 .records = score_records},
	{.name = "appraisal_response_rate",
	 .label = M_appr_metric_response,
	 .compute = m_response,
	 .kind = METRIC_RATE,
	 .shares = response_shares,
	 .records = response_records},
	/* one dimension's score: the subtree's minimum sample as for the whole */
	{.name = "appraisal_lawful_duty", .label = M_appr_dim_lawful, .compute = m_dim_lawful, .kind = METRIC_RATE, .records = score_records},
	{.name = "appraisal_fair_enforcement", .label = M_appr_dim_fair, .compute = m_dim_fair, .kind = METRIC_RATE, .records = score_records},
	{.name = "appraisal_openness", .label = M_appr_dim_openness, .compute = m_dim_openness, .kind = METRIC_RATE, .records = score_records},
	{.name = "appraisal_efficiency", .label = M_appr_dim_efficiency, .compute = m_dim_efficiency, .kind = METRIC_RATE, .records = score_records},
	{.name = "appraisal_attitude", .label = M_appr_dim_attitude, .compute = m_dim_attitude, .kind = METRIC_RATE, .records = score_records},
	{.name = "appraisal_integrity", .label = M_appr_dim_integrity, .compute = m_dim_integrity, .kind = METRIC_RATE, .records = score_records},
	{.name = "appraisal_professional_ethics", .label = M_appr_dim_ethics, .compute = m_dim_ethics, .kind = METRIC_RATE, .records = score_records},
	{.name = NULL},
};

const struct route appraisal_results_routes[] = {
	{"GET", "/appraisal/campaigns/{id:int}/results", results_page, P_SIGNED_IN, 0, "appraisal results"},
	{"GET", "/appraisal/campaigns/{id:int}/results.xlsx", results_xlsx, P_SIGNED_IN, 0, "appraisal results"},
	{"GET", "/appraisal/campaigns/{id:int}/units/{unit:int}", unit_page, P_SIGNED_IN, 0, "appraisal unit"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
