/* jobs.c — the server's own periodic work (struct job in app.h): one
 * thread runs every module's jobs at their intervals, each with a request
 * that has no user (the system) and a connection from the pool, and stops
 * with the server. A job that fails is logged and tried again at its next
 * interval. */
#include "app.h"
#include "../core/log.h"
#include "../db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int running, stopping;

static void run_one(struct app *app, const struct job *j)
{
	struct db *db = db_pool_get(app->pool);
	if (!db) {
		log_warn("job %s: no database connection", j->name);
		return;
	}
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_HANT);
	r.app = app;
	r.ip = "system";
	int rc = j->run(&r);
	if (rc)
		log_warn("job %s failed (%d); it runs again in %d s", j->name, rc, j->interval);
	db_pool_put(app->pool, db);
	arena_free(&a);
}

static void *loop(void *arg)
{
	struct app *app = arg;
	size_t n = 0;
	while (app->jobs[n])
		n++;
	time_t *next = calloc(n ? n : 1, sizeof *next);
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++)
		next[i] = now + app->jobs[i]->interval;
	pthread_mutex_lock(&mu);
	while (!stopping) {
		now = time(NULL);
		time_t wake = now + 3600;
		for (size_t i = 0; i < n; i++) {
			if (next[i] <= now) {
				pthread_mutex_unlock(&mu);
				run_one(app, app->jobs[i]);
				pthread_mutex_lock(&mu);
				next[i] = time(NULL) + app->jobs[i]->interval;
			}
			if (next[i] < wake)
				wake = next[i];
		}
		struct timespec ts = {.tv_sec = wake, .tv_nsec = 0};
		if (!stopping)
			pthread_cond_timedwait(&cv, &mu, &ts);
	}
	pthread_mutex_unlock(&mu);
	free(next);
	return NULL;
}

int jobs_start(struct app *app)
{
	if (!app->jobs || !app->jobs[0])
		return 0;
	stopping = 0;
	if (pthread_create(&thread, NULL, loop, app))
		return -1;
	running = 1;
	return 0;
}

void jobs_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	running = 0;
}
