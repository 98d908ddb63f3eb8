/* pdf.c — see pdf.h. The calls only record blocks (struct op) in the
 * arena; pdf_end measures them with pango, paginates, and draws them with
 * cairo onto a PDF surface that writes into memory. It must not know any
 * module: what a certificate or a contract says is its caller's.
 *
 * One font map serves every document (building one reads the fontconfig
 * cache, which costs more than drawing a certificate); pango objects are
 * not thread-safe, so documents are drawn one at a time under a mutex. */
#include "pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "qr.h"

#define MM (72.0 / 25.4) /* points per millimetre */
#define BODY_PT 11.0
#define TITLE_PT 24.0
#define CERT_TITLE_PT 34.0
#define HEADING_PT 13.5
#define FOOTER_PT 8.5
#define CELL_PAD (1.6 * MM)
#define TABLE_MAX_COLS 8
#define SIGN_MAX 4

enum op_kind { OP_TEXT, OP_SPACE, OP_FILL, OP_BREAK, OP_ROW, OP_QR, OP_SIGN };

struct table {
	int ncols;
	double w[TABLE_MAX_COLS]; /* shares of the text width, adding up to 1 */
	const char *head[TABLE_MAX_COLS];
	int has_head;
	int rows;
	/* layout */
	PangoLayout *hl[TABLE_MAX_COLS];
	double head_h;
	struct table *next; /* all tables, to free their layouts */
};

struct op {
	enum op_kind kind;
	const char *text;
	double size, before, after;
	int bold, accent, keep;
	enum pdf_align align;
	double mm;
	struct table *tab; /* rows */
	const char **cells;
	int first_row;
	unsigned char *qr; /* QR: w * w modules, arena */
	int qrw;
	int n; /* signatures */
	const char **labels;
	const char *date;
	/* layout */
	PangoLayout *l;                  /* text; a signature's date line */
	PangoLayout *cl[TABLE_MAX_COLS]; /* row cells; signature labels */
	double h;                        /* height without a repeated table header */
	int page, head_above;
	double y;
	struct op *next;
};

struct pdf {
	struct arena *a;
	struct pdf_meta m;
	int err;
	struct op *first, *last;
	struct table *tab, *tables;
	int nops;
	/* page geometry, points */
	double pw, ph, left, right, top, bottom;
};

static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *pdf_fontmap; /* under pdf_lock, created once, kept */

static const char *sdup(struct pdf *p, const char *s)
{
	return s ? arena_strdup(p->a, s) : NULL;
}

struct pdf *pdf_begin(struct arena *a, const struct pdf_meta *m)
{
	struct pdf *p = arena_alloc(a, sizeof *p);
	p->a = a;
	if (m)
		p->m = *m;
	p->m.title = sdup(p, p->m.title);
	p->m.subject = sdup(p, p->m.subject);
	p->m.author = sdup(p, p->m.author);
	p->m.lang = sdup(p, p->m.lang ? p->m.lang : "zh-Hant");
	p->m.footer = sdup(p, p->m.footer);
	p->m.pages = sdup(p, p->m.pages);
	p->pw = (p->m.landscape ? 297 : 210) * MM;
	p->ph = (p->m.landscape ? 210 : 297) * MM;
	double side = p->m.border ? 28 : 22, top = p->m.border ? 21 : 20;
	double foot = p->m.footer || p->m.pages ? (p->m.border ? 28 : 24) : (p->m.border ? 21 : 20);
	p->left = side * MM;
	p->right = p->pw - side * MM;
	p->top = top * MM;
	p->bottom = p->ph - foot * MM;
	return p;
}

static struct op *op_add(struct pdf *p, enum op_kind k)
{
	if (p->err)
		return NULL;
	struct op *o = arena_alloc(p->a, sizeof *o);
	o->kind = k;
	if (p->last)
		p->last->next = o;
	else
		p->first = o;
	p->last = o;
	p->nops++;
	return o;
}

