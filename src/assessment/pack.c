/* pack.c — a unit's evidence pack (佐證材料包) for the civilized-unit
 * review: GET /assessment/rounds/R/units/U/pack.zip, one ZIP built in
 * memory with libzip and sent at once: index.html (the unit, its total
 * and grade, and per indicator its points, the explanation of each point,
 * the office's comment, the unit's self-assessment and links, its evidence
 * files linked to their copies in the ZIP, and the records behind the
 * computed figures frozen at compute), evidence/ with the files and
 * summary.xlsx (one row per indicator). Who
 * may read it is who may see the unit's results (assess_round_may_see);
 * each download is audited as an export. Nothing here changes data. */
#include "../db/db.h"
#include "../http/audit.h"
#include "../records/export.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "assessment.h"
#include "roundwork.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

/* Adds bytes (kept alive by the arena until zip_close) as name. 0 or -1. */
static int zip_put(zip_t *z, const char *name, const void *data, size_t n, int compress)
{
	zip_source_t *s = zip_source_buffer(z, data, n, 0);
	if (!s)
		return -1;
	zip_int64_t idx = zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(s);
		return -1;
	}
	zip_set_file_compression(z, (zip_uint64_t)idx, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
	return 0;
}

/* A file name safe inside the ZIP: no slashes, backslashes or control
 * bytes (arena). */
static const char *zip_safe_name(struct req *r, const char *name)
{
	char *s = arena_strdup(r->a, name);
	for (char *p = s; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || *p == ':')
			*p = '_';
	return *s && strcmp(s, ".") && strcmp(s, "..") ? s : "file";
}

static void index_head(struct buf *b, struct req *r, const char *title)
{
	html_buf(b, r->lang,
		 "<!DOCTYPE html><html lang=\"%a\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
		 "content=\"width=device-width, initial-scale=1\"><title>%s</title><style>body{font-family:sans-serif;"
		 "max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.5}section{border:1px solid #ccc;"
		 "border-radius:6px;padding:.5rem 1rem;margin:1rem 0}h2{font-size:1.1rem}.pts{float:right}"
		 ".hint{color:#555}dt{font-weight:bold}</style></head><body><h1>%s</h1>",
		 lang_code(r->lang), title, title);
}

/* The summary workbook's rows, prepared in the request (the writer runs on
 * a thread of its own: export_workbook). */
struct summary {
	const char *sheet, *title;
	const char *head[6];
	int n;
	const char **name, **explain, **text;
	double *points, *max;
	int *scored, *files;
};

