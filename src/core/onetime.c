/* onetime.c — one-time codes (onetime.h). */
#include "onetime.h"

#include <ctype.h>
#include <sodium.h>

void onetime_make(char *out, int nchars, int group)
{
	int k = 0;
	for (int i = 0; i < nchars; i++) {
		if (group > 0 && i && i % group == 0)
			out[k++] = '-';
		out[k++] = ONETIME_ALPHABET[randombytes_uniform(sizeof ONETIME_ALPHABET - 1)];
	}
	out[k] = 0;
}

int onetime_canon(const char *code, int nchars, char *out)
{
	int n = 0;
	if (nchars <= 0)
		return -1;
	for (const char *p = code; p && *p; p++) {
		if (isalnum((unsigned char)*p)) {
			if (n >= nchars)
				return -1;
			out[n++] = (char)toupper((unsigned char)*p);
		} else if (*p != '-' && *p != ' ') {
			return -1;
		}
	}
	out[n] = 0;
	return n == nchars ? 0 : -1;
}

int onetime_hash(const char *code, int nchars, char hex[ONETIME_HASH_SIZE])
{
	char canon[64];
	if (nchars >= (int)sizeof canon || onetime_canon(code, nchars, canon))
		return -1;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)canon, (unsigned long long)nchars);
	sodium_bin2hex(hex, ONETIME_HASH_SIZE, h, sizeof h);
	return 0;
}
