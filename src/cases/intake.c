/* intake.c — a case comes in: from the public portal, Open311, the office's
 * quick-entry page (hotline, report box, media, walk-in, opinion forms) or
 * a conduct supervisor's own account. One function registers them all
 * (case_submit); similar open cases are suggested while one is entered. */
#include "../core/cal.h"
#include "../core/onetime.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/write.h"
#include "../records/workflow.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "cases.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- tracking codes ---- */

static void code_make(char out[CASE_CODE_SIZE])
{
	onetime_make(out, 12, 4);
}

/* The stored form of a code: its characters upper-cased, without dashes
 * or spaces, hashed (SHA-256, hex): the database never holds the code. */
static const char *code_hash(struct req *r, const char *code)
{
	char canon[64];
	size_t n = 0;
	for (const char *p = code; *p && n < sizeof canon - 1; p++)
		if (isalnum((unsigned char)*p))
			canon[n++] = (char)toupper((unsigned char)*p);
	canon[n] = 0;
	if (n != 12)
		return NULL;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)canon, n);
	char *hex = arena_alloc(r->a, 2 * sizeof h + 1);
	sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
	return hex;
}

struct record *case_by_code(struct req *r, const char *code)
{
	const char *h = code ? code_hash(r, code) : NULL;
	if (!h)
		return NULL;
	int64_t id = db_one_int64(req_db(r), 0, "SELECT id FROM cases WHERE tracking_hash = ?", "s", h);
	return id > 0 ? record_load(r, &cases_type, id) : NULL;
}

/* ---- registering ---- */

static int has_role(const struct user *u, enum role role)
{
	for (int i = 0; u && i < u->ngrants; i++)
		if (u->grants[i].role == role)
			return 1;
	return 0;
}

int case_submit(struct req *r, struct record *rec, char code[CASE_CODE_SIZE], struct record_errors *errs)
{
	struct db *db = req_db(r);
	if (!db)
		return DB_ERR;
	code_make(code);
	rec->vals[CASE_TRACKING] = code_hash(r, code);
	rec->vals[CASE_NUMBER] = NULL;
	rec->vals[CASE_UNIT_ID] = NULL;
	rec->vals[CASE_SUBMITTER] =
		has_role(r->user, ROLE_SUPERVISOR) ? arena_printf(r->a, "%lld", (long long)r->user->id) : NULL;
	/* the category is the catalogue's, readable to all who may file: the
	 * public and the supervisors too, but the public only a public one */
	struct ref_memo memo = {0};
	int64_t cat = rec->vals[CASE_CATEGORY_ID] ? strtoll(rec->vals[CASE_CATEGORY_ID], NULL, 10) : 0;
	if (cat > 0 &&
	    db_one_int64(db, 0,
			 r->user ? "SELECT count(*) FROM case_categories WHERE id = ? AND archived = 0"
				 : "SELECT count(*) FROM case_categories WHERE id = ? AND public = 1 AND archived = 0",
			 "i", cat)) {
		memo.slots = malloc(sizeof *memo.slots);
		if (!memo.slots)
			return DB_ERR;
		memo.slots[0] = (struct ref_memo_slot){case_categories_type.table, cat};
		memo.n = memo.cap = 1;
	}
	record_validate_new(r, rec, errs, &memo);
	ref_memo_free(&memo);
	if (errs->count)
		return WF_E_INVALID;
	return record_save(r, rec, NULL);
}

/* ---- durable intake ---- */

struct submit_job {
	struct record *rec;
	char *code;
	struct record_errors *errs;
	int (*more)(struct req *r, struct record *rec, void *ctx);
	void *ctx;
};

static int submit_job(struct req *r, void *ctx)
{
	struct submit_job *j = ctx;
	int rc = case_submit(r, j->rec, j->code, j->errs);
	if (!rc && j->more)
		rc = j->more(r, j->rec, j->ctx);
	return rc;
}

int case_submit_durable(struct req *r, struct record *rec, char code[CASE_CODE_SIZE], struct record_errors *errs,
			int (*more)(struct req *r, struct record *rec, void *ctx), void *ctx)
{
	struct submit_job j = {rec, code, errs, more, ctx};
	errs->count = 0;
	errs->record = M_NONE;
	errs->field = NULL;
	return req_write(r, submit_job, &j);
}

/* ---- similar open cases ---- */

/* The distinct character pairs of s (letters and digits only, lower-cased
 * ASCII), at most max, as code-point pairs packed in 64 bits. */
static size_t pairs(const char *s, uint64_t *out, size_t max)
{
	uint32_t prev = 0;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < max;) {
		uint32_t cp;
		int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		if (len == 1)
			cp = (uint32_t)tolower(*p);
		else {
			cp = *p & (0xFF >> (len + 1));
			for (int k = 1; k < len && p[k]; k++)
				cp = (cp << 6) | (p[k] & 0x3F);
		}
		for (int k = 0; k < len && *p; k++)
			p++;
		int word = (cp < 0x80 && isalnum((int)cp)) || cp >= 0x3400;
		if (!word) {
			prev = 0;
			continue;
		}
		if (prev) {
			uint64_t pr = ((uint64_t)prev << 32) | cp;
			size_t k = 0;
			while (k < n && out[k] != pr)
				k++;
			if (k == n)
				out[n++] = pr;
		}
		prev = cp;
	}
	return n;
}

/* Dice similarity of two texts' character pairs, 0..1. */
static double similarity(const char *a, const char *b)
{
	uint64_t pa[256], pb[256];
	size_t na = pairs(a, pa, 256), nb = pairs(b, pb, 256), common = 0;
	if (!na || !nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (pa[i] == pb[j]) {
				common++;
				break;
			}
	return 2.0 * (double)common / (double)(na + nb);
}

#define SIMILAR_WINDOW (90 * 86400) /* open cases of the last 90 days */
#define SIMILAR_SCAN 500
#define SIMILAR_MIN 0.35

static int by_score(const void *a, const void *b)
{
	double x = ((const struct case_match *)a)->score, y = ((const struct case_match *)b)->score;
	return x < y ? 1 : x > y ? -1 : 0;
}

int case_similar(struct req *r, int64_t category, const char *text, const char *address, int64_t except,
		 struct case_match *out, int max)
{
	struct case_match *all = arena_alloc(r->a, SIMILAR_SCAN * sizeof *all);
	int n = 0;
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, number, title, description, address, state FROM "
				     "cases WHERE category_id = ? "
				     "AND archived = 0 AND state NOT IN ('closed', 'merged') AND "
				     "received_at >= ? AND id <> ? "
				     "ORDER BY id DESC LIMIT 500",
				     "iii", category, (int64_t)time(NULL) - SIMILAR_WINDOW, except);
	while (q && db_step(q) == DB_ROW && n < SIMILAR_SCAN) {
		const char *title = db_column_text(q, 2), *desc = db_column_text(q, 3), *addr = db_column_text(q, 4);
		double s =
			similarity(text ? text : "", arena_printf(r->a, "%s %s", title ? title : "", desc ? desc : ""));
		if (address && *address && addr && !strcmp(address, addr))
			s += 0.5;
		if (s >= SIMILAR_MIN)
			all[n++] = (struct case_match){db_column_int64(q, 0), arena_strdup(r->a, db_column_text(q, 1)),
						       arena_strdup(r->a, title),
						       arena_strdup(r->a, db_column_text(q, 5)), s};
	}
	qsort(all, (size_t)n, sizeof *all, by_score);
	if (n > max)
		n = max;
	memcpy(out, all, (size_t)n * sizeof *out);
	return n;
}
