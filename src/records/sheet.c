/* sheet.c — reads an uploaded XLSX or CSV/TSV into a grid of UTF-8 cells.
 *
 * For the record import: the bytes come straight from a user's upload and
 * are hostile. This file only turns them into strings (see sheet.h); it must
 * not interpret columns, touch the database, write files, or let any input
 * make it use memory or time out of proportion to the limits: rows and
 * columns are bounded by the caller, a cell by SHEET_MAX_CELL, decompressed
 * XLSX parts and decoded CSV by SHEET_MAX_INFLATED (counted while inflating,
 * not trusted from the zip headers), and XML documents with a DOCTYPE are
 * refused, so no entity can expand.
 *
 * The result lives in the caller's arena. Temporaries (decoded text, the
 * XML of the part being parsed, the shared-string table, the row being
 * read) are on the heap and freed before sheet_read returns, so a large
 * upload does not double the arena; the peak is about twice
 * SHEET_MAX_INFLATED plus the grid.
 *
 * Libraries: libcsv (-lcsv), libzip, expat, and glibc's iconv. */
#include "records/sheet.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cal.h"

#define XLSX_MAX_ROW 1048576u /* Excel's own limits: a reference beyond them is malformed */
#define XLSX_MAX_COL 16384u
#define XML_MAX_DEPTH 64u     /* worksheets nest 5 deep; more is an attack */
#define XLSX_MAX_RELS 1024u
#define XLSX_MAX_SHEETS 1024u

/* ---- the grid being built -------------------------------------------- */

/* Rows are committed to the arena as they end (cells beyond the row's last
 * non-empty one are not stored); empty rows are only counted until a
 * non-empty row follows, so trailing ones cost nothing and are dropped. */
struct grid {
	struct arena *a;
	size_t max_rows, max_cols;
	char ***rows;     /* heap vector of arena rows */
	size_t *widths;   /* heap, parallel to rows */
	size_t nrows, cap;
	size_t pending;   /* empty rows since the last non-empty one */
	char **cur;       /* heap: cells of the row being read, NULL = empty */
	size_t cur_cap;
	size_t ncols;
	enum sheet_error err;
	size_t where;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("wenming: out of memory\n", stderr);
		abort();
	}
	return q;
}

static void grid_init(struct grid *g, struct arena *a, size_t max_rows, size_t max_cols)
{
	memset(g, 0, sizeof *g);
	g->a = a;
	g->max_rows = max_rows;
	g->max_cols = max_cols;
}

static void grid_free(struct grid *g)
{
	free(g->rows);
	free(g->widths);
	free(g->cur);
	g->rows = NULL;
	g->widths = NULL;
	g->cur = NULL;
}

/* 1-based number of the row being read. */
static size_t grid_rowno(const struct grid *g)
{
	return g->nrows + g->pending + 1;
}

static void grid_fail(struct grid *g, enum sheet_error e)
{
	if (!g->err) {
		g->err = e;
		g->where = grid_rowno(g);
	}
}

/* Sets cell col of the current row to s[0..n) (copied). Empty text clears it. */
static void grid_cell(struct grid *g, size_t col, const char *s, size_t n)
{
	if (g->err)
		return;
	if (n == 0) {
		if (col < g->cur_cap)
			g->cur[col] = NULL;
		return;
	}
	if (col >= g->max_cols || n > SHEET_MAX_CELL) {
		grid_fail(g, SHEET_TOO_BIG);
		return;
	}
	if (col >= g->cur_cap) {
		size_t cap = g->cur_cap ? g->cur_cap : 16;
		while (cap <= col)
			cap *= 2;
		g->cur = xrealloc(g->cur, cap * sizeof *g->cur);
		memset(g->cur + g->cur_cap, 0, (cap - g->cur_cap) * sizeof *g->cur);
		g->cur_cap = cap;
	}
	g->cur[col] = arena_strndup(g->a, s, n);
}

static void grid_push(struct grid *g, char **row, size_t width)
{
	if (g->nrows == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->rows = xrealloc(g->rows, g->cap * sizeof *g->rows);
		g->widths = xrealloc(g->widths, g->cap * sizeof *g->widths);
	}
	g->rows[g->nrows] = row;
	g->widths[g->nrows] = width;
	g->nrows++;
}

/* Ends the current row: an empty one is only counted, a non-empty one
 * commits the empty rows before it and itself, within max_rows. */
static void grid_end_row(struct grid *g)
{
	if (g->err)
		return;
	size_t w = g->cur_cap;
	while (w > 0 && !g->cur[w - 1])
		w--;
	if (w == 0) {
		g->pending++;
		return;
	}
	if (grid_rowno(g) > g->max_rows) {
		grid_fail(g, SHEET_TOO_BIG);
		return;
	}
	while (g->pending > 0) {
		grid_push(g, NULL, 0);
		g->pending--;
	}
	char **row = arena_alloc(g->a, w * sizeof *row);
	memcpy(row, g->cur, w * sizeof *row);
	memset(g->cur, 0, w * sizeof *g->cur);
	grid_push(g, row, w);
	if (w > g->ncols)
		g->ncols = w;
}

