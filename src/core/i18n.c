/* i18n.c — catalog lookup, language negotiation and formatting. */
#include "i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const table[M__COUNT][LANG__COUNT] = {
	[M_NONE] = {"", "", ""},
#define MSG(key, hant, hans, en) [M_##key] = {hant, hans, en},
#include "catalog.h"
#undef MSG
};

static const char *const keys[M__COUNT] = {
	[M_NONE] = "",
#define MSG(key, hant, hans, en) [M_##key] = #key,
#include "catalog.h"
#undef MSG
};

const char *msg(enum lang l, enum msg_id id)
{
	if ((unsigned)id >= M__COUNT || (unsigned)l >= LANG__COUNT)
		return "";
	return table[id][l];
}

const char *msg_key(enum msg_id id)
{
	return (unsigned)id < M__COUNT ? keys[id] : "";
}

enum msg_id msg_find(const char *key)
{
	for (int i = 1; i < M__COUNT; i++)
		if (strcmp(keys[i], key) == 0)
			return (enum msg_id)i;
	return M_NONE;
}

const char *lang_code(enum lang l)
{
	static const char *codes[] = {"zh-Hant", "zh-Hans", "en"};
	return (unsigned)l < LANG__COUNT ? codes[l] : codes[0];
}

int lang_parse(const char *tag)
{
	if (!tag)
		return -1;
	char t[32];
	size_t n = 0;
	for (; tag[n] && n < sizeof t - 1; n++)
		t[n] = (char)tolower((unsigned char)(tag[n] == '_' ? '-' : tag[n]));
	t[n] = 0;
	if (!strcmp(t, "zh-hant") || !strncmp(t, "zh-hant-", 8) || !strcmp(t, "zh-tw") || !strcmp(t, "zh-hk") ||
	    !strcmp(t, "zh-mo"))
		return LANG_HANT;
	if (!strcmp(t, "zh-hans") || !strncmp(t, "zh-hans-", 8) || !strcmp(t, "zh-cn") || !strcmp(t, "zh-sg") ||
	    !strcmp(t, "zh"))
		return LANG_HANS;
	if (!strcmp(t, "en") || !strncmp(t, "en-", 3))
		return LANG_EN;
	return -1;
}

enum lang lang_from_accept(const char *h)
{
	int best = -1;
	double bestq = -1;
	while (h && *h) {
		while (*h == ' ' || *h == ',')
			h++;
		const char *end = h + strcspn(h, ",");
		const char *semi = memchr(h, ';', (size_t)(end - h));
		size_t tl = (size_t)((semi ? semi : end) - h);
		while (tl && h[tl - 1] == ' ')
			tl--;
		double q = 1;
		if (semi) {
			const char *qp = strstr(semi, "q=");
			if (qp && qp < end)
				q = strtod(qp + 2, NULL);
		}
		char tag[32];
		if (tl && tl < sizeof tag) {
			memcpy(tag, h, tl);
			tag[tl] = 0;
			int l = lang_parse(tag);
			/* q=0 means "not acceptable" (RFC 9110 12.4.2) */
			if (l >= 0 && q > 0 && q > bestq) {
				best = l;
				bestq = q;
			}
		}
		h = end;
	}
	return best < 0 ? LANG_HANT : (enum lang)best;
}

char *fmt_time(enum lang l, int64_t t, int with_time, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!len)
		return out;
	if (!localtime_r(&tt, &tm)) { /* beyond what the C library can represent */
		snprintf(out, len, "?");
		return out;
	}
	static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int n;
	if (l == LANG_EN)
		n = snprintf(out, len, "%d %s %d", tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900);
	else
		n = snprintf(out, len, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (with_time && n > 0 && (size_t)n < len)
		snprintf(out + n, len - (size_t)n, " %02d:%02d", tm.tm_hour, tm.tm_min);
	return out;
}

char *fmt_int(enum lang l, int64_t v, char *out, size_t len)
{
	(void)l; /* all three languages group by thousands with a comma */
	if (!len)
		return out;
	char digits[32];
	unsigned long long m = v < 0 ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;
	int n = snprintf(digits, sizeof digits, "%llu", m);
	size_t o = 0;
	if (v < 0 && o + 1 < len)
		out[o++] = '-';
	for (int i = 0; i < n && o + 1 < len; i++) {
		if (i && (n - i) % 3 == 0 && o + 1 < len)
			out[o++] = ',';
		if (o + 1 < len)
			out[o++] = digits[i];
	}
	out[o] = 0;
	return out;
}
