/* search.c — the search index and its queries. See search.h.
 *
 * Normalization happens here and only here, for both the indexed text and
 * the query, so the two can never drift apart. The index is a cache of the
 * record tables: it may be rebuilt at any time (search_rebuild), and the
 * final word on what a user may see is authz_record on each candidate, never
 * the index alone. This file renders nothing and knows no HTTP. */
#include "search.h"
#include "secret.h"
#include "../core/log.h"
#include "../db/db.h"

#include <opencc/opencc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- normalization ---- */

/* One OpenCC handle per thread: the library does not document a shared
 * handle as thread-safe. Closed by the key's destructor when the thread
 * ends. */
static pthread_once_t cc_once = PTHREAD_ONCE_INIT;
static pthread_key_t cc_key;
static _Thread_local opencc_t cc_handle;
static _Thread_local int cc_state; /* 0: not tried, 1: open, -1: failed */

static void cc_close(void *h)
{
	if (h)
		opencc_close((opencc_t)h);
}

static void cc_make_key(void)
{
	pthread_key_create(&cc_key, cc_close);
}

static opencc_t cc_get(void)
{
	if (cc_state == 0) {
		opencc_t h = opencc_open("t2s.json");
		if (h == (opencc_t)-1) {
			/* logged once per thread; the text goes on unconverted */
			log_warn("search: cannot open OpenCC t2s.json (%s): Traditional and Simplified will not match",
				 opencc_error());
			cc_state = -1;
		} else {
			pthread_once(&cc_once, cc_make_key);
			pthread_setspecific(cc_key, h);
			cc_handle = h;
			cc_state = 1;
		}
	}
	return cc_state == 1 ? cc_handle : NULL;
}

/* Appends s folded: full-width ASCII (U+FF01–FF5E) to ASCII, the
 * ideographic and no-break spaces and every ASCII space or control to one
 * space, runs of spaces collapsed, ends trimmed, A–Z lower-cased. */
static void fold(struct buf *b, const char *s)
{
	int pending = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int c = -1; /* an ASCII character to emit, or -1 to copy a sequence */
		size_t n = 1;
		if (*p < 0x80) {
			c = *p;
		} else if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) {
			c = p[2] - 0x80 + 0x20, n = 3; /* U+FF01–FF3F */
		} else if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E) {
			c = p[2] - 0x80 + 0x60, n = 3; /* U+FF40–FF5E */
		} else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			c = ' ', n = 3; /* U+3000 */
		} else if (p[0] == 0xC2 && p[1] == 0xA0) {
			c = ' ', n = 2; /* U+00A0 */
		} else {
			while (p[n] && (p[n] & 0xC0) == 0x80)
				n++;
		}
		if (c >= 0 && (c <= ' ' || c == 0x7F)) {
			pending = b->len > 0;
		} else {
			if (pending)
				buf_putc(b, ' ');
			pending = 0;
			if (c >= 'A' && c <= 'Z')
				buf_putc(b, (char)(c - 'A' + 'a'));
			else if (c >= 0)
				buf_putc(b, (char)c);
			else
				buf_append(b, p, n);
		}
		p += n;
	}
}

/* OpenCC's t2s of text, or NULL (invalid UTF-8, no OpenCC): free with
 * opencc_convert_utf8_free. */
static char *t2s(const char *text, size_t len)
{
	opencc_t cc = utf8_valid(text, len) ? cc_get() : NULL;
	return cc ? opencc_convert_utf8(cc, text, len) : NULL;
}

/* s folded (fold), in the arena. */
static const char *folded(struct arena *a, const char *s)
{
	struct buf b;
	buf_init(&b, a);
	buf_puts(&b, "");
	fold(&b, s);
	return b.p;
}

const char *search_normalize(struct arena *a, const char *text)
{
	if (!text || !*text)
		return "";
	char *conv = t2s(text, strlen(text));
	const char *out = folded(a, conv ? conv : text);
	if (conv)
		opencc_convert_utf8_free(conv);
	return out;
}

/* Normalizes x and y with one OpenCC call, joined by a newline that the
 * conversion keeps (a call costs ~2 µs, the most of indexing a record);
 * two calls when x holds a newline itself, or without OpenCC. */
