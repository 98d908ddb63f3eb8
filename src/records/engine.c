/* engine.c — records: lookup, permission and scope, values, validation,
 * load, save with audit, archive, JSON. See record.h. */
#include "record.h"
#include "files.h"
#include "../core/cal.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/audit.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int record_field_index(const struct record_type *t, const char *name)
{
	for (int i = 0; name && i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return i;
	return -1;
}

const struct field_def *record_field(const struct record_type *t, const char *name)
{
	int i = record_field_index(t, name);
	return i < 0 ? NULL : &t->fields[i];
}

/* ---- permission and scope ---- */

/* True when unit lies in root's subtree: one lookup in the closure table. */
int unit_in_subtree(struct db *db, int64_t root, int64_t unit)
{
	if (root == unit)
		return 1;
	return db_one_int64(db, 0, "SELECT count(*) FROM unit_tree WHERE unit_id = ? AND ancestor_id = ?", "ii", unit,
			    root) > 0;
}

static int authz_grants(struct req *r, const struct record_type *t, enum access want, int64_t unit_id, int64_t owner,
			int hidden)
{
	const struct user *u = r->user;
	if (!u)
		return 0;
	struct db *db = req_db(r);
	for (int i = 0; i < u->ngrants; i++) {
		const struct grant *g = &u->grants[i];
		if (hidden && (t->hidden_from >> g->role & 1u))
			continue;
		enum access acc = (enum access)t->access[g->role];
		if (acc == ACC_OWN) {
			if (want == ACC_READ && owner && owner == u->id)
				return 1;
			continue;
		}
		if (acc < want)
			continue;
		if (g->unit_id == 0)
			return 1;
		if (!t->unit_field && t->read_unscoped && want == ACC_READ)
			return 1;
		/* a scoped grant covers records of units in its subtree only */
		if (t->unit_field && unit_id && db && unit_in_subtree(db, g->unit_id, unit_id))
			return 1;
	}
	return 0;
}

int authz_record(struct req *r, const struct record_type *t, enum access want, int64_t unit_id, int64_t owner)
{
	return authz_grants(r, t, want, unit_id, owner, 0);
}

/* Is the record hidden by its type's hidden_field? */
static int record_hidden(const struct record *rec)
{
	int i = rec->type->hidden_field ? record_field_index(rec->type, rec->type->hidden_field) : -1;
	return i >= 0 && rec->vals[i] && !strcmp(rec->vals[i], "1");
}

int authz_record_of(struct req *r, const struct record *rec, enum access want)
{
	return authz_grants(r, rec->type, want, record_unit(rec), record_owner(rec), record_hidden(rec));
}

const struct record_type *record_type_of_route(struct req *r, enum access want)
{
	const struct record_type *t = record_type_find(req_param(r, "type"));
	if (!t)
		req_fail(r, 404, M_NONE);
	else if (want != ACC_NONE && !record_type_may(r, t, want))
		req_fail(r, 403, M_NONE);
	else
		return t;
	return NULL;
}

int record_type_may(struct req *r, const struct record_type *t, enum access want)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		enum access acc = (enum access)t->access[r->user->grants[i].role];
		if (acc >= want || (acc == ACC_OWN && want == ACC_READ))
			return 1;
	}
	return 0;
}

int64_t record_unit(const struct record *rec)
{
	const struct record_type *t = rec->type;
	if (!t->unit_field)
		return 0;
	if (!strcmp(t->unit_field, "id"))
		return rec->id;
	int i = record_field_index(t, t->unit_field);
	return i >= 0 && rec->vals[i] ? strtoll(rec->vals[i], NULL, 10) : 0;
}

int64_t record_owner(const struct record *rec)
{
	int i = rec->type->owner_field ? record_field_index(rec->type, rec->type->owner_field) : -1;
	return i >= 0 && rec->vals[i] ? strtoll(rec->vals[i], NULL, 10) : 0;
}