/* Moves the rows into the arena as a rectangle; "" fills the gaps. */
static enum sheet_error grid_finish(struct grid *g, struct sheet *out)
{
	if (g->err)
		return g->err;
	if (g->nrows == 0)
		return SHEET_EMPTY;
	char *empty = arena_alloc(g->a, 1);
	char ***cells = arena_alloc(g->a, g->nrows * sizeof *cells);
	for (size_t r = 0; r < g->nrows; r++) {
		char **row = g->rows[r];
		if (g->widths[r] < g->ncols) {
			row = arena_alloc(g->a, g->ncols * sizeof *row);
			if (g->widths[r])
				memcpy(row, g->rows[r], g->widths[r] * sizeof *row);
		}
		for (size_t c = 0; c < g->ncols; c++)
			if (!row[c])
				row[c] = empty;
		cells[r] = row;
	}
	out->nrows = g->nrows;
	out->ncols = g->ncols;
	out->cells = cells;
	return SHEET_OK;
}

/* ---- text encodings ---------------------------------------------------- */

/* Converts in[0..n) from `from` to UTF-8 into a heap buffer (*out, caller
 * frees, NUL-terminated). Returns 0; -1 when a byte sequence does not decode
 * (*bad = its offset, *out = NULL); -2 when the result would pass
 * SHEET_MAX_INFLATED. With skip_bad, undecodable pairs of bytes are skipped
 * instead (used to build the character sets below). */
static int to_utf8(const char *from, const char *in, size_t n, int skip_bad, char **out, size_t *outlen,
                   size_t *bad)
{
	*out = NULL;
	*outlen = 0;
	*bad = 0;
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return -1;
	size_t cap = n + n / 2 + 16;
	if (cap > SHEET_MAX_INFLATED + 16)
		cap = SHEET_MAX_INFLATED + 16;
	char *buf = xrealloc(NULL, cap);
	char *ip = (char *)in, *op = buf;
	size_t il = n, ol = cap - 1;
	int rc = 0;
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			continue;
		if (errno == E2BIG) {
			size_t used = (size_t)(op - buf);
			if (cap > SHEET_MAX_INFLATED) {
				rc = -2;
				break;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
			op = buf + used;
			ol = cap - used - 1;
		} else if (skip_bad && errno == EILSEQ && il >= 2) {
			ip += 2;
			il -= 2;
		} else {
			*bad = (size_t)(ip - in);
			rc = -1;
			break;
		}
	}
	iconv_close(cd);
	size_t used = (size_t)(op - buf);
	if (rc == 0 && used > SHEET_MAX_INFLATED)
		rc = -2;
	if (rc != 0) {
		free(buf);
		return rc;
	}
	buf[used] = 0;
	*out = buf;
	*outlen = used;
	return 0;
}

/* Next code point of valid UTF-8 at *p (advanced). */
static uint32_t utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = s[0];
	int k = 0;
	if (c >= 0xF0)
		c &= 0x07, k = 3;
	else if (c >= 0xE0)
		c &= 0x0F, k = 2;
	else if (c >= 0xC0)
		c &= 0x1F, k = 1;
	for (int i = 1; i <= k; i++)
		c = (c << 6) | (s[i] & 0x3F);
	*p = s + k + 1;
	return c;
}

#define HAN_FIRST 0x4E00u
#define HAN_LAST 0x9FFFu

/* The "common" ideographs: GB2312 level 1 (3,755 most frequent simplified
 * characters, bytes B0A1–D7F9) and Big5 level 1 (5,401 frequent traditional
 * characters, A440–C67E), one bit per code point of U+4E00–U+9FFF. Built
 * from the converters themselves, per call: no table to keep in sync. */
struct han_set {
	unsigned char bit[(HAN_LAST - HAN_FIRST + 1 + 7) / 8];
};

static void han_add_decoded(struct han_set *h, const char *enc, const unsigned char *pairs, size_t n)
{
	char *u;
	size_t ulen, bad;
	if (to_utf8(enc, (const char *)pairs, n, 1, &u, &ulen, &bad) != 0)
		return;
	const unsigned char *p = (const unsigned char *)u, *end = p + ulen;
	while (p < end) {
		uint32_t c = utf8_next(&p);
		if (c >= HAN_FIRST && c <= HAN_LAST)
			h->bit[(c - HAN_FIRST) / 8] |= (unsigned char)(1u << ((c - HAN_FIRST) % 8));
	}
	free(u);
}

static void han_set_build(struct han_set *h)
{
	memset(h, 0, sizeof *h);
	unsigned char *pairs = xrealloc(NULL, 2 * 40 * 157);
	size_t n = 0;
	for (unsigned lead = 0xB0; lead <= 0xD7; lead++)
		for (unsigned trail = 0xA1; trail <= 0xFE; trail++)
			pairs[n++] = (unsigned char)lead, pairs[n++] = (unsigned char)trail;
	han_add_decoded(h, "GB18030", pairs, n);
	n = 0;
	for (unsigned lead = 0xA4; lead <= 0xC6; lead++)
		for (unsigned trail = 0x40; trail <= 0xFE; trail++) {
			if ((trail > 0x7E && trail < 0xA1) || (lead == 0xC6 && trail > 0x7E))
				continue;
			pairs[n++] = (unsigned char)lead, pairs[n++] = (unsigned char)trail;
		}
	han_add_decoded(h, "CP950", pairs, n);
	free(pairs);
}

