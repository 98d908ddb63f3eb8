/* test_buf.c — struct buf: growth, printf, and the escaping functions every
 * page and JSON answer relies on (buf_html, buf_url, buf_json_str), plus
 * utf8_valid, the gate in front of every text value from outside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

/* ---- growth and printf ---- */

static void buf_starts_empty_and_terminated(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	assert_non_null(b.p);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	buf_free(&b);
	assert_null(b.p);
}

static void buf_appends_and_terminates(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_puts(&b, "文明");
	buf_printf(&b, "%d", 42);
	buf_putc(&b, '!');
	assert_string_equal(b.p, "文明42!");
	assert_int_equal(b.len, strlen("文明42!"));
	buf_free(&b);
}

static void buf_grows_past_many_doublings_keeping_content(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.p[b.len], 0);
	for (int i = 0; i < 100000; i++)
		if (b.p[i] != (char)('a' + i % 26))
			fail_msg("byte %d lost during growth", i);
	buf_free(&b);
}

static void buf_append_keeps_embedded_nul_bytes(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "a\0b\0", 4);
	buf_free(&b);
}

static void buf_printf_larger_than_capacity_is_complete(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_puts(&b, "x");
	char big[5000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = 0;
	buf_printf(&b, "[%s]%d", big, 7);
	assert_int_equal(b.len, 1 + 1 + 4999 + 1 + 1);
	assert_int_equal(b.p[0], 'x');
	assert_int_equal(b.p[1], '[');
	assert_int_equal(b.p[5001], ']');
	assert_string_equal(b.p + 5002, "7");
	buf_free(&b);
}

static void buf_printf_exactly_filling_capacity(void **state)
{
	/* The first vsnprintf needs room for the NUL too: a result of exactly
	 * cap - len bytes must take the growth path, not be cut. */
	struct buf b;
	buf_init(&b, NULL);
	size_t room = b.cap - b.len;
	char s[256];
	memset(s, 'q', room);
	s[room] = 0;
	buf_printf(&b, "%s", s);
	assert_int_equal(b.len, room);
	assert_string_equal(b.p, s);
	buf_free(&b);
}

static void buf_reset_empties_but_keeps_memory(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_puts(&b, "something long enough");
	size_t cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	assert_int_equal(b.cap, cap);
	buf_puts(&b, "again");
	assert_string_equal(b.p, "again");
	buf_free(&b);
}

static void buf_in_arena_grows_and_is_freed_with_it(void **state)
{
	struct arena a;
	arena_init(&a);
	struct buf b;
	buf_init(&b, &a);
	for (int i = 0; i < 3000; i++)
		buf_printf(&b, "%04d,", i);
	assert_int_equal(b.len, 3000 * 5);
	assert_memory_equal(b.p, "0000,0001,", 10);
	assert_memory_equal(b.p + b.len - 5, "2999,", 5);
	buf_free(&b); /* must not free arena memory */
	arena_free(&a);
}

/* ---- HTML escaping ---- */

static char *html_of(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	buf_html(b, s, n);
	return b->p;
}

static void buf_html_escapes_script_tag(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	const char *in = "<script>alert(1)</script>";
	assert_string_equal(html_of(&b, in, strlen(in)), "&lt;script&gt;alert(1)&lt;/script&gt;");
	buf_free(&b);
}

static void buf_html_escapes_quotes_and_ampersand(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	const char *in = "Tom & \"Jerry\" 'x' &amp;";
	assert_string_equal(html_of(&b, in, strlen(in)), "Tom &amp; &quot;Jerry&quot; &#39;x&#39; &amp;amp;");
	buf_free(&b);
}

static void buf_html_blocks_attribute_breakout(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	const char *in = "x\" onmouseover=\"alert(1)";
	const char *out = html_of(&b, in, strlen(in));
	assert_null(strchr(out, '"'));
	assert_string_equal(out, "x&quot; onmouseover=&quot;alert(1)");
	const char *in2 = "x' autofocus onfocus='alert(1)";
	out = html_of(&b, in2, strlen(in2));
	assert_null(strchr(out, '\''));
	buf_free(&b);
}

static void buf_html_drops_nul_bytes(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	const char in[] = "a\0<b\0";
	const char *out = html_of(&b, in, sizeof in - 1);
	assert_int_equal(b.len, strlen(out)); /* no NUL inside */
	assert_string_equal(out, "a&lt;b");
	buf_free(&b);
}

static void buf_html_keeps_utf8_text(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	const char *in = "交通運輸局 🚦";
	assert_string_equal(html_of(&b, in, strlen(in)), in);
	assert_string_equal(html_of(&b, "", 0), "");
	buf_free(&b);
}

static void buf_html_respects_length(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	assert_string_equal(html_of(&b, "ab<cd", 3), "ab&lt;");
	buf_free(&b);
}

/* ---- URL encoding ---- */

static void buf_url_keeps_unreserved_only(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	const char *in = "AZaz09-_.~";
	buf_url(&b, in, strlen(in));
	assert_string_equal(b.p, in);
	buf_reset(&b);
	const char *in2 = "a b&c=d/e?f#g+h%\"<'";
	buf_url(&b, in2, strlen(in2));
	assert_string_equal(b.p, "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25%22%3C%27");
	buf_free(&b);
}

static void buf_url_encodes_utf8_bytes_and_nul(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_url(&b, "文", strlen("文"));
	assert_string_equal(b.p, "%E6%96%87");
	buf_reset(&b);
	buf_url(&b, "\0\xff\n", 3);
	assert_string_equal(b.p, "%00%FF%0A");
	buf_free(&b);
}

/* ---- JSON strings ---- */

static void buf_json_str_quotes_and_escapes(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_json_str(&b, "say \"hi\" \\ now");
	assert_string_equal(b.p, "\"say \\\"hi\\\" \\\\ now\"");
	buf_free(&b);
}

static void buf_json_str_cannot_close_a_script_element(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_json_str(&b, "</script><script>alert(1)</script>");
	assert_null(strchr(b.p, '<'));
	assert_string_equal(b.p, "\"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\"");
	buf_free(&b);
}

static void buf_json_str_escapes_control_characters(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_json_str(&b, "a\nb\rc\td\x01" "e\x1f" "f\x7f");
	assert_string_equal(b.p, "\"a\\nb\\rc\\td\\u0001e\\u001ff\x7f\"");
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.p[i] >= 0x20);
	buf_free(&b);
}

