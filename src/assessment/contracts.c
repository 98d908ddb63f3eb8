/* contracts.c — the annual responsibility contracts (年度責任狀): the
 * office issues one to each secondary unit from the year's indicator
 * system in use (level 1), a unit's clerk decomposes theirs to the
 * unit's departments and windows (level 2), and they to posts, one person
 * each (level 3); every child is linked to the contract above and the
 * parent's page shows which of its indicators no child covers yet.
 *
 * Workflow: draft (the issuer edits targets and indicators) → issued →
 * both sides sign, each by the signatory's own account → signed, or
 * in_force at once when the start date has come → assessed (a year-end
 * round was published: assess_contracts_mark_assessed). Who may do what is
 * decided here only (contract_may_see, issuer_side, holder_side); a
 * refusal is a page in the user's language and writes nothing.
 *
 * The overview (/assessment/contracts) counts who has signed per level
 * in the user's scope, lists the unsigned and sends reminders through the
 * inbox. The PDF and the public verification are in contracts_pdf.c. */
#include "../db/db.h"
#include "../core/onetime.h"
#include "../http/audit.h"
#include "../platform/inbox.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "contracts.h"
#include "contracts_impl.h"
#include "tree.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLERK_ROLES "('unit_admin', 'leader')"

/* ---- who ---- */

int contract_sees_all(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if (g->unit_id == 0 && (g->role == ROLE_ADMIN || g->role == ROLE_OFFICE || g->role == ROLE_LEADER ||
					g->role == ROLE_UNIT_ADMIN))
			return 1;
	}
	return 0;
}

/* A clerk (unit_admin or leader) whose scope covers unit. */
static int clerk_covers(struct req *r, int64_t unit)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if (g->role != ROLE_UNIT_ADMIN && g->role != ROLE_LEADER)
			continue;
		if (g->unit_id == 0 || unit_in_subtree(req_db(r), g->unit_id, unit))
			return 1;
	}
	return 0;
}

/* A clerk (unit_admin or leader) anywhere: one who may remind. */
static int clerk_anywhere(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_UNIT_ADMIN || r->user->grants[i].role == ROLE_LEADER)
			return 1;
	return 0;
}

/* A clerk of unit itself: the one who signs for it. */
static int clerk_of(struct req *r, int64_t unit)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++) {
		const struct grant *g = &r->user->grants[i];
		if ((g->role == ROLE_UNIT_ADMIN || g->role == ROLE_LEADER) && g->unit_id == unit)
			return 1;
	}
	return 0;
}

int contract_may_see(struct req *r, const struct contract *c)
{
	if (!r->user)
		return 0;
	return assess_is_office(r) || contract_sees_all(r) || (c->holder_user && c->holder_user == r->user->id) ||
	       clerk_covers(r, c->holder_unit) || clerk_covers(r, c->issuer_unit);
}

/* The issuer's side: the office, or a clerk whose scope covers the
 * issuing unit (the bureau's for level 1). Edits, issues, signs for the
 * issuer, decomposes and reminds. */
static int issuer_side(struct req *r, const struct contract *c)
{
	return assess_is_office(r) || clerk_covers(r, c->issuer_unit);
}

/* The holder's side: the person themselves for a post, the unit's own
 * clerk for a unit. */
static int holder_side(struct req *r, const struct contract *c)
{
	if (!r->user)
		return 0;
	if (c->holder_person)
		return c->holder_user && c->holder_user == r->user->id;
	return clerk_of(r, c->holder_unit);
}

/* May the user decompose c (issue contracts below it)? */
static int may_decompose(struct req *r, const struct contract *c)
{
	return c->level < 3 && (assess_is_office(r) || clerk_covers(r, c->holder_unit));
}

/* ---- small things ---- */

const char *contract_time(struct req *r, int64_t t)
{
	if (!t)
		return "";
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return arena_printf(r->a, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			    tm.tm_min);
}

static const char *today(struct req *r)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return arena_printf(r->a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

enum msg_id contract_state_label(const char *s)
{
	return !strcmp(s, "draft")      ? M_contract_state_draft
	       : !strcmp(s, "issued")   ? M_contract_state_issued
	       : !strcmp(s, "signed")   ? M_contract_state_signed
	       : !strcmp(s, "in_force") ? M_contract_state_in_force
					: M_contract_state_assessed;
}

static const char *state_badge(const char *s)
{
	return !strcmp(s, "issued") ? "badge badge-warn" : !strcmp(s, "draft") ? "badge badge-muted" : "badge badge-ok";
}

enum msg_id contract_level_label(int level)
{
	return level == 1 ? M_contract_level_1 : level == 2 ? M_contract_level_2 : M_contract_level_3;
}

const char *contract_holder_name(struct req *r, const struct contract *c)
{
	return c->holder_person ? arena_printf(r->a, "%s（%s）", c->holder_person_name, c->holder_unit_name)
				: c->holder_unit_name;
}

static int audit_contract(struct req *r, const char *action, int64_t id, json_t *what);

int assess_contracts_due(struct req *r)
{
	struct db *db = req_db(r);
	const char *d = today(r);
	if (!db_one_int64(db, 0,
			  "SELECT COUNT(*) FROM assess_contracts WHERE state = 'signed' AND starts_on IS NOT NULL AND "
			  "starts_on <= ?",
			  "s", d))
		return 0;
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(
			db,
			"UPDATE assess_contracts SET state = 'in_force', in_force_at = ? WHERE state = 'signed' AND "
			"starts_on IS NOT NULL AND starts_on <= ?",
			"is", (int64_t)time(NULL), d);
	int n = rc ? 0 : (int)db_changes(db);
	if (!rc && n)
		rc = audit_contract(r, "assessment_contract_in_force", 0,
				    json_pack("{s:s, s:i}", "day", d, "contracts", n));
	if (rc || db_commit(db)) {
		db_rollback(db);
		return rc ? rc : DB_ERR;
	}
	return n;
}

/* signed contracts whose start date has come are in force before a page
 * shows them (the job does the same every hour) */
static void contracts_due(struct req *r)
{
	assess_contracts_due(r);
}

static int due_job(struct req *r)
{
	int n = assess_contracts_due(r);
	return n < 0 ? n : 0;
}

const struct job assess_contract_jobs[] = {
	{"assessment contracts in force", 3600, due_job},
	{NULL, 0, NULL},
};

int contract_load(struct req *r, int64_t id, struct contract *c)
{
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT c.id, c.system_id, COALESCE(c.parent_id, 0), c.issuer_unit_id, c.holder_unit_id, "
		"COALESCE(c.holder_person_id, 0), c.year, c.level, c.state, c.targets, COALESCE(c.starts_on, ''), "
		"c.verify_code, iu.name, hu.name, COALESCE(p.name, ''), COALESCE(p.user_id, 0), "
		"COALESCE(c.issuer_signer, ''), COALESCE(c.issuer_signed_at, 0), COALESCE(c.holder_signer, ''), "
		"COALESCE(c.holder_signed_at, 0), COALESCE(c.issued_at, 0), COALESCE(c.issuer_signed_by, 0), "
		"COALESCE(c.holder_signed_by, 0), s.name, hu.kind FROM assess_contracts c JOIN units iu ON iu.id = "
		"c.issuer_unit_id JOIN units hu ON hu.id = c.holder_unit_id LEFT JOIN people p ON p.id = "
		"c.holder_person_id JOIN assess_systems s ON s.id = c.system_id WHERE c.id = ?",
		"i", id);
	if (!q || db_step(q) != DB_ROW)
		return -1;
	memset(c, 0, sizeof *c);
	c->id = db_column_int64(q, 0);
	c->system_id = db_column_int64(q, 1);
	c->parent_id = db_column_int64(q, 2);
	c->issuer_unit = db_column_int64(q, 3);
	c->holder_unit = db_column_int64(q, 4);
	c->holder_person = db_column_int64(q, 5);
	c->year = (int)db_column_int64(q, 6);
	c->level = (int)db_column_int64(q, 7);
	c->state = arena_strdup(r->a, db_column_text(q, 8));
	c->targets = arena_strdup(r->a, db_column_text(q, 9));
	c->starts_on = arena_strdup(r->a, db_column_text(q, 10));
	c->code = arena_strdup(r->a, db_column_text(q, 11));
	c->issuer_name = arena_strdup(r->a, db_column_text(q, 12));
	c->holder_unit_name = arena_strdup(r->a, db_column_text(q, 13));
	c->holder_person_name = arena_strdup(r->a, db_column_text(q, 14));
	c->holder_user = db_column_int64(q, 15);
	c->issuer_signer = arena_strdup(r->a, db_column_text(q, 16));
	c->issuer_signed_at = db_column_int64(q, 17);
	c->holder_signer = arena_strdup(r->a, db_column_text(q, 18));
	c->holder_signed_at = db_column_int64(q, 19);
	c->issued_at = db_column_int64(q, 20);
	c->issuer_signed_by = db_column_int64(q, 21);
	c->holder_signed_by = db_column_int64(q, 22);
	c->system_name = arena_strdup(r->a, db_column_text(q, 23));
	c->holder_kind = arena_strdup(r->a, db_column_text(q, 24));
	return 0;
}

