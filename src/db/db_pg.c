/* db_pg.c — PostgreSQL backend on libpq.
 *
 * `?` placeholders are rewritten to $1..$n (outside quotes and comments).
 * Statements are prepared once per connection under a generated name and
 * executed with text parameters (binary for blobs); a result is fetched
 * whole, in text format, and stepped through row by row (a BYTEA value
 * comes as hex and is decoded when asked for as a blob). */
#include "db_impl.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_PARAMS 256

struct pg_conn {
	PGconn *c;
	unsigned next_name;
	int64_t changes;
};

struct pg_stmt {
	char name[24];
	int nparams;
	char *vals[PG_MAX_PARAMS];
	int lens[PG_MAX_PARAMS];  /* the length of a binary value */
	int fmts[PG_MAX_PARAMS];  /* 1: binary (a blob), 0: text */
	int any_binary;
	unsigned char *blob;      /* the last column decoded by pg_column_blob */
	PGresult *res;
	int row, nrows, done;
};

static int map_result(struct db *db, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	struct pg_conn *pc = db->h;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pc->c);
	db_set_error(db, DB_ERR, msg);
	/* keep the first line: libpq adds "LINE 1: ..." and a caret below it,
	 * and log lines must stay one line */
	db->err[strcspn(db->err, "\n")] = 0;
	size_t n = strlen(db->err);
	while (n && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = 0;
	if (PQstatus(pc->c) == CONNECTION_BAD)
		db->broken = 1;
	if (!state)
		return DB_ERR;
	if (strcmp(state, "23505") == 0)
		return DB_E_UNIQUE;
	if (strcmp(state, "23503") == 0)
		return DB_E_FK;
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)
		return DB_E_CHECK;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return DB_E_BUSY;
	return DB_ERR;
}

static void notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int pg_open(struct db *db, const char *url, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
		msg[strcspn(msg, "\n")] = 0;
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", msg);
		PQfinish(c);
		return -1;
	}
	PQsetNoticeProcessor(c, notice_quiet, NULL);
	struct pg_conn *pc = calloc(1, sizeof *pc);
	pc->c = c;
	db->h = pc;
	PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
	PQclear(r);
	return 0;
}

static void pg_close(struct db *db)
{
	struct pg_conn *pc = db->h;
	PQfinish(pc->c);
	free(pc);
}

/* Rewrites ? to $n outside string literals, identifiers and comments.
 * Returns a heap string; *nparams gets the count (over PG_MAX_PARAMS: the
 * text is unusable and the caller refuses it). */
static char *rewrite(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 4 + 1); /* "$256" is the longest for one "?" */
	if (!out) {
		*nparams = PG_MAX_PARAMS + 1;
		return NULL;
	}
	char *o = out;
	int n = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			*o++ = *p++;
			while (*p && *p != q)
				*o++ = *p++;
			if (*p)
				*o++ = *p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				*o++ = *p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			size_t cl = e ? (size_t)(e + 2 - p) : strlen(p);
			memcpy(o, p, cl);
			o += cl;
			p += cl;
		} else if (*p == '?') {
			if (++n <= PG_MAX_PARAMS)
				o += sprintf(o, "$%d", n);
			p++;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	*nparams = n;
	return out;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	struct pg_conn *pc = db->h;
	int n;
	char *text = rewrite(sql, &n);
	if (n > PG_MAX_PARAMS) {
		free(text);
		db_set_error(db, DB_ERR, "too many parameters");
		return NULL;
	}
	struct pg_stmt *ps = calloc(1, sizeof *ps);
	snprintf(ps->name, sizeof ps->name, "wm%u", pc->next_name++);
	ps->nparams = n;
	PGresult *r = PQprepare(pc->c, ps->name, text, 0, NULL);
	free(text);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		map_result(db, r);
		PQclear(r);
		free(ps);
		return NULL;
	}
	PQclear(r);
	struct db_stmt *s = calloc(1, sizeof *s);
	s->h = ps;
	return s;
}

static void clear_values(struct pg_stmt *ps)
{
	for (int i = 0; i < ps->nparams; i++) {
		free(ps->vals[i]);
		ps->vals[i] = NULL;
		ps->fmts[i] = ps->lens[i] = 0;
	}
	ps->any_binary = 0;
	free(ps->blob);
	ps->blob = NULL;
}

static void pg_reset(struct db_stmt *s)
{
	struct pg_stmt *ps = s->h;
	PQclear(ps->res);
	ps->res = NULL;
	ps->row = -1;
	ps->nrows = 0;
	ps->done = 0;
	clear_values(ps);
}

static void pg_finalize(struct db_stmt *s)
{
	struct pg_stmt *ps = s->h;
	pg_reset(s);
	struct pg_conn *pc = s->db->h;
	if (!s->db->broken) {
		char sql[48];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", ps->name);
		PQclear(PQexec(pc->c, sql));
	}
	free(ps);
}

static int set_value(struct db_stmt *s, int idx, char *v)
{
	struct pg_stmt *ps = s->h;
	if (idx < 1 || idx > ps->nparams) {
		free(v);
		db_set_error(s->db, DB_ERR, "bind index out of range");
		return DB_ERR;
	}
	free(ps->vals[idx - 1]);
	ps->vals[idx - 1] = v;
	ps->fmts[idx - 1] = ps->lens[idx - 1] = 0;
	return 0;
}

