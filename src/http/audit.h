/* audit.h — the one way every change is recorded.
 *
 * Call audit_log inside the same transaction as the change it records:
 * who (user or "system"), when, from which IP, what (action, entity, id),
 * and the values before and after as JSON objects (either may be NULL).
 * The audit table is append-only: the schema's triggers refuse UPDATE and
 * DELETE, and the application has no route that would try. */
#ifndef WM_AUDIT_H
#define WM_AUDIT_H

#include <jansson.h>
#include <stdint.h>

struct req;
struct db;

/* Returns 0 or a negative DB_E_* code; the caller then rolls back. */
int audit_log(struct req *r, const char *action, const char *entity, int64_t entity_id, json_t *before,
	      json_t *after);
/* An entry for seeing data, not changing it (a reveal, an export): what
 * was seen goes in the "after" side; the data generation stays, so cached
 * lists stay valid. Its own transaction or the caller's; 0 or DB_E_*. */
int audit_log_read(struct req *r, const char *action, const char *entity, int64_t entity_id, json_t *what);
/* For the command line: the actor is named, the IP is "cli". */
int audit_write(struct db *db, int64_t user_id, const char *username, const char *ip, const char *action,
		const char *entity, int64_t entity_id, json_t *before, json_t *after);
/* The data generation: a counter every change's entry (audit_log,
 * audit_write; not audit_log_read) bumps inside the same
 * transaction, so it changes with every committed change, whichever process
 * made it. It is a sum over shard rows (migration 014), so that concurrent
 * writers do not queue on one row: read it only through this function.
 * Cached results are keyed by it (core/cache.h). -1 on error. */
int64_t audit_data_gen(struct db *db);

#endif