static void normalize_pair(struct arena *a, const char *x, const char *y, const char **nx, const char **ny)
{
	const char *both = strchr(x, '\n') ? NULL : arena_printf(a, "%s\n%s", x, y);
	char *conv = both ? t2s(both, strlen(both)) : NULL;
	char *nl = conv ? strchr(conv, '\n') : NULL;
	if (nl) {
		*nl = 0;
		*nx = folded(a, conv);
		*ny = folded(a, nl + 1);
	} else {
		*nx = search_normalize(a, x);
		*ny = search_normalize(a, y);
	}
	if (conv)
		opencc_convert_utf8_free(conv);
}

static size_t code_points(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* ---- indexing ---- */

static const char *title_of(struct req *r, const struct record *rec)
{
	int ti = rec->type->title_field ? record_field_index(rec->type, rec->type->title_field) : -1;
	return ti >= 0 ? record_display(r, rec, ti, 0) : "";
}

/* The searchable text besides the title: FF_SEARCH fields as displayed,
 * enum and yes/no labels in every language (the index must not depend on
 * the language of whoever saved last). Sensitive values never enter the
 * index, not even masked. Arena. */
static const char *fields_text(struct req *r, const struct record *rec)
{
	const struct record_type *t = rec->type;
	struct buf b;
	buf_init(&b, r->a);
	buf_puts(&b, "");
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (!(f->flags & FF_SEARCH) || (f->flags & (FF_SENSITIVE | FF_HIDDEN)) || !rec->vals[i] ||
		    (t->title_field && !strcmp(f->name, t->title_field)))
			continue;
		enum msg_id label = M_NONE;
		if (f->type == F_ENUM) {
			for (const struct enum_opt *o = f->opts; o && o->code; o++)
				if (!strcmp(o->code, rec->vals[i]))
					label = o->label;
		} else if (f->type == F_BOOL) {
			label = !strcmp(rec->vals[i], "1") ? M_yes : M_no;
		}
		if (label != M_NONE) {
			for (int l = 0; l < LANG__COUNT; l++)
				buf_printf(&b, " %s", msg((enum lang)l, label));
		} else {
			buf_printf(&b, " %s", record_display(r, rec, i, 0));
		}
	}
	return b.p;
}

/* Upserts the row of a live record. The update is skipped when nothing
 * changed, which spares the trigram index a delete and an insert. fresh:
 * the record was just inserted and has no row yet, so a plain INSERT (an
 * upsert would bring the update trigger, and with it FTS5, into the
 * statement even when it does not fire). */
static int index_live(struct req *r, struct db *db, const struct record *rec, int fresh)
{
	const char *title = title_of(r, rec), *title_norm, *rest;
	normalize_pair(r->a, title, fields_text(r, rec), &title_norm, &rest);
	const char *body = *rest ? arena_printf(r->a, "%s %s", title_norm, rest) : title_norm;
	int64_t unit = record_unit(rec), owner = record_owner(rec);
	struct db_stmt *s = db_prepare(
		db, r->a, fresh ? "INSERT INTO search_index (type, record_id, unit_id, owner_id, title, title_norm, body) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?)"
			  : "INSERT INTO search_index (type, record_id, unit_id, owner_id, title, title_norm, body) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (type, record_id) DO UPDATE SET unit_id = excluded.unit_id, "
		    "owner_id = excluded.owner_id, title = excluded.title, title_norm = excluded.title_norm, "
		    "body = excluded.body WHERE search_index.unit_id IS DISTINCT FROM excluded.unit_id "
		    "OR search_index.owner_id IS DISTINCT FROM excluded.owner_id OR search_index.title <> excluded.title "
		    "OR search_index.body <> excluded.body");
	if (!s)
		return DB_ERR;
	db_bind_text(s, 1, rec->type->name);
	db_bind_int64(s, 2, rec->id);
	if (unit)
		db_bind_int64(s, 3, unit);
	else
		db_bind_null(s, 3);
	if (owner)
		db_bind_int64(s, 4, owner);
	else
		db_bind_null(s, 4);
	db_bind_text(s, 5, title);
	db_bind_text(s, 6, title_norm);
	db_bind_text(s, 7, body);
	int rc = db_step(s);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERR;
}

