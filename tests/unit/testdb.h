/* testdb.h — a throwaway database for a unit test group: a temporary
 * SQLite file, or a fresh schema in the PostgreSQL named by WENMING_TEST_PG
 * (search_path set to it, then public), optionally migrated and with the
 * registers' tables. testdb_close drops or deletes everything it made. */
#ifndef WM_TESTDB_H
#define WM_TESTDB_H

#include "core/arena.h"
#include "db/db.h"
#include "http/http.h"

struct testdb {
	enum db_kind kind;
	struct db *db;
	struct arena a;  /* for the test's allocations, freed by testdb_close */
	char dir[64];    /* SQLite: the temporary directory */
	char schema[64]; /* PostgreSQL: the schema */
	char url[640];   /* for another connection to the same database and schema */
};

/* The PostgreSQL URL from WENMING_TEST_PG, or NULL (the group skips). */
const char *testdb_pg_url(void);
/* Opens the database; schema: 0 empty, 1 migrated, 2 migrated with the
 * registers' tables. Returns 0, or -1 after printing why. */
int testdb_open(struct testdb *t, enum db_kind kind, int schema);
/* Closes it and removes what testdb_open made; 0 or -1. */
int testdb_close(struct testdb *t);

/* For a PostgreSQL group setup: true, with *state NULL (each test then
 * skips), when WENMING_TEST_PG is not set. */
int testdb_pg_skipped(void **state);
/* The teardown of a fixture allocated with malloc whose first member is
 * its struct testdb: closes that and frees the fixture. */
int testdb_teardown(void **state);

/* A database and a request on it, as the command line makes one (no user):
 * the fixture of groups that call what takes a struct req. */
struct testreq {
	struct testdb t; /* first: testdb_teardown frees the whole fixture */
	struct arena a;
	struct req r;
};
/* The group setup: *state a struct testreq on a database opened as
 * testdb_open(kind, schema), or NULL when PostgreSQL is skipped; 0 or -1. */
int testreq_open(void **state, enum db_kind kind, int schema, enum lang lang);
/* Its teardown. */
int testreq_teardown(void **state);

#endif
