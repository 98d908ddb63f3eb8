/* query.c — see query.h. */
#include "query.h"
#include "../core/cache.h"
#include "../http/app.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../search/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_WALK_FROM 500

static void add_bind(struct req *r, struct list_query *q, const char *type, const char *v)
{
	kv_add(r->a, &q->binds, type, v, strlen(v));
}

static int digits(const char *s)
{
	if (!*s || strlen(s) > 18)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Appends a condition to both forms of the WHERE clause (list_query). */
static void add_cond(struct buf *w, struct buf *walk, const char *cond)
{
	buf_puts(w, cond);
	buf_puts(walk, cond);
}

/* Archived records have no search index row: their list is searched with
 * LIKE on each FF_SEARCH column, the query as typed (no T/S matching). */
static const char *like_sql(struct req *r, const struct record_type *t, const char *text, struct kvlist *binds)
{
	/* the user's % and _ are letters, not wildcards */
	struct buf esc, w;
	buf_init(&esc, r->a);
	buf_init(&w, r->a);
	buf_putc(&esc, '%');
	for (const char *c = text; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			buf_putc(&esc, '\\');
		buf_putc(&esc, *c);
	}
	buf_putc(&esc, '%');
	for (int i = 0; i < t->nfields; i++) {
		if (!(t->fields[i].flags & FF_SEARCH))
			continue;
		buf_printf(&w, "%s LOWER(t.%s) LIKE LOWER(?) ESCAPE '\\'", w.len ? " OR" : " AND (", t->fields[i].name);
		kv_add(r->a, binds, "s", esc.p, esc.len);
	}
	buf_puts(&w, ")");
	return w.p;
}

void list_query_build(struct req *r, const struct record_type *t, struct list_query *q)
{
	memset(q, 0, sizeof *q);
	q->t = t;
	q->error = M_NONE;
	q->gen = audit_data_gen(req_db(r));
	struct buf w, walk;
	buf_init(&w, r->a);
	buf_init(&walk, r->a);
	const char *arch = req_query(r, "archived");
	q->archived = arch && !strcmp(arch, "1");
	const char *text = req_query(r, "q");
	int searchable = 0;
	for (int i = 0; i < t->nfields; i++)
		searchable |= (t->fields[i].flags & FF_SEARCH) != 0;
	int searching = text && *text && searchable; /* a register with nothing searchable ignores q */
	/* searched: the matches are to lead, not an index on the state (SQLite
	 * keeps no statistics and takes any equality on an index for a few rows) */
	add_cond(&w, &walk, arena_printf(r->a, " WHERE %st.archived = %d", searching ? "+" : "", q->archived));
	int simple = t->unit_field && strcmp(t->unit_field, "id") != 0;
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		const char *v = req_query(r, f->name);
		if (!(f->flags & FF_FILTER) || !v || !*v)
			continue;
		if (f->type == F_UNIT) {
			if (!digits(v)) {
				q->error = M_rec_bad_filter, q->bad_param = f->name;
				continue;
			}
			/* a short list reads the subtree's units' index ranges; a long
			 * one, walked in the sort field's order, probes the closure
			 * table once a row instead of first listing the subtree */
			buf_printf(&w, " AND t.%s IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", f->name);
			buf_printf(&walk, " AND EXISTS (SELECT 1 FROM unit_tree x WHERE x.ancestor_id = ? AND x.unit_id = t.%s)",
				   f->name);
			add_bind(r, q, "i", v);
			if (simple && !strcmp(f->name, t->unit_field))
				q->unit_root = strtoll(v, NULL, 10);
			else
				simple = 0;
			continue;
		} else if (f->type == F_BOOL) {
			if (strcmp(v, "0") && strcmp(v, "1")) {
				q->error = M_rec_bad_filter, q->bad_param = f->name;
				continue;
			}
			add_cond(&w, &walk, arena_printf(r->a, " AND COALESCE(t.%s, 0) = ?", f->name));
			add_bind(r, q, "i", v);
		} else if (field_is_integer(f->type)) {
			if (!digits(v)) {
				q->error = M_rec_bad_filter, q->bad_param = f->name;
				continue;
			}
			add_cond(&w, &walk, arena_printf(r->a, " AND t.%s = ?", f->name));
			add_bind(r, q, "i", v);
		} else if (f->type == F_ENUM) {
			int ok = 0;
			for (const struct enum_opt *o = f->opts; o && o->code; o++)
				ok |= !strcmp(o->code, v);
			if (!ok) {
				q->error = M_rec_bad_filter, q->bad_param = f->name;
				continue;
			}
			add_cond(&w, &walk, arena_printf(r->a, " AND t.%s = ?", f->name));
			add_bind(r, q, "s", v);
		} else {
			/* text and dates: has a value, or has none */
			if (strcmp(v, "0") && strcmp(v, "1")) {
				q->error = M_rec_bad_filter, q->bad_param = f->name;
				continue;
			}
			add_cond(&w, &walk, arena_printf(r->a, " AND t.%s IS %sNULL", f->name, *v == '1' ? "NOT " : ""));
		}
		simple = 0;
	}
	if (searching) {
		simple = 0;
		if (strlen(text) > 200)
			q->error = M_err_query_too_long, q->bad_param = "q";
		else if (!utf8_valid(text, strlen(text)))
			q->error = M_err_bad_utf8, q->bad_param = "q";
		else
			add_cond(&w, &walk,
				 q->archived ? like_sql(r, t, text, &q->binds) : search_list_sql(r, t, "t", text, &q->binds));
	}
	const char *scope = record_scope_sql(r, t, "t", &q->binds);
	add_cond(&w, &walk, scope);
	q->by_unit_counts = simple && !*scope;
	q->where = w.p;
	q->where_walk = walk.p;
	q->total = -1;

	/* sort: ?sort=field or -field, else the declared default */
	const char *sort = req_query(r, "sort");
	const char *want = sort && *sort ? sort : t->sort;
	q->desc = want && want[0] == '-';
	const char *name = q->desc ? want + 1 : want;
	q->sort_field = -1;
	int fi = name ? record_field_index(t, name) : -1;
	if (fi >= 0 && (t->fields[fi].flags & (FF_SORT | FF_LIST)) && !(t->fields[fi].flags & FF_SENSITIVE))
		q->sort_field = fi;
	else if (sort && *sort && strcmp(name, "id") != 0)
		q->error = M_rec_bad_sort, q->bad_param = "sort";
	q->order = q->sort_field >= 0
			   /* empty values last either way, the same on both engines (a
			    * required field has none, and its index can give the order) */
			   ? arena_printf(r->a, " ORDER BY %s%s%st.%s %s, t.id %s",
					  t->fields[q->sort_field].flags & FF_REQUIRED ? "" : "(t.",
					  t->fields[q->sort_field].flags & FF_REQUIRED ? "" : t->fields[q->sort_field].name,
					  t->fields[q->sort_field].flags & FF_REQUIRED ? "" : " IS NULL), ",
					  t->fields[q->sort_field].name, q->desc ? "DESC" : "ASC", q->desc ? "DESC" : "ASC")
			   : arena_printf(r->a, " ORDER BY t.id %s", q->desc ? "DESC" : "ASC");

	q->page = req_page(r);
	if (!q->page)
		q->error = M_err_bad_page, q->bad_param = "page", q->page = 1;
	const char *pp = req_query(r, "per_page");
	q->per_page = 25;
	if (pp) {
		int n = atoi(pp);
		if (!digits(pp) || n < 1 || n > 200)
			q->error = M_rec_bad_per_page, q->bad_param = "per_page";
		else
			q->per_page = n;
	}
}