const char *record_scope_sql(struct req *r, const struct record_type *t, const char *alias, struct kvlist *binds)
{
	const struct user *u = r->user;
	if (!u)
		return " AND 1 = 0";
	struct buf b;
	buf_init(&b, r->a);
	int any = 0;
	for (int i = 0; i < u->ngrants; i++) {
		const struct grant *g = &u->grants[i];
		enum access acc = (enum access)t->access[g->role];
		int hides = t->hidden_field && (t->hidden_from >> g->role & 1u);
		if (acc >= ACC_READ && (g->unit_id == 0 || (!t->unit_field && t->read_unscoped)) && !hides)
			return ""; /* organization-wide, or a type every scope reads */
		const char *cond = NULL;
		const char *val = NULL;
		if (acc >= ACC_READ && g->unit_id == 0) {
			/* organization-wide but for the hidden records */
			cond = arena_printf(r->a, "(COALESCE(%s.%s, 0) = 0 AND ? = 0)", alias, t->hidden_field);
			val = "0";
		} else if (acc >= ACC_READ && t->unit_field && hides) {
			cond = arena_printf(r->a,
					    "(%s.%s IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) AND "
					    "COALESCE(%s.%s, 0) = 0)",
					    alias, t->unit_field, alias, t->hidden_field);
			val = arena_printf(r->a, "%lld", (long long)g->unit_id);
		} else if (acc >= ACC_READ && t->unit_field) {
			cond = arena_printf(r->a, "%s.%s IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", alias,
					    t->unit_field);
			val = arena_printf(r->a, "%lld", (long long)g->unit_id);
		} else if (acc == ACC_OWN && t->owner_field) {
			cond = arena_printf(r->a, "%s.%s = ?", alias, t->owner_field);
			val = arena_printf(r->a, "%lld", (long long)u->id);
		}
		if (!cond)
			continue;
		buf_puts(&b, any ? " OR " : " AND (");
		buf_puts(&b, cond);
		kv_add(r->a, binds, "i", val, strlen(val));
		any = 1;
	}
	if (!any)
		return " AND 1 = 0";
	buf_puts(&b, ")");
	return b.p;
}


/* ---- values ---- */

struct record *record_new(struct req *r, const struct record_type *t)
{
	struct record *rec = arena_alloc(r->a, sizeof *rec);
	rec->type = t;
	rec->vals = arena_alloc(r->a, (size_t)t->nfields * sizeof *rec->vals);
	for (int i = 0; i < t->nfields; i++)
		rec->vals[i] = t->fields[i].dflt;
	return rec;
}

int field_is_integer(enum field_type ty)
{
	return ty == F_INT || ty == F_DATETIME || ty == F_BOOL || ty == F_UNIT || ty == F_PERSON || ty == F_REF;
}

/* Blank at position p of s (length n): ASCII space, tab, CR, LF, or the
 * ideographic space U+3000 common around Chinese input; its length or 0. */
