/* test_sheet.c — sheet_read, the reader of uploaded staff lists: CSV/TSV in
 * every encoding Excel and WPS save (UTF-8 with and without BOM, UTF-16,
 * GBK, Big5), XLSX (shared, inline and rich strings, numbers, dates, gaps,
 * the first visible sheet only), the limits, and hostile files (zip bombs,
 * DTDs, deep nesting, truncated and encrypted zips, far references).
 *
 * Samples live in tests/data/sheets (make_samples.py rebuilds them); small
 * XLSX cases are built here with a stored-zip writer so that each test shows
 * the XML it is about. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "records/sheet.h"

/* ---- helpers ----------------------------------------------------------- */

/* tests/data/sheets, found from this file's path (CMake compiles it by
 * absolute path) unless SHEET_DATA_DIR says otherwise. */
static char *data_path(const char *name)
{
	static char path[4096]; /* test-only; one path at a time */
#ifdef SHEET_DATA_DIR
	snprintf(path, sizeof path, "%s/%s", SHEET_DATA_DIR, name);
#else
	const char *file = __FILE__, *slash = strrchr(file, '/');
	snprintf(path, sizeof path, "%.*s/../data/sheets/%s", slash ? (int)(slash - file) : 1,
	         slash ? file : ".", name);
#endif
	return path;
}

/* Contents of a sample file, NUL-terminated; caller frees. */
static char *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(data_path(name), "rb");
	if (!f)
		fail_msg("cannot open sample %s", data_path(name));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	p[n] = 0;
	*len = (size_t)n;
	return p;
}

struct fx {
	struct arena a;
	struct sheet s;
	size_t where;
	const char *enc;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	arena_init(&f->a);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->a);
	free(f);
	return 0;
}

static enum sheet_error read_mem(struct fx *f, const char *data, size_t len, size_t max_rows, size_t max_cols)
{
	f->where = 12345;
	f->enc = "unset";
	return sheet_read(&f->a, data, len, max_rows, max_cols, &f->s, &f->where, &f->enc);
}

static enum sheet_error read_lim(struct fx *f, const char *text, size_t max_rows, size_t max_cols)
{
	return read_mem(f, text, strlen(text), max_rows, max_cols);
}

static enum sheet_error read_str(struct fx *f, const char *text)
{
	return read_lim(f, text, 1000, 100);
}

static enum sheet_error read_sample(struct fx *f, const char *name)
{
	size_t len;
	char *data = slurp(name, &len);
	enum sheet_error e = read_mem(f, data, len, 10000, 200);
	free(data);
	return e;
}

static void assert_row(const struct sheet *s, size_t r, size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	assert_true(r < s->nrows);
	assert_int_equal(s->ncols, n);
	for (size_t c = 0; c < n; c++)
		assert_string_equal(s->cells[r][c], va_arg(ap, const char *));
	va_end(ap);
}

static void assert_same_sheet(const struct sheet *x, const struct sheet *y)
{
	assert_int_equal(x->nrows, y->nrows);
	assert_int_equal(x->ncols, y->ncols);
	for (size_t r = 0; r < x->nrows; r++)
		for (size_t c = 0; c < x->ncols; c++)
			if (strcmp(x->cells[r][c], y->cells[r][c]) != 0)
				fail_msg("cell %zu,%zu: \"%s\" vs \"%s\"", r, c, x->cells[r][c], y->cells[r][c]);
}

/* UTF-8 text re-encoded with iconv; caller frees. */
static char *encode(const char *text, const char *to, size_t *len)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t il = strlen(text), cap = il * 4 + 16, ol = cap;
	char *out = malloc(cap), *ip = (char *)text, *op = out;
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	*len = cap - ol;
	return out;
}

/* A zip with stored (uncompressed) entries: enough for XLSX cases. */
struct zipw {
	struct buf data, cdir;
	unsigned n;
};

static uint32_t crc32_of(const char *p, size_t n)
{
	uint32_t table[256], c;
	for (uint32_t i = 0; i < 256; i++) {
		c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
		table[i] = c;
	}
	c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ (unsigned char)p[i]) & 0xFF] ^ (c >> 8);
	return ~c;
}

static void put16(struct buf *b, unsigned v)
{
	buf_putc(b, (char)(v & 0xFF));
	buf_putc(b, (char)(v >> 8));
}

static void put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xFFFF);
	put16(b, v >> 16);
}

