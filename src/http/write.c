/* write.c — see write.h. The request thread blocks in db_writer_submit
 * while fn runs on the writer thread, so r (its arena included) is used by
 * one thread at a time; the mutex of the writer's queue orders the two. */
#include "write.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../db/writer.h"
#include "app.h"
#include "http.h"

struct write_job {
	struct req *r;
	req_write_fn fn;
	void *ctx;
};

static int write_run(void *ctx, struct db *db)
{
	struct write_job *j = ctx;
	/* the request's own pool connection (if it took one) is put aside, so
   * that nothing inside fn touches it from this thread */
	struct db *own = j->r->db_;
	j->r->db_ = db;
	int rc = j->fn(j->r, j->ctx);
	j->r->db_ = own;
	return rc;
}

int req_write(struct req *r, req_write_fn fn, void *ctx)
{
	struct db_writer *w = r->app ? r->app->writer : NULL;
	if (!w) {
		struct db *db = req_db(r);
		if (!db)
			return DB_ERR;
		int rc = db_begin(db);
		if (rc)
			return rc;
		rc = fn(r, ctx);
		if (rc) {
			db_rollback(db);
			return rc;
		}
		return db_commit(db);
	}
	if (r->db_ && db_depth(r->db_) > 0) {
		log_error("req_write: %s %s holds a transaction open on its own connection", r->method, r->path);
		return DB_ERR;
	}
	struct write_job j = {.r = r, .fn = fn, .ctx = ctx};
	return db_writer_submit(w, write_run, &j);
}
