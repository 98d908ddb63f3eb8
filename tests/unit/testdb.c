/* testdb.c — see testdb.h. */
#include "testdb.h"
#include "module.h"
#include "platform/platform.h"
#include "records/record.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *testdb_pg_url(void)
{
	const char *u = getenv("WENMING_TEST_PG");
	return u && *u ? u : NULL;
}

int testdb_open(struct testdb *t, enum db_kind kind, int schema)
{
	memset(t, 0, sizeof *t);
	arena_init(&t->a);
	t->kind = kind;
	char url[512], err[512];
	if (kind == DB_SQLITE) {
		snprintf(t->dir, sizeof t->dir, "/tmp/wm-test-XXXXXX");
		if (!mkdtemp(t->dir)) {
			t->dir[0] = 0;
			perror("mkdtemp");
			return -1;
		}
		snprintf(url, sizeof url, "sqlite:%s/t.db", t->dir);
		snprintf(t->url, sizeof t->url, "%s", url);
	} else {
		if (!testdb_pg_url())
			return -1;
		snprintf(url, sizeof url, "%s", testdb_pg_url());
	}
	t->db = db_open(url, err, sizeof err);
	if (!t->db) {
		fprintf(stderr, "db_open: %s\n", err);
		return -1;
	}
	if (kind == DB_PG) {
		static unsigned n;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(t->schema, sizeof t->schema, "t_%ld_%u_%ld", (long)getpid(), n++, (long)(ts.tv_nsec % 1000000));
		char sql[256];
		snprintf(sql, sizeof sql, "CREATE SCHEMA %s; SET search_path TO %s, public", t->schema, t->schema);
		if (db_exec_script(t->db, sql)) {
			fprintf(stderr, "%s: %s\n", sql, db_errmsg(t->db));
			t->schema[0] = 0;
			return -1;
		}
		/* other connections (a command under test) find the schema via the URL */
		snprintf(t->url, sizeof t->url, "%s%soptions=-csearch_path%%3D%s,public", url, strchr(url, '?') ? "&" : "?",
			 t->schema);
	}
	modules_init();
	if (schema == 1 && db_migrate(t->db, "platform", PLATFORM_MIGRATIONS, err, sizeof err)) {
		fprintf(stderr, "migrate: %s\n", err);
		return -1;
	}
	if (schema >= 2 && modules_migrate(t->db, err, sizeof err)) {
		fprintf(stderr, "modules: %s\n", err);
		return -1;
	}
	return 0;
}

int testdb_close(struct testdb *t)
{
	int rc = 0;
	if (t->db) {
		db_end_request(t->db);
		if (t->kind == DB_PG && t->schema[0]) {
			char sql[128];
			snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", t->schema);
			rc = db_exec_script(t->db, sql) ? -1 : 0;
		}
		db_close(t->db);
		t->db = NULL;
	}
	if (t->kind == DB_SQLITE && t->dir[0]) {
		DIR *d = opendir(t->dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char p[512];
			snprintf(p, sizeof p, "%s/%s", t->dir, e->d_name);
			unlink(p);
		}
		if (d)
			closedir(d);
		rmdir(t->dir);
		t->dir[0] = 0;
	}
	arena_free(&t->a);
	return rc;
}

int testdb_pg_skipped(void **state)
{
	if (testdb_pg_url())
		return 0;
	*state = NULL;
	return 1;
}

int testdb_teardown(void **state)
{
	struct testdb *t = *state;
	if (!t)
		return 0;
	int rc = testdb_close(t);
	free(t);
	return rc;
}

int testreq_open(void **state, enum db_kind kind, int schema, enum lang lang)
{
	*state = NULL;
	if (kind == DB_PG && testdb_pg_skipped(state))
		return 0;
	struct testreq *f = calloc(1, sizeof *f);
	*state = f;
	if (!f || testdb_open(&f->t, kind, schema))
		return -1;
	arena_init(&f->a);
	req_init_cli(&f->r, &f->a, f->t.db, lang);
	return 0;
}

int testreq_teardown(void **state)
{
	struct testreq *f = *state;
	if (f)
		arena_free(&f->a);
	return testdb_teardown(state);
}
