/* units.c — the platform's unit register: bureau → secondary units →
 * departments / service windows → posts, and party branches. Declared for
 * the records engine; this file adds what a tree needs: the closure table
 * unit_tree (every ancestor of every unit, migration 004), through which
 * every scope and subtree filter is an index lookup, kept on insert and on
 * moves; units.path ("/1/5/23/"), which orders a tree depth-first; and the
 * refusal of cycles when a unit moves. */
#include "platform.h"
#include "../db/db.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const struct enum_opt unit_kinds[] = {
	{"bureau", M_kind_bureau},         {"secondary", M_kind_secondary}, {"department", M_kind_department},
	{"window", M_kind_window},         {"post", M_kind_post},           {"party_branch", M_kind_party_branch},
	{NULL, M_NONE},
};

/* The fields by position: hooks read rec->vals[UNIT_...], checked by
 * construction (the table below is indexed by them). */
enum {
	UNIT_CODE,
	UNIT_NAME,
	UNIT_KIND,
	UNIT_PARENT_ID,
	UNIT_SORT_ORDER,
	UNIT_HEAD_PERSON_ID,
	UNIT_CONTACT,
	UNIT_ACTIVE,
	UNIT_PATH,
	UNIT_PUBLISHED,
	UNIT__COUNT
};

static const struct field_def fields[] = {
	[UNIT_CODE] = {.name = "code", .type = F_TEXT, .label = M_unit_code, .flags = FF_REQUIRED | FF_UNIQUE | FF_LIST | FF_SORT | FF_SEARCH, .min = 1, .max = 32, .pattern = PAT_CODE, .hint = M_unit_code_hint},
	[UNIT_NAME] = {.name = "name", .type = F_TEXT, .label = M_unit_name, .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, .min = 1, .max = 80},
	[UNIT_KIND] = {.name = "kind", .type = F_ENUM, .label = M_unit_kind, .flags = FF_REQUIRED | FF_LIST | FF_FILTER | FF_SORT, .opts = unit_kinds},
	[UNIT_PARENT_ID] = {.name = "parent_id", .type = F_UNIT, .label = M_unit_parent, .flags = FF_LIST | FF_FILTER, .hint = M_unit_parent_hint},
	[UNIT_SORT_ORDER] = {.name = "sort_order", .type = F_INT, .label = M_unit_sort_order, .flags = FF_SORT, .max = 9999, .hint = M_unit_sort_order_hint},
	[UNIT_HEAD_PERSON_ID] = {.name = "head_person_id", .type = F_PERSON, .label = M_unit_head, .flags = FF_LIST, .hint = M_unit_head_hint},
	[UNIT_CONTACT] = {.name = "contact", .type = F_TEXT, .label = M_unit_contact, .max = 80},
	[UNIT_ACTIVE] = {.name = "active", .type = F_BOOL, .label = M_unit_active, .flags = FF_LIST | FF_FILTER, .dflt = "1"},
	[UNIT_PATH] = {.name = "path", .type = F_TEXT, .label = M_NONE, .flags = FF_HIDDEN},
	[UNIT_PUBLISHED] = {.name = "published", .type = F_BOOL, .label = M_unit_published, .flags = FF_FILTER, .dflt = "0", .hint = M_unit_published_hint},
};

/* Refuses a parent that lies inside the unit's own subtree, and a parent
 * the user may not write to. */
static void units_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	const int pi = UNIT_PARENT_ID;
	const char *parent = rec->vals[pi];
	/* the office publishes a unit's public page, not the unit itself */
	const char *pub = rec->vals[UNIT_PUBLISHED], *was = before ? before->vals[UNIT_PUBLISHED] : NULL;
	if (strcmp(pub ? pub : "0", was ? was : "0") && !authz_record(r, rec->type, ACC_WRITE, 0, 0)) {
		e->field[UNIT_PUBLISHED] = M_unit_published_office;
		e->count++;
	}
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

/* Keeps unit_tree: a new unit joins its parent's ancestors; a moved one
 * takes its whole subtree from the old ancestors to the new. And sets the
 * unit's path from its parent's, rewriting its subtree's when it moved. */
static int units_after_save(struct req *r, struct record *rec, const struct record *before)
{
	struct db *db = req_db(r);
	const int pi = UNIT_PARENT_ID;
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
	rec->vals[UNIT_PATH] = path;
	return rc;
}

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
	.check = units_check,
	.after_save = units_after_save,
};
