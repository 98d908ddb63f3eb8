/* export.h — "export this list": the rows a list query selects, every
 * visible field, as CSV (UTF-8 with a BOM so Excel reads it) or XLSX
 * (libxlsxwriter). Sensitive values are masked as on the page. Every export
 * is audited ("export": who, the register, the query string with its
 * filters, the number of rows and the format) before the file is sent. */
#ifndef WM_RECORDS_EXPORT_H
#define WM_RECORDS_EXPORT_H

#include "query.h"

#define EXPORT_MAX_ROWS 200000

int records_export(struct req *r, struct list_query *q, const char *format);

/* A workbook into r->out: write(ctx, path) creates it at path with
 * libxlsxwriter and closes it (0, or -1). libxlsxwriter's zip writer needs
 * more stack than a civetweb worker has (Debian builds them with 100 KiB),
 * so write runs on a thread of its own with a roomy stack while the worker
 * waits, into a temporary file that is read back and removed. 0, or -1
 * when the request has failed (req_fail has answered it). */
int export_workbook(struct req *r, int (*write)(void *ctx, const char *path), void *ctx);

/* A module's statistics for unit's subtree from day from to day to, as a
 * workbook: export_workbook, then its audit entry ("export", entity, unit,
 * the query string) and the download named ENTITY-FROM-TO.xlsx (entity's
 * "_" as "-") and TITLE-UNITNAME-FROM-TO.xlsx in the user's language.
 * Returns 0: the request has its answer, or has failed. */
int export_stats_workbook(struct req *r, const char *entity, const char *title, int64_t unit, const char *unit_name,
			  int64_t from, int64_t to, int (*write)(void *ctx, const char *path), void *ctx);

/* A statistics workbook's summary sheet (xlsxwriter's lxw_worksheet): the
 * unit's name and the period from–to in the first two rows, labels in bold
 * in a wide first column; then figures, one labelled number a row from row.
 * Each returns the next free row. */
struct lxw_worksheet;
struct lxw_format;
struct stats_figure {
	enum msg_id label;
	double value;
};
uint32_t stats_sheet_head(struct req *r, struct lxw_worksheet *ws, struct lxw_format *bold, const char *unit_name,
			  int64_t from, int64_t to);
uint32_t stats_sheet_figures(struct req *r, struct lxw_worksheet *ws, uint32_t row, const struct stats_figure *f,
			     size_t n);

/* Content-Disposition for a download named in the user's language
 * (人員-2026-12-02.csv): the name as RFC 5987 filename*, and ascii (people-
 * 2026-12-02.csv) as filename for clients that read only that. */
void export_attachment(struct req *r, const char *ascii, const char *name);

#endif
