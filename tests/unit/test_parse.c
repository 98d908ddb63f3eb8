/* test_parse.c — the parsers for what arrives from outside: query strings
 * and urlencoded forms, Cookie headers, multipart bodies, route patterns
 * and the choice of the most specific route.
 * Each result code (OK, BAD, UTF8, TOO_BIG) is pinned by a case here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/parse.h"

static struct arena A;

static int setup(void **state)
{
	arena_init(&A);
	return 0;
}

static int teardown(void **state)
{
	arena_free(&A);
	return 0;
}

static int urlenc(const char *s, struct kvlist *l)
{
	*l = (struct kvlist){0};
	return parse_urlencoded(&A, s, strlen(s), l);
}

/* ---- url_decode ---- */

static void url_decode_handles_escapes_plus_and_bad_escapes(void **state)
{
	char s1[] = "a%20b+c%2B%e6%96%87";
	long n = url_decode(s1, strlen(s1), 1);
	assert_int_equal(n, strlen("a b c+文"));
	assert_string_equal(s1, "a b c+文");
	char s2[] = "a+b";
	assert_int_equal(url_decode(s2, 3, 0), 3); /* plus kept when not asked */
	assert_string_equal(s2, "a+b");
	char s3[] = "%4";
	assert_int_equal(url_decode(s3, 2, 1), -1);
	char s4[] = "x%";
	assert_int_equal(url_decode(s4, 2, 1), -1);
	char s5[] = "%g0";
	assert_int_equal(url_decode(s5, 3, 1), -1);
	char s6[] = "%41%4a%4A";
	assert_int_equal(url_decode(s6, strlen(s6), 1), 3);
	assert_string_equal(s6, "AJJ");
}

/* ---- urlencoded ---- */

static void urlencoded_decodes_plus_and_percent(void **state)
{
	struct kvlist l;
	assert_int_equal(urlenc("q=%E6%96%87%E6%98%8E+2026&name=a%2Bb%26c%3Dd", &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "q"), "文明 2026");
	assert_string_equal(kv_get(&l, "name"), "a+b&c=d");
	assert_int_equal(l.v[1].len, strlen("a+b&c=d"));
	assert_null(kv_get(&l, "missing"));
}

static void urlencoded_decodes_names_too(void **state)
{
	struct kvlist l;
	assert_int_equal(urlenc("a%5Bb%5D=1&c+d=2", &l), PARSE_OK);
	assert_string_equal(kv_get(&l, "a[b]"), "1");
	assert_string_equal(kv_get(&l, "c d"), "2");
}

static void urlencoded_skips_empty_pairs_and_keeps_empty_values(void **state)
{
	struct kvlist l;
	assert_int_equal(urlenc("&&a=1&&b=&c&", &l), PARSE_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "a");
	assert_string_equal(l.v[0].value, "1");
	assert_string_equal(l.v[1].name, "b");
	assert_string_equal(l.v[1].value, "");
	assert_string_equal(l.v[2].name, "c");
	assert_string_equal(l.v[2].value, "");
	assert_int_equal(urlenc("", &l), PARSE_OK);
	assert_int_equal(l.n, 0);
}

static void urlencoded_keeps_repeated_names_in_order(void **state)
{
	struct kvlist l;
	assert_int_equal(urlenc("role=admin&role=staff", &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].value, "admin");
	assert_string_equal(l.v[1].value, "staff");
	assert_string_equal(kv_get(&l, "role"), "admin"); /* first wins */
}

static void urlencoded_value_may_contain_equals(void **state)
{
	struct kvlist l;
	assert_int_equal(urlenc("t=a=b=c", &l), PARSE_OK);
	assert_string_equal(kv_get(&l, "t"), "a=b=c");
}

static void urlencoded_respects_length_not_nul(void **state)
{
	struct kvlist l = {0};
	assert_int_equal(parse_urlencoded(&A, "a=1&b=2", 3, &l), PARSE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "a"), "1");
}

static void urlencoded_bad_escape_is_bad(void **state)
{
	struct kvlist l;
	assert_int_equal(urlenc("a=%zz", &l), PARSE_BAD);
	assert_int_equal(urlenc("a=%4", &l), PARSE_BAD);
	assert_int_equal(urlenc("a=b%", &l), PARSE_BAD);
	assert_int_equal(urlenc("%=1", &l), PARSE_BAD);
}

