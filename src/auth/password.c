/* password.c — see password.h. */
#include "password.h"
#include "../core/buf.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

/* A short list of the most common passwords (length ≥ 10, as shorter ones
 * fail the length rule anyway), compared case-insensitively. */
static const char *const common[] = {
	"1234567890", "12345678910", "123456789a", "1234567890a", "0123456789", "1q2w3e4r5t", "qwertyuiop",
	"password123", "password1234", "passw0rd123", "iloveyou123", "qwerty1234", "qwerty12345", "1qaz2wsx3edc",
	"abcdefghij", "abc1234567", "a123456789", "aa12345678", "zxcvbnm123", "1111111111", "0000000000",
	"5201314520", "woaini1314", "asdfghjkl1", "administrator", "admin12345", "admin123456", "welcome123",
	"changeme123", "letmein123", "sunshine123", "football123", "monkey1234", "dragon1234", "baseball123",
	"superman123", "princess123", "trustno1234", "p@ssw0rd123", "p@ssword123", "qazwsxedcrfv", "1qazxsw23edc",
	"wenming1234", "wenming123456", "jiaotong123", "88888888888", "6666666666", "1231231231", "9876543210",
};

int password_hash(sem_t *sem, const char *pw, char out[PASSWORD_HASH_MAX])
{
	if (sem)
		sem_wait(sem);
	int rc = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				   crypto_pwhash_MEMLIMIT_INTERACTIVE);
	if (sem)
		sem_post(sem);
	return rc == 0 ? 0 : -1;
}

int password_verify(sem_t *sem, const char *hash, const char *pw)
{
	if (sem)
		sem_wait(sem);
	int ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
	if (sem)
		sem_post(sem);
	return ok;
}

void password_burn(sem_t *sem, const char *pw)
{
	/* the same work as a verify, with a fixed salt; the result is unused */
	unsigned char out[32], salt[crypto_pwhash_SALTBYTES] = {0};
	if (sem)
		sem_wait(sem);
	if (crypto_pwhash(out, sizeof out, pw, strlen(pw), salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		out[0] = 0;
	if (sem)
		sem_post(sem);
	sodium_memzero(out, sizeof out);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

enum msg_id password_policy(const char *username, const char *pw)
{
	if (!utf8_valid(pw, strlen(pw)))
		return M_err_bad_utf8;
	if (utf8_chars(pw) < PASSWORD_MIN_CHARS)
		return M_pw_too_short;
	if (strlen(pw) > 512)
		return M_pw_too_long;
	if (username && *username && strcasestr(pw, username))
		return M_pw_has_username;
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcasecmp(pw, common[i]) == 0)
			return M_pw_common;
	/* all one character, e.g. "aaaaaaaaaa" */
	size_t same = 1;
	for (size_t i = 1; pw[i]; i++)
		same += pw[i] == pw[0];
	if (same == strlen(pw))
		return M_pw_common;
	return M_NONE;
}

void password_generate(char out[32])
{
	/* no look-alikes (0/O, 1/l/I) so it can be read aloud and typed */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[16] = 0;
}