int search_index_record(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	const struct record_type *t = rec->type;
	/* the table, not rec->archived: record_archive updates the struct only
	 * after its commit, and the caller runs inside that transaction */
	int64_t archived = db_one_int64(db, -1, arena_printf(r->a, "SELECT archived FROM %s WHERE id = ?", t->table),
					"i", rec->id);
	if (archived != 0) {
		int rc = db_run(db, "DELETE FROM search_index WHERE type = ? AND record_id = ?", "si", t->name, rec->id);
		return rc ? rc : search_secret_drop(db, t, rec->id);
	}
	struct secret_key key = {0};
	int rc = index_live(r, db, rec, 0);
	return rc ? rc : search_secret_index(r, db, rec, 0, &key);
}

/* An import's batch: the trigram and grams trigger deferred (SQLite), and for a big
 * one the index's own non-unique indexes too. */
struct bulk {
	int active;
	int64_t after_id;    /* index rows above this id are the new ones */
	const char *trigger; /* the insert trigger's SQL, to put it back */
	struct db_suspended idx;
	struct secret_key key;
};

static int bulk_begin(struct req *r, size_t rows, void **state)
{
	struct db *db = req_db(r);
	struct bulk *b = arena_alloc(r->a, sizeof *b);
	*state = b;
	if (!db || db_kind(db) != DB_SQLITE)
		return 0;
	b->trigger = db_one_text(db, r->a, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'search_index_ai'",
				 NULL);
	if (!b->trigger)
		return 0; /* no trigger: nothing to defer */
	b->after_id = db_one_int64(db, 0, "SELECT COALESCE(max(id), 0) FROM search_index", NULL);
	int rc = db_exec_script(db, "DROP TRIGGER search_index_ai");
	b->active = !rc;
	/* the same threshold as the records' own indexes (import.c) */
	if (!rc && rows >= 10000 && (int64_t)rows >= b->after_id / 4)
		rc = db_indexes_suspend(db, r->a, "search_index", NULL, &b->idx);
	return rc;
}

static int bulk_added(struct req *r, void *state, const struct record *rec)
{
	struct bulk *b = state;
	struct db *db = req_db(r);
	int rc = db ? index_live(r, db, rec, 1) : DB_ERR;
	return rc ? rc : search_secret_index(r, db, rec, 1, &b->key);
}

static int bulk_end(struct req *r, void *state)
{
	struct bulk *b = state;
	struct db *db = req_db(r);
	if (!b->active)
		return 0;
	b->active = 0;
	if (!db)
		return DB_ERR;
	int rc = db_run(db, "INSERT INTO search_fts (rowid, body) SELECT id, body FROM search_index WHERE id > ?", "i",
			b->after_id);
	if (!rc)
		rc = db_run(db, "INSERT INTO search_grams (rowid, grams) SELECT id, grams FROM search_index_grams WHERE id > ?",
			    "i", b->after_id);
	if (!rc)
		rc = db_exec_script(db, b->trigger);
	if (!rc)
		rc = db_indexes_restore(db, &b->idx);
	return rc;
}

static int find_title(struct req *r, const struct record_type *t, const char *text, int64_t *ids, int max)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	struct db_stmt *q = db_query(db, r->a, "SELECT record_id FROM search_index WHERE type = ? AND title_norm = ? LIMIT ?",
				     "ssI", t->name, search_normalize(r->a, text), max);
	int n = 0;
	while (q && n < max && db_step(q) == DB_ROW)
		ids[n++] = db_column_int64(q, 0);
	db_reset(q);
	return q ? n : DB_ERR;
}

const struct record_observer search_observer = {
	.saved = search_index_record,
	.find_title = find_title,
	.batch_begin = bulk_begin,
	.batch_added = bulk_added,
	.batch_end = bulk_end,
};

/* Deletes the rows of records that are gone or archived, and of types no
 * longer declared. Only those: deleting every row would cost the trigram
 * index a delete per row, four times the work of the rebuild itself. */