/* "組織領導 › 黨員隊伍" (arena) */
const char *contract_indicator_path(struct req *r, const struct assess_tree *t, int64_t id)
{
	const char *s = NULL;
	for (int guard = 0; id && guard < 4; guard++) {
		const struct assess_node *n = NULL;
		for (int i = 0; i < t->n; i++)
			if (t->v[i].id == id)
				n = &t->v[i];
		if (!n)
			break;
		s = s ? arena_printf(r->a, "%s › %s", n->name, s) : n->name;
		id = n->parent;
	}
	return s ? s : "";
}

int contract_items_load(struct req *r, int64_t contract_id, struct contract_item **out)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT ci.indicator_id, ci.points, ci.target FROM assess_contract_items ci JOIN "
				     "assess_indicators i ON i.id = ci.indicator_id WHERE ci.contract_id = ? ORDER BY "
				     "i.level, i.position, i.id",
				     "i", contract_id);
	int n = 0, cap = 0;
	struct contract_item *v = NULL;
	while (q && db_step(q) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			struct contract_item *w = arena_alloc(r->a, (size_t)cap * sizeof *w);
			if (n)
				memcpy(w, v, (size_t)n * sizeof *w);
			v = w;
		}
		v[n].indicator = db_column_int64(q, 0);
		v[n].points = db_column_double(q, 1);
		v[n].target = arena_strdup(r->a, db_column_text(q, 2));
		n++;
	}
	*out = v;
	return q ? n : -1;
}

/* ---- coverage ---- */

static int tree_index(const struct assess_tree *t, int64_t id)
{
	for (int i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return i;
	return -1;
}

/* Is leaf i under (or equal to) indicator id? */
static int under(const struct assess_tree *t, int i, int64_t id)
{
	for (int guard = 0; i >= 0 && guard < 4; guard++) {
		if (t->v[i].id == id)
			return 1;
		i = tree_index(t, t->v[i].parent);
	}
	return 0;
}

/* Marks in covered[] (one per tree node) the leaves under the indicators
 * of every child of contract id. */
static void children_cover(struct req *r, const struct assess_tree *t, int64_t id, char *covered)
{
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT DISTINCT ci.indicator_id FROM assess_contract_items ci JOIN assess_contracts c "
			 "ON c.id = ci.contract_id WHERE c.parent_id = ?",
			 "i", id);
	while (q && db_step(q) == DB_ROW) {
		int64_t ind = db_column_int64(q, 0);
		for (int i = 0; i < t->n; i++)
			if (t->v[i].leaf && under(t, i, ind))
				covered[i] = 1;
	}
}

/* Is every leaf under indicator ind covered? */
static int item_covered(const struct assess_tree *t, int64_t ind, const char *covered)
{
	int any = 0;
	for (int i = 0; i < t->n; i++)
		if (t->v[i].leaf && under(t, i, ind)) {
			any = 1;
			if (!covered[i])
				return 0;
		}
	return any;
}

/* ---- writing ---- */

static int audit_contract(struct req *r, const char *action, int64_t id, json_t *what)
{
	int rc = audit_log(r, action, "assess_contracts", id, NULL, what);
	json_decref(what);
	return rc;
}

/* Notifies the holder's side: the person's account for a post, the
 * unit's clerks (or the nearest above) for a unit. 0 or a negative code. */
static int notify_holder(struct req *r, int64_t id, enum msg_id subject)
{
	struct contract c;
	if (contract_load(r, id, &c))
		return DB_ERR;
	const char *detail = arena_printf(r->a, "%d · %s → %s", c.year, c.issuer_name, contract_holder_name(r, &c));
	const char *link = arena_printf(r->a, "/assessment/contracts/%lld", (long long)id);
	if (c.holder_person) {
		if (!c.holder_user)
			return 0;
		int64_t n = notify_user(r, c.holder_user, "assessment.contract", subject, detail, link);
		return n < 0 ? (int)n : 0;
	}
	int n = notify_unit(r, c.holder_unit, 1u << ROLE_UNIT_ADMIN | 1u << ROLE_LEADER, "assessment.contract", subject,
			    detail, link);
	return n < 0 ? n : 0;
}

/* Inserts a contract and its items (from the system's leaves for level 1,
 * from the parent's items for the others, those that apply to the
 * holder's kind); issued at once when issue is set (and the holder
 * notified). The new id, or a negative code. Call inside a transaction. */
static int64_t contract_insert(struct req *r, int64_t system_id, int year, int level, int64_t parent,
			       int64_t issuer_unit, int64_t holder_unit, int64_t person, const char *targets, int issue)
{
	struct db *db = req_db(r);
	char code[16];
	onetime_make(code, 12, 0);
	int64_t now = (int64_t)time(NULL), uid = r->user ? r->user->id : 0;
	int64_t id = db_insert(
		db,
		"INSERT INTO assess_contracts (system_id, year, level, parent_id, issuer_unit_id, holder_unit_id, "
		"holder_person_id, state, targets, verify_code, created_by, created_at, issued_by, issued_at) VALUES "
		"(?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, NULLIF(CAST(? AS "
		"BIGINT), 0), ?, NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0)) RETURNING id",
		"iiiiiiisssiiii", system_id, (int64_t)year, (int64_t)level, parent, issuer_unit, holder_unit, person,
		issue ? "issued" : "draft", targets, code, uid, now, issue ? uid : 0, issue ? now : 0);
	if (id < 0)
		return id;
	const char *kind =
		person ? "post" : db_one_text(db, r->a, "SELECT kind FROM units WHERE id = ?", "i", holder_unit);
	int rc =
		level == 1
			? db_run(db,
				 "INSERT INTO assess_contract_items (contract_id, indicator_id, points, target) SELECT "
				 "?, i.id, COALESCE(w.max_points, i.max_points), '' FROM assess_indicators i LEFT JOIN "
				 "assess_weights w ON w.indicator_id = i.id AND w.unit_kind = ? WHERE i.system_id = ? "
				 "AND NOT EXISTS (SELECT 1 FROM assess_indicators k WHERE k.parent_id = i.id) AND "
				 "(w.max_points IS NULL OR w.max_points > 0)",
				 "isi", id, kind ? kind : "", system_id)
			: db_run(db,
				 "INSERT INTO assess_contract_items (contract_id, indicator_id, points, target) SELECT "
				 "?, pi.indicator_id, COALESCE(w.max_points, pi.points), pi.target FROM "
				 "assess_contract_items pi LEFT JOIN assess_weights w ON w.indicator_id = "
				 "pi.indicator_id AND w.unit_kind = ? WHERE pi.contract_id = ? AND (w.max_points IS "
				 "NULL OR w.max_points > 0)",
				 "isi", id, kind ? kind : "", parent);
	if (!rc)
		rc = audit_contract(r, issue ? "assessment_contract_issue" : "assessment_contract_create", id,
				    json_pack("{s:i, s:i, s:I, s:I, s:I, s:I}", "year", year, "level", level, "parent",
					      (json_int_t)parent, "issuer_unit", (json_int_t)issuer_unit, "holder_unit",
					      (json_int_t)holder_unit, "holder_person", (json_int_t)person));
	if (!rc && issue)
		rc = notify_holder(r, id, M_contract_n_issued);
	return rc ? rc : id;
}

static int64_t system_in_use(struct req *r, int year)
{
	return db_one_int64(req_db(r), 0, "SELECT id FROM assess_systems WHERE year = ? AND state = 'in_use'", "i",
			    (int64_t)year);
}

static int64_t holder_taken(struct req *r, int year, int64_t unit, int64_t person)
{
	return db_one_int64(req_db(r), 0,
			    "SELECT id FROM assess_contracts WHERE year = ? AND holder_unit_id = ? AND "
			    "COALESCE(holder_person_id, 0) = ?",
			    "iii", (int64_t)year, unit, person);
}

/* ---- the overview ---- */

/* The SQL condition of the contracts (alias c, people p) in the user's
 * scope; binds: the user's id three times. */
