/* fuzz_request.c — a whole raw HTTP request through the parsers, as
 * server.c and router.c run them, without civetweb: the request line is
 * split into method, path and query; the headers give Cookie, Content-Type
 * and Accept-Language; the rest is the body. Then: path UTF-8 check,
 * cookies, query string, language choice, route lookup over the real route
 * tables, the body parser chosen by Content-Type (urlencoded, multipart,
 * JSON), req_page, and req_redirect with a ?next= value.
 * Properties: no memory error, documented result codes, a language in
 * range, a page number in range, and a Location header that stays local
 * and on one line. */
#include "fuzz.h"

#include <jansson.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/http.h"
#include "http/parse.h"
#include "core/i18n.h"

/* The route tables of the modules that exist at the time of writing (see
 * src/app.c); more can be added here as modules arrive. */
extern const struct route builtin_routes[], auth_routes[], home_routes[], users_routes[], audit_routes[];
static const struct route *const tables[] = {builtin_routes, auth_routes, home_routes, users_routes,
					     audit_routes};

#define MAX_PART (8L << 20) /* the max_part default */

/* Header value by name (case-insensitive), or NULL; points into hdr. */
static const char *header(char **names, char **values, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return values[i];
	return NULL;
}

static int ok_code(int rc)
{
	return rc == PARSE_OK || rc == PARSE_BAD || rc == PARSE_UTF8 || rc == PARSE_TOO_BIG;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *req = fuzz_strndup(data, size);
	char *end = req + size;
	struct arena a;
	arena_init(&a);

	/* request line: METHOD SP TARGET SP VERSION (CR)LF */
	char *p = req, *eol = memchr(p, '\n', (size_t)(end - p));
	char *line_end = eol ? eol : end;
	if (line_end > p && line_end[-1] == '\r')
		line_end[-1] = 0;
	*line_end = 0;
	char slash[] = "/";
	char *method = p, *sp = strchr(method, ' ');
	char *target = slash;
	if (sp) {
		*sp = 0;
		target = sp + 1;
		char *sp2 = strchr(target, ' ');
		if (sp2)
			*sp2 = 0;
	}
	char *q = strchr(target, '?');
	const char *query = "";
	if (q) {
		*q = 0;
		query = q + 1;
	}
	const char *path = target;

	/* headers up to an empty line */
	char *names[64], *values[64];
	int nh = 0;
	p = eol ? eol + 1 : end;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (le > p && le[-1] == '\r')
			le[-1] = 0;
		*le = 0;
		if (!*p) { /* blank line: the body follows */
			p = nl ? nl + 1 : end;
			break;
		}
		char *colon = strchr(p, ':');
		if (colon && nh < 64) {
			*colon = 0;
			char *v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			names[nh] = p;
			values[nh++] = v;
		}
		p = nl ? nl + 1 : end;
	}
	const char *body = p;
	size_t body_len = (size_t)(end - p);

	/* router_dispatch: path, cookies, query */
	(void)utf8_valid(path, strlen(path));
	struct kvlist cookies = {0}, qs = {0}, form = {0}, params = {0};
	CHECK(ok_code(parse_cookies(&a, header(names, values, nh, "Cookie"), &cookies)));
	CHECK(ok_code(parse_urlencoded(&a, query, strlen(query), &qs)));

	/* choose_language */
	int l = lang_parse(kv_get(&cookies, "wm_lang"));
	enum lang lang = l >= 0 ? (enum lang)l : lang_from_accept(header(names, values, nh, "Accept-Language"));
	CHECK((unsigned)lang < LANG__COUNT);

	/* find_route */
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct route *r = tables[t]; r->method; r++) {
			params = (struct kvlist){0};
			if (route_match(&a, r->pattern, path, &params) && strcmp(r->method, method) == 0)
				for (size_t i = 0; i < params.n; i++)
					CHECK(params.v[i].len > 0 && !strchr(params.v[i].value, '/'));
		}

	/* parse_body */
	const char *ct = header(names, values, nh, "Content-Type");
	if (!ct)
		ct = "";
	if (body_len) {
		if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
			CHECK(ok_code(parse_urlencoded(&a, body, body_len, &form)));
		} else if (strncasecmp(ct, "multipart/form-data", 19) == 0) {
			CHECK(ok_code(parse_multipart(&a, ct, body, body_len, (size_t)MAX_PART, &form)));
		} else if (strncasecmp(ct, "application/json", 16) == 0) {
			json_error_t e;
			json_t *j = json_loadb(body, body_len, JSON_REJECT_DUPLICATES, &e);
			json_decref(j);
		}
	}

	/* helpers handlers use on the parsed input */
	struct req r;
	memset(&r, 0, sizeof r);
	r.a = &a;
	r.lang = lang;
	r.qs = qs;
	r.form = form;
	r.cookies = cookies;
	r.method = method;
	r.path = path;
	r.query = query;
	buf_init(&r.out, &a);
	buf_init(&r.headers, &a);
	int page = req_page(&r);
	CHECK(page >= 0 && page <= 1000000); /* 0: not a page number (a 400) */
	const char *next = req_form(&r, "next");
	if (!next)
		next = req_query(&r, "next");
	if (next) {
		req_redirect(&r, next);
		CHECK(r.status == 303);
		CHECK(strncmp(r.headers.p, "Location: /", 11) == 0);
		const char *loc = r.headers.p + 10;
		CHECK(loc[1] != '/' && loc[1] != '\\');
		CHECK(strlen(r.headers.p) == r.headers.len); /* no NUL inside */
		CHECK(strcspn(loc, "\r\n") == r.headers.len - 12); /* one line, ending in CRLF */
	}

	arena_free(&a);
	free(req);
	return 0;
}