static void urlencoded_invalid_utf8_is_utf8(void **state)
{
	struct kvlist l;
	assert_int_equal(urlenc("a=%FF", &l), PARSE_UTF8);
	assert_int_equal(urlenc("a=%C0%AF", &l), PARSE_UTF8);     /* overlong / */
	assert_int_equal(urlenc("a=%ED%A0%80", &l), PARSE_UTF8);  /* surrogate */
	assert_int_equal(urlenc("a=%E6%96", &l), PARSE_UTF8);     /* truncated */
	assert_int_equal(urlenc("%FF=1", &l), PARSE_UTF8);        /* in a name */
	assert_int_equal(urlenc("a=x%00y", &l), PARSE_UTF8);      /* NUL */
	assert_int_equal(urlenc("a=\xe6\x96", &l), PARSE_UTF8);   /* raw bytes too */
}

static void urlencoded_field_count_is_limited(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	for (int i = 0; i < PARSE_MAX_FIELDS; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	struct kvlist l;
	assert_int_equal(urlenc(b.p, &l), PARSE_OK);
	assert_int_equal(l.n, PARSE_MAX_FIELDS);
	assert_string_equal(kv_get(&l, "f1999"), "1999");
	buf_puts(&b, "&one=more");
	assert_int_equal(urlenc(b.p, &l), PARSE_TOO_BIG);
	buf_free(&b);
}

/* ---- cookies ---- */

static void cookies_parse_pairs_and_strip_quotes(void **state)
{
	struct kvlist l = {0};
	assert_int_equal(parse_cookies(&A, "wm_sid=abc123; wm_lang=\"zh-Hans\";theme=dark", &l), PARSE_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "wm_sid"), "abc123");
	assert_string_equal(kv_get(&l, "wm_lang"), "zh-Hans");
	assert_string_equal(kv_get(&l, "theme"), "dark");
}

static void cookies_trim_whitespace_around_name_and_value(void **state)
{
	struct kvlist l = {0};
	assert_int_equal(parse_cookies(&A, "  a = 1 ;\tb=2\t; c= \"x\" ", &l), PARSE_OK);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_string_equal(kv_get(&l, "b"), "2");
	assert_string_equal(kv_get(&l, "c"), "x");
	assert_int_equal(l.v[0].len, 1);
}

static void cookies_skip_malformed_pairs(void **state)
{
	struct kvlist l = {0};
	assert_int_equal(parse_cookies(&A, "novalue; =anon; ;; ok=1; x=", &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "ok"), "1");
	assert_string_equal(kv_get(&l, "x"), "");
}

static void cookies_value_may_contain_equals(void **state)
{
	struct kvlist l = {0};
	assert_int_equal(parse_cookies(&A, "t=YWJj==; u=a=b", &l), PARSE_OK);
	assert_string_equal(kv_get(&l, "t"), "YWJj==");
	assert_string_equal(kv_get(&l, "u"), "a=b");
}

static void cookies_null_or_empty_header_is_empty_list(void **state)
{
	struct kvlist l = {0};
	assert_int_equal(parse_cookies(&A, NULL, &l), PARSE_OK);
	assert_int_equal(parse_cookies(&A, "", &l), PARSE_OK);
	assert_int_equal(l.n, 0);
}

static void cookies_invalid_utf8_is_utf8(void **state)
{
	struct kvlist l = {0};
	assert_int_equal(parse_cookies(&A, "a=\xff\xfe", &l), PARSE_UTF8);
	l = (struct kvlist){0};
	assert_int_equal(parse_cookies(&A, "\xc0\xaf=1", &l), PARSE_UTF8);
	l = (struct kvlist){0};
	assert_int_equal(parse_cookies(&A, "name=文明", &l), PARSE_OK);
	assert_string_equal(kv_get(&l, "name"), "文明");
}

static void cookies_count_is_limited(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	for (int i = 0; i <= PARSE_MAX_FIELDS; i++)
		buf_printf(&b, "c%d=%d; ", i, i);
	struct kvlist l = {0};
	assert_int_equal(parse_cookies(&A, b.p, &l), PARSE_TOO_BIG);
	buf_free(&b);
}

/* ---- multipart ---- */

#define CT "multipart/form-data; boundary=XyZ"