/* Punctuation and symbols both encodings share: they say nothing. */
static int neutral(uint32_t c)
{
	return c == 0xB7 || (c >= 0x2010 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
	       (c >= 0xFF01 && c <= 0xFF5E) || c == 0xFFE5;
}

/* The heuristic for a file that is valid in both GB18030 and Big5: the
 * decoding with more common ideographs and fewer unusual characters wins.
 * Score = common − unusual, where common = ideographs in han_set, unusual =
 * every other non-ASCII character except neutral punctuation (rare
 * ideographs, kana, Greek, Cyrillic, box drawing, private use…). Big5 read
 * as GBK puts most characters in GBK's rare-ideograph, symbol and
 * user-defined (private use) areas; GBK read as Big5 lands largely in Big5
 * level 2. Ties go to GB18030, the mainland default. */
static long han_score(const struct han_set *h, const char *s, size_t n)
{
	long score = 0;
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		uint32_t c = utf8_next(&p);
		if (c >= HAN_FIRST && c <= HAN_LAST &&
		    (h->bit[(c - HAN_FIRST) / 8] & (1u << ((c - HAN_FIRST) % 8))))
			score++;
		else if (!neutral(c))
			score--;
	}
	return score;
}

static size_t line_of(const char *s, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* Line of the first line that is not valid UTF-8. */
static size_t first_bad_utf8_line(const char *s, size_t n)
{
	size_t line = 1, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		if (!utf8_valid(s + start, i - start))
			return line;
		line++;
		start = i + 1;
	}
	return 0;
}

/* Makes UTF-8 text of a CSV upload. *text is data itself or a heap copy
 * (*owned set, caller frees). */
static enum sheet_error csv_decode(const char *data, size_t len, const char **text, size_t *tlen, char **owned,
                                   const char **enc, size_t *where)
{
	const unsigned char *u = (const unsigned char *)data;
	*owned = NULL;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		*enc = "UTF-8";
		if (!utf8_valid(data + 3, len - 3)) {
			*where = first_bad_utf8_line(data + 3, len - 3);
			return SHEET_ENCODING;
		}
		*text = data + 3;
		*tlen = len - 3;
		return SHEET_OK;
	}
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		*enc = "UTF-16";
		size_t bad;
		int rc = to_utf8(u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE", data + 2, len - 2, 0, owned, tlen, &bad);
		if (rc == -2)
			return SHEET_TOO_BIG;
		if (rc != 0 || memchr(*owned, 0, *tlen)) {
			free(*owned);
			*owned = NULL;
			return SHEET_ENCODING;
		}
		*text = *owned;
		return SHEET_OK;
	}
	if (utf8_valid(data, len)) {
		*enc = "UTF-8";
		*text = data;
		*tlen = len;
		return SHEET_OK;
	}
	char *gb, *big5;
	size_t gblen, big5len, gbbad, big5bad;
	int rgb = to_utf8("GB18030", data, len, 0, &gb, &gblen, &gbbad);
	int rbig5 = to_utf8("CP950", data, len, 0, &big5, &big5len, &big5bad);
	if (rgb == -2 || rbig5 == -2) {
		free(gb);
		free(big5);
		return SHEET_TOO_BIG;
	}
	if (rgb == 0 && rbig5 == 0) {
		struct han_set *h = xrealloc(NULL, sizeof *h);
		han_set_build(h);
		long sgb = han_score(h, gb, gblen), sbig5 = han_score(h, big5, big5len);
		free(h);
		if (sbig5 > sgb) {
			free(gb);
			rgb = -1;
		} else {
			free(big5);
			rbig5 = -1;
		}
	}
	if (rgb == 0) {
		*enc = "GB18030";
		*owned = gb;
		*tlen = gblen;
	} else if (rbig5 == 0) {
		*enc = "Big5";
		*owned = big5;
		*tlen = big5len;
	} else {
		*where = line_of(data, gbbad > big5bad ? gbbad : big5bad);
		return SHEET_ENCODING;
	}
	/* both are ASCII-compatible and have no NUL (checked by the caller) */
	*text = *owned;
	return SHEET_OK;
}

/* ---- CSV --------------------------------------------------------------- */

struct csv_ctx {
	struct grid *g;
	size_t col;
	int prev_term; /* terminator of the previous row, 0 after a field */
};

static void csv_on_field(void *s, size_t n, void *data)
{
	struct csv_ctx *c = data;
	c->prev_term = 0;
	grid_cell(c->g, c->col++, s, n);
}

static void csv_on_row(int term, void *data)
{
	struct csv_ctx *c = data;
	/* CSV_REPALL_NL reports the LF of a CRLF as a row of its own */
	if (term == '\n' && c->prev_term == '\r' && c->col == 0) {
		c->prev_term = 0;
		return;
	}
	c->prev_term = term;
	grid_end_row(c->g);
	c->col = 0;
}

/* Spaces around unquoted fields are trimmed (libcsv's default), tabs are
 * kept: they are data in CSV and delimiters in TSV. */
static int csv_is_space(unsigned char c)
{
	return c == ' ';
}

