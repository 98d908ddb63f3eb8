/* html.h — the HTML writer: escaping is the default.
 *
 *   html(r, "<td><a href=\"/users/%D\">%s</a></td>", id, name);
 *
 * Conversions (all append to r->out):
 *   %s  text, HTML-escaped            %a  attribute value, escaped
 *   %u  URL component, percent-encoded
 *   %T  a catalog message (enum msg_id) in the request's language, escaped
 *   %H  markup (const struct markup *), inserted as is — the one raw form
 *   %d  int        %D  int64_t        %N  int64_t with thousands separators
 *   %%  a percent sign
 * There is no raw %s. Markup is a type of its own that only the writer
 * makes (html_fmt, and MARKUP("...") of a string literal, which is text we
 * wrote), so text from a user or the database cannot be passed where markup
 * is expected without a cast. The writer cannot carry a printf format
 * attribute because %a, %T, %H, %D and %N are ours: tests/lint/formats.js
 * checks every call's format and its %H arguments instead, and
 * tests/unit/test_html.c pins the conversions. */
#ifndef WM_HTML_H
#define WM_HTML_H

#include <stdarg.h>

struct req;
struct buf;

/* HTML that the writer made: never defined, only pointed to. */
struct markup;
/* Markup from a string literal in our own code (anything else fails to
 * compile: "" x only joins literals). */
#define MARKUP(lit) ((const struct markup *)("" lit))
/* The text of markup, to write it somewhere else than a page (static). */
static inline const char *markup_text(const struct markup *m)
{
	return m ? (const char *)m : "";
}

void html(struct req *r, const char *fmt, ...);
void html_v(struct req *r, const char *fmt, va_list ap);
/* The same conversions into any buffer, for a language. */
void html_buf(struct buf *b, int lang, const char *fmt, ...);
void html_buf_v(struct buf *b, int lang, const char *fmt, va_list ap);
/* The same, into the request arena, as markup for %H arguments. */
const struct markup *html_fmt(struct req *r, const char *fmt, ...);

#endif