#define SCOPE_SQL                                                                                                    \
	"(EXISTS (SELECT 1 FROM user_roles g JOIN unit_tree t ON t.ancestor_id = g.unit_id WHERE g.user_id = ? AND " \
	"g.role IN " CLERK_ROLES " AND (t.unit_id = c.holder_unit_id OR t.unit_id = c.issuer_unit_id)) OR "          \
	"p.user_id = ? OR ? = 0)"

static int year_of(struct req *r)
{
	const char *y = req_query(r, "year");
	long v = y && *y ? strtol(y, NULL, 10) : 0;
	return v >= 2000 && v <= 2100 ? (int)v : this_year();
}

/* The contracts (alias c, people p) of year waiting for the user's
 * signature, on either side; binds: the year, the user's id three times,
 * 1 for the office or an organization-wide grant. */
#define WAITING_SQL                                                                                                    \
	"c.year = ? AND c.state = 'issued' AND ((c.holder_signed_at IS NULL AND ((c.holder_person_id IS NOT NULL AND " \
	"p.user_id = ?) OR (c.holder_person_id IS NULL AND EXISTS (SELECT 1 FROM user_roles g WHERE g.user_id = ? "    \
	"AND "                                                                                                         \
	"g.role IN " CLERK_ROLES " AND g.unit_id = c.holder_unit_id)))) OR (c.issuer_signed_at IS NULL AND (EXISTS "   \
	"(SELECT 1 FROM user_roles g WHERE g.user_id = ? AND g.role IN " CLERK_ROLES " AND g.unit_id = "               \
	"c.issuer_unit_id) OR (c.level = 1 AND ? = 1))))"

void assess_contracts_home(struct req *r)
{
	if (!r->user)
		return;
	int year = this_year();
	int64_t me = r->user->id;
	int64_t n = db_one_int64(
		req_db(r), 0,
		"SELECT COUNT(*) FROM assess_contracts c LEFT JOIN people p ON p.id = c.holder_person_id "
		"WHERE " WAITING_SQL,
		"iiiii", (int64_t)year, me, me, me, (int64_t)(assess_is_office(r) || contract_sees_all(r)));
	if (n > 0)
		home_tile(r, arena_printf(r->a, "/assessment/contracts?year=%d#waiting-mine", year),
			  M_contract_waiting_mine, n, M_contract_title, 1);
}

static void waiting_mine(struct req *r, int year)
{
	int64_t me = r->user->id;
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT c.id, c.level, iu.name, hu.name, COALESCE(p.name, ''), CASE WHEN c.holder_signed_at IS NULL "
		"AND ((c.holder_person_id IS NOT NULL AND p.user_id = ?) OR (c.holder_person_id IS NULL AND EXISTS "
		"(SELECT 1 FROM user_roles g WHERE g.user_id = ? AND g.role IN " CLERK_ROLES " AND g.unit_id = "
		"c.holder_unit_id))) THEN 1 ELSE 0 END FROM assess_contracts c JOIN units iu ON iu.id = "
		"c.issuer_unit_id JOIN units hu ON hu.id = c.holder_unit_id LEFT JOIN people p ON p.id = "
		"c.holder_person_id WHERE " WAITING_SQL " ORDER BY c.level, hu.name, c.id LIMIT 100",
		"iiiiiii", me, me, (int64_t)year, me, me, me, (int64_t)(assess_is_office(r) || contract_sees_all(r)));
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<section class=\"card\" id=\"waiting-mine\"><h2>%T</h2><p class=\"hint\">%T</p>",
			     M_contract_waiting_mine, M_contract_waiting_mine_hint);
		const char *who = *db_column_text(q, 4)
					  ? arena_printf(r->a, "%s（%s）", db_column_text(q, 4), db_column_text(q, 3))
					  : arena_strdup(r->a, db_column_text(q, 3));
		html(r,
		     "<div class=\"contract-todo\">"
		     "<p><strong>%s → %s</strong><br><span class=\"hint\">%T · %T</span></p><a class=\"btn btn-primary "
		     "btn-block contract-big\" href=\"/assessment/contracts/%D\">%T</a></div>",
		     db_column_text(q, 2), who, contract_level_label((int)db_column_int64(q, 1)),
		     db_column_int64(q, 5) ? M_contract_you_sign_holder : M_contract_you_sign_issuer,
		     db_column_int64(q, 0), M_contract_open_sign);
	}
	if (n)
		html(r, "</section>");
}

/* The holders without a contract yet, rows (id, name) of q, at most 500:
 * how many, their ids and names in the arena. */
static int holder_rows(struct req *r, struct db_stmt *q, int64_t **ids, const char ***names)
{
	int k = 0, cap = 500;
	*ids = arena_alloc(r->a, (size_t)cap * sizeof **ids);
	*names = arena_alloc(r->a, (size_t)cap * sizeof **names);
	while (q && db_step(q) == DB_ROW && k < cap) {
		(*ids)[k] = db_column_int64(q, 0);
		(*names)[k++] = arena_strdup(r->a, db_column_text(q, 1));
	}
	return k;
}

/* A draft for one of them: a select of the k holders posting field to
 * action (with the hidden inputs, or NULL); nothing when k is 0. */
static void one_by_one(struct req *r, const char *action, const struct markup *hidden, const char *id,
		       enum msg_id label, const char *field, const int64_t *ids, const char *const *names, int k)
{
	if (!k)
		return;
	html(r,
	     "<form method=\"post\" action=\"%a\" class=\"filters contract-more\">%H%H<div class=\"field\"><label "
	     "for=\"%a\">%T</label><select id=\"%a\" name=\"%a\">",
	     action, csrf_input(r), hidden, id, label, id, field);
	for (int i = 0; i < k; i++)
		html(r, "<option value=\"%D\">%s</option>", ids[i], names[i]);
	html(r, "</select></div><div class=\"filter-actions\"><button class=\"btn\">%T</button></div></form>",
	     M_contract_create_draft);
}

