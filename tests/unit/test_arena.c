/* test_arena.c — the per-request arena: zeroed aligned memory, allocations
 * larger than a chunk, finalizers (newest first, exactly once) and the
 * string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"

static void arena_alloc_is_aligned_for_any_type(void **state)
{
	struct arena a;
	arena_init(&a);
	for (size_t n = 0; n < 100; n++) {
		void *p = arena_alloc(&a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		assert_int_equal((uintptr_t)p % 16, 0);
	}
	arena_free(&a);
}

static void arena_alloc_returns_zeroed_distinct_memory(void **state)
{
	struct arena a;
	arena_init(&a);
	unsigned char *p = arena_alloc(&a, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0xAB, 100);
	unsigned char *q = arena_alloc(&a, 100);
	assert_true(q >= p + 100 || q + 100 <= p); /* no overlap */
	for (int i = 0; i < 100; i++)
		assert_int_equal(q[i], 0);
	/* memory reused after a reset is zeroed again */
	arena_reset(&a);
	unsigned char *r = arena_alloc(&a, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(r[i], 0);
	arena_free(&a);
}

static void arena_counts_bytes_and_reset_clears_count(void **state)
{
	struct arena a;
	arena_init(&a);
	arena_alloc(&a, 10);
	arena_alloc(&a, 17);
	assert_true(a.total >= 27);
	arena_reset(&a);
	assert_int_equal(a.total, 0);
	arena_free(&a);
}

static void arena_large_allocation_beyond_a_chunk(void **state)
{
	struct arena a;
	arena_init(&a);
	char *small = arena_alloc(&a, 8);
	strcpy(small, "keep");
	size_t big = 5u * 1024 * 1024; /* far more than one chunk */
	unsigned char *p = arena_alloc(&a, big);
	assert_int_equal((uintptr_t)p % 16, 0);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[big - 1], 0);
	memset(p, 0x5A, big);
	assert_string_equal(small, "keep"); /* older allocations untouched */
	/* many medium allocations fill several chunks without overlap */
	char *prev[64];
	for (int i = 0; i < 64; i++) {
		prev[i] = arena_alloc(&a, 3000);
		memset(prev[i], i, 3000);
	}
	for (int i = 0; i < 64; i++)
		assert_int_equal((unsigned char)prev[i][2999], i);
	arena_reset(&a);
	p = arena_alloc(&a, 1000);
	assert_non_null(p);
	arena_free(&a);
}

static void arena_usable_after_free(void **state)
{
	struct arena a;
	arena_init(&a);
	arena_alloc(&a, 64);
	arena_free(&a);
	assert_null(a.head);
	char *s = arena_strdup(&a, "again");
	assert_string_equal(s, "again");
	arena_free(&a);
}

/* ---- finalizers ---- */

struct log {
	char seq[32];
	int n;
};

static void note_a(void *ctx)
{
	struct log *l = ctx;
	l->seq[l->n++] = 'a';
}
static void note_b(void *ctx)
{
	struct log *l = ctx;
	l->seq[l->n++] = 'b';
}
static void note_c(void *ctx)
{
	struct log *l = ctx;
	l->seq[l->n++] = 'c';
}

static void arena_finalizers_run_newest_first_on_reset(void **state)
{
	struct arena a;
	arena_init(&a);
	struct log l = {{0}, 0};
	arena_defer(&a, note_a, &l);
	arena_defer(&a, note_b, &l);
	arena_defer(&a, note_c, &l);
	assert_int_equal(l.n, 0); /* not before the reset */
	arena_reset(&a);
	assert_string_equal(l.seq, "cba");
	/* once only: a second reset runs nothing */
	arena_reset(&a);
	assert_string_equal(l.seq, "cba");
	arena_free(&a);
	assert_string_equal(l.seq, "cba");
}

static void arena_finalizers_run_newest_first_on_free(void **state)
{
	struct arena a;
	arena_init(&a);
	struct log l = {{0}, 0};
	arena_defer(&a, note_a, &l);
	arena_alloc(&a, 100000); /* a new chunk between the two */
	arena_defer(&a, note_b, &l);
	arena_free(&a);
	assert_string_equal(l.seq, "ba");
}

/* A finalizer can still read memory of the arena it was registered on
 * (statements and files keep their state there). */
struct owned {
	char *text;
	char copy[16];
};
static void copy_text(void *ctx)
{
	struct owned *o = ctx;
	strcpy(o->copy, o->text);
}

static void arena_finalizer_sees_arena_memory(void **state)
{
	struct arena a;
	arena_init(&a);
	struct owned o = {arena_strdup(&a, "alive"), ""};
	for (int i = 0; i < 20; i++)
		arena_alloc(&a, 4096); /* several chunks */
	arena_defer(&a, copy_text, &o);
	arena_free(&a);
	assert_string_equal(o.copy, "alive");
}

/* ---- strings ---- */

static void arena_strndup_copies_exactly_n_bytes(void **state)
{
	struct arena a;
	arena_init(&a);
	const char *src = "文明創建";
	char *s = arena_strndup(&a, src, 3);
	assert_string_equal(s, "文");
	assert_ptr_not_equal(s, src);
	char *e = arena_strndup(&a, "xyz", 0);
	assert_string_equal(e, "");
	char *d = arena_strdup(&a, "hello");
	assert_string_equal(d, "hello");
	arena_free(&a);
}

static void arena_printf_formats_any_length(void **state)
{
	struct arena a;
	arena_init(&a);
	char *s = arena_printf(&a, "%s-%d-%05.1f", "交通", -42, 3.14159);
	assert_string_equal(s, "交通--42-003.1");
	char big[40000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	char *t = arena_printf(&a, "<%s>", big);
	assert_int_equal(strlen(t), sizeof big - 1 + 2);
	assert_int_equal(t[0], '<');
	assert_int_equal(t[strlen(t) - 1], '>');
	char *e = arena_printf(&a, "%s", "");
	assert_string_equal(e, "");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_alloc_is_aligned_for_any_type),
		cmocka_unit_test(arena_alloc_returns_zeroed_distinct_memory),
		cmocka_unit_test(arena_counts_bytes_and_reset_clears_count),
		cmocka_unit_test(arena_large_allocation_beyond_a_chunk),
		cmocka_unit_test(arena_usable_after_free),
		cmocka_unit_test(arena_finalizers_run_newest_first_on_reset),
		cmocka_unit_test(arena_finalizers_run_newest_first_on_free),
		cmocka_unit_test(arena_finalizer_sees_arena_memory),
		cmocka_unit_test(arena_strndup_copies_exactly_n_bytes),
		cmocka_unit_test(arena_printf_formats_any_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
