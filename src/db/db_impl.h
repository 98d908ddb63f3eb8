/* db_impl.h — what db.c shares with the two backends. Not for modules. */
#ifndef WM_DB_IMPL_H
#define WM_DB_IMPL_H

#include "db.h"

#include <stdint.h>

struct db_ops {
	int (*open)(struct db *db, const char *url, char *err, size_t errlen);
	void (*close)(struct db *db);
	/* NULL on error, with db->err set */
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*finalize)(struct db_stmt *s);
	int (*bind_int64)(struct db_stmt *s, int idx, int64_t v);
	int (*bind_double)(struct db_stmt *s, int idx, double v);
	int (*bind_text)(struct db_stmt *s, int idx, const char *v);
	int (*bind_null)(struct db_stmt *s, int idx);
	int (*bind_blob)(struct db_stmt *s, int idx, const void *p, size_t n);
	int (*step)(struct db_stmt *s);
	void (*reset)(struct db_stmt *s);
	int (*column_count)(struct db_stmt *s);
	int (*column_isnull)(struct db_stmt *s, int col);
	const char *(*column_text)(struct db_stmt *s, int col);
	const void *(*column_blob)(struct db_stmt *s, int col, size_t *n);
	int64_t (*column_int64)(struct db_stmt *s, int col);
	double (*column_double)(struct db_stmt *s, int col);
	int64_t (*changes)(struct db *db);
	int64_t (*last_id)(struct db *db); /* NULL: use RETURNING */
	int (*exec)(struct db *db, const char *sql);
};

#define DB_CACHE_SIZE 128
#define DB_MAX_DEPTH 16

/* The arena's side of a statement handed out by db_prepare: it lives in
 * that arena, so it is valid exactly while the finalizer that releases the
 * statement is pending. s is NULL once the statement was released early (by
 * db_end_request or db_close): the finalizer then does nothing. */
struct db_lease {
	struct db_stmt *s;
};

/* Statements handed out and not yet released, at most, per connection. */
#define DB_MAX_OUT 1000

struct db_stmt {
	struct db *db;
	char *sql;      /* heap copy, the cache key */
	uint32_t hash;
	int cached, busy;
	void *h;        /* backend handle */
	struct db_lease *lease;        /* NULL when not handed out to an arena */
	struct db_stmt *prev, *next;   /* the connection's list of those handed out */
};

struct db {
	const struct db_ops *ops;
	enum db_kind kind;
	void *h;            /* backend connection */
	char err[512];
	struct db_stmt *cache[DB_CACHE_SIZE];
	struct db_stmt *out; /* handed out to an arena, not yet released */
	int nout;
	int depth;
	const char *begin_file[DB_MAX_DEPTH];
	int begin_line[DB_MAX_DEPTH];
	int broken;         /* connection lost: the pool reopens it */
	uint64_t time_us;
	int64_t last_changes;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* Maps a backend error to a DB_E_* code and records the message. */
void db_set_error(struct db *db, int code, const char *msg);

#endif
