/* scoring.c — computing a round: freeze the metrics of every unit as of
 * the round's period, score every automatic leaf (formula, deduction,
 * bonus, veto) with its explanation, freeze the records behind deductions
 * and bonuses, then roll up, grade and rank (docs/DECISIONS.md, "Rounds:
 * rollup, grades and ranks").
 *
 * Speed: a metric that offers `shares` is read once for the whole
 * organization and folded up the unit tree in memory; one without is
 * computed per unit (struct metric.compute). Rows are written in
 * multi-row INSERTs inside one transaction. */
#include "../db/db.h"
#include "assessment.h"
#include "round.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the pure arithmetic ---- */

double assess_deduction(double max, double n, double per_event)
{
	if (max <= 0)
		return 0;
	double lost = (n > 0 ? n : 0) * (per_event > 0 ? per_event : 0);
	return lost >= max ? 0 : max - lost;
}

double assess_bonus(double max, int n, const double *counts, const double *per)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		if (counts[i] > 0 && per[i] > 0)
			s += counts[i] * per[i];
	return s < 0 ? 0 : s > max ? (max > 0 ? max : 0) : s;
}

static const char *const bonus_keys[] = {"national", "provincial", "prefecture", "county"};

int assess_bonus_levels(const char *s, const char **keys, double *per, int cap)
{
	int n = 0;
	for (const char *p = s; p && *p && n < cap;) {
		const char *eq = strchr(p, '='), *comma = strchr(p, ',');
		if (!eq || (comma && comma < eq))
			break;
		for (size_t k = 0; k < sizeof bonus_keys / sizeof bonus_keys[0]; k++)
			if (strlen(bonus_keys[k]) == (size_t)(eq - p) && !strncmp(p, bonus_keys[k], (size_t)(eq - p))) {
				keys[n] = bonus_keys[k];
				per[n++] = strtod(eq + 1, NULL);
			}
		p = comma ? comma + 1 : NULL;
	}
	return n;
}

double assess_rollup(double own, double own_max, double share, int nchildren, const double *child_total,
		     const double *child_max)
{
	if (nchildren <= 0)
		return own;
	double f = 0;
	for (int i = 0; i < nchildren; i++)
		f += child_max[i] > 0 ? child_total[i] / child_max[i] : 0;
	f /= nchildren;
	return (1 - share) * own + share * f * own_max;
}

const char *assess_grade(double total, double max, int vetoed, double th_excellent, double th_good, double th_pass)
{
	if (vetoed)
		return "fail";
	if (max <= 0)
		return "pass";
	double pct = 100 * total / max + 1e-9;
	return pct >= th_excellent ? "excellent" : pct >= th_good ? "good" : pct >= th_pass ? "pass" : "fail";
}

void assess_rank(int n, const double *total, const int *vetoed, int *rank)
{
	/* n is a kind's units: O(n log n) by sorting indexes */
	for (int i = 0; i < n; i++)
		rank[i] = 1;
	int *ix = malloc((size_t)(n > 0 ? n : 1) * sizeof *ix);
	if (!ix) {
		/* quadratic, but correct */
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				if ((!vetoed[j] && vetoed[i]) || (vetoed[j] == vetoed[i] && total[j] > total[i] + 1e-9))
					rank[i]++;
		return;
	}
	for (int i = 0; i < n; i++)
		ix[i] = i;
	/* insertion of a sort with a comparator that needs the arrays: a
	 * simple shell sort keeps it without globals */
	for (int gap = n / 2; gap > 0; gap /= 2)
		for (int i = gap; i < n; i++) {
			int v = ix[i], j = i;
			while (j >= gap) {
				int u = ix[j - gap];
				int before = vetoed[u] != vetoed[v] ? vetoed[u] > vetoed[v] : total[u] < total[v] - 1e-9;
				if (!before)
					break;
				ix[j] = u;
				j -= gap;
			}
			ix[j] = v;
		}
	for (int k = 0; k < n; k++) {
		int i = ix[k];
		if (k > 0) {
			int p = ix[k - 1];
			rank[i] = vetoed[p] == vetoed[i] && fabs(total[p] - total[i]) <= 1e-9 ? rank[p] : k + 1;
		}
	}
	free(ix);
}

/* ---- the unit tree in memory ---- */

struct unit_map {
	int n;
	int64_t *id, *parent; /* by id */
	int *pix;             /* parent's index, -1 for a root */
};

static int ucmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int unit_ix(const struct unit_map *m, int64_t id)
{
	const int64_t *p = bsearch(&id, m->id, (size_t)m->n, sizeof *m->id, ucmp);
	return p ? (int)(p - m->id) : -1;
}

