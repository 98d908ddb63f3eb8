/* test_expr.c — the assessment's formula language (src/assessment/expr.h):
 * what parses and what it evaluates to, precedence, functions and
 * comparisons, the checks with their message and position (byte and
 * character), the limits, and evaluation of division by zero and of a
 * failing metric. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assessment/expr.h"

/* the installed cmocka has no assert_double_equal */
#define assert_double_equal(a, b, eps)                                                                    \
	do {                                                                                              \
		double a_ = (a), b_ = (b);                                                                \
		if (!(fabs(a_ - b_) <= (eps)))                                                            \
			fail_msg("%s is %.17g, expected %.17g", #a, a_, b_);                              \
	} while (0)

/* metrics known to the tests, with their values */
static const struct {
	const char *name;
	double value;
} metrics[] = {
	{"satisfaction_rate", 92.5}, {"overdue_cases", 3}, {"zero", 0}, {"rate_a", 40}, {"failing", 0},
};

static int known(const char *name, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
		if (!strcmp(metrics[i].name, name))
			return 1;
	return 0;
}

static int calls;

static int value(const char *name, void *ctx, double *v)
{
	(void)ctx;
	calls++;
	if (!strcmp(name, "failing"))
		return -7;
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
		if (!strcmp(metrics[i].name, name)) {
			*v = metrics[i].value;
			return 0;
		}
	return -1;
}

static double eval_ok(const char *src, unsigned *warn)
{
	struct expr_error err;
	struct expr *e = expr_parse(src, strlen(src), known, NULL, &err);
	if (!e)
		fail_msg("\"%s\" refused: %s at %zu", src, msg(LANG_EN, err.msg), err.pos);
	double v = -12345;
	unsigned w = 99;
	assert_int_equal(expr_eval(e, value, NULL, &v, &w), 0);
	expr_free(e);
	if (warn)
		*warn = w;
	else
		assert_int_equal(w, 0);
	return v;
}

#define EQ(src, want) assert_double_equal(eval_ok(src, NULL), (want), 1e-9)

static void the_issues_examples_evaluate(void **state)
{
	(void)state;
	EQ("min(10, satisfaction_rate * 10)", 10);
	EQ("min(10, satisfaction_rate / 10)", 9.25);
	EQ("10 - 2 * overdue_cases", 4);
}

static void precedence_and_unary_minus(void **state)
{
	(void)state;
	EQ("1 + 2 * 3", 7);
	EQ("(1 + 2) * 3", 9);
	EQ("10 - 4 - 3", 3);
	EQ("24 / 4 / 3", 2);
	EQ("-3 + 5", 2);
	EQ("- -3", 3);
	EQ("2 * -3", -6);
	EQ("+4", 4);
	EQ("-(2 + 3) * 2", -10);
	EQ(".5 + 0.25", 0.75);
	EQ("  7\t\n", 7);
}

static void functions_comparisons_and_logic(void **state)
{
	(void)state;
	EQ("max(1, 5, 3)", 5);
	EQ("min(4, -2, 8, 0)", -2);
	EQ("if(overdue_cases > 2, 1, 2)", 1);
	EQ("if(overdue_cases > 3, 1, 2)", 2);
	EQ("3 < 4", 1);
	EQ("3 <= 3", 1);
	EQ("3 > 4", 0);
	EQ("4 >= 5", 0);
	EQ("2 == 2", 1);
	EQ("2 != 2", 0);
	EQ("1 < 2 and 3 < 2", 0);
	EQ("1 < 2 or 3 < 2", 1);
	EQ("not overdue_cases", 0);
	EQ("not zero and 1", 1);
	EQ("1 + 1 == 2", 1);
	EQ("max(0, 10 - 0.5 * overdue_cases)", 8.5);
}

static void each_metric_is_asked_for_once_and_listed(void **state)
{
	(void)state;
	const char *src = "overdue_cases + overdue_cases * rate_a - overdue_cases";
	struct expr *e = expr_parse(src, strlen(src), known, NULL, NULL);
	assert_non_null(e);
	assert_int_equal(expr_nvars(e), 2);
	assert_string_equal(expr_var(e, 0), "overdue_cases");
	assert_string_equal(expr_var(e, 1), "rate_a");
	assert_null(expr_var(e, 2));
	calls = 0;
	double v;
	assert_int_equal(expr_eval(e, value, NULL, &v, NULL), 0);
	assert_int_equal(calls, 2);
	assert_double_equal(v, 120, 1e-9);
	expr_free(e);
}

static void division_by_zero_gives_zero_and_a_warning(void **state)
{
	(void)state;
	unsigned w;
	assert_double_equal(eval_ok("5 + 10 / zero", &w), 5, 1e-9);
	assert_int_equal(w, EXPR_W_DIV_ZERO);
	assert_double_equal(eval_ok("1 / 0", &w), 0, 1e-9);
	assert_int_equal(w, EXPR_W_DIV_ZERO);
	assert_double_equal(eval_ok("4 / 2", &w), 2, 1e-9);
	assert_int_equal(w, 0);
	/* overflow to infinity is no result either */
	const char *n45 = "999999999999999999999999999999999999999999999";
	char big[400];
	snprintf(big, sizeof big, "%s*%s*%s*%s*%s*%s*%s + 1", n45, n45, n45, n45, n45, n45, n45);
	assert_double_equal(eval_ok(big, &w), 1, 1e-9); /* the product counts as 0 */
	assert_int_equal(w, EXPR_W_NOT_FINITE);
}

static void a_failing_metric_ends_the_evaluation_with_its_code(void **state)
{
	(void)state;
	struct expr *e = expr_parse("failing + 1", 11, known, NULL, NULL);
	assert_non_null(e);
	double v = 0;
	assert_int_equal(expr_eval(e, value, NULL, &v, NULL), -7);
	expr_free(e);
}

/* src must be refused with message m at byte pos and character col;
 * name, when given, is the name the error carries. */
static void refused(const char *src, enum msg_id m, size_t pos, int col, const char *name)
{
	struct expr_error err;
	struct expr *e = expr_parse(src, strlen(src), known, NULL, &err);
	if (e)
		fail_msg("\"%s\" was accepted", src);
	if (err.msg != m || err.pos != pos || err.col != col)
		fail_msg("\"%s\": got %s at byte %zu char %d, want %s at byte %zu char %d", src, msg_key(err.msg),
			 err.pos, err.col, msg_key(m), pos, col);
	if (name)
		assert_string_equal(err.name, name);
}

static void errors_name_their_position(void **state)
{
	(void)state;
	refused("", M_assess_expr_empty, 0, 1, NULL);
	refused("   ", M_assess_expr_empty, 0, 1, NULL);
	refused("10 - 2 * overdue_case", M_assess_expr_unknown_metric, 9, 10, "overdue_case");
	refused("min(10)", M_assess_expr_arity, 0, 1, "min");
	refused("1 + if(1, 2)", M_assess_expr_arity, 4, 5, "if");
	refused("if(1, 2, 3, 4)", M_assess_expr_arity, 0, 1, "if");
	refused("sqrt(4)", M_assess_expr_unknown_function, 0, 1, "sqrt");
	refused("1 + 2 3", M_assess_expr_trailing, 6, 7, NULL);
	refused("1 + 2)", M_assess_expr_unbalanced, 5, 6, NULL);
	refused("(1 + 2", M_assess_expr_expected_close, 6, 7, NULL);
	refused("min(1, 2", M_assess_expr_expected_close, 8, 9, NULL);
	refused("1 +", M_assess_expr_expected_operand, 3, 4, NULL);
	refused("1 + * 2", M_assess_expr_expected_operand, 4, 5, NULL);
	refused("1 $ 2", M_assess_expr_unexpected, 2, 3, NULL);
	refused("1 = 2", M_assess_expr_unexpected, 2, 3, NULL);
	refused("1.2.3 + 1", M_assess_expr_bad_number, 0, 1, NULL);
	refused("12abc", M_assess_expr_bad_number, 0, 1, NULL);
	refused("min", M_assess_expr_expected_open, 3, 4, "min");
	refused("1 < 2 < 3", M_assess_expr_trailing, 6, 7, NULL);
	refused("and", M_assess_expr_expected_operand, 0, 1, NULL);
	refused("1, 2", M_assess_expr_trailing, 1, 2, NULL);
}

static void positions_count_characters_not_bytes(void **state)
{
	(void)state;
	/* the full-width forms are three bytes and one character each */
	EQ("min（10，　satisfaction_rate / 10）", 9.25);
	refused("（1）　+　滿意率", M_assess_expr_unexpected, 14, 7, NULL);
	refused("min（1，", M_assess_expr_expected_operand, 10, 7, NULL);
	refused("1 + 滿", M_assess_expr_unexpected, 4, 5, NULL);
	refused("(1) 滿", M_assess_expr_unexpected, 4, 5, NULL);
	const char nul[] = "1 +\0 2";
	struct expr_error err;
	assert_null(expr_parse(nul, sizeof nul - 1, known, NULL, &err));
	assert_int_equal(err.msg, M_assess_expr_unexpected);
	assert_int_equal(err.pos, 3);
}

static void limits_are_errors_not_crashes(void **state)
{
	(void)state;
	char *s = malloc(EXPR_MAX_LEN + 2);
	memset(s, '1', EXPR_MAX_LEN + 1);
	s[EXPR_MAX_LEN + 1] = 0;
	refused(s, M_assess_expr_too_long, EXPR_MAX_LEN, EXPR_MAX_LEN + 1, NULL);
	/* 40 nested parentheses */
	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "(");
	strcat(deep, "1");
	for (int i = 0; i < 40; i++)
		strcat(deep, ")");
	struct expr_error err;
	assert_null(expr_parse(deep, strlen(deep), known, NULL, &err));
	assert_int_equal(err.msg, M_assess_expr_too_deep);
	/* 30 nested are fine */
	assert_double_equal(eval_ok("((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))", NULL), 1, 0);
	memset(deep, '-', 40);
	strcpy(deep + 40, "1");
	assert_null(expr_parse(deep, strlen(deep), known, NULL, &err));
	assert_int_equal(err.msg, M_assess_expr_too_deep);
	/* many operations: 1+1+...+1 with 600 ones */
	size_t n = 0;
	for (int i = 0; i < 600; i++)
		n += (size_t)snprintf(s + n, 4, i ? "+1" : "1");
	assert_null(expr_parse(s, n, known, NULL, &err));
	assert_int_equal(err.msg, M_assess_expr_too_complex);
	/* a long number */
	memset(s, '9', 60);
	assert_null(expr_parse(s, 60, known, NULL, &err));
	assert_int_equal(err.msg, M_assess_expr_bad_number);
	/* a name longer than any metric's */
	memset(s, 'a', 100);
	assert_null(expr_parse(s, 100, known, NULL, &err));
	assert_int_equal(err.msg, M_assess_expr_unknown_metric);
	free(s);
}

static void without_a_check_any_name_parses(void **state)
{
	(void)state;
	struct expr *e = expr_parse("anything * 2", 12, NULL, NULL, NULL);
	assert_non_null(e);
	double v = 1;
	assert_int_equal(expr_eval(e, NULL, NULL, &v, NULL), 0);
	assert_double_equal(v, 0, 0);
	expr_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_issues_examples_evaluate),
		cmocka_unit_test(precedence_and_unary_minus),
		cmocka_unit_test(functions_comparisons_and_logic),
		cmocka_unit_test(each_metric_is_asked_for_once_and_listed),
		cmocka_unit_test(division_by_zero_gives_zero_and_a_warning),
		cmocka_unit_test(a_failing_metric_ends_the_evaluation_with_its_code),
		cmocka_unit_test(errors_name_their_position),
		cmocka_unit_test(positions_count_characters_not_bytes),
		cmocka_unit_test(limits_are_errors_not_crashes),
		cmocka_unit_test(without_a_check_any_name_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