static void bind_all(struct db_stmt *s, const struct kvlist *b, int *idx)
{
	for (size_t i = 0; i < b->n; i++, (*idx)++) {
		if (b->v[i].name[0] == 'i')
			db_bind_int64(s, *idx, strtoll(b->v[i].value, NULL, 10));
		else
			db_bind_text(s, *idx, b->v[i].value);
	}
}

int64_t list_query_count(struct req *r, struct list_query *q)
{
	struct buf key;
	buf_init(&key, r->a);
	buf_printf(&key, "count|%s|%s", q->t->table, q->where);
	for (size_t i = 0; i < q->binds.n; i++)
		buf_printf(&key, "|%s", q->binds.v[i].value);
	struct buf hit;
	buf_init(&hit, r->a);
	if (cache_get(req_cache(r), key.p, q->gen, &hit))
		return q->total = strtoll(hit.p, NULL, 10);

	struct db *db = req_db(r);
	int64_t n = -1;
	if (!db) {
		return -1;
	} else if (q->by_unit_counts && q->unit_root) {
		/* SQLite: the subtree's one row (migration 008); PostgreSQL: its
		 * units' counts added up (why: the migration's comment) */
		n = db_one_int64(db, -1,
				 db_kind(db) == DB_SQLITE
					 ? "SELECT COALESCE((SELECT n FROM unit_totals WHERE tbl = ? AND archived = ? AND unit_id = ?), 0)"
					 : "SELECT CAST(COALESCE(sum(n), 0) AS BIGINT) FROM unit_counts WHERE tbl = ? AND archived = ? "
					   "AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)",
				 "sii", q->t->table, (int64_t)q->archived, q->unit_root);
	} else if (q->by_unit_counts) { /* and the records that name no unit */
		n = db_one_int64(db, -1,
				 arena_printf(r->a,
					      "SELECT CAST(COALESCE((SELECT sum(n) FROM %s WHERE tbl = ? AND archived = ?%s), 0) "
					      "+ (SELECT count(*) FROM %s WHERE %s IS NULL AND archived = ?) AS BIGINT)",
					      db_kind(db) == DB_SQLITE ? "unit_totals" : "unit_counts",
					      db_kind(db) == DB_SQLITE ? " AND unit_id IN (SELECT id FROM units WHERE parent_id IS NULL)" : "",
					      q->t->table, q->t->unit_field),
				 "sii", q->t->table, (int64_t)q->archived, (int64_t)q->archived);
	} else {
		struct db_stmt *s = db_prepare(db, r->a, arena_printf(r->a, "SELECT count(*) FROM %s t%s", q->t->table, q->where));
		if (!s)
			return -1;
		int idx = 1;
		bind_all(s, &q->binds, &idx);
		n = db_step(s) == DB_ROW ? db_column_int64(s, 0) : -1;
		db_reset(s);
	}
	if (n >= 0) {
		char v[24];
		int len = snprintf(v, sizeof v, "%lld", (long long)n);
		cache_put(req_cache(r), key.p, q->gen, v, (size_t)len);
	}
	q->total = n;
	return n;
}

