/* qr.c — see qr.h. Only this file includes qrencode.h. */
#include "qr.h"

#include <qrencode.h>
#include <stdlib.h>

#include "../core/buf.h"

#define QR_QUIET 4

static void attr_escaped(struct buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		default: buf_append(out, s, 1);
		}
	}
}

int qr_svg(struct buf *out, const char *text, const char *label)
{
	if (!text || !*text)
		return -1;
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!q)
		return -1;
	int w = q->width, size = w + 2 * QR_QUIET;
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\" "
		   "shape-rendering=\"crispEdges\" role=\"img\"",
		   size, size);
	if (label) {
		buf_puts(out, " aria-label=\"");
		attr_escaped(out, label);
		buf_puts(out, "\"");
	}
	buf_printf(out, "><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size);
	/* one horizontal run of dark modules per "M x y h n v1 h-n z" */
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int x0 = x;
			while (x < w && (q->data[y * w + x] & 1))
				x++;
			buf_printf(out, "M%d %dh%dv1h-%dz", x0 + QR_QUIET, y + QR_QUIET, x - x0, x - x0);
		}
	}
	buf_puts(out, "\"/></svg>");
	QRcode_free(q);
	return 0;
}
