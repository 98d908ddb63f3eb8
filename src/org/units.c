/* units.c — the org unit register: bureau → secondary units → departments /
 * service windows → posts, and party branches. Declared for the records
 * engine; this file adds what a tree needs: the materialized path kept in
 * units.path ("/1/5/23/"), which makes subtree scopes one indexed
 * comparison, and the refusal of cycles when a unit moves. */
#include "org.h"
#include "stats.h"
#include "../db/db.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const struct enum_opt unit_kinds[] = {
	{"bureau", M_kind_bureau},         {"secondary", M_kind_secondary}, {"department", M_kind_department},
	{"window", M_kind_window},         {"post", M_kind_post},           {"party_branch", M_kind_party_branch},
	{NULL, M_NONE},
};

static const struct field_def fields[] = {
	{"code", F_TEXT, M_unit_code, FF_REQUIRED | FF_UNIQUE | FF_LIST | FF_SORT | FF_SEARCH, 1, 32, PAT_CODE, NULL, NULL,
	 M_unit_code_hint},
	{"name", F_TEXT, M_unit_name, FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, 1, 80, PAT_NONE, NULL, NULL, M_NONE},
	{"kind", F_ENUM, M_unit_kind, FF_REQUIRED | FF_LIST | FF_FILTER | FF_SORT, 0, 0, PAT_NONE, unit_kinds, NULL, M_NONE},
	{"parent_id", F_UNIT, M_unit_parent, FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, NULL, M_unit_parent_hint},
	{"head_person_id", F_PERSON, M_unit_head, FF_LIST, 0, 0, PAT_NONE, NULL, NULL, M_unit_head_hint},
	{"contact", F_TEXT, M_unit_contact, 0, 0, 80, PAT_NONE, NULL, NULL, M_NONE},
	{"active", F_BOOL, M_unit_active, FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, NULL, M_NONE, "1"},
	{"path", F_TEXT, M_NONE, FF_HIDDEN, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
};

/* Refuses a parent that lies inside the unit's own subtree, and a parent
 * the user may not write to. */
static void units_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	int pi = record_field_index(rec->type, "parent_id");
	const char *parent = rec->vals[pi];
	if (e->field[pi] != M_NONE)
		return;
	/* an unchanged parent is no move: a unit_admin may edit the top of
	 * their subtree although its parent lies outside it */
	if (before && before->id &&
	    ((!parent && !before->vals[pi]) || (parent && before->vals[pi] && !strcmp(parent, before->vals[pi]))))
		return;
	if (!parent) {
		/* only an organization-wide writer may create or keep a root */
		if (!authz_record(r, rec->type, ACC_WRITE, 0, 0)) {
			e->field[pi] = M_rec_unit_out_of_scope;
			e->count++;
		}
		return;
	}
	int64_t pid = strtoll(parent, NULL, 10);
	if (before && before->id) {
		struct db *db = req_db(r);
		if (pid == before->id ||
		    db_one_int64(db, 0,
				 "SELECT count(*) FROM unit_tree WHERE unit_id = ? AND ancestor_id = ?",
				 "ii", pid, before->id)) {
			e->field[pi] = M_unit_cycle;
			e->count++;
			return;
		}
	}
	if (!authz_record(r, rec->type, ACC_WRITE, pid, 0)) {
		e->field[pi] = M_rec_unit_out_of_scope;
		e->count++;
	}
}

/* Sets this unit's path from its parent's, and rewrites the paths of its
 * whole subtree when it moved. */
