/* throttle.h — failed sign-ins, counted per account and per IP address in
 * the database (so every process sees them), with a temporary lock. */
#ifndef WM_THROTTLE_H
#define WM_THROTTLE_H

#include <stdint.h>

struct db;

#define THROTTLE_WINDOW 900     /* seconds over which failures are counted */
#define THROTTLE_USER_MAX 5     /* failures per account before the lock */
#define THROTTLE_IP_MAX 20      /* failures per IP before the lock */
#define THROTTLE_LOCK 900       /* seconds locked */

/* Seconds until the key is unlocked, 0 when it is not locked. */
int64_t throttle_locked(struct db *db, const char *key, int64_t now);
/* Counts one failure; locks the key when it reaches max. */
void throttle_fail(struct db *db, const char *key, int max, int64_t now);
void throttle_clear(struct db *db, const char *key);

#endif