const char *list_cache_key(struct req *r, const char *view, const struct record_type *t)
{
	struct buf key;
	buf_init(&key, r->a);
	const struct user *u = r->user;
	buf_printf(&key, "%s|%s|%s|%lld|%lld|%lld", view, t->name, lang_code(r->lang), u ? (long long)u->id : 0LL,
		   u ? (long long)u->unit_id : 0LL, (long long)(time(NULL) / 86400));
	for (int i = 0; u && i < u->ngrants; i++)
		buf_printf(&key, "|%d:%lld", (int)u->grants[i].role, (long long)u->grants[i].unit_id);
	buf_printf(&key, "|?%s", r->query ? r->query : "");
	return key.p;
}

struct db_stmt *list_query_run(struct req *r, struct list_query *q, int64_t limit, int64_t offset)
{
	struct db *db = req_db(r);
	if (!db)
		return NULL;
	struct buf sql;
	buf_init(&sql, r->a);
	buf_puts(&sql, "SELECT t.id, t.archived, t.version, t.created_at, t.updated_at");
	for (int i = 0; i < q->t->nfields; i++)
		buf_printf(&sql, ", t.%s", q->t->fields[i].name);
	/* an indexed sort field and many rows to sort: walking that index and
	 * testing each row finds a page sooner than sorting them all (110 ms →
	 * under 1 ms at a million people) when the rows are a large enough share
	 * of the table: the walk passes about (offset + limit) × table / total
	 * rows, the sort reads total (the table's size from its largest id, a
	 * lookup at the end of its primary key) */
	int walk = q->total >= LIST_WALK_FROM && q->sort_field >= 0 && (q->t->fields[q->sort_field].flags & FF_SORT) &&
		   (q->t->fields[q->sort_field].flags & FF_REQUIRED);
	if (walk && limit >= 0) {
		int64_t rows = db_one_int64(db, 0, arena_printf(r->a, "SELECT COALESCE(max(id), 0) FROM %s", q->t->table), NULL);
		walk = (double)q->total * (double)q->total >= (double)(offset + limit) * (double)rows;
	}
	buf_printf(&sql, " FROM %s t%s%s", q->t->table, walk ? q->where_walk : q->where, q->order);
	if (limit >= 0)
		buf_puts(&sql, " LIMIT ? OFFSET ?");
	struct db_stmt *s = db_prepare(db, r->a, sql.p);
	if (!s)
		return NULL;
	int idx = 1;
	bind_all(s, &q->binds, &idx);
	if (limit >= 0) {
		db_bind_int64(s, idx++, limit);
		db_bind_int64(s, idx++, offset);
	}
	return s;
}

