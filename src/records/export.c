/* export.c — see export.h. Both formats write a header row of field labels
 * in the user's language (the importer accepts them back) and values as
 * shown on the page: enum labels, unit and person names. */
#include "export.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../core/cal.h"
#include "../web/layout.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

static void csv_cell(struct buf *b, const char *v)
{
	/* a leading = + - @ would be a formula in a spreadsheet, and so would
	 * one after a TAB or CR, which spreadsheets skip (OWASP's list): quote
	 * it away */
	int formula = v[0] && strchr("=+-@\t\r", v[0]);
	if (!formula && !strpbrk(v, ",\"\r\n")) {
		buf_puts(b, v);
		return;
	}
	buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (; *v; v++) {
		if (*v == '"')
			buf_putc(b, '"');
		buf_putc(b, *v);
	}
	buf_putc(b, '"');
}

void export_attachment(struct req *r, const char *ascii, const char *name)
{
	struct buf enc;
	buf_init(&enc, r->a);
	buf_url(&enc, name, strlen(name));
	req_header_add(r, "Content-Disposition: attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc.p);
}

/* The register's name in the user's language and today's date. */
static void attach(struct req *r, const struct record_type *t, const char *ext)
{
	char day[CAL_DATE_SIZE];
	cal_format_date(cal_local_day(time(NULL)), day);
	export_attachment(r, arena_printf(r->a, "%s-%s.%s", t->name, day, ext),
			  arena_printf(r->a, "%s-%s.%s", T(r, t->many), day, ext));
}

/* The rows as CSV in r->out; returns how many were written. */
static int64_t export_csv(struct req *r, struct list_query *q, struct db_stmt *s)
{
	const struct record_type *t = q->t;
	struct buf *b = &r->out;
	buf_puts(b, "\xEF\xBB\xBF");
	buf_puts(b, "id");
	for (int i = 0; i < t->nfields; i++)
		if (!(t->fields[i].flags & FF_HIDDEN)) {
			buf_putc(b, ',');
			csv_cell(b, T(r, t->fields[i].label));
		}
	buf_puts(b, "\r\n");
	int64_t n = 0;
	while (n < EXPORT_MAX_ROWS && db_step(s) == DB_ROW) {
		struct record *rec = record_from_row(r, t, s);
		n++;
		buf_printf(b, "%lld", (long long)rec->id);
		for (int i = 0; i < t->nfields; i++)
			if (!(t->fields[i].flags & FF_HIDDEN)) {
				buf_putc(b, ',');
				csv_cell(b, record_display(r, rec, i, 0));
			}
		buf_puts(b, "\r\n");
	}
	return n;
}

struct workbook_job {
	int (*write)(void *ctx, const char *path);
	void *ctx;
	const char *path;
	int rc;
};

static void *workbook_thread(void *p)
{
	struct workbook_job *j = p;
	j->rc = j->write(j->ctx, j->path);
	return NULL;
}

int export_workbook(struct req *r, int (*write)(void *ctx, const char *path), void *ctx)
{
	char path[] = "/tmp/wenming-book-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return req_fail(r, 500, M_NONE), -1;
	close(fd);
	struct workbook_job job = {write, ctx, path, -1};
	pthread_attr_t attr;
	pthread_t th;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 8u << 20);
	int err = pthread_create(&th, &attr, workbook_thread, &job);
	pthread_attr_destroy(&attr);
	if (err) {
		unlink(path);
		return req_fail(r, 503, M_NONE), -1;
	}
	pthread_join(th, NULL);
	FILE *f = job.rc ? NULL : fopen(path, "rb");
	unlink(path);
	if (!f)
		return req_fail(r, 500, M_NONE), -1;
	size_t n;
	char *chunk = arena_alloc(r->a, 65536);
	while ((n = fread(chunk, 1, 65536, f)) > 0)
		buf_append(&r->out, chunk, n);
	fclose(f);
	return 0;
}

int export_stats_workbook(struct req *r, const char *entity, const char *title, int64_t unit, const char *unit_name,
			  int64_t from, int64_t to, int (*write)(void *ctx, const char *path), void *ctx)
{
	if (export_workbook(r, write, ctx))
		return 0;
	json_t *what = json_pack("{s:s, s:s}", "format", "xlsx", "query", r->query ? r->query : "");
	int rc = audit_log_read(r, "export", entity, unit, what);
	json_decref(what);
	if (rc)
		return req_fail(r, 500, M_NONE);
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	char f[CAL_DATE_SIZE], t[CAL_DATE_SIZE];
	cal_format_date(from, f);
	cal_format_date(to, t);
	char *ascii = arena_printf(r->a, "%s-%s-%s.xlsx", entity, f, t);
	for (char *c = ascii; *c; c++)
		if (*c == '_')
			*c = '-';
	export_attachment(r, ascii, arena_printf(r->a, "%s-%s-%s-%s.xlsx", title, unit_name ? unit_name : "", f, t));
	return 0;
}

