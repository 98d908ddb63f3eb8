/* db.c — backend-independent part of db.h: statement cache, statements
 * released with an arena, bind helpers, nested transactions and the
 * connection pool. */
#include "db_impl.h"
#include "../core/arena.h"
#include "../core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct db *db_open(const char *url, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strncmp(url, "sqlite:", 7) == 0) {
		db->ops = &db_sqlite_ops;
		db->kind = DB_SQLITE;
	} else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		db->ops = &db_pg_ops;
		db->kind = DB_PG;
	} else {
		snprintf(err, errlen, "database URL must start with sqlite: or postgresql://");
		free(db);
		return NULL;
	}
	if (db->ops->open(db, url, err, errlen)) {
		free(db);
		return NULL;
	}
	return db;
}

static void stmt_release(struct db_stmt *s);

void db_close(struct db *db)
{
	if (!db)
		return;
	/* the arenas of these may be freed later: disarm their finalizers */
	while (db->out)
		stmt_release(db->out);
	if (db->depth)
		db_end_request(db);
	for (int i = 0; i < DB_CACHE_SIZE; i++) {
		struct db_stmt *s = db->cache[i];
		if (s) {
			db->ops->finalize(s);
			free(s->sql);
			free(s);
		}
	}
	db->ops->close(db);
	free(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

const char *db_errmsg(struct db *db)
{
	return db->err;
}

void db_set_error(struct db *db, int code, const char *msg)
{
	(void)code;
	snprintf(db->err, sizeof db->err, "%s", msg ? msg : "unknown error");
}

static uint32_t hash_sql(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A statement from the cache, busy, not handed out to any arena: the
 * helpers below give it back with stmt_put before they return. */
static struct db_stmt *stmt_get(struct db *db, const char *sql)
{
	uint32_t h = hash_sql(sql);
	int slot = -1;
	for (int i = 0; i < DB_CACHE_SIZE; i++) {
		int k = (int)((h + (uint32_t)i) % DB_CACHE_SIZE);
		struct db_stmt *s = db->cache[k];
		if (!s) {
			slot = k;
			break;
		}
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			if (s->busy)
				break; /* nested use of the same text: a fresh one */
			s->busy = 1;
			return s;
		}
		if (i >= 8)
			break; /* short probes only; past that, not cached */
	}
	uint64_t t0 = now_us();
	struct db_stmt *s = db->ops->prepare(db, sql);
	db->time_us += now_us() - t0;
	if (!s) {
		log_error("db: prepare failed: %s: %s", db->err, sql);
		return NULL;
	}
	s->db = db;
	s->sql = strdup(sql);
	s->hash = h;
	s->busy = 1;
	if (slot >= 0 && s->sql) {
		s->cached = 1;
		db->cache[slot] = s;
	}
	return s;
}

/* A statement that failed to prepare is NULL: binding to it and stepping
 * it fail with DB_ERR (the failure was logged where it happened), so that
 * callers bind and loop without a check at every call. */
int db_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
	return s ? s->db->ops->bind_int64(s, idx, v) : DB_ERR;
}

int db_bind_double(struct db_stmt *s, int idx, double v)
{
	return s ? s->db->ops->bind_double(s, idx, v) : DB_ERR;
}

int db_bind_text(struct db_stmt *s, int idx, const char *v)
{
	if (!s)
		return DB_ERR;
	return v ? s->db->ops->bind_text(s, idx, v) : s->db->ops->bind_null(s, idx);
}

int db_bind_null(struct db_stmt *s, int idx)
{
	return s ? s->db->ops->bind_null(s, idx) : DB_ERR;
}

int db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n)
{
	return s ? s->db->ops->bind_blob(s, idx, p, n) : DB_ERR;
}

int db_step(struct db_stmt *s)
{
	if (!s)
		return DB_ERR;
	uint64_t t0 = now_us();
	int rc = s->db->ops->step(s);
	s->db->time_us += now_us() - t0;
	if (rc < 0)
		log_warn("db: %s: %s", s->db->err, s->sql);
	return rc;
}