static int units_after_save(struct req *r, struct record *rec, const struct record *before)
{
	struct db *db = req_db(r);
	int pi = record_field_index(rec->type, "parent_id");
	const char *parent = rec->vals[pi];
	char *ppath = parent ? db_one_text(db, r->a, "SELECT path FROM units WHERE id = ?", "s", parent) : NULL;
	const char *path = arena_printf(r->a, "%s%lld/", ppath ? ppath : "/", (long long)rec->id);
	const char *old = before ? db_one_text(db, r->a, "SELECT path FROM units WHERE id = ?", "i", rec->id) : NULL;
	if (old && strcmp(old, path) == 0)
		return 0;
	int64_t pid = parent ? strtoll(parent, NULL, 10) : 0;
	int rc = 0;
	if (!before) {
		/* a new unit: its parent's ancestors, and itself */
		rc = db_run(db, "INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (?, ?)", "ii", rec->id, rec->id);
		if (!rc && pid)
			rc = db_run(db,
				    "INSERT INTO unit_tree (ancestor_id, unit_id) SELECT ancestor_id, CAST(? AS BIGINT) FROM unit_tree WHERE unit_id = ?",
				    "ii", rec->id, pid);
	} else {
		/* a move: the subtree leaves its old ancestors and joins the new ones */
		rc = db_run(db,
			    "DELETE FROM unit_tree WHERE unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) "
			    "AND ancestor_id NOT IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)",
			    "ii", rec->id, rec->id);
		if (!rc && pid)
			rc = db_run(db,
				    "INSERT INTO unit_tree (ancestor_id, unit_id) SELECT a.ancestor_id, s.unit_id FROM unit_tree a, "
				    "unit_tree s WHERE a.unit_id = ? AND s.ancestor_id = ?",
				    "ii", pid, rec->id);
	}
	if (rc)
		return rc;
	rc = db_run(db, "UPDATE units SET path = ? WHERE id = ?", "si", path, rec->id);
	if (!rc && old && *old)
		rc = db_run(db,
			    "UPDATE units SET path = ? || substr(path, ?) WHERE substr(path, 1, ?) = ? AND id <> ?",
			    "sIIsi", path, (int)strlen(old) + 1, (int)strlen(old), old, rec->id);
	rec->vals[record_field_index(rec->type, "path")] = path;
	return rc;
}

/* The unit page: its staff figures for the whole subtree, and the units
 * directly under it with their heads. */
static void units_detail(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char today[32];
	snprintf(today, sizeof today, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	struct people_stats st;
	if (authz_record(r, &people_type, ACC_READ, rec->id, 0) && !people_stats(db, rec->id, today, &st)) {
		html(r, "<section class=\"card\"><h2>%T</h2><div class=\"tiles\">", M_org_stats);
		const struct {
			enum msg_id label;
			int64_t v;
		} tiles[] = {{M_stat_total, st.total},
			     {M_stat_party, st.party_members},
			     {M_stat_certified, st.law_enforcement_certified},
			     {M_stat_mid_level, st.mid_level_professionals}};
		for (int i = 0; i < 4; i++)
			html(r, "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\">%N</span></div>",
			     tiles[i].label, tiles[i].v);
		html(r, "</div><p><a href=\"/r/people?unit_id=%D\">%T</a> · <a href=\"/org/stats?unit=%D\">%T</a></p></section>",
		     rec->id, M_org_people_here, rec->id, M_org_stats);
	}
	static const struct list_col cols[] = {{M_unit_name, NULL, 0}, {M_unit_kind, NULL, 0}, {M_unit_head, NULL, 0}};
	struct db_stmt *q = db_query(db,
				     "SELECT u.id, u.name, u.kind, p.id, p.name FROM units u LEFT JOIN people p ON p.id = "
				     "u.head_person_id WHERE u.parent_id = ? AND u.archived = 0 ORDER BY u.path LIMIT 500",
				     "i", rec->id);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\"><h2>%T</h2>", M_org_sub_units);
			list_begin(r, cols, 3, -1, 0);
		}
		enum msg_id kl = M_NONE;
		for (const struct enum_opt *o = unit_kinds; o->code; o++)
			if (!strcmp(o->code, db_column_text(q, 2)))
				kl = o->label;
		html(r, "<tr><td><a href=\"/r/units/%D\">%s</a></td><td>%T</td><td>", db_column_int64(q, 0), db_column_text(q, 1), kl);
		if (!db_column_isnull(q, 3))
			html(r, "<a href=\"/r/people/%D\">%s</a>", db_column_int64(q, 3), db_column_text(q, 4));
		html(r, "</td></tr>");
	}
	db_done(q);
	if (n) {
		list_end(r);
		html(r, "</section>");
	}
}

static const struct record_link links[] = {{"/org/tree", M_org_tree}, {"/org/stats", M_org_stats}, {NULL, M_NONE}};

const struct record_type units_type = {
	.name = "units",
	.table = "units",
	.one = M_unit,
	.many = M_units,
	.fields = fields,
	.nfields = sizeof fields / sizeof fields[0],
	.unit_field = "id",
	.title_field = "name",
	.sort = "code",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_WRITE, [ROLE_STAFF] = ACC_READ, [ROLE_SUPERVISOR] = ACC_READ},
	.icon = "M3 21h18M5 21V7l7-4 7 4v14M9 9h1M14 9h1M9 13h1M14 13h1M9 17h1M14 17h1",
	.nav_path = "/org/tree",
	.links = links,
	.check = units_check,
	.after_save = units_after_save,
	.detail_extra = units_detail,
};
