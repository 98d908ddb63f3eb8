/* fuzz_urlencoded.c — parse_urlencoded (query strings and form bodies).
 * Properties: no memory error; a result is one of the documented codes; on
 * success every name and value is valid UTF-8 without NUL and at most
 * PARSE_MAX_FIELDS pairs come back; re-encoding the pairs with buf_url and
 * parsing again gives the same pairs. */
#include "fuzz.h"

#include "core/arena.h"
#include "core/buf.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a);
	struct kvlist l = {0};
	int rc = parse_urlencoded(&a, (const char *)data, size, &l);
	CHECK(rc == PARSE_OK || rc == PARSE_BAD || rc == PARSE_UTF8 || rc == PARSE_TOO_BIG);
	if (rc == PARSE_OK) {
		CHECK(l.n <= PARSE_MAX_FIELDS);
		struct buf enc;
		buf_init(&enc, &a);
		for (size_t i = 0; i < l.n; i++) {
			const struct kv *k = &l.v[i];
			CHECK(utf8_valid(k->name, strlen(k->name)));
			CHECK(k->len == strlen(k->value));
			CHECK(utf8_valid(k->value, k->len));
			if (i)
				buf_putc(&enc, '&');
			buf_url(&enc, k->name, strlen(k->name));
			buf_putc(&enc, '=');
			buf_url(&enc, k->value, k->len);
		}
		struct kvlist again = {0};
		CHECK(parse_urlencoded(&a, enc.p, enc.len, &again) == PARSE_OK);
		/* every pair comes back, even "=" (empty name and value) */
		CHECK(again.n == l.n);
		for (size_t i = 0; i < l.n; i++) {
			CHECK(strcmp(again.v[i].name, l.v[i].name) == 0);
			CHECK(again.v[i].len == l.v[i].len && memcmp(again.v[i].value, l.v[i].value, l.v[i].len) == 0);
		}
	}
	arena_free(&a);
	return 0;
}
