/* router.c — one request from intake to handler: who is asking, in which
 * language, which route, parsed input, then the permission and CSRF checks,
 * all before any handler runs. Also the small request/response helpers
 * declared in http.h. */
#include "app.h"
#include "parse.h"
#include "session.h"
#include "../core/log.h"
#include "../db/db.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- request helpers ---- */

const char *req_query(struct req *r, const char *name)
{
	return kv_get(&r->qs, name);
}

const char *req_form(struct req *r, const char *name)
{
	return kv_get(&r->form, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return kv_get(&r->cookies, name);
}

const char *req_param(struct req *r, const char *name)
{
	return kv_get(&r->params, name);
}

int64_t req_param_int(struct req *r, const char *name)
{
	const char *v = req_param(r, name);
	return v ? strtoll(v, NULL, 10) : 0;
}

int req_page(struct req *r)
{
	const char *p = req_query(r, "page");
	if (!p)
		return 1;
	if (!*p || strspn(p, "0123456789") != strlen(p))
		return 0;
	/* past the last page is no error (an empty page), but OFFSET must
	 * not overflow: any page beyond a million is the millionth */
	long v = strlen(p) > 7 ? REQ_PAGE_MAX : strtol(p, NULL, 10);
	return v < 1 ? 0 : v > REQ_PAGE_MAX ? REQ_PAGE_MAX : (int)v;
}

struct db *req_db(struct req *r)
{
	if (!r->db_)
		r->db_ = db_pool_get(r->app->pool);
	return r->db_;
}

void req_header_add(struct req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&r->headers, fmt, ap);
	va_end(ap);
	buf_puts(&r->headers, "\r\n");
}

void req_cookie_set(struct req *r, const char *name, const char *value, long max_age)
{
	char age[40] = "";
	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
	req_header_add(r, "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value, age,
		       r->tls ? "; Secure" : "");
}

int req_path_local(const char *p)
{
	if (!p || p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return 0;
	/* browsers drop TAB, CR and LF from URLs ("/\t/evil.example" becomes
	 * "//evil.example"), and no local path of ours holds a control byte */
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return 0;
	return 1;
}

int req_redirect(struct req *r, const char *path)
{
	r->status = 303;
	buf_reset(&r->out);
	req_header_add(r, "Location: %s", req_path_local(path) ? path : "/");
	return 0;
}

void req_init_cli(struct req *r, struct arena *a, struct db *db, enum lang lang)
{
	memset(r, 0, sizeof *r);
	r->a = a;
	r->db_ = db;
	r->ip = "cli";
	r->lang = lang;
}

void req_json_begin(struct req *r, int status)
{
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	buf_reset(&r->out);
}

void req_flash(struct req *r, const char *kind, enum msg_id m)
{
	req_cookie_set(r, "wm_flash", arena_printf(r->a, "%s.%s", kind, msg_key(m)), 60);
}

static const char *error_code(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 413: return "too_large";
	case 415: return "unsupported_media_type";
	case 422: return "invalid";
	case 429: return "too_many_requests";
	case 503: return "unavailable";
	}
	return "internal";
}

static enum msg_id status_title(int status)
{
	switch (status) {
	case 400: return M_err_400;
	case 401: return M_err_401;
	case 403: return M_err_403;
	case 404: return M_err_404;
	case 405: return M_err_405;
	case 409: return M_err_409;
	case 413: return M_err_413;
	case 415: return M_err_415;
	case 422: return M_err_422;
	case 429: return M_err_429;
	case 503: return M_err_503;
	}
	return M_err_500;
}

int req_fail(struct req *r, int status, enum msg_id detail)
{
	r->status = status;
	r->body_ref = NULL;
	buf_reset(&r->out);
	if (r->is_api) {
		req_json_begin(r, status);
		buf_puts(&r->out, "{\"error\":{\"code\":");
		buf_json_str(&r->out, error_code(status));
		buf_puts(&r->out, ",\"message\":");
		buf_json_str(&r->out, msg(r->lang, detail != M_NONE ? detail : status_title(status)));
		buf_puts(&r->out, "}}\n");
		return 0;
	}
	r->content_type = "text/html; charset=utf-8";
	r->app->render_error(r, status, status_title(status), detail);
	r->status = status;
	return 0;
}