static void buf_json_str_keeps_utf8_and_empty(void **state)
{
	struct buf b;
	buf_init(&b, NULL);
	buf_json_str(&b, "");
	assert_string_equal(b.p, "\"\"");
	buf_reset(&b);
	buf_json_str(&b, "文明 😀");
	assert_string_equal(b.p, "\"文明 😀\"");
	buf_free(&b);
}

/* ---- UTF-8 validation ---- */

#define VALID(lit) utf8_valid(lit, sizeof lit - 1)

static void utf8_valid_accepts_ascii_cjk_and_emoji(void **state)
{
	assert_true(VALID(""));
	assert_true(VALID("hello, world"));
	assert_true(VALID("文明創建 简体"));
	assert_true(VALID("\xc2\xa9"));         /* © U+00A9, 2 bytes */
	assert_true(VALID("\xf0\x9f\x98\x80")); /* 😀 U+1F600, 4 bytes */
	assert_true(VALID("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
	assert_true(VALID("\xed\x9f\xbf"));     /* U+D7FF, just below surrogates */
	assert_true(VALID("\xee\x80\x80"));     /* U+E000, just above */
	assert_true(VALID("\xef\xbf\xbf"));     /* U+FFFF */
}

static void utf8_valid_rejects_overlong_forms(void **state)
{
	assert_false(VALID("\xc0\xaf"));         /* '/' in 2 bytes */
	assert_false(VALID("\xc1\xbf"));
	assert_false(VALID("\xc0\x80"));         /* modified-UTF-8 NUL */
	assert_false(VALID("\xe0\x80\xaf"));     /* '/' in 3 bytes */
	assert_false(VALID("\xe0\x9f\xbf"));     /* U+07FF in 3 bytes */
	assert_false(VALID("\xf0\x80\x80\xaf")); /* '/' in 4 bytes */
	assert_false(VALID("\xf0\x8f\xbf\xbf")); /* U+FFFF in 4 bytes */
}

static void utf8_valid_rejects_surrogates(void **state)
{
	assert_false(VALID("\xed\xa0\x80")); /* U+D800 */
	assert_false(VALID("\xed\xbf\xbf")); /* U+DFFF */
	assert_false(VALID("\xed\xa0\xbd\xed\xb8\x80")); /* CESU-8 pair for 😀 */
}

static void utf8_valid_rejects_truncated_sequences(void **state)
{
	assert_false(VALID("\xe6\x96"));         /* 文 without its last byte */
	assert_false(VALID("ab\xf0\x9f\x98"));   /* emoji cut at the end */
	assert_false(VALID("\xc2"));
	assert_false(VALID("\xe6\x96" "a"));     /* continuation replaced */
	/* the length, not a NUL, bounds the check */
	assert_false(utf8_valid("\xe6\x96\x87", 2));
	assert_true(utf8_valid("\xe6\x96\x87xyz", 3));
}

static void utf8_valid_rejects_above_u10ffff_and_bad_lead_bytes(void **state)
{
	assert_false(VALID("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(VALID("\xf7\xbf\xbf\xbf"));
	assert_false(VALID("\xf8\x88\x80\x80\x80")); /* 5-byte form */
	assert_false(VALID("\xfc\x84\x80\x80\x80\x80"));
	assert_false(VALID("\xfe"));
	assert_false(VALID("\xff"));
	assert_false(VALID("\x80"));  /* lone continuation byte */
	assert_false(VALID("a\xbf"));
}

static void utf8_valid_rejects_nul(void **state)
{
	assert_false(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\0", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_starts_empty_and_terminated),
		cmocka_unit_test(buf_appends_and_terminates),
		cmocka_unit_test(buf_grows_past_many_doublings_keeping_content),
		cmocka_unit_test(buf_append_keeps_embedded_nul_bytes),
		cmocka_unit_test(buf_printf_larger_than_capacity_is_complete),
		cmocka_unit_test(buf_printf_exactly_filling_capacity),
		cmocka_unit_test(buf_reset_empties_but_keeps_memory),
		cmocka_unit_test(buf_in_arena_grows_and_is_freed_with_it),
		cmocka_unit_test(buf_html_escapes_script_tag),
		cmocka_unit_test(buf_html_escapes_quotes_and_ampersand),
		cmocka_unit_test(buf_html_blocks_attribute_breakout),
		cmocka_unit_test(buf_html_drops_nul_bytes),
		cmocka_unit_test(buf_html_keeps_utf8_text),
		cmocka_unit_test(buf_html_respects_length),
		cmocka_unit_test(buf_url_keeps_unreserved_only),
		cmocka_unit_test(buf_url_encodes_utf8_bytes_and_nul),
		cmocka_unit_test(buf_json_str_quotes_and_escapes),
		cmocka_unit_test(buf_json_str_cannot_close_a_script_element),
		cmocka_unit_test(buf_json_str_escapes_control_characters),
		cmocka_unit_test(buf_json_str_keeps_utf8_and_empty),
		cmocka_unit_test(utf8_valid_accepts_ascii_cjk_and_emoji),
		cmocka_unit_test(utf8_valid_rejects_overlong_forms),
		cmocka_unit_test(utf8_valid_rejects_surrogates),
		cmocka_unit_test(utf8_valid_rejects_truncated_sequences),
		cmocka_unit_test(utf8_valid_rejects_above_u10ffff_and_bad_lead_bytes),
		cmocka_unit_test(utf8_valid_rejects_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
