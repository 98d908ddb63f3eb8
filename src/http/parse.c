/* parse.c — see parse.h. */
#include "parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void kv_add(struct arena *a, struct kvlist *l, const char *name, const char *value, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct kv *v = arena_alloc(a, cap * sizeof *v);
		if (l->n)
			memcpy(v, l->v, l->n * sizeof *v);
		l->v = v;
		l->cap = cap;
	}
	struct kv *k = &l->v[l->n++];
	k->name = name;
	k->value = value;
	k->len = len;
}

const char *kv_get(const struct kvlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long url_decode(char *s, size_t n, int plus)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return -1;
			int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			s[o++] = (char)(h * 16 + l);
			i += 2;
		} else if (plus && s[i] == '+') {
			s[o++] = ' ';
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = 0;
	return (long)o;
}

int parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *out)
{
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			if (out->n >= PARSE_MAX_FIELDS)
				return PARSE_TOO_BIG;
			const char *eq = memchr(s + i, '=', end - i);
			size_t nl = eq ? (size_t)(eq - (s + i)) : end - i;
			char *name = arena_strndup(a, s + i, nl);
			char *val = eq ? arena_strndup(a, eq + 1, end - (size_t)(eq - s) - 1) : arena_strdup(a, "");
			long ln = url_decode(name, nl, 1);
			long lv = url_decode(val, strlen(val), 1);
			if (ln < 0 || lv < 0)
				return PARSE_BAD;
			if (!utf8_valid(name, (size_t)ln) || !utf8_valid(val, (size_t)lv))
				return PARSE_UTF8;
			kv_add(a, out, name, val, (size_t)lv);
		}
		i = end + 1;
	}
	return PARSE_OK;
}

int parse_cookies(struct arena *a, const char *h, struct kvlist *out)
{
	while (h && *h) {
		while (*h == ' ' || *h == ';' || *h == '\t')
			h++;
		const char *end = h + strcspn(h, ";");
		const char *eq = memchr(h, '=', (size_t)(end - h));
		if (eq && eq > h) {
			/* RFC 6265 5.2: whitespace around the name and the value is not part of them */
			size_t nl = (size_t)(eq - h);
			while (nl && (h[nl - 1] == ' ' || h[nl - 1] == '\t'))
				nl--;
			const char *v = eq + 1;
			size_t vl = (size_t)(end - v);
			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
				v++, vl -= 2;
			if (!utf8_valid(h, nl) || !utf8_valid(v, vl))
				return PARSE_UTF8;
			if (out->n >= PARSE_MAX_FIELDS)
				return PARSE_TOO_BIG;
			kv_add(a, out, arena_strndup(a, h, nl), arena_strndup(a, v, vl), vl);
		}
		h = end;
	}
	return PARSE_OK;
}

/* Finds needle in hay[0..n). */
static const char *memmem_(const char *hay, size_t n, const char *needle, size_t nl)
{
	if (nl == 0 || n < nl)
		return NULL;
	for (size_t i = 0; i + nl <= n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nl) == 0)
			return hay + i;
	return NULL;
}

/* Value of a parameter such as boundary= or name= in a header value; arena. */
static char *header_param(struct arena *a, const char *h, size_t hl, const char *param)
{
	size_t pl = strlen(param);
	for (size_t i = 0; i + pl < hl; i++) {
		if ((i == 0 || h[i - 1] == ';' || h[i - 1] == ' ') && strncasecmp(h + i, param, pl) == 0 &&
		    h[i + pl] == '=') {
			const char *v = h + i + pl + 1;
			size_t rest = hl - (i + pl + 1);
			if (rest && *v == '"') {
				const char *q = memchr(v + 1, '"', rest - 1);
				if (!q)
					return NULL;
				return arena_strndup(a, v + 1, (size_t)(q - v - 1));
			}
			size_t vl = 0;
			while (vl < rest && v[vl] != ';' && v[vl] != ' ' && v[vl] != '\r')
				vl++;
			return arena_strndup(a, v, vl);
		}
	}
	return NULL;
}

