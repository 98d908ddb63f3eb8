/* test_html.c — the HTML writer's conversions. The writer cannot carry a
 * printf format attribute, so this file is what pins each conversion:
 * %s %a escape, %u URL-encodes, %T is an escaped catalog message, %H is the
 * one raw form, %d %D %N are numbers, %% a percent sign. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/buf.h"
#include "web/html.h"
#include "core/i18n.h"

static struct buf B;

static int setup(void **state)
{
	buf_init(&B, NULL);
	return 0;
}

static int teardown(void **state)
{
	buf_free(&B);
	return 0;
}

/* The output of one html_buf call, from an empty buffer. */
#define H(lang, ...) (buf_reset(&B), html_buf(&B, (lang), __VA_ARGS__), B.p)

static void html_copies_literal_text(void **state)
{
	assert_string_equal(H(LANG_EN, "<p class=\"x\">文明</p>"), "<p class=\"x\">文明</p>");
	assert_string_equal(H(LANG_EN, ""), "");
}

static void html_s_escapes_text(void **state)
{
	assert_string_equal(H(LANG_EN, "<td>%s</td>", "<script>alert('x')</script> & \"q\""),
			    "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</td>");
	assert_string_equal(H(LANG_EN, "%s", "交通運輸局"), "交通運輸局");
}

static void html_s_null_is_empty(void **state)
{
	assert_string_equal(H(LANG_EN, "[%s]", (const char *)NULL), "[]");
	assert_string_equal(H(LANG_EN, "[%a|%u|%H]", (const char *)NULL, (const char *)NULL, (const struct markup *)NULL),
			    "[||]");
}

static void html_a_cannot_break_out_of_an_attribute(void **state)
{
	const char *evil = "x\" onmouseover=\"alert(1)\" data-a='b'";
	const char *out = H(LANG_EN, "<input value=\"%a\">", evil);
	assert_string_equal(out, "<input value=\"x&quot; onmouseover=&quot;alert(1)&quot; data-a=&#39;b&#39;\">");
	/* exactly the two quotes of the template remain */
	int quotes = 0;
	for (const char *p = out; *p; p++)
		quotes += *p == '"';
	assert_int_equal(quotes, 2);
}

static void html_u_percent_encodes_a_component(void **state)
{
	assert_string_equal(H(LANG_EN, "<a href=\"/u/%u\">", "a b/../\"><script>"),
			    "<a href=\"/u/a%20b%2F..%2F%22%3E%3Cscript%3E\">");
	assert_string_equal(H(LANG_EN, "?q=%u", "文明&x=1"), "?q=%E6%96%87%E6%98%8E%26x%3D1");
}

static void html_T_is_the_message_in_the_language(void **state)
{
	assert_string_equal(H(LANG_HANT, "<h1>%T</h1>", (int)M_app_name), "<h1>文明創建管理系統</h1>");
	assert_string_equal(H(LANG_HANS, "<h1>%T</h1>", (int)M_app_name), "<h1>文明创建管理系统</h1>");
	assert_string_equal(H(LANG_EN, "<h1>%T</h1>", (int)M_app_name), "<h1>Civility Campaign Manager</h1>");
	assert_string_equal(H(LANG_EN, "[%T]", (int)M_NONE), "[]");
	/* out-of-range ids give nothing rather than reading past the table */
	assert_string_equal(H(LANG_EN, "[%T]", (int)M__COUNT + 5), "[]");
	assert_string_equal(H(LANG_EN, "[%T]", -1), "[]");
}

static void html_T_escapes_message_text(void **state)
{
	/* confirm_disable holds quotes and a %s placeholder: the catalog text is
	 * escaped like any other text */
	const char *en = msg(LANG_EN, M_confirm_disable);
	struct buf want;
	buf_init(&want, NULL);
	buf_html(&want, en, strlen(en));
	assert_string_equal(H(LANG_EN, "%T", (int)M_confirm_disable), want.p);
	buf_free(&want);
}

static void html_H_inserts_markup_as_is(void **state)
{
	assert_string_equal(H(LANG_EN, "<div>%H</div>", MARKUP("<b class=\"k\">&amp;</b>")),
			    "<div><b class=\"k\">&amp;</b></div>");
}

static void html_d_D_and_N_format_numbers(void **state)
{
	assert_string_equal(H(LANG_EN, "%d|%d|%d", 0, -7, 2147483647), "0|-7|2147483647");
	assert_string_equal(H(LANG_EN, "%D|%D", (int64_t)INT64_MAX, (int64_t)INT64_MIN),
			    "9223372036854775807|-9223372036854775808");
	assert_string_equal(H(LANG_EN, "%N|%N|%N", (int64_t)1234567, (int64_t)-1000, (int64_t)999),
			    "1,234,567|-1,000|999");
	assert_string_equal(H(LANG_HANT, "%N", (int64_t)INT64_MIN), "-9,223,372,036,854,775,808");
}

static void html_percent_percent_and_stray_percents(void **state)
{
	assert_string_equal(H(LANG_EN, "100%%"), "100%");
	assert_string_equal(H(LANG_EN, "50%"), "50%"); /* a trailing % is kept */
	assert_string_equal(H(LANG_EN, "%q%s", "<"), "%q&lt;"); /* unknown: shown, consumes nothing */
}

static void html_arguments_are_consumed_in_order(void **state)
{
	const char *out = H(LANG_EN, "%s|%a|%u|%T|%H|%d|%D|%N|%%|%s", "<1>", "\"2\"", "3 3", (int)M_save, MARKUP("<4>"), 5,
			    (int64_t)6, (int64_t)7000, "<end>");
	assert_string_equal(out, "&lt;1&gt;|&quot;2&quot;|3%203|Save|<4>|5|6|7,000|%|&lt;end&gt;");
}

static void html_appends_to_existing_content(void **state)
{
	buf_reset(&B);
	buf_puts(&B, "head:");
	html_buf(&B, LANG_EN, "%s", "&");
	assert_string_equal(B.p, "head:&amp;");
}

static void html_s_output_never_holds_markup_characters(void **state)
{
	/* every byte value through %s: no <, >, ", ' and no NUL survive */
	char all[256];
	for (int i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	all[255] = 0;
	const char *out = H(LANG_EN, "%s", all);
	assert_null(strpbrk(out, "<>\"'"));
	/* and & appears only as the start of an entity */
	for (const char *p = strchr(out, '&'); p; p = strchr(p + 1, '&'))
		assert_true(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
			    strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0 ||
			    strncmp(p, "&#39;", 5) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_copies_literal_text),
		cmocka_unit_test(html_s_escapes_text),
		cmocka_unit_test(html_s_null_is_empty),
		cmocka_unit_test(html_a_cannot_break_out_of_an_attribute),
		cmocka_unit_test(html_u_percent_encodes_a_component),
		cmocka_unit_test(html_T_is_the_message_in_the_language),
		cmocka_unit_test(html_T_escapes_message_text),
		cmocka_unit_test(html_H_inserts_markup_as_is),
		cmocka_unit_test(html_d_D_and_N_format_numbers),
		cmocka_unit_test(html_percent_percent_and_stray_percents),
		cmocka_unit_test(html_arguments_are_consumed_in_order),
		cmocka_unit_test(html_appends_to_existing_content),
		cmocka_unit_test(html_s_output_never_holds_markup_characters),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