int db_column_count(struct db_stmt *s)
{
	return s->db->ops->column_count(s);
}

int db_column_isnull(struct db_stmt *s, int col)
{
	return s->db->ops->column_isnull(s, col);
}

int64_t db_column_int64(struct db_stmt *s, int col)
{
	return s->db->ops->column_int64(s, col);
}

double db_column_double(struct db_stmt *s, int col)
{
	return s->db->ops->column_double(s, col);
}

const char *db_column_text(struct db_stmt *s, int col)
{
	const char *t = s->db->ops->column_text(s, col);
	return t ? t : "";
}

const void *db_column_blob(struct db_stmt *s, int col, size_t *n)
{
	*n = 0;
	return s->db->ops->column_blob(s, col, n);
}

static void stmt_put(struct db_stmt *s)
{
	s->db->ops->reset(s);
	s->busy = 0;
	if (!s->cached) {
		s->db->ops->finalize(s);
		free(s->sql);
		free(s);
	}
}

/* Gives back a statement handed out to an arena, before or when the arena's
 * finalizer runs: off the connection's list, the lease disarmed. */
static void stmt_release(struct db_stmt *s)
{
	struct db *db = s->db;
	s->lease->s = NULL;
	s->lease = NULL;
	if (s->prev)
		s->prev->next = s->next;
	else
		db->out = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	db->nout--;
	stmt_put(s);
}

static void lease_end(void *ctx)
{
	struct db_lease *l = ctx;
	if (l->s)
		stmt_release(l->s);
}

struct db_stmt *db_prepare(struct db *db, struct arena *a, const char *sql)
{
	if (db->nout >= DB_MAX_OUT) {
		log_error("db: %d statements not yet released (prepared in a loop under one arena?): %s", db->nout,
			  sql);
		return NULL;
	}
	struct db_stmt *s = stmt_get(db, sql);
	if (!s)
		return NULL;
	struct db_lease *l = arena_alloc(a, sizeof *l);
	l->s = s;
	s->lease = l;
	s->next = db->out;
	if (db->out)
		db->out->prev = s;
	db->out = s;
	db->nout++;
	arena_defer(a, lease_end, l);
	return s;
}

void db_reset(struct db_stmt *s)
{
	if (s)
		s->db->ops->reset(s);
}

int db_stmt_count(const struct db *db)
{
	int n = db->nout;
	for (int i = 0; i < DB_CACHE_SIZE; i++)
		n += db->cache[i] && !db->cache[i]->lease;
	return n;
}

static int bindv(struct db_stmt *s, const char *types, va_list ap)
{
	int idx = 1, rc = 0;
	for (const char *t = types ? types : ""; *t && !rc; t++, idx++) {
		switch (*t) {
		case 'i': rc = db_bind_int64(s, idx, va_arg(ap, int64_t)); break;
		case 'I': rc = db_bind_int64(s, idx, va_arg(ap, int)); break;
		case 'd': rc = db_bind_double(s, idx, va_arg(ap, double)); break;
		case 's': rc = db_bind_text(s, idx, va_arg(ap, const char *)); break;
		default:
			log_error("db: bad bind type '%c' for: %s", *t, s->sql);
			rc = DB_ERR;
		}
	}
	return rc;
}

static struct db_stmt *vquery(struct db *db, const char *sql, const char *types, va_list ap)
{
	struct db_stmt *s = stmt_get(db, sql);
	if (s && bindv(s, types, ap)) {
		stmt_put(s);
		return NULL;
	}
	return s;
}

struct db_stmt *db_query(struct db *db, struct arena *a, const char *sql, const char *types, ...)
{
	struct db_stmt *s = db_prepare(db, a, sql);
	if (!s)
		return NULL;
	va_list ap;
	va_start(ap, types);
	int rc = bindv(s, types, ap);
	va_end(ap);
	if (rc) {
		stmt_release(s);
		return NULL;
	}
	return s;
}

int db_run(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *s = vquery(db, sql, types, ap);
	va_end(ap);
	if (!s)
		return DB_ERR;
	int rc = db_step(s);
	while (rc == DB_ROW)
		rc = db_step(s);
	db->last_changes = rc == DB_DONE ? db->ops->changes(db) : 0;
	stmt_put(s);
	return rc;
}

