/* auth.c — roles and the permission matrix of routes. The scope of a
 * record (a unit subtree) is checked by the records engine (authz_record). */
#include "auth.h"
#include "http.h"
#include "../core/arena.h"
#include "../db/db.h"

#include <string.h>

static const char *const role_names[ROLE__COUNT] = {"admin", "office", "leader", "unit_admin", "staff",
						    "supervisor"};

/* Which role grants which permission; scopes narrow them further. */
static const unsigned char matrix[ROLE__COUNT][P__COUNT] = {
	/*                 PUBLIC SIGNED USERS AUDIT CALENDAR */
	[ROLE_ADMIN] = {1, 1, 1, 1, 1},
	[ROLE_OFFICE] = {1, 1, 0, 1, 1},
	[ROLE_LEADER] = {1, 1, 0, 0, 0},
	[ROLE_UNIT_ADMIN] = {1, 1, 0, 0, 0},
	[ROLE_STAFF] = {1, 1, 0, 0, 0},
	[ROLE_SUPERVISOR] = {1, 1, 0, 0, 0},
};

const char *role_name(enum role role)
{
	return (unsigned)role < ROLE__COUNT ? role_names[role] : NULL;
}

int role_parse(const char *name)
{
	for (int i = 0; name && i < ROLE__COUNT; i++)
		if (strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

int role_has(enum role role, enum perm p)
{
	return (unsigned)role < ROLE__COUNT && (unsigned)p < P__COUNT && matrix[role][p];
}

int user_can(const struct user *u, enum perm p)
{
	if (p == P_PUBLIC)
		return 1;
	if (!u)
		return 0;
	if (p == P_SIGNED_IN)
		return 1;
	for (int i = 0; i < u->ngrants; i++)
		if (role_has(u->grants[i].role, p))
			return 1;
	return 0;
}

int user_load_grants(struct db *db, struct user *u)
{
	struct arena a;
	arena_init(&a);
	struct db_stmt *q =
		db_query(db, &a, "SELECT role, COALESCE(unit_id, 0) FROM user_roles WHERE user_id = ? ORDER BY id", "i",
			 u->id);
	u->ngrants = 0;
	while (q && db_step(q) == DB_ROW && u->ngrants < USER_MAX_GRANTS) {
		int role = role_parse(db_column_text(q, 0));
		if (role < 0)
			continue;
		u->grants[u->ngrants].role = (enum role)role;
		u->grants[u->ngrants].unit_id = db_column_int64(q, 1);
		u->ngrants++;
	}
	arena_free(&a);
	return q ? 0 : -1;
}
