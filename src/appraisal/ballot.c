/* ballot.c — the anonymous ballot: the public page a rater opens from a
 * token's link or QR code (no account, phone first), the shared form of
 * the questions, and the one function that stores a ballot with its tally.
 *
 * Anonymity is the point of this file (docs/DECISIONS.md, "Appraisal
 * ballots are anonymous"): the token travels in the query string on GET
 * (the access log writes paths only) and in the body on POST, the answer
 * is a redirect to a page without it, the ballot rows name no token, rater,
 * address or time, and nothing here writes an audit entry or a log line. */
#include "../auth/throttle.h"
#include "../core/onetime.h"
#include "../core/buf.h"
#include "../db/db.h"
#include "../http/write.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "appraisal.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BALLOT_PER_IP 30 /* ballots and failed tokens per address per THROTTLE_WINDOW */
#define OPINION_MAX 2000 /* characters */

int appraisal_is_office(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if ((r->user->grants[i].role == ROLE_ADMIN || r->user->grants[i].role == ROLE_OFFICE) &&
		    r->user->grants[i].unit_id == 0)
			return 1;
	return 0;
}

int appraisal_questions(struct req *r, int64_t qid, struct appraisal_q *q)
{
	struct db_stmt *s = db_query(req_db(r), r->a,
				     "SELECT id, dimension, levels, text_zh_hant, text_zh_hans, text_en FROM "
				     "appraisal_questions WHERE questionnaire_id = ? AND archived = 0 "
				     "ORDER BY position, id",
				     "i", qid);
	if (!s)
		return DB_ERR;
	int n = 0, rc;
	while (n < APPRAISAL_MAXQ && (rc = db_step(s)) == DB_ROW) {
		q[n].id = db_column_int64(s, 0);
		q[n].dim = 0;
		const char *d = db_column_text(s, 1);
		for (int k = 0; d && appraisal_dimensions[k].code; k++)
			if (!strcmp(appraisal_dimensions[k].code, d))
				q[n].dim = k;
		q[n].levels = db_column_text(s, 2) && !strcmp(db_column_text(s, 2), "3") ? 3 : 5;
		for (int l = 0; l < 3; l++)
			q[n].text[l] = arena_strdup(r->a, db_column_text(s, 3 + l) ? db_column_text(s, 3 + l) : "");
		n++;
	}
	return n;
}

enum msg_id appraisal_level_label(int levels, int l)
{
	static const enum msg_id five[] = {M_appr_lv_very_dissatisfied, M_appr_lv_dissatisfied, M_appr_lv_fairly,
					   M_appr_lv_satisfied, M_appr_lv_very_satisfied};
	static const enum msg_id three[] = {M_appr_lv_dissatisfied, M_appr_lv_fairly, M_appr_lv_satisfied};
	if (l < 1 || l > levels)
		return M_NONE;
	return levels == 3 ? three[l - 1] : five[l - 1];
}

void appraisal_render_questions(struct req *r, int nq, const struct appraisal_q *q, const int *level,
				const char *opinion, int missing)
{
	for (int i = 0; i < nq; i++) {
		int bad = i == missing;
		html(r,
		     "<fieldset class=\"field ballot-q%H\" id=\"q-%D\"%H><legend><span "
		     "class=\"muted\">%T</span><br>%d. %s%H</legend>",
		     bad ? MARKUP(" has-error") : NULL, q[i].id,
		     bad ? html_fmt(r, " aria-describedby=\"q-%D-err\"", q[i].id) : NULL,
		     appraisal_dimensions[q[i].dim].label, i + 1, q[i].text[r->lang], field_required_mark(r));
		for (int l = q[i].levels; l >= 1; l--)
			html(r,
			     "<label class=\"check\"><input type=\"radio\" name=\"q%D\" value=\"%d\"%H> "
			     "%T</label>",
			     q[i].id, l, level && level[i] == l ? MARKUP(" checked") : NULL,
			     appraisal_level_label(q[i].levels, l));
		if (bad)
			html(r, "<p class=\"error\" id=\"q-%D-err\">%T</p>", q[i].id, M_appr_answer_needed);
		html(r, "</fieldset>");
	}
	html(r,
	     "<div class=\"field\"><label for=\"f-opinion\">%T</label><textarea id=\"f-opinion\" name=\"opinion\" "
	     "rows=\"4\" maxlength=\"%d\">%s</textarea><p class=\"hint\">%T</p></div>",
	     M_appr_opinion, OPINION_MAX, opinion ? opinion : "", M_appr_opinion_hint);
}