static void text_add(struct pdf *p, const char *text, double size, int bold, enum pdf_align align, double before,
		     double after)
{
	struct op *o = op_add(p, OP_TEXT);
	if (!o)
		return;
	o->text = sdup(p, text ? text : "");
	o->size = size;
	o->bold = bold;
	o->align = align;
	o->before = before;
	o->after = after;
}

void pdf_title(struct pdf *p, const char *text)
{
	text_add(p, text, p->m.border ? CERT_TITLE_PT : TITLE_PT, 1, PDF_CENTER, 0, (p->m.border ? 5 : 7) * MM);
	if (p->last && !p->err)
		p->last->accent = p->m.border;
}

void pdf_heading(struct pdf *p, const char *text)
{
	text_add(p, text, HEADING_PT, 1, PDF_LEFT, 3 * MM, 1.5 * MM);
	if (p->last && !p->err)
		p->last->keep = 1;
}

void pdf_para(struct pdf *p, const char *text, enum pdf_align align)
{
	text_add(p, text, BODY_PT, 0, align, 0, 2.5 * MM);
}

void pdf_text(struct pdf *p, const char *text, double size, int bold, enum pdf_align align)
{
	if (size < 4 || size > 72) {
		p->err = p->err ? p->err : PDF_E_ARG;
		return;
	}
	text_add(p, text, size, bold, align, 0, size * 0.35 * MM);
}

void pdf_space(struct pdf *p, double mm)
{
	struct op *o = op_add(p, OP_SPACE);
	if (o)
		o->mm = mm > 0 ? mm : 0;
}

void pdf_fill(struct pdf *p)
{
	op_add(p, OP_FILL);
}

void pdf_page_break(struct pdf *p)
{
	op_add(p, OP_BREAK);
}

void pdf_table_begin(struct pdf *p, int ncols, const double *widths, const char *const *head)
{
	if (p->err)
		return;
	if (ncols < 1 || ncols > TABLE_MAX_COLS || p->tab) {
		p->err = PDF_E_ARG;
		return;
	}
	struct table *t = arena_alloc(p->a, sizeof *t);
	t->ncols = ncols;
	double sum = 0;
	for (int i = 0; i < ncols; i++)
		sum += widths && widths[i] > 0 ? widths[i] : 1;
	for (int i = 0; i < ncols; i++) {
		t->w[i] = (widths && widths[i] > 0 ? widths[i] : 1) / sum;
		t->head[i] = head ? sdup(p, head[i] ? head[i] : "") : NULL;
	}
	t->has_head = head != NULL;
	t->next = p->tables;
	p->tables = t;
	p->tab = t;
}

void pdf_table_row(struct pdf *p, const char *const *cells)
{
	if (p->err)
		return;
	if (!p->tab || !cells) {
		p->err = PDF_E_ARG;
		return;
	}
	struct op *o = op_add(p, OP_ROW);
	o->tab = p->tab;
	o->first_row = p->tab->rows++ == 0;
	o->cells = arena_alloc(p->a, sizeof *o->cells * (size_t)p->tab->ncols);
	for (int i = 0; i < p->tab->ncols; i++)
		o->cells[i] = sdup(p, cells[i] ? cells[i] : "");
}

void pdf_table_end(struct pdf *p)
{
	if (p->err)
		return;
	if (!p->tab) {
		p->err = PDF_E_ARG;
		return;
	}
	p->tab = NULL;
	pdf_space(p, 3);
}

void pdf_qr(struct pdf *p, const char *text, double size, enum pdf_align align)
{
	if (p->err)
		return;
	unsigned char *d;
	int w = qr_matrix(text, &d);
	if (w < 0) {
		p->err = PDF_E_QR;
		return;
	}
	struct op *o = op_add(p, OP_QR);
	o->qr = arena_alloc(p->a, (size_t)w * (size_t)w);
	memcpy(o->qr, d, (size_t)w * (size_t)w);
	free(d);
	o->qrw = w;
	o->mm = size > 5 ? size : 5;
	o->align = align;
	o->after = 2 * MM;
}

