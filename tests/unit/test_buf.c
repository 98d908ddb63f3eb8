/* Placeholder replaced below by the full suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/buf.h"

static void buf_appends_and_terminates(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_puts(&b, "文明");
	buf_printf(&b, "%d", 42);
	assert_string_equal(b.p, "文明42");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(buf_appends_and_terminates)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
