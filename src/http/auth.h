/* auth.h — who the user is and what they may do.
 *
 * Roles and their scopes (an org-unit subtree), the permission matrix, and
 * the one function that decides "may this user do this to this record".
 * Sessions, CSRF tokens and API tokens are in session.c. */
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
	P_UNITS_READ, /* see units in scope */
	P_UNITS_EDIT, /* change units in scope */
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
/* The one permission decision: may the request's user do p to a record
 * owned by unit_id (0: a record not owned by any unit)? A grant with a
 * scope covers its unit's whole subtree. */
int authz_may(struct req *r, enum perm p, int64_t unit_id);
/* Loads the user's grants from user_roles into u. Returns 0 or -1. */
int user_load_grants(struct db *db, struct user *u);

#endif
