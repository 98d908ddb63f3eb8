/* throttle.c — see throttle.h. */
#include "throttle.h"
#include "../db/db.h"

int64_t throttle_wait(struct db *db, const char *key, int64_t now)
{
	int64_t until = db_one_int64(db, 0, "SELECT locked_until FROM throttle WHERE key = ?", "s", key);
	return until > now ? until - now : 0;
}

/* The wait after the n-th failure in a series. It starts at 2 s: times
 * are whole seconds, so a wait of 1 could end a moment after it began. */
static int64_t wait_after(int64_t n, int max, int free)
{
	if (n >= max)
		return THROTTLE_LOCK;
	if (n <= free)
		return 0;
	int64_t d = 2;
	for (int64_t i = free + 1; i < n && d < THROTTLE_DELAY_MAX; i++)
		d *= 2;
	return d < THROTTLE_DELAY_MAX ? d : THROTTLE_DELAY_MAX;
}

int64_t throttle_fail(struct db *db, const char *key, int max, int free, int64_t now)
{
	/* a window that has run out starts again */
	db_run(db,
	       "INSERT INTO throttle (key, failures, first_at, locked_until) VALUES (?, 1, ?, 0) "
	       "ON CONFLICT (key) DO UPDATE SET "
	       "failures = CASE WHEN throttle.first_at < ? THEN 1 ELSE throttle.failures + 1 END, "
	       "first_at = CASE WHEN throttle.first_at < ? THEN ? ELSE throttle.first_at END",
	       "siiii", key, now, now - THROTTLE_WINDOW, now - THROTTLE_WINDOW, now);
	int64_t n = db_one_int64(db, 0, "SELECT failures FROM throttle WHERE key = ?", "s", key);
	int64_t wait = wait_after(n, max, free);
	if (!wait)
		return 0;
	/* a lock starts a new series; never shorten a wait another process set */
	db_run(db,
	       "UPDATE throttle SET locked_until = CASE WHEN locked_until > ? THEN locked_until ELSE ? END, "
	       "failures = CASE WHEN failures >= ? THEN 0 ELSE failures END, "
	       "first_at = CASE WHEN failures >= ? THEN ? ELSE first_at END WHERE key = ?",
	       "iiIIis", now + wait, now + wait, max, max, now, key);
	return wait;
}

void throttle_clear(struct db *db, const char *key)
{
	db_run(db, "DELETE FROM throttle WHERE key = ?", "s", key);
}
