/* onetime.h — one-time codes handed on paper to people without an account
 * (the appraisal's ballot tokens, the learning module's sign-in codes):
 * random characters from an alphabet without look-alikes (no 0/O, 1/I/L),
 * grouped by dashes for reading aloud, and stored only as the hash of
 * their canonical form (letters upper-cased, dashes and spaces dropped),
 * so the database never holds a usable code. Randomness from libsodium. */
#ifndef WM_ONETIME_H
#define WM_ONETIME_H

#define ONETIME_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define ONETIME_HASH_SIZE 65 /* SHA-256 as lower-case hex, and the NUL */

/* nchars random characters of ONETIME_ALPHABET into out, a dash between
 * groups of group characters (0: no dashes); out holds at least
 * nchars + nchars / group + 1 bytes. */
void onetime_make(char *out, int nchars, int group);
/* The canonical form of code into out (nchars + 1 bytes): letters
 * upper-cased, dashes and spaces dropped. 0, or -1 when code has other
 * characters or not exactly nchars letters and digits. */
int onetime_canon(const char *code, int nchars, char *out);
/* The stored form of code into hex: 0, or -1 when code has characters
 * other than letters, digits, dashes and spaces, or not exactly nchars
 * letters and digits. */
int onetime_hash(const char *code, int nchars, char hex[ONETIME_HASH_SIZE]);

#endif