static void zipw_add(struct zipw *z, const char *name, const char *content)
{
	size_t nlen = strlen(name), clen = strlen(content);
	uint32_t crc = crc32_of(content, clen), off = (uint32_t)z->data.len;
	put32(&z->data, 0x04034b50);
	put16(&z->data, 20), put16(&z->data, 0), put16(&z->data, 0), put16(&z->data, 0), put16(&z->data, 0);
	put32(&z->data, crc), put32(&z->data, (uint32_t)clen), put32(&z->data, (uint32_t)clen);
	put16(&z->data, (unsigned)nlen), put16(&z->data, 0);
	buf_append(&z->data, name, nlen);
	buf_append(&z->data, content, clen);
	put32(&z->cdir, 0x02014b50);
	put16(&z->cdir, 20), put16(&z->cdir, 20), put16(&z->cdir, 0), put16(&z->cdir, 0);
	put16(&z->cdir, 0), put16(&z->cdir, 0);
	put32(&z->cdir, crc), put32(&z->cdir, (uint32_t)clen), put32(&z->cdir, (uint32_t)clen);
	put16(&z->cdir, (unsigned)nlen), put16(&z->cdir, 0), put16(&z->cdir, 0), put16(&z->cdir, 0);
	put16(&z->cdir, 0), put32(&z->cdir, 0), put32(&z->cdir, off);
	buf_append(&z->cdir, name, nlen);
	z->n++;
}

/* Finishes the archive into the fixture's arena. */
static const char *zipw_end(struct zipw *z, struct arena *a, size_t *len)
{
	uint32_t cdoff = (uint32_t)z->data.len;
	buf_append(&z->data, z->cdir.p, z->cdir.len);
	put32(&z->data, 0x06054b50);
	put16(&z->data, 0), put16(&z->data, 0), put16(&z->data, z->n), put16(&z->data, z->n);
	put32(&z->data, (uint32_t)z->cdir.len), put32(&z->data, cdoff), put16(&z->data, 0);
	char *out = arena_alloc(a, z->data.len);
	memcpy(out, z->data.p, z->data.len);
	*len = z->data.len;
	buf_free(&z->data);
	buf_free(&z->cdir);
	return out;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

/* An XLSX whose only sheet has this <sheetData> content, with these
 * shared strings (NULL: no sharedStrings part). */
static const char *xlsx_with(struct fx *f, const char *sheet_data, const char *sst, size_t *len)
{
	struct zipw z = {0};
	buf_init(&z.data, NULL);
	buf_init(&z.cdir, NULL);
	zipw_add(&z, "xl/workbook.xml",
	         "<workbook " NS " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	         "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
	zipw_add(&z, "xl/_rels/workbook.xml.rels",
	         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	         "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	         "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
	char *ws = arena_printf(&f->a, "<worksheet " NS "><sheetData>%s</sheetData></worksheet>", sheet_data);
	zipw_add(&z, "xl/worksheets/sheet1.xml", ws);
	if (sst)
		zipw_add(&z, "xl/sharedStrings.xml", arena_printf(&f->a, "<sst " NS ">%s</sst>", sst));
	return zipw_end(&z, &f->a, len);
}

static enum sheet_error read_xlsx(struct fx *f, const char *sheet_data, const char *sst, size_t max_rows,
                                  size_t max_cols)
{
	size_t len;
	const char *data = xlsx_with(f, sheet_data, sst, &len);
	return read_mem(f, data, len, max_rows, max_cols);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- CSV: encodings ---------------------------------------------------- */

static void csv_utf8_gives_header_and_rows(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "staff_utf8.csv"), SHEET_OK);
	assert_string_equal(f->enc, "UTF-8");
	assert_int_equal(f->where, 0);
	assert_int_equal(f->s.nrows, 41);
	assert_int_equal(f->s.ncols, 10);
	assert_string_equal(f->s.cells[0][0], "姓名");
	assert_string_equal(f->s.cells[0][9], "备注");
	assert_string_equal(f->s.cells[1][0], "王晓明");
	assert_string_equal(f->s.cells[1][2], "交通运输局");
	assert_string_equal(f->s.cells[1][6], "执法证 ZF-0101");
	assert_string_equal(f->s.cells[3][6], ""); /* 李娜 has no 执法证 */
	assert_string_equal(f->s.cells[3][9], "");
	assert_string_equal(f->s.cells[40][0], "蒋志华");
}

static void csv_utf8_bom_is_skipped_and_crlf_ends_rows(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "staff_utf8_bom.csv"), SHEET_OK);
	assert_string_equal(f->enc, "UTF-8");
	assert_int_equal(f->s.nrows, 41);
	assert_string_equal(f->s.cells[0][0], "姓名");
	assert_string_equal(f->s.cells[0][9], "備註"); /* no "\r" left */
	assert_string_equal(f->s.cells[1][0], "王曉明");
	assert_string_equal(f->s.cells[1][5], "中共黨員");
}

