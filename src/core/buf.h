/* buf.h — the one growable string type, and borrowed string slices.
 *
 * A buf is NUL-terminated at all times. It lives on the heap (arena NULL,
 * caller calls buf_free) or in an arena (freed with it). Appends abort on
 * out-of-memory rather than fail silently. */
#ifndef WM_BUF_H
#define WM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct buf {
	char *p;
	size_t len, cap;
	struct arena *arena;
};

struct str {
	const char *p;
	size_t len;
};

void buf_init(struct buf *b, struct arena *a);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s escaped for HTML text and attribute values (& < > " '). */
void buf_html(struct buf *b, const char *s, size_t n);
/* Appends s percent-encoded as a URL component (RFC 3986 unreserved kept). */
void buf_url(struct buf *b, const char *s, size_t n);
/* Appends s as a JSON string literal with quotes. */
void buf_json_str(struct buf *b, const char *s);

/* True when s[0..n) is well-formed UTF-8 with no NUL and no overlong forms. */
int utf8_valid(const char *s, size_t n);

#endif
