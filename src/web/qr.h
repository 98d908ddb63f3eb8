/* qr.h — QR codes as inline SVG, for links printed or shown on a page
 * (ballot tokens, sign-in links, certificates). A thin layer over
 * libqrencode: it encodes, we draw the module matrix as one SVG path. */
#ifndef WM_QR_H
#define WM_QR_H

struct buf;

/* Appends to out an <svg> element (no XML declaration) drawing text as a
 * QR code (error correction level M, a quiet zone of 4 modules), scaled
 * by its viewBox to the size CSS gives it; label, when not NULL, is its
 * accessible name (escaped here). Returns 0, or -1 when text cannot be
 * encoded (too long, out of memory) and nothing was appended. */
int qr_svg(struct buf *out, const char *text, const char *label);

/* The modules a QR code is drawn with, quiet zone around included. */
#define QR_QUIET 4

/* text's QR code (level M) as its module matrix, without the quiet zone:
 * the width w, with *dark (caller frees) w * w bytes, row by row, 1 for a
 * dark module; -1 when text cannot be encoded. qr_svg and pdf_qr draw
 * from it. */
int qr_matrix(const char *text, unsigned char **dark);

#endif