static void csv_gbk_is_read_as_gb18030(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "staff_gbk.csv"), SHEET_OK);
	assert_string_equal(f->enc, "GB18030");
	struct sheet gbk = f->s;
	assert_int_equal(read_sample(f, "staff_utf8.csv"), SHEET_OK);
	assert_same_sheet(&gbk, &f->s);
}

static void csv_big5_is_read_as_big5(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "staff_big5.csv"), SHEET_OK);
	assert_string_equal(f->enc, "Big5");
	struct sheet big5 = f->s;
	assert_int_equal(read_sample(f, "staff_utf8_bom.csv"), SHEET_OK);
	assert_same_sheet(&big5, &f->s);
}

static void csv_traditional_text_saved_as_gbk_is_gb18030(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "staff_hant_gbk.csv"), SHEET_OK);
	assert_string_equal(f->enc, "GB18030");
	struct sheet gbk = f->s;
	assert_int_equal(read_sample(f, "staff_utf8_bom.csv"), SHEET_OK);
	assert_same_sheet(&gbk, &f->s);
}

static void csv_utf16le_unicode_text_is_tab_separated(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "staff_utf16le.txt"), SHEET_OK);
	assert_string_equal(f->enc, "UTF-16");
	struct sheet u16 = f->s;
	assert_int_equal(read_sample(f, "staff_utf8.csv"), SHEET_OK);
	assert_same_sheet(&u16, &f->s);
}

static void csv_utf16be_with_bom_is_read(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_mem(f, "\xFE\xFF\0a\0,\x4E\x2D\0\n", 10, 10, 10), SHEET_OK);
	assert_string_equal(f->enc, "UTF-16");
	assert_row(&f->s, 0, 2, "a", "中");
}

/* Each line of the samples on its own (one staff record, ~25 ideographs)
 * must be recognised: GBK as GB18030, Big5 as Big5, and traditional text
 * typed into a GBK file as GB18030. */
static void encoding_heuristic_recognises_every_single_line(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *sample, *iconv, *expect;
	} cases[] = {
	    {"staff_zh_hans.txt", "GBK", "GB18030"},
	    {"staff_zh_hant.txt", "BIG5", "Big5"},
	    {"staff_zh_hant.txt", "GBK", "GB18030"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t len, n = 0;
		char *text = slurp(cases[k].sample, &len);
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			size_t elen;
			char *bytes = encode(line, cases[k].iconv, &elen);
			enum sheet_error e = read_mem(f, bytes, elen, 10, 20);
			free(bytes);
			if (e != SHEET_OK || strcmp(f->enc, cases[k].expect) != 0)
				fail_msg("%s as %s: \"%s\" read as %s (%d)", cases[k].sample, cases[k].iconv, line,
				         f->enc ? f->enc : "-", e);
			n++;
		}
		assert_int_equal(n, 41);
		free(text);
	}
}

static void encoding_heuristic_recognises_short_names(void **state)
{
	struct fx *f = *state;
	static const char *hans[] = {"王晓明", "陈志强", "党员", "执法证", "交通运输局", "公路管理处"};
	static const char *hant[] = {"王曉明", "陳志強", "黨員", "執法證", "交通運輸局", "公路管理處"};
	for (size_t i = 0; i < sizeof hans / sizeof hans[0]; i++) {
		size_t n;
		char *b = encode(hans[i], "GBK", &n);
		assert_int_equal(read_mem(f, b, n, 10, 10), SHEET_OK);
		free(b);
		if (strcmp(f->enc, "GB18030") != 0)
			fail_msg("GBK %s read as %s", hans[i], f->enc);
		assert_string_equal(f->s.cells[0][0], hans[i]);
		b = encode(hant[i], "BIG5", &n);
		assert_int_equal(read_mem(f, b, n, 10, 10), SHEET_OK);
		free(b);
		if (strcmp(f->enc, "Big5") != 0)
			fail_msg("Big5 %s read as %s", hant[i], f->enc);
		assert_string_equal(f->s.cells[0][0], hant[i]);
	}
}

static void bytes_that_no_encoding_decodes_are_an_encoding_error_with_line(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, "name,unit\nabc,def\n\xFF\xFF,x\n"), SHEET_ENCODING);
	assert_int_equal(f->where, 3);
	assert_null(f->enc);
}

static void utf8_bom_followed_by_invalid_utf8_is_an_encoding_error(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, "\xEF\xBB\xBFname\nok\nbad \xC3\x28\n"), SHEET_ENCODING);
	assert_int_equal(f->where, 3);
	assert_string_equal(f->enc, "UTF-8");
}

static void utf16_with_an_unpaired_surrogate_is_an_encoding_error(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_mem(f, "\xFF\xFE" "a\0\x00\xD8" "b\0", 8, 10, 10), SHEET_ENCODING);
}

/* ---- CSV: syntax ------------------------------------------------------- */