void pdf_signatures(struct pdf *p, int n, const char *const *labels, const char *date_label)
{
	if (p->err)
		return;
	if (n < 1 || n > SIGN_MAX || !labels) {
		p->err = PDF_E_ARG;
		return;
	}
	struct op *o = op_add(p, OP_SIGN);
	o->n = n;
	o->labels = arena_alloc(p->a, sizeof *o->labels * (size_t)n);
	for (int i = 0; i < n; i++)
		o->labels[i] = sdup(p, labels[i] ? labels[i] : "");
	o->date = sdup(p, date_label);
	o->before = 8 * MM;
	o->after = 4 * MM;
}

/* ---- layout and drawing (pdf_end, on the renderer's thread) ---- */

static const char *font_family(const struct pdf *p)
{
	return strcmp(p->m.lang, "zh-Hans") == 0 ? "Noto Serif CJK SC, Noto Sans CJK SC, Source Han Serif SC, serif"
						 : "Noto Serif CJK TC, Noto Sans CJK TC, Source Han Serif TC, serif";
}

static const char *fc_lang(const struct pdf *p)
{
	return strcmp(p->m.lang, "zh-Hans") == 0 ? "zh-cn" : "zh-tw";
}

/* Whether an installed font covers the document's Chinese. */
static int font_ok(const struct pdf *p)
{
	FcPattern *pat = FcPatternCreate();
	FcLangSet *ls = FcLangSetCreate();
	FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
	int ok = 0;
	if (pat && ls && os && FcLangSetAdd(ls, (const FcChar8 *)fc_lang(p)) && FcPatternAddLangSet(pat, FC_LANG, ls)) {
		FcFontSet *fs = FcFontList(NULL, pat, os);
		ok = fs && fs->nfont > 0;
		if (fs)
			FcFontSetDestroy(fs);
	}
	if (os)
		FcObjectSetDestroy(os);
	if (ls)
		FcLangSetDestroy(ls);
	if (pat)
		FcPatternDestroy(pat);
	return ok;
}

static PangoLayout *layout_new(const struct pdf *p, PangoContext *ctx, const char *text, double size, int bold,
			       enum pdf_align align, double width)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string(font_family(p));
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align == PDF_CENTER  ? PANGO_ALIGN_CENTER
				      : align == PDF_RIGHT ? PANGO_ALIGN_RIGHT
							   : PANGO_ALIGN_LEFT);
	pango_layout_set_line_spacing(l, size >= 18 ? 1.1f : size < BODY_PT ? 1.0f : 1.25f);
	pango_layout_set_text(l, text, -1);
	return l;
}

