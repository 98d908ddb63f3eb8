/* supervisors.c — the conduct-supervisor register (行風監督員): usually
 * outsiders appointed for a term, each assigned to units. A supervisor with
 * an account (by user name) is granted the supervisor role on exactly the
 * units assigned here, kept in step whenever an assignment changes. */
#include "org.h"
#include "../db/db.h"

#include <stdlib.h>
#include <string.h>

static const struct field_def fields[] = {
	{"name", F_TEXT, M_person_name, FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, 1, 40, PAT_NONE, NULL, NULL, M_NONE},
	{"organization", F_TEXT, M_sup_organization, FF_REQUIRED | FF_LIST | FF_SEARCH, 1, 80, PAT_NONE, NULL, NULL,
	 M_NONE},
	{"phone", F_TEXT, M_phone, FF_SENSITIVE, 0, 0, PAT_PHONE, NULL, NULL, M_NONE},
	{"email", F_TEXT, M_email, 0, 0, 120, PAT_EMAIL, NULL, NULL, M_NONE},
	{"term_start", F_DATE, M_term_start, FF_REQUIRED | FF_LIST | FF_SORT, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"term_end", F_DATE, M_term_end, FF_REQUIRED | FF_LIST | FF_SORT, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"username", F_TEXT, M_sup_account, FF_UNIQUE, 0, 32, PAT_NONE, NULL, NULL, M_sup_account_hint},
};

static void supervisors_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)before;
	const struct record_type *t = rec->type;
	int s = record_field_index(t, "term_start"), en = record_field_index(t, "term_end"),
	    u = record_field_index(t, "username");
	if (rec->vals[s] && rec->vals[en] && e->field[en] == M_NONE && strcmp(rec->vals[s], rec->vals[en]) > 0) {
		e->field[en] = M_term_order;
		e->count++;
	}
	if (rec->vals[u] && e->field[u] == M_NONE &&
	    !db_one_int64(req_db(r), 0, "SELECT count(*) FROM users WHERE username = ?", "s", rec->vals[u])) {
		e->field[u] = M_sup_account_unknown;
		e->count++;
	}
}

/* Grants the supervisor role on the assigned units to the linked account. */
static int sync_grants(struct req *r, int64_t supervisor_id)
{
	struct db *db = req_db(r);
	char *username =
		db_one_text(db, r->a, "SELECT username FROM supervisors WHERE id = ? AND archived = 0", "i", supervisor_id);
	/* an account that was linked before is cleared by its role rows below */
	int rc = db_run(db,
			"DELETE FROM user_roles WHERE role = 'supervisor' AND user_id IN "
			"(SELECT u.id FROM users u JOIN supervisors s ON s.username = u.username WHERE s.id = ?)",
			"i", supervisor_id);
	if (rc || !username)
		return rc;
	return db_run(db,
		      "INSERT INTO user_roles (user_id, role, unit_id) SELECT u.id, 'supervisor', a.unit_id "
		      "FROM users u, supervisor_units a WHERE u.username = ? AND a.supervisor_id = ? AND a.archived = 0 "
		      "GROUP BY u.id, a.unit_id",
		      "si", username, supervisor_id);
}

static int supervisors_after_save(struct req *r, struct record *rec, const struct record *before)
{
	struct db *db = req_db(r);
	int u = record_field_index(rec->type, "username");
	/* the account that was linked before loses the role */
	if (before && before->vals[u] && (!rec->vals[u] || strcmp(before->vals[u], rec->vals[u])))
		db_run(db,
		       "DELETE FROM user_roles WHERE role = 'supervisor' AND user_id = (SELECT id FROM users WHERE username = ?)",
		       "s", before->vals[u]);
	return sync_grants(r, rec->id);
}

static int assignment_after_save(struct req *r, struct record *rec, const struct record *before)
{
	int si = record_field_index(rec->type, "supervisor_id");
	int rc = sync_grants(r, strtoll(rec->vals[si], NULL, 10));
	if (!rc && before && before->vals[si] && strcmp(before->vals[si], rec->vals[si]))
		rc = sync_grants(r, strtoll(before->vals[si], NULL, 10));
	return rc;
}

const struct record_type supervisors_type = {
	.name = "supervisors",
	.table = "supervisors",
	.one = M_supervisor,
	.many = M_supervisors,
	.fields = fields,
	.nfields = sizeof fields / sizeof fields[0],
	.title_field = "name",
	.sort = "name",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ},
	.reveal_roles = 1u << ROLE_ADMIN | 1u << ROLE_OFFICE,
	.icon = "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10zM9 12l2 2 4-4",
	.nav_order = 30,
	.check = supervisors_check,
	.after_save = supervisors_after_save,
};

static const struct field_def assignment_fields[] = {
	{"supervisor_id", F_REF, M_supervisor, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, "supervisors",
	 M_NONE},
	{"unit_id", F_UNIT, M_assigned_unit, FF_REQUIRED | FF_LIST | FF_FILTER, 0, 0, PAT_NONE, NULL, NULL, M_NONE},
	{"note", F_TEXT, M_note, 0, 0, 200, PAT_NONE, NULL, NULL, M_NONE},
};

const struct record_type supervisor_units_type = {
	.name = "supervisor_units",
	.table = "supervisor_units",
	.one = M_assignment,
	.many = M_assignments,
	.fields = assignment_fields,
	.nfields = sizeof assignment_fields / sizeof assignment_fields[0],
	.title_field = "note",
	.sort = "supervisor_id",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ},
	.after_save = assignment_after_save,
};
