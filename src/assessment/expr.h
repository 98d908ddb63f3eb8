/* expr.h — the assessment's formula language: a small, pure expression
 * language over the metrics the modules declare (struct metric), parsed
 * once into postfix code and evaluated many times. No database, no
 * request: the caller says which names exist (a callback at parse time)
 * and supplies their values (a callback at evaluation time).
 *
 * Grammar (whitespace between tokens is ignored; names are ASCII):
 *
 *   formula := or
 *   or      := and { "or" and }
 *   and     := not { "and" not }
 *   not     := "not" not | cmp
 *   cmp     := sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
 *   sum     := term { ("+" | "-") term }
 *   term    := unary { ("*" | "/") unary }
 *   unary   := ("-" | "+") unary | primary
 *   primary := number | metric | func "(" formula { "," formula } ")"
 *            | "(" formula ")"
 *   func    := "min" | "max" (two or more arguments) | "if" (exactly three)
 *   number  := digits [ "." digits ]       metric := [A-Za-z_][A-Za-z0-9_]*
 *
 * Besides ASCII blanks, the ideographic space (U+3000) separates tokens, and
 * the full-width （ ） ， stand for ( ) , as a Chinese keyboard types them;
 * anything else outside ASCII is an error, at its character position.
 *
 * Truth is "not zero": comparisons, and, or, not give 1 or 0; if(c, a, b)
 * is a when c is not zero, else b. A comparison does not chain (a < b < c
 * is an error at the second "<"). Division by zero gives 0 and sets
 * EXPR_W_DIV_ZERO; a result that is not a finite number gives 0 and sets
 * EXPR_W_NOT_FINITE. Keywords (and, or, not, min, max, if) are not metric
 * names. Limits: EXPR_MAX_LEN bytes, EXPR_MAX_DEPTH nested levels,
 * EXPR_MAX_CODE operations, EXPR_MAX_VARS distinct metrics. */
#ifndef WM_ASSESS_EXPR_H
#define WM_ASSESS_EXPR_H

#include <stddef.h>

#include "../core/i18n.h"

#define EXPR_MAX_LEN 2000
#define EXPR_MAX_DEPTH 32
#define EXPR_MAX_CODE 512
#define EXPR_MAX_VARS 32
#define EXPR_MAX_NAME 63

/* Why a formula was refused and where. */
struct expr_error {
	enum msg_id msg;           /* M_assess_expr_* */
	size_t pos;                /* byte offset of the offending token */
	int col;                   /* the same as a character position, from 1 */
	char name[EXPR_MAX_NAME + 1]; /* the unknown name or function, or "" */
};

/* Warnings of an evaluation, or-ed. */
enum { EXPR_W_DIV_ZERO = 1, EXPR_W_NOT_FINITE = 2 };

struct expr;

/* Does a metric of that name exist? 1 or 0. */
typedef int (*expr_known_fn)(const char *name, void *ctx);
/* The value of a metric named in the formula: 0, or a negative code that
 * ends the evaluation with it. */
typedef int (*expr_value_fn)(const char *name, void *ctx, double *value);

/* Parses and checks src (len bytes, not necessarily NUL-ended): every
 * metric name must be known (known NULL: any name is). Returns the
 * compiled formula (caller frees with expr_free), or NULL with err filled
 * (err->msg M_assess_expr_no_memory when allocation failed). */
struct expr *expr_parse(const char *src, size_t len, expr_known_fn known, void *ctx, struct expr_error *err);
void expr_free(struct expr *e);

/* The distinct metric names the formula reads, in order of first use
 * (static while e lives). */
int expr_nvars(const struct expr *e);
const char *expr_var(const struct expr *e, int i);

/* Evaluates e, asking value for each metric once. 0 with *result and
 * *warnings (EXPR_W_*) set, or value's negative code. */
int expr_eval(const struct expr *e, expr_value_fn value, void *ctx, double *result, unsigned *warnings);

/* Is it true (not zero)? For veto conditions. */
static inline int expr_truth(double v)
{
	return v != 0;
}

#endif