static size_t blank_at(const char *s, size_t n, size_t p)
{
	if (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' || s[p] == '\n')
		return 1;
	if (p + 3 <= n && (unsigned char)s[p] == 0xE3 && (unsigned char)s[p + 1] == 0x80 && (unsigned char)s[p + 2] == 0x80)
		return 3;
	return 0;
}

static const char *trim(struct req *r, const char *s)
{
	size_t n = strlen(s), k;
	while (n && (k = blank_at(s, n, 0)))
		s += k, n -= k;
	for (;;) {
		if (n && blank_at(s, n, n - 1) == 1)
			n--;
		else if (n >= 3 && blank_at(s, n, n - 3) == 3)
			n -= 3;
		else
			break;
	}
	return arena_strndup(r->a, s, n);
}

void record_set(struct req *r, struct record *rec, int i, const char *text)
{
	const struct field_def *f = &rec->type->fields[i];
	if (!text) {
		rec->vals[i] = NULL;
		return;
	}
	const char *v = f->type == F_LONGTEXT ? arena_strdup(r->a, text) : trim(r, text);
	if (!*v) {
		rec->vals[i] = NULL;
		return;
	}
	/* the mask a form or a client was shown, sent back: the value stays */
	if ((f->flags & FF_SENSITIVE) && rec->vals[i] && !strcmp(v, record_mask(r, rec->vals[i])))
		return;
	if (f->type == F_BOOL) {
		static const char *yes[] = {"1", "true", "yes", "on", "y", "是", "t"};
		static const char *no[] = {"0", "false", "no", "off", "n", "否", "f"};
		for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
			if (!strcasecmp(v, yes[k]))
				v = "1";
			else if (!strcasecmp(v, no[k]))
				v = "0";
		}
	} else if (f->type == F_ENUM && f->opts) {
		/* accept a label in any language as well as the code */
		for (const struct enum_opt *o = f->opts; o->code; o++)
			for (int l = 0; l < LANG__COUNT; l++)
				if (!strcmp(v, msg((enum lang)l, o->label)))
					v = o->code;
	} else if (f->type == F_FILES) {
		v = files_ids_normalize(r, v); /* "12, 15" as "12,15" */
		if (!*v) {
			rec->vals[i] = NULL;
			return;
		}
	} else if (f->pattern == PAT_ID_CARD && strlen(v) == 18 && v[17] == 'x') {
		char *u = arena_strdup(r->a, v); /* one ID number, one spelling */
		u[17] = 'X';
		v = u;
	} else if (f->type == F_DATE && strlen(v) <= 10 && strspn(v, "0123456789/.-") == strlen(v)) {
		/* 2026/1/5 and 2026.1.5 → 2026-01-05 (digits and separators only) */
		int y, m, d;
		char s1, s2, extra;
		if (sscanf(v, "%d%c%d%c%d%c", &y, &s1, &m, &s2, &d, &extra) == 5 && s1 == s2 &&
		    (s1 == '/' || s1 == '.' || s1 == '-'))
			v = arena_printf(r->a, "%04d-%02d-%02d", y, m, d);
	}
	rec->vals[i] = v;
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int parse_int64(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

/* Dates in records lie in 1900..2200: anything else is a typing error. */
static int date_in_range(int64_t day)
{
	return day >= cal_days_from_civil(1900, 1, 1) && day <= cal_days_from_civil(2200, 12, 31);
}

static int valid_date(const char *s)
{
	int64_t day;
	return !cal_parse_date(s, &day) && date_in_range(day);
}

/* "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM" in the server's zone. */
static int parse_datetime(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0;
	char sep;
	int n = sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &sec);
	if (n < 6 || (sep != ' ' && sep != 'T') || h > 23 || mi > 59 || sec > 59)
		return parse_int64(s, out); /* or Unix seconds */
	if (!cal_valid(y, mo, d) || !date_in_range(cal_days_from_civil(y, mo, d)))
		return -1;
	*out = cal_local_time(cal_days_from_civil(y, mo, d), h, mi, sec);
	return 0;
}

static int matches(enum field_pattern p, const char *s)
{
	size_t n = strlen(s);
	switch (p) {
	case PAT_NONE: return 1;
	case PAT_DIGITS:
		for (size_t i = 0; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return 0;
		return 1;
	case PAT_CODE:
		for (size_t i = 0; i < n; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
				return 0;
		return n > 0;
	case PAT_PHONE: /* 11-digit mobile, or landline with area code: digits, -, +, space */
		for (size_t i = 0; i < n; i++)
			if (!isdigit((unsigned char)s[i]) && s[i] != '-' && s[i] != '+' && s[i] != ' ')
				return 0;
		return n >= 7 && n <= 20;
	case PAT_ID_CARD: { /* 18-character resident ID with its ISO 7064 check digit */
		if (n != 18)
			return 0;
		static const int w[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
		static const char check[] = "10X98765432";
		int sum = 0;
		for (int i = 0; i < 17; i++) {
			if (!isdigit((unsigned char)s[i]))
				return 0;
			sum += (s[i] - '0') * w[i];
		}
		return toupper((unsigned char)s[17]) == check[sum % 11];
	}
	case PAT_EMAIL: {
		const char *at = strchr(s, '@');
		return at && at > s && strchr(at, '.') && !strchr(s, ' ');
	}
	}
	return 1;
}

static enum msg_id pattern_msg(enum field_pattern p)
{
	switch (p) {
	case PAT_CODE: return M_rec_bad_code;
	case PAT_PHONE: return M_rec_bad_phone;
	case PAT_ID_CARD: return M_rec_bad_id_card;
	case PAT_EMAIL: return M_rec_bad_email;
	case PAT_DIGITS: return M_rec_bad_digits;
	default: return M_rec_bad_value;
	}
}

const struct record_type *record_ref_type(const struct field_def *f)
{
	switch (f->type) {
	case F_UNIT: return record_type_find(RECORD_UNITS);
	case F_PERSON: return record_type_find(RECORD_PEOPLE);
	case F_REF: return record_type_find(f->ref);
	default: return NULL;
	}
}

const char *record_ref_table(const struct field_def *f)
{
	const struct record_type *t = record_ref_type(f);
	return t ? t->table : NULL;
}

/* May the user read record id of type t? Looks up its unit and owner. */
int record_readable(struct req *r, const struct record_type *t, int64_t id)
{
	int64_t unit = 0, owner = 0;
	if (t->unit_field && !strcmp(t->unit_field, "id"))
		unit = id;
	else if (t->unit_field)
		unit = db_one_int64(req_db(r), 0, arena_printf(r->a, "SELECT %s FROM %s WHERE id = ?", t->unit_field, t->table),
				    "i", id);
	if (t->owner_field)
		owner = db_one_int64(req_db(r), 0,
				     arena_printf(r->a, "SELECT %s FROM %s WHERE id = ?", t->owner_field, t->table), "i", id);
	int hidden = t->hidden_field &&
		     db_one_int64(req_db(r), 0,
				  arena_printf(r->a, "SELECT COALESCE(%s, 0) FROM %s WHERE id = ?", t->hidden_field, t->table),
				  "i", id) == 1;
	return authz_grants(r, t, ACC_READ, unit, owner, hidden);
}

/* Is (what, id) in the memo? Adds it when add is set. */
static int memo_has(struct ref_memo *m, const void *what, int64_t id, int add)
{
	if (!m)
		return 0;
	if (add && m->n * 2 >= m->cap) {
		struct ref_memo g = {calloc(m->cap ? m->cap * 2 : 256, sizeof *g.slots), m->cap ? m->cap * 2 : 256, 0};
		if (!g.slots)
			return 0;
		for (size_t k = 0; k < m->cap; k++)
			if (m->slots[k].what)
				memo_has(&g, m->slots[k].what, m->slots[k].id, 1);
		free(m->slots);
		*m = g;
	}
	if (!m->cap)
		return 0;
	size_t j = ((uint64_t)(uintptr_t)what * 31u + (uint64_t)id * 0x9E3779B97F4A7C15ull) % m->cap;
	for (; m->slots[j].what; j = (j + 1) % m->cap)
		if (m->slots[j].what == what && m->slots[j].id == id)
			return 1;
	if (add) {
		m->slots[j] = (struct ref_memo_slot){what, id};
		m->n++;
	}
	return 0;
}

void ref_memo_free(struct ref_memo *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static enum msg_id check_field(struct req *r, const struct record *rec, const struct record *before, int i,
			       struct ref_memo *memo)
{
	const struct field_def *f = &rec->type->fields[i];
	const char *v = rec->vals[i];
	if (!v)
		return f->flags & FF_REQUIRED ? M_required : M_NONE;
	if (!utf8_valid(v, strlen(v)))
		return M_err_bad_utf8;
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 && !(f->type == F_LONGTEXT && (*c == '\t' || *c == '\r' || *c == '\n')))
			return M_rec_control_chars;
	int64_t n;
	double d;
	char *end;
	switch (f->type) {
	case F_TEXT:
	case F_LONGTEXT: {
		size_t len = utf8_len(v);
		int64_t max = f->max ? f->max : (f->type == F_TEXT ? 200 : 20000);
		if ((f->min && (int64_t)len < f->min) || (int64_t)len > max)
			return M_rec_bad_length;
		if (!matches(f->pattern, v))
			return pattern_msg(f->pattern);
		break;
	}
	case F_INT:
		if (parse_int64(v, &n))
			return M_rec_not_integer;
		if ((f->min || f->max) && (n < f->min || n > f->max))
			return M_rec_out_of_range;
		break;
	case F_DECIMAL:
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !isfinite(d))
			return M_rec_not_number;
		if ((f->min || f->max) && (d < (double)f->min || d > (double)f->max))
			return M_rec_out_of_range;
		break;
	case F_DATE:
		if (!valid_date(v))
			return M_rec_bad_date;
		break;
	case F_DATETIME:
		if (parse_datetime(v, &n))
			return M_rec_bad_datetime;
		break;
	case F_BOOL:
		if (strcmp(v, "0") && strcmp(v, "1"))
			return M_rec_bad_bool;
		break;
	case F_ENUM: {
		int ok = 0;
		for (const struct enum_opt *o = f->opts; o && o->code; o++)
			ok |= !strcmp(o->code, v);
		if (!ok)
			return M_rec_bad_choice;
		break;
	}
	case F_UNIT:
	case F_PERSON:
	case F_REF: {
		if (parse_int64(v, &n) || n <= 0)
			return M_rec_bad_reference;
		const char *table = record_ref_table(f);
		if (table && memo_has(memo, table, n, 0))
			break;
		if (!table || !db_one_int64(req_db(r), 0,
					    arena_printf(r->a, "SELECT count(*) FROM %s WHERE id = ? AND archived = 0", table),
					    "i", n))
			return M_rec_bad_reference;
		/* and one the user may see: no pointing at people of other branches */
		const struct record_type *rt = record_ref_type(f);
		int unchanged = before && before->vals[i] && !strcmp(before->vals[i], v);
		if (rt && !unchanged && !record_readable(r, rt, n))
			return f->type == F_UNIT ? M_rec_unit_out_of_scope : M_rec_ref_out_of_scope;
		memo_has(memo, table, n, 1);
		break;
	}
	case F_FILES: {
		enum msg_id m = files_field_check(r, rec, before, i);
		if (m != M_NONE)
			return m;
		break;
	}
	}
	if (f->flags & FF_UNIQUE) {
		int64_t other = db_one_int64(req_db(r), 0,
					     arena_printf(r->a, "SELECT id FROM %s WHERE %s = ? AND id <> ?", rec->type->table,
							  f->name),
					     "si", v, rec->id);
		if (other)
			return M_rec_not_unique;
	}
	return M_NONE;
}

static int validate(struct req *r, struct record *rec, const struct record *before, struct record_errors *e,
		    struct ref_memo *memo)
{
	const struct record_type *t = rec->type;
	e->field = arena_alloc(r->a, (size_t)t->nfields * sizeof *e->field);
	e->count = 0;
	e->record = M_NONE;
	for (int i = 0; i < t->nfields; i++) {
		if (t->fields[i].flags & FF_HIDDEN)
			continue;
		if (t->fields[i].type == F_BOOL && !rec->vals[i])
			rec->vals[i] = "0"; /* an absent yes/no is a no */
		e->field[i] = check_field(r, rec, before, i, memo);
		e->count += e->field[i] != M_NONE;
	}
	/* the unit must be one the user may write to */
	int ui = t->unit_field ? record_field_index(t, t->unit_field) : -1;
	int64_t unit = ui >= 0 && rec->vals[ui] ? strtoll(rec->vals[ui], NULL, 10) : 0;
	if (ui >= 0 && e->field[ui] == M_NONE && rec->vals[ui] && !memo_has(memo, t, unit, 0)) {
		if (authz_record(r, t, ACC_WRITE, unit, 0)) {
			memo_has(memo, t, unit, 1);
		} else {
			e->field[ui] = M_rec_unit_out_of_scope;
			e->count++;
		}
	}
	if (t->check)
		t->check(r, rec, before, e);
	return e->count;
}

enum msg_id record_check_field(struct req *r, const struct record *rec, const struct record *before, int i)
{
	return check_field(r, rec, before, i, NULL);
}

int record_validate(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	return validate(r, rec, before, e, NULL);
}

int record_validate_new(struct req *r, struct record *rec, struct record_errors *e, struct ref_memo *memo)
{
	return validate(r, rec, NULL, e, memo);
}

const char *record_resolve_ref(struct req *r, const struct field_def *f, const char *v, enum msg_id *why)
{
	struct db *db = req_db(r);
	const struct record_type *rt = record_ref_type(f);
	if (!rt)
		return NULL;
	/* a code (a unique code field, such as a unit's) first, then the title */
	const char *code = record_field_index(rt, "code") >= 0 ? "code" : NULL;
	const char *table = rt->table;
	const char *cols[2] = {code ? code : rt->title_field, code ? rt->title_field : NULL};
	for (int k = 0; k < 2 && cols[k]; k++) {
		struct db_stmt *q = db_query(
			db, r->a, arena_printf(r->a, "SELECT id FROM %s WHERE %s = ? AND archived = 0 LIMIT 2", table, cols[k]), "s", v);
		int64_t id = 0;
		int n = 0;
		while (q && db_step(q) == DB_ROW) {
			id = db_column_int64(q, 0);
			n++;
		}
		if (n == 1) {
			/* a name the user may not see resolves to nothing */
			if (r->user && !record_readable(r, rt, id))
				break;
			return arena_printf(r->a, "%lld", (long long)id);
		}
		if (n > 1) {
			*why = M_imp_ambiguous;
			return NULL;
		}
	}
	/* the title in the other script: 文明办 for 文明辦 */
	int64_t ids[2];
	int n = records_find_title(r, rt, v, ids, 2);
	if (n == 1 && (!r->user || record_readable(r, rt, ids[0])))
		return arena_printf(r->a, "%lld", (long long)ids[0]);
	*why = n > 1 ? M_imp_ambiguous : M_rec_bad_reference;
	return NULL;
}

/* ---- load and save ---- */

static const char *select_list(struct req *r, const struct record_type *t)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_puts(&b, "id, archived, version, created_at, updated_at");
	for (int i = 0; i < t->nfields; i++)
		buf_printf(&b, ", %s", t->fields[i].name);
	return b.p;
}

struct record *record_from_row(struct req *r, const struct record_type *t, struct db_stmt *q)
{
	struct record *rec = record_new(r, t);
	rec->id = db_column_int64(q, 0);
	rec->archived = (int)db_column_int64(q, 1);
	rec->version = db_column_int64(q, 2);
	rec->created_at = db_column_int64(q, 3);
	rec->updated_at = db_column_int64(q, 4);
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (db_column_isnull(q, 5 + i))
			rec->vals[i] = NULL;
		else if (f->type == F_DECIMAL)
			rec->vals[i] = arena_printf(r->a, "%.10g", db_column_double(q, 5 + i));
		else if (field_is_integer(f->type))
			rec->vals[i] = arena_printf(r->a, "%lld", (long long)db_column_int64(q, 5 + i));
		else
			rec->vals[i] = arena_strdup(r->a, db_column_text(q, 5 + i));
	}
	return rec;
}

int record_may_reveal(struct req *r, const struct record *rec)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (rec->type->reveal_roles & (1u << r->user->grants[i].role))
			return authz_record_of(r, rec, ACC_READ);
	return 0;
}

