/* metrics_cli.c — `wenming metrics`: every module's metrics for one unit,
 * and with --check the proof that each metric's shares (one query for the
 * whole organization, folded up the tree) give exactly what its compute
 * gives for every unit, and that a count's records add up to its value.
 * Also the fold itself (metrics.h), which an assessment round uses to
 * score every unit at once. It writes nothing. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/http.h"
#include "../web/layout.h"
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- folding ---- */

struct fold_ctx {
	struct metric_values *v;
};

static void fold_share(void *p, int64_t unit, double num, double den)
{
	struct metric_values *v = ((struct fold_ctx *)p)->v;
	if (unit == 0) {
		v->none_num += num;
		v->none_den += den;
	} else if (unit > 0 && unit <= v->max_id) {
		v->own_num[unit] += num;
		v->own_den[unit] += den;
	} /* a unit that no longer exists belongs to no subtree */
}

int assess_metric_fold(struct req *r, const struct metric *m, const char *from, const char *to,
		       struct metric_values *out)
{
	struct db *db = req_db(r);
	memset(out, 0, sizeof *out);
	if (!db || !m->shares)
		return DB_ERR;
	out->max_id = db_one_int64(db, 0, "SELECT COALESCE(max(id), 0) FROM units", NULL);
	size_t n = (size_t)out->max_id + 1;
	out->own_num = arena_alloc(r->a, n * sizeof(double));
	out->own_den = arena_alloc(r->a, n * sizeof(double));
	out->num = arena_alloc(r->a, n * sizeof(double));
	out->den = arena_alloc(r->a, n * sizeof(double));
	out->exists = arena_alloc(r->a, n);
	struct fold_ctx c = {out};
	int rc = m->shares(r, from, to, fold_share, &c);
	if (rc)
		return rc;
	struct db_stmt *q = db_query(db, r->a, "SELECT id, parent_id FROM units", NULL);
	if (!q)
		return DB_ERR;
	while ((rc = db_step(q)) == DB_ROW) {
		int64_t id = db_column_int64(q, 0);
		if (id <= 0 || id > out->max_id)
			continue;
		out->exists[id] = 1;
		if (db_column_isnull(q, 1)) {
			out->num[id] += out->none_num;
			out->den[id] += out->none_den;
		}
	}
	db_reset(q);
	if (rc < 0)
		return rc;
	q = db_query(db, r->a, "SELECT ancestor_id, unit_id FROM unit_tree", NULL);
	if (!q)
		return DB_ERR;
	while ((rc = db_step(q)) == DB_ROW) {
		int64_t a = db_column_int64(q, 0), u = db_column_int64(q, 1);
		if (a <= 0 || a > out->max_id || u <= 0 || u > out->max_id)
			continue;
		out->num[a] += out->own_num[u];
		out->den[a] += out->own_den[u];
	}
	db_reset(q);
	return rc < 0 ? rc : 0;
}

double assess_metric_value(const struct metric *m, const struct metric_values *v, int64_t id)
{
	if (id <= 0 || id > v->max_id)
		return 0;
	if (m->kind == METRIC_SUM)
		return v->num[id];
	return v->den[id] != 0 ? v->num[id] / v->den[id] : 0;
}

/* ---- the command ---- */

#define RECORDS_LIMIT 1000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int near(double a, double b)
{
	double s = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
	return fabs(a - b) <= 1e-9 * (s > 1 ? s : 1);
}

struct rec_sum {
	int n, bad;
	double weight;
};

static int rec_add(void *p, const struct metric_record *rec)
{
	struct rec_sum *s = p;
	s->n++;
	s->weight += rec->weight;
	if (!rec->path || rec->path[0] != '/' || !rec->title || !*rec->title)
		s->bad++;
	int64_t d;
	if (rec->day && cal_parse_date(rec->day, &d))
		s->bad++;
	return 0;
}

struct opts {
	int64_t unit;
	const char *from, *to, *corrupt, *only;
	int check, shares_only;
	int every; /* compare every unit, or only those with id % every = 1 */
};

