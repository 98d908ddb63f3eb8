/* fuzz_open311.c — libFuzzer/AFL++ harness for the parsing of Open311's
 * parameters (src/cases/open311_text.c): W3C datetimes and search windows,
 * service_request_id lists, status lists, counts, attribute[CODE] names,
 * a list attribute's "key=name" choices, and the XML text escaper.
 *
 * The first line of the input goes to every one-line parser; the rest is
 * the choices text and the escaper's input. Besides the sanitizers, it
 * checks what open311.h promises: a parsed datetime formats back to a
 * datetime that parses to the same instant; a window is ordered and at
 * most O311_WINDOW_DAYS long; every number of a parsed id list is a
 * well-formed number; an attribute code is 1..32 code characters; choices
 * lie inside the text with non-empty keys; escaped text holds no markup
 * character and no byte XML forbids. Seeds: tests/fuzz/corpus/open311. */
#include "fuzz.h"

#include "cases/open311.h"

#include <ctype.h>
#include <stdlib.h>
#include <time.h>

static void check_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
		CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
		if (c == '&')
			CHECK(!strncmp(s + i, "&amp;", 5) || !strncmp(s + i, "&lt;", 4) || !strncmp(s + i, "&gt;", 4) ||
			      !strncmp(s + i, "&quot;", 6) || !strncmp(s + i, "&apos;", 6));
	}
	CHECK(utf8_valid(s, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int tz;
	if (!tz) {
		/* a zone with an offset, so that local times are exercised */
		setenv("TZ", "Asia/Shanghai", 1);
		tzset();
		tz = 1;
	}
	char *line = NULL, *rest = NULL;
	size_t restlen;
	fuzz_split_line(data, size, &line, &rest, &restlen);

	int64_t t;
	if (o311_parse_datetime(line, &t) == 0) {
		char out[O311_DATETIME_SIZE];
		if (*o311_format_datetime(t, out)) {
			int64_t back;
			CHECK(o311_parse_datetime(out, &back) == 0 && back == t);
		}
	}
	int64_t from, to;
	const int64_t now = 1767225600; /* 2026-01-01 */
	const char *tab = strchr(line, '\t');
	char *start = tab ? strndup(line, (size_t)(tab - line)) : NULL;
	if (o311_window(start ? start : line, tab ? tab + 1 : NULL, now, &from, &to) == 0)
		CHECK(from <= to && to - from <= (int64_t)O311_WINDOW_DAYS * 86400 + 86399);
	free(start);

	char nums[O311_IDS_MAX][O311_NUMBER_SIZE];
	int n = o311_parse_ids(line, nums, O311_IDS_MAX);
	CHECK(n == -1 || (n >= 1 && n <= O311_IDS_MAX));
	for (int i = 0; i < n; i++) {
		int64_t id;
		CHECK(o311_parse_number(nums[i], strlen(nums[i]), &id) && id >= 1);
	}

	int st = o311_parse_status(line);
	CHECK(st == -1 || (st >= 1 && st <= 3));
	long v;
	if (o311_parse_count(line, 1, 1000, &v) == 0)
		CHECK(v >= 1 && v <= 1000);

	char code[40];
	int multi;
	int rc = o311_attribute_name(line, code, sizeof code, &multi);
	CHECK(rc >= -1 && rc <= 1);
	if (rc == 1) {
		size_t cl = strlen(code);
		CHECK(cl >= 1 && cl <= 32);
		for (size_t i = 0; i < cl; i++)
			CHECK(isalnum((unsigned char)code[i]) || code[i] == '-' || code[i] == '_' || code[i] == '.');
	}

	const char *p = rest, *k, *nm;
	size_t kl, nl;
	int guard = 0;
	while (o311_next_choice(&p, &k, &kl, &nm, &nl)) {
		CHECK(kl >= 1 && nl >= 1);
		CHECK(k >= rest && k + kl <= rest + strlen(rest) && nm >= rest && nm + nl <= rest + strlen(rest));
		CHECK(!memchr(k, '\n', kl) && !memchr(nm, '\n', nl));
		CHECK(++guard <= (int)restlen + 1);
	}

	struct buf b;
	buf_init(&b, NULL);
	o311_xml_text(&b, rest, restlen);
	check_escaped(b.p ? b.p : "", b.len);
	buf_free(&b);

	free(line);
	free(rest);
	return 0;
}