static int mp(const char *ct, const char *body, size_t n, size_t max_part, struct kvlist *l)
{
	*l = (struct kvlist){0};
	return parse_multipart(&A, ct, body, n, max_part, l);
}

static void multipart_text_and_file_parts(void **state)
{
	static const char body[] = "preamble is ignored\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"title\"\r\n"
				   "\r\n"
				   "道路安全 & <b>\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"photo\"; filename=\"照片.jpg\"\r\n"
				   "Content-Type: image/jpeg\r\n"
				   "\r\n"
				   "\xff\xd8\xff\x00\x01\r\nnot a delimiter --XyZ\r\n"
				   "--XyZ--\r\n"
				   "epilogue";
	struct kvlist l;
	assert_int_equal(mp(CT, body, sizeof body - 1, 1 << 20, &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "title");
	assert_string_equal(l.v[0].value, "道路安全 & <b>");
	assert_int_equal(l.v[0].len, strlen("道路安全 & <b>"));
	assert_null(l.v[0].filename);
	assert_null(l.v[0].content_type);
	assert_string_equal(l.v[1].name, "photo");
	assert_string_equal(l.v[1].filename, "照片.jpg");
	assert_string_equal(l.v[1].content_type, "image/jpeg");
	static const char data[] = "\xff\xd8\xff\x00\x01\r\nnot a delimiter --XyZ";
	assert_int_equal(l.v[1].len, sizeof data - 1);
	assert_memory_equal(l.v[1].value, data, sizeof data - 1);
	assert_int_equal(l.v[1].value[l.v[1].len], 0); /* still NUL-terminated */
}

static void multipart_quoted_boundary_and_param_order(void **state)
{
	static const char body[] = "--a b;c\r\n"
				   "Content-Disposition: form-data; filename=\"x.txt\"; name=\"f\"\r\n"
				   "\r\n"
				   "hello\r\n"
				   "--a b;c--";
	struct kvlist l;
	assert_int_equal(mp("multipart/form-data; charset=utf-8; boundary=\"a b;c\"", body, sizeof body - 1, 1024, &l),
			 PARSE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "f");
	assert_string_equal(l.v[0].filename, "x.txt");
	assert_string_equal(l.v[0].value, "hello");
}

static void multipart_empty_value_and_empty_form(void **state)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--XyZ--\r\n";
	struct kvlist l;
	assert_int_equal(mp(CT, body, sizeof body - 1, 1024, &l), PARSE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "e"), "");
	static const char none[] = "--XyZ--\r\n";
	assert_int_equal(mp(CT, none, sizeof none - 1, 1024, &l), PARSE_OK);
	assert_int_equal(l.n, 0);
}

static void multipart_missing_closing_delimiter_is_bad(void **state)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
	struct kvlist l;
	assert_int_equal(mp(CT, body, sizeof body - 1, 1024, &l), PARSE_BAD);
	static const char body2[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--XyZ";
	assert_int_equal(mp(CT, body2, sizeof body2 - 1, 1024, &l), PARSE_BAD);
}

static void multipart_bad_headers_are_bad(void **state)
{
	struct kvlist l;
	static const char no_boundary_in_body[] = "just text";
	assert_int_equal(mp(CT, no_boundary_in_body, sizeof no_boundary_in_body - 1, 1024, &l), PARSE_BAD);
	static const char ok[] = "--XyZ--";
	assert_int_equal(mp("multipart/form-data", ok, sizeof ok - 1, 1024, &l), PARSE_BAD);
	assert_int_equal(mp("multipart/form-data; boundary=", ok, sizeof ok - 1, 1024, &l), PARSE_BAD);
	assert_int_equal(mp("multipart/form-data; boundary=\"XyZ", ok, sizeof ok - 1, 1024, &l), PARSE_BAD);
	assert_int_equal(mp("text/plain; boundary=XyZ", ok, sizeof ok - 1, 1024, &l), PARSE_BAD);
	assert_int_equal(mp(NULL, ok, sizeof ok - 1, 1024, &l), PARSE_BAD);
	/* a part without a name */
	static const char noname[] = "--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--";
	assert_int_equal(mp(CT, noname, sizeof noname - 1, 1024, &l), PARSE_BAD);
	/* a delimiter followed by neither CRLF nor -- */
	static const char junk[] = "--XyZjunk\r\n";
	assert_int_equal(mp(CT, junk, sizeof junk - 1, 1024, &l), PARSE_BAD);
}