static int list_page(struct req *r)
{
	int year = year_of(r);
	int64_t sys = system_in_use(r, year);
	int office = assess_is_office(r), all = office || contract_sees_all(r);
	int64_t me = r->user->id;
	contracts_due(r);
	const char *title = arena_printf(r->a, "%d · %s", year, T(r, M_contract_title));
	struct crumb cr[] = {{NULL, title}};
	page_begin(r, title, cr, 1);
	const struct markup *acts =
		html_fmt(r,
			 "<form method=\"get\" action=\"/assessment/contracts\" class=\"inline contract-year\"><label "
			 "class=\"sr-only\" "
			 "for=\"f-year\">%T</label><input id=\"f-year\" name=\"year\" type=\"number\" min=\"2000\" "
			 "max=\"2100\" value=\"%d\"> <button class=\"btn\">%T</button></form>",
			 M_assess_year, year, M_contract_show);
	page_heading(r, title, acts);
	waiting_mine(r, year);

	/* signed and unsigned per level */
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT c.level, COUNT(*), SUM(CASE WHEN c.state = 'draft' THEN 1 ELSE 0 END), SUM(CASE WHEN c.state = "
		"'issued' THEN 1 ELSE 0 END), SUM(CASE WHEN c.state IN ('signed', 'in_force', 'assessed') THEN 1 ELSE "
		"0 "
		"END), SUM(CASE WHEN c.state = 'issued' AND c.holder_signed_at IS NULL THEN 1 ELSE 0 END), SUM(CASE "
		"WHEN c.state = 'issued' AND c.issuer_signed_at IS NULL THEN 1 ELSE 0 END) FROM assess_contracts c "
		"LEFT JOIN people p ON p.id = c.holder_person_id WHERE c.year = ? AND " SCOPE_SQL " GROUP BY c.level "
		"ORDER BY c.level",
		"iiii", (int64_t)year, me, me, (int64_t)!all);
	static const struct list_col cols[] = {
		{M_contract_level, NULL, 0},           {M_contract_count, NULL, 1},
		{M_contract_state_draft, NULL, 1},     {M_contract_unsigned, NULL, 1},
		{M_contract_holder_unsigned, NULL, 1}, {M_contract_issuer_unsigned, NULL, 1},
		{M_contract_signed_count, NULL, 1}};
	int n = 0;
	int64_t unsigned_total = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\" id=\"per-level\"><h2>%T</h2>", M_contract_per_level);
			list_begin(r, cols, 7, -1, 0);
		}
		int lvl = (int)db_column_int64(q, 0);
		unsigned_total += db_column_int64(q, 3);
		html(r,
		     "<tr data-level=\"%d\"><td data-label=\"%T\"><a "
		     "href=\"/assessment/contracts?year=%d&amp;level=%d\">%T"
		     "</a></td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\">%D</td>"
		     "<td class=\"num\" data-label=\"%T\" data-unsigned=\"%D\">%D</td><td class=\"num\" "
		     "data-label=\"%T\">%D"
		     "</td><td class=\"num\" data-label=\"%T\">%D</td><td class=\"num\" data-label=\"%T\" "
		     "data-signed=\"%D\">%D</td></tr>",
		     lvl, M_contract_level, year, lvl, contract_level_label(lvl), M_contract_count,
		     db_column_int64(q, 1), M_contract_state_draft, db_column_int64(q, 2), M_contract_unsigned,
		     db_column_int64(q, 3), db_column_int64(q, 3), M_contract_holder_unsigned, db_column_int64(q, 5),
		     M_contract_issuer_unsigned, db_column_int64(q, 6), M_contract_signed_count, db_column_int64(q, 4),
		     db_column_int64(q, 4));
	}
	if (n) {
		list_end(r);
		if (unsigned_total && (office || clerk_anywhere(r)))
			html(r,
			     "<form method=\"post\" action=\"/assessment/contracts/remind\" class=\"actions "
			     "contract-more\">%H<input type=\"hidden\" name=\"year\" value=\"%d\"><button "
			     "class=\"btn\" id=\"remind\">%T</button><span class=\"hint\">%T</span></form>",
			     csrf_input(r), year, M_contract_remind, M_contract_remind_hint);
		html(r, "</section>");
	}

	/* the list: unsigned by default, one level or all */
	const char *ls = req_query(r, "level"), *show = req_query(r, "show");
	int level = ls && *ls ? atoi(ls) : 0;
	int every = show && !strcmp(show, "all");
	q = db_query(req_db(r), r->a,
		     "SELECT c.id, c.level, iu.name, hu.name, COALESCE(p.name, ''), c.state, CASE WHEN "
		     "c.issuer_signed_at IS NULL THEN 0 ELSE 1 END, CASE WHEN c.holder_signed_at IS NULL THEN 0 ELSE 1 "
		     "END FROM assess_contracts c JOIN units iu ON iu.id = c.issuer_unit_id JOIN units hu ON hu.id = "
		     "c.holder_unit_id LEFT JOIN people p ON p.id = c.holder_person_id WHERE c.year = ? AND (? = 0 OR "
		     "c.level = ?) AND (? = 1 OR c.state IN ('draft', 'issued')) AND " SCOPE_SQL
		     " ORDER BY c.level, iu.name, hu.name, p.name, c.id LIMIT 500",
		     "iiiiiii", (int64_t)year, (int64_t)level, (int64_t)level, (int64_t)every, me, me, (int64_t)!all);
	html(r, "<section class=\"card\" id=\"contracts\"><h2>%T</h2><p class=\"actions\">",
	     every ? M_contract_all : M_contract_unsigned_list);
	html(r,
	     "<a class=\"btn btn-sm%s\" href=\"/assessment/contracts?year=%d%s\">%T</a> <a class=\"btn btn-sm%s\" "
	     "href=\"/assessment/contracts?year=%d&amp;show=all%s\">%T</a></p>",
	     every ? "" : " btn-primary", year, level ? arena_printf(r->a, "&level=%d", level) : "",
	     M_contract_unsigned_list, every ? " btn-primary" : "", year,
	     level ? arena_printf(r->a, "&level=%d", level) : "", M_contract_all);
	static const struct list_col lcols[] = {{M_contract_level, NULL, 0},      {M_contract_issuer, NULL, 0},
						{M_contract_holder, NULL, 0},     {M_contract_state, NULL, 0},
						{M_contract_sig_issuer, NULL, 0}, {M_contract_sig_holder, NULL, 0}};
	n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			list_begin(r, lcols, 6, -1, 0);
		const char *st = db_column_text(q, 5);
		const char *who = *db_column_text(q, 4)
					  ? arena_printf(r->a, "%s（%s）", db_column_text(q, 4), db_column_text(q, 3))
					  : arena_strdup(r->a, db_column_text(q, 3));
		html(r,
		     "<tr data-contract=\"%D\"><td data-label=\"%T\">%T</td><td data-label=\"%T\">%s</td><td "
		     "class=\"card-title\" data-label=\"%T\"><a href=\"/assessment/contracts/%D\">%s</a></td><td "
		     "data-label=\"%T\"><span class=\"%s\">%T</span></td><td data-label=\"%T\">%T</td><td "
		     "data-label=\"%T\">%T</td></tr>",
		     db_column_int64(q, 0), M_contract_level, contract_level_label((int)db_column_int64(q, 1)),
		     M_contract_issuer, db_column_text(q, 2), M_contract_holder, db_column_int64(q, 0), who,
		     M_contract_state, state_badge(st), contract_state_label(st), M_contract_sig_issuer,
		     db_column_int64(q, 6) ? M_contract_signed_yes : M_contract_signed_no, M_contract_sig_holder,
		     db_column_int64(q, 7) ? M_contract_signed_yes : M_contract_signed_no);
	}
	if (n)
		list_end(r);
	else
		html(r, "<p class=\"hint\" id=\"none\">%T</p>", every ? M_contract_none : M_contract_none_unsigned);
	html(r, "</section>");

	if (office) {
		html(r, "<section class=\"card\" id=\"issue\"><h2>%T</h2>", M_contract_issue_title);
		if (!sys) {
			html(r, "<p class=\"hint\">%T</p>", M_contract_no_system);
		} else {
			struct db_stmt *u =
				db_query(req_db(r), r->a,
					 "SELECT u.id, u.name FROM units u WHERE u.kind = 'secondary' AND u.active "
					 "= 1 AND u.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
					 "assess_contracts c WHERE c.year = ? AND c.holder_unit_id = u.id AND "
					 "c.holder_person_id IS NULL) ORDER BY u.name",
					 "i", (int64_t)year);
			/* who has none yet: a bulk button for them all, and one by one */
			int64_t *ids;
			const char **names;
			int k = holder_rows(r, u, &ids, &names);
			if (k)
				html(r,
				     "<p class=\"hint\">%T</p><form method=\"post\" "
				     "action=\"/assessment/contracts/issue-all\" "
				     "class=\"actions\">%H<input type=\"hidden\" name=\"year\" value=\"%d\"><button "
				     "class=\"btn "
				     "btn-primary\" id=\"issue-all\">%T</button></form>",
				     M_contract_issue_all_hint, csrf_input(r), year, M_contract_issue_all);
			else
				html(r, "<p class=\"hint\" id=\"all-issued\">%T</p>", M_contract_nothing_to_issue);
			one_by_one(r, "/assessment/contracts",
				   html_fmt(r, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year), "f-unit",
				   M_contract_one_unit, "unit_id", ids, names, k);
		}
		html(r, "</section>");
	}
	page_end(r);
	return 0;
}

/* ---- one contract ---- */

static void sig_block(struct req *r, const char *id, enum msg_id side, const char *party, const char *signer,
		      int64_t at)
{
	html(r, "<div class=\"contract-sig\" id=\"%s\"><div class=\"hint\">%T</div><div><strong>%s</strong></div>", id,
	     side, party);
	if (at)
		html(r, "<div><span class=\"badge badge-ok\">%T</span> %s · %s</div>", M_contract_signed_yes, signer,
		     contract_time(r, at));
	else
		html(r, "<div><span class=\"badge badge-warn\">%T</span></div>", M_contract_signed_no);
	html(r, "</div>");
}

