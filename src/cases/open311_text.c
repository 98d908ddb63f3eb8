/* open311_text.c — see open311.h: Open311's parameters parsed and its XML
 * written, with no database and no HTTP, so that every function here can
 * be fuzzed on its own. Everything a client sends is untrusted: each
 * parser reads only within its NUL-terminated input and bounds every
 * number before arithmetic. */
#include "open311.h"

#include "../core/cal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- datetimes ---- */

/* n decimal digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int o311_parse_datetime(const char *s, int64_t *t)
{
	if (!s)
		return -1;
	int y = digits(s, 4), mo = s[0] && s[1] && s[2] && s[3] && s[4] == '-' ? digits(s + 5, 2) : -1;
	int d = mo >= 0 && s[7] == '-' ? digits(s + 8, 2) : -1;
	if (y < 0 || d < 0 || !cal_valid(y, mo, d))
		return -1;
	int64_t day = cal_days_from_civil(y, mo, d);
	const char *p = s + 10;
	if (!*p) {
		int64_t v = cal_local_time(day, 0, 0, 0);
		if (v == -1)
			return -1;
		*t = v;
		return 0;
	}
	if (*p != 'T')
		return -1;
	p++;
	int h = digits(p, 2), mi = p[0] && p[1] && p[2] == ':' ? digits(p + 3, 2) : -1, sec = 0;
	if (h < 0 || h > 23 || mi < 0 || mi > 59)
		return -1;
	p += 5;
	if (*p == ':') {
		sec = digits(p + 1, 2);
		if (sec < 0 || sec > 59)
			return -1;
		p += 3;
		if (*p == '.') {
			size_t n = strspn(p + 1, "0123456789");
			if (n < 1 || n > 9)
				return -1;
			p += 1 + n; /* fractions of a second are dropped */
		}
	}
	if (!*p) {
		int64_t v = cal_local_time(day, h, mi, sec);
		if (v == -1)
			return -1;
		*t = v;
		return 0;
	}
	int64_t off;
	if (*p == 'Z' && !p[1]) {
		off = 0;
	} else if (*p == '+' || *p == '-' || *p == ' ') {
		/* a '+' left unencoded in a query string arrives as a space */
		int sign = *p == '-' ? -1 : 1;
		int oh = digits(p + 1, 2), om;
		if (oh < 0)
			return -1;
		if (p[3] == ':')
			om = digits(p + 4, 2), p += 6;
		else
			om = digits(p + 3, 2), p += 5;
		if (om < 0 || *p || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	*t = day * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

char *o311_format_datetime(int64_t t, char out[O311_DATETIME_SIZE])
{
	out[0] = 0;
	time_t tt = (time_t)t;
	struct tm tm;
	if ((int64_t)tt != t || !localtime_r(&tt, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
		return out;
	long off = tm.tm_gmtoff;
	/* a zone's old local mean time is no whole number of minutes: such
	 * instants are written in UTC */
	if (off % 60 && !gmtime_r(&tt, &tm))
		return out;
	if (off % 60)
		off = 0;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	/* the fields are in range (localtime's), but the compiler cannot know */
	char tmp[64];
	int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, (off / 3600) % 100,
			 (off / 60) % 60);
	if (n > 0 && n < O311_DATETIME_SIZE)
		memcpy(out, tmp, (size_t)n + 1);
	return out;
}

int o311_window(const char *start, const char *end, int64_t now, int64_t *from, int64_t *to)
{
	const int64_t span = (int64_t)O311_WINDOW_DAYS * 86400;
	int64_t a = 0, b = 0;
	if ((start && o311_parse_datetime(start, &a)) || (end && o311_parse_datetime(end, &b)))
		return -1;
	/* an end given as a date alone takes in the whole of that day */
	if (end && strlen(end) == 10)
		b += 86399;
	if (!start && !end)
		b = now, a = now - span;
	else if (!end)
		b = a + span;
	else if (!start)
		a = b - span;
	else if (b < a || b - a > span)
		return -2;
	*from = a;
	*to = b;
	return 0;
}

/* ---- request numbers, statuses, counts ---- */

int o311_parse_number(const char *s, size_t n, int64_t *id)
{
	/* YYYY-, then 6 to 18 digits */
	if (n < 11 || n > 23 || s[4] != '-' || digits(s, 4) < 1)
		return 0;
	const char *p = s + 5;
	size_t k = n - 5;
	int64_t v = 0;
	for (size_t i = 0; i < k; i++) {
		if (!isdigit((unsigned char)p[i]))
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	/* canonical: exactly six digits below a million, no leading zero above */
	if (v < 1 || (k > 6 && p[0] == '0'))
		return 0;
	*id = v;
	return 1;
}

int o311_parse_ids(const char *s, char (*nums)[O311_NUMBER_SIZE], int max)
{
	if (!s)
		return -1;
	int n = 0;
	for (const char *p = s;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *a = p, *z = p + len;
		while (a < z && *a == ' ')
			a++;
		while (z > a && z[-1] == ' ')
			z--;
		int64_t id;
		if (!o311_parse_number(a, (size_t)(z - a), &id))
			return -1;
		int dup = 0;
		for (int i = 0; i < n && !dup; i++)
			dup = strlen(nums[i]) == (size_t)(z - a) && !memcmp(nums[i], a, (size_t)(z - a));
		if (!dup) {
			if (n == max)
				return -1;
			memcpy(nums[n], a, (size_t)(z - a));
			nums[n][z - a] = 0;
			n++;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

int o311_parse_status(const char *s)
{
	if (!s)
		return -1;
	int bits = 0;
	for (const char *p = s;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == 4 && !strncasecmp(p, "open", 4))
			bits |= O311_OPEN;
		else if (len == 6 && !strncasecmp(p, "closed", 6))
			bits |= O311_CLOSED;
		else
			return -1;
		if (!e)
			break;
		p = e + 1;
	}
	return bits;
}

int o311_parse_count(const char *s, long lo, long hi, long *v)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 9 || strspn(s, "0123456789") != n)
		return -1;
	long x = 0;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (s[i] - '0');
	if (x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

/* ---- attributes ---- */

static int code_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

int o311_attribute_name(const char *name, char *code, size_t n, int *multi)
{
	static const char prefix[] = "attribute[";
	if (!name || strncmp(name, prefix, sizeof prefix - 1) != 0)
		return 0;
	const char *p = name + sizeof prefix - 1;
	size_t len = 0;
	while (code_char((unsigned char)p[len]))
		len++;
	if (len < 1 || len > 32 || len >= n || p[len] != ']')
		return -1;
	const char *rest = p + len + 1;
	if (*rest && strcmp(rest, "[]") != 0)
		return -1;
	memcpy(code, p, len);
	code[len] = 0;
	*multi = *rest != 0;
	return 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

int o311_next_choice(const char **text, const char **key, size_t *klen, const char **name, size_t *nlen)
{
	const char *p = *text;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *line = p;
		p = e ? e + 1 : p + len;
		const char *eq = memchr(line, '=', len);
		const char *k = line, *v = eq ? eq + 1 : line;
		size_t kl = eq ? (size_t)(eq - line) : len, vl = eq ? len - kl - 1 : len;
		trim(&k, &kl);
		trim(&v, &vl);
		if (!kl)
			continue;
		*key = k, *klen = kl;
		*name = vl ? v : k, *nlen = vl ? vl : kl;
		*text = p;
		return 1;
	}
	if (text)
		*text = p;
	return 0;
}

/* ---- XML ---- */

/* The length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when the bytes are no such sequence. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return *cp = c, 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, min = 0x80, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, min = 0x800, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

void o311_xml_text(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* bytes at p + i - run .. i copied as they are */
	while (i < n) {
		unsigned cp;
		size_t len = utf8_seq(p + i, n - i, &cp);
		const char *rep = NULL;
		int drop = 0;
		if (!len)
			drop = 1, len = 1;
		else if (cp == '&')
			rep = "&amp;";
		else if (cp == '<')
			rep = "&lt;";
		else if (cp == '>')
			rep = "&gt;";
		else if (cp == '"')
			rep = "&quot;";
		else if (cp == '\'')
			rep = "&apos;";
		else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
			drop = 1;
		if (rep || drop) {
			buf_append(b, p + i - run, run);
			run = 0;
			if (rep)
				buf_puts(b, rep);
		} else {
			run += len;
		}
		i += len;
	}
	buf_append(b, p + n - run, run);
}

/* A name we write as an element: ASCII letters, digits, _ - . and a letter
 * or _ first (all the spec's names are so). */
static int xml_name(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return 0;
	return 1;
}

/* The element of each item of the array called name. */
static const char *item_of(const char *name)
{
	static const char *const plural[][2] = {
		{"services", "service"}, {"attributes", "attribute"},
		{"values", "value"},     {"endpoints", "endpoint"},
		{"formats", "format"},   {"service_requests", "request"},
		{"errors", "error"},     {"service_requests_updates", "request_update"},
	};
	for (size_t i = 0; i < sizeof plural / sizeof plural[0]; i++)
		if (!strcmp(plural[i][0], name))
			return plural[i][1];
	return "item";
}

#define XML_DEPTH 16

static void xml_value(struct buf *b, const json_t *v, const char *name, const char *item, int depth)
{
	if (!xml_name(name) || depth > XML_DEPTH)
		return;
	buf_printf(b, "<%s>", name);
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) xml_value(b, x, k, NULL, depth + 1);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		const char *in = item ? item : item_of(name);
		json_array_foreach(v, i, x) xml_value(b, x, in, NULL, depth + 1);
		break;
	}
	case JSON_STRING: o311_xml_text(b, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: buf_printf(b, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: buf_printf(b, "%.10g", json_real_value(v)); break;
	case JSON_TRUE: buf_puts(b, "true"); break;
	case JSON_FALSE: buf_puts(b, "false"); break;
	case JSON_NULL: break;
	}
	buf_printf(b, "</%s>", name);
}

void o311_xml_write(struct buf *b, const json_t *v, const char *root, const char *item)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	xml_value(b, v, root, item, 0);
	buf_putc(b, '\n');
}
