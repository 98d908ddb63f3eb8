/* html.h — the HTML writer: escaping is the default.
 *
 *   html(r, "<td><a href=\"/users/%D\">%s</a></td>", id, name);
 *
 * Conversions (all append to r->out):
 *   %s  text, HTML-escaped            %a  attribute value, escaped
 *   %u  URL component, percent-encoded
 *   %T  a catalog message (enum msg_id) in the request's language, escaped
 *   %H  markup built by the writer itself, inserted as is — the one raw form
 *   %d  int        %D  int64_t        %N  int64_t with thousands separators
 *   %%  a percent sign
 * There is no raw %s. The writer cannot carry a printf format attribute
 * because %a, %T, %H, %D and %N are ours; tests/unit/test_html.c pins it. */
#ifndef WM_HTML_H
#define WM_HTML_H

#include <stdarg.h>

struct req;
struct buf;

void html(struct req *r, const char *fmt, ...);
void html_v(struct req *r, const char *fmt, va_list ap);
/* The same conversions into any buffer, for a language. */
void html_buf(struct buf *b, int lang, const char *fmt, ...);
void html_buf_v(struct buf *b, int lang, const char *fmt, va_list ap);
/* The same, into the request arena, for %H arguments. */
const char *html_fmt(struct req *r, const char *fmt, ...);

#endif