/* ---- dispatch ---- */

static void choose_language(struct req *r)
{
	int l = -1;
	if (r->user && r->user->lang)
		l = lang_parse(r->user->lang);
	if (l < 0)
		l = lang_parse(req_cookie(r, "wm_lang"));
	r->lang = l >= 0 ? (enum lang)l : lang_from_accept(req_header(r, "Accept-Language"));
}

/* Worker threads have small stacks (Debian's civetweb: 100 KiB) and
 * jansson parses recursively, so nesting is capped before parsing; and a
 * parsed value costs some 50 bytes for each byte of "1,", so the number of
 * values is capped too (a 1 MiB body of [1,1,...] would be 25 MB). */
#define JSON_MAX_DEPTH 64
#define JSON_MAX_VALUES 10000

/* Pre-scans a JSON text: 0 when it may be parsed, or the status refusing
 * it (400 too deep, 413 too many values). Values are counted as commas and
 * opening brackets outside strings: one for each element of an array or
 * member of an object, give or take one per container. */
static int json_shape_check(const char *s, size_t n)
{
	int depth = 0, in_str = 0;
	size_t values = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{' || c == ',') {
			if (++values > JSON_MAX_VALUES)
				return 413;
			if (c != ',' && ++depth > JSON_MAX_DEPTH)
				return 400;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 0;
}

int req_body_is_json(struct req *r)
{
	const char *ct = req_header(r, "Content-Type");
	return ct && strncasecmp(ct, "application/json", 16) == 0;
}

/* Only the API takes JSON, and only in a body that creates or changes. */
static int route_takes_json(const struct req *r)
{
	return r->is_api && (!strcmp(r->method, "POST") || !strcmp(r->method, "PUT") || !strcmp(r->method, "PATCH"));
}

/* Forms are parsed here, before the CSRF check that reads their _csrf
 * field; a JSON body is only accepted here (a route that takes JSON) and
 * parsed after that check (parse_json). */
static int parse_body(struct req *r)
{
	if (!r->body_len)
		return 0;
	const char *ct = req_header(r, "Content-Type");
	if (!ct)
		ct = "";
	int rc = PARSE_OK;
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		rc = parse_urlencoded(r->a, r->body, r->body_len, &r->form);
	} else if (strncasecmp(ct, "multipart/form-data", 19) == 0) {
		rc = parse_multipart(r->a, ct, r->body, r->body_len, (size_t)r->app->cfg->max_part, &r->form);
	} else if (!req_body_is_json(r) || !route_takes_json(r)) {
		return req_fail(r, 415, M_NONE), -1;
	}
	if (rc == PARSE_UTF8)
		return req_fail(r, 400, M_err_bad_utf8), -1;
	if (rc == PARSE_TOO_BIG)
		return req_fail(r, 413, M_NONE), -1;
	if (rc != PARSE_OK)
		return req_fail(r, 400, M_err_bad_form), -1;
	return 0;
}

/* The JSON body into r->json, once everything that needs no body has been
 * checked (the size already, by the server: REQ_MAX_JSON). */
static int parse_json(struct req *r)
{
	if (!r->body_len || !req_body_is_json(r))
		return 0;
	int refused = json_shape_check(r->body, r->body_len);
	if (refused)
		return req_fail(r, refused, refused == 413 ? M_err_json_too_many : M_err_bad_json), -1;
	json_error_t e;
	json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return req_fail(r, 400, M_err_bad_json), -1;
	r->json = j;
	arena_defer(r->a, (void (*)(void *))json_decref, j);
	return 0;
}

/* The Allow header of a 405: every method some route takes on this path
 * (HEAD along with GET). */
