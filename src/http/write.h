/* write.h — durable writes from a request: the request-aware form of the
 * group-commit writer (db/writer.h).
 *
 * req_write(r, fn, ctx) runs fn(r, ctx) on the process's writer thread,
 * with req_db(r) answering the writer's connection for the while, inside
 * its own savepoint of a transaction shared with other requests' jobs, and
 * returns once that transaction has committed with a flush to disk. A 0
 * return is the acknowledgment: the changes are durable, and the request
 * may answer with what fn produced (a tracking code). Use it where losing
 * a commit after answering would be wrong (the public intake of cases);
 * ordinary edits keep their own transactions on the pool's connection.
 *
 * Inside fn, as anywhere in a handler: records engine calls, audit_log,
 * db_begin/db_commit pairs (savepoints), allocations from r->a. fn must
 * not start another req_write of its own thread's request (it would run
 * nested, in the same transaction). Statements fn prepares are released
 * when it returns: copy into r->a what the request needs afterwards. */
#ifndef WM_HTTP_WRITE_H
#define WM_HTTP_WRITE_H

struct req;

typedef int (*req_write_fn)(struct req *r, void *ctx);

/* Runs fn(r, ctx) as described above and returns its negative code (its
 * changes were rolled back), the commit's negative DB_E_* code, or 0
 * (committed and durable). Refuses with DB_ERR, logged, when the request
 * holds a transaction open on its own connection: the job could not be
 * part of it, and on SQLite it would wait for that transaction's lock.
 * Without a writer (the command line, tests without a server), fn runs on
 * req_db(r) in its own transaction (a savepoint when one is open). */
int req_write(struct req *r, req_write_fn fn, void *ctx);

#endif