static int units_load(struct req *r, struct unit_map *m)
{
	struct db *db = req_db(r);
	int64_t n = db_one_int64(db, -1, "SELECT COUNT(*) FROM units", NULL);
	if (n < 0)
		return DB_ERR;
	m->n = 0;
	m->id = arena_alloc(r->a, (size_t)(n + 1) * sizeof *m->id);
	m->parent = arena_alloc(r->a, (size_t)(n + 1) * sizeof *m->parent);
	m->pix = arena_alloc(r->a, (size_t)(n + 1) * sizeof *m->pix);
	struct db_stmt *q = db_query(db, r->a, "SELECT id, COALESCE(parent_id, 0) FROM units ORDER BY id", NULL);
	if (!q)
		return DB_ERR;
	int rc;
	while ((rc = db_step(q)) == DB_ROW && m->n < n) {
		m->id[m->n] = db_column_int64(q, 0);
		m->parent[m->n++] = db_column_int64(q, 1);
	}
	if (rc < 0)
		return rc;
	for (int i = 0; i < m->n; i++)
		m->pix[i] = m->parent[i] ? unit_ix(m, m->parent[i]) : -1;
	return 0;
}

int assess_round_fill_units(struct req *r, int64_t round_id)
{
	struct db *db = req_db(r);
	int rc = db_run(db,
			"INSERT INTO assess_round_units (round_id, unit_id, unit_kind) SELECT ?, id, kind FROM units "
			"WHERE active = 1 AND kind NOT IN ('post', 'party_branch')",
			"i", round_id);
	if (rc)
		return rc;
	struct unit_map m;
	if ((rc = units_load(r, &m)))
		return rc;
	char *in = arena_alloc(r->a, (size_t)m.n + 1);
	memset(in, 0, (size_t)m.n + 1);
	struct db_stmt *q = db_query(db, r->a, "SELECT unit_id FROM assess_round_units WHERE round_id = ?", "i", round_id);
	while (q && db_step(q) == DB_ROW) {
		int i = unit_ix(&m, db_column_int64(q, 0));
		if (i >= 0)
			in[i] = 1;
	}
	for (int i = 0; i < m.n; i++) {
		if (!in[i])
			continue;
		int p = m.pix[i];
		while (p >= 0 && !in[p])
			p = m.pix[p];
		if (p >= 0 && (rc = db_run(db, "UPDATE assess_round_units SET parent_id = ? WHERE round_id = ? AND unit_id = ?",
					   "iii", m.id[p], round_id, m.id[i])))
			return rc;
	}
	return 0;
}

static const char *bstr(const struct buf *b)
{
	return b->p ? b->p : "";
}

/* ---- batched inserts ---- */

/* rows per statement: at most BATCH, and at most 256 parameters (the
 * PostgreSQL backend's limit, db_pg.c) */
#define BATCH 100
#define BATCH_PARAMS 256

struct batch {
	struct req *r;
	const char *head; /* "INSERT INTO t (a, b, c) VALUES " */
	const char *types; /* one row's: "iids" ('d' double, 'D' double or NULL when NaN, 'i', 's') */
	int ncols, n, rows;
	struct db_stmt *full;
	union {
		int64_t i;
		double d;
		const char *s;
	} v[BATCH][10];
	struct arena *a;
};

static struct db_stmt *batch_prepare(struct batch *b, int rows)
{
	struct buf sql;
	buf_init(&sql, b->a);
	buf_puts(&sql, b->head);
	for (int k = 0; k < rows; k++) {
		buf_puts(&sql, k ? ", (" : "(");
		for (int c = 0; c < b->ncols; c++)
			buf_puts(&sql, c ? ", ?" : "?");
		buf_puts(&sql, ")");
	}
	return db_prepare(req_db(b->r), b->a, bstr(&sql));
}

static int batch_flush(struct batch *b)
{
	if (!b->n)
		return 0;
	struct db_stmt *s;
	if (b->n == b->rows) {
		if (!b->full)
			b->full = batch_prepare(b, b->rows);
		s = b->full;
		if (s)
			db_reset(s);
	} else {
		s = batch_prepare(b, b->n);
	}
	if (!s)
		return DB_ERR;
	int p = 1;
	for (int k = 0; k < b->n; k++)
		for (int c = 0; c < b->ncols; c++, p++) {
			char t = b->types[c];
			if (t == 'i')
				db_bind_int64(s, p, b->v[k][c].i);
			else if (t == 's')
				db_bind_text(s, p, b->v[k][c].s);
			else if (t == 'D' && isnan(b->v[k][c].d))
				db_bind_null(s, p);
			else
				db_bind_double(s, p, b->v[k][c].d);
		}
	int rc = db_step(s);
	b->n = 0;
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERR;
}

static void batch_init(struct batch *b, struct req *r, const char *head, const char *types)
{
	memset(b, 0, sizeof *b);
	b->r = r;
	b->a = r->a;
	b->head = head;
	b->types = types;
	b->ncols = (int)strlen(types);
	b->rows = BATCH_PARAMS / b->ncols < BATCH ? BATCH_PARAMS / b->ncols : BATCH;
}