static int contract_render(struct req *r, int64_t id, enum msg_id err)
{
	struct contract c;
	if (contract_load(r, id, &c) || !contract_may_see(r, &c))
		return req_fail(r, 404, M_NONE);
	struct assess_tree t;
	if (assess_tree_load(r, c.system_id, &t))
		return req_fail(r, 503, M_err_db_down);
	struct contract_item *items;
	int nitems = contract_items_load(r, c.id, &items);
	if (nitems < 0)
		return req_fail(r, 503, M_err_db_down);
	contract_items_sort(r, &t, items, nitems);
	int issuer = issuer_side(r, &c), holder = holder_side(r, &c);
	int draft = !strcmp(c.state, "draft"), issued = !strcmp(c.state, "issued");
	const char *title =
		arena_printf(r->a, "%d · %s · %s", c.year, T(r, M_contract_title), contract_holder_name(r, &c));
	struct crumb cr[] = {{arena_printf(r->a, "/assessment/contracts?year=%d", c.year), T(r, M_contract_title)},
			     {NULL, contract_holder_name(r, &c)}};
	page_begin(r, title, cr, 2);
	page_heading(r, title,
		     html_fmt(r, "<a class=\"btn\" href=\"/assessment/contracts/%D.pdf\" id=\"pdf\">%T</a>", c.id,
			      M_contract_pdf));
	if (err != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\" id=\"refused\">%T</div>", err);

	/* the state, and the signature this user can give now */
	html(r,
	     "<section class=\"card\" id=\"state-card\"><p class=\"contract-state\"><span class=\"%s\" id=\"state\" "
	     "data-state=\"%s\">%T</span></p>",
	     state_badge(c.state), c.state, contract_state_label(c.state));
	int can_issuer = issued && issuer && !c.issuer_signed_at && c.holder_signed_by != r->user->id;
	int can_holder = issued && holder && !c.holder_signed_at && c.issuer_signed_by != r->user->id;
	if (can_holder || can_issuer) {
		html(r,
		     "<form method=\"post\" action=\"/assessment/contracts/%D/sign\" id=\"sign-form\">%H<input "
		     "type=\"hidden\" name=\"side\" value=\"%s\"><p>%T</p><button class=\"btn btn-primary btn-block "
		     "contract-big\" id=\"sign\">%T</button>"
		     "</form>",
		     c.id, csrf_input(r), can_holder ? "holder" : "issuer", M_contract_sign_explain,
		     can_holder ? M_contract_sign_holder : M_contract_sign_issuer);
	} else if (issued) {
		html(r, "<p class=\"hint\" id=\"waiting\">%T</p>", M_contract_waiting_other);
	} else if (!draft) {
		html(r, "<p class=\"hint\">%T</p>", M_contract_done_hint);
	}
	if (draft && issuer)
		html(r,
		     "<form method=\"post\" action=\"/assessment/contracts/%D/issue\" class=\"actions\">%H<button "
		     "class=\"btn btn-primary\" id=\"issue\">%T</button></form>",
		     c.id, csrf_input(r), M_contract_issue);
	html(r, "</section>");

	html(r,
	     "<section class=\"card\"><dl class=\"props\"><dt>%T</dt><dd>%d</dd><dt>%T</dt><dd><a "
	     "href=\"/assessment/systems/%D\">%s</a></dd><dt>%T</dt><dd>%T</dd><dt>%T</dt><dd id=\"issuer\">%s</dd>"
	     "<dt>%T</dt><dd id=\"holder\">%s</dd><dt>%T</dt><dd>%s</dd><dt>%T</dt><dd class=\"mono\" "
	     "id=\"code\">%s</dd>%H</dl></section>",
	     M_assess_year, c.year, M_assess_system, c.system_id, c.system_name, M_contract_level,
	     contract_level_label(c.level), M_contract_issuer, c.issuer_name, M_contract_holder,
	     contract_holder_name(r, &c), M_contract_starts_on,
	     *c.starts_on ? c.starts_on : T(r, M_contract_from_signing), M_contract_code, c.code,
	     c.parent_id ? html_fmt(r, "<dt>%T</dt><dd><a href=\"/assessment/contracts/%D\" id=\"parent\">%T</a></dd>",
				    M_contract_parent, c.parent_id, M_contract_parent_open)
			 : NULL);

	/* signatures */
	html(r, "<section class=\"card\" id=\"signatures\"><h2>%T</h2><div class=\"contract-sigs\">",
	     M_contract_signatures);
	sig_block(r, "sig-issuer", M_contract_sig_issuer, c.issuer_name, c.issuer_signer, c.issuer_signed_at);
	sig_block(r, "sig-holder", M_contract_sig_holder, contract_holder_name(r, &c), c.holder_signer,
		  c.holder_signed_at);
	html(r, "</div></section>");

	if (draft && issuer) {
		/* the editor: the candidates are the system's leaves (level 1) or
		 * the parent's items */
		html(r,
		     "<section class=\"card\" id=\"edit\"><h2>%T</h2><form method=\"post\" "
		     "action=\"/assessment/contracts/%D\">%H<div class=\"field\"><label for=\"f-targets\">%T</label>"
		     "<textarea id=\"f-targets\" name=\"targets\" rows=\"4\" maxlength=\"2000\">%s</textarea></div>",
		     M_contract_edit, c.id, csrf_input(r), M_contract_targets, c.targets);
		field_input(r, "date", "starts_on", M_contract_starts_on, c.starts_on, M_NONE, 0,
			    M_contract_starts_on_hint);
		struct db_stmt *q =
			c.level == 1
				? db_query(
					  req_db(r), r->a,
					  "SELECT i.id, i.max_points, '' FROM assess_indicators i WHERE i.system_id = "
					  "? "
					  "AND NOT EXISTS (SELECT 1 FROM assess_indicators k WHERE k.parent_id = i.id) "
					  "ORDER BY i.level, i.position, i.id",
					  "i", c.system_id)
				: db_query(req_db(r), r->a,
					   "SELECT indicator_id, points, target FROM assess_contract_items WHERE "
					   "contract_id = ?",
					   "i", c.parent_id);
		html(r,
		     "%H<table class=\"list contract-items\"><thead><tr><th>%T</th><th>%T</th><th "
		     "class=\"num\">%T</th><th>%T</th>"
		     "</tr></thead><tbody>",
		     table_wrap_open(r), M_contract_include, M_assess_indicator, M_contract_points, M_contract_target);
		/* the candidates in tree order: indicator, its maximum, the target offered */
		int ncand = 0, cap = 256;
		struct contract_item *cand = arena_alloc(r->a, (size_t)cap * sizeof *cand);
		while (q && db_step(q) == DB_ROW && ncand < cap) {
			cand[ncand].indicator = db_column_int64(q, 0);
			cand[ncand].points = db_column_double(q, 1);
			cand[ncand].target = arena_strdup(r->a, db_column_text(q, 2));
			ncand++;
		}
		contract_items_sort(r, &t, cand, ncand);
		for (int k = 0; k < ncand; k++) {
			int64_t ind = cand[k].indicator;
			const struct contract_item *have = NULL;
			for (int i = 0; i < nitems; i++)
				if (items[i].indicator == ind)
					have = &items[i];
			html(r,
			     "<tr><td><input type=\"checkbox\" name=\"inc_%D\" value=\"1\" "
			     "id=\"inc-%D\"%H></td><td><label "
			     "for=\"inc-%D\">%s</label></td><td class=\"num\"><input name=\"pts_%D\" type=\"number\" "
			     "step=\"0.5\" min=\"0\" max=\"%s\" value=\"%s\" aria-label=\"%T\"></td><td>"
			     "<input name=\"tgt_%D\" value=\"%a\" maxlength=\"500\" aria-label=\"%T\"></td></tr>",
			     ind, ind, have ? MARKUP(" checked") : NULL, ind, contract_indicator_path(r, &t, ind), ind,
			     assess_num(r, cand[k].points), assess_num(r, have ? have->points : cand[k].points),
			     M_contract_points, ind, have ? have->target : cand[k].target, M_contract_target);
		}
		html(r,
		     "</tbody></table></div><div class=\"form-actions\"><button class=\"btn btn-primary\" "
		     "id=\"save\">%T</button></div></form></section>",
		     M_assess_save);
	} else {
		if (*c.targets)
			html(r,
			     "<section class=\"card\" id=\"targets\"><h2>%T</h2><p class=\"contract-targets\">%s</p>"
			     "</section>",
			     M_contract_targets, c.targets);
		html(r, "<section class=\"card\" id=\"items\"><h2>%T</h2>", M_contract_items);
		static const struct list_col icols[] = {
			{M_assess_indicator, NULL, 0}, {M_contract_points, NULL, 1}, {M_contract_target, NULL, 0}};
		list_begin(r, icols, 3, -1, 0);
		double total = 0;
		for (int i = 0; i < nitems; i++) {
			total += items[i].points;
			html(r,
			     "<tr data-indicator=\"%D\"><td class=\"card-title\">%s</td><td class=\"num\" "
			     "data-label=\"%T\">%s"
			     "</td><td data-label=\"%T\">%s</td></tr>",
			     items[i].indicator, contract_indicator_path(r, &t, items[i].indicator), M_contract_points,
			     assess_num(r, items[i].points), M_contract_target, items[i].target);
		}
		html(r,
		     "<tr id=\"total\"><td class=\"card-title\"><strong>%T</strong></td><td class=\"num\" "
		     "data-label=\"%T\"><strong>%s</strong></td><td></td></tr>",
		     M_contract_total, M_contract_points, assess_num(r, total));
		list_end(r);
		html(r, "</section>");
	}

	/* the decomposition: children and what they do not cover yet */
	if (c.level < 3 && !draft) {
		html(r, "<section class=\"card\" id=\"children\"><h2>%T</h2>", M_contract_children);
		struct db_stmt *q = db_query(
			req_db(r), r->a,
			"SELECT c.id, hu.name, COALESCE(p.name, ''), c.state, CASE WHEN c.issuer_signed_at IS NULL "
			"THEN 0 "
			"ELSE 1 END, CASE WHEN c.holder_signed_at IS NULL THEN 0 ELSE 1 END FROM assess_contracts c "
			"JOIN "
			"units hu ON hu.id = c.holder_unit_id LEFT JOIN people p ON p.id = c.holder_person_id WHERE "
			"c.parent_id = ? ORDER BY hu.name, p.name, c.id",
			"i", c.id);
		static const struct list_col ccols[] = {{M_contract_holder, NULL, 0},
							{M_contract_state, NULL, 0},
							{M_contract_sig_issuer, NULL, 0},
							{M_contract_sig_holder, NULL, 0}};
		int n = 0, waiting = 0;
		while (q && db_step(q) == DB_ROW) {
			if (!n++)
				list_begin(r, ccols, 4, -1, 0);
			const char *st = db_column_text(q, 3);
			waiting += !strcmp(st, "issued") && !db_column_int64(q, 5);
			const char *who = *db_column_text(q, 2) ? arena_printf(r->a, "%s（%s）", db_column_text(q, 2),
									       db_column_text(q, 1))
								: arena_strdup(r->a, db_column_text(q, 1));
			html(r,
			     "<tr data-child=\"%D\"><td class=\"card-title\" data-label=\"%T\"><a "
			     "href=\"/assessment/contracts/%D\">%s</a></td><td data-label=\"%T\"><span "
			     "class=\"%s\">%T</span>"
			     "</td><td data-label=\"%T\">%T</td><td data-label=\"%T\">%T</td></tr>",
			     db_column_int64(q, 0), M_contract_holder, db_column_int64(q, 0), who, M_contract_state,
			     state_badge(st), contract_state_label(st), M_contract_sig_issuer,
			     db_column_int64(q, 4) ? M_contract_signed_yes : M_contract_signed_no,
			     M_contract_sig_holder,
			     db_column_int64(q, 5) ? M_contract_signed_yes : M_contract_signed_no);
		}
		if (n)
			list_end(r);
		else
			html(r, "<p class=\"hint\">%T</p>", M_contract_no_children);
		char *covered = arena_alloc(r->a, (size_t)t.n + 1);
		memset(covered, 0, (size_t)t.n + 1);
		children_cover(r, &t, c.id, covered);
		int missing = 0;
		for (int i = 0; i < nitems; i++) {
			if (item_covered(&t, items[i].indicator, covered))
				continue;
			if (!missing++)
				html(r,
				     "<div class=\"flash flash-warn\" role=\"status\" id=\"uncovered\"><p>%T</p><ul>",
				     M_contract_uncovered);
			html(r, "<li data-indicator=\"%D\">%s</li>", items[i].indicator,
			     contract_indicator_path(r, &t, items[i].indicator));
		}
		if (missing)
			html(r, "</ul></div>");
		else if (n)
			html(r, "<p class=\"flash flash-ok\" id=\"covered\">%T</p>", M_contract_covered);
		if (waiting && may_decompose(r, &c))
			html(r,
			     "<form method=\"post\" action=\"/assessment/contracts/remind\" class=\"actions "
			     "contract-more\">"
			     "%H<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" "
			     "name=\"parent\" "
			     "value=\"%D\"><button class=\"btn\" id=\"remind-children\">%T</button></form>",
			     csrf_input(r), c.year, c.id, M_contract_remind);
		if (may_decompose(r, &c) && strcmp(c.state, "assessed")) {
			struct db_stmt *u =
				c.level == 1
					? db_query(
						  req_db(r), r->a,
						  "SELECT u.id, u.name FROM units u WHERE u.parent_id = ? AND u.kind "
						  "IN "
						  "('department', 'window') AND u.active = 1 AND NOT EXISTS (SELECT 1 "
						  "FROM "
						  "assess_contracts k WHERE k.year = ? AND k.holder_unit_id = u.id AND "
						  "k.holder_person_id IS NULL) ORDER BY u.name",
						  "ii", c.holder_unit, (int64_t)c.year)
					: db_query(req_db(r), r->a,
						   "SELECT p.id, p.name FROM people p JOIN unit_tree t ON t.unit_id = "
						   "p.unit_id "
						   "WHERE t.ancestor_id = ? AND p.user_id IS NOT NULL AND p.status = "
						   "'active' AND "
						   "p.archived = 0 AND NOT EXISTS (SELECT 1 FROM assess_contracts k "
						   "WHERE k.year = "
						   "? AND k.holder_person_id = p.id) ORDER BY p.name LIMIT 500",
						   "ii", c.holder_unit, (int64_t)c.year);
			/* who has none yet: a bulk button for them all, and one by one */
			int64_t *ids;
			const char **names;
			int k = holder_rows(r, u, &ids, &names);
			if (k)
				html(r,
				     "<form method=\"post\" action=\"/assessment/contracts/%D/decompose\" "
				     "class=\"actions "
				     "contract-more\">%H<button class=\"btn btn-primary\" "
				     "id=\"decompose-all\">%T</button><span "
				     "class=\"hint\">%T</span></form>",
				     c.id, csrf_input(r),
				     c.level == 1 ? M_contract_decompose_units : M_contract_decompose_posts,
				     M_contract_decompose_hint);
			one_by_one(r, arena_printf(r->a, "/assessment/contracts/%lld/decompose", (long long)c.id), NULL,
				   "f-holder", M_contract_one_holder, c.level == 1 ? "unit_id" : "person_id", ids, names,
				   k);
		}
		html(r, "</section>");
	}
	page_end(r);
	return 0;
}

