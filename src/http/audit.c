/* audit.c — see audit.h. */
#include "audit.h"
#include "http.h"
#include "../db/db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The data generation's shard this connection bumps (migration 014: 64
 * rows): fixed per connection and process, so that concurrent writers
 * (one per process, and the pool's) mostly bump different rows and do not
 * queue on one row lock until each other's commit. */
static int gen_shard(const struct db *db)
{
	uint64_t x = (uint64_t)(uintptr_t)db ^ ((uint64_t)getpid() << 32);
	x *= 0x9E3779B97F4A7C15u; /* Fibonacci hashing: the top bits mix all */
	return (int)(x >> 58);
}

/* Inserts the entry; a change (bump) also moves the data generation on. */
static int audit_insert(struct db *db, int64_t user_id, const char *username, const char *ip, const char *action,
			const char *entity, int64_t entity_id, json_t *before, json_t *after, int bump)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)entity_id);
	int rc = db_run(db,
			"INSERT INTO audit (at, user_id, username, ip, action, entity, entity_id, before_json, "
			"after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"iisssssss", (int64_t)time(NULL), user_id, username, ip, action, entity, id, b, a);
	if (!rc && bump)
		rc = db_run(db, "UPDATE data_gen_shard SET n = n + 1 WHERE id = ?", "I", gen_shard(db));
	free(b);
	free(a);
	return rc;
}

int audit_write(struct db *db, int64_t user_id, const char *username, const char *ip, const char *action,
		const char *entity, int64_t entity_id, json_t *before, json_t *after)
{
	return audit_insert(db, user_id, username, ip, action, entity, entity_id, before, after, 1);
}

static int audit_request(struct req *r, const char *action, const char *entity, int64_t entity_id, json_t *before,
			 json_t *after, int bump)
{
	struct db *db = req_db(r);
	if (!db)
		return -1;
	return audit_insert(db, r->user ? r->user->id : 0, r->user ? r->user->username : "-", r->ip, action, entity,
			    entity_id, before, after, bump);
}

int audit_log(struct req *r, const char *action, const char *entity, int64_t entity_id, json_t *before, json_t *after)
{
	return audit_request(r, action, entity, entity_id, before, after, 1);
}

int audit_log_read(struct req *r, const char *action, const char *entity, int64_t entity_id, json_t *what)
{
	return audit_request(r, action, entity, entity_id, NULL, what, 0);
}

int64_t audit_data_gen(struct db *db)
{
	/* every commit that bumps adds to the sum, and commits become visible
	 * in one order, so two snapshots with the same sum saw the same changes */
	return db ? db_one_int64(db, -1,
				 "SELECT (SELECT n FROM data_gen WHERE id = 1) + (SELECT sum(n) FROM data_gen_shard)",
				 NULL)
		  : -1;
}