static int drop_stale(struct req *r, struct db *db)
{
	struct buf in;
	buf_init(&in, r->a);
	int rc = 0;
	for (int k = 0; !rc && k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		rc = db_run(db,
			    arena_printf(r->a,
					 "DELETE FROM search_index WHERE type = ? AND record_id NOT IN "
					 "(SELECT id FROM %s WHERE archived = 0)",
					 t->table),
			    "s", t->name);
		buf_puts(&in, k ? ", ?" : "?");
	}
	struct db_stmt *s = rc ? NULL : db_prepare(db, r->a, arena_printf(r->a, "DELETE FROM search_index WHERE type NOT IN (%s)", in.p));
	for (int k = 0; s && k < record_ntypes; k++)
		db_bind_text(s, k + 1, record_types[k]->name);
	if (!rc) {
		rc = s ? db_step(s) : DB_ERR;
		rc = rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERR;
	}
	return rc;
}

int64_t search_rebuild(struct req *r)
{
	struct db *db = req_db(r);
	if (!db || db_begin(db))
		return -1;
	int rc = drop_stale(r, db);
	/* the numbers' hashes are few and cheap: made afresh */
	if (!rc)
		rc = db_run(db, "DELETE FROM search_secret", NULL);
	struct secret_key key = {0};
	int64_t n = 0;
	/* rows are read through a scratch arena, emptied every row, so that
	 * memory stays flat however many records there are and the statements
	 * a row prepares are released with it */
	struct arena *keep = r->a, scratch;
	arena_init(&scratch);
	for (int k = 0; !rc && k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		struct buf sql;
		buf_init(&sql, keep);
		buf_puts(&sql, "SELECT id, archived, version, created_at, updated_at");
		for (int i = 0; i < t->nfields; i++)
			buf_printf(&sql, ", %s", t->fields[i].name);
		buf_printf(&sql, " FROM %s WHERE archived = 0 ORDER BY id", t->table);
		struct db_stmt *q = db_prepare(db, r->a, sql.p);
		if (!q) {
			rc = DB_ERR;
			break;
		}
		r->a = &scratch;
		int st = DB_DONE;
		while (!rc && (st = db_step(q)) == DB_ROW) {
			struct record *rec = record_from_row(r, t, q);
			rc = index_live(r, db, rec, 0); /* a no-op when unchanged */
			if (!rc)
				rc = search_secret_index(r, db, rec, 1, &key);
			n++;
			arena_reset(&scratch);
		}
		if (!rc && st != DB_DONE)
			rc = st;
		r->a = keep;
	}
	arena_free(&scratch);
	/* SQLite: rebuild the trigram and grams indexes from search_index as
	 * well, so that this also repairs them, and leaves each in one merged
	 * segment (the grams table is contentless: emptied and filled again) */
	if (!rc && db_kind(db) == DB_SQLITE)
		rc = db_exec_script(db, "INSERT INTO search_fts(search_fts) VALUES ('rebuild');"
					"INSERT INTO search_grams(search_grams) VALUES ('delete-all');"
					"INSERT INTO search_grams (rowid, grams) SELECT id, grams FROM search_index_grams;");
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		log_error("search: rebuild failed: %s", db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	return n;
}

/* ---- queries ---- */

/* The index rows the user could read, as an SQL condition mirroring
 * authz_record per type: organization-wide, a unit subtree or their own.
 * It only narrows the candidates (so a scoped user's 200 are in scope);
 * authz_record still decides each one. NULL: no type at all. Arena. */
static const char *scope_sql(struct req *r, struct kvlist *binds)
{
	const struct user *u = r->user;
	if (!u)
		return NULL;
	struct buf b;
	buf_init(&b, r->a);
	int any = 0, all = 1;
	for (int k = 0; k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		int full = 0, own = 0, nroots = 0;
		int64_t roots[USER_MAX_GRANTS];
		for (int i = 0; i < u->ngrants; i++) {
			const struct grant *g = &u->grants[i];
			enum access acc = (enum access)t->access[g->role];
			if (acc == ACC_OWN)
				own |= t->owner_field != NULL;
			else if (acc >= ACC_READ && g->unit_id == 0)
				full = 1;
			else if (acc >= ACC_READ && t->unit_field)
				roots[nroots++] = g->unit_id;
		}
		all &= full;
		if (!full && !own && !nroots)
			continue;
		buf_puts(&b, any++ ? " OR " : "(");
		kv_add(r->a, binds, "s", t->name, strlen(t->name));
		if (full) {
			buf_puts(&b, "s.type = ?");
			continue;
		}
		buf_puts(&b, "(s.type = ? AND (");
		if (nroots) {
			buf_puts(&b, "s.unit_id IN (SELECT x.unit_id FROM unit_tree x WHERE x.ancestor_id IN (");
			for (int i = 0; i < nroots; i++) {
				const char *v = arena_printf(r->a, "%lld", (long long)roots[i]);
				kv_add(r->a, binds, "i", v, strlen(v));
				buf_puts(&b, i ? ", ?" : "?");
			}
			buf_puts(&b, "))");
		}
		if (own) {
			const char *v = arena_printf(r->a, "%lld", (long long)u->id);
			kv_add(r->a, binds, "i", v, strlen(v));
			buf_puts(&b, nroots ? " OR s.owner_id = ?" : "s.owner_id = ?");
		}
		buf_puts(&b, "))");
	}
	if (!any)
		return NULL;
	if (all) { /* organization-wide for every type: no condition */
		binds->n = 0;
		return "1 = 1";
	}
	buf_puts(&b, ")");
	return b.p;
}

/* The query as an FTS5 phrase: "..." with " doubled. */
static const char *fts_phrase(struct req *r, const char *q)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_putc(&b, '"');
	for (; *q; q++) {
		if (*q == '"')
			buf_putc(&b, '"');
		buf_putc(&b, *q);
	}
	buf_putc(&b, '"');
	return b.p;
}