int record_reveal(struct req *r, const struct record *rec, const char *field)
{
	if (!record_may_reveal(r, rec))
		return 1;
	struct db *db = req_db(r);
	json_t *what = json_pack("{s:s}", "field", field);
	int rc = db_begin(db);
	if (!rc)
		rc = audit_log_read(r, "reveal", rec->type->name, rec->id, what);
	if (!rc)
		rc = db_commit(db);
	json_decref(what);
	if (rc)
		db_rollback(db);
	return rc;
}

struct record *record_copy(struct req *r, const struct record *src)
{
	struct record *c = record_new(r, src->type);
	c->id = src->id;
	c->archived = src->archived;
	c->version = src->version;
	c->created_at = src->created_at;
	c->updated_at = src->updated_at;
	memcpy(c->vals, src->vals, (size_t)src->type->nfields * sizeof *c->vals);
	return c;
}

struct record *record_load_checked(struct req *r, const struct record_type *t, enum access want)
{
	struct record *rec = record_load(r, t, req_param_int(r, "id"));
	if (!rec) {
		req_fail(r, 404, M_rec_not_found);
		return NULL;
	}
	if (!authz_record_of(r, rec, want)) {
		req_fail(r, 403, M_NONE);
		return NULL;
	}
	return rec;
}

struct record *record_load(struct req *r, const struct record_type *t, int64_t id)
{
	struct db *db = req_db(r);
	if (!db)
		return NULL;
	struct db_stmt *q = db_query(
		db, r->a, arena_printf(r->a, "SELECT %s FROM %s WHERE id = ?", select_list(r, t), t->table), "i", id);
	struct record *rec = q && db_step(q) == DB_ROW ? record_from_row(r, t, q) : NULL;
	db_reset(q);
	return rec;
}

