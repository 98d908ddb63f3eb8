/* writer.h — group commit: one writer thread per process that runs the
 * jobs of many threads in one transaction and one flush to disk.
 *
 * A durable commit costs a flush (fsync on SQLite at synchronous=FULL, a WAL
 * flush on PostgreSQL); one transaction per request is bounded by the
 * flushes a disk can do (≈1.2k a second measured on SQLite). The writer
 * owns its own connection (SQLite: synchronous=FULL on that connection
 * only; PostgreSQL: synchronous_commit at least on). A caller submits a job
 * and blocks; the thread takes every job queued (up to batch_max), opens one
 * transaction, runs each job in its own savepoint (a job that fails is
 * rolled back alone and gets its own error), and commits once. When
 * db_writer_submit returns 0 the job's changes are committed and on disk:
 * that is what "acknowledged" means. There is no batching delay: the first
 * job of an idle writer goes at once, and the jobs that arrive during a
 * commit form the next batch.
 *
 * The db layer knows nothing of HTTP: a job is a function and a context.
 * (The request-aware form is req_write, http/write.h.) */
#ifndef WM_DB_WRITER_H
#define WM_DB_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_writer;

/* A job: runs on the writer thread inside its own savepoint of the batch's
 * transaction, on the writer's connection db. Returns 0 to keep its
 * changes, or a negative DB_E_* code (or any negative number) to have them
 * rolled back; that value is what db_writer_submit returns. It must not
 * commit or roll back the transaction it was given (nested db_begin /
 * db_commit pairs are fine). The statements it prepares on db are released
 * when it returns, whatever arena they were prepared under: copy out what
 * you keep. */
typedef int (*db_job_fn)(void *ctx, struct db *db);

/* Opens the writer's connection to url and starts its thread. batch_max
 * caps the jobs of one transaction (<= 0: 256). NULL with a message in err
 * when the connection cannot be opened. Caller closes. */
struct db_writer *db_writer_open(const char *url, int batch_max, char *err, size_t errlen);

/* Runs fn(ctx, db) on the writer thread and blocks until the transaction
 * holding it has committed (or failed). Returns fn's own negative code when
 * it failed (its changes were rolled back, its batch-mates' were not), the
 * commit's negative DB_E_* code when the commit failed (nothing of the
 * batch was kept), DB_ERR when the writer is closed, or 0: committed and
 * durable. Called from the writer thread itself (a job submitting a job),
 * fn runs at once in a nested savepoint of the current transaction.
 * Thread-safe. */
int db_writer_submit(struct db_writer *w, db_job_fn fn, void *ctx);

/* Stops accepting jobs, lets the thread finish every job already queued,
 * joins it and closes the connection. NULL is a no-op. */
void db_writer_close(struct db_writer *w);

struct db_writer_stats {
	uint64_t jobs; /* jobs run (committed or failed) */
	uint64_t commits; /* transactions committed */
	uint64_t failed; /* transactions whose commit failed */
	uint64_t max_batch; /* largest batch so far */
	uint64_t queued; /* jobs waiting now (not counting the batch running) */
};
void db_writer_stats(struct db_writer *w, struct db_writer_stats *st);

#endif