static void multipart_part_over_max_part_is_too_big(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n");
	for (int i = 0; i < 2000; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\r\n--XyZ--\r\n");
	struct kvlist l;
	assert_int_equal(mp(CT, b.p, b.len, 1999, &l), PARSE_TOO_BIG);
	assert_int_equal(mp(CT, b.p, b.len, 2000, &l), PARSE_OK); /* the limit itself is allowed */
	assert_int_equal(l.v[0].len, 2000);
	buf_free(&b);
}

static void multipart_non_utf8_text_part_is_utf8(void **state)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n\xb9\xfa\xbc\xd2\r\n--XyZ--";
	struct kvlist l;
	assert_int_equal(mp(CT, body, sizeof body - 1, 1024, &l), PARSE_UTF8); /* GBK text */
	static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\na\0b\r\n--XyZ--";
	assert_int_equal(mp(CT, nul, sizeof nul - 1, 1024, &l), PARSE_UTF8);
	static const char badname[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nv\r\n--XyZ--";
	assert_int_equal(mp(CT, badname, sizeof badname - 1, 1024, &l), PARSE_UTF8);
	static const char badfile[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\xc0\xaf\"\r\n\r\nv\r\n--XyZ--";
	assert_int_equal(mp(CT, badfile, sizeof badfile - 1, 1024, &l), PARSE_UTF8);
}

static void multipart_binary_file_part_is_ok(void **state)
{
	char body[512];
	int n = snprintf(body, sizeof body,
			 "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n"
			 "Content-Type: application/octet-stream\r\n\r\n");
	for (int i = 0; i < 256; i++)
		body[n + i] = (char)i;
	int m = n + 256;
	m += snprintf(body + m, sizeof body - (size_t)m, "\r\n--XyZ--\r\n");
	struct kvlist l;
	assert_int_equal(mp(CT, body, (size_t)m, 1024, &l), PARSE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].len, 256);
	assert_memory_equal(l.v[0].value, body + n, 256);
	assert_string_equal(l.v[0].content_type, "application/octet-stream");
}

/* ---- route_match ---- */

static int rm(const char *pat, const char *path, struct kvlist *p)
{
	*p = (struct kvlist){0};
	return route_match(&A, pat, path, p);
}

static void route_literal_paths(void **state)
{
	struct kvlist p;
	assert_true(rm("/", "/", &p));
	assert_true(rm("/admin/users", "/admin/users", &p));
	assert_int_equal(p.n, 0);
	assert_false(rm("/admin/users", "/admin/user", &p));
	assert_false(rm("/admin/users", "/admin/usersx", &p));
	assert_false(rm("/admin/users", "/Admin/users", &p));
	assert_false(rm("/", "", &p));
}

static void route_typed_int_parameter(void **state)
{
	struct kvlist p;
	assert_true(rm("/admin/users/{id:int}", "/admin/users/42", &p));
	assert_int_equal(p.n, 1);
	assert_string_equal(kv_get(&p, "id"), "42");
	assert_true(rm("/admin/users/{id:int}/disable", "/admin/users/7/disable", &p));
	assert_string_equal(kv_get(&p, "id"), "7");
	assert_true(rm("/a/{id:int}", "/a/999999999999999999", &p)); /* 18 digits */
}

static void route_int_rejects_non_digits_and_overflow(void **state)
{
	struct kvlist p;
	assert_false(rm("/admin/users/{id:int}", "/admin/users/new", &p));
	assert_false(rm("/a/{id:int}", "/a/12x", &p));
	assert_false(rm("/a/{id:int}", "/a/-1", &p));
	assert_false(rm("/a/{id:int}", "/a/+1", &p));
	assert_false(rm("/a/{id:int}", "/a/1.5", &p));
	assert_false(rm("/a/{id:int}", "/a/%31", &p));
	assert_false(rm("/a/{id:int}", "/a/", &p));                       /* empty */
	assert_false(rm("/a/{id:int}", "/a/9999999999999999999", &p));    /* past int64 */
	assert_false(rm("/a/{id:int}", "/a/\xd9\xa3", &p));               /* Arabic-Indic 3 */
}

static void route_str_parameter(void **state)
{
	struct kvlist p;
	assert_true(rm("/static/{name:str}", "/static/app.css", &p));
	assert_string_equal(kv_get(&p, "name"), "app.css");
	assert_true(rm("/u/{name:str}/x/{id:int}", "/u/文明/x/3", &p));
	assert_int_equal(p.n, 2);
	assert_string_equal(kv_get(&p, "name"), "文明");
	assert_string_equal(kv_get(&p, "id"), "3");
	assert_false(rm("/static/{name:str}", "/static/", &p)); /* empty segment */
	assert_false(rm("/static/{name:str}", "/static/a/b", &p)); /* one segment only */
}

static void route_trailing_slash_and_extra_segments_do_not_match(void **state)
{
	struct kvlist p;
	assert_false(rm("/admin/users", "/admin/users/", &p));
	assert_false(rm("/admin/users/{id:int}", "/admin/users/5/", &p));
	assert_false(rm("/admin/users/{id:int}", "/admin/users/5/disable", &p));
	assert_false(rm("/admin/users/{id:int}/disable", "/admin/users/5", &p));
	assert_false(rm("/login", "/login/extra", &p));
}

static void route_match_resets_params(void **state)
{
	struct kvlist p = {0};
	assert_true(route_match(&A, "/a/{id:int}", "/a/1", &p));
	assert_true(route_match(&A, "/b/{x:str}", "/b/y", &p));
	assert_int_equal(p.n, 1);
	assert_string_equal(kv_get(&p, "x"), "y");
}

static void route_malformed_pattern_does_not_match(void **state)
{
	/* patterns come from the route table, but a typo must not crash */
	struct kvlist p;
	assert_false(rm("/a/{id:int", "/a/1", &p));
	assert_false(rm("/a/{id", "/a/1", &p));
}

/* ---- route_find: the most specific route, whatever the table's order ---- */

static int handler_stub(struct req *r)
{
	(void)r;
	return 0;
}

#define ROUTE(m, pat) {m, pat, handler_stub, P_PUBLIC, 0, pat}

/* The pattern of the route found for method and path, or NULL. */
static const char *found(const struct route *t, size_t n, const char *method, const char *path, struct kvlist *p,
			 int *known)
{
	*p = (struct kvlist){0};
	const struct route *rt = route_find(&A, t, n, method, path, p, known);
	return rt ? rt->pattern : NULL;
}

static void route_find_prefers_a_literal_segment_in_any_order(void **state)
{
	/* the parameter first: /api/v1/me must not depend on coming before it */
	static const struct route t[] = {
		ROUTE("GET", "/api/v1/{type:str}"), ROUTE("POST", "/api/v1/{type:str}"),
		ROUTE("GET", "/api/v1/{type:str}/{id:int}"), ROUTE("GET", "/api/v1/me"),
		ROUTE("GET", "/api/v1/stats/people"),
	};
	struct kvlist p;
	int known;
	assert_string_equal(found(t, 5, "GET", "/api/v1/me", &p, &known), "/api/v1/me");
	assert_int_equal(p.n, 0);
	assert_string_equal(found(t, 5, "HEAD", "/api/v1/me", &p, &known), "/api/v1/me");
	assert_string_equal(found(t, 5, "GET", "/api/v1/units", &p, &known), "/api/v1/{type:str}");
	assert_string_equal(kv_get(&p, "type"), "units");
	assert_string_equal(found(t, 5, "GET", "/api/v1/stats/people", &p, &known), "/api/v1/stats/people");
	assert_int_equal(p.n, 0);
	assert_string_equal(found(t, 5, "GET", "/api/v1/stats/3", &p, &known), "/api/v1/{type:str}/{id:int}");
	assert_string_equal(kv_get(&p, "type"), "stats");
	assert_string_equal(kv_get(&p, "id"), "3");
	/* no POST on the literal: the parameter's POST takes it */
	assert_string_equal(found(t, 5, "POST", "/api/v1/me", &p, &known), "/api/v1/{type:str}");
	assert_string_equal(kv_get(&p, "type"), "me");
}

static void route_find_compares_segments_from_the_left(void **state)
{
	static const struct route t[] = {
		ROUTE("GET", "/a/{x:str}/b"), ROUTE("GET", "/a/b/{y:str}"), ROUTE("GET", "/n/{s:str}"),
		ROUTE("GET", "/n/{id:int}"), ROUTE("GET", "/n/new"),
	};
	struct kvlist p;
	int known;
	assert_string_equal(found(t, 5, "GET", "/a/b/b", &p, &known), "/a/b/{y:str}");
	assert_string_equal(kv_get(&p, "y"), "b");
	assert_string_equal(found(t, 5, "GET", "/a/c/b", &p, &known), "/a/{x:str}/b");
	/* a literal beats {int}, which beats {str} */
	assert_string_equal(found(t, 5, "GET", "/n/new", &p, &known), "/n/new");
	assert_string_equal(found(t, 5, "GET", "/n/12", &p, &known), "/n/{id:int}");
	assert_string_equal(kv_get(&p, "id"), "12");
	assert_null(kv_get(&p, "s"));
	assert_string_equal(found(t, 5, "GET", "/n/x12", &p, &known), "/n/{s:str}");
}

static void route_find_takes_the_first_of_equals_and_tells_404_from_405(void **state)
{
	static const struct route t[] = {
		ROUTE("GET", "/r/{type:str}"), ROUTE("GET", "/r/{name:str}"), ROUTE("POST", "/r/{type:str}"),
	};
	struct kvlist p;
	int known = -1;
	assert_string_equal(found(t, 3, "GET", "/r/x", &p, &known), "/r/{type:str}");
	assert_string_equal(kv_get(&p, "type"), "x");
	assert_int_equal(known, 1);
	assert_null(found(t, 3, "DELETE", "/r/x", &p, &known));
	assert_int_equal(known, 1); /* 405 */
	assert_null(found(t, 3, "GET", "/nope", &p, &known));
	assert_int_equal(known, 0); /* 404 */
	assert_int_equal(route_compare("/r/{a:str}", "/r/{b:str}"), 0);
	assert_true(route_compare("/r/x", "/r/{b:str}") > 0);
	assert_true(route_compare("/r/{a:str}", "/r/{id:int}") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(url_decode_handles_escapes_plus_and_bad_escapes),
		cmocka_unit_test(urlencoded_decodes_plus_and_percent),
		cmocka_unit_test(urlencoded_decodes_names_too),
		cmocka_unit_test(urlencoded_skips_empty_pairs_and_keeps_empty_values),
		cmocka_unit_test(urlencoded_keeps_repeated_names_in_order),
		cmocka_unit_test(urlencoded_value_may_contain_equals),
		cmocka_unit_test(urlencoded_respects_length_not_nul),
		cmocka_unit_test(urlencoded_bad_escape_is_bad),
		cmocka_unit_test(urlencoded_invalid_utf8_is_utf8),
		cmocka_unit_test(urlencoded_field_count_is_limited),
		cmocka_unit_test(cookies_parse_pairs_and_strip_quotes),
		cmocka_unit_test(cookies_trim_whitespace_around_name_and_value),
		cmocka_unit_test(cookies_skip_malformed_pairs),
		cmocka_unit_test(cookies_value_may_contain_equals),
		cmocka_unit_test(cookies_null_or_empty_header_is_empty_list),
		cmocka_unit_test(cookies_invalid_utf8_is_utf8),
		cmocka_unit_test(cookies_count_is_limited),
		cmocka_unit_test(multipart_text_and_file_parts),
		cmocka_unit_test(multipart_quoted_boundary_and_param_order),
		cmocka_unit_test(multipart_empty_value_and_empty_form),
		cmocka_unit_test(multipart_missing_closing_delimiter_is_bad),
		cmocka_unit_test(multipart_bad_headers_are_bad),
		cmocka_unit_test(multipart_part_over_max_part_is_too_big),
		cmocka_unit_test(multipart_non_utf8_text_part_is_utf8),
		cmocka_unit_test(multipart_binary_file_part_is_ok),
		cmocka_unit_test(route_literal_paths),
		cmocka_unit_test(route_typed_int_parameter),
		cmocka_unit_test(route_int_rejects_non_digits_and_overflow),
		cmocka_unit_test(route_str_parameter),
		cmocka_unit_test(route_trailing_slash_and_extra_segments_do_not_match),
		cmocka_unit_test(route_match_resets_params),
		cmocka_unit_test(route_malformed_pattern_does_not_match),
		cmocka_unit_test(route_find_prefers_a_literal_segment_in_any_order),
		cmocka_unit_test(route_find_compares_segments_from_the_left),
		cmocka_unit_test(route_find_takes_the_first_of_equals_and_tells_404_from_405),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