/* The row just filled is done: flushes a full batch. 0, or a DB_E_* code. */
static int batch_next(struct batch *b)
{
	return ++b->n == b->rows ? batch_flush(b) : 0;
}

/* ---- compute ---- */

struct leafx {
	int64_t id;
	const char *method, *metric, *formula, *bonus;
	double max, per_event;
	struct expr *e;
	int nb;
	const char *bkey[4];
	double bper[4];
	int bm[4];  /* metric index per bonus level, -1: none */
	int mix;    /* deduction's metric index */
	int *vix;   /* formula/veto's metric indexes by expr_var */
	struct wt {
		const char *kind;
		double max;
	} w[8];
	int nw;
};

struct cctx {
	struct req *r;
	int nmetrics;
	const char *mname[64];
	const struct metric *m[64];
	double *val; /* [unit in round][metric] */
	int cur;     /* unit index in the round while evaluating */
	int failed;
};

static int metric_add(struct cctx *c, const char *name)
{
	for (int i = 0; i < c->nmetrics; i++)
		if (!strcmp(c->mname[i], name))
			return i;
	const struct metric *m = module_metric_find(name);
	if (!m || c->nmetrics == 64)
		return -1;
	c->mname[c->nmetrics] = name;
	c->m[c->nmetrics] = m;
	return c->nmetrics++;
}

static int eval_value(const char *name, void *ctx, double *v)
{
	struct cctx *c = ctx;
	for (int i = 0; i < c->nmetrics; i++)
		if (!strcmp(c->mname[i], name)) {
			*v = c->val[(size_t)c->cur * (size_t)c->nmetrics + (size_t)i];
			if (isnan(*v)) {
				c->failed = 1;
				*v = 0;
			}
			return 0;
		}
	c->failed = 1;
	*v = 0;
	return 0;
}

/* folding shares: per unit of the organization, its own num and den */
struct fold {
	const struct unit_map *um;
	double *num, *den; /* by unit_map index */
	double free_num, free_den; /* records without a unit */
};

static void fold_share(void *ctx, int64_t unit_id, double num, double den)
{
	struct fold *f = ctx;
	int i = unit_id ? unit_ix(f->um, unit_id) : -1;
	if (i < 0) {
		f->free_num += num;
		f->free_den += den;
		return;
	}
	f->num[i] += num;
	f->den[i] += den;
}

struct recctx {
	struct batch *b;
	int64_t round_id, unit_id;
	const char *metric;
	int rc;
};

static int rec_add(void *ctx, const struct metric_record *rec)
{
	struct recctx *c = ctx;
	struct batch *b = c->b;
	b->v[b->n][0].i = c->round_id;
	b->v[b->n][1].i = c->unit_id;
	b->v[b->n][2].s = c->metric;
	b->v[b->n][3].s = rec->path ? arena_strdup(b->a, rec->path) : "";
	b->v[b->n][4].s = rec->title ? arena_strdup(b->a, rec->title) : "";
	b->v[b->n][5].s = rec->day ? arena_strdup(b->a, rec->day) : NULL;
	if ((c->rc = batch_next(b)))
		return 1;
	return 0;
}

static void progress(assess_progress_fn *fn, void *ctx, const char *phase, long done, long total)
{
	if (fn)
		fn(ctx, phase, done, total);
}

static double leaf_max(const struct leafx *l, const char *kind)
{
	for (int k = 0; k < l->nw; k++)
		if (!strcmp(l->w[k].kind, kind))
			return l->w[k].max;
	return !strcmp(l->method, "veto") ? 0 : l->max;
}

static int leaf_applies(const struct leafx *l, const char *kind)
{
	for (int k = 0; k < l->nw; k++)
		if (!strcmp(l->w[k].kind, kind))
			return l->w[k].max > 0;
	return !strcmp(l->method, "veto") || l->max > 0;
}

/* "m1=v1;m2=v2" of a formula's metrics (arena) */
static const char *vars_text(struct cctx *c, const struct leafx *l)
{
	struct buf b;
	buf_init(&b, c->r->a);
	for (int k = 0; k < expr_nvars(l->e); k++) {
		double v = l->vix[k] >= 0 ? c->val[(size_t)c->cur * (size_t)c->nmetrics + (size_t)l->vix[k]] : 0;
		buf_printf(&b, "%s%s=%.4g", k ? ";" : "", expr_var(l->e, k), isnan(v) ? 0 : v);
	}
	return bstr(&b);
}

