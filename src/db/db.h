/* db.h — the one database interface module code sees.
 *
 * Two backends sit behind it: SQLite (db_sqlite.c) and PostgreSQL (db_pg.c).
 * SQL uses `?` placeholders; the PostgreSQL backend rewrites them to $n.
 * Values are always bound, never formatted into SQL text. Statements are
 * prepared once per connection, cached by their text, and released with an
 * arena (see db_prepare).
 *
 * Bind type strings for the one-line helpers: one letter per `?`:
 *   i  int64_t     I  int      d  double
 *   s  const char * (NULL binds SQL NULL)
 *
 * Module code must not include sqlite3.h or libpq-fe.h. */
#ifndef WM_DB_H
#define WM_DB_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct db_stmt;
struct db_pool;

enum db_kind { DB_SQLITE, DB_PG };

enum {
	DB_ROW = 1,
	DB_DONE = 0,
	DB_ERR = -1,       /* any other failure; the message is logged */
	DB_E_UNIQUE = -2,  /* unique or primary key violation */
	DB_E_FK = -3,      /* foreign key violation */
	DB_E_CHECK = -4,   /* check / not-null constraint, or a trigger that refused */
	DB_E_BUSY = -5,    /* lock or serialization timeout */
};

/* Opens one connection. url is "sqlite:PATH" or "postgresql://...".
 * Returns NULL and a message in err on failure. Caller closes. */
struct db *db_open(const char *url, char *err, size_t errlen);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* The last error message of this connection (static to the connection). */
const char *db_errmsg(struct db *db);

/* Statements are released with an arena: db_prepare and db_query hand out
 * a statement from the connection's cache (or a new one when the cached one
 * is in use) and register a finalizer on the arena a that gives it back when
 * a is reset or freed. There is no db_done. The rules:
 *
 * 1. a is owned by the thread that holds db, and is reset or freed while
 *    that thread still holds db: the server resets the request's arena
 *    before it puts the connection back in the pool, so no finalizer ever
 *    touches a connection another thread holds.
 * 2. In a loop, a statement is either prepared under an arena reset every
 *    row, or prepared once before the loop and rebound after db_reset each
 *    row. A connection hands out at most DB_MAX_OUT (1,000) statements not
 *    yet released; past that db_prepare logs and returns NULL, so a loop
 *    that piles them up fails at once instead of growing without bound.
 * 3. db_end_request and db_close release every statement still handed out
 *    and disarm their arenas' finalizers, so an arena may be freed after
 *    db_close (and a statement left on a foreign arena is not kept past the
 *    request: db_end_request warns about it).
 *
 * Returns NULL on a syntax error (logged); binds and steps on NULL fail. */
struct db_stmt *db_prepare(struct db *db, struct arena *a, const char *sql);
/* Resets s to run again (bindings cleared); it stays handed out. */
void db_reset(struct db_stmt *s);
/* Statements this connection holds now, cached or handed out. */
int db_stmt_count(const struct db *db);
int db_bind_int64(struct db_stmt *s, int idx, int64_t v);
int db_bind_double(struct db_stmt *s, int idx, double v);
int db_bind_text(struct db_stmt *s, int idx, const char *v); /* NULL binds NULL */
int db_bind_null(struct db_stmt *s, int idx);
/* Binds n bytes (BLOB in SQLite, BYTEA in PostgreSQL), copied. */
int db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n);
/* DB_ROW, DB_DONE or a negative DB_E_* code. */
int db_step(struct db_stmt *s);
int db_column_count(struct db_stmt *s);
int db_column_isnull(struct db_stmt *s, int col);
int64_t db_column_int64(struct db_stmt *s, int col);
double db_column_double(struct db_stmt *s, int col);
/* Valid until the next db_step or db_reset, or the arena's reset; "" for NULL. */
const char *db_column_text(struct db_stmt *s, int col);
/* The bytes of a BLOB / BYTEA column and their number in *n (NULL and 0
 * for SQL NULL). Valid until the next db_column_blob, db_step or db_reset
 * of the statement, or the arena's reset. */
const void *db_column_blob(struct db_stmt *s, int col, size_t *n);

