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

/* Content-Disposition for a download named in the user's language
 * (人員-2026-12-02.csv): the name as RFC 5987 filename*, and ascii (people-
 * 2026-12-02.csv) as filename for clients that read only that. */
void export_attachment(struct req *r, const char *ascii, const char *name);

#endif