static int checked(const struct opts *o, int64_t id)
{
	return o->every <= 1 || id % o->every == 1;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static char from[CAL_DATE_SIZE], to[CAL_DATE_SIZE];
	int64_t today = cal_local_day(time(NULL)), a, b;
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	cal_format_date(cal_days_from_civil(y, 1, 1), from);
	cal_format_date(today, to);
	memset(o, 0, sizeof *o);
	o->from = from, o->to = to;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (!strcmp(argv[i], "--check")) {
			o->check = 1;
		} else if (!strcmp(argv[i], "--shares-only")) {
			o->check = o->shares_only = 1;
		} else if (cli_option(argc, argv, &i, "--unit", &v)) {
			unsigned long long u;
			if (cli_parse_u64(v, &u) || !u)
				return cli_usage_error("metrics", "--unit wants a unit id, not '%s'", v ? v : "");
			o->unit = (int64_t)u;
		} else if (cli_option(argc, argv, &i, "--from", &v)) {
			if (!v || cal_parse_date(v, &a))
				return cli_usage_error("metrics", "--from wants a date YYYY-MM-DD, not '%s'",
						       v ? v : "");
			o->from = v;
		} else if (cli_option(argc, argv, &i, "--to", &v)) {
			if (!v || cal_parse_date(v, &b))
				return cli_usage_error("metrics", "--to wants a date YYYY-MM-DD, not '%s'", v ? v : "");
			o->to = v;
		} else if (cli_option(argc, argv, &i, "--metric", &v)) {
			if (!v || !module_metric_find(v))
				return cli_usage_error("metrics", "--metric wants a metric's name, not '%s'",
						       v ? v : "");
			o->only = v;
		} else if (cli_option(argc, argv, &i, "--every", &v)) {
			unsigned long long n;
			if (cli_parse_u64(v, &n) || !n || n > 1000000)
				return cli_usage_error("metrics", "--every wants a whole number from 1, not '%s'",
						       v ? v : "");
			o->every = (int)n;
		} else if (cli_option(argc, argv, &i, "--corrupt", &v)) {
			if (!v || !module_metric_find(v))
				return cli_usage_error("metrics", "--corrupt wants a metric's name, not '%s'",
						       v ? v : "");
			o->corrupt = v;
		} else {
			return cli_usage_error("metrics", "unknown option '%s'", argv[i]);
		}
	}
	if (cal_parse_date(o->from, &a) || cal_parse_date(o->to, &b) || a > b)
		return cli_usage_error("metrics", "--from must not be after --to");
	return 0;
}

/* One metric checked over every unit: its shares folded against compute,
 * and a count's records against its value. The number of mismatches
 * (each printed), or -1 on a database error. */
#define SAY(...)                                                                          \
	do {                                                                              \
		if (bad < 10)                                                             \
			printf(__VA_ARGS__);                                              \
		else if (bad == 10)                                                       \
			printf("...      %-28s (more mismatches not listed)\n", m->name); \
		bad++;                                                                    \
	} while (0)