/* q as the one token of the grams index (migration 010): its UTF-8 bytes
 * in hex, quoted as an FTS5 string. Arena. */
static const char *gram_token(struct req *r, const char *q)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_putc(&b, '"');
	for (const unsigned char *p = (const unsigned char *)q; *p; p++)
		buf_printf(&b, "%02X", *p);
	buf_putc(&b, '"');
	return b.p;
}

static const char *like_pattern(struct req *r, const char *q, int lead);

const char *search_like_pattern(struct req *r, const char *q)
{
	return like_pattern(r, q, 1);
}

/* 'q%' (or '%q%' with lead) for LIKE ... ESCAPE '\' with \, % and _
 * escaped. */
static const char *like_pattern(struct req *r, const char *q, int lead)
{
	struct buf b;
	buf_init(&b, r->a);
	if (lead)
		buf_putc(&b, '%');
	for (; *q; q++) {
		if (*q == '\\' || *q == '%' || *q == '_')
			buf_putc(&b, '\\');
		buf_putc(&b, *q);
	}
	buf_putc(&b, '%');
	return b.p;
}

/* authz_record answers, remembered per (type, unit, owner): a scoped
 * user's candidates share a handful of units, and each answer costs a
 * query. */
struct authz_memo {
	const struct record_type *t;
	int64_t unit, owner;
	int ok;
};

static int may_read(struct req *r, struct authz_memo *m, int *nm, const struct record_type *t, int64_t unit,
		    int64_t owner)
{
	for (int i = 0; i < *nm; i++)
		if (m[i].t == t && m[i].unit == unit && m[i].owner == owner)
			return m[i].ok;
	int ok = authz_record(r, t, ACC_READ, unit, owner);
	m[(*nm)++] = (struct authz_memo){t, unit, owner, ok};
	return ok;
}

/* Runs one candidate query (its first parameter the normalized query for
 * the title rank, then arg, arg2 when not NULL, then binds) and appends
 * the hits the user may read to out. 0 or a DB_E_* code. */