static double layout_h(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

#define SIGN_ROOM (16 * MM)

/* Makes the layouts and sets each block's height. */
static void measure(struct pdf *p, PangoContext *ctx)
{
	double tw = p->right - p->left;
	for (struct table *t = p->tables; t; t = t->next) {
		t->head_h = 0;
		if (!t->has_head)
			continue;
		for (int i = 0; i < t->ncols; i++) {
			t->hl[i] =
				layout_new(p, ctx, t->head[i], BODY_PT - 1, 1, PDF_CENTER, t->w[i] * tw - 2 * CELL_PAD);
			double h = layout_h(t->hl[i]) + 2 * CELL_PAD;
			if (h > t->head_h)
				t->head_h = h;
		}
	}
	for (struct op *o = p->first; o; o = o->next) {
		switch (o->kind) {
		case OP_TEXT:
			o->l = layout_new(p, ctx, o->text, o->size, o->bold, o->align, tw);
			o->h = o->before + layout_h(o->l) + o->after;
			break;
		case OP_SPACE: o->h = o->mm * MM; break;
		case OP_ROW: {
			double hmax = 0;
			for (int i = 0; i < o->tab->ncols; i++) {
				o->cl[i] = layout_new(p, ctx, o->cells[i], BODY_PT - 1, 0, PDF_LEFT,
						      o->tab->w[i] * tw - 2 * CELL_PAD);
				double h = layout_h(o->cl[i]);
				if (h > hmax)
					hmax = h;
			}
			o->h = hmax + 2 * CELL_PAD;
			break;
		}
		case OP_QR: o->h = o->mm * MM + o->after; break;
		case OP_SIGN: {
			double hmax = 0, cw = tw / o->n;
			for (int i = 0; i < o->n; i++) {
				o->cl[i] = layout_new(p, ctx, o->labels[i], BODY_PT, 0, PDF_LEFT, cw - 6 * MM);
				double h = layout_h(o->cl[i]);
				if (h > hmax)
					hmax = h;
			}
			o->h = o->before + hmax + SIGN_ROOM + o->after;
			if (o->date) {
				o->l = layout_new(p, ctx, o->date, BODY_PT - 1, 0, PDF_LEFT, cw - 6 * MM);
				o->h += 1.5 * MM + layout_h(o->l);
			}
			break;
		}
		case OP_FILL:
		case OP_BREAK: o->h = 0; break;
		}
	}
}

/* The height a block takes where it is: a row at the top of a page or
 * first in its table carries its table's header above it. */
static double op_height(const struct op *o, int at_top)
{
	if (o->kind == OP_ROW && (o->first_row || at_top))
		return o->h + o->tab->head_h;
	if (o->kind == OP_SPACE && at_top)
		return 0;
	return o->h;
}

/* Sets each block's page and y; the number of pages. */
static int paginate(struct pdf *p)
{
	int npages = 1, page = 0, nfill = 0;
	double y = p->top;
	/* per page: the fills on it, whether it ended full, where its blocks end */
	int *fills = arena_alloc(p->a, sizeof(int) * (size_t)(p->nops + 1));
	int *full = arena_alloc(p->a, sizeof(int) * (size_t)(p->nops + 1));
	double *end = arena_alloc(p->a, sizeof(double) * (size_t)(p->nops + 1));
	for (struct op *o = p->first; o; o = o->next) {
		if (o->kind == OP_BREAK) {
			end[page] = y;
			o->page = page;
			page = npages++;
			y = p->top;
			continue;
		}
		int top = y <= p->top;
		/* the space after a block may hang into the bottom margin */
		double need = op_height(o, top) - o->after;
		/* a heading needs the block after it on its page too */
		if (o->keep && o->next && o->next->kind != OP_BREAK)
			need += o->after + op_height(o->next, 0) - o->next->after;
		if (!top && y + need > p->bottom) {
			end[page] = y;
			full[page] = 1;
			page = npages++;
			y = p->top;
			top = 1;
		}
		o->page = page;
		o->head_above = o->kind == OP_ROW && o->tab->has_head && (o->first_row || top);
		o->y = y;
		y += op_height(o, top);
		if (o->kind == OP_FILL) {
			fills[page]++;
			nfill++;
		}
	}
	end[page] = y;
	if (nfill) {
		/* spread what a page leaves free over its fills */
		int cur = -1, seen = 0;
		double share = 0;
		for (struct op *o = p->first; o; o = o->next) {
			if (o->page != cur) {
				cur = o->page;
				seen = 0;
				share = fills[cur] && !full[cur] && p->bottom > end[cur]
						? (p->bottom - end[cur]) / fills[cur]
						: 0;
			}
			o->y += seen * share;
			if (o->kind == OP_FILL)
				seen++;
		}
	}
	return npages;
}

static void set_ink(cairo_t *cr, int accent)
{
	if (accent)
		cairo_set_source_rgb(cr, 0.60, 0.10, 0.10);
	else
		cairo_set_source_rgb(cr, 0.08, 0.08, 0.08);
}

static void show(cairo_t *cr, PangoLayout *l, double x, double y)
{
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
}

static void draw_row_cells(cairo_t *cr, const struct pdf *p, const struct table *t, PangoLayout *const *ls, double y,
			   double h, int head)
{
	double tw = p->right - p->left, x = p->left;
	for (int i = 0; i < t->ncols; i++) {
		double w = t->w[i] * tw;
		if (head) {
			cairo_set_source_rgb(cr, 0.92, 0.93, 0.95);
			cairo_rectangle(cr, x, y, w, h);
			cairo_fill(cr);
		}
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		cairo_set_line_width(cr, 0.6);
		cairo_rectangle(cr, x, y, w, h);
		cairo_stroke(cr);
		set_ink(cr, 0);
		show(cr, ls[i], x + CELL_PAD, y + CELL_PAD);
		x += w;
	}
}

static void draw_op(cairo_t *cr, const struct pdf *p, const struct op *o)
{
	double tw = p->right - p->left;
	switch (o->kind) {
	case OP_TEXT:
		set_ink(cr, o->accent);
		show(cr, o->l, p->left, o->y + o->before);
		break;
	case OP_ROW: {
		double y = o->y;
		if (o->head_above) {
			draw_row_cells(cr, p, o->tab, o->tab->hl, y, o->tab->head_h, 1);
			y += o->tab->head_h;
		}
		draw_row_cells(cr, p, o->tab, o->cl, y, o->h, 0);
		break;
	}
	case OP_QR: {
		double size = o->mm * MM, mod = size / (o->qrw + 2 * QR_QUIET);
		double x = o->align == PDF_CENTER  ? p->left + (tw - size) / 2
			   : o->align == PDF_RIGHT ? p->right - size
						   : p->left;
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_rectangle(cr, x, o->y, size, size);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		/* one rectangle per horizontal run of dark modules */
		for (int r = 0; r < o->qrw; r++)
			for (int c = 0; c < o->qrw;) {
				if (!o->qr[r * o->qrw + c]) {
					c++;
					continue;
				}
				int c0 = c;
				while (c < o->qrw && o->qr[r * o->qrw + c])
					c++;
				cairo_rectangle(cr, x + (c0 + QR_QUIET) * mod, o->y + (r + QR_QUIET) * mod,
						(c - c0) * mod, mod);
			}
		cairo_fill(cr);
		break;
	}
	case OP_SIGN: {
		double cw = tw / o->n, hmax = 0;
		for (int i = 0; i < o->n; i++)
			if (layout_h(o->cl[i]) > hmax)
				hmax = layout_h(o->cl[i]);
		for (int i = 0; i < o->n; i++) {
			double x = p->left + i * cw + 3 * MM, y = o->y + o->before;
			set_ink(cr, 0);
			show(cr, o->cl[i], x, y);
			y += hmax + SIGN_ROOM;
			cairo_set_line_width(cr, 0.6);
			cairo_move_to(cr, x, y);
			cairo_line_to(cr, x + cw - 6 * MM, y);
			cairo_stroke(cr);
			if (o->l)
				show(cr, o->l, x, y + 1.5 * MM);
		}
		break;
	}
	case OP_SPACE:
	case OP_FILL:
	case OP_BREAK: break;
	}
}

static void draw_border(cairo_t *cr, const struct pdf *p)
{
	set_ink(cr, 1);
	cairo_set_line_width(cr, 2.4);
	cairo_rectangle(cr, 10 * MM, 10 * MM, p->pw - 20 * MM, p->ph - 20 * MM);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.7);
	cairo_rectangle(cr, 13 * MM, 13 * MM, p->pw - 26 * MM, p->ph - 26 * MM);
	cairo_stroke(cr);
	/* small squares in the inner corners */
	double s = 3 * MM, in = 13 * MM;
	double xs[2] = {in, p->pw - in - s}, ys[2] = {in, p->ph - in - s};
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			cairo_rectangle(cr, xs[i], ys[j], s, s);
	cairo_fill(cr);
}