int assess_round_compute(struct req *r, int64_t round_id, assess_progress_fn *pfn, void *pctx)
{
	struct db *db = req_db(r);
	struct assess_round rd;
	if (assess_round_load(r, round_id, &rd))
		return ASSESS_E_NOT_FOUND;
	struct cctx c = {.r = r};

	/* the leaves and their metrics */
	int nl = 0, capl = 64;
	struct leafx *L = arena_alloc(r->a, (size_t)capl * sizeof *L);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT id, method, metric, formula, bonus_levels, max_points, per_event FROM "
				     "assess_indicators i WHERE system_id = ? AND NOT EXISTS (SELECT 1 FROM assess_indicators "
				     "c WHERE c.parent_id = i.id) ORDER BY level, position, id",
				     "i", rd.system_id);
	if (!q)
		return DB_ERR;
	while (db_step(q) == DB_ROW) {
		if (nl == capl) {
			struct leafx *n2 = arena_alloc(r->a, 2 * (size_t)capl * sizeof *n2);
			memcpy(n2, L, (size_t)nl * sizeof *L);
			L = n2, capl *= 2;
		}
		struct leafx *l = &L[nl++];
		memset(l, 0, sizeof *l);
		l->id = db_column_int64(q, 0);
		l->method = arena_strdup(r->a, db_column_text(q, 1));
		l->metric = arena_strdup(r->a, db_column_text(q, 2));
		l->formula = arena_strdup(r->a, db_column_text(q, 3));
		l->bonus = arena_strdup(r->a, db_column_text(q, 4));
		l->max = db_column_double(q, 5);
		l->per_event = db_column_double(q, 6);
		l->mix = -1;
	}
	int rc = 0;
	for (int i = 0; i < nl; i++) {
		struct leafx *l = &L[i];
		struct db_stmt *w = db_query(db, r->a, "SELECT unit_kind, max_points FROM assess_weights WHERE indicator_id = ?",
					     "i", l->id);
		while (w && db_step(w) == DB_ROW && l->nw < 8) {
			l->w[l->nw].kind = arena_strdup(r->a, db_column_text(w, 0));
			l->w[l->nw++].max = db_column_double(w, 1);
		}
		if (!strcmp(l->method, "formula") || !strcmp(l->method, "veto")) {
			struct expr_error err;
			l->e = *l->formula ? assess_formula_parse(l->formula, &err) : NULL;
			if (l->e) {
				l->vix = arena_alloc(r->a, (size_t)(expr_nvars(l->e) + 1) * sizeof *l->vix);
				for (int k = 0; k < expr_nvars(l->e); k++)
					l->vix[k] = metric_add(&c, arena_strdup(r->a, expr_var(l->e, k)));
			}
		} else if (!strcmp(l->method, "deduction")) {
			l->mix = *l->metric ? metric_add(&c, l->metric) : -1;
		} else if (!strcmp(l->method, "bonus")) {
			l->nb = assess_bonus_levels(l->bonus, l->bkey, l->bper, 4);
			for (int k = 0; k < l->nb; k++)
				l->bm[k] = metric_add(&c, arena_printf(r->a, "honors_valid_%s", l->bkey[k]));
		}
	}

	/* the round's units */
	int64_t nu64 = db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i", round_id);
	int nu = (int)nu64;
	int64_t *uid = arena_alloc(r->a, (size_t)(nu + 1) * sizeof *uid);
	const char **ukind = arena_alloc(r->a, (size_t)(nu + 1) * sizeof *ukind);
	q = db_query(db, r->a, "SELECT unit_id, unit_kind FROM assess_round_units WHERE round_id = ? ORDER BY unit_id", "i",
		     round_id);
	int k0 = 0;
	while (q && db_step(q) == DB_ROW && k0 < nu) {
		uid[k0] = db_column_int64(q, 0);
		ukind[k0++] = arena_strdup(r->a, db_column_text(q, 1));
	}
	nu = k0;
	size_t nv = (size_t)nu * (size_t)(c.nmetrics ? c.nmetrics : 1);
	c.val = arena_alloc(r->a, nv * sizeof *c.val);
	for (size_t i = 0; i < nv; i++)
		c.val[i] = NAN;

	/* the metrics: shares folded up the tree, or compute per unit */
	struct unit_map um;
	if ((rc = units_load(r, &um)))
		goto out;
	long steps = (long)c.nmetrics, step = 0;
	for (int k = 0; k < c.nmetrics; k++) {
		const struct metric *m = c.m[k];
		progress(pfn, pctx, "metrics", step++, steps);
		if (m->shares) {
			struct fold f = {.um = &um};
			f.num = arena_alloc(r->a, (size_t)(um.n + 1) * sizeof *f.num);
			f.den = arena_alloc(r->a, (size_t)(um.n + 1) * sizeof *f.den);
			memset(f.num, 0, (size_t)(um.n + 1) * sizeof *f.num);
			memset(f.den, 0, (size_t)(um.n + 1) * sizeof *f.den);
			if ((rc = m->shares(r, rd.period_from, rd.period_to, fold_share, &f)))
				goto out;
			/* subtree sums: add each unit's own share to its ancestors;
			 * the unit-less records count for the roots */
			double *sn = arena_alloc(r->a, (size_t)(um.n + 1) * sizeof *sn),
			       *sd = arena_alloc(r->a, (size_t)(um.n + 1) * sizeof *sd);
			memcpy(sn, f.num, (size_t)um.n * sizeof *sn);
			memcpy(sd, f.den, (size_t)um.n * sizeof *sd);
			for (int i = 0; i < um.n; i++) {
				if (um.pix[i] < 0) {
					sn[i] += f.free_num;
					sd[i] += f.free_den;
				}
				if (f.num[i] == 0 && f.den[i] == 0)
					continue;
				for (int p = um.pix[i], guard = 0; p >= 0 && guard < 64; p = um.pix[p], guard++) {
					sn[p] += f.num[i];
					sd[p] += f.den[i];
				}
			}
			for (int u = 0; u < nu; u++) {
				int i = unit_ix(&um, uid[u]);
				double v = 0;
				if (i >= 0)
					v = m->kind == METRIC_RATE ? (sd[i] != 0 ? sn[i] / sd[i] : 0) : sn[i];
				c.val[(size_t)u * (size_t)c.nmetrics + (size_t)k] = v;
			}
		} else {
			/* each unit's statements in a scratch arena of their own:
			 * released (finalized) unit by unit */
			struct arena *keep = r->a, scratch;
			arena_init(&scratch);
			for (int u = 0; u < nu; u++) {
				double v = 0;
				r->a = &scratch;
				int crc = m->compute(r, uid[u], rd.period_from, rd.period_to, &v);
				r->a = keep;
				arena_reset(&scratch);
				if (crc == 0)
					c.val[(size_t)u * (size_t)c.nmetrics + (size_t)k] = v;
				if (u % 500 == 499)
					progress(pfn, pctx, "metrics", step - 1, steps);
			}
			arena_free(&scratch);
		}
	}
	progress(pfn, pctx, "metrics", steps, steps);

	if ((rc = db_begin(db)))
		goto out;
	/* the scores the office gave (manual, appeal) stay */
	char *keep = arena_alloc(r->a, (size_t)nu * (size_t)(nl ? nl : 1) + 1);
	memset(keep, 0, (size_t)nu * (size_t)(nl ? nl : 1) + 1);
	q = db_query(db, r->a, "SELECT unit_id, indicator_id FROM assess_round_scores WHERE round_id = ? AND source <> 'auto'",
		     "i", round_id);
	while (q && db_step(q) == DB_ROW) {
		int64_t u = db_column_int64(q, 0), ind = db_column_int64(q, 1);
		const int64_t *p = bsearch(&u, uid, (size_t)nu, sizeof *uid, ucmp);
		for (int i = 0; p && i < nl; i++)
			if (L[i].id == ind)
				keep[(size_t)(p - uid) * (size_t)nl + (size_t)i] = 1;
	}
	static const char *const clear[] = {
		"DELETE FROM assess_round_values WHERE round_id = ?",
		"DELETE FROM assess_round_records WHERE round_id = ?",
		"DELETE FROM assess_round_scores WHERE round_id = ? AND source = 'auto'",
	};
	for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
		if ((rc = db_run(db, clear[i], "i", round_id)))
			goto rollback;

	struct batch *bv = arena_alloc(r->a, sizeof *bv);
	batch_init(bv, r, "INSERT INTO assess_round_values (round_id, unit_id, metric, value) VALUES ", "iisd");
	for (int u = 0; u < nu; u++)
		for (int k = 0; k < c.nmetrics; k++) {
			double v = c.val[(size_t)u * (size_t)c.nmetrics + (size_t)k];
			if (isnan(v))
				continue;
			bv->v[bv->n][0].i = round_id;
			bv->v[bv->n][1].i = uid[u];
			bv->v[bv->n][2].s = c.mname[k];
			bv->v[bv->n][3].d = v;
			if ((rc = batch_next(bv)))
				goto rollback;
		}
	if ((rc = batch_flush(bv)))
		goto rollback;

	struct batch *bs = arena_alloc(r->a, sizeof *bs);
	batch_init(bs, r,
		   "INSERT INTO assess_round_scores (round_id, unit_id, indicator_id, max_points, points, source, "
		   "explanation) VALUES ",
		   "iiidDss");
	struct batch *br = arena_alloc(r->a, sizeof *br);
	batch_init(br, r, "INSERT INTO assess_round_records (round_id, unit_id, metric, path, title, day) VALUES ",
		   "iissss");
	/* which unit × metric has its records frozen already */
	char *recd = arena_alloc(r->a, (size_t)nu * (size_t)(c.nmetrics ? c.nmetrics : 1) + 1);
	memset(recd, 0, (size_t)nu * (size_t)(c.nmetrics ? c.nmetrics : 1) + 1);
	for (int u = 0; u < nu; u++) {
		if (u % 200 == 0)
			progress(pfn, pctx, "scores", u, nu);
		c.cur = u;
		for (int i = 0; i < nl; i++) {
			struct leafx *l = &L[i];
			if (!leaf_applies(l, ukind[u]))
				continue;
			if (keep[(size_t)u * (size_t)nl + (size_t)i])
				continue;
			double max = leaf_max(l, ukind[u]), pts = NAN;
			const char *src = "auto", *ex = "";
			int recmetric[4], nrec = 0;
			if (!strcmp(l->method, "manual")) {
				src = "manual";
				ex = "manual";
			} else if (!strcmp(l->method, "formula") || !strcmp(l->method, "veto")) {
				if (!l->e) {
					ex = "error|formula";
				} else {
					double v = 0;
					unsigned warn = 0;
					c.failed = 0;
					expr_eval(l->e, eval_value, &c, &v, &warn);
					if (!strcmp(l->method, "veto")) {
						pts = expr_truth(v) ? 1 : 0;
						ex = arena_printf(r->a, "veto|%d|%s", (int)pts, vars_text(&c, l));
					} else {
						pts = v < 0 ? 0 : v > max ? max : v;
						ex = arena_printf(r->a, "formula|%.4g|%s", v, vars_text(&c, l));
					}
					if (c.failed)
						ex = arena_printf(r->a, "error|%s", l->formula);
				}
			} else if (!strcmp(l->method, "deduction")) {
				double n = l->mix >= 0 ? c.val[(size_t)u * (size_t)c.nmetrics + (size_t)l->mix] : NAN;
				if (isnan(n)) {
					ex = arena_printf(r->a, "error|%s", l->metric);
				} else {
					pts = assess_deduction(max, n, l->per_event);
					ex = arena_printf(r->a, "deduction|%s|%.4g|%.4g", l->metric, n, l->per_event);
					if (n > 0)
						recmetric[nrec++] = l->mix;
				}
			} else if (!strcmp(l->method, "bonus")) {
				double cnt[4];
				struct buf b;
				buf_init(&b, r->a);
				buf_puts(&b, "bonus|");
				for (int k = 0; k < l->nb; k++) {
					double v = l->bm[k] >= 0 ? c.val[(size_t)u * (size_t)c.nmetrics + (size_t)l->bm[k]] : 0;
					cnt[k] = isnan(v) ? 0 : v;
					buf_printf(&b, "%s%s=%.4g@%.4g", k ? ";" : "", l->bkey[k], cnt[k], l->bper[k]);
					if (cnt[k] > 0 && l->bm[k] >= 0)
						recmetric[nrec++] = l->bm[k];
				}
				pts = assess_bonus(max, l->nb, cnt, l->bper);
				ex = bstr(&b);
			}
			bs->v[bs->n][0].i = round_id;
			bs->v[bs->n][1].i = uid[u];
			bs->v[bs->n][2].i = l->id;
			bs->v[bs->n][3].d = max;
			bs->v[bs->n][4].d = pts;
			bs->v[bs->n][5].s = src;
			bs->v[bs->n][6].s = ex;
			if ((rc = batch_next(bs)))
				goto rollback;
			/* the records behind the figure */
			for (int k = 0; k < nrec; k++) {
				int mi = recmetric[k];
				size_t at = (size_t)u * (size_t)c.nmetrics + (size_t)mi;
				if (recd[at] || !c.m[mi]->records)
					continue;
				recd[at] = 1;
				struct recctx rx = {.b = br, .round_id = round_id, .unit_id = uid[u], .metric = c.mname[mi]};
				struct arena *main_a = r->a, scratch;
				arena_init(&scratch);
				r->a = &scratch;
				int r2 = c.m[mi]->records(r, uid[u], rd.period_from, rd.period_to, ASSESS_RECORDS_MAX,
							 rec_add, &rx);
				r->a = main_a;
				arena_free(&scratch);
				if ((rc = rx.rc ? rx.rc : r2))
					goto rollback;
			}
		}
	}
	if ((rc = batch_flush(bs)) || (rc = batch_flush(br)))
		goto rollback;
	progress(pfn, pctx, "scores", nu, nu);
	progress(pfn, pctx, "rollup", 0, 1);
	if ((rc = assess_round_rollup(r, round_id)))
		goto rollback;
	if ((rc = db_run(db, "UPDATE assess_rounds SET computed_at = ? WHERE id = ?", "ii", (int64_t)time(NULL), round_id)))
		goto rollback;
	progress(pfn, pctx, "save", 0, 1);
	if ((rc = db_commit(db)))
		goto rollback;
	progress(pfn, pctx, "save", 1, 1);
	goto out;