static int collect(struct req *r, struct db *db, const char *sql, const char *q, const char *arg, const char *arg2,
		   const struct kvlist *binds, struct search_hit *out, int *n, struct authz_memo *memo, int *nmemo)
{
	struct db_stmt *s = db_prepare(db, r->a, sql);
	if (!s)
		return DB_ERR;
	int idx = 1;
	db_bind_text(s, idx++, q);
	db_bind_text(s, idx++, arg);
	if (arg2)
		db_bind_text(s, idx++, arg2);
	for (size_t k = 0; k < binds->n; k++) {
		if (binds->v[k].name[0] == 'i')
			db_bind_int64(s, idx++, strtoll(binds->v[k].value, NULL, 10));
		else
			db_bind_text(s, idx++, binds->v[k].value);
	}
	int rc = DB_DONE;
	while (*n < SEARCH_MAX_HITS && (rc = db_step(s)) == DB_ROW) {
		const struct record_type *t = record_type_find(db_column_text(s, 0));
		if (!t) /* a register that no longer exists: rebuild to drop it */
			continue;
		int64_t unit = db_column_int64(s, 3), owner = db_column_int64(s, 4);
		if (*nmemo >= SEARCH_CANDIDATES) /* a second query: start again */
			*nmemo = 0;
		if (!may_read(r, memo, nmemo, t, unit, owner))
			continue;
		if (t->hidden_field && !record_readable(r, t, db_column_int64(s, 1)))
			continue; /* hidden from this user (an unannounced inspection) */
		out[(*n)++] = (struct search_hit){t, db_column_int64(s, 1), arena_strdup(r->a, db_column_text(s, 2)),
						  db_column_int64(s, 5) == 0};
	}
	db_reset(s);
	return *n < SEARCH_MAX_HITS && rc < 0 ? rc : 0;
}

const char *search_list_sql(struct req *r, const struct record_type *t, const char *alias, const char *query,
			    struct kvlist *binds)
{
	const char *q = search_normalize(r->a, query);
	if (!*q)
		return "";
	int pg = req_db(r) && db_kind(req_db(r)) == DB_PG;
	const char *sql, *arg = q;
	if (code_points(q) >= 3 && pg) {
		sql = " AND %s.id IN (SELECT s.record_id FROM search_index s WHERE s.type = ? AND s.body LIKE ? ESCAPE '\\')";
		arg = like_pattern(r, q, 1);
	} else if (code_points(q) >= 3) {
		/* the matches first (a join may be planned the other way round:
		 * every index row of the type, each looked up in FTS5) */
		sql = " AND %s.id IN (SELECT s.record_id FROM search_index s WHERE +s.type = ? "
		      "AND s.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?))";
		arg = fts_phrase(r, q);
	} else if (pg) {
		/* a trigram index cannot answer 1-2 code points: the grams index
		 * (migration 010) holds every 1- and 2-gram of body, so this is
		 * exactly the rows that contain q */
		sql = " AND %s.id IN (SELECT s.record_id FROM search_index s WHERE s.type = ? "
		      "AND search_grams(s.body) @> ARRAY[?::text])";
	} else {
		sql = " AND %s.id IN (SELECT s.record_id FROM search_index s WHERE +s.type = ? "
		      "AND s.id IN (SELECT rowid FROM search_grams WHERE search_grams MATCH ?))";
		arg = gram_token(r, q);
	}
	kv_add(r->a, binds, "s", t->name, strlen(t->name));
	kv_add(r->a, binds, "s", arg, strlen(arg));
	return arena_printf(r->a, sql, alias);
}