int appraisal_read_answers(struct req *r, int nq, const struct appraisal_q *q, int *level)
{
	int missing = -1;
	for (int i = 0; i < nq; i++) {
		char name[32];
		snprintf(name, sizeof name, "q%lld", (long long)q[i].id);
		const char *v = req_form(r, name);
		char *end = NULL;
		long l = v && *v ? strtol(v, &end, 10) : 0;
		level[i] = end && !*end && l >= 1 && l <= q[i].levels ? (int)l : 0;
		if (!level[i] && missing < 0)
			missing = i;
	}
	return missing;
}

/* The ballot's answers and the tally's increments, each as one multi-row
 * statement: 0 or a DB_E_* code. */
static int answers_insert(struct req *r, const struct appraisal_ballot *b, int64_t id)
{
	struct db *db = req_db(r);
	struct buf a, t;
	buf_init(&a, r->a);
	buf_init(&t, r->a);
	buf_puts(&a, "INSERT INTO appraisal_answers (ballot_id, question_id, level) VALUES ");
	buf_puts(&t, "INSERT INTO appraisal_tally (campaign_id, unit_id, question_id, level, n) VALUES ");
	for (int i = 0; i < b->nq; i++) {
		buf_puts(&a, i ? ", (?, ?, ?)" : "(?, ?, ?)");
		buf_puts(&t, i ? ", (?, ?, ?, ?, 1)" : "(?, ?, ?, ?, 1)");
	}
	buf_puts(&t, " ON CONFLICT (campaign_id, unit_id, question_id, level) DO UPDATE SET n = appraisal_tally.n + 1");
	struct db_stmt *sa = db_prepare(db, r->a, a.p), *st = db_prepare(db, r->a, t.p);
	if (!sa || !st)
		return DB_ERR;
	for (int i = 0; i < b->nq; i++) {
		db_bind_int64(sa, 3 * i + 1, id);
		db_bind_int64(sa, 3 * i + 2, b->q[i].id);
		db_bind_int64(sa, 3 * i + 3, b->level[i]);
		db_bind_int64(st, 4 * i + 1, b->campaign);
		db_bind_int64(st, 4 * i + 2, b->unit);
		db_bind_int64(st, 4 * i + 3, b->q[i].id);
		db_bind_int64(st, 4 * i + 4, b->level[i]);
	}
	int rc = db_step(sa);
	db_reset(sa);
	if (rc == DB_DONE) {
		rc = db_step(st);
		db_reset(st);
	}
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERR;
}

int appraisal_store(struct req *r, struct appraisal_ballot *b)
{
	struct db *db = req_db(r);
	b->used = 0;
	if (b->token_hash) {
		int rc = db_run(db, "UPDATE appraisal_tokens SET used = 1 WHERE hash = ? AND used = 0", "s",
				b->token_hash);
		if (rc)
			return rc;
		if (db_changes(db) != 1) {
			b->used = 1;
			return 1;
		}
	}
	int64_t id =
		db_insert(db,
			  "INSERT INTO appraisal_ballots (campaign_id, unit_id, pool_id, channel) VALUES (?, ?, ?, ?) "
			  "RETURNING id",
			  "iiss", b->campaign, b->unit, b->pool ? arena_printf(r->a, "%lld", (long long)b->pool) : NULL,
			  b->token_hash ? "token" : "paper");
	if (id < 0)
		return (int)id;
	/* the answers and their tally: one statement each for all the
	 * questions (a ballot is ~30 rows; the writer runs ballots one after
	 * the other, so statements, not rows, are what it spends) */
	if (b->nq > 0) {
		int rc = answers_insert(r, b, id);
		if (rc)
			return rc;
	}
	int rc = db_run(db,
			"INSERT INTO appraisal_counts (campaign_id, unit_id, ballots) VALUES (?, ?, 1) ON CONFLICT "
			"(campaign_id, unit_id) DO UPDATE SET ballots = appraisal_counts.ballots + 1",
			"ii", b->campaign, b->unit);
	if (!rc && b->opinion && *b->opinion)
		rc = db_run(db, "INSERT INTO appraisal_opinions (campaign_id, unit_id, body) VALUES (?, ?, ?)", "iis",
			    b->campaign, b->unit, b->opinion);
	return rc;
}

