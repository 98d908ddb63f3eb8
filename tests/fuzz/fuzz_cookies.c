/* fuzz_cookies.c — parse_cookies on any Cookie header.
 * Properties: no memory error; a documented result code; on success names
 * are non-empty, hold no '=' or ';' and no surrounding whitespace, values
 * hold no ';', and both are valid UTF-8. */
#include "fuzz.h"

#include "core/arena.h"
#include "core/buf.h"
#include "http/parse.h"

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = fuzz_strndup(data, size); /* a header is a C string: it ends at a NUL */
	struct arena a;
	arena_init(&a);
	struct kvlist l = {0};
	int rc = parse_cookies(&a, h, &l);
	CHECK(rc == PARSE_OK || rc == PARSE_UTF8 || rc == PARSE_TOO_BIG);
	if (rc == PARSE_OK) {
		CHECK(l.n <= PARSE_MAX_FIELDS);
		for (size_t i = 0; i < l.n; i++) {
			const char *n = l.v[i].name, *v = l.v[i].value;
			size_t nl = strlen(n);
			CHECK(nl > 0);
			CHECK(!strchr(n, '=') && !strchr(n, ';'));
			CHECK(!is_ws(n[0]) && !is_ws(n[nl - 1]));
			CHECK(l.v[i].len == strlen(v));
			CHECK(!strchr(v, ';'));
			CHECK(utf8_valid(n, nl) && utf8_valid(v, l.v[i].len));
		}
	}
	arena_free(&a);
	free(h);
	return 0;
}
