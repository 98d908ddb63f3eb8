/* writer.c — see writer.h. One mutex guards the queue; jobs live on their
 * submitters' stacks (each submitter blocks until its job is done). The
 * thread never holds the mutex while it talks to the database. */
#include "writer.h"
#include "../core/arena.h"
#include "../core/log.h"
#include "db_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRITER_BATCH_DEFAULT 256

struct job {
	db_job_fn fn;
	void *ctx;
	int rc;
	int ran; /* the writer thread's: rc is final */
	int done; /* under the mutex: ran, seen by the submitter */
	struct job *next;
};

struct db_writer {
	pthread_mutex_t mu;
	pthread_cond_t work; /* a job was queued, or closing */
	pthread_cond_t finished; /* a batch finished */
	struct job *head, *tail;
	int closing;
	int waiters; /* submitters inside db_writer_submit: close waits for them */
	int batch_max;
	char *url;
	struct db *db; /* the writer thread's alone; NULL while it cannot be (re)opened */
	pthread_t thread;
	struct db_writer_stats st;
};

/* The connection's durability: a commit on it is on disk when it returns.
 * The pool's SQLite connections stay at NORMAL (a crash may lose their last
 * commits, never corrupt): what they write is re-derivable or was not
 * acknowledged as durable, and FULL on every one of them would cost a
 * flush per request. In WAL mode a flush covers the whole log, so a
 * writer's commit also makes durable what the pool committed before it. */
static struct db *writer_connect(const char *url, char *err, size_t errlen)
{
	struct db *db = db_open(url, err, errlen);
	if (!db)
		return NULL;
	int rc;
	if (db->kind == DB_SQLITE) {
		rc = db_exec_script(db, "PRAGMA synchronous=FULL");
	} else {
		/* a server configured with synchronous_commit = off would
     * acknowledge before the flush; local and remote_* keep theirs */
		struct arena a;
		arena_init(&a);
		char *v = db_one_text(db, &a, "SELECT current_setting('synchronous_commit')", NULL);
		rc = !v ? DB_ERR : strcmp(v, "off") == 0 ? db_exec_script(db, "SET synchronous_commit = on") : 0;
		arena_free(&a);
	}
	if (rc) {
		snprintf(err, errlen, "writer: cannot set durability: %s", db_errmsg(db));
		db_close(db);
		return NULL;
	}
	return db;
}

/* The batch's transaction. SQLite: BEGIN IMMEDIATE takes the write lock
 * at once (waiting up to the busy timeout for the pool's writers), so a job
 * that reads before it writes cannot fail with a stale snapshot
 * (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not retry). */
static int begin_batch(struct db *db)
{
	if (db->kind != DB_SQLITE)
		return db_begin(db);
	int rc = db->ops->exec(db, "BEGIN IMMEDIATE");
	if (rc)
		return rc;
	db->begin_file[0] = __FILE__;
	db->begin_line[0] = __LINE__;
	db->depth = 1;
	return 0;
}

/* Runs one job in a savepoint at depth base+1. Returns the job's code in
 * *jrc and 0, or a negative code when the transaction cannot go on (the
 * savepoint could not be opened or undone), or 1 when the job itself broke
 * the nesting (committed or rolled back what it was not given). */
static int run_job(struct db *db, struct job *j, int base, int release, int *jrc)
{
	int rc = db_begin(db);
	if (rc) {
		*jrc = rc;
		return rc;
	}
	rc = j->fn(j->ctx, db);
	if (release)
		db_release_statements(db);
	if (db->depth <= base) {
		log_error("writer: a job ended the transaction it was given (depth %d, "
			  "expected %d)",
			  db->depth, base + 1);
		*jrc = rc ? rc : DB_ERR;
		return 1;
	}
	while (db->depth > base + 1) {
		log_warn("writer: a job left the transaction begun at %s:%d open; rolled back",
			 db->begin_file[db->depth - 1], db->begin_line[db->depth - 1]);
		if (db_rollback(db)) {
			*jrc = DB_ERR;
			return DB_ERR;
		}
		if (!rc)
			rc = DB_ERR;
	}
	if (!rc) {
		rc = db_commit(db); /* RELEASE SAVEPOINT */
		if (!rc) {
			*jrc = 0;
			return 0;
		}
		/* PostgreSQL refuses to release a savepoint in a failed
     * transaction (a statement failed and the job went on): undo it
     * instead. db_commit has already counted it closed. */
		db->depth++;
	}
	*jrc = rc;
	int rrc = db_rollback(db); /* ROLLBACK TO SAVEPOINT; RELEASE */
	return rrc ? rrc : 0;
}

/* Rolls back whatever is open, even on a lost connection. */
static void abort_batch(struct db *db)
{
	while (db->depth > 0)
		db_rollback(db);
}

/* Runs jobs[0..n) in one transaction and sets each one's ran/rc. A job
 * that broke the nesting (ended the batch's transaction: a bug) fails, the
 * jobs before it fail too (what it ended may have been a commit: running
 * them again could write them twice), and the jobs after it are left not
 * ran, to go first in the next batch. */
