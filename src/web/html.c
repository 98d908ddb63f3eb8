/* html.c — the escaping HTML writer. See html.h. */
#include "html.h"
#include "../core/buf.h"
#include "../http/http.h"
#include "../core/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void html_buf_v(struct buf *b, int lang, const char *fmt, va_list ap)
{
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			buf_puts(b, p);
			return;
		}
		buf_append(b, p, (size_t)(pct - p));
		p = pct + 1;
		switch (*p) {
		case 's':
		case 'a': {
			const char *s = va_arg(ap, const char *);
			if (s)
				buf_html(b, s, strlen(s));
			break;
		}
		case 'u': {
			const char *s = va_arg(ap, const char *);
			if (s)
				buf_url(b, s, strlen(s));
			break;
		}
		case 'T': {
			const char *s = msg((enum lang)lang, (enum msg_id)va_arg(ap, int));
			buf_html(b, s, strlen(s));
			break;
		}
		case 'H': {
			const struct markup *m = va_arg(ap, const struct markup *);
			if (m)
				buf_puts(b, markup_text(m));
			break;
		}
		case 'd': buf_printf(b, "%d", va_arg(ap, int)); break;
		case 'D': buf_printf(b, "%" PRId64, va_arg(ap, int64_t)); break;
		case 'N': {
			char tmp[40];
			buf_puts(b, fmt_int((enum lang)lang, va_arg(ap, int64_t), tmp, sizeof tmp));
			break;
		}
		case '%': buf_putc(b, '%'); break;
		case 0: buf_putc(b, '%'); return;
		default: /* unknown conversion: show it, consume nothing */
			buf_putc(b, '%');
			buf_putc(b, *p);
		}
		p++;
	}
}

void html_buf(struct buf *b, int lang, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_buf_v(b, lang, fmt, ap);
	va_end(ap);
}

void html_v(struct req *r, const char *fmt, va_list ap)
{
	html_buf_v(&r->out, (int)r->lang, fmt, ap);
}

void html(struct req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_buf_v(&r->out, (int)r->lang, fmt, ap);
	va_end(ap);
}

const struct markup *html_fmt(struct req *r, const char *fmt, ...)
{
	struct buf b;
	buf_init(&b, r->a);
	va_list ap;
	va_start(ap, fmt);
	html_buf_v(&b, (int)r->lang, fmt, ap);
	va_end(ap);
	return (const struct markup *)b.p;
}
