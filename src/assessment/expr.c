/* expr.c — the formula language of expr.h: a recursive-descent parser that
 * emits postfix code, and a stack machine that runs it. Pure: no I/O, no
 * database, no global state; the parser's recursion is bounded by
 * EXPR_MAX_DEPTH and the code by EXPR_MAX_CODE, so no input can exhaust
 * the stack or the memory. */
#include "expr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum op {
	OP_NUM, /* arg: index into nums */
	OP_VAR, /* arg: index into vars */
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_NEG,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_EQ,
	OP_NE,
	OP_AND,
	OP_OR,
	OP_NOT,
	OP_MIN, /* arg: number of operands */
	OP_MAX,
	OP_IF,
};

struct ins {
	unsigned char op;
	unsigned short arg;
};

struct expr {
	int ncode, nnums, nvars, maxstack;
	struct ins code[EXPR_MAX_CODE];
	double nums[EXPR_MAX_CODE];
	char vars[EXPR_MAX_VARS][EXPR_MAX_NAME + 1];
};

enum tok { T_END, T_NUM, T_NAME, T_LP, T_RP, T_COMMA, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_CMP, T_BAD };

struct parser {
	const char *s;
	size_t len, pos;   /* pos: the current token's start */
	size_t next;       /* the byte after the current token */
	enum tok tok;
	enum op cmp;       /* T_CMP: which */
	double num;        /* T_NUM */
	char name[EXPR_MAX_NAME + 1];
	int name_long;     /* T_NAME longer than EXPR_MAX_NAME */
	int depth, stack, failed;
	expr_known_fn known;
	void *ctx;
	struct expr *e;
	struct expr_error *err;
};

