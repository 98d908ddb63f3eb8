/* import_pages.c — the import journey in the browser: choose a file, see
 * every bad row with its reason (nothing is imported), fix and upload again;
 * when the file is clean, a preview and one button import all rows in one
 * transaction. The file waits in the imports table between the two steps. */
#include "export.h"
#include "import.h"
#include "../db/db.h"
#include "../web/widgets.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IMPORT_TTL 3600 /* seconds an uploaded file waits for its confirmation */

static void columns_help(struct req *r, const struct record_type *t)
{
	html(r, "<section class=\"card\"><h2>%T</h2><p>%T</p>%H<table class=\"list\"><thead><tr>"
		"<th>%T</th><th>%T</th><th>%T</th></tr></thead><tbody>",
	     M_imp_columns, M_imp_columns_hint, table_wrap_open(r), M_imp_column, M_imp_field_name, M_imp_required);
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (!FIELD_INPUT(f))
			continue;
		html(r, "<tr><td>%T</td><td class=\"mono\">%s</td><td>%H</td></tr>", f->label, f->name,
		     (f->flags & FF_REQUIRED) && !f->dflt ? html_fmt(r, "<span class=\"badge badge-warn\">%T</span>", M_yes) : MARKUP(""));
	}
	html(r, "</tbody></table></div></section>");
}

static void upload_form(struct req *r, const struct record_type *t)
{
	html(r, "<section class=\"card\"><form class=\"form\" method=\"post\" action=\"/r/%s/import\" "
		"enctype=\"multipart/form-data\">%H<div class=\"field\"><label for=\"f-file\">%T%H"
		"</label><input id=\"f-file\" name=\"file\" type=\"file\" required accept=\".csv,.tsv,.txt,.xlsx\">"
		"<p class=\"hint\">%T</p></div><div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button>"
		"<a class=\"btn btn-plain\" href=\"/r/%s/import/template.csv\">%T</a></div></form></section>",
	     t->name, csrf_input(r), M_imp_file, field_required_mark(r), M_imp_file_hint, M_imp_check, t->name, M_imp_template);
}

static void begin(struct req *r, const struct record_type *t)
{
	struct crumb c[] = {{arena_printf(r->a, "/r/%s", t->name), T(r, t->many)}, {NULL, T(r, M_rec_import)}};
	page_begin(r, arena_printf(r->a, "%s · %s", T(r, M_rec_import), T(r, t->many)), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_rec_import), T(r, t->many)), NULL);
}

static int import_page(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_WRITE);
	if (!t)
		return 0;
	begin(r, t);
	upload_form(r, t);
	columns_help(r, t);
	page_end(r);
	return 0;
}

static int template_csv(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_WRITE);
	if (!t)
		return 0;
	buf_puts(&r->out, "\xEF\xBB\xBF");
	int first = 1;
	for (int i = 0; i < t->nfields; i++) {
		if (!FIELD_INPUT(&t->fields[i]))
			continue;
		buf_printf(&r->out, "%s%s%s", first ? "" : ",", T(r, t->fields[i].label),
			   (t->fields[i].flags & FF_REQUIRED) && !t->fields[i].dflt ? "*" : "");
		first = 0;
	}
	buf_puts(&r->out, "\r\n");
	r->content_type = "text/csv; charset=utf-8";
	export_attachment(r, arena_printf(r->a, "%s-template.csv", t->name),
			  arena_printf(r->a, "%s-%s.csv", T(r, t->many), T(r, M_imp_template_file)));
	return 0;
}

/* The first rows of a clean file as they will be saved: every visible
 * field, references by name, sensitive values masked. */
static void preview(struct req *r, const struct record_type *t, const struct import_result *res)
{
	if (!res->npreview)
		return;
	html(r, "<section class=\"card\"><h2>%T</h2>", M_imp_preview);
	if (res->rows > res->npreview) {
		html(r, "<p class=\"muted\">");
		html(r, T(r, M_imp_preview_first), (int64_t)res->npreview, (int64_t)res->rows);
		html(r, "</p>");
	}
	html(r, "%H<table class=\"list\"><thead><tr><th class=\"num\">%T</th>", table_wrap_open(r), M_imp_row);
	for (int i = 0; i < t->nfields; i++)
		if (FIELD_INPUT(&t->fields[i]))
			html(r, "<th>%T</th>", t->fields[i].label);
	html(r, "</tr></thead><tbody>");
	for (size_t k = 0; k < res->npreview; k++) {
		html(r, "<tr><td class=\"num\">%D</td>", (int64_t)(k + 2)); /* the sheet's row: 1 is the header */
		for (int i = 0; i < t->nfields; i++)
			if (FIELD_INPUT(&t->fields[i]))
				html(r, "<td>%s</td>", record_display(r, res->preview[k], i, 0));
		html(r, "</tr>");
	}
	html(r, "</tbody></table></div></section>");
}