static int contract_page(struct req *r)
{
	contracts_due(r);
	return contract_render(r, req_param_int(r, "id"), M_NONE);
}

/* A refusal in words: the page again with the reason, nothing written. */
static int refuse(struct req *r, int64_t id, int status, enum msg_id why)
{
	r->status = status;
	return contract_render(r, id, why);
}

/* The contract of the path, visible to the user: 0, or the response sent. */
static int contract_for_post(struct req *r, struct contract *c)
{
	if (contract_load(r, req_param_int(r, "id"), c) || !contract_may_see(r, c))
		return req_fail(r, 404, M_NONE), 1;
	return 0;
}

/* ---- changes ---- */

static int create_post(struct req *r)
{
	if (!assess_is_office(r))
		return req_fail(r, 403, M_contract_only_office);
	const char *ys = req_form(r, "year"), *us = req_form(r, "unit_id");
	int year = ys ? atoi(ys) : 0;
	int64_t unit = us ? strtoll(us, NULL, 10) : 0;
	int64_t sys = system_in_use(r, year);
	if (!sys)
		return req_fail(r, 422, M_contract_no_system);
	int64_t parent_unit =
		db_one_int64(req_db(r), 0,
			     "SELECT COALESCE(parent_id, 0) FROM units WHERE id = ? AND kind = 'secondary'", "i", unit);
	if (!parent_unit)
		return req_fail(r, 422, M_contract_bad_holder);
	if (holder_taken(r, year, unit, 0))
		return req_fail(r, 409, M_contract_taken);
	struct db *db = req_db(r);
	int rc = db_begin(db);
	int64_t id =
		rc ? rc
		   : contract_insert(r, sys, year, 1, 0, parent_unit, unit, 0, T(r, M_contract_default_targets), 0);
	if (id < 0 || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_contract_created);
	return req_redirect(r, arena_printf(r->a, "/assessment/contracts/%lld", (long long)id));
}