static int summary_write(void *ctx, const char *path)
{
	const struct summary *s = ctx;
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, s->sheet);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	worksheet_write_string(ws, 0, 0, s->title, bold);
	static const double widths[6] = {36, 8, 8, 40, 60, 8};
	for (int i = 0; i < 6; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], i >= 3 ? wrap : NULL);
		worksheet_write_string(ws, 2, (lxw_col_t)i, s->head[i], bold);
	}
	for (int i = 0; i < s->n; i++) {
		lxw_row_t row = (lxw_row_t)(3 + i);
		worksheet_write_string(ws, row, 0, s->name[i], NULL);
		if (s->scored[i])
			worksheet_write_number(ws, row, 1, s->points[i], NULL);
		worksheet_write_number(ws, row, 2, s->max[i], NULL);
		worksheet_write_string(ws, row, 3, s->explain[i], wrap);
		worksheet_write_string(ws, row, 4, s->text[i], wrap);
		worksheet_write_number(ws, row, 5, s->files[i], NULL);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int pack_get(struct req *r)
{
	struct assess_round rd;
	if (rw_round_of_route(r, &rd))
		return 0;
	int64_t unit = req_param_int(r, "unit");
	const char *uname, *kind;
	if (rw_round_unit(r, rd.id, unit, &uname, &kind))
		return req_fail(r, 404, M_rw_not_in_round);
	if (!assess_round_may_see(r, &rd, unit))
		return req_fail(r, 403, M_NONE);
	struct db *db = req_db(r);
	struct rw_leaf *v;
	int n = rw_leaves_load(r, &rd, unit, kind, 0, &v);
	if (n < 0)
		return req_fail(r, 503, M_err_db_down);

	struct summary sm = {.sheet = T(r, M_rw_pack), .title = NULL, .n = n};
	sm.head[0] = T(r, M_rw_indicator), sm.head[1] = T(r, M_rw_points), sm.head[2] = T(r, M_rw_max);
	sm.head[3] = T(r, M_rw_explanation), sm.head[4] = T(r, M_rw_self_text), sm.head[5] = T(r, M_rw_evidence);
	sm.name = arena_alloc(r->a, (size_t)(n + 1) * sizeof *sm.name);
	sm.explain = arena_alloc(r->a, (size_t)(n + 1) * sizeof *sm.explain);
	sm.text = arena_alloc(r->a, (size_t)(n + 1) * sizeof *sm.text);
	sm.points = arena_alloc(r->a, (size_t)(n + 1) * sizeof *sm.points);
	sm.max = arena_alloc(r->a, (size_t)(n + 1) * sizeof *sm.max);
	sm.scored = arena_alloc(r->a, (size_t)(n + 1) * sizeof *sm.scored);
	sm.files = arena_alloc(r->a, (size_t)(n + 1) * sizeof *sm.files);

	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!z) {
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return req_fail(r, 500, M_rw_pack_failed);
	}
	zip_source_keep(src);
	int bad = 0, nfiles = 0;

	const char *title = arena_printf(r->a, "%s · %s · %s", T(r, M_rw_pack), uname, rd.name);
	struct buf b;
	buf_init(&b, r->a);
	index_head(&b, r, title);
	struct db_stmt *tq = db_query(db, r->a,
				      "SELECT total, grade, vetoed FROM assess_round_units WHERE round_id = ? AND unit_id = ?",
				      "ii", rd.id, unit);
	int has_total = tq && db_step(tq) == DB_ROW && !db_column_isnull(tq, 0);
	html_buf(&b, r->lang, "<dl><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s – %s</dd>", M_rw_unit,
		 uname, M_rw_round, rd.name, M_rw_period, rd.period_from, rd.period_to);
	if (has_total) {
		const char *grade = db_column_isnull(tq, 1) ? "" : arena_strdup(r->a, db_column_text(tq, 1));
		html_buf(&b, r->lang, "<dt>%T</dt><dd id=\"total\">%s</dd>", M_rw_total,
			 assess_num(r, db_column_double(tq, 0)));
		if (*grade)
			html_buf(&b, r->lang, "<dt>%T</dt><dd>%T%s</dd>", M_rw_grade, assess_grade_label(grade),
				 db_column_int64(tq, 2) ? arena_printf(r->a, " (%s)", T(r, M_rw_vetoed)) : "");
	}
	buf_puts(&b, "</dl>");
	const char *base = r->app && r->app->cfg->base_url && r->app->cfg->base_url[0] ? r->app->cfg->base_url : "";
	for (int i = 0; i < n; i++) {
		const struct rw_leaf *l = &v[i];
		html_buf(&b, r->lang, "<section id=\"leaf-%D\"><h2>%s%s%s <span class=\"pts\">%s / %s</span></h2>", l->id,
			 l->parent_name, *l->parent_name ? " · " : "", l->name,
			 l->scored ? assess_num(r, l->points) : T(r, M_rw_not_scored), assess_num(r, l->max));
		if (*l->standard)
			html_buf(&b, r->lang, "<p class=\"hint\"><strong>%T</strong> %s</p>", M_rw_standard, l->standard);
		html_buf(&b, r->lang, "<dl>");
		if (l->has_score && *l->explanation)
			html_buf(&b, r->lang, "<dt>%T</dt><dd>%s</dd>", M_rw_explanation,
				 assess_explain(r, l->explanation, l->points, l->max));
		if (*l->comment)
			html_buf(&b, r->lang, "<dt>%T</dt><dd>%s</dd>", M_rw_comment, l->comment);
		html_buf(&b, r->lang, "<dt>%T</dt><dd class=\"self\">%s</dd>", M_rw_self_text, *l->text ? l->text : "—");
		if (*l->links) {
			html_buf(&b, r->lang, "<dt>%T</dt><dd><ul>", M_rw_links);
			for (const char *p = l->links; *p;) {
				size_t k = strcspn(p, "\n");
				const char *one = arena_printf(r->a, "%.*s", (int)k, p);
				html_buf(&b, r->lang, "<li><a href=\"%a%a\">%s</a></li>", base, one, one);
				p += k;
				if (*p)
					p++;
			}
			buf_puts(&b, "</ul></dd>");
		}
		/* the evidence files, copied into the ZIP */
		struct db_stmt *fq =
			l->self_id ? db_query(db, r->a,
					      "SELECT id, name, data FROM files WHERE record_type = ? AND record_id = ? ORDER BY id",
					      "si", RW_SELF_TYPE, l->self_id)
				   : NULL;
		int nf = 0;
		while (fq && db_step(fq) == DB_ROW) {
			int64_t fid = db_column_int64(fq, 0);
			const char *name = zip_safe_name(r, db_column_text(fq, 1));
			size_t len = 0;
			const void *data = db_column_blob(fq, 2, &len);
			void *copy = arena_alloc(r->a, len ? len : 1);
			if (len)
				memcpy(copy, data, len);
			const char *path = arena_printf(r->a, "evidence/%lld-%s", (long long)fid, name);
			if (zip_put(z, path, copy, len, 0))
				bad = 1;
			if (!nf++)
				html_buf(&b, r->lang, "<dt>%T</dt><dd><ul>", M_rw_evidence);
			html_buf(&b, r->lang, "<li><a href=\"%a\">%s</a></li>", path, name);
			nfiles++;
		}
		if (nf)
			buf_puts(&b, "</ul></dd>");
		sm.name[i] = arena_printf(r->a, "%s%s%s", l->parent_name, *l->parent_name ? " · " : "", l->name);
		sm.explain[i] = l->has_score && *l->explanation ? assess_explain(r, l->explanation, l->points, l->max) : "";
		if (*l->comment)
			sm.explain[i] = arena_printf(r->a, "%s%s%s", sm.explain[i], *sm.explain[i] ? " — " : "", l->comment);
		sm.text[i] = l->text;
		sm.points[i] = l->points;
		sm.max[i] = l->max;
		sm.scored[i] = l->scored;
		sm.files[i] = nf;
		/* the records behind a deduction's or a bonus's figure */
		int bonus = !strcmp(l->method, "bonus");
		if (!strcmp(l->method, "deduction") || bonus) {
			struct db_stmt *rq = db_query(
				db, r->a,
				bonus ? "SELECT path, title, COALESCE(day, '') FROM assess_round_records WHERE round_id = ? AND "
					"unit_id = ? AND metric LIKE 'honors_valid_%' ORDER BY day, path"
				      : "SELECT path, title, COALESCE(day, '') FROM assess_round_records WHERE round_id = ? AND "
					"unit_id = ? AND metric = ? ORDER BY day, path",
				bonus ? "ii" : "iis", rd.id, unit, l->metric);
			int nr = 0;
			while (rq && db_step(rq) == DB_ROW) {
				if (!nr++)
					html_buf(&b, r->lang, "<dt>%T</dt><dd><ul class=\"records\">", M_rw_pack_records);
				const char *path = db_column_text(rq, 0);
				html_buf(&b, r->lang, "<li><a href=\"%a%a\">%s</a> <span class=\"hint\">%s %s</span></li>", base,
					 path, db_column_text(rq, 1), db_column_text(rq, 2), path);
			}
			if (nr)
				buf_puts(&b, "</ul></dd>");
		}
		buf_puts(&b, "</dl></section>");
	}
	html_buf(&b, r->lang, "<p><a href=\"summary.xlsx\">summary.xlsx</a></p></body></html>\n");
	if (zip_put(z, "index.html", b.p, b.len, 1))
		bad = 1;
	/* the summary workbook: written into r->out by export_workbook, moved
	 * into the archive */
	sm.title = title;
	if (!bad) {
		if (export_workbook(r, summary_write, &sm)) {
			zip_discard(z);
			zip_source_free(src);
			return 0; /* export_workbook has answered */
		}
		void *book = arena_alloc(r->a, r->out.len ? r->out.len : 1);
		size_t blen = r->out.len;
		memcpy(book, r->out.p, blen);
		buf_reset(&r->out);
		if (zip_put(z, "summary.xlsx", book, blen, 0))
			bad = 1;
	}
	if (bad || zip_close(z) != 0) {
		zip_discard(z); /* after a failed close the archive is still open */
		zip_source_free(src);
		return req_fail(r, 500, M_rw_pack_failed);
	}
	/* the archive's bytes, from the source it was written to */
	zip_stat_t st;
	int rc = -1;
	if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && zip_source_open(src) == 0) {
		buf_reset(&r->out);
		buf_grow(&r->out, (size_t)st.size + 1);
		zip_int64_t got = zip_source_read(src, r->out.p, st.size);
		zip_source_close(src);
		if (got == (zip_int64_t)st.size) {
			r->out.len = (size_t)got;
			rc = 0;
		}
	}
	zip_source_free(src);
	if (rc) {
		buf_reset(&r->out);
		return req_fail(r, 500, M_rw_pack_failed);
	}
	json_t *what = json_pack("{s:s, s:I, s:I, s:i, s:i}", "what", "evidence_pack", "round_id", (json_int_t)rd.id,
				 "unit_id", (json_int_t)unit, "indicators", n, "files", nfiles);
	int arc = audit_log_read(r, "export", "assess_round_units", unit, what);
	json_decref(what);
	if (arc) {
		buf_reset(&r->out);
		return req_fail(r, 503, M_err_db_down);
	}
	r->content_type = "application/zip";
	export_attachment(r, arena_printf(r->a, "evidence-pack-%lld-%lld.zip", (long long)rd.id, (long long)unit),
			  arena_printf(r->a, "%s-%s-%s.zip", T(r, M_rw_pack), uname, rd.name));
	return 0;
}

const struct route assess_pack_routes[] = {
	{"GET", "/assessment/rounds/{id:int}/units/{unit:int}/pack.zip", pack_get, P_SIGNED_IN, 0, "assessment pack"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
