/* fuzz_html.c — the HTML writer with fuzzed arguments.
 *
 * Input layout: byte 0 picks the language (any value, also out of range),
 * bytes 1..8 are an int64 for %d %D %N and a catalog id for %T; the rest is
 * split at the first NUL into template text and an argument.
 * Properties: no memory error, and
 *   - %s and %a output never holds < > " ' and & only starts an entity;
 *   - literal template text (percent signs doubled) comes out unchanged
 *     around the escaped argument;
 *   - %u output holds only unreserved characters and %XX escapes;
 *   - %N is %D with a comma before each group of three digits. */
#include "fuzz.h"

#include <ctype.h>
#include <inttypes.h>

#include "core/buf.h"
#include "web/html.h"
#include "core/i18n.h"

static void check_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		CHECK(s[i] != '<' && s[i] != '>' && s[i] != '"' && s[i] != '\'' && s[i] != 0);
		if (s[i] == '&')
			CHECK(strncmp(s + i, "&amp;", 5) == 0 || strncmp(s + i, "&lt;", 4) == 0 ||
			      strncmp(s + i, "&gt;", 4) == 0 || strncmp(s + i, "&quot;", 6) == 0 ||
			      strncmp(s + i, "&#39;", 5) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 9)
		return 0;
	int lang = (int8_t)data[0];
	int64_t num;
	memcpy(&num, data + 1, sizeof num);
	char *rest = fuzz_strndup(data + 9, size - 9);
	char *arg = rest + strlen(rest); /* "" when there is no NUL */
	if ((size_t)(arg - rest) < size - 9)
		arg++;
	/* the template: the text before the NUL with its % signs doubled */
	struct buf tmpl;
	buf_init(&tmpl, NULL);
	for (const char *c = rest; *c; c++) {
		if (*c == '%')
			buf_putc(&tmpl, '%');
		buf_putc(&tmpl, *c);
	}

	struct buf b;
	buf_init(&b, NULL);

	/* %s, %a alone */
	html_buf(&b, lang, "%s", arg);
	check_escaped(b.p, b.len);
	buf_reset(&b);
	html_buf(&b, lang, "%a", arg);
	check_escaped(b.p, b.len);

	/* TEMPLATE<%s>TEMPLATE: the template text passes through unchanged */
	struct buf fmt;
	buf_init(&fmt, NULL);
	buf_printf(&fmt, "%s<%%s>%s", tmpl.p, tmpl.p);
	buf_reset(&b);
	html_buf(&b, lang, fmt.p, arg);
	size_t tl = strlen(rest);
	CHECK(b.len >= 2 * tl + 2);
	CHECK(memcmp(b.p, rest, tl) == 0 && b.p[tl] == '<');
	CHECK(memcmp(b.p + b.len - tl, rest, tl) == 0 && b.p[b.len - tl - 1] == '>');
	check_escaped(b.p + tl + 1, b.len - 2 * tl - 2);

	/* %u */
	buf_reset(&b);
	html_buf(&b, lang, "%u", arg);
	for (size_t i = 0; i < b.len; i++) {
		char c = b.p[i];
		if (c == '%') {
			CHECK(i + 2 < b.len && isxdigit((unsigned char)b.p[i + 1]) && isxdigit((unsigned char)b.p[i + 2]));
			i += 2;
		} else {
			CHECK(isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '~');
		}
	}

	/* %N against %D */
	buf_reset(&b);
	html_buf(&b, lang, "%N|%D|%d", num, num, (int)num);
	char plain[64];
	snprintf(plain, sizeof plain, "%" PRId64 "|%" PRId64 "|%d", num, num, (int)num);
	const char *bar = strchr(b.p, '|');
	CHECK(bar != NULL);
	CHECK(strcmp(bar + 1, strchr(plain, '|') + 1) == 0);
	size_t digits = 0;
	for (const char *c = b.p; c < bar; c++)
		if (*c == ',')
			CHECK((bar - c - 1) % 4 == 3 && c > b.p && isdigit((unsigned char)c[-1]));
		else if (isdigit((unsigned char)*c))
			digits++;
	CHECK(digits == strlen(plain) - strlen(strchr(plain, '|')) - (num < 0));

	/* %T with any id, and %H as is */
	buf_reset(&b);
	html_buf(&b, lang, "%T%H", (int)num, (const struct markup *)arg);
	CHECK(b.len >= strlen(arg) && strcmp(b.p + b.len - strlen(arg), arg) == 0);
	check_escaped(b.p, b.len - strlen(arg));

	buf_free(&fmt);
	buf_free(&b);
	buf_free(&tmpl);
	free(rest);
	return 0;
}
