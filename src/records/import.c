/* import.c — see import.h. */
#include "import.h"
#include "sheet.h"
#include "../db/db.h"
#include "../http/audit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void add_error(struct req *r, struct import_result *res, size_t row, const char *col, const char *value,
		      enum msg_id why)
{
	res->nerrs++;
	if (res->listed >= IMPORT_MAX_ERRORS)
		return;
	if (!res->errs)
		res->errs = arena_alloc(r->a, IMPORT_MAX_ERRORS * sizeof *res->errs);
	struct import_error *e = &res->errs[res->listed++];
	e->row = row;
	e->column = col ? arena_strdup(r->a, col) : NULL;
	e->value = value ? arena_strndup(r->a, value, strlen(value) > 80 ? 80 : strlen(value)) : NULL;
	e->why = why;
}

/* A big load on SQLite: inserting into a B-tree index in key order is far
 * cheaper than at random, so the non-unique indexes of the table are
 * dropped for the load and built again (sorted) before the commit, in the
 * same transaction (db_indexes_suspend; the search index does the same for
 * its own when told of the batch). Measured at a million people: each
 * index inserted into row by row costs ~4 µs a row, built afterwards ~0.35 s
 * in all. The per-unit counts' insert trigger goes too, and the counts are
 * made afresh at the end. Worth it only when the new rows are many next to
 * those there; unique indexes stay, they check every row; and not for a
 * type that refers to itself (its rows are looked up by title while they
 * load). */
static int indexes_suspend(struct req *r, struct db *db, const struct record_type *t, size_t rows,
			   struct db_suspended *sp)
{
	memset(sp, 0, sizeof *sp);
	if (db_kind(db) != DB_SQLITE || rows < 10000)
		return 0;
	for (int i = 0; i < t->nfields; i++) {
		const char *rt = record_ref_table(&t->fields[i]);
		if (rt && !strcmp(rt, t->table))
			return 0;
	}
	int64_t there = db_one_int64(db, 0, arena_printf(r->a, "SELECT COALESCE(max(id), 0) FROM %s", t->table), NULL);
	if ((int64_t)rows < there / 4)
		return 0;
	return db_indexes_suspend(db, r->a, t->table, arena_printf(r->a, "%s_uc_ai", t->table), sp);
}

static int indexes_restore(struct db *db, const struct record_type *t, const struct db_suspended *sp)
{
	int rc = db_indexes_restore(db, sp);
	if (!rc && sp->trigger)
		rc = records_unit_counts_recount(db, t);
	return rc;
}

/* The field a header names, -1 for "id", -2 for nothing. */
static int match_column(const struct record_type *t, const char *h)
{
	char name[256];
	size_t n = strlen(h);
	while (n && (h[n - 1] == '*' || h[n - 1] == ' '))
		n--;
	while (*h == ' ' && n)
		h++, n--;
	if (n >= sizeof name)
		return -2;
	memcpy(name, h, n);
	name[n] = 0;
	if (!strcasecmp(name, "id"))
		return -1;
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (!FIELD_INPUT(f))
			continue;
		if (!strcasecmp(name, f->name))
			return i;
		for (int l = 0; l < LANG__COUNT; l++)
			if (!strcmp(name, msg((enum lang)l, f->label)))
				return i;
	}
	return -2;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* References resolved so far in this file ("field\tvalue" → id): a staff
 * sheet names the same few units on every row. Keys and ids live in the
 * import's arena. */
struct ref_cache {
	const char **keys, **ids;
	size_t cap, n;
	struct arena *a;
};

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char **cache_slot(struct ref_cache *c, const char *key)
{
	size_t j = fnv(key) % c->cap;
	while (c->keys[j] && strcmp(c->keys[j], key))
		j = (j + 1) % c->cap;
	return &c->keys[j];
}

static const char *cache_get(struct ref_cache *c, const char *key)
{
	if (!c->cap)
		return NULL;
	const char **k = cache_slot(c, key);
	return *k ? c->ids[k - c->keys] : NULL;
}

static void cache_put(struct ref_cache *c, const char *key, const char *id)
{
	if (c->n * 2 >= c->cap) {
		struct ref_cache n = {NULL, NULL, c->cap ? c->cap * 2 : 256, 0, c->a};
		n.keys = arena_alloc(c->a, n.cap * sizeof *n.keys);
		n.ids = arena_alloc(c->a, n.cap * sizeof *n.ids);
		for (size_t i = 0; i < c->cap; i++)
			if (c->keys[i]) {
				const char **k = cache_slot(&n, c->keys[i]);
				*k = c->keys[i];
				n.ids[k - n.keys] = c->ids[i];
			}
		*c = n;
	}
	const char **k = cache_slot(c, key);
	if (!*k) {
		*k = arena_strdup(c->a, key);
		c->ids[k - c->keys] = arena_strdup(c->a, id);
		c->n++;
	}
}

