/* auth.h — who the user is and what they may do.
 *
 * Roles and their grants (a role with a scope: a unit subtree, or the whole
 * organization), and the permission matrix that routes require. Whether a
 * user may read or change a record is decided in one place, the records
 * engine's authz_record, from the record type's role matrix and the grant's
 * scope. Sessions, CSRF tokens and API tokens are in session.c. */
#ifndef WM_AUTH_H
#define WM_AUTH_H

#include <stdint.h>

struct req;
struct db;

enum role { ROLE_ADMIN, ROLE_OFFICE, ROLE_LEADER, ROLE_UNIT_ADMIN, ROLE_STAFF, ROLE_SUPERVISOR, ROLE__COUNT };

/* Permissions a route or a record action may require. */
enum perm {
	P_PUBLIC,     /* anyone */
	P_SIGNED_IN,  /* any signed-in user */
	P_USERS,      /* manage user accounts and roles */
	P_AUDIT,      /* read the audit log */
	P_CALENDAR,   /* maintain the working-day calendar (holidays, make-up days) */
	P__COUNT
};

#define USER_MAX_GRANTS 32

struct grant {
	enum role role;
	int64_t unit_id; /* root of the scope; 0 for the whole organization */
};

struct user {
	int64_t id;
	const char *username, *display_name;
	const char *lang; /* the user's own setting, or NULL */
	int64_t unit_id;  /* the unit the person belongs to, or 0 */
	int ngrants;
	struct grant grants[USER_MAX_GRANTS];
};

/* "admin", "office", ... (static); NULL when out of range. */
const char *role_name(enum role role);
/* The role for a name, or -1. */
int role_parse(const char *name);
/* True when the role grants the permission somewhere (ignoring scope). */
int role_has(enum role role, enum perm p);
/* True when the user has the permission anywhere; for route checks. */
int user_can(const struct user *u, enum perm p);
/* Loads the user's grants from user_roles into u. Returns 0 or -1. */
int user_load_grants(struct db *db, struct user *u);

#endif