/* ---- the public page ---- */

const char *appraisal_token_hash(struct req *r, const char *token)
{
	char *hex = arena_alloc(r->a, ONETIME_HASH_SIZE);
	return onetime_hash(token, 16, hex) ? NULL : hex;
}

struct token_info {
	int64_t campaign, unit, pool, questionnaire;
	int used;
	const char *state, *title, *unit_name, *hash;
};

/* 0 and the token's campaign and unit, or -1 when there is no such token. */
static int token_find(struct req *r, const char *token, struct token_info *t)
{
	memset(t, 0, sizeof *t);
	t->hash = appraisal_token_hash(r, token);
	if (!t->hash)
		return -1;
	struct db_stmt *s = db_query(
		req_db(r), r->a,
		"SELECT t.campaign_id, t.unit_id, t.pool_id, t.used, CASE WHEN c.archived = 0 THEN c.state ELSE "
		"'archived' END, c.title, "
		"c.questionnaire_id, u.name FROM appraisal_tokens t JOIN appraisal_campaigns c ON "
		"c.id = t.campaign_id JOIN units u ON u.id = t.unit_id WHERE t.hash = ?",
		"s", t->hash);
	if (!s || db_step(s) != DB_ROW)
		return -1;
	t->campaign = db_column_int64(s, 0);
	t->unit = db_column_int64(s, 1);
	t->pool = db_column_int64(s, 2);
	t->used = (int)db_column_int64(s, 3);
	t->state = arena_strdup(r->a, db_column_text(s, 4));
	t->title = arena_strdup(r->a, db_column_text(s, 5));
	t->questionnaire = db_column_int64(s, 6);
	t->unit_name = arena_strdup(r->a, db_column_text(s, 7));
	return 0;
}

/* next: where the language switch returns to (the ballot of the same
 * token, so that a rater who changes language keeps the ballot). */
static void ballot_begin_to(struct req *r, const char *title, const char *next)
{
	r->no_store = 1;
	page_public_begin(r, title, "/ballot", next, NULL);
}

static void ballot_begin(struct req *r, const char *title)
{
	ballot_begin_to(r, title, "/ballot");
}

/* A page saying why nothing was counted, in the user's language. */
static int ballot_message(struct req *r, int status, enum msg_id title, enum msg_id detail)
{
	r->status = status;
	ballot_begin(r, T(r, title));
	html(r,
	     "<section class=\"card public-card ballot-message\" role=\"alert\"><h1>%T</h1><p>%T</p>"
	     "<p><a class=\"btn\" href=\"/ballot\">%T</a></p></section>",
	     title, detail, M_appr_ballot_other);
	page_public_end(r);
	return 0;
}