int64_t db_changes(struct db *db)
{
	return db->last_changes;
}

int db_has_last_id(const struct db *db)
{
	return db->ops->last_id != NULL;
}

int64_t db_last_id(struct db *db)
{
	return db->ops->last_id ? db->ops->last_id(db) : -1;
}

int64_t db_insert(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *s = vquery(db, sql, types, ap);
	va_end(ap);
	if (!s)
		return DB_ERR;
	int rc = db_step(s);
	int64_t id = rc == DB_ROW ? db_column_int64(s, 0) : (rc < 0 ? rc : DB_ERR);
	while (rc == DB_ROW)
		rc = db_step(s);
	stmt_put(s);
	return rc < 0 ? rc : id;
}

int64_t db_one_int64(struct db *db, int64_t dflt, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *s = vquery(db, sql, types, ap);
	va_end(ap);
	if (!s)
		return dflt;
	int64_t v = dflt;
	if (db_step(s) == DB_ROW && !db_column_isnull(s, 0))
		v = db_column_int64(s, 0);
	stmt_put(s);
	return v;
}

char *db_one_text(struct db *db, struct arena *a, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *s = vquery(db, sql, types, ap);
	va_end(ap);
	if (!s)
		return NULL;
	char *v = NULL;
	if (db_step(s) == DB_ROW && !db_column_isnull(s, 0))
		v = arena_strdup(a, db_column_text(s, 0));
	stmt_put(s);
	return v;
}

int db_exec_script(struct db *db, const char *sql)
{
	uint64_t t0 = now_us();
	int rc = db->ops->exec(db, sql);
	db->time_us += now_us() - t0;
	return rc;
}

int db_begin_at(struct db *db, const char *file, int line)
{
	if (db->depth >= DB_MAX_DEPTH) {
		db_set_error(db, DB_ERR, "transactions nested too deep");
		return DB_ERR;
	}
	char sql[32];
	if (db->depth == 0)
		snprintf(sql, sizeof sql, "BEGIN");
	else
		snprintf(sql, sizeof sql, "SAVEPOINT sp%d", db->depth);
	int rc = db->ops->exec(db, sql);
	if (rc)
		return rc;
	db->begin_file[db->depth] = file;
	db->begin_line[db->depth] = line;
	db->depth++;
	return 0;
}

int db_commit(struct db *db)
{
	if (db->depth == 0) {
		db_set_error(db, DB_ERR, "commit without begin");
		return DB_ERR;
	}
	char sql[32];
	db->depth--;
	if (db->depth == 0)
		snprintf(sql, sizeof sql, "COMMIT");
	else
		snprintf(sql, sizeof sql, "RELEASE SAVEPOINT sp%d", db->depth);
	int rc = db->ops->exec(db, sql);
	if (rc && db->depth == 0)
		db->ops->exec(db, "ROLLBACK");
	return rc;
}

int db_rollback(struct db *db)
{
	if (db->depth == 0)
		return 0;
	char sql[96];
	db->depth--;
	if (db->depth == 0)
		snprintf(sql, sizeof sql, "ROLLBACK");
	else
		snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT sp%d; RELEASE SAVEPOINT sp%d", db->depth,
			 db->depth);
	return db->ops->exec(db, sql);
}

int db_depth(const struct db *db)
{
	return db->depth;
}

void db_end_request(struct db *db)
{
	if (db->out)
		log_warn("db: %d statements outlived their request (prepared under another arena?); released, first: %s",
			 db->nout, db->out->sql);
	while (db->out)
		stmt_release(db->out);
	if (db->depth > 0) {
		log_warn("db: transaction begun at %s:%d left open; rolled back", db->begin_file[0],
			 db->begin_line[0]);
		db->depth = 1;
		db_rollback(db);
	}
}

void db_release_statements(struct db *db)
{
	while (db->out)
		stmt_release(db->out);
}

uint64_t db_time_us(const struct db *db)
{
	return db->time_us;
}

/* ---- pool ---- */