/* A value from the sheet as the engine wants it. */
static const char *convert(struct req *r, const struct field_def *f, const char *v, enum msg_id *why,
			   struct ref_cache *cache)
{
	*why = M_NONE;
	if (!*v)
		return v;
	if (f->type == F_DATE && all_digits(v) && strlen(v) <= 7) {
		char d[11];
		if (sheet_excel_date(v, d) == 0)
			return arena_strdup(r->a, d);
	}
	if ((f->type == F_UNIT || f->type == F_PERSON || f->type == F_REF) && !all_digits(v)) {
		const char *key = arena_printf(r->a, "%s\t%s", f->name, v);
		const char *id = cache_get(cache, key);
		if (!id && (id = record_resolve_ref(r, f, v, why)))
			cache_put(cache, key, id);
		return id;
	}
	return v;
}

/* Values of unique fields seen so far in the file: a sorted-on-demand list
 * would do, but a small open-addressing table keeps it linear. */
struct seen {
	const char **keys;
	size_t cap, n;
};

static int seen_add(struct req *r, struct seen *s, const char *key)
{
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		const char **k = calloc(cap, sizeof *k);
		for (size_t i = 0; i < s->cap; i++)
			if (s->keys[i]) {
				uint32_t h = 2166136261u;
				for (const char *p = s->keys[i]; *p; p++)
					h = (h ^ (unsigned char)*p) * 16777619u;
				size_t j = h % cap;
				while (k[j])
					j = (j + 1) % cap;
				k[j] = s->keys[i];
			}
		free(s->keys);
		s->keys = k;
		s->cap = cap;
	}
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	size_t j = h % s->cap;
	while (s->keys[j]) {
		if (!strcmp(s->keys[j], key))
			return 1;
		j = (j + 1) % s->cap;
	}
	s->keys[j] = arena_strdup(r->a, key);
	s->n++;
	return 0;
}

