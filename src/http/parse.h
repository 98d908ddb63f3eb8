/* parse.h — parsers for what arrives from outside: query strings and
 * urlencoded forms, cookies, multipart bodies, route patterns.
 *
 * Pure functions over bytes: no server, no database. Results live in the
 * arena. Every one of them is fuzzed (tests/fuzz/). Text values must be
 * valid UTF-8; file parts of a multipart body may hold any bytes. */
#ifndef WM_PARSE_H
#define WM_PARSE_H

#include <stddef.h>

#include "http.h"

enum {
	PARSE_OK = 0,
	PARSE_BAD = -1,     /* malformed */
	PARSE_UTF8 = -2,    /* a text value is not valid UTF-8 */
	PARSE_TOO_BIG = -3, /* a part or the field count is over the limit */
};

#define PARSE_MAX_FIELDS 2000

/* name=value&... with percent-decoding and + as space. */
int parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *out);
/* A Cookie header: name=value; name2=value2. Malformed pairs are skipped
 * (browsers send what they have); returns PARSE_UTF8 for invalid bytes. */
int parse_cookies(struct arena *a, const char *header, struct kvlist *out);
/* multipart/form-data; content_type is the whole header value. */
int parse_multipart(struct arena *a, const char *content_type, const char *body, size_t n, size_t max_part,
		    struct kvlist *out);
/* Decodes %XX (and + when plus) in place; returns the new length, or -1
 * for a bad escape. */
long url_decode(char *s, size_t n, int plus);
/* Matches a path against "/a/{id:int}/b"; fills params. 1 on match. */
int route_match(struct arena *a, const char *pattern, const char *path, struct kvlist *params);
/* Which of two patterns is the more specific, segment by segment from the
 * left: a literal segment beats {x:int}, which beats {x:str}. > 0 when a is
 * the more specific, < 0 when b is, 0 when they are alike. */
int route_compare(const char *a, const char *b);
/* The route of the table (n entries) for method and path: of those whose
 * pattern matches, the most specific (route_compare), the first among
 * equals, so the table's order does not matter. HEAD is served by GET.
 * Fills params (arena); *path_known is 1 when some route, of any method,
 * matches the path (a 405 rather than a 404). NULL when none takes the
 * method. */
const struct route *route_find(struct arena *a, const struct route *routes, size_t n, const char *method,
			       const char *path, struct kvlist *params, int *path_known);

#endif