static void run_batch(struct db_writer *w, struct job **jobs, int n)
{
	struct db *db = w->db;
	int rc = begin_batch(db);
	int i = 0;
	for (; !rc && i < n; i++) {
		int jrc = 0;
		rc = run_job(db, jobs[i], 1, 1, &jrc);
		jobs[i]->rc = jrc;
		if (rc == 1) {
			abort_batch(db);
			for (int k = 0; k < i; k++)
				jobs[k]->rc = DB_ERR;
			for (int k = 0; k <= i; k++)
				jobs[k]->ran = 1;
			return;
		}
	}
	if (!rc) {
		rc = db_commit(db);
		pthread_mutex_lock(&w->mu);
		if (rc)
			w->st.failed++;
		else
			w->st.commits++;
		pthread_mutex_unlock(&w->mu);
		if (rc)
			log_error("writer: commit of %d jobs failed: %s", n, db_errmsg(db));
	} else {
		log_error("writer: batch of %d jobs failed at job %d: %s", n, i, db_errmsg(db));
		abort_batch(db);
	}
	for (int k = 0; k < n; k++) {
		/* a failed job keeps its own code; the others share the batch's */
		if (rc && (k >= i || jobs[k]->rc == 0))
			jobs[k]->rc = rc;
		jobs[k]->ran = 1;
	}
}

static void *writer_main(void *arg)
{
	struct db_writer *w = arg;
	struct job **batch = calloc((size_t)w->batch_max, sizeof *batch);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->closing)
			pthread_cond_wait(&w->work, &w->mu);
		if (!w->head)
			break; /* closing, and nothing left */
		int n = 0;
		while (w->head && n < w->batch_max) {
			batch[n++] = w->head;
			w->head = w->head->next;
		}
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->mu);

		if (w->db && w->db->broken) {
			log_warn("writer: connection lost; reopening");
			db_close(w->db);
			w->db = NULL;
		}
		if (!w->db) {
			char err[256];
			w->db = writer_connect(w->url, err, sizeof err);
			if (!w->db)
				log_error("writer: %s", err);
		}
		if (w->db) {
			run_batch(w, batch, n);
		} else {
			for (int k = 0; k < n; k++) {
				batch[k]->rc = DB_ERR;
				batch[k]->ran = 1;
			}
		}

		pthread_mutex_lock(&w->mu);
		/* jobs rolled back for a batch-mate's fault go first next time */
		for (int k = n - 1; k >= 0; k--) {
			if (batch[k]->ran) {
				batch[k]->done = 1;
				w->st.jobs++;
				continue;
			}
			batch[k]->next = w->head;
			w->head = batch[k];
			if (!w->tail)
				w->tail = batch[k];
		}
		if ((uint64_t)n > w->st.max_batch)
			w->st.max_batch = (uint64_t)n;
		pthread_cond_broadcast(&w->finished);
	}
	pthread_mutex_unlock(&w->mu);
	free(batch);
	return NULL;
}

struct db_writer *db_writer_open(const char *url, int batch_max, char *err, size_t errlen)
{
	struct db *db = writer_connect(url, err, errlen);
	if (!db)
		return NULL;
	struct db_writer *w = calloc(1, sizeof *w);
	w->url = strdup(url);
	w->db = db;
	w->batch_max = batch_max > 0 ? batch_max : WRITER_BATCH_DEFAULT;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->finished, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		snprintf(err, errlen, "writer: cannot start its thread");
		db_close(db);
		free(w->url);
		free(w);
		return NULL;
	}
	return w;
}

int db_writer_submit(struct db_writer *w, db_job_fn fn, void *ctx)
{
	struct job j = {.fn = fn, .ctx = ctx};
	if (pthread_equal(pthread_self(), w->thread)) {
		/* a job submitting a job: a savepoint inside the current one */
		int jrc = 0, rc = run_job(w->db, &j, w->db->depth, 0, &jrc);
		return rc ? (jrc ? jrc : rc) : jrc;
	}
	pthread_mutex_lock(&w->mu);
	if (w->closing) {
		pthread_mutex_unlock(&w->mu);
		log_error("writer: job submitted after close");
		return DB_ERR;
	}
	if (w->tail)
		w->tail->next = &j;
	else
		w->head = &j;
	w->tail = &j;
	w->waiters++;
	pthread_cond_signal(&w->work);
	while (!j.done)
		pthread_cond_wait(&w->finished, &w->mu);
	/* the last one out while closing lets db_writer_close free w */
	if (--w->waiters == 0 && w->closing)
		pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	return j.rc;
}

void db_writer_close(struct db_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->closing = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* every job is done, but its submitter may not have woken yet: it
	 * still needs the mutex (the thread, gone, waits on work no more) */
	pthread_mutex_lock(&w->mu);
	while (w->waiters > 0)
		pthread_cond_wait(&w->work, &w->mu);
	pthread_mutex_unlock(&w->mu);
	db_close(w->db);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->finished);
	free(w->url);
	free(w);
}

void db_writer_stats(struct db_writer *w, struct db_writer_stats *st)
{
	pthread_mutex_lock(&w->mu);
	*st = w->st;
	st->queued = 0;
	for (struct job *j = w->head; j; j = j->next)
		st->queued++;
	pthread_mutex_unlock(&w->mu);
}