static void add_allow(struct req *r)
{
	static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
	int seen[sizeof methods / sizeof methods[0]] = {0};
	struct kvlist params = {0};
	for (size_t i = 0; i < r->app->nroutes; i++) {
		const struct route *rt = &r->app->routes[i];
		if (!route_match(r->a, rt->pattern, r->path, &params))
			continue;
		for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
			if (strcmp(rt->method, methods[m]) == 0 || (m == 1 && strcmp(rt->method, "GET") == 0))
				seen[m] = 1;
	}
	struct buf b;
	buf_init(&b, r->a);
	for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
		if (seen[m])
			buf_printf(&b, "%s%s", b.len ? ", " : "", methods[m]);
	if (b.len)
		req_header_add(r, "Allow: %s", b.p);
}

void router_fail_early(struct req *r, int status)
{
	r->is_api = strncmp(r->path, "/api/", 5) == 0;
	/* who is asking, for the page in their own language */
	if (parse_cookies(r->a, req_header(r, "Cookie"), &r->cookies) == PARSE_OK && session_identify(r) == 0 && r->user)
		r->no_store = 1;
	choose_language(r);
	req_fail(r, status, M_NONE);
}

void router_dispatch(struct req *r)
{
	unsigned char raw[12];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(r->nonce, sizeof r->nonce, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	r->is_api = strncmp(r->path, "/api/", 5) == 0;
	/* cookies first, whatever else is wrong: they choose the language of
	 * the error page */
	int bad_cookies = parse_cookies(r->a, req_header(r, "Cookie"), &r->cookies) != PARSE_OK;
	int bad_input = bad_cookies || !utf8_valid(r->path, strlen(r->path)) ||
			parse_urlencoded(r->a, r->query, strlen(r->query), &r->qs) != PARSE_OK;

	int path_known;
	const struct route *rt =
		route_find(r->a, r->app->routes, r->app->nroutes, r->method, r->path, &r->params, &path_known);
	r->route = rt;

	/* identity only where it matters: static files and probes skip it */
	if (!bad_cookies && (!rt || rt->perm != P_PUBLIC || !rt->name || strcmp(rt->name, "static") != 0)) {
		if (session_identify(r) < 0) {
			choose_language(r);
			req_fail(r, 503, M_err_db_down);
			return;
		}
	}
	choose_language(r);
	if (bad_input) {
		req_fail(r, 400, M_err_bad_utf8);
		return;
	}
	if (!rt) {
		if (path_known)
			add_allow(r);
		req_fail(r, path_known ? 405 : 404, M_NONE);
		return;
	}
	if (rt->perm != P_PUBLIC && !r->user) {
		if (r->is_api || strcmp(r->method, "GET") != 0) {
			req_fail(r, 401, M_NONE);
			return;
		}
		struct buf next;
		buf_init(&next, r->a);
		buf_puts(&next, "/login?next=");
		buf_url(&next, r->path, strlen(r->path));
		if (*r->query) {
			buf_url(&next, "?", 1);
			buf_url(&next, r->query, strlen(r->query));
		}
		req_redirect(r, next.p);
		return;
	}
	if (r->user) {
		r->no_store = 1;
		if (!user_can(r->user, rt->perm)) {
			req_fail(r, 403, M_NONE);
			return;
		}
	}
	if (parse_body(r))
		return;
	if (rt->csrf == 2 && !r->bearer) {
		/* an API token, in the header or the body, never the session cookie */
		r->user = NULL;
		const char *key = req_form(r, "api_key");
		if (key && *key && session_identify_token(r, key) < 0) {
			req_fail(r, 503, M_err_db_down);
			return;
		}
	}
	if (rt->csrf && rt->csrf != 2 && !r->bearer && !csrf_valid(r)) {
		log_info("csrf: rejected %s %s from %s", r->method, r->path, r->ip);
		req_fail(r, 403, M_err_csrf);
		return;
	}
	if (parse_json(r))
		return;
	rt->handler(r);
}