int records_import(struct req *r, const struct record_type *t, const char *data, size_t len, const char *filename,
		   int commit, struct import_result *res, void (*progress)(size_t, size_t, void *), void *ctx)
{
	memset(res, 0, sizeof *res);
	res->file_error = M_NONE;
	struct sheet sh;
	size_t where = 0;
	enum sheet_error se = sheet_read(r->a, data, len, IMPORT_MAX_ROWS + 1, 256, &sh, &where, &res->encoding);
	if (se != SHEET_OK) {
		static const enum msg_id msgs[] = {M_NONE, M_imp_unknown_format, M_imp_bad_csv, M_imp_bad_xlsx,
						   M_imp_encoding, M_imp_too_big, M_imp_empty};
		res->file_error = msgs[se];
		if (where)
			res->file_detail = arena_printf(r->a, "%zu", where);
		return -1;
	}
	if (sh.nrows < 2) {
		res->file_error = M_imp_no_rows;
		return -1;
	}
	/* map the header */
	int *map = arena_alloc(r->a, sh.ncols * sizeof *map);
	int *have = arena_alloc(r->a, (size_t)t->nfields * sizeof *have);
	res->columns = arena_alloc(r->a, sh.ncols * sizeof *res->columns);
	res->ncols = sh.ncols;
	for (size_t c = 0; c < sh.ncols; c++) {
		const char *h = sh.cells[0][c];
		map[c] = *h ? match_column(t, h) : -1;
		if (map[c] == -2) {
			res->file_error = M_imp_unknown_column;
			res->file_detail = h;
			return -1;
		}
		if (map[c] >= 0) {
			if (have[map[c]]) {
				res->file_error = M_imp_duplicate_column;
				res->file_detail = h;
				return -1;
			}
			have[map[c]] = 1;
			res->columns[c] = t->fields[map[c]].name;
		}
	}
	for (int i = 0; i < t->nfields; i++)
		if ((t->fields[i].flags & FF_REQUIRED) && FIELD_INPUT(&t->fields[i]) && !t->fields[i].dflt && !have[i]) {
			res->file_error = M_imp_missing_column;
			res->file_detail = msg(r->lang, t->fields[i].label);
			return -1;
		}

	struct db *db = req_db(r);
	if (!db) {
		res->file_error = M_err_db_down;
		return -1;
	}
	int rc = commit ? db_begin(db) : 0;
	/* one big transaction: give SQLite room so it does not spill to disk */
	int tuned = commit && db_kind(db) == DB_SQLITE && !rc;
	if (tuned)
		db_exec_script(db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY");
	void **observers = NULL;
	struct db_suspended idx = {0};
	if (commit && !rc)
		rc = records_batch_begin(r, sh.nrows - 1, &observers);
	if (commit && !rc)
		rc = indexes_suspend(r, db, t, sh.nrows - 1, &idx);
	struct seen *seen = calloc((size_t)t->nfields, sizeof *seen);
	struct ref_memo memo = {0};
	int64_t now = time(NULL);
	struct arena *main_arena = r->a;
	struct ref_cache cache = {NULL, NULL, 0, 0, main_arena};
	struct arena row_arena;
	arena_init(&row_arena);
	res->rows = sh.nrows - 1;
	for (size_t row = 1; row < sh.nrows && !rc; row++) {
		r->a = &row_arena; /* per-row work is freed after each row */
		struct record *rec = record_new(r, t);
		int bad = 0;
		unsigned char *failed = arena_alloc(r->a, (size_t)t->nfields); /* reported already */
		for (size_t c = 0; c < sh.ncols; c++) {
			if (map[c] < 0)
				continue;
			const struct field_def *f = &t->fields[map[c]];
			enum msg_id why;
			const char *v = convert(r, f, sh.cells[row][c], &why, &cache);
			if (why != M_NONE) {
				r->a = main_arena;
				add_error(r, res, row + 1, sh.cells[0][c], sh.cells[row][c], why);
				r->a = &row_arena;
				failed[map[c]] = 1;
				bad = 1;
				continue;
			}
			record_set(r, rec, map[c], v);
		}
		/* unchecked booleans are false, as in the form */
		for (int i = 0; i < t->nfields; i++)
			if (t->fields[i].type == F_BOOL && !rec->vals[i] && FIELD_INPUT(&t->fields[i]))
				rec->vals[i] = "0";
		struct record_errors e;
		record_validate_new(r, rec, &e, &memo);
		for (int i = 0; i < t->nfields; i++) {
			enum msg_id why = e.field[i];
			if (why == M_NONE && (t->fields[i].flags & FF_UNIQUE) && rec->vals[i]) {
				r->a = main_arena;
				if (seen_add(r, &seen[i], rec->vals[i]))
					why = M_imp_duplicate_in_file;
				r->a = &row_arena;
			}
			if (why == M_NONE || failed[i])
				continue;
			size_t col = 0;
			while (col < sh.ncols && map[col] != i)
				col++;
			r->a = main_arena;
			add_error(r, res, row + 1, col < sh.ncols ? sh.cells[0][col] : msg(r->lang, t->fields[i].label),
				  rec->vals[i], why);
			r->a = &row_arena;
			bad = 1;
		}
		if (!bad && !commit && res->npreview < IMPORT_PREVIEW_ROWS) {
			/* kept past the row's arena: the values are copied */
			r->a = main_arena;
			struct record *p = record_copy(r, rec);
			for (int i = 0; i < t->nfields; i++)
				p->vals[i] = p->vals[i] ? arena_strdup(r->a, p->vals[i]) : NULL;
			res->preview[res->npreview++] = p;
			r->a = &row_arena;
		}
		if (!bad && commit && !res->nerrs) {
			rc = record_insert_batch(r, rec, now, observers);
			if (!rc) {
				if (!res->first_id)
					res->first_id = rec->id;
				res->last_id = rec->id;
			}
		}
		r->a = main_arena;
		arena_reset(&row_arena);
		if (progress && row % 1000 == 0 && row < sh.nrows - 1)
			progress(row, sh.nrows - 1, ctx);
	}
	r->a = main_arena;
	arena_free(&row_arena);
	for (int i = 0; i < t->nfields; i++)
		free(seen[i].keys);
	free(seen);
	ref_memo_free(&memo);
	if (progress)
		progress(sh.nrows - 1, sh.nrows - 1, ctx);
	if (tuned)
		db_exec_script(db, "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT"); /* as db_sqlite.c left them */
	if (!commit)
		return res->nerrs ? -1 : 0;
	if (!rc && !res->nerrs)
		rc = records_batch_end(r, observers);
	if (!rc && !res->nerrs)
		rc = indexes_restore(db, t, &idx);
	if (!rc && !res->nerrs) {
		unsigned char h[32];
		char hex[65];
		crypto_hash_sha256(h, (const unsigned char *)data, len);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		json_t *after = json_pack("{s:s, s:s, s:I, s:I, s:I}", "file", filename ? filename : "", "sha256", hex, "rows",
					  (json_int_t)res->rows, "first_id", (json_int_t)res->first_id, "last_id",
					  (json_int_t)res->last_id);
		rc = audit_log(r, "import", t->name, res->first_id, NULL, after);
		json_decref(after);
		if (!rc)
			rc = db_commit(db);
	}
	if (rc || res->nerrs) {
		db_rollback(db);
		if (rc && !res->nerrs)
			res->file_error = rc == DB_E_UNIQUE ? M_rec_not_unique : M_rec_refused;
		res->first_id = res->last_id = 0;
		return -1;
	}
	return 0;
}