static void csv_quotes_protect_commas_newlines_and_quotes(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "quoted.csv"), SHEET_OK);
	assert_int_equal(f->s.nrows, 3); /* the row of three "" is empty and trailing */
	assert_row(&f->s, 0, 3, "姓名", "地址", "备注");
	assert_row(&f->s, 1, 3, "王晓明", "北京市,朝阳区", "他说\"你好\"");
	assert_row(&f->s, 2, 3, "陈志强", "第一行\r\n第二行", "");
}

static void csv_ragged_rows_are_padded_and_wide_rows_kept(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "ragged.csv"), SHEET_OK);
	assert_int_equal(f->s.nrows, 4); /* ",,", "" and ",,," at the end are dropped */
	assert_row(&f->s, 0, 4, "姓名", "单位", "职务", "");
	assert_row(&f->s, 1, 4, "王晓明", "", "", "");
	assert_row(&f->s, 2, 4, "陈志强", "公路管理处", "", "");
	assert_row(&f->s, 3, 4, "李娜", "办公室", "科员", "多出来的一列");
}

static void csv_empty_rows_between_data_are_kept_so_row_numbers_match(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, "\r\nname\r\n\r\n,\r\nwang\r\n\r\n"), SHEET_OK);
	assert_int_equal(f->s.nrows, 5);
	assert_row(&f->s, 0, 1, "");
	assert_row(&f->s, 1, 1, "name");
	assert_row(&f->s, 2, 1, "");
	assert_row(&f->s, 3, 1, "");
	assert_row(&f->s, 4, 1, "wang");
}

static void csv_last_line_without_newline_is_a_row(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, "a,b\nc,d"), SHEET_OK);
	assert_int_equal(f->s.nrows, 2);
	assert_row(&f->s, 1, 2, "c", "d");
}

static void csv_spaces_around_unquoted_fields_are_trimmed_quoted_kept(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, " a ,\" b \", c d \n"), SHEET_OK);
	assert_row(&f->s, 0, 3, "a", " b ", "c d");
}

static void tsv_is_chosen_when_first_line_has_tabs_and_no_comma(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, "姓名\t单位\n王晓明\t交通运输局,公路管理处\n"), SHEET_OK);
	assert_row(&f->s, 1, 2, "王晓明", "交通运输局,公路管理处");
	assert_int_equal(read_str(f, "a,b\tc\nd\te,f\n"), SHEET_OK);
	assert_row(&f->s, 0, 2, "a", "b\tc");
}

static void csv_unterminated_quote_is_bad_csv_at_its_row(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, "a,b\n\"x\ny\",z\nc,\"never closed\n"), SHEET_BAD_CSV);
	assert_int_equal(f->where, 3);
	assert_int_equal(f->s.nrows, 0);
	assert_null(f->s.cells);
}

static void csv_quote_inside_unquoted_field_is_bad_csv(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_str(f, "a,b\nc,d\"e\n"), SHEET_BAD_CSV);
	assert_int_equal(f->where, 2);
	assert_int_equal(read_str(f, "a,\"b\"x\n"), SHEET_BAD_CSV);
	assert_int_equal(f->where, 1);
}

static void empty_input_and_blank_rows_only_are_empty(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_mem(f, "", 0, 10, 10), SHEET_EMPTY);
	assert_int_equal(f->where, 0);
	assert_int_equal(read_str(f, "\n\r\n,,,\n\"\",\n"), SHEET_EMPTY);
	assert_int_equal(read_str(f, "\xEF\xBB\xBF"), SHEET_EMPTY);
}

static void binary_files_are_unknown_format(void **state)
{
	struct fx *f = *state;
	/* legacy .xls, and an encrypted .xlsx, are OLE2 compound files */
	assert_int_equal(read_mem(f, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12, 10, 10), SHEET_UNKNOWN_FORMAT);
	assert_int_equal(read_mem(f, "%PDF-1.4\n\0\x01\x02", 13, 10, 10), SHEET_UNKNOWN_FORMAT);
}

/* ---- limits ------------------------------------------------------------ */

static void rows_beyond_max_rows_are_too_big_with_the_row(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_lim(f, "h\n1\n2\n", 3, 10), SHEET_OK);
	assert_int_equal(read_lim(f, "h\n1\n2\n3\n", 3, 10), SHEET_TOO_BIG);
	assert_int_equal(f->where, 4);
	assert_int_equal(f->s.nrows, 0);
	/* empty rows after the last one do not count */
	assert_int_equal(read_lim(f, "h\n1\n2\n,\n\n,,\n", 3, 10), SHEET_OK);
	assert_int_equal(f->s.nrows, 3);
}

