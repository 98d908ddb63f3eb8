/* metrics.c — per-process counters and the Prometheus text at /metrics. */
#include "app.h"
#include "../core/cache.h"
#include "../db/db.h"

#include <string.h>

static const int statuses[METRIC_STATUSES] = {200, 201, 204, 301, 303, 304, 400, 401, 403, 404,
					      405, 409, 413, 415, 422, 429, 500, 503, 0, 0};
static const double bounds_ms[METRIC_BUCKETS - 1] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000};

static int status_slot(int s)
{
	for (int i = 0; i < METRIC_STATUSES - 2; i++)
		if (statuses[i] == s)
			return i;
	return METRIC_STATUSES - 1; /* other */
}

void metrics_record(struct app *app, const struct route *route, int status, uint64_t us)
{
	struct metrics *m = &app->metrics;
	size_t ri = route ? (size_t)(route - app->routes) : app->nroutes;
	atomic_fetch_add(&m->routes[ri].by_status[status_slot(status)], 1);
	atomic_fetch_add(&m->requests, 1);
	atomic_fetch_add(&m->latency_sum_us, us);
	int b = 0;
	while (b < METRIC_BUCKETS - 1 && (double)us / 1000.0 > bounds_ms[b])
		b++;
	atomic_fetch_add(&m->latency[b], 1);
}

/* Writes the exposition text into r->out. */
void metrics_write(struct req *r, int64_t open_sessions)
{
	const struct app *app = r->app;
	struct metrics *m = (struct metrics *)&app->metrics;
	struct buf *o = &r->out;
	buf_puts(o, "# HELP wenming_requests_total Requests served, by route and status.\n"
		    "# TYPE wenming_requests_total counter\n");
	for (size_t i = 0; i <= app->nroutes; i++) {
		const char *name = i < app->nroutes ? (app->routes[i].name ? app->routes[i].name
									   : app->routes[i].pattern)
						    : "unmatched";
		const char *method = i < app->nroutes ? app->routes[i].method : "";
		for (int s = 0; s < METRIC_STATUSES; s++) {
			unsigned long v = atomic_load(&m->routes[i].by_status[s]);
			if (!v)
				continue;
			buf_puts(o, "wenming_requests_total{route=\"");
			buf_puts(o, method);
			if (*method)
				buf_putc(o, ' ');
			buf_puts(o, name);
			if (statuses[s])
				buf_printf(o, "\",status=\"%d\"} %lu\n", statuses[s], v);
			else
				buf_printf(o, "\",status=\"other\"} %lu\n", v);
		}
	}
	buf_puts(o, "# HELP wenming_request_duration_seconds Time to build and send a response.\n"
		    "# TYPE wenming_request_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (int b = 0; b < METRIC_BUCKETS; b++) {
		cum += atomic_load(&m->latency[b]);
		if (b < METRIC_BUCKETS - 1)
			buf_printf(o, "wenming_request_duration_seconds_bucket{le=\"%g\"} %lu\n", bounds_ms[b] / 1000,
				   cum);
		else
			buf_printf(o, "wenming_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	}
	buf_printf(o, "wenming_request_duration_seconds_sum %.6f\n",
		   (double)atomic_load(&m->latency_sum_us) / 1e6);
	buf_printf(o, "wenming_request_duration_seconds_count %lu\n", cum);
	buf_printf(o,
		   "# HELP wenming_db_seconds_total Time spent in the database.\n"
		   "# TYPE wenming_db_seconds_total counter\nwenming_db_seconds_total %.6f\n",
		   (double)db_pool_time_us(app->pool) / 1e6);
	struct cache_stats cs;
	cache_stats(req_cache(r), &cs);
	buf_printf(o,
		   "# HELP wenming_cache_hits_total Lists and counts served from the cache.\n"
		   "# TYPE wenming_cache_hits_total counter\nwenming_cache_hits_total %llu\n"
		   "# HELP wenming_cache_misses_total Cache lookups that had to compute.\n"
		   "# TYPE wenming_cache_misses_total counter\nwenming_cache_misses_total %llu\n"
		   "# HELP wenming_cache_bytes Bytes held by the cache.\n"
		   "# TYPE wenming_cache_bytes gauge\nwenming_cache_bytes %llu\n",
		   (unsigned long long)cs.hits, (unsigned long long)cs.misses, (unsigned long long)cs.bytes);
	buf_printf(o,
		   "# HELP wenming_requests_in_flight Requests being served now.\n"
		   "# TYPE wenming_requests_in_flight gauge\nwenming_requests_in_flight %ld\n",
		   atomic_load(&m->inflight));
	buf_printf(o,
		   "# HELP wenming_sessions_open Signed-in sessions in the database.\n"
		   "# TYPE wenming_sessions_open gauge\nwenming_sessions_open %lld\n",
		   (long long)open_sessions);
}