static int issue_all_post(struct req *r)
{
	if (!assess_is_office(r))
		return req_fail(r, 403, M_contract_only_office);
	const char *ys = req_form(r, "year");
	int year = ys ? atoi(ys) : 0;
	int64_t sys = system_in_use(r, year);
	if (!sys)
		return req_fail(r, 422, M_contract_no_system);
	struct db *db = req_db(r);
	struct db_stmt *q =
		db_query(db, r->a,
			 "SELECT u.id, u.parent_id FROM units u WHERE u.kind = 'secondary' AND u.active = 1 AND "
			 "u.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM assess_contracts c WHERE c.year "
			 "= ? AND c.holder_unit_id = u.id AND c.holder_person_id IS NULL) ORDER BY u.id",
			 "i", (int64_t)year);
	int n = 0, cap = 1000;
	int64_t *units = arena_alloc(r->a, (size_t)cap * 2 * sizeof *units);
	while (q && db_step(q) == DB_ROW && n < cap) {
		units[2 * n] = db_column_int64(q, 0);
		units[2 * n + 1] = db_column_int64(q, 1);
		n++;
	}
	int rc = db_begin(db);
	for (int i = 0; !rc && i < n; i++) {
		int64_t id = contract_insert(r, sys, year, 1, 0, units[2 * i + 1], units[2 * i], 0,
					     T(r, M_contract_default_targets), 1);
		if (id < 0)
			rc = (int)id;
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", n ? M_contract_issued_all : M_contract_nothing_to_issue);
	return req_redirect(r, arena_printf(r->a, "/assessment/contracts?year=%d&show=all", year));
}

static int decompose_post(struct req *r)
{
	struct contract c;
	if (contract_for_post(r, &c))
		return 0;
	if (!may_decompose(r, &c))
		return refuse(r, c.id, 403, c.level >= 3 ? M_contract_no_lower : M_contract_not_yours);
	if (!strcmp(c.state, "draft") || !strcmp(c.state, "assessed"))
		return refuse(r, c.id, 409, M_contract_decompose_state);
	const char *us = req_form(r, "unit_id"), *ps = req_form(r, "person_id");
	int64_t one_unit = us && *us ? strtoll(us, NULL, 10) : 0, one_person = ps && *ps ? strtoll(ps, NULL, 10) : 0;
	if (c.level == 1 ? one_person != 0 : one_unit != 0)
		return refuse(r, c.id, 422, M_contract_bad_holder);
	struct db *db = req_db(r);
	/* the holders: (unit, person) pairs */
	struct db_stmt *q = c.level == 1 ? db_query(db, r->a,
						    "SELECT u.id, 0 FROM units u WHERE u.parent_id = ? AND u.kind IN "
						    "('department', 'window') "
						    "AND u.active = 1 AND (? = 0 OR u.id = ?) AND NOT EXISTS (SELECT 1 "
						    "FROM assess_contracts "
						    "k WHERE k.year = ? AND k.holder_unit_id = u.id AND "
						    "k.holder_person_id IS NULL) ORDER BY "
						    "u.id",
						    "iiii", c.holder_unit, one_unit, one_unit, (int64_t)c.year)
					 : db_query(db, r->a,
						    "SELECT p.unit_id, p.id FROM people p JOIN unit_tree t ON "
						    "t.unit_id = p.unit_id WHERE "
						    "t.ancestor_id = ? AND p.user_id IS NOT NULL AND p.status = "
						    "'active' AND p.archived = 0 "
						    "AND (? = 0 OR p.id = ?) AND NOT EXISTS (SELECT 1 FROM "
						    "assess_contracts k WHERE k.year = "
						    "? AND k.holder_person_id = p.id) ORDER BY p.id LIMIT 500",
						    "iiii", c.holder_unit, one_person, one_person, (int64_t)c.year);
	int n = 0, cap = 512;
	int64_t *h = arena_alloc(r->a, (size_t)cap * 2 * sizeof *h);
	while (q && db_step(q) == DB_ROW && n < cap) {
		h[2 * n] = db_column_int64(q, 0);
		h[2 * n + 1] = db_column_int64(q, 1);
		n++;
	}
	if ((one_unit || one_person) && n == 0)
		return refuse(r, c.id, 422, M_contract_bad_holder);
	int single = one_unit || one_person;
	int rc = db_begin(db);
	int64_t last = 0;
	for (int i = 0; !rc && i < n; i++) {
		last = contract_insert(r, c.system_id, c.year, c.level + 1, c.id, c.holder_unit, h[2 * i], h[2 * i + 1],
				       c.targets, !single);
		if (last < 0)
			rc = (int)last;
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	if (single) {
		req_flash(r, "ok", M_contract_created);
		return req_redirect(r, arena_printf(r->a, "/assessment/contracts/%lld", (long long)last));
	}
	req_flash(r, "ok", n ? M_contract_issued_all : M_contract_nothing_to_issue);
	return req_redirect(r, arena_printf(r->a, "/assessment/contracts/%lld#children", (long long)c.id));
}

static int save_post(struct req *r)
{
	struct contract c;
	if (contract_for_post(r, &c))
		return 0;
	if (!issuer_side(r, &c))
		return refuse(r, c.id, 403, M_contract_not_issuer);
	if (strcmp(c.state, "draft"))
		return refuse(r, c.id, 409, M_contract_not_draft);
	const char *targets = req_form(r, "targets"), *starts = req_form(r, "starts_on");
	targets = targets ? targets : "";
	starts = starts ? starts : "";
	if (strlen(targets) > 6000)
		return refuse(r, c.id, 422, M_contract_bad_targets);
	if (*starts && (strlen(starts) != 10 || starts[4] != '-' || starts[7] != '-'))
		return refuse(r, c.id, 422, M_contract_bad_date);
	struct db *db = req_db(r);
	struct db_stmt *q =
		c.level == 1
			? db_query(db, r->a,
				   "SELECT i.id, i.max_points FROM assess_indicators i WHERE i.system_id = ? AND NOT "
				   "EXISTS (SELECT 1 FROM assess_indicators k WHERE k.parent_id = i.id)",
				   "i", c.system_id)
			: db_query(db, r->a,
				   "SELECT indicator_id, points FROM assess_contract_items WHERE contract_id = ?", "i",
				   c.parent_id);
	int n = 0, cap = 256;
	int64_t *ids = arena_alloc(r->a, (size_t)cap * sizeof *ids);
	double *pts = arena_alloc(r->a, (size_t)cap * sizeof *pts);
	const char **tgts = arena_alloc(r->a, (size_t)cap * sizeof *tgts);
	while (q && db_step(q) == DB_ROW && n < cap) {
		int64_t ind = db_column_int64(q, 0);
		double max = db_column_double(q, 1);
		const char *inc = req_form(r, arena_printf(r->a, "inc_%lld", (long long)ind));
		if (!inc || !*inc)
			continue;
		const char *ps = req_form(r, arena_printf(r->a, "pts_%lld", (long long)ind));
		const char *ts = req_form(r, arena_printf(r->a, "tgt_%lld", (long long)ind));
		char *end;
		double v = ps && *ps ? strtod(ps, &end) : max;
		if ((ps && *ps && *end) || !isfinite(v) || v < 0 || v > max + 1e-9)
			return refuse(r, c.id, 422, M_contract_bad_points);
		if (ts && strlen(ts) > 1500)
			return refuse(r, c.id, 422, M_contract_bad_targets);
		ids[n] = ind;
		pts[n] = v;
		tgts[n] = ts ? ts : "";
		n++;
	}
	if (!n)
		return refuse(r, c.id, 422, M_contract_no_items);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE assess_contracts SET targets = ?, starts_on = NULLIF(?, '') WHERE id = ?",
			    "ssi", targets, starts, c.id);
	if (!rc)
		rc = db_run(db, "DELETE FROM assess_contract_items WHERE contract_id = ?", "i", c.id);
	for (int i = 0; !rc && i < n; i++)
		rc = db_run(db,
			    "INSERT INTO assess_contract_items (contract_id, indicator_id, points, target) VALUES (?, "
			    "?, ?, ?)",
			    "iids", c.id, ids[i], pts[i], tgts[i]);
	if (!rc)
		rc = audit_contract(r, "assessment_contract_save", c.id,
				    json_pack("{s:s, s:s, s:i}", "targets", targets, "starts_on", starts, "items", n));
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_contract_saved);
	return req_redirect(r, arena_printf(r->a, "/assessment/contracts/%lld", (long long)c.id));
}

static int issue_post(struct req *r)
{
	struct contract c;
	if (contract_for_post(r, &c))
		return 0;
	if (!issuer_side(r, &c))
		return refuse(r, c.id, 403, M_contract_not_issuer);
	if (strcmp(c.state, "draft"))
		return refuse(r, c.id, 409, M_contract_not_draft);
	struct db *db = req_db(r);
	if (!db_one_int64(db, 0, "SELECT COUNT(*) FROM assess_contract_items WHERE contract_id = ?", "i", c.id))
		return refuse(r, c.id, 422, M_contract_no_items);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(
			db,
			"UPDATE assess_contracts SET state = 'issued', issued_by = ?, issued_at = ? WHERE id = ? AND "
			"state = 'draft'",
			"iii", r->user->id, (int64_t)time(NULL), c.id);
	if (!rc)
		rc = audit_contract(r, "assessment_contract_issue", c.id, json_pack("{s:s}", "state", "issued"));
	if (!rc)
		rc = notify_holder(r, c.id, M_contract_n_issued);
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", M_contract_issued);
	return req_redirect(r, arena_printf(r->a, "/assessment/contracts/%lld", (long long)c.id));
}

