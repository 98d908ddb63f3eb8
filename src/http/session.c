/* session.c — see session.h. */
#include "session.h"
#include "app.h"
#include "audit.h"
#include "../core/log.h"
#include "../db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define TOKEN_BYTES 32
#define TOUCH_EVERY 60 /* seconds between last_seen updates */

static void hash_hex(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

const char *token_hash(struct req *r, const char *token)
{
	char *out = arena_alloc(r->a, 65);
	hash_hex(token, out);
	return out;
}

static void new_token(char out[64])
{
	unsigned char b[TOKEN_BYTES];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, 64, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int load_user(struct req *r, struct db *db, int64_t id)
{
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT id, username, display_name, lang, COALESCE(unit_id, 0) FROM users "
				     "WHERE id = ? AND disabled = 0",
				     "i", id);
	if (!q)
		return -1;
	struct user *u = NULL;
	if (db_step(q) == DB_ROW) {
		u = arena_alloc(r->a, sizeof *u);
		u->id = db_column_int64(q, 0);
		u->username = arena_strdup(r->a, db_column_text(q, 1));
		u->display_name = arena_strdup(r->a, db_column_text(q, 2));
		u->lang = db_column_isnull(q, 3) ? NULL : arena_strdup(r->a, db_column_text(q, 3));
		u->unit_id = db_column_int64(q, 4);
	}
	db_reset(q);
	if (u && user_load_grants(db, u))
		return -1;
	r->user = u;
	return 0;
}

static int identify_bearer(struct req *r, struct db *db, const char *token)
{
	char h[65];
	hash_hex(token, h);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT t.id, t.user_id, COALESCE(t.last_used_at, 0) FROM api_tokens t "
				     "WHERE t.token_hash = ? AND t.revoked_at IS NULL",
				     "s", h);
	if (!q)
		return -1;
	int64_t tid = 0, uid = 0, used = 0;
	if (db_step(q) == DB_ROW) {
		tid = db_column_int64(q, 0);
		uid = db_column_int64(q, 1);
		used = db_column_int64(q, 2);
	}
	db_reset(q);
	if (!uid)
		return 0;
	int64_t now = time(NULL);
	if (now - used > TOUCH_EVERY)
		db_run(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ii", now, tid);
	if (load_user(r, db, uid))
		return -1;
	r->bearer = r->user != NULL;
	return 0;
}

int session_identify_token(struct req *r, const char *token)
{
	struct db *db = req_db(r);
	return db ? identify_bearer(r, db, token) : -1;
}

int session_identify(struct req *r)
{
	const char *auth = req_header(r, "Authorization");
	const char *sid = req_cookie(r, "wm_sid");
	if (!(auth && strncasecmp(auth, "Bearer ", 7) == 0) && !sid)
		return 0;
	struct db *db = req_db(r);
	if (!db)
		return -1;
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		return identify_bearer(r, db, auth + 7);

	char h[65];
	hash_hex(sid, h);
	/* the session and its user in one statement: this runs on every request */
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT s.user_id, s.created_at, s.last_seen, u.username, u.display_name, u.lang, "
				     "COALESCE(u.unit_id, 0) FROM sessions s JOIN users u ON u.id = s.user_id AND "
				     "u.disabled = 0 WHERE s.id = ?",
				     "s", h);
	if (!q)
		return -1;
	int64_t uid = 0, created = 0, seen = 0;
	struct user *u = NULL;
	if (db_step(q) == DB_ROW) {
		uid = db_column_int64(q, 0);
		created = db_column_int64(q, 1);
		seen = db_column_int64(q, 2);
		u = arena_alloc(r->a, sizeof *u);
		u->id = uid;
		u->username = arena_strdup(r->a, db_column_text(q, 3));
		u->display_name = arena_strdup(r->a, db_column_text(q, 4));
		u->lang = db_column_isnull(q, 5) ? NULL : arena_strdup(r->a, db_column_text(q, 5));
		u->unit_id = db_column_int64(q, 6);
	}
	db_reset(q);
	int64_t now = time(NULL);
	const struct config *cfg = r->app->cfg;
	if (uid && (now - seen > cfg->session_idle || now - created > cfg->session_lifetime)) {
		db_run(db, "DELETE FROM sessions WHERE id = ?", "s", h);
		uid = 0;
	}
	if (!uid) {
		req_cookie_set(r, "wm_sid", "", 0);
		return 0;
	}
	if (now - seen > TOUCH_EVERY)
		db_run(db, "UPDATE sessions SET last_seen = ? WHERE id = ?", "is", now, h);
	if (user_load_grants(db, u))
		return -1;
	r->user = u;
	r->sid = sid;
	return 0;
}