static int pg_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	return set_value(s, idx, strdup(tmp));
}

static int pg_bind_double(struct db_stmt *s, int idx, double v)
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%.17g", v);
	return set_value(s, idx, strdup(tmp));
}

static int pg_bind_text(struct db_stmt *s, int idx, const char *v)
{
	return set_value(s, idx, strdup(v));
}

static int pg_bind_null(struct db_stmt *s, int idx)
{
	return set_value(s, idx, NULL);
}

static int pg_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n)
{
	struct pg_stmt *ps = s->h;
	if (n > 0x7fffffff) {
		db_set_error(s->db, DB_ERR, "blob too large");
		return DB_ERR;
	}
	char *v = malloc(n ? n : 1);
	if (!v) {
		db_set_error(s->db, DB_ERR, "out of memory");
		return DB_ERR;
	}
	memcpy(v, p, n);
	int rc = set_value(s, idx, v);
	if (!rc) {
		ps->fmts[idx - 1] = 1;
		ps->lens[idx - 1] = (int)n;
		ps->any_binary = 1;
	}
	return rc;
}

static int pg_step(struct db_stmt *s)
{
	struct pg_stmt *ps = s->h;
	struct pg_conn *pc = s->db->h;
	if (!ps->res && !ps->done) {
		ps->res = PQexecPrepared(pc->c, ps->name, ps->nparams, (const char *const *)ps->vals,
					 ps->any_binary ? ps->lens : NULL, ps->any_binary ? ps->fmts : NULL, 0);
		ExecStatusType st = PQresultStatus(ps->res);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
			int code = map_result(s->db, ps->res);
			PQclear(ps->res);
			ps->res = NULL;
			ps->done = 1;
			return code;
		}
		const char *ct = PQcmdTuples(ps->res);
		pc->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
		ps->nrows = PQntuples(ps->res);
		ps->row = -1;
	}
	if (ps->done || !ps->res)
		return DB_DONE;
	if (++ps->row < ps->nrows)
		return DB_ROW;
	ps->done = 1;
	return DB_DONE;
}

static int pg_column_count(struct db_stmt *s)
{
	struct pg_stmt *ps = s->h;
	return ps->res ? PQnfields(ps->res) : 0;
}

static int valid_cell(struct pg_stmt *ps, int col)
{
	return ps->res && ps->row >= 0 && ps->row < ps->nrows && col >= 0 && col < PQnfields(ps->res);
}

static int pg_column_isnull(struct db_stmt *s, int col)
{
	struct pg_stmt *ps = s->h;
	return !valid_cell(ps, col) || PQgetisnull(ps->res, ps->row, col);
}

static const char *pg_column_text(struct db_stmt *s, int col)
{
	struct pg_stmt *ps = s->h;
	if (!valid_cell(ps, col) || PQgetisnull(ps->res, ps->row, col))
		return NULL;
	return PQgetvalue(ps->res, ps->row, col);
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* BYTEA in text format: "\x" and two hex digits a byte (bytea_output =
 * hex, the default since PostgreSQL 9.0). */
static const void *pg_column_blob(struct db_stmt *s, int col, size_t *n)
{
	struct pg_stmt *ps = s->h;
	if (!valid_cell(ps, col) || PQgetisnull(ps->res, ps->row, col))
		return NULL;
	const char *t = PQgetvalue(ps->res, ps->row, col);
	size_t len = (size_t)PQgetlength(ps->res, ps->row, col);
	if (len < 2 || t[0] != '\\' || t[1] != 'x' || len % 2) {
		db_set_error(s->db, DB_ERR, "not a hex bytea value");
		return NULL;
	}
	free(ps->blob);
	size_t m = (len - 2) / 2;
	ps->blob = malloc(m ? m : 1);
	if (!ps->blob)
		return NULL;
	for (size_t i = 0; i < m; i++) {
		int hi = hexval(t[2 + 2 * i]), lo = hexval(t[3 + 2 * i]);
		if (hi < 0 || lo < 0) {
			db_set_error(s->db, DB_ERR, "not a hex bytea value");
			return NULL;
		}
		ps->blob[i] = (unsigned char)(hi << 4 | lo);
	}
	*n = m;
	return ps->blob;
}

static int64_t pg_column_int64(struct db_stmt *s, int col)
{
	const char *t = pg_column_text(s, col);
	if (!t)
		return 0;
	if (t[0] == 't' && !t[1]) /* boolean */
		return 1;
	if (t[0] == 'f' && !t[1])
		return 0;
	return strtoll(t, NULL, 10);
}

static double pg_column_double(struct db_stmt *s, int col)
{
	const char *t = pg_column_text(s, col);
	return t ? strtod(t, NULL) : 0;
}

static int64_t pg_changes(struct db *db)
{
	struct pg_conn *pc = db->h;
	return pc->changes;
}

static int pg_exec(struct db *db, const char *sql)
{
	struct pg_conn *pc = db->h;
	PGresult *r = PQexec(pc->c, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = 0;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = map_result(db, r);
	PQclear(r);
	return rc;
}

const struct db_ops db_pg_ops = {
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.reset = pg_reset,
	.column_count = pg_column_count,
	.column_isnull = pg_column_isnull,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.changes = pg_changes,
	.exec = pg_exec,
};