static void bind_value(struct db_stmt *s, int idx, const struct field_def *f, const char *v)
{
	if (!v) {
		db_bind_null(s, idx);
	} else if (f->type == F_DECIMAL) {
		db_bind_double(s, idx, strtod(v, NULL));
	} else if (f->type == F_DATETIME) {
		int64_t n = 0;
		parse_datetime(v, &n);
		db_bind_int64(s, idx, n);
	} else if (field_is_integer(f->type)) {
		db_bind_int64(s, idx, strtoll(v, NULL, 10));
	} else {
		db_bind_text(s, idx, v);
	}
}

json_t *record_json(struct req *r, const struct record *rec, int reveal)
{
	const struct record_type *t = rec->type;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(rec->id));
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		const char *v = rec->vals[i];
		json_t *j;
		if (f->flags & FF_HIDDEN)
			continue;
		if (f->type == F_FILES)
			j = files_field_json(r, v); /* [{id, name, size, mime, url}] */
		else if (!v)
			j = json_null();
		else if ((f->flags & FF_CONFIDENTIAL) && !reveal && !record_may_reveal(r, rec))
			j = json_string("confidential");
		else if ((f->flags & FF_SENSITIVE) && !reveal)
			j = json_string(record_mask(r, v));
		else if (f->type == F_BOOL)
			j = json_boolean(!strcmp(v, "1"));
		else if (f->type == F_DECIMAL)
			j = json_real(strtod(v, NULL));
		else if (field_is_integer(f->type) && f->type != F_DATETIME)
			j = json_integer(strtoll(v, NULL, 10));
		else if (f->type == F_DATETIME) {
			int64_t n = 0;
			parse_datetime(v, &n);
			j = json_integer(n);
		} else
			j = json_string(v);
		json_object_set_new(o, f->name, j);
	}
	json_object_set_new(o, "archived", json_boolean(rec->archived));
	json_object_set_new(o, "version", json_integer(rec->version));
	json_object_set_new(o, "created_at", json_integer(rec->created_at));
	json_object_set_new(o, "updated_at", json_integer(rec->updated_at));
	return o;
}

