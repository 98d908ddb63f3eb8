/* supervisors.c — the conduct-supervisor register (行風監督員): usually
 * outsiders appointed for a term, each assigned to units. A supervisor with
 * an account (by user name) is granted the supervisor role on exactly the
 * units assigned here, kept in step whenever an assignment changes. */
#include "org.h"
#include "../db/db.h"

#include <stdlib.h>
#include <string.h>

/* The fields by position: hooks read rec->vals[SUP_...], checked by
 * construction (the table below is indexed by them). */
enum {
	SUP_NAME,
	SUP_ORGANIZATION,
	SUP_PHONE,
	SUP_EMAIL,
	SUP_TERM_START,
	SUP_TERM_END,
	SUP_USERNAME,
	SUP__COUNT
};

static const struct field_def fields[] = {
	[SUP_NAME] = {.name = "name", .type = F_TEXT, .label = M_person_name, .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH, .min = 1, .max = 40},
	[SUP_ORGANIZATION] = {.name = "organization", .type = F_TEXT, .label = M_sup_organization, .flags = FF_REQUIRED | FF_LIST | FF_SEARCH, .min = 1, .max = 80},
	[SUP_PHONE] = {.name = "phone", .type = F_TEXT, .label = M_phone, .flags = FF_SENSITIVE, .pattern = PAT_PHONE},
	[SUP_EMAIL] = {.name = "email", .type = F_TEXT, .label = M_email, .max = 120, .pattern = PAT_EMAIL},
	[SUP_TERM_START] = {.name = "term_start", .type = F_DATE, .label = M_term_start, .flags = FF_REQUIRED | FF_LIST | FF_SORT},
	[SUP_TERM_END] = {.name = "term_end", .type = F_DATE, .label = M_term_end, .flags = FF_REQUIRED | FF_LIST | FF_SORT},
	[SUP_USERNAME] = {.name = "username", .type = F_TEXT, .label = M_sup_account, .flags = FF_UNIQUE, .max = 32, .hint = M_sup_account_hint},
};

static void supervisors_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)before;
	const int s = SUP_TERM_START, en = SUP_TERM_END, u = SUP_USERNAME;
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
	const int u = SUP_USERNAME;
	/* the account that was linked before loses the role */
	if (before && before->vals[u] && (!rec->vals[u] || strcmp(before->vals[u], rec->vals[u])))
		db_run(db,
		       "DELETE FROM user_roles WHERE role = 'supervisor' AND user_id = (SELECT id FROM users WHERE username = ?)",
		       "s", before->vals[u]);
	return sync_grants(r, rec->id);
}

/* The fields by position: hooks read rec->vals[ASSIGN_...], checked by
 * construction (the table below is indexed by them). */
enum {
	ASSIGN_SUPERVISOR_ID,
	ASSIGN_UNIT_ID,
	ASSIGN_NOTE,
	ASSIGN__COUNT
};

static int assignment_after_save(struct req *r, struct record *rec, const struct record *before)
{
	const int si = ASSIGN_SUPERVISOR_ID;
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
	[ASSIGN_SUPERVISOR_ID] = {.name = "supervisor_id", .type = F_REF, .label = M_supervisor, .flags = FF_REQUIRED | FF_LIST | FF_FILTER, .ref = "supervisors"},
	[ASSIGN_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_assigned_unit, .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[ASSIGN_NOTE] = {.name = "note", .type = F_TEXT, .label = M_note, .max = 200},
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
