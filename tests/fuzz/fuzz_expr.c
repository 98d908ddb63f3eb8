/* fuzz_expr.c — libFuzzer harness for the assessment's formula language
 * (src/assessment/expr.h). Checks the promises of expr.h besides the
 * sanitizers: a refused formula names a message and a position within the
 * text (its character position no greater than its byte offset + 1); an
 * accepted one lists at most EXPR_MAX_VARS distinct names, every one of
 * them known, and evaluates to a finite number whatever the metrics'
 * values (zero, negative, huge, not a number). Seeds:
 * tests/fuzz/corpus/expr. */
#include "fuzz.h"

#include <math.h>

#include "assessment/expr.h"

/* a name is known unless it starts with "x": both paths get exercised */
static int known(const char *name, void *ctx)
{
	(void)ctx;
	return name[0] != 'x';
}

static int value(const char *name, void *ctx, double *v)
{
	static const double vals[] = {0, -1, 1e308, -1e308, 92.5, 3};
	int which = *(const int *)ctx;
	size_t n = strlen(name);
	*v = which == 6 ? NAN : vals[(n + (size_t)which) % 6];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr_error err;
	struct expr *e = expr_parse((const char *)data, size, known, NULL, &err);
	if (!e) {
		CHECK(err.msg != M_NONE && err.msg != M_assess_expr_no_memory);
		CHECK(err.pos <= size || (err.msg == M_assess_expr_too_long && err.pos == EXPR_MAX_LEN));
		CHECK(err.col >= 1 && (size_t)err.col <= err.pos + 1);
		CHECK(strlen(err.name) <= EXPR_MAX_NAME);
		return 0;
	}
	CHECK(size <= EXPR_MAX_LEN);
	int n = expr_nvars(e);
	CHECK(n >= 0 && n <= EXPR_MAX_VARS);
	for (int i = 0; i < n; i++) {
		const char *v = expr_var(e, i);
		CHECK(v && known(v, NULL));
		for (int j = 0; j < i; j++)
			CHECK(strcmp(v, expr_var(e, j)) != 0);
	}
	for (int which = 0; which <= 6; which++) {
		double r = NAN;
		unsigned w = 0;
		CHECK(expr_eval(e, value, &which, &r, &w) == 0);
		CHECK(isfinite(r));
		CHECK((w & ~(unsigned)(EXPR_W_DIV_ZERO | EXPR_W_NOT_FINITE)) == 0);
	}
	expr_free(e);
	return 0;
}
