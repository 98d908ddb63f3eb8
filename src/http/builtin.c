/* builtin.c — routes every deployment has: embedded static assets,
 * /healthz for load balancers and /metrics for Prometheus. */
#include "app.h"
#include "../db/db.h"

#include <string.h>
#include <time.h>

const struct asset *app_asset(const struct app *app, const char *url)
{
	for (size_t i = 0; i < app->nassets; i++)
		if (strcmp(app->assets[i].url, url) == 0)
			return &app->assets[i];
	return NULL;
}

const char *asset_url(struct req *r, const char *name)
{
	char url[256];
	snprintf(url, sizeof url, "/static/%s", name);
	const struct asset *a = app_asset(r->app, url);
	return a ? arena_printf(r->a, "%s?v=%s", url, a->etag) : arena_strdup(r->a, url);
}

static int static_get(struct req *r)
{
	const struct asset *a = app_asset(r->app, r->path);
	if (!a)
		return req_fail(r, 404, M_NONE);
	char etag[32];
	snprintf(etag, sizeof etag, "\"%s\"", a->etag);
	const char *v = req_query(r, "v");
	if (v && strcmp(v, a->etag) == 0)
		req_header_add(r, "Cache-Control: public, max-age=31536000, immutable");
	else
		req_header_add(r, "Cache-Control: no-cache");
	req_header_add(r, "ETag: %s", etag);
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		r->status = 304;
		return 0;
	}
	r->content_type = a->ctype;
	r->body_ref = a->file->data; /* static: no copy into the response buffer */
	r->body_ref_len = a->file->len;
	return 0;
}

static int healthz_get(struct req *r)
{
	struct db *db = req_db(r);
	int schema = db ? (int)db_one_int64(db, -1, "SELECT MAX(version) FROM migrations WHERE module = 'platform'", NULL) : -1;
	int ok = schema >= 0;
	req_json_begin(r, ok ? 200 : 503);
	r->no_store = 1;
	buf_printf(&r->out,
		   "{\"status\":\"%s\",\"database\":\"%s\",\"schema\":%d,\"version\":\"%s\",\"uptime\":%lld}\n",
		   ok ? "ok" : "error", ok ? "ok" : "unreachable", schema, r->app->version,
		   (long long)(time(NULL) - r->app->started_at));
	return 0;
}

static int is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

static int metrics_get(struct req *r)
{
	/* scrapers on the machine itself, or someone allowed to read the audit */
	if (!is_loopback(r->ip) && !user_can(r->user, P_AUDIT))
		return req_fail(r, 403, M_NONE);
	struct db *db = req_db(r);
	int64_t sessions = db ? db_one_int64(db, -1, "SELECT count(*) FROM sessions WHERE last_seen > ?", "i",
					     (int64_t)time(NULL) - r->app->cfg->session_idle)
			      : -1;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	r->no_store = 1;
	metrics_write(r, sessions);
	return 0;
}

const struct route builtin_routes[] = {
	{"GET", "/static/{name:str}", static_get, P_PUBLIC, 0, "static"},
	{"GET", "/healthz", healthz_get, P_PUBLIC, 0, "healthz"},
	{"GET", "/metrics", metrics_get, P_PUBLIC, 0, "metrics"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