static void cells_beyond_max_cols_are_too_big_unless_empty(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_lim(f, "a,b\nc,d,e\n", 10, 2), SHEET_TOO_BIG);
	assert_int_equal(f->where, 2);
	assert_int_equal(read_lim(f, "a,b,,,\nc,d,,,,,,,\n", 10, 2), SHEET_OK);
	assert_int_equal(f->s.ncols, 2);
}

static void cell_longer_than_32_kib_is_too_big(void **state)
{
	struct fx *f = *state;
	size_t n = SHEET_MAX_CELL + 10;
	char *text = malloc(n + 1);
	memcpy(text, "h\n", 2);
	memset(text + 2, 'x', SHEET_MAX_CELL);
	memcpy(text + 2 + SHEET_MAX_CELL, "\n", 2);
	assert_int_equal(read_mem(f, text, 3 + SHEET_MAX_CELL, 10, 10), SHEET_OK);
	assert_int_equal(strlen(f->s.cells[1][0]), SHEET_MAX_CELL);
	text[2 + SHEET_MAX_CELL] = 'x';
	assert_int_equal(read_mem(f, text, 3 + SHEET_MAX_CELL, 10, 10), SHEET_TOO_BIG);
	assert_int_equal(f->where, 2);
	free(text);
}

/* ---- XLSX -------------------------------------------------------------- */

static void xlsx_book_reads_strings_numbers_dates_and_gaps(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "book.xlsx"), SHEET_OK);
	assert_string_equal(f->enc, "UTF-8");
	assert_int_equal(f->s.nrows, 5); /* row 7 holds only styled empty cells */
	assert_row(&f->s, 0, 8, "姓名", "", "单位", "入职日期", "工号", "得分", "在职", "备注");
	assert_row(&f->s, 1, 8, "王晓明", "", "交通运输局 公路管理处", "45292", "12", "1.5", "TRUE", "合格");
	assert_row(&f->s, 2, 8, "陈志强", "", " 执法 支队 ", "", "120", "-0.5", "FALSE", "#N/A");
	assert_row(&f->s, 3, 8, "", "", "", "", "", "", "", ""); /* row 4 is absent from the file */
	assert_row(&f->s, 4, 8, "李娜", "A\tB _x0041_", "", "", "13800138000", "", "", "A\tB _x0041_");
	char date[11];
	assert_int_equal(sheet_excel_date(f->s.cells[1][3], date), 0);
	assert_string_equal(date, "2024-01-01");
}

static void xlsx_stored_without_compression_reads_the_same(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "book_stored.xlsx"), SHEET_OK);
	struct sheet stored = f->s;
	assert_int_equal(read_sample(f, "book.xlsx"), SHEET_OK);
	assert_same_sheet(&stored, &f->s);
}

static void xlsx_first_visible_sheet_is_found_through_the_relationships(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "reordered.xlsx"), SHEET_OK);
	assert_int_equal(f->s.nrows, 1);
	assert_row(&f->s, 0, 1, "数据表");
}

static void xlsx_from_exceljs_is_read(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "exceljs.xlsx"), SHEET_OK);
	assert_int_equal(f->s.nrows, 3);
	assert_row(&f->s, 0, 5, "姓名", "单位", "入职日期", "工号", "得分");
	assert_row(&f->s, 1, 5, "王晓明", "交通运输局", "42064", "101", "95.5");
	assert_row(&f->s, 2, 5, "陳志強", "公路管理處", "41105", "102", "88");
	char date[11];
	assert_int_equal(sheet_excel_date(f->s.cells[2][2], date), 0);
	assert_string_equal(date, "2012-07-15");
}

static void xlsx_without_workbook_falls_back_to_sheet1(void **state)
{
	struct fx *f = *state;
	struct zipw z = {0};
	buf_init(&z.data, NULL);
	buf_init(&z.cdir, NULL);
	zipw_add(&z, "xl/worksheets/sheet1.xml",
	         "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
	         "<x:row><x:c t=\"inlineStr\"><x:is><x:t>前缀</x:t></x:is></x:c><x:c><x:v>7</x:v></x:c>"
	         "</x:row></x:sheetData></x:worksheet>");
	size_t len;
	const char *data = zipw_end(&z, &f->a, &len);
	assert_int_equal(read_mem(f, data, len, 10, 10), SHEET_OK);
	assert_row(&f->s, 0, 2, "前缀", "7");
}

static void xlsx_numbers_lose_only_a_zero_fraction(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_xlsx(f,
	                           "<row r=\"1\"><c r=\"A1\"><v>12.0</v></c><c r=\"B1\"><v>1.5</v></c>"
	                           "<c r=\"C1\"><v>-0</v></c><c r=\"D1\"><v>1E+20</v></c>"
	                           "<c r=\"E1\"><v>0.30000000000000004</v></c><c r=\"F1\"><v>4.5E-3</v></c>"
	                           "<c r=\"G1\" t=\"d\"><v>2024-01-01T00:00:00</v></c></row>",
	                           NULL, 10, 10),
	                 SHEET_OK);
	assert_row(&f->s, 0, 7, "12", "1.5", "0", "1E+20", "0.30000000000000004", "4.5E-3", "2024-01-01T00:00:00");
}

