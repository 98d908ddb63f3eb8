/* fuzz_sheet.c — libFuzzer/AFL++ harness for sheet_read (uploaded XLSX and
 * CSV in any encoding) and sheet_excel_date.
 *
 * Small limits keep each run fast; besides the sanitizers, it checks the
 * promises of sheet.h: an OK grid is within the limits and every cell is
 * valid UTF-8 no longer than SHEET_MAX_CELL; an error leaves *out empty.
 * Seeds: tests/fuzz/corpus/sheet (copies of the small tests/data/sheets). */
#include "fuzz.h"

#include "core/arena.h"
#include "core/buf.h"
#include "records/sheet.h"

#define MAX_ROWS 64
#define MAX_COLS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a);
	struct sheet s;
	size_t where;
	const char *enc;
	enum sheet_error e = sheet_read(&a, (const char *)data, size, MAX_ROWS, MAX_COLS, &s, &where, &enc);
	if (e == SHEET_OK) {
		CHECK(s.nrows > 0 && s.nrows <= MAX_ROWS && s.ncols > 0 && s.ncols <= MAX_COLS && where == 0);
		CHECK(enc != NULL);
		for (size_t r = 0; r < s.nrows; r++)
			for (size_t c = 0; c < s.ncols; c++) {
				const char *cell = s.cells[r][c];
				size_t n = strlen(cell);
				CHECK(n <= SHEET_MAX_CELL && utf8_valid(cell, n));
				char date[11];
				if (sheet_excel_date(cell, date) == 0)
					CHECK(strlen(date) == 10 && date[4] == '-' && date[7] == '-');
			}
	} else {
		CHECK(s.nrows == 0 && s.ncols == 0 && s.cells == NULL);
	}
	arena_free(&a);
	return 0;
}