struct db_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *url;
	int size, nopen, nfree;
	struct db **free;
	uint64_t closed_time_us; /* time of connections already closed */
	struct db **all;
};

struct db_pool *db_pool_open(const char *url, int size, char *err, size_t errlen)
{
	/* open one connection now so that a bad URL fails at start-up */
	struct db *first = db_open(url, err, errlen);
	if (!first)
		return NULL;
	struct db_pool *p = calloc(1, sizeof *p);
	p->url = strdup(url);
	p->size = size;
	p->free = calloc((size_t)size, sizeof *p->free);
	p->all = calloc((size_t)size, sizeof *p->all);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->free[p->nfree++] = first;
	p->all[p->nopen++] = first;
	return p;
}

struct db *db_pool_get(struct db_pool *p)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->nfree > 0) {
			struct db *db = p->free[--p->nfree];
			pthread_mutex_unlock(&p->mu);
			return db;
		}
		if (p->nopen < p->size) {
			p->nopen++;
			pthread_mutex_unlock(&p->mu);
			char err[256];
			struct db *db = db_open(p->url, err, sizeof err);
			pthread_mutex_lock(&p->mu);
			if (!db) {
				p->nopen--;
				pthread_mutex_unlock(&p->mu);
				log_error("db: cannot open a connection: %s", err);
				return NULL;
			}
			for (int i = 0; i < p->size; i++)
				if (!p->all[i]) {
					p->all[i] = db;
					break;
				}
			pthread_mutex_unlock(&p->mu);
			return db;
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
}

void db_pool_put(struct db_pool *p, struct db *db)
{
	db_end_request(db);
	pthread_mutex_lock(&p->mu);
	if (db->broken) {
		for (int i = 0; i < p->size; i++)
			if (p->all[i] == db)
				p->all[i] = NULL;
		p->closed_time_us += db->time_us;
		p->nopen--;
		db_close(db);
	} else {
		p->free[p->nfree++] = db;
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

uint64_t db_pool_time_us(struct db_pool *p)
{
	pthread_mutex_lock(&p->mu);
	uint64_t t = p->closed_time_us;
	for (int i = 0; i < p->size; i++)
		if (p->all[i])
			t += p->all[i]->time_us; /* racy read of a counter: fine for metrics */
	pthread_mutex_unlock(&p->mu);
	return t;
}

void db_pool_close(struct db_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nfree; i++)
		db_close(p->free[i]);
	free(p->free);
	free(p->all);
	free(p->url);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

int db_indexes_suspend(struct db *db, struct arena *a, const char *table, const char *trigger,
		       struct db_suspended *sp)
{
	enum { MAX = 64 };
	memset(sp, 0, sizeof *sp);
	if (db->kind != DB_SQLITE)
		return 0;
	struct db_stmt *s = db_query(db, a,
				     "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
				     "(type = 'index' AND tbl_name = ? AND upper(substr(sql, 1, 13)) <> 'CREATE UNIQUE') "
				     "OR (type = 'trigger' AND name = ?))",
				     "ss", table, trigger ? trigger : "");
	const char *drops[MAX];
	sp->sql = arena_alloc(a, MAX * sizeof *sp->sql);
	while (s && db_step(s) == DB_ROW && sp->n < MAX) {
		int is_trigger = !strcmp(db_column_text(s, 0), "trigger");
		sp->trigger |= is_trigger;
		drops[sp->n] = arena_printf(a, "DROP %s \"%s\"", is_trigger ? "TRIGGER" : "INDEX", db_column_text(s, 1));
		sp->sql[sp->n++] = arena_strdup(a, db_column_text(s, 2));
	}
	db_reset(s); /* the DROPs below need the table unlocked */
	int rc = 0;
	for (int i = 0; !rc && i < sp->n; i++)
		rc = db_exec_script(db, drops[i]);
	return rc;
}

int db_indexes_restore(struct db *db, const struct db_suspended *sp)
{
	int rc = 0;
	for (int i = 0; !rc && i < sp->n; i++)
		rc = db_exec_script(db, sp->sql[i]);
	return rc;
}