static enum sheet_error csv_read(struct grid *g, const char *data, size_t len, const char **enc, size_t *where)
{
	if (len > SHEET_MAX_INFLATED)
		return SHEET_TOO_BIG;
	if (memchr(data, 0, len) && !(len >= 2 && ((data[0] == '\xFF' && data[1] == '\xFE') ||
	                                           (data[0] == '\xFE' && data[1] == '\xFF'))))
		return SHEET_UNKNOWN_FORMAT;
	const char *text;
	size_t tlen;
	char *owned;
	enum sheet_error e = csv_decode(data, len, &text, &tlen, &owned, enc, where);
	if (e != SHEET_OK)
		return e;

	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
		free(owned);
		return SHEET_TOO_BIG;
	}
	csv_set_space_func(&p, csv_is_space);
	const char *nl = memchr(text, '\n', tlen);
	size_t first = nl ? (size_t)(nl - text) : tlen;
	if (memchr(text, '\t', first) && !memchr(text, ',', first))
		csv_set_delim(&p, CSV_TAB);

	struct csv_ctx c = {.g = g};
	for (size_t off = 0; off < tlen && !g->err;) {
		size_t k = tlen - off < 65536 ? tlen - off : 65536;
		if (csv_parse(&p, text + off, k, csv_on_field, csv_on_row, &c) != k) {
			grid_fail(g, csv_error(&p) == CSV_EPARSE ? SHEET_BAD_CSV : SHEET_TOO_BIG);
			break;
		}
		off += k;
	}
	if (!g->err && csv_fini(&p, csv_on_field, csv_on_row, &c) != 0)
		grid_fail(g, SHEET_BAD_CSV);
	csv_free(&p);
	free(owned);
	*where = g->where;
	return g->err;
}

/* ---- XML plumbing ------------------------------------------------------ */

/* Each part's parser state starts with this; the generic handlers count
 * depth and stop at the first error, then call the part's own handlers
 * with local names (namespace URI stripped: producers vary prefixes). */
struct xml_base {
	XML_Parser p;
	unsigned depth;
	enum sheet_error err;
	void (*start)(struct xml_base *, const char *name, const char **attrs);
	void (*end)(struct xml_base *, const char *name);
	void (*text)(struct xml_base *, const char *s, size_t n);
};

static void xml_fail(struct xml_base *b, enum sheet_error e)
{
	if (!b->err) {
		b->err = e;
		XML_StopParser(b->p, XML_FALSE);
	}
}

static const char *local_name(const char *name)
{
	const char *bar = strrchr(name, '|');
	return bar ? bar + 1 : name;
}

static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_base *b = ud;
	if (b->err)
		return;
	if (++b->depth > XML_MAX_DEPTH) {
		xml_fail(b, SHEET_BAD_XLSX);
		return;
	}
	if (b->start)
		b->start(b, local_name(name), attrs);
}

static void XMLCALL xml_end(void *ud, const XML_Char *name)
{
	struct xml_base *b = ud;
	if (b->err)
		return;
	b->depth--;
	if (b->end)
		b->end(b, local_name(name));
}

static void XMLCALL xml_text(void *ud, const XML_Char *s, int n)
{
	struct xml_base *b = ud;
	if (!b->err && b->text && n > 0)
		b->text(b, s, (size_t)n);
}

/* No DTD, hence no entity, can reach the parts we read. */
static void XMLCALL xml_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                                int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	xml_fail(ud, SHEET_BAD_XLSX);
}

/* Value of the attribute with this local name; ns: whether it must be in a
 * namespace (r:id) or must not (plain attributes). */
static const char *xml_attr(const char **attrs, const char *name, int ns)
{
	for (size_t i = 0; attrs[i]; i += 2) {
		const char *bar = strrchr(attrs[i], '|');
		if ((bar != NULL) == (ns != 0) && strcmp(bar ? bar + 1 : attrs[i], name) == 0)
			return attrs[i + 1];
	}
	return NULL;
}

/* Appends text to b unless it would pass max; returns -1 (and appends
 * nothing) when it would. */
static int append_capped(struct buf *b, const char *s, size_t n, size_t max)
{
	if (n > max || b->len > max - n)
		return -1;
	buf_append(b, s, n);
	return 0;
}

/* Decodes the OOXML escape _xHHHH_ (ST_Xstring: how Excel stores control
 * characters; "_x005F_" is a literal underscore) in place. U+0000 and
 * surrogates are left as written. */
