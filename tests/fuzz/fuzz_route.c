/* fuzz_route.c — route_match. The first line of the input is the pattern,
 * the rest the path.
 * Properties: no memory error on any pattern (patterns come from our route
 * table, but a typo must not crash the server); on a match each parameter
 * is one non-empty path segment (no '/'), and an {x:int} parameter is at
 * most 18 digits; route_compare, on any two texts, is antisymmetric. */
#include "fuzz.h"

#include <ctype.h>

#include "core/arena.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *pat, *path;
	size_t n;
	fuzz_split_line(data, size, &pat, &path, &n);
	struct arena a;
	arena_init(&a);
	struct kvlist params = {0};
	if (route_match(&a, pat, path, &params)) {
		for (size_t i = 0; i < params.n; i++) {
			const struct kv *k = &params.v[i];
			CHECK(k->len > 0 && k->len == strlen(k->value));
			CHECK(!strchr(k->value, '/'));
			char want[256];
			snprintf(want, sizeof want, "{%s:int}", k->name);
			if (strlen(k->name) < 200 && strstr(pat, want)) {
				/* the same name may appear twice with other types: only
				 * check when every occurrence is :int */
				char other[256];
				snprintf(other, sizeof other, "{%s", k->name);
				size_t ints = 0, all = 0;
				for (const char *p = strstr(pat, other); p; p = strstr(p + 1, other)) {
					char c = p[strlen(other)];
					all += c == '}' || c == ':';
				}
				for (const char *p = strstr(pat, want); p; p = strstr(p + 1, want))
					ints++;
				if (ints == all) {
					CHECK(k->len <= 18);
					for (size_t j = 0; j < k->len; j++)
						CHECK(isdigit((unsigned char)k->value[j]));
				}
			}
		}
	}
	int ab = route_compare(pat, path), ba = route_compare(path, pat);
	CHECK((ab > 0) == (ba < 0) && (ab == 0) == (ba == 0));
	arena_free(&a);
	free(pat);
	free(path);
	return 0;
}