/* INSERT ... RETURNING id of a new record; sets id, version, timestamps. */
static int insert_row(struct req *r, struct db *db, struct record *rec, int64_t now)
{
	const struct record_type *t = rec->type;
	/* the text depends on the type and the backend alone: an import of a
	 * million rows builds it once (per thread) */
	static _Thread_local const struct record_type *last;
	static _Thread_local int last_returning;
	static _Thread_local char last_sql[4096];
	const char *text = last_sql;
	int returning = !db_has_last_id(db);
	if (last != t || last_returning != returning) {
		struct buf sql;
		buf_init(&sql, r->a);
		buf_printf(&sql, "INSERT INTO %s (created_at, updated_at", t->table);
		for (int i = 0; i < t->nfields; i++)
			buf_printf(&sql, ", %s", t->fields[i].name);
		buf_puts(&sql, ") VALUES (?, ?");
		for (int i = 0; i < t->nfields; i++)
			buf_puts(&sql, ", ?");
		buf_puts(&sql, returning ? ") RETURNING id" : ")");
		text = sql.p;
		if (sql.len < sizeof last_sql) {
			memcpy(last_sql, sql.p, sql.len + 1);
			last = t, last_returning = returning;
		}
	}
	struct db_stmt *s = db_prepare(db, r->a, text);
	if (!s)
		return DB_ERR;
	db_bind_int64(s, 1, now);
	db_bind_int64(s, 2, now);
	for (int i = 0; i < t->nfields; i++)
		bind_value(s, 3 + i, &t->fields[i], rec->vals[i]);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		rec->id = db_column_int64(s, 0);
		rc = 0;
		while (db_step(s) == DB_ROW)
			;
	} else if (rc == DB_DONE && !returning) {
		rec->id = db_last_id(db);
		rc = 0;
	}
	rec->created_at = rec->updated_at = now;
	rec->version = 1;
	return rc;
}