static void unescape_xstring(struct buf *b)
{
	char *s = b->p;
	size_t n = b->len, o = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] == '_' && n - i >= 7 && s[i + 1] == 'x' && s[i + 6] == '_') {
			unsigned v = 0;
			int ok = 1;
			for (int k = 2; k < 6; k++) {
				char c = s[i + k];
				unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
				             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				                                    : 16u;
				if (d > 15)
					ok = 0;
				v = v * 16 + d;
			}
			if (ok && v != 0 && (v < 0xD800 || v > 0xDFFF)) {
				if (v < 0x80) {
					s[o++] = (char)v;
				} else if (v < 0x800) {
					s[o++] = (char)(0xC0 | (v >> 6));
					s[o++] = (char)(0x80 | (v & 0x3F));
				} else {
					s[o++] = (char)(0xE0 | (v >> 12));
					s[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
					s[o++] = (char)(0x80 | (v & 0x3F));
				}
				i += 7;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	b->len = o;
	s[o] = 0;
}

/* ---- XLSX -------------------------------------------------------------- */

struct xlsx {
	struct arena *a;
	zip_t *z;
	size_t inflated; /* decompressed bytes of every part read so far */
	struct grid *g;
	/* shared strings: NUL-separated text and offsets into it (heap);
	 * UINT32_MAX marks a string longer than SHEET_MAX_CELL */
	struct buf sst;
	uint32_t *sst_off;
	size_t sst_n, sst_cap;
};

/* Inflates zip entry idx into *xml (heap), in chunks, counting every byte
 * against SHEET_MAX_INFLATED: the sizes in the zip headers are only used
 * to refuse early, never trusted. */
static enum sheet_error xlsx_inflate(struct xlsx *x, zip_int64_t idx, struct buf *xml)
{
	zip_stat_t st;
	if (zip_stat_index(x->z, (zip_uint64_t)idx, 0, &st) != 0)
		return SHEET_BAD_XLSX;
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
		return SHEET_BAD_XLSX;
	if ((st.valid & ZIP_STAT_SIZE) && st.size > SHEET_MAX_INFLATED - x->inflated)
		return SHEET_TOO_BIG;
	zip_file_t *f = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
	if (!f)
		return SHEET_BAD_XLSX;
	enum sheet_error e = SHEET_OK;
	for (;;) {
		buf_grow(xml, 65536);
		zip_int64_t n = zip_fread(f, xml->p + xml->len, 65536);
		if (n < 0) {
			e = SHEET_BAD_XLSX;
			break;
		}
		if (n == 0)
			break;
		if ((size_t)n > SHEET_MAX_INFLATED - x->inflated) {
			e = SHEET_TOO_BIG;
			break;
		}
		x->inflated += (size_t)n;
		xml->len += (size_t)n;
		xml->p[xml->len] = 0;
	}
	zip_fclose(f);
	return e;
}

/* Parses zip entry `name` with the handlers in b. A missing entry is
 * SHEET_BAD_XLSX when required, else SHEET_OK with nothing parsed.
 *
 * The part is inflated whole and given to expat in one call: expat 2.5
 * (Debian 12) re-scans an unfinished token from its start on every call
 * (CVE-2023-52425), so feeding a 32 MiB tag in 64 KiB chunks took 19 s. */
static enum sheet_error xlsx_parse(struct xlsx *x, const char *name, int required, struct xml_base *b)
{
	zip_int64_t idx = zip_name_locate(x->z, name, ZIP_FL_NOCASE);
	if (idx < 0)
		return required ? SHEET_BAD_XLSX : SHEET_OK;
	struct buf xml;
	buf_init(&xml, NULL);
	enum sheet_error e = xlsx_inflate(x, idx, &xml);
	XML_Parser p = e == SHEET_OK ? XML_ParserCreateNS(NULL, '|') : NULL;
	if (p) {
		b->p = p;
		b->depth = 0;
		b->err = SHEET_OK;
		XML_SetUserData(p, b);
		XML_SetElementHandler(p, xml_start, xml_end);
		XML_SetCharacterDataHandler(p, xml_text);
		XML_SetStartDoctypeDeclHandler(p, xml_doctype);
		XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
		/* xml.len <= SHEET_MAX_INFLATED < INT_MAX */
		if (XML_Parse(p, xml.p, (int)xml.len, 1) != XML_STATUS_OK || b->err)
			e = b->err ? b->err : SHEET_BAD_XLSX;
		XML_ParserFree(p);
	} else if (e == SHEET_OK) {
		e = SHEET_TOO_BIG; /* expat could not allocate its parser */
	}
	buf_free(&xml);
	return e;
}

/* xl/_rels/workbook.xml.rels: relationship id → target, worksheet or not. */
struct rels_ctx {
	struct xml_base b;
	struct arena *a;
	const char *id[XLSX_MAX_RELS], *target[XLSX_MAX_RELS];
	int worksheet[XLSX_MAX_RELS];
	size_t n;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void rels_start(struct xml_base *b, const char *name, const char **attrs)
{
	struct rels_ctx *r = (struct rels_ctx *)b;
	if (strcmp(name, "Relationship") != 0 || r->n == XLSX_MAX_RELS)
		return;
	const char *id = xml_attr(attrs, "Id", 0), *target = xml_attr(attrs, "Target", 0);
	const char *type = xml_attr(attrs, "Type", 0), *mode = xml_attr(attrs, "TargetMode", 0);
	if (!id || !target || !type || (mode && strcmp(mode, "External") == 0))
		return;
	r->id[r->n] = arena_strdup(r->a, id);
	r->target[r->n] = arena_strdup(r->a, target);
	r->worksheet[r->n] = ends_with(type, "/worksheet");
	r->n++;
}

/* xl/workbook.xml: relationship ids of the sheets, in tab order. */
struct book_ctx {
	struct xml_base b;
	struct arena *a;
	const char *rid[XLSX_MAX_SHEETS];
	int hidden[XLSX_MAX_SHEETS];
	size_t n;
};

static void book_start(struct xml_base *b, const char *name, const char **attrs)
{
	struct book_ctx *k = (struct book_ctx *)b;
	if (strcmp(name, "sheet") != 0 || k->n == XLSX_MAX_SHEETS)
		return;
	const char *rid = xml_attr(attrs, "id", 1), *state = xml_attr(attrs, "state", 0);
	if (!rid)
		return;
	k->rid[k->n] = arena_strdup(k->a, rid);
	k->hidden[k->n] = state && strcmp(state, "visible") != 0;
	k->n++;
}

/* Resolves a relationship target against "xl/": "worksheets/s.xml" →
 * "xl/worksheets/s.xml", "/xl/w/s.xml" → "xl/w/s.xml", ".." and "."
 * segments folded. Arena. */
static char *resolve_target(struct arena *a, const char *target)
{
	char *path = target[0] == '/' ? arena_strdup(a, target + 1) : arena_printf(a, "xl/%s", target);
	char *out = arena_alloc(a, strlen(path) + 1);
	size_t o = 0;
	for (char *seg = path; *seg;) {
		char *slash = strchr(seg, '/');
		size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			while (o > 0 && out[o - 1] != '/')
				o--;
		} else if (n > 0 && !(n == 1 && seg[0] == '.')) {
			memcpy(out + o, seg, n);
			o += n;
			if (slash)
				out[o++] = '/';
		}
		seg = slash ? slash + 1 : seg + n;
	}
	out[o] = 0;
	return out;
}

/* Path of the first visible worksheet (the first worksheet if all are
 * hidden), or the conventional one when the workbook says nothing usable. */
static enum sheet_error xlsx_first_sheet(struct xlsx *x, const char **path)
{
	*path = "xl/worksheets/sheet1.xml";
	struct book_ctx *book = arena_alloc(x->a, sizeof *book);
	struct rels_ctx *rels = arena_alloc(x->a, sizeof *rels);
	book->a = rels->a = x->a;
	book->b.start = book_start;
	rels->b.start = rels_start;
	enum sheet_error e = xlsx_parse(x, "xl/workbook.xml", 0, &book->b);
	if (e == SHEET_OK)
		e = xlsx_parse(x, "xl/_rels/workbook.xml.rels", 0, &rels->b);
	if (e != SHEET_OK)
		return e;
	const char *hidden_pick = NULL;
	for (size_t i = 0; i < book->n; i++)
		for (size_t j = 0; j < rels->n; j++) {
			if (!rels->worksheet[j] || strcmp(book->rid[i], rels->id[j]) != 0)
				continue;
			if (!book->hidden[i]) {
				*path = resolve_target(x->a, rels->target[j]);
				return SHEET_OK;
			}
			if (!hidden_pick)
				hidden_pick = rels->target[j];
		}
	if (hidden_pick)
		*path = resolve_target(x->a, hidden_pick);
	return SHEET_OK;
}

/* xl/sharedStrings.xml: <si> holds <t>, or rich-text runs <r><t>; phonetic
 * guides <rPh><t> are not part of the value. */
struct sst_ctx {
	struct xml_base b;
	struct xlsx *x;
	int in_si, in_t, rph, too_long;
	struct buf cur;
};

static void sst_start(struct xml_base *b, const char *name, const char **attrs)
{
	(void)attrs;
	struct sst_ctx *s = (struct sst_ctx *)b;
	if (strcmp(name, "si") == 0) {
		s->in_si = 1;
		s->too_long = 0;
		buf_reset(&s->cur);
	} else if (strcmp(name, "rPh") == 0) {
		s->rph++;
	} else if (strcmp(name, "t") == 0 && s->in_si && !s->rph) {
		s->in_t = 1;
	}
}

static void sst_end(struct xml_base *b, const char *name)
{
	struct sst_ctx *s = (struct sst_ctx *)b;
	struct xlsx *x = s->x;
	if (strcmp(name, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(name, "rPh") == 0) {
		if (s->rph)
			s->rph--;
	} else if (strcmp(name, "si") == 0 && s->in_si) {
		s->in_si = 0;
		if (x->sst_n == x->sst_cap) {
			x->sst_cap = x->sst_cap ? x->sst_cap * 2 : 1024;
			x->sst_off = xrealloc(x->sst_off, x->sst_cap * sizeof *x->sst_off);
		}
		unescape_xstring(&s->cur);
		if (s->too_long || s->cur.len > SHEET_MAX_CELL) {
			x->sst_off[x->sst_n++] = UINT32_MAX;
			return;
		}
		/* the whole table is under SHEET_MAX_INFLATED < 4 GiB */
		x->sst_off[x->sst_n++] = (uint32_t)x->sst.len;
		buf_append(&x->sst, s->cur.p, s->cur.len + 1);
	}
}

static void sst_text(struct xml_base *b, const char *t, size_t n)
{
	struct sst_ctx *s = (struct sst_ctx *)b;
	/* escapes shrink when decoded: allow room for them before judging */
	if (s->in_t && !s->too_long && append_capped(&s->cur, t, n, 4 * SHEET_MAX_CELL) != 0)
		s->too_long = 1;
}

/* A worksheet: <sheetData><row r="3"><c r="B3" t="s"><v>0</v></c>… */
struct ws_ctx {
	struct xml_base b;
	struct xlsx *x;
	int in_data, in_row, in_c, in_v, in_is, in_t, rph, has_is, too_long;
	size_t last_row; /* number of the last <row> ended, 0 before the first */
	size_t row;
	size_t next_col, col;
	char type[16];
	struct buf val;
};

/* Parses a decimal in [0, max] that is all of s into *v; returns 0, or -1
 * when s is not one. */
static int parse_uint(const char *s, size_t max, size_t *v)
{
	*v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		*v = *v * 10 + (size_t)(*s - '0');
		if (*v > max)
			return -1;
	}
	return 0;
}

/* A 1-based row number from s, or 0 when it is not one. */
static size_t parse_rowno(const char *s)
{
	size_t v;
	return parse_uint(s, XLSX_MAX_ROW, &v) == 0 ? v : 0;
}

/* Column (0-based) of a reference such as "B3"; -1 when malformed or past
 * XFD. The row digits are checked but not used: <row r> places the row. */
static long ref_col(const char *r)
{
	long col = 0;
	int letters = 0;
	for (; *r >= 'A' && *r <= 'Z'; r++, letters++) {
		if (letters == 3)
			return -1;
		col = col * 26 + (*r - 'A' + 1);
	}
	if (letters == 0 || col > (long)XLSX_MAX_COL || parse_rowno(r) == 0)
		return -1;
	return col - 1;
}

static void ws_start(struct xml_base *b, const char *name, const char **attrs)
{
	struct ws_ctx *w = (struct ws_ctx *)b;
	struct grid *g = w->x->g;
	if (strcmp(name, "sheetData") == 0) {
		w->in_data = 1;
	} else if (!w->in_data) {
		return;
	} else if (strcmp(name, "row") == 0) {
		const char *r = xml_attr(attrs, "r", 0);
		size_t n = r ? parse_rowno(r) : w->last_row + 1;
		/* rows come in ascending order and do not nest */
		if (w->in_row || n == 0 || n <= w->last_row || n > XLSX_MAX_ROW) {
			grid_fail(g, SHEET_BAD_XLSX);
			xml_fail(b, SHEET_BAD_XLSX);
			return;
		}
		g->pending += n - w->last_row - 1; /* skipped rows are empty */
		w->row = n;
		w->in_row = 1;
		w->next_col = 0;
	} else if (!w->in_row) {
		return;
	} else if (strcmp(name, "c") == 0) {
		const char *r = xml_attr(attrs, "r", 0), *t = xml_attr(attrs, "t", 0);
		long col = r ? ref_col(r) : (long)w->next_col;
		if (col < 0 || col >= (long)XLSX_MAX_COL) {
			grid_fail(g, SHEET_BAD_XLSX);
			xml_fail(b, SHEET_BAD_XLSX);
			return;
		}
		w->col = (size_t)col;
		w->next_col = w->col + 1;
		snprintf(w->type, sizeof w->type, "%s", t ? t : "n");
		w->in_c = 1;
		w->has_is = w->too_long = 0;
		buf_reset(&w->val);
	} else if (!w->in_c) {
		return;
	} else if (strcmp(name, "v") == 0) {
		w->in_v = 1;
	} else if (strcmp(name, "is") == 0) {
		w->in_is = w->has_is = 1;
		buf_reset(&w->val);
	} else if (strcmp(name, "rPh") == 0) {
		w->rph++;
	} else if (strcmp(name, "t") == 0 && w->in_is && !w->rph) {
		w->in_t = 1;
	}
}

/* Integral numbers without ".0" or exponent; anything else as written. */
static void number_text(struct buf *v)
{
	if (v->len == 0 || v->len > 40 || strspn(v->p, "0123456789+-.eE") != v->len)
		return;
	char *end;
	double d = strtod(v->p, &end);
	if (end != v->p + v->len || !(d > -9007199254740992.0 && d < 9007199254740992.0))
		return;
	long long i = (long long)d;
	if ((double)i != d)
		return;
	buf_reset(v);
	buf_printf(v, "%lld", i);
}

static void ws_cell_end(struct ws_ctx *w)
{
	struct xlsx *x = w->x;
	struct grid *g = x->g;
	struct buf *v = &w->val;
	if (w->too_long) {
		grid_fail(g, SHEET_TOO_BIG);
		return;
	}
	if (strcmp(w->type, "s") == 0) {
		if (v->len == 0)
			return;
		size_t i;
		if (parse_uint(v->p, UINT32_MAX, &i) != 0 || i >= x->sst_n) {
			grid_fail(g, SHEET_BAD_XLSX);
			return;
		}
		if (x->sst_off[i] == UINT32_MAX) {
			grid_fail(g, SHEET_TOO_BIG);
			return;
		}
		const char *s = x->sst.p + x->sst_off[i];
		grid_cell(g, w->col, s, strlen(s));
		return;
	}
	if (strcmp(w->type, "inlineStr") == 0 || strcmp(w->type, "str") == 0)
		unescape_xstring(v);
	else if (strcmp(w->type, "b") == 0 && v->len == 1 && (v->p[0] == '0' || v->p[0] == '1')) {
		int truth = v->p[0] == '1';
		buf_reset(v);
		buf_puts(v, truth ? "TRUE" : "FALSE");
	}
	else if (strcmp(w->type, "n") == 0)
		number_text(v);
	grid_cell(g, w->col, v->p, v->len);
}

static void ws_end(struct xml_base *b, const char *name)
{
	struct ws_ctx *w = (struct ws_ctx *)b;
	struct grid *g = w->x->g;
	if (strcmp(name, "sheetData") == 0) {
		w->in_data = 0;
	} else if (strcmp(name, "row") == 0 && w->in_row) {
		w->in_row = 0;
		grid_end_row(g);
		w->last_row = w->row;
	} else if (strcmp(name, "c") == 0 && w->in_c) {
		w->in_c = w->in_v = w->in_is = w->in_t = w->rph = 0;
		ws_cell_end(w);
	} else if (strcmp(name, "v") == 0) {
		w->in_v = 0;
	} else if (strcmp(name, "is") == 0) {
		w->in_is = 0;
	} else if (strcmp(name, "t") == 0) {
		w->in_t = 0;
	} else if (strcmp(name, "rPh") == 0 && w->rph) {
		w->rph--;
	}
	if (g->err)
		xml_fail(b, g->err);
}

static void ws_text(struct xml_base *b, const char *s, size_t n)
{
	struct ws_ctx *w = (struct ws_ctx *)b;
	/* an inline string's runs replace any <v> */
	if (((w->in_v && !w->has_is) || w->in_t) && !w->too_long &&
	    append_capped(&w->val, s, n, 4 * SHEET_MAX_CELL) != 0)
		w->too_long = 1;
}

static enum sheet_error xlsx_read(struct xlsx *x, const char *data, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return SHEET_BAD_XLSX;
	}
	x->z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (!x->z) {
		zip_source_free(src);
		return SHEET_BAD_XLSX;
	}
	const char *path;
	enum sheet_error e = xlsx_first_sheet(x, &path);
	if (e == SHEET_OK) {
		struct sst_ctx s = {.b.start = sst_start, .b.end = sst_end, .b.text = sst_text, .x = x};
		buf_init(&s.cur, NULL);
		e = xlsx_parse(x, "xl/sharedStrings.xml", 0, &s.b);
		buf_free(&s.cur);
	}
	if (e == SHEET_OK) {
		struct ws_ctx w = {.b.start = ws_start, .b.end = ws_end, .b.text = ws_text, .x = x};
		buf_init(&w.val, NULL);
		e = xlsx_parse(x, path, 1, &w.b);
		buf_free(&w.val);
	}
	zip_discard(x->z);
	x->z = NULL;
	return e;
}

/* ---- entry points ------------------------------------------------------ */

enum sheet_error sheet_read(struct arena *a, const char *data, size_t len, size_t max_rows, size_t max_cols,
                            struct sheet *out, size_t *where, const char **detected_encoding)
{
	static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	struct grid g;
	size_t w = 0;
	const char *enc = NULL;
	enum sheet_error e;
	memset(out, 0, sizeof *out);
	grid_init(&g, a, max_rows, max_cols);
	if (!data || len == 0) {
		e = SHEET_EMPTY;
	} else if (len >= 4 && (memcmp(data, "PK\3\4", 4) == 0 || memcmp(data, "PK\5\6", 4) == 0)) {
		struct xlsx x = {.a = a, .g = &g};
		buf_init(&x.sst, NULL);
		enc = "UTF-8";
		e = xlsx_read(&x, data, len);
		buf_free(&x.sst);
		free(x.sst_off);
		/* a grid error is the more precise (it has the row) */
		if (g.err) {
			e = g.err;
			w = g.where;
		}
	} else if (len >= sizeof ole2 && memcmp(data, ole2, sizeof ole2) == 0) {
		e = SHEET_UNKNOWN_FORMAT;
	} else {
		e = csv_read(&g, data, len, &enc, &w);
	}
	if (e == SHEET_OK)
		e = grid_finish(&g, out);
	grid_free(&g);
	if (where)
		*where = e == SHEET_OK ? 0 : w;
	if (detected_encoding)
		*detected_encoding = enc;
	return e;
}

int sheet_excel_date(const char *serial, char out[11])
{
	out[0] = 0;
	if (!serial)
		return -1;
	size_t n = strspn(serial, "0123456789.");
	if (n == 0 || serial[n] != 0 || strchr(serial, '.') != strrchr(serial, '.') || serial[0] == '.')
		return -1;
	char *end;
	double x = strtod(serial, &end);
	if (*end || !(x >= 1 && x < 2958466))
		return -1;
	long days = (long)x;
	if (days == 60) /* 1900-02-29, which Excel believes in and the calendar does not */
		return -1;
	if (days < 60)
		days++;
	cal_format_date(cal_days_from_civil(1899, 12, 30) + days, out); /* 1900…9999 */
	return 0;
}

const char *sheet_strerror(enum sheet_error e)
{
	switch (e) {
	case SHEET_OK: return "ok";
	case SHEET_UNKNOWN_FORMAT: return "unknown file format";
	case SHEET_BAD_CSV: return "bad CSV";
	case SHEET_BAD_XLSX: return "bad XLSX";
	case SHEET_ENCODING: return "unknown text encoding";
	case SHEET_TOO_BIG: return "too big";
	case SHEET_EMPTY: return "empty";
	}
	return "?";
}
