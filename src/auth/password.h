/* password.h — argon2id password hashes and the password policy.
 * Hashing costs 64 MiB and ~0.2 s, so at most hash_concurrency hashes run
 * at once (a semaphore in struct app); callers wait their turn. */
#ifndef WM_PASSWORD_H
#define WM_PASSWORD_H

#include <semaphore.h>

#include "../core/i18n.h"

#define PASSWORD_HASH_MAX 128
#define PASSWORD_MIN_CHARS 10

/* Writes the encoded hash into out; 0 or -1 (out of memory). sem may be NULL. */
int password_hash(sem_t *sem, const char *pw, char out[PASSWORD_HASH_MAX]);
/* 1 when pw matches the encoded hash. */
int password_verify(sem_t *sem, const char *hash, const char *pw);
/* M_NONE when pw is acceptable for this user name, else the reason. */
enum msg_id password_policy(const char *username, const char *pw);
/* A random password that passes the policy (16 characters). */
void password_generate(char out[32]);
/* Verifies against a dummy hash: sign-in for an unknown user costs the same. */
void password_burn(sem_t *sem, const char *pw);

#endif