static void xlsx_shared_string_index_out_of_range_is_bad_xlsx(void **state)
{
	struct fx *f = *state;
	const char *sst = "<si><t>甲</t></si>";
	assert_int_equal(read_xlsx(f, "<row r=\"1\"><c t=\"s\"><v>0</v></c></row>", sst, 10, 10), SHEET_OK);
	assert_int_equal(read_xlsx(f, "<row r=\"1\"/><row r=\"2\"><c t=\"s\"><v>1</v></c></row>", sst, 10, 10),
	                 SHEET_BAD_XLSX);
	assert_int_equal(f->where, 2);
	assert_int_equal(read_xlsx(f, "<row r=\"1\"><c t=\"s\"><v>-1</v></c></row>", sst, 10, 10), SHEET_BAD_XLSX);
	assert_int_equal(read_xlsx(f, "<row r=\"1\"><c t=\"s\"><v>0</v></c></row>", NULL, 10, 10), SHEET_BAD_XLSX);
}

static void xlsx_malformed_references_and_row_order_are_bad_xlsx(void **state)
{
	struct fx *f = *state;
	static const char *bad[] = {
	    "<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>",
	    "<row r=\"1\"><c r=\"AAAA1\"><v>1</v></c></row>",
	    "<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>",
	    "<row r=\"1\"><c r=\"A0\"><v>1</v></c></row>",
	    "<row r=\"1\"><c r=\"a1\"><v>1</v></c></row>",
	    "<row r=\"0\"><c><v>1</v></c></row>",
	    "<row r=\"1048577\"><c><v>1</v></c></row>",
	    "<row r=\"3\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row>",
	    "<row r=\"2\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row>",
	    "<row r=\"1\"><row r=\"2\"/></row>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (read_xlsx(f, bad[i], NULL, 100, 100) != SHEET_BAD_XLSX)
			fail_msg("accepted: %s", bad[i]);
}

/* Documented choice: a reference past max_cols or max_rows that holds a
 * value is SHEET_TOO_BIG (with its row); one that holds nothing is ignored. */
static void xlsx_far_reference_with_a_value_is_too_big(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "far.xlsx"), SHEET_TOO_BIG);
	assert_int_equal(f->where, 1048576);
	assert_int_equal(read_xlsx(f, "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" s=\"3\"/></row>"
	                              "<row r=\"1048576\"><c r=\"A1048576\" s=\"2\"><v></v></c></row>",
	                           NULL, 10, 10),
	                 SHEET_OK);
	assert_int_equal(f->s.nrows, 1);
	assert_int_equal(f->s.ncols, 1);
	assert_int_equal(read_xlsx(f, "<row r=\"1\"><c r=\"K1\"><v>1</v></c></row>", NULL, 10, 10), SHEET_TOO_BIG);
	assert_int_equal(f->where, 1);
	assert_int_equal(read_xlsx(f, "<row r=\"1\"><c><v>1</v></c></row><row r=\"11\"><c><v>1</v></c></row>",
	                           NULL, 10, 10),
	                 SHEET_TOO_BIG);
	assert_int_equal(f->where, 11);
}

static void xlsx_long_strings_are_too_big_only_when_used(void **state)
{
	struct fx *f = *state;
	char *big = malloc(SHEET_MAX_CELL + 64);
	memcpy(big, "<si><t>", 7);
	memset(big + 7, 'y', SHEET_MAX_CELL + 1);
	strcpy(big + 7 + SHEET_MAX_CELL + 1, "</t></si><si><t>ok</t></si>");
	assert_int_equal(read_xlsx(f, "<row r=\"1\"><c t=\"s\"><v>1</v></c></row>", big, 10, 10), SHEET_OK);
	assert_row(&f->s, 0, 1, "ok");
	assert_int_equal(read_xlsx(f, "<row r=\"1\"/><row r=\"2\"><c t=\"s\"><v>0</v></c></row>", big, 10, 10),
	                 SHEET_TOO_BIG);
	assert_int_equal(f->where, 2);
	char *inl = malloc(SHEET_MAX_CELL + 128);
	int n = snprintf(inl, 64, "<row r=\"1\"><c t=\"inlineStr\"><is><t>");
	memset(inl + n, 'z', SHEET_MAX_CELL + 1);
	strcpy(inl + n + SHEET_MAX_CELL + 1, "</t></is></c></row>");
	assert_int_equal(read_xlsx(f, inl, NULL, 10, 10), SHEET_TOO_BIG);
	assert_int_equal(f->where, 1);
	free(big);
	free(inl);
}

