/* throttle.c — see throttle.h. */
#include "throttle.h"
#include "../db/db.h"

int64_t throttle_locked(struct db *db, const char *key, int64_t now)
{
	int64_t until = db_one_int64(db, 0, "SELECT locked_until FROM throttle WHERE key = ?", "s", key);
	return until > now ? until - now : 0;
}

void throttle_fail(struct db *db, const char *key, int max, int64_t now)
{
	/* a window that has run out starts again */
	db_run(db,
	       "INSERT INTO throttle (key, failures, first_at, locked_until) VALUES (?, 1, ?, 0) "
	       "ON CONFLICT (key) DO UPDATE SET "
	       "failures = CASE WHEN throttle.first_at < ? THEN 1 ELSE throttle.failures + 1 END, "
	       "first_at = CASE WHEN throttle.first_at < ? THEN ? ELSE throttle.first_at END",
	       "siiii", key, now, now - THROTTLE_WINDOW, now - THROTTLE_WINDOW, now);
	db_run(db, "UPDATE throttle SET locked_until = ?, failures = 0, first_at = ? WHERE key = ? AND failures >= ?",
	       "iisI", now + THROTTLE_LOCK, now, key, max);
}

void throttle_clear(struct db *db, const char *key)
{
	db_run(db, "DELETE FROM throttle WHERE key = ?", "s", key);
}