static int ballot_form(struct req *r, const struct token_info *t, const char *token, const int *level,
		       const char *opinion, int missing, int nq, const struct appraisal_q *q)
{
	/* the token as the form shows it: letters, digits and dashes only */
	char *keep = arena_strdup(r->a, token);
	size_t k = 0;
	for (const char *p = token; *p; p++)
		if (isalnum((unsigned char)*p) || *p == '-')
			keep[k++] = *p;
	keep[k] = 0;
	ballot_begin_to(r, T(r, M_appr_ballot), arena_printf(r->a, "/ballot?t=%s", keep));
	html(r,
	     "<section class=\"card public-card ballot\"><h1>%s</h1><p class=\"ballot-unit\">%T <strong>%s</strong>"
	     "</p><p class=\"hint\">%T</p>",
	     t->title, M_appr_ballot_for, t->unit_name, M_appr_ballot_intro);
	if (missing >= 0)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T <a href=\"#q-%D\">%d. %s</a></div>",
		     M_appr_missing_answer, q[missing].id, missing + 1, q[missing].text[r->lang]);
	html(r, "<form method=\"post\" action=\"/ballot\" novalidate>%H<input type=\"hidden\" name=\"t\" value=\"%a\">",
	     csrf_input(r), token);
	appraisal_render_questions(r, nq, q, level, opinion, missing);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn btn-primary btn-block\">%T</button></div></form>"
	     "<p class=\"hint\">%T</p></section>",
	     M_appr_ballot_submit, M_appr_ballot_anonymous);
	page_public_end(r);
	return 0;
}

static int ballot_entry(struct req *r, int status, int bad)
{
	r->status = status;
	ballot_begin(r, T(r, M_appr_ballot));
	html(r,
	     "<section class=\"card public-card\"><h1>%T</h1><p>%T</p><form method=\"get\" action=\"/ballot\">"
	     "<div class=\"field%H\"><label for=\"f-t\">%T</label><input id=\"f-t\" name=\"t\" "
	     "autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" "
	     "placeholder=\"XXXX-XXXX-XXXX-XXXX\""
	     "%H>%H</div><div class=\"form-actions\"><button class=\"btn btn-primary\">%T</button></div></form>"
	     "</section>",
	     M_appr_ballot, M_appr_ballot_enter_hint, bad ? MARKUP(" has-error") : NULL, M_appr_token,
	     bad ? MARKUP(" aria-invalid=\"true\"") : NULL,
	     bad ? html_fmt(r, "<p class=\"error\">%T</p>", M_appr_token_unknown) : NULL, M_appr_ballot_open);
	page_public_end(r);
	return 0;
}

/* Why a token found cannot vote now: M_NONE when it can. */
static enum msg_id token_refusal(const struct token_info *t, int *status)
{
	if (t->used) {
		*status = 410;
		return M_appr_token_used;
	}
	if (!t->state || strcmp(t->state, "open") != 0) {
		*status = 410;
		return M_appr_token_closed;
	}
	return M_NONE;
}

static int ballot_page(struct req *r)
{
	const char *token = req_query(r, "t");
	if (!token || !*token)
		return ballot_entry(r, 200, 0);
	int64_t now = (int64_t)time(NULL);
	const char *key = arena_printf(r->a, "ballot:%s", r->ip);
	if (throttle_wait(req_db(r), key, now) > 0)
		return ballot_message(r, 429, M_appr_too_many, M_appr_too_many_detail);
	struct token_info t;
	if (token_find(r, token, &t)) {
		throttle_fail(req_db(r), key, BALLOT_PER_IP, BALLOT_PER_IP, now);
		return ballot_message(r, 404, M_appr_token_invalid, M_appr_token_unknown);
	}
	int status;
	enum msg_id why = token_refusal(&t, &status);
	if (why != M_NONE)
		return ballot_message(r, status, why, M_appr_nothing_counted);
	struct appraisal_q *q = arena_alloc(r->a, APPRAISAL_MAXQ * sizeof *q);
	int nq = appraisal_questions(r, t.questionnaire, q);
	if (nq <= 0)
		return req_fail(r, 500, M_NONE);
	return ballot_form(r, &t, token, NULL, NULL, -1, nq, q);
}

struct store_job {
	struct appraisal_ballot b;
	const char *key;
	int64_t now;
};