static void xlsx_doctype_and_entities_are_refused(void **state)
{
	struct fx *f = *state;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(read_sample(f, "doctype.xlsx"), SHEET_BAD_XLSX);
	assert_true(seconds_since(&t0) < 1.0);
	/* an undeclared entity is an XML error; a DOCTYPE in the sheet itself too */
	assert_int_equal(read_xlsx(f, "<row><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row>", NULL, 10, 10),
	                 SHEET_BAD_XLSX);
	struct zipw z = {0};
	buf_init(&z.data, NULL);
	buf_init(&z.cdir, NULL);
	zipw_add(&z, "xl/worksheets/sheet1.xml",
	         "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
	         "<worksheet " NS "><sheetData><row><c t=\"inlineStr\"><is><t>&e;</t></is></c></row>"
	         "</sheetData></worksheet>");
	size_t len;
	const char *data = zipw_end(&z, &f->a, &len);
	assert_int_equal(read_mem(f, data, len, 10, 10), SHEET_BAD_XLSX);
}

/* expat 2.5 re-scans an unfinished token on every XML_Parse call
 * (CVE-2023-52425): fed in 64 KiB chunks, this 32 MiB start tag took 19 s.
 * Each part is parsed in one call, so it is linear. */
static void xlsx_huge_tag_takes_linear_time(void **state)
{
	struct fx *f = *state;
	size_t n = 32u << 20;
	const char *head = "<row><c r=\"A1\" x=\"", *tail = "\"><v>1</v></c></row>";
	char *rows = malloc(strlen(head) + n + strlen(tail) + 1);
	strcpy(rows, head);
	memset(rows + strlen(head), 'a', n);
	strcpy(rows + strlen(head) + n, tail);
	size_t len;
	const char *data = xlsx_with(f, rows, NULL, &len);
	free(rows);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(read_mem(f, data, len, 10, 10), SHEET_OK);
	assert_true(seconds_since(&t0) < 5.0);
	assert_row(&f->s, 0, 1, "1");
}

static void xlsx_deep_nesting_is_refused(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "deep.xlsx"), SHEET_BAD_XLSX);
}

static void xlsx_zip_bomb_is_too_big_quickly(void **state)
{
	struct fx *f = *state;
	size_t len;
	char *data = slurp("bomb.xlsx", &len);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(read_mem(f, data, len, 10, 10), SHEET_TOO_BIG);
	assert_true(seconds_since(&t0) < 0.5);

	/* the same archive claiming every part is 100 bytes: the count kept
	 * while inflating stops it (after 64 MiB, well under a few seconds) */
	for (size_t i = 0; i + 46 <= len; i++) {
		if (memcmp(data + i, "PK\3\4", 4) == 0)
			memcpy(data + i + 22, "\x64\0\0\0", 4);
		else if (memcmp(data + i, "PK\1\2", 4) == 0)
			memcpy(data + i + 24, "\x64\0\0\0", 4);
	}
	assert_int_equal(read_mem(f, data, len, 10, 10), SHEET_TOO_BIG);
	assert_int_equal(f->where, 0);
	free(data);
}

static void xlsx_encrypted_entries_are_bad_xlsx(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_sample(f, "encrypted.xlsx"), SHEET_BAD_XLSX);
}

static void xlsx_every_truncation_is_bad_xlsx(void **state)
{
	struct fx *f = *state;
	size_t len;
	char *data = slurp("book.xlsx", &len);
	for (size_t n = 4; n < len; n++) {
		enum sheet_error e = read_mem(f, data, n, 100, 100);
		if (e != SHEET_BAD_XLSX)
			fail_msg("book.xlsx cut at %zu gave %d", n, e);
		arena_reset(&f->a);
	}
	free(data);
}

static void xlsx_corrupted_bytes_never_crash(void **state)
{
	struct fx *f = *state;
	size_t len;
	char *data = slurp("book.xlsx", &len);
	for (size_t i = 0; i < len; i++) {
		char *copy = malloc(len);
		memcpy(copy, data, len);
		copy[i] ^= (char)(0x55 + i);
		enum sheet_error e = read_mem(f, copy, len, 100, 100);
		/* either the corruption is harmless or it is reported */
		assert_true(e == SHEET_OK || e == SHEET_BAD_XLSX || e == SHEET_TOO_BIG || e == SHEET_EMPTY ||
		            e == SHEET_UNKNOWN_FORMAT || e == SHEET_ENCODING || e == SHEET_BAD_CSV);
		free(copy);
		arena_reset(&f->a);
	}
	free(data);
}