rollback:
	db_rollback(db);
out:
	for (int i = 0; i < nl; i++)
		expr_free(L[i].e);
	return rc;
}

/* ---- rollup, grades, ranks ---- */

struct ru {
	int64_t id, parent;
	const char *kind;
	double own, max, total;
	int vetoed, depth, pix;
	int64_t veto_ind;
	/* as stored, to write only what changed */
	double o_own, o_total, o_max;
	const char *o_grade;
	int o_rank, o_vetoed, rank, o_null;
	const char *grade;
};

static int rucmp(const void *a, const void *b)
{
	return ucmp(&((const struct ru *)a)->id, &((const struct ru *)b)->id);
}

int assess_round_rollup(struct req *r, int64_t round_id)
{
	struct db *db = req_db(r);
	struct assess_round rd;
	if (assess_round_load(r, round_id, &rd))
		return ASSESS_E_NOT_FOUND;
	int n = (int)db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_round_units WHERE round_id = ?", "i", round_id);
	/* the system's sub-units' share, a percentage */
	struct db_stmt *sq =
		db_query(db, r->a, "SELECT sub_share FROM assess_systems WHERE id = ?", "i", rd.system_id);
	if (!sq || db_step(sq) != DB_ROW)
		return DB_ERR;
	double share = db_column_double(sq, 0) / 100;
	db_reset(sq);
	struct ru *u = arena_alloc(r->a, (size_t)(n + 1) * sizeof *u);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT unit_id, COALESCE(parent_id, 0), unit_kind, own_total, total, grade, "
				     "rank_in_kind, vetoed, max_total FROM assess_round_units WHERE round_id = ? ORDER BY unit_id",
				     "i", round_id);
	int k = 0;
	while (q && db_step(q) == DB_ROW && k < n) {
		struct ru *x = &u[k++];
		memset(x, 0, sizeof *x);
		x->id = db_column_int64(q, 0);
		x->parent = db_column_int64(q, 1);
		x->kind = arena_strdup(r->a, db_column_text(q, 2));
		x->o_null = db_column_isnull(q, 3);
		x->o_own = db_column_double(q, 3);
		x->o_total = db_column_double(q, 4);
		x->o_grade = db_column_isnull(q, 5) ? "" : arena_strdup(r->a, db_column_text(q, 5));
		x->o_rank = (int)db_column_int64(q, 6);
		x->o_vetoed = (int)db_column_int64(q, 7);
		x->o_max = db_column_double(q, 8);
	}
	if (!q)
		return DB_ERR;
	n = k;
	q = db_query(db, r->a,
		     "SELECT s.unit_id, SUM(CASE WHEN i.method = 'veto' THEN 0 ELSE COALESCE(s.points, 0) END), "
		     "SUM(CASE WHEN i.method = 'veto' THEN 0 ELSE s.max_points END), MAX(CASE WHEN i.method = 'veto' AND "
		     "s.points >= 1 THEN s.indicator_id ELSE 0 END) FROM assess_round_scores s JOIN assess_indicators i ON "
		     "i.id = s.indicator_id WHERE s.round_id = ? GROUP BY s.unit_id",
		     "i", round_id);
	while (q && db_step(q) == DB_ROW) {
		struct ru key = {.id = db_column_int64(q, 0)};
		struct ru *x = bsearch(&key, u, (size_t)n, sizeof *u, rucmp);
		if (!x)
			continue;
		x->own = db_column_double(q, 1);
		x->max = db_column_double(q, 2);
		x->veto_ind = db_column_int64(q, 3);
		x->vetoed = x->veto_ind != 0;
	}
	if (!q)
		return DB_ERR;
	/* depth by the parent chain, then totals deepest first */
	int maxd = 0;
	for (int i = 0; i < n; i++) {
		struct ru key = {.id = u[i].parent};
		struct ru *p = u[i].parent ? bsearch(&key, u, (size_t)n, sizeof *u, rucmp) : NULL;
		u[i].pix = p ? (int)(p - u) : -1;
	}
	for (int i = 0; i < n; i++) {
		int d = 0;
		for (int p = u[i].pix; p >= 0 && d < 64; p = u[p].pix)
			d++;
		u[i].depth = d;
		if (d > maxd)
			maxd = d;
		u[i].total = u[i].own;
	}
	/* children's totals and maxima gathered per parent, deepest first */
	double *ct = arena_alloc(r->a, (size_t)(n + 1) * sizeof *ct), *cm = arena_alloc(r->a, (size_t)(n + 1) * sizeof *cm);
	int *cnt = arena_alloc(r->a, (size_t)(n + 1) * sizeof *cnt);
	for (int d = maxd - 1; d >= 0; d--) {
		/* the sums of the fractions suffice for the mean: feed one
		 * pseudo-child with the mean fraction */
		memset(cnt, 0, (size_t)(n + 1) * sizeof *cnt);
		memset(ct, 0, (size_t)(n + 1) * sizeof *ct);
		for (int i = 0; i < n; i++)
			if (u[i].depth == d + 1 && u[i].pix >= 0) {
				cnt[u[i].pix]++;
				ct[u[i].pix] += u[i].max > 0 ? u[i].total / u[i].max : 0;
			}
		for (int i = 0; i < n; i++)
			if (u[i].depth == d && cnt[i]) {
				double mean = ct[i] / cnt[i], one = 1;
				cm[i] = mean;
				u[i].total = assess_rollup(u[i].own, u[i].max, share, 1, &cm[i], &one);
			}
	}
	for (int i = 0; i < n; i++)
		u[i].grade = assess_grade(u[i].total, u[i].max, u[i].vetoed, rd.th_excellent, rd.th_good, rd.th_pass);
	/* ranks per kind */
	double *tt = arena_alloc(r->a, (size_t)(n + 1) * sizeof *tt);
	int *vv = arena_alloc(r->a, (size_t)(n + 1) * sizeof *vv), *rk = arena_alloc(r->a, (size_t)(n + 1) * sizeof *rk),
	    *ix = arena_alloc(r->a, (size_t)(n + 1) * sizeof *ix);
	char *done = arena_alloc(r->a, (size_t)n + 1);
	memset(done, 0, (size_t)n + 1);
	for (int i = 0; i < n; i++) {
		if (done[i])
			continue;
		int m = 0;
		for (int j = i; j < n; j++)
			if (!done[j] && !strcmp(u[j].kind, u[i].kind)) {
				done[j] = 1;
				ix[m] = j;
				tt[m] = u[j].total;
				vv[m++] = u[j].vetoed;
			}
		assess_rank(m, tt, vv, rk);
		for (int j = 0; j < m; j++)
			u[ix[j]].rank = rk[j];
	}
	struct db_stmt *up = db_prepare(db, r->a,
					"UPDATE assess_round_units SET own_total = ?, total = ?, grade = ?, rank_in_kind = ?, "
					"vetoed = ?, veto_indicator_id = ?, max_total = ? WHERE round_id = ? AND unit_id = ?");
	if (!up)
		return DB_ERR;
	for (int i = 0; i < n; i++) {
		struct ru *x = &u[i];
		if (!x->o_null && fabs(x->o_own - x->own) < 1e-9 && fabs(x->o_total - x->total) < 1e-9 &&
		    !strcmp(x->o_grade, x->grade) && x->o_rank == x->rank && x->o_vetoed == x->vetoed &&
		    fabs(x->o_max - x->max) < 1e-9)
			continue;
		db_reset(up);
		db_bind_double(up, 1, x->own);
		db_bind_double(up, 2, x->total);
		db_bind_text(up, 3, x->grade);
		db_bind_int64(up, 4, x->rank);
		db_bind_int64(up, 5, x->vetoed);
		if (x->veto_ind)
			db_bind_int64(up, 6, x->veto_ind);
		else
			db_bind_null(up, 6);
		db_bind_double(up, 7, x->max);
		db_bind_int64(up, 8, round_id);
		db_bind_int64(up, 9, x->id);
		int rc = db_step(up);
		if (rc != DB_DONE)
			return rc < 0 ? rc : DB_ERR;
	}
	return 0;
}

