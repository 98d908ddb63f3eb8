/* import.h — import a spreadsheet (CSV or XLSX) into a record type.
 *
 * Columns are matched to fields by field name or by label in any of the
 * three languages ("姓名", "name", "Name"); an "id" column is ignored.
 * Every row is checked exactly as a form would be (plus uniqueness within
 * the file); references may be given as ids or as codes / names. Either all
 * rows go in, in one transaction, or none do. The batch gets one audit
 * entry naming the file (its SHA-256), the row count and the ids created. */
#ifndef WM_RECORDS_IMPORT_H
#define WM_RECORDS_IMPORT_H

#include <stddef.h>

#include "record.h"

#define IMPORT_MAX_ROWS 2000000
#define IMPORT_MAX_ERRORS 500 /* listed; all are counted */

struct import_error {
	size_t row;          /* 1-based line of the sheet, the header is 1 */
	const char *column;  /* the header text, or NULL */
	const char *value;
	enum msg_id why;
};

/* Rows shown in the preview of a clean file. */
#define IMPORT_PREVIEW_ROWS 20

struct import_result {
	size_t rows;               /* data rows read */
	size_t nerrs;              /* all errors found */
	size_t listed;             /* the first IMPORT_MAX_ERRORS of them */
	struct import_error *errs;
	enum msg_id file_error;    /* the file as a whole is unusable */
	const char *file_detail;   /* e.g. the column at fault */
	const char *encoding;
	int64_t first_id, last_id; /* after a commit */
	const char **columns;      /* the fields matched, in sheet order (NULL: ignored) */
	size_t ncols;
	/* a check (no commit) of a clean file: its first rows as they will be
	 * saved (converted, references resolved), for the preview; arena */
	struct record *preview[IMPORT_PREVIEW_ROWS];
	size_t npreview;
};

/* Reads, checks and (when commit) imports. progress, when set, is called
 * every 1,000 rows and at the end. Returns 0 when the file is acceptable
 * (and, with commit, imported), -1 otherwise (see res). */
int records_import(struct req *r, const struct record_type *t, const char *data, size_t len, const char *filename,
		   int commit, struct import_result *res, void (*progress)(size_t done, size_t total, void *ctx),
		   void *ctx);

#endif
