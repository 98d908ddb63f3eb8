/* sheet.h — read an uploaded spreadsheet (XLSX or CSV/TSV) into rows of
 * UTF-8 strings, for the record import feature.
 *
 * Users upload staff lists saved from Excel or WPS: XLSX, or CSV/TSV in
 * UTF-8, UTF-16 ("Unicode text"), GBK/GB18030 or Big5. sheet_read turns any
 * of them into a grid of NUL-terminated UTF-8 cells and nothing more: it does
 * not know what a column means, does not convert dates or numbers (beyond
 * writing integers without ".0"), and never touches the database. The input
 * is hostile: every size is bounded (rows, columns, cell length, decompressed
 * bytes) and XML DTDs are refused. */
#ifndef WM_SHEET_H
#define WM_SHEET_H

#include <stddef.h>

struct arena;

/* A rectangular grid: nrows rows of ncols cells; cells[r][c] is UTF-8,
 * NUL-terminated, "" when empty. Row 0 is the header. ncols is the width of
 * the widest row (trailing empty cells do not count), so cells of a data row
 * that is wider than the header sit under "" header cells: the importer
 * reports them. Everything lives in the arena given to sheet_read. */
struct sheet {
	size_t nrows, ncols;
	char ***cells;
};

enum sheet_error {
	SHEET_OK,
	SHEET_UNKNOWN_FORMAT, /* binary that is not a zip (e.g. legacy .xls, encrypted .xlsx) */
	SHEET_BAD_CSV,        /* quoting error; *where = the row being read */
	SHEET_BAD_XLSX,       /* bad zip, encrypted entry, missing part, bad XML or reference */
	SHEET_ENCODING,       /* not UTF-8/UTF-16 and neither GB18030 nor Big5 decodes it */
	SHEET_TOO_BIG,        /* a limit below was exceeded; *where = row, 0 if none */
	SHEET_EMPTY,          /* no non-empty row at all */
};

/* Limits that are not parameters of sheet_read. */
#define SHEET_MAX_CELL (32 * 1024)                  /* bytes of UTF-8 in one cell */
#define SHEET_MAX_INFLATED ((size_t)64 * 1024 * 1024) /* decompressed XLSX parts, or decoded CSV */

/* Reads the spreadsheet in data[0..len). The format is taken from the bytes:
 * a zip signature ("PK\3\4") means XLSX, the OLE2 signature or NUL bytes
 * without a UTF-16 BOM mean an unsupported binary, anything else is CSV (or
 * TSV when the first line has a tab and no comma).
 *
 * XLSX: the first worksheet in tab order. Cells are placed by their r=
 * reference; shared, inline and formula strings are text; numbers are as
 * written in the file except that integral values lose ".0"/exponent
 * ("12.0" → "12", "1.5" stays); booleans are "TRUE"/"FALSE"; dates stay
 * serial numbers (see sheet_excel_date).
 *
 * At most max_rows rows (the header included) and max_cols columns; empty
 * cells and empty rows past the last non-empty one do not count, a non-empty
 * cell beyond either limit is SHEET_TOO_BIG (so is an XLSX reference such as
 * XFD1048576 that holds a value). Trailing empty rows are dropped; empty rows
 * in between are kept as rows of "".
 *
 * Returns SHEET_OK and fills *out (arena), or an error code and leaves *out
 * empty. *where (may be NULL) receives the 1-based row at fault, 0 when the
 * error is not about a row. *detected_encoding (may be NULL) receives a
 * static string — "UTF-8", "UTF-16", "GB18030" or "Big5" ("UTF-8" for XLSX)
 * — or NULL when none was found. Temporary memory is released before the
 * function returns; the result lives in the arena. */
enum sheet_error sheet_read(struct arena *a, const char *data, size_t len, size_t max_rows, size_t max_cols,
                            struct sheet *out, size_t *where, const char **detected_encoding);

/* Converts an Excel date serial in the 1900 system ("45292", "45292.75";
 * the fraction, a time of day, is ignored) to "YYYY-MM-DD" in out. Serials
 * 1–59 are 1900-01-01 to 1900-02-28; 60 is Excel's fictitious 1900-02-29 and
 * is refused; 61 is 1900-03-01. Returns 0, or -1 (out = "") when the text is
 * not a number or lies outside 1 … 2958465 (9999-12-31). */
int sheet_excel_date(const char *serial, char out[11]);

/* A short English name of the error, for logs ("bad CSV"); static. */
const char *sheet_strerror(enum sheet_error e);

#endif
