/* session.h — sessions in the database, CSRF tokens, API bearer tokens.
 *
 * The session cookie (wm_sid) holds 32 random bytes; the database holds only
 * their hash, so a copy of the database does not give anyone a session.
 * Sessions end after session_idle without activity or session_lifetime
 * after sign-in. CSRF tokens are an HMAC of the session (or, before sign-in,
 * of a random pre-session cookie) under the server secret, so any process
 * sharing the database can check them. */
#ifndef WM_SESSION_H
#define WM_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct req;
struct db;

/* Finds the user from a Bearer token or the session cookie and sets
 * r->user. Returns 0 (signed in or not), -1 when the database is down. */
int session_identify(struct req *r);
/* The same for an API token given in the body (the form field api_key of a
 * route with csrf 2): r->user and r->bearer when it is valid, else
 * untouched. 0 (valid or not), -1 when the database is down. */
int session_identify_token(struct req *r, const char *token);
/* Signs the user in: a new session id (any old one is deleted), cookie set. */
int session_start(struct req *r, int64_t user_id);
/* Signs out: deletes the session and clears the cookie. */
void session_end(struct req *r);
/* Deletes every session of a user (password change, disable). */
int session_end_all(struct db *db, int64_t user_id);
/* True when the request carries the right CSRF token (form field _csrf or
 * header X-CSRF-Token). */
int csrf_valid(struct req *r);

/* Hex hash of a secret token, for storage (arena). */
const char *token_hash(struct req *r, const char *token);
/* Creates an API token for a user; returns the token text once (caller
 * frees) or NULL. */
char *api_token_create(struct db *db, int64_t user_id, const char *name, int64_t *id_out);

#endif