static int sign_post(struct req *r)
{
	struct contract c;
	if (contract_for_post(r, &c))
		return 0;
	const char *side = req_form(r, "side");
	int as_holder = side && !strcmp(side, "holder");
	if (!side || (!as_holder && strcmp(side, "issuer")))
		return refuse(r, c.id, 422, M_contract_bad_side);
	if (strcmp(c.state, "issued"))
		return refuse(r, c.id, 409,
			      !strcmp(c.state, "draft") ? M_contract_not_issued : M_contract_already_signed);
	if (as_holder ? !holder_side(r, &c) : !issuer_side(r, &c))
		return refuse(r, c.id, 403, as_holder ? M_contract_not_holder : M_contract_not_issuer);
	if (as_holder ? c.holder_signed_at != 0 : c.issuer_signed_at != 0)
		return refuse(r, c.id, 409, M_contract_side_signed);
	if (as_holder ? c.issuer_signed_by == r->user->id : c.holder_signed_by == r->user->id)
		return refuse(r, c.id, 403, M_contract_both_sides);
	int64_t now = (int64_t)time(NULL);
	const char *name = r->user->display_name && *r->user->display_name ? r->user->display_name : r->user->username;
	struct db *db = req_db(r);
	int rc = db_begin(db);
	if (!rc)
		rc = as_holder ? db_run(db,
					"UPDATE assess_contracts SET holder_signed_by = ?, holder_signer = ?, "
					"holder_signed_at "
					"= ? WHERE id = ? AND holder_signed_at IS NULL AND state = 'issued'",
					"isii", r->user->id, name, now, c.id)
			       : db_run(db,
					"UPDATE assess_contracts SET issuer_signed_by = ?, issuer_signer = ?, "
					"issuer_signed_at "
					"= ? WHERE id = ? AND issuer_signed_at IS NULL AND state = 'issued'",
					"isii", r->user->id, name, now, c.id);
	if (!rc && db_changes(db) != 1) {
		db_rollback(db);
		return refuse(r, c.id, 409, M_contract_side_signed);
	}
	/* both signed: in force now, or signed until the start date */
	int both = as_holder ? c.issuer_signed_at != 0 : c.holder_signed_at != 0;
	const char *to = !both ? "issued" : (*c.starts_on && strcmp(c.starts_on, today(r)) > 0) ? "signed" : "in_force";
	if (!rc && both)
		rc = db_run(db,
			    "UPDATE assess_contracts SET state = ?, in_force_at = CASE WHEN ? = 'in_force' THEN CAST(? "
			    "AS BIGINT) ELSE NULL END WHERE id = ?",
			    "ssii", to, to, now, c.id);
	if (!rc)
		rc = audit_contract(r, "assessment_contract_sign", c.id,
				    json_pack("{s:s, s:s, s:s}", "side", as_holder ? "holder" : "issuer", "signer",
					      name, "state", to));
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", both ? M_contract_signed_both : M_contract_signed_one);
	return req_redirect(r, arena_printf(r->a, "/assessment/contracts/%lld", (long long)c.id));
}

static int remind_post(struct req *r)
{
	const char *ys = req_form(r, "year"), *ps = req_form(r, "parent");
	int year = ys ? atoi(ys) : 0;
	int64_t parent = ps && *ps ? strtoll(ps, NULL, 10) : 0;
	int office = assess_is_office(r);
	int64_t me = r->user->id;
	struct db *db = req_db(r);
	struct db_stmt *q = db_query(
		db, r->a,
		"SELECT c.id FROM assess_contracts c WHERE c.year = ? AND c.state = 'issued' AND c.holder_signed_at IS "
		"NULL AND (? = 1 OR EXISTS (SELECT 1 FROM user_roles g JOIN unit_tree t ON t.ancestor_id = g.unit_id "
		"WHERE g.user_id = ? AND g.role IN " CLERK_ROLES " AND t.unit_id = c.issuer_unit_id)) AND (? = 0 OR "
		"c.parent_id = ?) ORDER BY c.id LIMIT 5000",
		"iiiii", (int64_t)year, (int64_t)office, me, parent, parent);
	int n = 0, cap = 5000;
	int64_t *ids = arena_alloc(r->a, (size_t)cap * sizeof *ids);
	while (q && db_step(q) == DB_ROW && n < cap)
		ids[n++] = db_column_int64(q, 0);
	if (!n && !office &&
	    !db_one_int64(db, 0, "SELECT COUNT(*) FROM user_roles WHERE user_id = ? AND role IN " CLERK_ROLES, "i", me))
		return req_fail(r, 403, M_contract_not_issuer);
	int rc = db_begin(db);
	for (int i = 0; !rc && i < n; i++)
		rc = notify_holder(r, ids[i], M_contract_n_remind);
	if (!rc && n)
		rc = audit_contract(r, "assessment_contract_remind", ids[0],
				    json_pack("{s:i, s:i}", "year", year, "reminded", n));
	if (rc || db_commit(db)) {
		db_rollback(db);
		return req_fail(r, 503, M_err_db_down);
	}
	req_flash(r, "ok", n ? M_contract_reminded : M_contract_nobody_to_remind);
	if (parent)
		return req_redirect(r, arena_printf(r->a, "/assessment/contracts/%lld#children", (long long)parent));
	return req_redirect(r, arena_printf(r->a, "/assessment/contracts?year=%d", year));
}

int assess_contracts_mark_assessed(struct req *r, int year)
{
	struct db *db = req_db(r);
	int rc = db_run(db,
			"UPDATE assess_contracts SET state = 'assessed', assessed_at = ? WHERE year = ? AND state IN "
			"('signed', 'in_force')",
			"ii", (int64_t)time(NULL), (int64_t)year);
	if (rc)
		return rc;
	int n = (int)db_changes(db);
	if (n) {
		json_t *what = json_pack("{s:i, s:i}", "year", year, "assessed", n);
		rc = audit_log(r, "assessment_contract_assessed", "assess_contracts", 0, NULL, what);
		json_decref(what);
	}
	return rc ? rc : n;
}

const struct route assess_contract_routes[] = {
	{"GET", "/assessment/contracts", list_page, P_SIGNED_IN, 0, "assessment contracts"},
	{"POST", "/assessment/contracts", create_post, P_SIGNED_IN, 1, "assessment contracts"},
	{"POST", "/assessment/contracts/issue-all", issue_all_post, P_SIGNED_IN, 1, "assessment contracts"},
	{"POST", "/assessment/contracts/remind", remind_post, P_SIGNED_IN, 1, "assessment contracts"},
	{"GET", "/assessment/contracts/{id:int}", contract_page, P_SIGNED_IN, 0, "assessment contract"},
	{"POST", "/assessment/contracts/{id:int}", save_post, P_SIGNED_IN, 1, "assessment contract"},
	{"POST", "/assessment/contracts/{id:int}/issue", issue_post, P_SIGNED_IN, 1, "assessment contract"},
	{"POST", "/assessment/contracts/{id:int}/sign", sign_post, P_SIGNED_IN, 1, "assessment contract"},
	{"POST", "/assessment/contracts/{id:int}/decompose", decompose_post, P_SIGNED_IN, 1, "assessment contract"},
	{"GET", "/assessment/contracts/{file:str}", contract_pdf, P_SIGNED_IN, 0, "assessment contract pdf"},
	{"GET", "/assessment/contracts/verify/{code:str}", contract_verify_page, P_PUBLIC, 0,
	 "assessment contract verify"},
	{NULL, NULL, NULL, 0, 0, NULL},
};

/* depth-first position of each node, for showing items in tree order */
static void dfs(const struct assess_tree *t, int64_t parent, int *order, int *next)
{
	for (int i = 0; i < t->n; i++)
		if (t->v[i].parent == parent) {
			order[i] = (*next)++;
			dfs(t, t->v[i].id, order, next);
		}
}

void contract_items_sort(struct req *r, const struct assess_tree *t, struct contract_item *v, int n)
{
	int *order = arena_alloc(r->a, (size_t)(t->n + 1) * sizeof *order), next = 0;
	dfs(t, 0, order, &next);
	/* insertion sort: a contract has tens of items */
	for (int i = 1; i < n; i++) {
		struct contract_item x = v[i];
		int k = tree_index(t, x.indicator), kx = k >= 0 ? order[k] : 1 << 30;
		int j = i - 1;
		for (; j >= 0; j--) {
			int kj = tree_index(t, v[j].indicator);
			if ((kj >= 0 ? order[kj] : 1 << 30) <= kx)
				break;
			v[j + 1] = v[j];
		}
		v[j + 1] = x;
	}
}