/* UPDATE guarded by the version the caller read (optimistic concurrency):
 * no row back means someone else saved first. */
static int update_row(struct req *r, struct db *db, struct record *rec, int64_t now)
{
	const struct record_type *t = rec->type;
	struct buf sql;
	buf_init(&sql, r->a);
	buf_printf(&sql, "UPDATE %s SET version = version + 1, updated_at = ?", t->table);
	for (int i = 0; i < t->nfields; i++)
		buf_printf(&sql, ", %s = ?", t->fields[i].name);
	buf_puts(&sql, " WHERE id = ? AND version = ? RETURNING version");
	struct db_stmt *s = db_prepare(db, r->a, sql.p);
	if (!s)
		return DB_ERR;
	db_bind_int64(s, 1, now);
	for (int i = 0; i < t->nfields; i++)
		bind_value(s, 2 + i, &t->fields[i], rec->vals[i]);
	db_bind_int64(s, 2 + t->nfields, rec->id);
	db_bind_int64(s, 3 + t->nfields, rec->version);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		rec->version = db_column_int64(s, 0);
		rec->updated_at = now;
		rc = 0;
		while (db_step(s) == DB_ROW)
			;
	} else if (rc == DB_DONE) {
		rc = DB_E_BUSY;
	}
	return rc;
}

int record_save(struct req *r, struct record *rec, const struct record *before)
{
	return record_save_as(r, rec, before, NULL);
}

