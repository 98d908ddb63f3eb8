/* qr.c — see qr.h. Only this file includes qrencode.h. */
#include "qr.h"

#include <qrencode.h>
#include <stdlib.h>

#include "../core/buf.h"

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

int qr_matrix(const char *text, unsigned char **dark)
{
	*dark = NULL;
	if (!text || !*text)
		return -1;
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!q)
		return -1;
	int w = q->width;
	unsigned char *d = malloc((size_t)w * (size_t)w);
	if (d)
		for (int i = 0; i < w * w; i++)
			d[i] = q->data[i] & 1;
	QRcode_free(q);
	if (!d)
		return -1;
	*dark = d;
	return w;
}

int qr_svg(struct buf *out, const char *text, const char *label)
{
	unsigned char *d;
	int w = qr_matrix(text, &d);
	if (w < 0)
		return -1;
	int size = w + 2 * QR_QUIET;
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
			if (!d[y * w + x]) {
				x++;
				continue;
			}
			int x0 = x;
			while (x < w && d[y * w + x])
				x++;
			buf_printf(out, "M%d %dh%dv1h-%dz", x0 + QR_QUIET, y + QR_QUIET, x - x0, x - x0);
		}
	}
	buf_puts(out, "\"/></svg>");
	free(d);
	return 0;
}
