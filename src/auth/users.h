/* users.h — user accounts: validation and the changes both the web pages
 * and the command line make, so they follow the same rules. Every function
 * that changes a row expects the caller to hold a transaction and to write
 * the audit entry in it (user_snapshot gives the before / after values). */
#ifndef WM_USERS_H
#define WM_USERS_H

#include <jansson.h>
#include <stdint.h>

#include "../core/i18n.h"

struct db;

/* M_NONE or why the name is not acceptable (2–32 of a-z 0-9 . _ -). */
enum msg_id username_check(const char *name);
/* M_NONE or why (1–60 characters of valid UTF-8, no control characters). */
enum msg_id display_name_check(const char *name);
/* The new id, or DB_E_UNIQUE when the name is taken, or another DB_E_*. */
int64_t user_insert(struct db *db, const char *username, const char *display, const char *pw_hash);
/* Replaces the user's roles: one row per bit of roles (1 << enum role),
 * all scoped to unit_id (0: whole organization). */
int user_set_roles(struct db *db, int64_t uid, unsigned roles, int64_t unit_id);
/* The user's id by name, or 0. */
int64_t user_id_by_name(struct db *db, const char *username);
/* {username, display_name, lang, disabled, roles: [...]} for the audit
 * log; caller decrefs. NULL when there is no such user. */
json_t *user_snapshot(struct db *db, int64_t uid);

#endif