static int store_fn(struct req *r, void *ctx)
{
	struct store_job *j = ctx;
	/* the campaign may have closed since the page was read */
	char *st = db_one_text(req_db(r), r->a, "SELECT state FROM appraisal_campaigns WHERE id = ? AND archived = 0",
			       "i", j->b.campaign);
	if (!st || strcmp(st, "open") != 0)
		return 2;
	int rc = appraisal_store(r, &j->b);
	if (rc)
		return rc;
	throttle_fail(req_db(r), j->key, BALLOT_PER_IP, BALLOT_PER_IP, j->now);
	return 0;
}

static int ballot_post(struct req *r)
{
	const char *token = req_form(r, "t");
	int64_t now = (int64_t)time(NULL);
	const char *key = arena_printf(r->a, "ballot:%s", r->ip);
	if (throttle_wait(req_db(r), key, now) > 0)
		return ballot_message(r, 429, M_appr_too_many, M_appr_too_many_detail);
	if (!token || !*token)
		return ballot_entry(r, 422, 1);
	struct token_info t;
	if (token_find(r, token, &t)) {
		throttle_fail(req_db(r), key, BALLOT_PER_IP, BALLOT_PER_IP, now);
		return ballot_message(r, 404, M_appr_token_invalid, M_appr_token_unknown);
	}
	int status;
	enum msg_id why = token_refusal(&t, &status);
	if (why != M_NONE)
		return ballot_message(r, status, why, M_appr_nothing_counted);
	struct appraisal_q *q = arena_alloc(r->a, APPRAISAL_MAXQ * sizeof *q);
	int nq = appraisal_questions(r, t.questionnaire, q);
	if (nq <= 0)
		return req_fail(r, 500, M_NONE);
	int *level = arena_alloc(r->a, (size_t)nq * sizeof *level);
	int missing = appraisal_read_answers(r, nq, q, level);
	const char *opinion = req_form(r, "opinion");
	if (opinion && strlen(opinion) > OPINION_MAX * 3) {
		/* longer than the form allows: cut at a character's start */
		size_t n = OPINION_MAX * 3;
		while (n && ((unsigned char)opinion[n] & 0xC0) == 0x80)
			n--;
		opinion = arena_strndup(r->a, opinion, n);
	}
	if (missing >= 0) {
		r->status = 422;
		return ballot_form(r, &t, token, level, opinion, missing, nq, q);
	}
	/* trimmed; an opinion of blanks is none */
	if (opinion) {
		while (isspace((unsigned char)*opinion))
			opinion++;
		size_t n = strlen(opinion);
		while (n && isspace((unsigned char)opinion[n - 1]))
			n--;
		char *o = arena_alloc(r->a, n + 1);
		memcpy(o, opinion, n);
		o[n] = 0;
		opinion = o;
	}
	struct store_job j = {.b = {.campaign = t.campaign,
				    .unit = t.unit,
				    .pool = t.pool,
				    .token_hash = t.hash,
				    .nq = nq,
				    .q = q,
				    .level = level,
				    .opinion = opinion},
			      .key = key,
			      .now = now};
	int rc = req_write(r, store_fn, &j);
	if (rc == 1)
		return ballot_message(r, 410, M_appr_token_used, M_appr_nothing_counted);
	if (rc == 2)
		return ballot_message(r, 410, M_appr_token_closed, M_appr_nothing_counted);
	if (rc)
		return req_fail(r, 503, M_NONE);
	return req_redirect(r, "/ballot/thanks");
}

static int thanks_page(struct req *r)
{
	ballot_begin(r, T(r, M_appr_thanks));
	html(r, "<section class=\"card public-card\" role=\"status\"><h1>%T</h1><p>%T</p></section>", M_appr_thanks,
	     M_appr_thanks_detail);
	page_public_end(r);
	return 0;
}

const struct route appraisal_ballot_routes[] = {
	{"GET", "/ballot", ballot_page, P_PUBLIC, 0, "ballot"},
	{"POST", "/ballot", ballot_post, P_PUBLIC, 1, "ballot"},
	{"GET", "/ballot/thanks", thanks_page, P_PUBLIC, 0, "ballot thanks"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