struct xlsx_job {
	struct req *r;
	struct list_query *q;
	struct db_stmt *s;
	int64_t rows;
};

/* The list's rows as a workbook at path (export_workbook). */
static int xlsx_write(void *ctx, const char *path)
{
	struct xlsx_job *j = ctx;
	struct req *r = j->r;
	const struct record_type *t = j->q->t;
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, T(r, t->many)) : NULL;
	if (!ws) {
		if (wb)
			workbook_close(wb);
		return -1;
	}
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xEAF0F8);
	int col = 0;
	worksheet_write_string(ws, 0, (lxw_col_t)col++, "id", head);
	for (int i = 0; i < t->nfields; i++)
		if (!(t->fields[i].flags & FF_HIDDEN)) {
			worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, 16, NULL);
			worksheet_write_string(ws, 0, (lxw_col_t)col++, T(r, t->fields[i].label), head);
		}
	worksheet_freeze_panes(ws, 1, 0);
	lxw_row_t row = 1;
	while (db_step(j->s) == DB_ROW && row <= EXPORT_MAX_ROWS) {
		struct record *rec = record_from_row(r, t, j->s);
		col = 0;
		worksheet_write_number(ws, row, (lxw_col_t)col++, (double)rec->id, NULL);
		for (int i = 0; i < t->nfields; i++) {
			const struct field_def *f = &t->fields[i];
			if (f->flags & FF_HIDDEN)
				continue;
			const char *v = record_display(r, rec, i, 0);
			if (rec->vals[i] && (f->type == F_INT || f->type == F_DECIMAL))
				worksheet_write_number(ws, row, (lxw_col_t)col++, strtod(rec->vals[i], NULL), NULL);
			else
				worksheet_write_string(ws, row, (lxw_col_t)col++, v, NULL);
		}
		row++;
	}
	j->rows = (int64_t)row - 1;
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

/* The rows as a workbook in r->out; returns how many were written, or -1
 * when the request has failed. */
static int64_t export_xlsx(struct req *r, struct list_query *q, struct db_stmt *s)
{
	struct xlsx_job job = {r, q, s, -1};
	return export_workbook(r, xlsx_write, &job) ? -1 : job.rows;
}

int records_export(struct req *r, struct list_query *q, const char *format)
{
	const struct record_type *t = q->t;
	struct db_stmt *s = list_query_run(r, q, -1, 0);
	if (!s)
		return req_fail(r, 503, M_err_db_down);
	int xlsx = !strcmp(format, "xlsx");
	int64_t rows = xlsx ? export_xlsx(r, q, s) : export_csv(r, q, s);
	db_reset(s); /* stopped at the cap, it would hold the audit entry uncommitted */
	if (rows < 0)
		return 0;
	/* who took which rows out, and where they came from: the file is sent
	 * only once its audit entry is written */
	json_t *what = json_pack("{s:s, s:s, s:I}", "format", format, "query", r->query ? r->query : "", "rows",
				 (json_int_t)rows);
	int rc = audit_log_read(r, "export", t->name, 0, what);
	json_decref(what);
	if (rc)
		return req_fail(r, 500, M_NONE);
	r->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			       : "text/csv; charset=utf-8";
	attach(r, t, format);
	return 0;
}

uint32_t stats_sheet_head(struct req *r, lxw_worksheet *ws, lxw_format *bold, const char *unit_name, int64_t from,
			  int64_t to)
{
	char a[CAL_DATE_SIZE], b[CAL_DATE_SIZE];
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 2, 24, NULL);
	worksheet_write_string(ws, 0, 0, T(r, M_unit), bold);
	worksheet_write_string(ws, 0, 1, unit_name ? unit_name : "", NULL);
	worksheet_write_string(ws, 1, 0, T(r, M_stats_period), bold);
	worksheet_write_string(ws, 1, 1,
			       arena_printf(r->a, "%s – %s", cal_format_date(from, a), cal_format_date(to, b)), NULL);
	return 2;
}

uint32_t stats_sheet_figures(struct req *r, lxw_worksheet *ws, uint32_t row, const struct stats_figure *f, size_t n)
{
	for (size_t k = 0; k < n; k++, row++) {
		worksheet_write_string(ws, row, 0, T(r, f[k].label), NULL);
		worksheet_write_number(ws, row, 1, f[k].value, NULL);
	}
	return row;
}
