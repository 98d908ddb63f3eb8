/* http.h — requests, responses, routes: what every page handler sees.
 *
 * A handler receives a struct req holding everything about the request
 * (arena, database connection, user, language, parsed input) and builds its
 * response in memory; the server sends it once, with Content-Length.
 * Handlers return 0 when a response was built (req_fail builds error ones).
 * Only server.c knows civetweb. */
#ifndef WM_HTTP_H
#define WM_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/i18n.h"
#include "auth.h"

struct app;
struct db;
struct route;

/* One name=value pair of a query string, form, multipart part or cookie.
 * Strings live in the request arena and are NUL-terminated. */
struct kv {
	const char *name;
	const char *value;
	size_t len;               /* value length (a file part may hold NULs) */
	const char *filename;     /* multipart file parts only */
	const char *content_type; /* multipart parts only */
};

struct kvlist {
	struct kv *v;
	size_t n, cap;
};

struct req {
	const struct app *app;
	void *conn;             /* the server's connection; only server.c uses it */
	struct arena *a;
	struct db *db_;         /* use req_db(); taken from the pool on first use */

	/* request */
	const char *method;
	const char *path;       /* decoded, without the query string */
	const char *query;      /* raw query string or "" */
	const char *ip;
	int is_api;             /* path under /api/: errors as JSON */
	int tls;
	struct kvlist params;   /* typed route parameters, as text */
	struct kvlist qs;       /* query string */
	struct kvlist form;     /* urlencoded or multipart body */
	struct kvlist cookies;
	const char *body;
	size_t body_len;
	void *json;             /* json_t * of a JSON body, or NULL */
	const struct route *route;

	/* who and in which language */
	struct user *user;      /* NULL when signed out */
	const char *sid;        /* session cookie value when signed in */
	int bearer;             /* authenticated by an API token */
	enum lang lang;

	/* response */
	int status;
	const char *content_type;
	struct buf out;         /* body */
	const void *body_ref;   /* or a static body sent as is (embedded assets) */
	size_t body_ref_len;
	struct buf headers;     /* extra header lines, each ending in \r\n */
	char nonce[24];         /* CSP nonce for this response */
	int no_store;           /* Cache-Control: no-store (signed-in pages) */
	const char *csp;        /* a Content-Security-Policy instead of the pages' one (a served file) */
};

typedef int (*handler_fn)(struct req *r);

struct route {
	const char *method;  /* GET, POST, PATCH, DELETE */
	const char *pattern; /* "/admin/users/{id:int}" — types: int, str */
	handler_fn handler;
	enum perm perm;
	/* 1: a CSRF token is required (cookie sessions); 2: only an API token
	 * authenticates the route (the Authorization header, or a form field
	 * api_key for machine clients that send none, as Open311's), never the
	 * session cookie, so no CSRF token is asked for; its handler refuses a
	 * request without r->bearer itself */
	int csrf;
	const char *name;    /* metrics label; the pattern when NULL */
};

/* ---- reading the request ---- */

/* The value of a name in a list, or NULL. */
const char *kv_get(const struct kvlist *l, const char *name);
void kv_add(struct arena *a, struct kvlist *l, const char *name, const char *value, size_t len);
const char *req_query(struct req *r, const char *name);
const char *req_form(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_param(struct req *r, const char *name);
int64_t req_param_int(struct req *r, const char *name);
const char *req_header(struct req *r, const char *name);
/* The page number from ?page=: 1 when absent, 0 when it is not a whole
 * number from 1 (the caller answers 400 with M_err_bad_page); a
 * number past the last page is no error, and is at most REQ_PAGE_MAX. */
int req_page(struct req *r);
#define REQ_PAGE_MAX 1000000
/* The connection for this request, from the pool; NULL means the database
 * is unreachable (the caller answers 503). */
struct db *req_db(struct req *r);

/* ---- building the response ---- */

void req_header_add(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set-Cookie with HttpOnly, SameSite=Lax, Path=/, Secure under TLS.
 * max_age < 0: session cookie; 0: delete. */
void req_cookie_set(struct req *r, const char *name, const char *value, long max_age);
/* True when p is a path on this site: one "/" first, not "//" or "/\",
 * and no control byte anywhere (browsers delete TAB and newlines, which
 * would turn "/\t/host" into "//host"). Every redirect target taken from
 * the request goes through it. */
int req_path_local(const char *p);
/* 303 See Other to a local path (req_path_local); anything else goes to
 * "/" instead (no open redirects). */
int req_redirect(struct req *r, const char *path);
/* Builds an error response: an HTML page, or JSON under /api/, in the
 * user's language. msg may be M_NONE for the status's default text. */
int req_fail(struct req *r, int status, enum msg_id msg);
/* JSON answer: body is a complete JSON text in r->out. */
void req_json_begin(struct req *r, int status);
/* Sets a one-shot message shown on the next page (a catalog key). */
void req_flash(struct req *r, const char *kind, enum msg_id msg);

/* A request for work done from the command line: arena a, database db,
 * IP "cli", no user (the caller sets one where the work checks rights). */
void req_init_cli(struct req *r, struct arena *a, struct db *db, enum lang lang);

/* The CSRF token for this request's session (or pre-session). Arena. */
const char *req_csrf_token(struct req *r);

#endif