/* pages with {n} and {m} replaced (arena). */
static const char *pages_text(struct pdf *p, int n, int m)
{
	struct buf b;
	buf_init(&b, p->a);
	for (const char *s = p->m.pages; *s; s++) {
		if (s[0] == '{' && (s[1] == 'n' || s[1] == 'm') && s[2] == '}') {
			buf_printf(&b, "%d", s[1] == 'n' ? n : m);
			s += 2;
		} else
			buf_putc(&b, *s);
	}
	return b.p;
}

static void draw_footer(cairo_t *cr, struct pdf *p, PangoContext *ctx, int n, int m)
{
	double y = p->bottom + (p->m.border ? 6 : 8) * MM, tw = p->right - p->left;
	cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(cr, 0.4);
	cairo_move_to(cr, p->left, y - 1.5 * MM);
	cairo_line_to(cr, p->right, y - 1.5 * MM);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	if (p->m.footer) {
		PangoLayout *l = layout_new(p, ctx, p->m.footer, FOOTER_PT, 0, PDF_LEFT, tw * 0.72);
		show(cr, l, p->left, y);
		g_object_unref(l);
	}
	if (p->m.pages) {
		PangoLayout *l = layout_new(p, ctx, pages_text(p, n, m), FOOTER_PT, 0, PDF_RIGHT, tw * 0.26);
		show(cr, l, p->right - tw * 0.26, y);
		g_object_unref(l);
	}
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void layouts_free(struct pdf *p)
{
	for (struct table *t = p->tables; t; t = t->next)
		for (int i = 0; i < t->ncols; i++)
			if (t->hl[i])
				g_object_unref(t->hl[i]), t->hl[i] = NULL;
	for (struct op *o = p->first; o; o = o->next) {
		if (o->l)
			g_object_unref(o->l), o->l = NULL;
		for (int i = 0; i < TABLE_MAX_COLS; i++)
			if (o->cl[i])
				g_object_unref(o->cl[i]), o->cl[i] = NULL;
	}
}

/* Under pdf_lock: the whole document into pdf (heap buf). */
static int render(struct pdf *p, struct buf *pdf, int *pages)
{
	if (!font_ok(p))
		return PDF_E_FONT;
	if (!pdf_fontmap)
		pdf_fontmap = pango_cairo_font_map_new();
	if (!pdf_fontmap)
		return PDF_E_CAIRO;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, pdf, p->pw, p->ph);
	cairo_t *cr = cairo_create(s);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		cairo_destroy(cr);
		cairo_surface_destroy(s);
		return PDF_E_CAIRO;
	}
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "wenming");
	if (p->m.title)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, p->m.title);
	if (p->m.subject)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, p->m.subject);
	if (p->m.author)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, p->m.author);

	PangoContext *ctx = pango_font_map_create_context(pdf_fontmap);
	/* unhinted metrics: what is measured is what is drawn, at any zoom */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(ctx, pango_language_from_string(fc_lang(p)));
	pango_cairo_update_context(cr, ctx);

	measure(p, ctx);
	int m = paginate(p);
	struct op *o = p->first;
	for (int n = 0; n < m; n++) {
		if (p->m.border)
			draw_border(cr, p);
		for (; o && o->page == n; o = o->next)
			draw_op(cr, p, o);
		if (p->m.footer || p->m.pages)
			draw_footer(cr, p, ctx, n + 1, m);
		cairo_show_page(cr);
	}
	layouts_free(p);
	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int rc = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? 0 : PDF_E_CAIRO;
	cairo_surface_destroy(s);
	if (pages)
		*pages = m;
	return rc;
}

struct render_job {
	struct pdf *p;
	struct buf *pdf;
	int pages, rc;
};

static void *render_thread(void *arg)
{
	struct render_job *j = arg;
	pthread_mutex_lock(&pdf_lock);
	j->rc = render(j->p, j->pdf, &j->pages);
	pthread_mutex_unlock(&pdf_lock);
	return NULL;
}

int pdf_end(struct pdf *p, struct buf *out, int *pages)
{
	if (p->err)
		return p->err;
	if (p->tab)
		return PDF_E_ARG;
	struct buf pdf;
	buf_init(&pdf, NULL);
	struct render_job job = {p, &pdf, 0, PDF_E_CAIRO};
	pthread_attr_t attr;
	pthread_t th;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 8u << 20);
	int err = pthread_create(&th, &attr, render_thread, &job);
	pthread_attr_destroy(&attr);
	if (err) {
		buf_free(&pdf);
		return PDF_E_CAIRO;
	}
	pthread_join(th, NULL);
	if (job.rc == 0) {
		buf_append(out, pdf.p, pdf.len);
		if (pages)
			*pages = job.pages;
	}
	buf_free(&pdf);
	return job.rc;
}
