/* test_cache.c — the generation-keyed result cache: a hit needs the same
 * key and generation, a newer generation drops everything older, the size
 * cap evicts the least recently used, and 0 turns it off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/cache.h"

/* The cache under test: each test starts with a fresh one of 1 MiB. */
static struct cache *c;

static void use(size_t max_bytes)
{
	cache_free(c);
	c = cache_new(max_bytes);
}

static int setup(void **state)
{
	use(1 << 20);
	return 0;
}

static int teardown(void **state)
{
	cache_free(c);
	c = NULL;
	return 0;
}

/* The value under key for gen, or NULL on a miss (static buffer). */
static const char *get(const char *key, int64_t gen)
{
	static char out[256];
	struct buf b;
	buf_init(&b, NULL);
	int hit = cache_get(c, key, gen, &b);
	if (hit)
		snprintf(out, sizeof out, "%s", b.p);
	buf_free(&b);
	return hit ? out : NULL;
}

static void put(const char *key, int64_t gen, const char *v)
{
	cache_put(c, key, gen, v, strlen(v));
}

static void a_value_is_found_under_its_key_and_generation_only(void **state)
{
	put("list|a", 5, "first");
	put("list|b", 5, "second");
	assert_string_equal(get("list|a", 5), "first");
	assert_string_equal(get("list|b", 5), "second");
	assert_null(get("list|c", 5));
	assert_null(get("list|a", -1)); /* an unreadable generation never hits */
	put("list|a", 5, "replaced");
	assert_string_equal(get("list|a", 5), "replaced");
}

static void a_newer_generation_invalidates_everything_older(void **state)
{
	put("k", 7, "at seven");
	assert_string_equal(get("k", 7), "at seven");
	assert_null(get("k", 8)); /* a change was committed: recompute */
	struct cache_stats st;
	cache_stats(c, &st);
	assert_int_equal(st.entries, 0); /* and the old entries are gone */
	/* a slow request that read generation 7 cannot store its stale result */
	put("k", 7, "stale");
	assert_null(get("k", 7));
	assert_null(get("k", 8));
	put("k", 8, "fresh");
	assert_string_equal(get("k", 8), "fresh");
}

static void the_least_recently_used_go_when_it_is_full(void **state)
{
	use(64 * 1024);
	char v[2000];
	memset(v, 'x', sizeof v - 1);
	v[sizeof v - 1] = 0;
	put("old", 1, v);
	for (int i = 0; i < 40; i++) {
		char key[16];
		snprintf(key, sizeof key, "k%d", i);
		put(key, 1, v);
		assert_non_null(get("old", 1)); /* kept in use, so kept */
	}
	assert_null(get("k0", 1)); /* the oldest unused one went */
	assert_non_null(get("k39", 1));
	struct cache_stats st;
	cache_stats(c, &st);
	assert_true(st.bytes <= 64 * 1024);
	assert_true(st.entries < 41);
	/* one value may take an eighth of the cache at most */
	char big[9000];
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = 0;
	put("big", 1, big);
	assert_null(get("big", 1));
}

static void size_zero_turns_it_off(void **state)
{
	use(0);
	put("k", 1, "v");
	assert_null(get("k", 1));
	use(1 << 20);
	put("k", 1, "v");
	assert_string_equal(get("k", 1), "v");
	cache_free(NULL); /* no cache at all is a cache that is off */
	cache_put(NULL, "k", 1, "v", 1);
	struct buf b;
	buf_init(&b, NULL);
	assert_int_equal(cache_get(NULL, "k", 1, &b), 0);
	buf_free(&b);
	cache_clear(c);
	assert_null(get("k", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_value_is_found_under_its_key_and_generation_only, setup, teardown),
		cmocka_unit_test_setup_teardown(a_newer_generation_invalidates_everything_older, setup, teardown),
		cmocka_unit_test_setup_teardown(the_least_recently_used_go_when_it_is_full, setup, teardown),
		cmocka_unit_test_setup_teardown(size_zero_turns_it_off, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