int record_save_as(struct req *r, struct record *rec, const struct record *before, const char *action)
{
	const struct record_type *t = rec->type;
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	int64_t now = time(NULL);
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = rec->id ? update_row(r, db, rec, now) : insert_row(r, db, rec, now);
	if (!rc && t->after_save)
		rc = t->after_save(r, rec, before);
	if (!rc)
		rc = records_notify_saved(r, rec);
	if (!rc) {
		/* masked as everywhere else: the audit log is no back door to them */
		json_t *b = before ? record_json(r, before, 0) : NULL;
		json_t *a = record_json(r, rec, 0);
		rc = audit_log(r, action ? action : before ? "update" : "create", t->name, rec->id, b, a);
		json_decref(b);
		json_decref(a);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

int record_insert_batch(struct req *r, struct record *rec, int64_t now, void **state)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	int rc = insert_row(r, db, rec, now);
	if (!rc && rec->type->after_save)
		rc = rec->type->after_save(r, rec, NULL);
	if (!rc)
		rc = records_notify_added(r, state, rec);
	return rc;
}

int record_archive(struct req *r, struct record *rec, int archive)
{
	const struct record_type *t = rec->type;
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	if (archive) {
		/* refuse while active records refer to this one */
		for (int k = 0; k < record_ntypes; k++) {
			const struct record_type *o = record_types[k];
			for (int i = 0; i < o->nfields; i++) {
				const struct field_def *f = &o->fields[i];
				const char *rt = record_ref_table(f);
				if (!rt || strcmp(rt, t->table) != 0)
					continue;
				if (db_one_int64(db, 0,
						 arena_printf(r->a, "SELECT count(*) FROM %s WHERE %s = ? AND archived = 0",
							      o->table, f->name),
						 "i", rec->id))
					return DB_E_FK;
			}
		}
	}
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db,
			    arena_printf(r->a, "UPDATE %s SET archived = ?, version = version + 1, updated_at = ? WHERE id = ?",
					 t->table),
			    "Iii", archive, (int64_t)time(NULL), rec->id);
	if (!rc && t->after_save) /* e.g. an archived assignment takes its grant away */
		rc = t->after_save(r, rec, rec);
	if (!rc)
		rc = records_notify_saved(r, rec);
	if (!rc) {
		json_t *b = json_pack("{s:b}", "archived", !archive), *a = json_pack("{s:b}", "archived", archive);
		rc = audit_log(r, archive ? "archive" : "restore", t->name, rec->id, b, a);
		json_decref(b);
		json_decref(a);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	else
		rec->archived = archive;
	return rc;
}

/* ---- display ---- */

const char *record_mask(struct req *r, const char *v)
{
	/* counted in characters, so that a name keeps whole characters: 王** */
	size_t n = utf8_len(v);
	if (n <= 1 || (n <= 6 && (unsigned char)*v < 0x80))
		return "****";
	if (n <= 6) {
		/* a name: its first character and a mask of fixed length */
		size_t first = 1;
		while (((unsigned char)v[first] & 0xC0) == 0x80)
			first++;
		return arena_printf(r->a, "%.*s**", (int)first, v);
	}
	/* ID numbers and mobiles keep their region and last four; shorter
	 * numbers (landlines) keep one digit in front and two at the end */
	size_t keep_head = n >= 15 ? 4 : n >= 11 ? 3 : 1, keep_tail = n >= 11 ? 4 : 2;
	struct buf b;
	buf_init(&b, r->a);
	const char *p = v;
	for (size_t i = 0; i < n; i++) {
		const char *next = p + 1;
		while (((unsigned char)*next & 0xC0) == 0x80)
			next++;
		if (i < keep_head || i >= n - keep_tail)
			buf_append(&b, p, (size_t)(next - p));
		else
			buf_putc(&b, '*');
		p = next;
	}
	return b.p;
}

const char *record_display(struct req *r, const struct record *rec, int i, int reveal)
{
	const struct field_def *f = &rec->type->fields[i];
	const char *v = rec->vals[i];
	if (!v)
		return "";
	if ((f->flags & FF_CONFIDENTIAL) && !reveal && !record_may_reveal(r, rec))
		return msg(r->lang, M_rec_confidential);
	if ((f->flags & FF_SENSITIVE) && !reveal)
		return record_mask(r, v);
	struct db *db = req_db(r);
	switch (f->type) {
	case F_BOOL: return msg(r->lang, !strcmp(v, "1") ? M_yes : M_no);
	case F_FILES: return files_field_display(r, v);
	case F_ENUM:
		for (const struct enum_opt *o = f->opts; o && o->code; o++)
			if (!strcmp(o->code, v))
				return msg(r->lang, o->label);
		return v;
	case F_UNIT: {
		/* a name that several units share (every secondary unit has its
		 * 辦公室) says whose it is: 辦公室（運輸管理處） */
		const char *n = db ? db_one_text(db, r->a,
						 "SELECT CASE WHEN p.name IS NOT NULL AND (SELECT count(*) FROM units d WHERE "
						 "d.name = u.name AND d.archived = 0) > 1 THEN u.name || '（' || p.name || '）' "
						 "ELSE u.name END FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = ?",
						 "s", v)
				  : NULL;
		return n ? n : v;
	}
	case F_PERSON:
	case F_REF: {
		const struct record_type *t = record_ref_type(f);
		const char *n = t && db ? db_one_text(db, r->a,
						      arena_printf(r->a, "SELECT %s FROM %s WHERE id = ?", t->title_field,
								   t->table),
						      "s", v)
					: NULL;
		return n ? n : v;
	}
	case F_DATETIME: {
		int64_t n = 0;
		char *out = arena_alloc(r->a, 64);
		parse_datetime(v, &n);
		return fmt_time(r->lang, n, 1, out, 64);
	}
	default: return v;
	}
}
