/* pdf.h — printable A4 documents (training certificates, responsibility
 * contracts) as PDF in memory, on cairo + pango with a CJK font.
 *
 * A plain, flowing writer, not a layout engine: the caller describes the
 * document top to bottom (title, headings, paragraphs, table rows, a QR
 * code, signature blocks); pdf_end lays it out into pages — a block that
 * does not fit goes to the next page, a heading stays with what follows
 * it, a table repeats its header row on every page it continues on — and
 * draws it, with the footer (the caller's text and "page n of m") on
 * every page. Nothing is drawn before pdf_end, so a handler's calls
 * cannot fail half-way: errors are kept in the document and returned by
 * pdf_end (the calls after one do nothing).
 *
 * Text is UTF-8 and drawn as text (a reader can search and copy it).
 * Fonts: Noto Serif CJK (TC for zh-Hant and en, SC for zh-Hans), then
 * Noto Sans CJK, then whatever fontconfig offers for the language; when
 * no installed font covers Chinese pdf_end fails with PDF_E_FONT.
 *
 * Only this file and pdf.c include cairo and pango. */
#ifndef WM_PDF_H
#define WM_PDF_H

struct arena;
struct buf;
struct pdf;

enum {
	PDF_OK = 0,
	PDF_E_FONT = -1,  /* no installed font covers Chinese */
	PDF_E_QR = -2,    /* a QR code's text cannot be encoded */
	PDF_E_ARG = -3,   /* a call's arguments are wrong (table without columns, ...) */
	PDF_E_CAIRO = -4, /* cairo or the renderer's thread failed */
};

enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

/* The document as a whole; pdf_begin copies the strings (as every call copies its text). */
struct pdf_meta {
	const char *title;   /* PDF metadata Title */
	const char *subject; /* PDF metadata Subject, or NULL */
	const char *author;  /* PDF metadata Author (the issuing office), or NULL; Creator is "wenming" */
	const char *lang;    /* "zh-Hant", "zh-Hans" or "en": the font variant; NULL: zh-Hant */
	/* The footer of every page: footer on the left (the verification code
	 * line), pages on the right with {n} and {m} replaced by the page's
	 * number and the number of pages ("第 {n} 頁，共 {m} 頁"); either may
	 * be NULL, both NULL: no footer. */
	const char *footer;
	const char *pages;
	int landscape; /* A4 landscape instead of portrait */
	int border;    /* certificate style: a double border on each page and the title in the accent colour */
};

/* Starts a document in arena a (everything it keeps lives there). Never
 * NULL. */
struct pdf *pdf_begin(struct arena *a, const struct pdf_meta *m);

/* The document's title: large, bold, centred. */
void pdf_title(struct pdf *p, const char *text);
/* A heading, bold, left; kept on the same page as the block after it. */
void pdf_heading(struct pdf *p, const char *text);
/* A paragraph of body text (11 pt), wrapped to the text width; "\n" starts
 * a new line. */
void pdf_para(struct pdf *p, const char *text, enum pdf_align align);
/* A paragraph in size pt (body text is 11), bold or not. */
void pdf_text(struct pdf *p, const char *text, double size, int bold, enum pdf_align align);
/* Vertical space of mm millimetres (dropped at the top of a page). */
void pdf_space(struct pdf *p, double mm);
/* Vertical space that takes an equal share of what the page leaves free
 * (a certificate's blocks spread over its one page); none on a page that
 * ends because it is full. */
void pdf_fill(struct pdf *p);
/* Starts a new page (the next block starts at its top). */
void pdf_page_break(struct pdf *p);

/* A table of ncols columns (1..8): widths[i] the share of the text width
 * of column i (they are scaled to add up to 1; NULL: equal), head[i] the
 * header row's cells (NULL: no header row). Rows follow with
 * pdf_table_row until pdf_table_end; a row is never split, and the header
 * row is drawn again above the rows continued on a new page. */
void pdf_table_begin(struct pdf *p, int ncols, const double *widths, const char *const *head);
/* One row: ncols cells, each wrapped within its column (NULL: empty). */
void pdf_table_row(struct pdf *p, const char *const *cells);
void pdf_table_end(struct pdf *p);

/* text as a QR code (error correction M, with its quiet zone) of size mm
 * millimetres square, drawn as filled rectangles (sharp at any zoom).
 * PDF_E_QR when text cannot be encoded. */
void pdf_qr(struct pdf *p, const char *text, double size, enum pdf_align align);

/* n (1..4) signature blocks side by side, kept together on one page:
 * each its label (lines separated by "\n", e.g. "甲方（蓋章）\n負責人：")
 * above room to sign and a rule, and below the rule date_label when not
 * NULL ("日期：    年  月  日"). */
void pdf_signatures(struct pdf *p, int n, const char *const *labels, const char *date_label);

/* Lays the document out, draws it and appends the PDF to out: 0 and the
 * number of pages in *pages (when not NULL), or a PDF_E_* code with out
 * unchanged. The drawing runs on a thread of its own with a roomy stack
 * (font shaping and subsetting run deep; a server worker's stack may be
 * 100 KiB), one document at a time. */
int pdf_end(struct pdf *p, struct buf *out, int *pages);

#endif