static int check_metric(struct req *r, struct arena *scratch, const struct metric *m, const struct opts *o)
{
	struct metric_values v;
	double t0 = now_s();
	int rc = assess_metric_fold(r, m, o->from, o->to, &v);
	double t_shares = now_s() - t0;
	if (rc) {
		printf("ERROR    %-28s shares: database error %d\n", m->name, rc);
		return 1;
	}
	if (o->corrupt && !strcmp(o->corrupt, m->name)) {
		/* a test's deliberate error: the first unit with a value is off
		 * by one */
		for (int64_t id = 1; id <= v.max_id; id++)
			if (v.exists[id] && checked(o, id) && (m->kind == METRIC_SUM || v.den[id] != 0)) {
				v.num[id] += m->kind == METRIC_SUM ? 1 : v.den[id];
				break;
			}
	}
	int bad = 0, units = 0, nonzero = 0;
	struct arena *keep = r->a;
	t0 = now_s();
	for (int64_t id = 1; id <= v.max_id; id++) {
		if (!v.exists[id] || o->shares_only || !checked(o, id))
			continue;
		units++;
		r->a = scratch;
		double c = 0;
		rc = m->compute(r, id, o->from, o->to, &c);
		double f = assess_metric_value(m, &v, id);
		nonzero += !rc && c != 0;
		if (rc) {
			SAY("ERROR    %-28s unit %lld: compute: database error %d\n", m->name, (long long)id, rc);
		} else if (!near(c, f)) {
			SAY("MISMATCH %-28s unit %lld: compute %.12g, shares %.12g (%.12g / %.12g)\n", m->name,
			    (long long)id, c, f, v.num[id], v.den[id]);
		}
		if (!rc && m->records) {
			struct rec_sum s = {0};
			rc = m->records(r, id, o->from, o->to, RECORDS_LIMIT, rec_add, &s);
			if (rc) {
				SAY("ERROR    %-28s unit %lld: records: database error %d\n", m->name, (long long)id,
				    rc);
			} else if (s.bad) {
				SAY("BADREC   %-28s unit %lld: %d records without a path, title or date\n", m->name,
				    (long long)id, s.bad);
			} else if (m->kind == METRIC_SUM && s.n < RECORDS_LIMIT && !near(s.weight, c)) {
				SAY("RECORDS  %-28s unit %lld: value %.12g, its %d records weigh %.12g\n", m->name,
				    (long long)id, c, s.n, s.weight);
			} else if (m->kind == METRIC_RATE && s.n && v.den[id] == 0) {
				SAY("RECORDS  %-28s unit %lld: %d records behind a rate without a denominator\n",
				    m->name, (long long)id, s.n);
			} else if (m->kind == METRIC_RATE && c != 0 && !s.n) {
				SAY("RECORDS  %-28s unit %lld: value %.12g without a record behind its numerator\n",
				    m->name, (long long)id, c);
			}
		}
		arena_reset(scratch);
		r->a = keep;
	}
	printf("%-8s %-28s %s %5d units (%d not 0), shares %.3f s, compute%s %.3f s\n", bad ? "FAILED" : "ok",
	       m->name, m->kind == METRIC_SUM ? "sum " : "rate", units, nonzero, t_shares,
	       m->records ? " + records" : "", now_s() - t0);
	return bad;
}
#undef SAY

int cmd_metrics(struct config *cfg, int argc, char **argv)
{
	struct opts o;
	int bad = parse(argc, argv, &o);
	if (bad)
		return bad;
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 1;
	struct arena a, scratch;
	arena_init(&a);
	arena_init(&scratch);
	struct req r;
	req_init_cli(&r, &a, db, LANG_EN);
	int status = 0;
	if (!o.unit)
		o.unit = db_one_int64(db, 0, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1", NULL);
	char *name = o.unit ? db_one_text(db, &a, "SELECT name FROM units WHERE id = ?", "i", o.unit) : NULL;
	if (!name) {
		fprintf(stderr, "wenming metrics: there is no unit %lld\n", (long long)o.unit);
		status = 1;
		goto done;
	}
	if (!o.check) {
		printf("unit %lld %s, %s – %s\n", (long long)o.unit, name, o.from, o.to);
		for (const struct module *const *mod = app_modules; *mod; mod++)
			for (const struct metric *m = (*mod)->metrics; m && m->name; m++) {
				double v = 0;
				r.a = &scratch;
				int rc = m->compute(&r, o.unit, o.from, o.to, &v);
				arena_reset(&scratch);
				r.a = &a;
				if (rc) {
					fprintf(stderr, "wenming metrics: %s: database error %d\n", m->name, rc);
					status = 1;
					continue;
				}
				printf("%-12s %-28s %.6g\n", (*mod)->name, m->name, v);
			}
		goto done;
	}
	double t0 = now_s();
	int failed = 0, nulls = 0;
	for (const struct module *const *mod = app_modules; *mod; mod++)
		for (const struct metric *m = (*mod)->metrics; m && m->name; m++) {
			if (o.only && strcmp(o.only, m->name))
				continue;
			if (!m->shares) {
				printf("%-8s %-28s no shares (scored by compute per unit)\n", "compute", m->name);
				nulls++;
				continue;
			}
			int b = check_metric(&r, &scratch, m, &o);
			failed += b != 0;
			arena_reset(&a);
		}
	printf("%s: %d metrics failed, %d without shares, %s – %s, %.2f s\n", failed ? "FAILED" : "ok", failed, nulls,
	       o.from, o.to, now_s() - t0);
	status = failed ? 1 : 0;
done:
	arena_free(&scratch);
	arena_free(&a);
	db_close(db);
	return status;
}