int session_start(struct req *r, int64_t user_id)
{
	struct db *db = req_db(r);
	if (!db)
		return -1;
	const char *old = req_cookie(r, "wm_sid");
	if (old)
		db_run(db, "DELETE FROM sessions WHERE id = ?", "s", token_hash(r, old));
	char tok[64];
	new_token(tok);
	int64_t now = time(NULL);
	const char *ua = req_header(r, "User-Agent");
	char uab[200];
	snprintf(uab, sizeof uab, "%s", ua && utf8_valid(ua, strlen(ua)) ? ua : "");
	if (db_run(db,
		   "INSERT INTO sessions (id, user_id, created_at, last_seen, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)",
		   "siiiss", token_hash(r, tok), user_id, now, now, r->ip, uab))
		return -1;
	/* prune what has expired, now and then */
	if (now % 16 == 0)
		db_run(db, "DELETE FROM sessions WHERE last_seen < ? OR created_at < ?", "ii",
		       now - r->app->cfg->session_idle, now - r->app->cfg->session_lifetime);
	req_cookie_set(r, "wm_sid", tok, -1);
	r->sid = arena_strdup(r->a, tok);
	return 0;
}

void session_end(struct req *r)
{
	const char *sid = req_cookie(r, "wm_sid");
	struct db *db = req_db(r);
	if (sid && db)
		db_run(db, "DELETE FROM sessions WHERE id = ?", "s", token_hash(r, sid));
	req_cookie_set(r, "wm_sid", "", 0);
	r->sid = NULL;
}

int session_end_all(struct db *db, int64_t user_id)
{
	return db_run(db, "DELETE FROM sessions WHERE user_id = ?", "i", user_id);
}

/* HMAC of "kind:value" under the server secret, base64url (arena). */
static const char *sign(struct req *r, const char *kind, const char *value)
{
	unsigned char mac[crypto_auth_BYTES];
	char *msgtxt = arena_printf(r->a, "%s:%s", kind, value);
	crypto_auth(mac, (const unsigned char *)msgtxt, strlen(msgtxt), r->app->secret);
	char *out = arena_alloc(r->a, 64);
	sodium_bin2base64(out, 64, mac, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

const char *req_csrf_token(struct req *r)
{
	if (r->sid)
		return sign(r, "s", r->sid);
	const char *pre = req_cookie(r, "wm_pre");
	if (!pre || strlen(pre) < 20) {
		char tok[64];
		new_token(tok);
		pre = arena_strdup(r->a, tok);
		req_cookie_set(r, "wm_pre", pre, -1);
		kv_add(r->a, &r->cookies, "wm_pre", pre, strlen(pre)); /* one cookie per response */
	}
	return sign(r, "p", pre);
}

int csrf_valid(struct req *r)
{
	const char *got = req_form(r, "_csrf");
	if (!got)
		got = req_header(r, "X-CSRF-Token");
	if (!got)
		return 0;
	const char *want;
	if (r->sid) {
		want = sign(r, "s", r->sid);
	} else {
		const char *pre = req_cookie(r, "wm_pre");
		if (!pre)
			return 0;
		want = sign(r, "p", pre);
	}
	size_t n = strlen(want);
	return strlen(got) == n && sodium_memcmp(got, want, n) == 0;
}

char *api_token_create(struct db *db, int64_t user_id, const char *name, int64_t *id_out)
{
	char tok[64], h[65];
	new_token(tok);
	char *full = malloc(80);
	snprintf(full, 80, "wm_%s", tok);
	hash_hex(full, h);
	int64_t id = db_insert(db,
			       "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) "
			       "RETURNING id",
			       "issi", user_id, name, h, (int64_t)time(NULL));
	if (id < 0) {
		free(full);
		return NULL;
	}
	if (id_out)
		*id_out = id;
	return full;
}
