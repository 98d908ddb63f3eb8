/* throttle.h — failed sign-ins, counted in the database (so every process
 * sees them) under two keys, neither of which a stranger can use to lock
 * the owner out of an account:
 *
 * - an account tried from one address ("pair:ADDR NAME"): 5 failures lock
 *   that address out of that account for 15 minutes; the owner, signing in
 *   from another address, is not affected;
 * - an address ("ip:ADDR"), whatever the accounts: after 3 failures each
 *   next attempt waits 2, 4, 8 ... at most 60 seconds (answered at once
 *   with 429, no password hashed), and 20 failures lock the address for 15
 *   minutes (password spraying across accounts).
 *
 * A correct password from an address without failures always gets through.
 * Failures are forgotten 15 minutes after the first one of a series. */
#ifndef WM_THROTTLE_H
#define WM_THROTTLE_H

#include <stdint.h>

struct db;

#define THROTTLE_WINDOW 900   /* seconds over which failures are counted */
#define THROTTLE_PAIR_MAX 5   /* failures of one account from one address before the lock */
#define THROTTLE_IP_MAX 20    /* failures from one address before the lock */
#define THROTTLE_IP_FREE 3    /* failures from one address before the delays start */
#define THROTTLE_DELAY_MAX 60 /* seconds: the longest delay between attempts */
#define THROTTLE_LOCK 900     /* seconds locked */

/* Seconds until the key may try again, 0 when it may now. */
int64_t throttle_wait(struct db *db, const char *key, int64_t now);
/* Counts one failure of key. At max failures the key is locked for
 * THROTTLE_LOCK seconds and its count starts again; past free failures the
 * next attempt waits 2, 4, 8 ... THROTTLE_DELAY_MAX seconds (free = max:
 * no delays). Returns the seconds to wait. */
int64_t throttle_fail(struct db *db, const char *key, int max, int free, int64_t now);
void throttle_clear(struct db *db, const char *key);

#endif
