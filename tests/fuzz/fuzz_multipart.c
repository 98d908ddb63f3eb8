/* fuzz_multipart.c — parse_multipart. The first line of the input is the
 * Content-Type header value, the rest is the body.
 * Properties: no memory error; a documented result code; on success every
 * part has a UTF-8 name, a value no longer than max_part and NUL-terminated
 * at its length, and a text part (no filename) is valid UTF-8. */
#include "fuzz.h"

#include "core/arena.h"
#include "core/buf.h"
#include "http/parse.h"

#define MAX_PART 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ct, *body;
	size_t n;
	fuzz_split_line(data, size, &ct, &body, &n);
	struct arena a;
	arena_init(&a);
	struct kvlist l = {0};
	int rc = parse_multipart(&a, ct, body, n, MAX_PART, &l);
	CHECK(rc == PARSE_OK || rc == PARSE_BAD || rc == PARSE_UTF8 || rc == PARSE_TOO_BIG);
	if (rc == PARSE_OK) {
		CHECK(l.n <= PARSE_MAX_FIELDS);
		for (size_t i = 0; i < l.n; i++) {
			const struct kv *k = &l.v[i];
			CHECK(k->name && utf8_valid(k->name, strlen(k->name)));
			CHECK(k->len <= MAX_PART && k->len <= n);
			CHECK(k->value[k->len] == 0);
			if (k->filename)
				CHECK(utf8_valid(k->filename, strlen(k->filename)));
			else
				CHECK(utf8_valid(k->value, k->len));
		}
	}
	arena_free(&a);
	free(ct);
	free(body);
	return 0;
}