int parse_multipart(struct arena *a, const char *ct, const char *body, size_t n, size_t max_part,
		    struct kvlist *out)
{
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return PARSE_BAD;
	char *boundary = header_param(a, ct, strlen(ct), "boundary");
	if (!boundary || !*boundary || strlen(boundary) > 200)
		return PARSE_BAD;
	char *delim = arena_printf(a, "--%s", boundary);
	size_t dl = strlen(delim);
	const char *p = memmem_(body, n, delim, dl);
	if (!p)
		return PARSE_BAD;
	const char *end = body + n;
	for (;;) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return PARSE_OK; /* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return PARSE_BAD;
		p += 2;
		/* part headers up to a blank line */
		const char *hend = memmem_(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return PARSE_BAD;
		char *name = NULL, *filename = NULL, *ctype = NULL;
		const char *h = p;
		while (h < hend + 2) {
			const char *le = memmem_(h, (size_t)(hend + 2 - h), "\r\n", 2);
			if (!le)
				break;
			size_t hl = (size_t)(le - h);
			if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
				name = header_param(a, h + 20, hl - 20, "name");
				filename = header_param(a, h + 20, hl - 20, "filename");
			} else if (hl > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
				const char *v = h + 13;
				while (v < le && *v == ' ')
					v++;
				ctype = arena_strndup(a, v, (size_t)(le - v));
			}
			h = le + 2;
		}
		const char *data = hend + 4;
		char *crlf_delim = arena_printf(a, "\r\n%s", delim);
		const char *next = memmem_(data, (size_t)(end - data), crlf_delim, dl + 2);
		if (!next)
			return PARSE_BAD;
		size_t len = (size_t)(next - data);
		if (len > max_part)
			return PARSE_TOO_BIG;
		if (!name)
			return PARSE_BAD;
		if (!utf8_valid(name, strlen(name)) || (filename && !utf8_valid(filename, strlen(filename))))
			return PARSE_UTF8;
		if (!filename && !utf8_valid(data, len))
			return PARSE_UTF8;
		if (out->n >= PARSE_MAX_FIELDS)
			return PARSE_TOO_BIG;
		kv_add(a, out, name, arena_strndup(a, data, len), len);
		out->v[out->n - 1].filename = filename;
		out->v[out->n - 1].content_type = ctype;
		p = next + 2;
	}
}

int route_match(struct arena *a, const char *pat, const char *path, struct kvlist *params)
{
	params->n = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			if (!close) /* a malformed pattern matches nothing */
				return 0;
			const char *colon = memchr(pat, ':', (size_t)(close - pat));
			size_t nl = (size_t)((colon ? colon : close) - pat - 1);
			int is_int = colon && strncmp(colon + 1, "int}", 4) == 0;
			size_t sl = strcspn(path, "/");
			if (sl == 0 || sl > 200)
				return 0;
			if (is_int) {
				if (sl > 18)
					return 0;
				for (size_t i = 0; i < sl; i++)
					if (!isdigit((unsigned char)path[i]))
						return 0;
			}
			kv_add(a, params, arena_strndup(a, pat + 1, nl), arena_strndup(a, path, sl), sl);
			pat = close + 1;
			path += sl;
		} else if (*pat == *path) {
			pat++, path++;
		} else {
			return 0;
		}
	}
	return *pat == 0 && *path == 0;
}

/* A segment of a pattern: 2 literal, 1 {x:int}, 0 any other parameter. */
static int segment_rank(const char *seg, size_t n)
{
	const char *open = memchr(seg, '{', n);
	if (!open)
		return 2;
	const char *close = memchr(open, '}', n - (size_t)(open - seg));
	return close && close - open >= 5 && !memcmp(close - 4, ":int", 4) ? 1 : 0;
}

int route_compare(const char *a, const char *b)
{
	while (*a && *b) {
		size_t na = strcspn(a, "/"), nb = strcspn(b, "/");
		int d = segment_rank(a, na) - segment_rank(b, nb);
		if (d)
			return d;
		a += na + (a[na] == '/');
		b += nb + (b[nb] == '/');
	}
	return 0;
}

const struct route *route_find(struct arena *a, const struct route *routes, size_t n, const char *method,
			       const char *path, struct kvlist *params, int *path_known)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	const struct route *best = NULL;
	struct kvlist found = {0};
	*path_known = 0;
	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &routes[i];
		if (!route_match(a, rt->pattern, path, &found))
			continue;
		*path_known = 1;
		if (strcmp(rt->method, m) != 0 || (best && route_compare(rt->pattern, best->pattern) <= 0))
			continue;
		best = rt;
		*params = found;
		found = (struct kvlist){0}; /* the next match must not write over them */
	}
	return best;
}