int search_run(struct req *r, const char *query, struct search_hit **hits, const char **normalized, int *partial)
{
	*partial = 0;
	*hits = NULL;
	*normalized = "";
	if (!query)
		return SEARCH_EMPTY;
	size_t len = strlen(query);
	if (!utf8_valid(query, len))
		return SEARCH_INVALID;
	for (const unsigned char *p = (const unsigned char *)query; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7F)
			return SEARCH_INVALID;
	if (code_points(query) > SEARCH_MAX_QUERY)
		return SEARCH_TOO_LONG;
	const char *q = search_normalize(r->a, query);
	*normalized = q;
	if (!*q)
		return SEARCH_EMPTY;
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;

	struct kvlist binds = {0};
	const char *scope = scope_sql(r, &binds);
	if (!scope)
		return 0; /* the user may read no searchable type */
	int pg = db_kind(db) == DB_PG;
	struct search_hit *out = arena_alloc(r->a, SEARCH_MAX_HITS * sizeof *out);
	struct authz_memo *memo = arena_alloc(r->a, SEARCH_CANDIDATES * sizeof *memo);
	int n = 0, nmemo = 0, rc = 0;
	const char *cols = arena_printf(r->a, "SELECT s.type, s.record_id, s.title, s.unit_id, s.owner_id, "
					      "CASE WHEN %s(s.title_norm, ?) > 0 THEN 0 ELSE 1 END AS title_first",
					pg ? "strpos" : "instr");
	const char *order = arena_printf(r->a, " ORDER BY title_first, s.type, s.record_id LIMIT %d", SEARCH_CANDIDATES);
	/* a whole ID or phone number: the records holding it, first */
	struct kvlist secret = {0};
	const char *hash = search_secret_query(r, query, &secret);
	if (hash) {
		struct buf in;
		buf_init(&in, r->a);
		for (size_t k = 0; k < secret.n; k++)
			buf_puts(&in, k ? ", ?" : "?");
		for (size_t k = 0; k < binds.n; k++)
			kv_add(r->a, &secret, binds.v[k].name, binds.v[k].value, strlen(binds.v[k].value));
		rc = collect(r, db,
			     arena_printf(r->a,
					  "%s FROM search_secret x JOIN search_index s ON s.type = x.type AND s.record_id = "
					  "x.record_id WHERE x.digest = ? AND x.type IN (%s) AND %s%s",
					  cols, in.p, scope, order),
			     q, hash, NULL, &secret, out, &n, memo, &nmemo);
		if (rc < 0)
			return rc;
	}
	if (code_points(q) >= 3) {
		const char *sql = pg ? arena_printf(r->a, "%s FROM search_index s WHERE s.body LIKE ? ESCAPE '\\' AND %s%s", cols,
						    scope, order)
				     : arena_printf(r->a,
						    "%s FROM search_fts JOIN search_index s ON s.id = search_fts.rowid "
						    "WHERE search_fts MATCH ? AND %s%s",
						    cols, scope, order);
		rc = collect(r, db, sql, q, pg ? like_pattern(r, q, 1) : fts_phrase(r, q), NULL, &binds, out, &n, memo, &nmemo);
	} else {
		/* under 3 code points a trigram index finds nothing. Titles that
		 * begin with the query come from the title index (a surname, a
		 * whole two-character name); other matches from a scan of the
		 * newest SEARCH_SHORT_WINDOW index rows, so that the cost does not
		 * grow with the registers (*partial tells the user) */
		const char *hi = arena_printf(r->a, "%s\xf4\x8f\xbf\xbf", q);
		const char *prefix = pg ? "s.title_norm LIKE ? ESCAPE '\\'" : "s.title_norm >= ? AND s.title_norm < ?";
		const char *pfx_arg = pg ? like_pattern(r, q, 0) : q;
		rc = collect(r, db,
			     arena_printf(r->a, "%s FROM search_index s WHERE %s AND %s ORDER BY s.title_norm, s.id LIMIT %d", cols,
					  prefix, scope, SEARCH_CANDIDATES),
			     q, pfx_arg, pg ? NULL : hi, &binds, out, &n, memo, &nmemo);
		if (!rc && n < SEARCH_MAX_HITS) {
			int64_t top = db_one_int64(db, 0, "SELECT COALESCE(max(id), 0) FROM search_index", NULL);
			int64_t bottom = db_one_int64(db, 0, "SELECT COALESCE(min(id), 0) FROM search_index", NULL);
			int64_t from = top - SEARCH_SHORT_WINDOW;
			*partial = bottom <= from;
			struct kvlist b2 = {0};
			const char *v = arena_printf(r->a, "%lld", (long long)from);
			kv_add(r->a, &b2, "i", v, strlen(v));
			kv_add(r->a, &b2, "s", pfx_arg, strlen(pfx_arg));
			if (!pg)
				kv_add(r->a, &b2, "s", hi, strlen(hi));
			for (size_t k = 0; k < binds.n; k++)
				kv_add(r->a, &b2, binds.v[k].name, binds.v[k].value, strlen(binds.v[k].value));
			rc = collect(r, db,
				     arena_printf(r->a, "%s FROM search_index s WHERE %s(s.body, ?) > 0 AND s.id > ? AND NOT (%s) AND %s%s",
						  cols, pg ? "strpos" : "instr", prefix, scope, order),
				     q, q, NULL, &b2, out, &n, memo, &nmemo);
		}
	}
	if (rc < 0)
		return rc;
	*hits = out;
	return n;
}