int assess_score_set(struct req *r, int64_t round_id, int64_t unit_id, int64_t indicator_id, double points,
		     const char *source, const char *comment)
{
	struct db *db = req_db(r);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT s.max_points, i.method FROM assess_round_scores s JOIN assess_indicators i ON "
				     "i.id = s.indicator_id WHERE s.round_id = ? AND s.unit_id = ? AND s.indicator_id = ?",
				     "iii", round_id, unit_id, indicator_id);
	if (!q)
		return DB_ERR;
	if (db_step(q) != DB_ROW)
		return ASSESS_E_NOT_FOUND;
	double max = db_column_double(q, 0);
	int veto = !strcmp(db_column_text(q, 1), "veto");
	if (!isfinite(points))
		points = 0;
	points = veto ? (points >= 0.5 ? 1 : 0) : points < 0 ? 0 : points > max ? max : points;
	int rc = db_run(db,
			"UPDATE assess_round_scores SET points = ?, source = ?, comment = ?, scored_by = NULLIF(CAST(? AS "
			"BIGINT), 0), scored_at = ? "
			"WHERE round_id = ? AND unit_id = ? AND indicator_id = ?",
			"dssiiiii", points, source, comment ? comment : "", r->user ? r->user->id : (int64_t)0,
			(int64_t)time(NULL), round_id, unit_id, indicator_id);
	return rc ? rc : assess_round_rollup(r, round_id);
}