static void empty_zip_and_missing_sheet_are_bad_xlsx(void **state)
{
	struct fx *f = *state;
	assert_int_equal(read_mem(f, "PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22, 10, 10), SHEET_BAD_XLSX);
	struct zipw z = {0};
	buf_init(&z.data, NULL);
	buf_init(&z.cdir, NULL);
	zipw_add(&z, "hello.txt", "not a workbook");
	size_t len;
	const char *data = zipw_end(&z, &f->a, &len);
	assert_int_equal(read_mem(f, data, len, 10, 10), SHEET_BAD_XLSX);
	assert_int_equal(read_xlsx(f, "", NULL, 10, 10), SHEET_EMPTY);
}

/* ---- dates ------------------------------------------------------------- */

static void excel_serials_become_iso_dates_with_the_1900_bug(void **state)
{
	static const struct {
		const char *serial, *date;
	} ok[] = {
	    {"1", "1900-01-01"},     {"59", "1900-02-28"},    {"61", "1900-03-01"},
	    {"43831", "2020-01-01"}, {"45292", "2024-01-01"}, {"45292.75", "2024-01-01"},
	    {"45351", "2024-02-29"}, {"2958465", "9999-12-31"},
	};
	char out[11];
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(sheet_excel_date(ok[i].serial, out), 0);
		assert_string_equal(out, ok[i].date);
	}
	static const char *bad[] = {"60", "0", "0.5", "2958466", "-5", "", "abc", "1e3", ".5", "1.2.3", " 1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (sheet_excel_date(bad[i], out) != -1)
			fail_msg("accepted \"%s\" as %s", bad[i], out);
		assert_string_equal(out, "");
	}
	assert_int_equal(sheet_excel_date(NULL, out), -1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(csv_utf8_gives_header_and_rows),
		T(csv_utf8_bom_is_skipped_and_crlf_ends_rows),
		T(csv_gbk_is_read_as_gb18030),
		T(csv_big5_is_read_as_big5),
		T(csv_traditional_text_saved_as_gbk_is_gb18030),
		T(csv_utf16le_unicode_text_is_tab_separated),
		T(csv_utf16be_with_bom_is_read),
		T(encoding_heuristic_recognises_every_single_line),
		T(encoding_heuristic_recognises_short_names),
		T(bytes_that_no_encoding_decodes_are_an_encoding_error_with_line),
		T(utf8_bom_followed_by_invalid_utf8_is_an_encoding_error),
		T(utf16_with_an_unpaired_surrogate_is_an_encoding_error),
		T(csv_quotes_protect_commas_newlines_and_quotes),
		T(csv_ragged_rows_are_padded_and_wide_rows_kept),
		T(csv_empty_rows_between_data_are_kept_so_row_numbers_match),
		T(csv_last_line_without_newline_is_a_row),
		T(csv_spaces_around_unquoted_fields_are_trimmed_quoted_kept),
		T(tsv_is_chosen_when_first_line_has_tabs_and_no_comma),
		T(csv_unterminated_quote_is_bad_csv_at_its_row),
		T(csv_quote_inside_unquoted_field_is_bad_csv),
		T(empty_input_and_blank_rows_only_are_empty),
		T(binary_files_are_unknown_format),
		T(rows_beyond_max_rows_are_too_big_with_the_row),
		T(cells_beyond_max_cols_are_too_big_unless_empty),
		T(cell_longer_than_32_kib_is_too_big),
		T(xlsx_book_reads_strings_numbers_dates_and_gaps),
		T(xlsx_stored_without_compression_reads_the_same),
		T(xlsx_first_visible_sheet_is_found_through_the_relationships),
		T(xlsx_from_exceljs_is_read),
		T(xlsx_without_workbook_falls_back_to_sheet1),
		T(xlsx_numbers_lose_only_a_zero_fraction),
		T(xlsx_shared_string_index_out_of_range_is_bad_xlsx),
		T(xlsx_malformed_references_and_row_order_are_bad_xlsx),
		T(xlsx_far_reference_with_a_value_is_too_big),
		T(xlsx_long_strings_are_too_big_only_when_used),
		T(xlsx_doctype_and_entities_are_refused),
		T(xlsx_huge_tag_takes_linear_time),
		T(xlsx_deep_nesting_is_refused),
		T(xlsx_zip_bomb_is_too_big_quickly),
		T(xlsx_encrypted_entries_are_bad_xlsx),
		T(xlsx_every_truncation_is_bad_xlsx),
		T(xlsx_corrupted_bytes_never_crash),
		T(empty_zip_and_missing_sheet_are_bad_xlsx),
		cmocka_unit_test(excel_serials_become_iso_dates_with_the_1900_bug),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