static int fail(struct parser *p, enum msg_id m, size_t pos, const char *name)
{
	if (p->failed)
		return -1;
	p->failed = 1;
	p->err->msg = m;
	p->err->pos = pos;
	int col = 1;
	for (size_t i = 0; i < pos && i < p->len; i++)
		if (((unsigned char)p->s[i] & 0xC0) != 0x80)
			col++;
	/* pos inside a character counts that character */
	if (pos < p->len && ((unsigned char)p->s[pos] & 0xC0) == 0x80 && col > 1)
		col--;
	p->err->col = col;
	p->err->name[0] = 0;
	if (name) {
		strncpy(p->err->name, name, EXPR_MAX_NAME);
		p->err->name[EXPR_MAX_NAME] = 0;
	}
	return -1;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* The code point of a three-byte UTF-8 sequence at i, or 0. */
static unsigned wide(const struct parser *p, size_t i)
{
	if (i + 2 >= p->len)
		return 0;
	const unsigned char *u = (const unsigned char *)p->s + i;
	if ((u[0] & 0xF0) != 0xE0 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
		return 0;
	return (unsigned)(u[0] & 0x0F) << 12 | (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
}

/* Reads the token at p->next into p->tok. */
static void lex(struct parser *p)
{
	size_t i = p->next;
	for (;;) {
		if (i < p->len && (p->s[i] == ' ' || p->s[i] == '\t' || p->s[i] == '\n' || p->s[i] == '\r'))
			i++;
		else if (wide(p, i) == 0x3000) /* the ideographic space */
			i += 3;
		else
			break;
	}
	p->pos = i;
	if (i >= p->len) {
		p->tok = T_END;
		p->next = i;
		return;
	}
	char c = p->s[i];
	char d = i + 1 < p->len ? p->s[i + 1] : 0;
	if (is_digit(c) || (c == '.' && is_digit(d))) {
		char buf[48];
		size_t n = 0, j = i;
		int dots = 0;
		while (j < p->len && (is_digit(p->s[j]) || p->s[j] == '.')) {
			dots += p->s[j] == '.';
			if (n < sizeof buf - 1)
				buf[n] = p->s[j];
			n++, j++;
		}
		p->next = j;
		if (dots > 1 || n >= sizeof buf || p->s[j - 1] == '.' || (j < p->len && is_alpha(p->s[j]))) {
			p->tok = T_BAD;
			return;
		}
		buf[n] = 0;
		p->num = strtod(buf, NULL);
		p->tok = T_NUM;
		return;
	}
	if (is_alpha(c)) {
		size_t n = 0, j = i;
		while (j < p->len && (is_alpha(p->s[j]) || is_digit(p->s[j]))) {
			if (n < EXPR_MAX_NAME)
				p->name[n++] = p->s[j];
			j++;
		}
		p->name[n] = 0;
		p->name_long = j - i > EXPR_MAX_NAME;
		p->next = j;
		p->tok = T_NAME;
		return;
	}
	/* the full-width forms a Chinese keyboard types: （ ） ， */
	switch (wide(p, i)) {
	case 0xFF08: p->tok = T_LP, p->next = i + 3; return;
	case 0xFF09: p->tok = T_RP, p->next = i + 3; return;
	case 0xFF0C: p->tok = T_COMMA, p->next = i + 3; return;
	default: break;
	}
	p->next = i + 1;
	switch (c) {
	case '(': p->tok = T_LP; return;
	case ')': p->tok = T_RP; return;
	case ',': p->tok = T_COMMA; return;
	case '+': p->tok = T_PLUS; return;
	case '-': p->tok = T_MINUS; return;
	case '*': p->tok = T_STAR; return;
	case '/': p->tok = T_SLASH; return;
	case '<':
	case '>':
		p->tok = T_CMP;
		if (d == '=') {
			p->next = i + 2;
			p->cmp = c == '<' ? OP_LE : OP_GE;
		} else {
			p->cmp = c == '<' ? OP_LT : OP_GT;
		}
		return;
	case '=':
	case '!':
		if (d == '=') {
			p->tok = T_CMP;
			p->cmp = c == '=' ? OP_EQ : OP_NE;
			p->next = i + 2;
			return;
		}
		break;
	default:
		break;
	}
	p->tok = T_BAD;
}

static int is_word(const struct parser *p, const char *w)
{
	return p->tok == T_NAME && strcmp(p->name, w) == 0;
}

/* Appends one instruction; pops and pushes adjust the stack depth. */
static int emit(struct parser *p, enum op op, unsigned arg, int pops, int pushes)
{
	if (p->e->ncode >= EXPR_MAX_CODE)
		return fail(p, M_assess_expr_too_complex, p->pos, NULL);
	p->e->code[p->e->ncode++] = (struct ins){(unsigned char)op, (unsigned short)arg};
	p->stack += pushes - pops;
	if (p->stack > p->e->maxstack)
		p->e->maxstack = p->stack;
	return 0;
}

static int parse_or(struct parser *p);

static int enter(struct parser *p)
{
	if (++p->depth > EXPR_MAX_DEPTH)
		return fail(p, M_assess_expr_too_deep, p->pos, NULL);
	return 0;
}

static int var_index(struct parser *p, size_t at)
{
	struct expr *e = p->e;
	for (int i = 0; i < e->nvars; i++)
		if (strcmp(e->vars[i], p->name) == 0)
			return i;
	if (p->known && !p->known(p->name, p->ctx))
		return fail(p, M_assess_expr_unknown_metric, at, p->name);
	if (e->nvars >= EXPR_MAX_VARS)
		return fail(p, M_assess_expr_too_complex, at, NULL);
	memcpy(e->vars[e->nvars], p->name, sizeof p->name);
	return e->nvars++;
}

static int is_keyword(const char *n)
{
	static const char *const kw[] = {"and", "or", "not", "min", "max", "if"};
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (strcmp(n, kw[i]) == 0)
			return 1;
	return 0;
}

static int parse_call(struct parser *p)
{
	size_t at = p->pos;
	enum op op = strcmp(p->name, "min") == 0 ? OP_MIN : strcmp(p->name, "max") == 0 ? OP_MAX : OP_IF;
	char fname[8];
	strcpy(fname, op == OP_MIN ? "min" : op == OP_MAX ? "max" : "if");
	lex(p);
	if (p->tok != T_LP)
		return fail(p, M_assess_expr_expected_open, p->pos, fname);
	lex(p);
	int n = 0;
	for (;;) {
		if (parse_or(p))
			return -1;
		n++;
		if (p->tok == T_COMMA) {
			if (n >= 255)
				return fail(p, M_assess_expr_too_complex, p->pos, NULL);
			lex(p);
			continue;
		}
		if (p->tok != T_RP)
			return fail(p, M_assess_expr_expected_close, p->pos, NULL);
		break;
	}
	if ((op == OP_IF && n != 3) || (op != OP_IF && n < 2))
		return fail(p, M_assess_expr_arity, at, fname);
	lex(p);
	return emit(p, op, (unsigned)n, n, 1);
}

static int parse_primary(struct parser *p)
{
	switch (p->tok) {
	case T_NUM: {
		if (p->e->nnums >= EXPR_MAX_CODE)
			return fail(p, M_assess_expr_too_complex, p->pos, NULL);
		int k = p->e->nnums++;
		p->e->nums[k] = p->num;
		lex(p);
		return emit(p, OP_NUM, (unsigned)k, 0, 1);
	}
	case T_NAME: {
		size_t at = p->pos;
		if (p->name_long)
			return fail(p, M_assess_expr_unknown_metric, at, p->name);
		if (strcmp(p->name, "min") == 0 || strcmp(p->name, "max") == 0 || strcmp(p->name, "if") == 0)
			return parse_call(p);
		if (is_keyword(p->name))
			return fail(p, M_assess_expr_expected_operand, at, NULL);
		/* a name followed by "(" is a function we do not have */
		size_t j = p->next;
		while (j < p->len && (p->s[j] == ' ' || p->s[j] == '\t'))
			j++;
		if (j < p->len && p->s[j] == '(')
			return fail(p, M_assess_expr_unknown_function, at, p->name);
		int v = var_index(p, at);
		if (v < 0)
			return -1;
		lex(p);
		return emit(p, OP_VAR, (unsigned)v, 0, 1);
	}
	case T_LP: {
		lex(p);
		if (parse_or(p))
			return -1;
		if (p->tok != T_RP)
			return fail(p, M_assess_expr_expected_close, p->pos, NULL);
		lex(p);
		return 0;
	}
	case T_BAD:
		return fail(p, p->s[p->pos] >= '0' && p->s[p->pos] <= '9' ? M_assess_expr_bad_number
									    : M_assess_expr_unexpected,
			    p->pos, NULL);
	default:
		return fail(p, M_assess_expr_expected_operand, p->pos, NULL);
	}
}

static int parse_unary(struct parser *p)
{
	if (p->tok == T_MINUS || p->tok == T_PLUS) {
		int neg = p->tok == T_MINUS;
		if (enter(p))
			return -1;
		lex(p);
		if (parse_unary(p))
			return -1;
		p->depth--;
		return neg ? emit(p, OP_NEG, 0, 1, 1) : 0;
	}
	return parse_primary(p);
}

static int parse_term(struct parser *p)
{
	if (parse_unary(p))
		return -1;
	while (p->tok == T_STAR || p->tok == T_SLASH) {
		enum op op = p->tok == T_STAR ? OP_MUL : OP_DIV;
		lex(p);
		if (parse_unary(p) || emit(p, op, 0, 2, 1))
			return -1;
	}
	return 0;
}

static int parse_sum(struct parser *p)
{
	if (parse_term(p))
		return -1;
	while (p->tok == T_PLUS || p->tok == T_MINUS) {
		enum op op = p->tok == T_PLUS ? OP_ADD : OP_SUB;
		lex(p);
		if (parse_term(p) || emit(p, op, 0, 2, 1))
			return -1;
	}
	return 0;
}

static int parse_cmp(struct parser *p)
{
	if (parse_sum(p))
		return -1;
	if (p->tok == T_CMP) {
		enum op op = p->cmp;
		lex(p);
		if (parse_sum(p) || emit(p, op, 0, 2, 1))
			return -1;
	}
	return 0;
}

static int parse_not(struct parser *p)
{
	if (is_word(p, "not")) {
		if (enter(p))
			return -1;
		lex(p);
		if (parse_not(p))
			return -1;
		p->depth--;
		return emit(p, OP_NOT, 0, 1, 1);
	}
	return parse_cmp(p);
}

static int parse_and(struct parser *p)
{
	if (parse_not(p))
		return -1;
	while (is_word(p, "and")) {
		lex(p);
		if (parse_not(p) || emit(p, OP_AND, 0, 2, 1))
			return -1;
	}
	return 0;
}

static int parse_or(struct parser *p)
{
	if (enter(p))
		return -1;
	if (parse_and(p))
		return -1;
	while (is_word(p, "or")) {
		lex(p);
		if (parse_and(p) || emit(p, OP_OR, 0, 2, 1))
			return -1;
	}
	p->depth--;
	return 0;
}

struct expr *expr_parse(const char *src, size_t len, expr_known_fn known, void *ctx, struct expr_error *err)
{
	struct expr_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	struct parser p = {.s = src ? src : "", .len = src ? len : 0, .known = known, .ctx = ctx, .err = err};
	if (p.len > EXPR_MAX_LEN) {
		fail(&p, M_assess_expr_too_long, EXPR_MAX_LEN, NULL);
		return NULL;
	}
	for (size_t i = 0; i < p.len; i++)
		if (p.s[i] == 0) {
			fail(&p, M_assess_expr_unexpected, i, NULL);
			return NULL;
		}
	p.e = calloc(1, sizeof *p.e);
	if (!p.e) {
		err->msg = M_assess_expr_no_memory;
		return NULL;
	}
	lex(&p);
	if (p.tok == T_END) {
		fail(&p, M_assess_expr_empty, 0, NULL);
	} else if (!parse_or(&p) && p.tok != T_END) {
		fail(&p,
		     p.tok == T_RP    ? M_assess_expr_unbalanced
		     : p.tok == T_BAD ? M_assess_expr_unexpected
				      : M_assess_expr_trailing,
		     p.pos, NULL);
	}
	if (p.failed) {
		free(p.e);
		return NULL;
	}
	return p.e;
}

void expr_free(struct expr *e)
{
	free(e);
}

int expr_nvars(const struct expr *e)
{
	return e ? e->nvars : 0;
}

const char *expr_var(const struct expr *e, int i)
{
	return e && i >= 0 && i < e->nvars ? e->vars[i] : NULL;
}

int expr_eval(const struct expr *e, expr_value_fn value, void *ctx, double *result, unsigned *warnings)
{
	double vals[EXPR_MAX_VARS];
	double stack[EXPR_MAX_CODE + 1];
	unsigned w = 0;
	int sp = 0;
	for (int i = 0; i < e->nvars; i++) {
		vals[i] = 0;
		if (value) {
			int rc = value(e->vars[i], ctx, &vals[i]);
			if (rc)
				return rc;
		}
		if (!isfinite(vals[i]))
			vals[i] = 0, w |= EXPR_W_NOT_FINITE;
	}
	for (int pc = 0; pc < e->ncode; pc++) {
		struct ins in = e->code[pc];
		double a, b;
		switch ((enum op)in.op) {
		case OP_NUM: stack[sp++] = e->nums[in.arg]; continue;
		case OP_VAR: stack[sp++] = vals[in.arg]; continue;
		case OP_NEG: stack[sp - 1] = -stack[sp - 1]; continue;
		case OP_NOT: stack[sp - 1] = stack[sp - 1] == 0; continue;
		case OP_MIN:
		case OP_MAX: {
			int n = in.arg;
			double m = stack[sp - n];
			for (int k = sp - n + 1; k < sp; k++)
				m = in.op == OP_MIN ? (stack[k] < m ? stack[k] : m) : (stack[k] > m ? stack[k] : m);
			sp -= n;
			stack[sp++] = m;
			continue;
		}
		case OP_IF: {
			double c = stack[sp - 3], x = stack[sp - 2], y = stack[sp - 1];
			sp -= 3;
			stack[sp++] = c != 0 ? x : y;
			continue;
		}
		default:
			break;
		}
		b = stack[--sp];
		a = stack[sp - 1];
		double v = 0;
		switch ((enum op)in.op) {
		case OP_ADD: v = a + b; break;
		case OP_SUB: v = a - b; break;
		case OP_MUL: v = a * b; break;
		case OP_DIV:
			if (b == 0)
				w |= EXPR_W_DIV_ZERO;
			else
				v = a / b;
			break;
		case OP_LT: v = a < b; break;
		case OP_LE: v = a <= b; break;
		case OP_GT: v = a > b; break;
		case OP_GE: v = a >= b; break;
		case OP_EQ: v = a == b; break;
		case OP_NE: v = a != b; break;
		case OP_AND: v = a != 0 && b != 0; break;
		case OP_OR: v = a != 0 || b != 0; break;
		default: break;
		}
		if (!isfinite(v))
			v = 0, w |= EXPR_W_NOT_FINITE;
		stack[sp - 1] = v;
	}
	double res = sp ? stack[sp - 1] : 0;
	if (!isfinite(res))
		res = 0, w |= EXPR_W_NOT_FINITE;
	*result = res;
	if (warnings)
		*warnings = w;
	return 0;
}
