/* app.h — the application: configuration, routes, assets, database pool,
 * metrics. Built once at start-up by app_init and frozen after; handlers
 * see it read-only through r->app (metrics counters are atomics). */
#ifndef WM_APP_H
#define WM_APP_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/config.h"
#include "../core/embed.h"
#include "http.h"

struct asset {
	const char *url;   /* "/static/app.css" */
	const struct embed_file *file;
	char etag[20];     /* content hash, hex */
	const char *ctype;
};

#define METRIC_STATUSES 20
#define METRIC_BUCKETS 11

struct route_metrics {
	atomic_ulong by_status[METRIC_STATUSES];
};

struct metrics {
	struct route_metrics *routes; /* one per route, plus [nroutes] for "other" */
	atomic_ulong latency[METRIC_BUCKETS]; /* cumulative at print time */
	atomic_ulong latency_sum_us;
	atomic_ulong requests;
	atomic_long inflight;
};

struct cache;
struct db_writer;
struct nav_item; /* the web layer's (web/layout.h) */

/* Work the server does by itself every so often (a module's reminders):
 * run gets a request without a user (the system) and its own connection;
 * it returns 0 or a DB_E_* code, and may be run by several processes at
 * once, so it must be idempotent. */
struct job {
	const char *name;
	int interval; /* seconds between runs; the first run is one interval after start */
	int (*run)(struct req *r);
};

struct app {
	const struct config *cfg;
	struct db_pool *pool;
	struct db_writer *writer; /* group commit for req_write (http/write.h) */
	struct route *routes;
	size_t nroutes;
	struct asset *assets;
	size_t nassets;
	unsigned char secret[32]; /* signs CSRF tokens; from the database */
	struct metrics metrics;
	struct cache *cache;      /* rendered lists and counts (core/cache.h); NULL: off */
	sem_t hash_sem;           /* caps concurrent argon2id hashes */
	FILE *access_log;         /* NULL when off */
	int tls;
	const char *version;
	int64_t started_at;
	/* the navigation: the modules' entries and their record types', in
	 * order (app.c); rendered by web/layout.c */
	struct nav_item *nav;
	size_t nnav;
	/* the modules' periodic jobs, NULL-ended (app.c); run by jobs.c */
	const struct job *const *jobs;
	/* the signed-in user's unread notifications, shown beside the user
	 * menu (platform/inbox.c; NULL: no count) */
	int64_t (*unread_count)(struct req *r);
	/* background work started by server_run once its signals are blocked
	 * and stopped on SIGTERM before it returns (platform/mail.c); either
	 * may be NULL */
	int (*background_start)(struct app *app);
	void (*background_stop)(struct app *app);
	struct mailer *mailer; /* the e-mail sender's state, or NULL */
	/* the web layer's renderer for HTML error pages (layout.c) */
	void (*render_error)(struct req *r, int status, enum msg_id title, enum msg_id detail);
};

/* The server's cache of rendered results; NULL when it is off or the
 * request comes from the command line (no app). */
static inline struct cache *req_cache(const struct req *r)
{
	return r->app ? r->app->cache : NULL;
}

/* Builds the app: opens the pool, migrates, loads the secret, collects
 * routes and assets. Returns 0, or -1 with a message in err. */
int app_init(struct app *app, const struct config *cfg, char *err, size_t errlen);
void app_free(struct app *app);
const struct asset *app_asset(const struct app *app, const char *url);
/* "/static/app.css?v=HASH" for a file under assets/ (arena). */
const char *asset_url(struct req *r, const char *name);

/* The thread that runs app->jobs (jobs.c): started by server_run, stopped
 * before it returns. */
int jobs_start(struct app *app);
void jobs_stop(void);

/* Serves until SIGTERM/SIGINT, then drains in-flight requests. */
int server_run(struct app *app);

/* A JSON body is parsed into a tree many times its size: it has its own
 * limit, below max_body, checked before the body is read. */
#define REQ_MAX_JSON (1L << 20)
/* True when the request's Content-Type is application/json. */
int req_body_is_json(struct req *r);

/* The whole dispatch of one request, after the server has filled r. */
void router_dispatch(struct req *r);
/* Answers a request that failed before dispatch (413, 400) in the
 * language the request asks for. */
void router_fail_early(struct req *r, int status);
/* Records one finished request in the metrics. */
void metrics_record(struct app *app, const struct route *route, int status, uint64_t us);
/* The Prometheus exposition text into r->out. */
void metrics_write(struct req *r, int64_t open_sessions);

#endif