/* The report of a checked file: why it cannot go in, or a preview. */
static void report(struct req *r, const struct record_type *t, const struct import_result *res, int64_t pending)
{
	if (res->file_error != M_NONE) {
		html(r, "<div class=\"form-errors\" role=\"alert\"><p>%T", res->file_error);
		if (res->file_detail)
			html(r, T(r, M_imp_detail), res->file_detail);
		html(r, "</p><p>%T</p></div>", M_imp_nothing_imported);
		return;
	}
	if (res->nerrs) {
		html(r, "<div class=\"form-errors\" role=\"alert\"><p>");
		html(r, T(r, M_imp_n_errors), (int64_t)res->nerrs, (int64_t)res->rows);
		html(r, "</p><p>%T</p></div>", M_imp_nothing_imported);
		static const struct list_col cols[] = {
			{M_imp_row, NULL, 1}, {M_imp_column, NULL, 0}, {M_imp_value, NULL, 0}, {M_imp_reason, NULL, 0}};
		list_begin(r, cols, 4, -1, 0);
		for (size_t i = 0; i < res->listed; i++) {
			const struct import_error *e = &res->errs[i];
			html(r, "<tr><td class=\"num\">%D</td><td>%s</td><td class=\"mono\">%s</td><td class=\"wrap\">%T</td></tr>", (int64_t)e->row,
			     e->column ? e->column : "", e->value ? e->value : "", e->why);
		}
		list_end(r);
		if (res->nerrs > res->listed)
			html(r, "<p class=\"muted\">%T</p>", M_imp_more_errors);
		return;
	}
	html(r, "<div class=\"flash flash-ok\" role=\"status\">");
	html(r, T(r, M_imp_ready), (int64_t)res->rows);
	html(r, "</div>");
	preview(r, t, res);
	html(r, "<section class=\"card\"><form method=\"post\" action=\"/r/%s/import/%D\">%H<button class=\"btn "
		"btn-primary\">",
	     t->name, pending, csrf_input(r));
	html(r, T(r, M_imp_go), (int64_t)res->rows);
	html(r, "</button> <a class=\"btn btn-plain\" href=\"/r/%s/import\">%T</a></form><p class=\"muted\">%T %s</p></section>",
	     t->name, M_cancel, M_imp_encoding_found, res->encoding ? res->encoding : "");
}

static int upload_post(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_WRITE);
	if (!t)
		return 0;
	const struct kv *file = NULL;
	for (size_t i = 0; i < r->form.n; i++)
		if (!strcmp(r->form.v[i].name, "file"))
			file = &r->form.v[i];
	struct import_result res;
	memset(&res, 0, sizeof res);
	int64_t pending = 0;
	if (!file || !file->len) {
		res.file_error = M_imp_no_file;
	} else if (records_import(r, t, file->value, file->len, file->filename, 0, &res, NULL, NULL) == 0) {
		/* keep the file for the confirmation step */
		struct db *db = req_db(r);
		size_t b64len = sodium_base64_ENCODED_LEN(file->len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = arena_alloc(r->a, b64len);
		sodium_bin2base64(b64, b64len, (const unsigned char *)file->value, file->len, sodium_base64_VARIANT_ORIGINAL);
		int64_t now = time(NULL);
		db_run(db, "DELETE FROM imports WHERE created_at < ? OR user_id = ?", "ii", now - IMPORT_TTL, r->user->id);
		pending = db_insert(db,
				    "INSERT INTO imports (user_id, type, filename, data, created_at) VALUES (?, ?, ?, ?, ?) "
				    "RETURNING id",
				    "isssi", r->user->id, t->name, file->filename ? file->filename : "", b64, now);
		if (pending <= 0)
			return req_fail(r, 500, M_NONE);
	}
	if (res.file_error != M_NONE || res.nerrs)
		r->status = 422;
	begin(r, t);
	report(r, t, &res, pending);
	if (res.file_error != M_NONE || res.nerrs)
		upload_form(r, t);
	page_end(r);
	return 0;
}

static int commit_post(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_WRITE);
	if (!t)
		return 0;
	struct db *db = req_db(r);
	int64_t id = req_param_int(r, "id");
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT filename, data FROM imports WHERE id = ? AND user_id = ? AND type = ? AND created_at > ?",
				     "iisi", id, r->user->id, t->name, (int64_t)time(NULL) - IMPORT_TTL);
	char *filename = NULL, *b64 = NULL;
	if (q && db_step(q) == DB_ROW) {
		filename = arena_strdup(r->a, db_column_text(q, 0));
		b64 = arena_strdup(r->a, db_column_text(q, 1));
	}
	db_reset(q);
	if (!b64)
		return req_fail(r, 404, M_imp_expired);
	size_t cap = strlen(b64), len = 0;
	unsigned char *data = arena_alloc(r->a, cap + 1);
	if (sodium_base642bin(data, cap, b64, cap, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL))
		return req_fail(r, 500, M_NONE);
	struct import_result res;
	/* checked again inside the transaction: the data may have changed since the preview */
	if (records_import(r, t, (const char *)data, len, filename, 1, &res, NULL, NULL)) {
		r->status = 422;
		begin(r, t);
		report(r, t, &res, 0);
		upload_form(r, t);
		page_end(r);
		return 0;
	}
	db_run(db, "DELETE FROM imports WHERE id = ?", "i", id);
	req_flash(r, "ok", M_imp_done);
	return req_redirect(r, arena_printf(r->a, "/r/%s?sort=-id", t->name));
}

const struct route import_routes[] = {
	{"GET", "/r/{type:str}/import", import_page, P_SIGNED_IN, 0, "records import"},
	{"GET", "/r/{type:str}/import/template.csv", template_csv, P_SIGNED_IN, 0, "records import template"},
	{"POST", "/r/{type:str}/import", upload_post, P_SIGNED_IN, 1, "records import check"},
	{"POST", "/r/{type:str}/import/{id:int}", commit_post, P_SIGNED_IN, 1, "records import commit"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
