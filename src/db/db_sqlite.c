/* db_sqlite.c — SQLite backend: WAL, foreign keys, busy timeout.
 * One connection per pool slot; a connection is used by one thread at a time. */
#include "db_impl.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int map_error(struct db *db, int rc)
{
	sqlite3 *h = db->h;
	db_set_error(db, rc, sqlite3_errmsg(h));
	switch (sqlite3_extended_errcode(h)) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY: return DB_E_UNIQUE;
	case SQLITE_CONSTRAINT_FOREIGNKEY: return DB_E_FK;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
	case SQLITE_CONSTRAINT_TRIGGER: return DB_E_CHECK;
	}
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return DB_E_BUSY;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return DB_E_CHECK;
	return DB_ERR;
}

static int sq_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int code = map_error(db, rc);
		if (msg)
			db_set_error(db, rc, msg);
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

/* Process-wide memory settings, made once before SQLite starts. Measured
 * with a list of a million people under 64 connections, cache off: SQLite's
 * memory statistics take a global mutex on every allocation, and glibc gives
 * freed memory back to the kernel (madvise, munmap of a request's arena
 * blocks) only to ask for it again a moment later; together ~15 % of the
 * rate. The heap then keeps what a busy moment needed, up to 64 MiB per
 * arena before trimming. */
static pthread_once_t memory_once = PTHREAD_ONCE_INIT;

static void memory_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* SQLITE_MISUSE if SQLite already started: harmless */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

static int sq_open(struct db *db, const char *url, char *err, size_t errlen)
{
	pthread_once(&memory_once, memory_configure);
	const char *path = url + 7;
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open SQLite database %s: %s", path,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return -1;
	}
	db->h = h;
	sqlite3_busy_timeout(h, 5000);
	sqlite3_extended_result_codes(h, 1);
	/* mmap: every connection reads the same pages of the OS cache instead of
	 * pread()ing them into a private 2 MB cache (the profile of a list page
	 * at 300k people was mostly pread) */
	if (sq_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
			"PRAGMA mmap_size=1073741824;")) {
		snprintf(err, errlen, "cannot use SQLite database %s: %s", path, db->err);
		sqlite3_close(h);
		db->h = NULL;
		return -1;
	}
	return 0;
}

static void sq_close(struct db *db)
{
	sqlite3_close(db->h);
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		map_error(db, rc);
		return NULL;
	}
	struct db_stmt *s = calloc(1, sizeof *s);
	s->h = st;
	return s;
}

static void sq_finalize(struct db_stmt *s)
{
	sqlite3_finalize(s->h);
}

static int bind_rc(struct db_stmt *s, int rc)
{
	return rc == SQLITE_OK ? 0 : map_error(s->db, rc);
}

static int sq_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
	return bind_rc(s, sqlite3_bind_int64(s->h, idx, v));
}

static int sq_bind_double(struct db_stmt *s, int idx, double v)
{
	return bind_rc(s, sqlite3_bind_double(s->h, idx, v));
}

static int sq_bind_text(struct db_stmt *s, int idx, const char *v)
{
	return bind_rc(s, sqlite3_bind_text(s->h, idx, v, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct db_stmt *s, int idx)
{
	return bind_rc(s, sqlite3_bind_null(s->h, idx));
}

static int sq_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n)
{
	return bind_rc(s, sqlite3_bind_blob64(s->h, idx, n ? p : "", n, SQLITE_TRANSIENT));
}

static int sq_step(struct db_stmt *s)
{
	int rc = sqlite3_step(s->h);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return map_error(s->db, rc);
}

static void sq_reset(struct db_stmt *s)
{
	sqlite3_reset(s->h);
	sqlite3_clear_bindings(s->h);
}

static int sq_column_count(struct db_stmt *s)
{
	return sqlite3_column_count(s->h);
}

static int sq_column_isnull(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->h, col) == SQLITE_NULL;
}

static const char *sq_column_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->h, col);
}

static const void *sq_column_blob(struct db_stmt *s, int col, size_t *n)
{
	if (sqlite3_column_type(s->h, col) == SQLITE_NULL)
		return NULL;
	const void *p = sqlite3_column_blob(s->h, col);
	*n = (size_t)sqlite3_column_bytes(s->h, col);
	return p ? p : "";
}

static int64_t sq_column_int64(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->h, col);
}

static double sq_column_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(s->h, col);
}

static int64_t sq_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

static int64_t sq_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

const struct db_ops db_sqlite_ops = {
	.open = sq_open,
	.close = sq_close,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.reset = sq_reset,
	.column_count = sq_column_count,
	.column_isnull = sq_column_isnull,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
	.changes = sq_changes,
	.last_id = sq_last_id,
	.exec = sq_exec,
};

int db_sqlite_backup(const char *url, const char *dest, char *err, size_t errlen)
{
	if (strncmp(url, "sqlite:", 7) != 0) {
		snprintf(err, errlen, "not an SQLite database");
		return -1;
	}
	sqlite3 *src = NULL, *dst = NULL;
	int rc = sqlite3_open_v2(url + 7, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(dst ? dst : src));
		sqlite3_close(src);
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(dst));
		sqlite3_close(src);
		sqlite3_close(dst);
		return -1;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", sqlite3_errstr(rc));
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc == SQLITE_DONE ? 0 : -1;
}