/* Prepares under a and binds per types; NULL on error. Iterate with db_step;
 * the statement is released with a. */
struct db_stmt *db_query(struct db *db, struct arena *a, const char *sql, const char *types, ...);
/* Runs one statement; returns 0 or a negative DB_E_* code. */
int db_run(struct db *db, const char *sql, const char *types, ...);
/* Rows changed by the last db_run on this connection. */
int64_t db_changes(struct db *db);
/* SQLite: the id of the last row inserted on this connection, which is
 * cheaper than RETURNING (measured: ~3 µs a row less); db_has_last_id says
 * whether the backend has it (PostgreSQL does not: -1; use RETURNING). */
int db_has_last_id(const struct db *db);
int64_t db_last_id(struct db *db);
/* Runs an INSERT ... RETURNING id; returns the id, or a negative DB_E_*. */
int64_t db_insert(struct db *db, const char *sql, const char *types, ...);
/* First column of the first row, or dflt when there is no row or on error. */
int64_t db_one_int64(struct db *db, int64_t dflt, const char *sql, const char *types, ...);
/* First column of the first row copied into the arena, or NULL. */
char *db_one_text(struct db *db, struct arena *a, const char *sql, const char *types, ...);
/* Runs several ;-separated statements without parameters (migrations). */
int db_exec_script(struct db *db, const char *sql);

/* Nested-safe transactions: the outermost is BEGIN/COMMIT, inner ones are
 * savepoints. They record where they were opened, so db_end_request can say
 * which one was left open. Each returns 0 or a negative DB_E_* code. */
#define db_begin(db) db_begin_at((db), __FILE__, __LINE__)
int db_begin_at(struct db *db, const char *file, int line);
int db_commit(struct db *db);
int db_rollback(struct db *db);
int db_depth(const struct db *db);
/* Rolls back anything left open (with a warning naming where it began). */
void db_end_request(struct db *db);
/* Releases every statement handed out on db and disarms their arenas'
 * finalizers, quietly, leaving any transaction open: for a connection that
 * runs work prepared under arenas of other threads (db/writer.h). */
void db_release_statements(struct db *db);

/* Cumulative time spent in the database by this connection, microseconds. */
uint64_t db_time_us(const struct db *db);

/* A pool of connections, opened lazily, shared by the worker threads. */
struct db_pool *db_pool_open(const char *url, int size, char *err, size_t errlen);
/* Blocks until a connection is free; NULL if one cannot be opened. */
struct db *db_pool_get(struct db_pool *p);
void db_pool_put(struct db_pool *p, struct db *db);
void db_pool_close(struct db_pool *p);
uint64_t db_pool_time_us(struct db_pool *p);

/* Copies a live SQLite database to dest with the online backup API
 * (readers and writers may go on meanwhile). 0, or -1 with a message. */
int db_sqlite_backup(const char *url, const char *dest, char *err, size_t errlen);

/* A bulk load into table (SQLite only): its non-unique indexes, and the
 * trigger named trigger when given, are dropped now and put back by
 * db_indexes_restore before the commit, in the caller's transaction, so a
 * rollback puts them back too and readers never see the table without
 * them. Building an index once, sorted, is far cheaper than inserting into
 * it row by row. The SQL to restore them lives in the arena. */
struct db_suspended {
	const char **sql;
	int n;
	int trigger; /* the trigger was among them */
};
int db_indexes_suspend(struct db *db, struct arena *a, const char *table, const char *trigger,
		       struct db_suspended *sp);
int db_indexes_restore(struct db *db, const struct db_suspended *sp);

/* Schema migrations embedded in the binary (migrate.c): the files
 * DIR/NNN_name.sql of one module, recorded as (module, NNN) in the
 * migrations table. Applies the pending ones in order, each in its own
 * transaction; 0, or -1 with a message in err. */
int db_migrate(struct db *db, const char *module, const char *dir, char *err, size_t errlen);
/* The highest version of module applied to the database (0: none). */
int db_schema_version(struct db *db, const char *module);
/* The highest version among the embedded files of dir. */
int db_latest_version(const char *dir);

#endif
