/* test_i18n.c — the compiled-in catalog and language-aware formatting.
 *
 * Every key has a text in all three languages, and the placeholders the
 * caller fills (%s %N %D %d) appear in the same order in each translation:
 * a translation that swaps or drops one would print the wrong value or read
 * an argument that is not there. Language negotiation (tags and
 * Accept-Language with q-values), numbers and dates per language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/i18n.h"

/* ---- catalog ---- */

static void catalog_every_key_has_text_in_all_languages(void **state)
{
	assert_true(M__COUNT > 10);
	for (int id = 1; id < M__COUNT; id++) {
		const char *key = msg_key((enum msg_id)id);
		assert_non_null(key);
		assert_true(key[0] != 0);
		for (int l = 0; l < LANG__COUNT; l++) {
			const char *t = msg((enum lang)l, (enum msg_id)id);
			if (!t || !t[0])
				fail_msg("key %s has no %s text", key, lang_code((enum lang)l));
			if (!utf8_valid(t, strlen(t)))
				fail_msg("key %s: %s text is not UTF-8", key, lang_code((enum lang)l));
		}
	}
}

/* The sequence of caller-filled placeholders in t, e.g. "sN"; other
 * percent signs (%% or a stray %) are not placeholders. */
static void placeholders(const char *t, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = t; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (p[1] && strchr("sNDd", p[1]) && o + 1 < len)
			out[o++] = p[1];
	}
	out[o] = 0;
}

static void catalog_placeholders_match_across_languages(void **state)
{
	int with_placeholders = 0;
	for (int id = 1; id < M__COUNT; id++) {
		char ref[32], other[32];
		placeholders(msg(LANG_HANT, (enum msg_id)id), ref, sizeof ref);
		with_placeholders += ref[0] != 0;
		for (int l = LANG_HANS; l < LANG__COUNT; l++) {
			placeholders(msg((enum lang)l, (enum msg_id)id), other, sizeof other);
			if (strcmp(ref, other) != 0)
				fail_msg("key %s: zh-Hant has placeholders \"%s\" but %s has \"%s\"",
					 msg_key((enum msg_id)id), ref, lang_code((enum lang)l), other);
		}
	}
	assert_true(with_placeholders > 0); /* the check looked at something */
}

static void catalog_placeholder_scanner_sees_order(void **state)
{
	/* the scanner itself: order matters, %% is not a placeholder */
	char a[8], b[8];
	placeholders("第 %N / %s 頁 100%%", a, sizeof a);
	placeholders("page %s of %N", b, sizeof b);
	assert_string_equal(a, "Ns");
	assert_string_equal(b, "sN");
}

static void catalog_keys_are_unique_and_findable(void **state)
{
	for (int id = 1; id < M__COUNT; id++)
		assert_int_equal(msg_find(msg_key((enum msg_id)id)), id);
	assert_int_equal(msg_find("no_such_key_anywhere"), M_NONE);
	assert_int_equal(msg_find(""), M_NONE);
	assert_int_equal(msg_find("app_name"), M_app_name);
}

static void catalog_out_of_range_is_empty(void **state)
{
	assert_string_equal(msg(LANG_EN, M_NONE), "");
	assert_string_equal(msg(LANG_EN, M__COUNT), "");
	assert_string_equal(msg((enum lang)LANG__COUNT, M_app_name), "");
	assert_string_equal(msg_key(M__COUNT), "");
}

/* ---- languages ---- */

static void lang_codes(void **state)
{
	assert_string_equal(lang_code(LANG_HANT), "zh-Hant");
	assert_string_equal(lang_code(LANG_HANS), "zh-Hans");
	assert_string_equal(lang_code(LANG_EN), "en");
	for (int l = 0; l < LANG__COUNT; l++)
		assert_int_equal(lang_parse(lang_code((enum lang)l)), l);
}

static void lang_parse_maps_regional_tags(void **state)
{
	assert_int_equal(lang_parse("zh-Hant"), LANG_HANT);
	assert_int_equal(lang_parse("zh-TW"), LANG_HANT);
	assert_int_equal(lang_parse("zh-hk"), LANG_HANT);
	assert_int_equal(lang_parse("zh-MO"), LANG_HANT);
	assert_int_equal(lang_parse("zh-Hant-TW"), LANG_HANT);
	assert_int_equal(lang_parse("zh_TW"), LANG_HANT);
	assert_int_equal(lang_parse("zh-Hans"), LANG_HANS);
	assert_int_equal(lang_parse("zh-CN"), LANG_HANS);
	assert_int_equal(lang_parse("zh-SG"), LANG_HANS);
	assert_int_equal(lang_parse("zh-Hans-CN"), LANG_HANS);
	assert_int_equal(lang_parse("zh"), LANG_HANS);
	assert_int_equal(lang_parse("en"), LANG_EN);
	assert_int_equal(lang_parse("EN-us"), LANG_EN);
	assert_int_equal(lang_parse("en-GB"), LANG_EN);
}

static void lang_parse_rejects_others(void **state)
{
	assert_int_equal(lang_parse(NULL), -1);
	assert_int_equal(lang_parse(""), -1);
	assert_int_equal(lang_parse("fr"), -1);
	assert_int_equal(lang_parse("zhx"), -1);
	assert_int_equal(lang_parse("eng"), -1);
	assert_int_equal(lang_parse("zh-Hantx"), -1);
	assert_int_equal(lang_parse("*"), -1);
	char longtag[300];
	memset(longtag, 'a', sizeof longtag - 1);
	longtag[sizeof longtag - 1] = 0;
	assert_int_equal(lang_parse(longtag), -1);
}

static void accept_language_picks_by_q_value(void **state)
{
	assert_int_equal(lang_from_accept("zh-TW"), LANG_HANT);
	assert_int_equal(lang_from_accept("zh-CN"), LANG_HANS);
	assert_int_equal(lang_from_accept("en-US,en;q=0.9"), LANG_EN);
	assert_int_equal(lang_from_accept("en;q=0.5, zh-CN;q=0.8"), LANG_HANS);
	assert_int_equal(lang_from_accept("zh-CN;q=0.3,en;q=0.7,zh-TW;q=0.6"), LANG_EN);
	assert_int_equal(lang_from_accept("fr-FR, fr;q=0.9, en;q=0.1"), LANG_EN);
	assert_int_equal(lang_from_accept("ja;q=1, zh-Hant ; q=0.2"), LANG_HANT);
}

static void accept_language_ties_go_to_the_first(void **state)
{
	assert_int_equal(lang_from_accept("en, zh-CN"), LANG_EN);
	assert_int_equal(lang_from_accept("zh-CN,en"), LANG_HANS);
}

static void accept_language_unknown_or_empty_is_traditional(void **state)
{
	assert_int_equal(lang_from_accept(NULL), LANG_HANT);
	assert_int_equal(lang_from_accept(""), LANG_HANT);
	assert_int_equal(lang_from_accept("fr, de;q=0.5"), LANG_HANT);
	assert_int_equal(lang_from_accept("*"), LANG_HANT);
	assert_int_equal(lang_from_accept(",,; ;q=,"), LANG_HANT);
}

static void accept_language_q_zero_means_not_acceptable(void **state)
{
	/* RFC 9110 12.4.2: q=0 is "not acceptable" */
	assert_int_equal(lang_from_accept("zh-CN;q=0"), LANG_HANT);
	assert_int_equal(lang_from_accept("en;q=0, zh-CN;q=0.1"), LANG_HANS);
}

/* ---- numbers ---- */

static void fmt_int_groups_thousands(void **state)
{
	char b[64];
	assert_string_equal(fmt_int(LANG_EN, 0, b, sizeof b), "0");
	assert_string_equal(fmt_int(LANG_EN, 7, b, sizeof b), "7");
	assert_string_equal(fmt_int(LANG_EN, 999, b, sizeof b), "999");
	assert_string_equal(fmt_int(LANG_EN, 1000, b, sizeof b), "1,000");
	assert_string_equal(fmt_int(LANG_HANT, 123456, b, sizeof b), "123,456");
	assert_string_equal(fmt_int(LANG_HANS, 1234567, b, sizeof b), "1,234,567");
	assert_string_equal(fmt_int(LANG_EN, INT64_MAX, b, sizeof b), "9,223,372,036,854,775,807");
}

static void fmt_int_negatives_and_int64_min(void **state)
{
	char b[64];
	assert_string_equal(fmt_int(LANG_EN, -1, b, sizeof b), "-1");
	assert_string_equal(fmt_int(LANG_EN, -999, b, sizeof b), "-999");
	assert_string_equal(fmt_int(LANG_EN, -1000, b, sizeof b), "-1,000");
	assert_string_equal(fmt_int(LANG_HANT, -1234567, b, sizeof b), "-1,234,567");
	assert_string_equal(fmt_int(LANG_EN, INT64_MIN, b, sizeof b), "-9,223,372,036,854,775,808");
}

static void fmt_int_truncates_within_the_buffer(void **state)
{
	char b[8];
	memset(b, 'X', sizeof b);
	fmt_int(LANG_EN, 123456789, b, 5);
	assert_string_equal(b, "123,");
	assert_int_equal(b[5], 'X'); /* nothing written past len */
	fmt_int(LANG_EN, 5, b, 1);
	assert_string_equal(b, "");
	b[0] = 'X';
	fmt_int(LANG_EN, 5, b, 0); /* no room at all: nothing written */
	assert_int_equal(b[0], 'X');
}

/* ---- dates ---- */

static int utc_setup(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void fmt_time_per_language(void **state)
{
	char b[64];
	const int64_t t = 1795939500; /* 2026-11-29 08:05:00 UTC */
	assert_string_equal(fmt_time(LANG_HANT, t, 0, b, sizeof b), "2026年11月29日");
	assert_string_equal(fmt_time(LANG_HANS, t, 0, b, sizeof b), "2026年11月29日");
	assert_string_equal(fmt_time(LANG_EN, t, 0, b, sizeof b), "29 Nov 2026");
	assert_string_equal(fmt_time(LANG_HANT, t, 1, b, sizeof b), "2026年11月29日 08:05");
	assert_string_equal(fmt_time(LANG_EN, t, 1, b, sizeof b), "29 Nov 2026 08:05");
}

static void fmt_time_edges(void **state)
{
	char b[64];
	assert_string_equal(fmt_time(LANG_EN, 1767398399, 1, b, sizeof b), "2 Jan 2026 23:59");
	assert_string_equal(fmt_time(LANG_HANS, 0, 1, b, sizeof b), "1970年1月1日 00:00");
	assert_string_equal(fmt_time(LANG_EN, -3600, 1, b, sizeof b), "31 Dec 1969 23:00");
}

static void fmt_time_follows_the_time_zone(void **state)
{
	if (access("/usr/share/zoneinfo/Asia/Shanghai", R_OK) != 0)
		skip(); /* no zone data (tzdata) on this machine */
	char b[64];
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	fmt_time(LANG_HANT, 1795939500 + 16 * 3600, 1, b, sizeof b); /* 2026-11-30 00:05 UTC */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(b, "2026年11月30日 08:05");
}

static void fmt_time_out_of_range_and_small_buffers(void **state)
{
	char b[64];
	/* a time the C library cannot break down must not read garbage */
	fmt_time(LANG_EN, INT64_MAX, 1, b, sizeof b);
	assert_true(strlen(b) < sizeof b);
	fmt_time(LANG_HANT, INT64_MIN, 0, b, sizeof b);
	assert_true(strlen(b) < sizeof b);
	char s[6];
	memset(s, 'X', sizeof s);
	fmt_time(LANG_EN, 1795939500, 1, s, 4);
	assert_string_equal(s, "29 ");
	assert_int_equal(s[4], 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalog_every_key_has_text_in_all_languages),
		cmocka_unit_test(catalog_placeholders_match_across_languages),
		cmocka_unit_test(catalog_placeholder_scanner_sees_order),
		cmocka_unit_test(catalog_keys_are_unique_and_findable),
		cmocka_unit_test(catalog_out_of_range_is_empty),
		cmocka_unit_test(lang_codes),
		cmocka_unit_test(lang_parse_maps_regional_tags),
		cmocka_unit_test(lang_parse_rejects_others),
		cmocka_unit_test(accept_language_picks_by_q_value),
		cmocka_unit_test(accept_language_ties_go_to_the_first),
		cmocka_unit_test(accept_language_unknown_or_empty_is_traditional),
		cmocka_unit_test(accept_language_q_zero_means_not_acceptable),
		cmocka_unit_test(fmt_int_groups_thousands),
		cmocka_unit_test(fmt_int_negatives_and_int64_min),
		cmocka_unit_test(fmt_int_truncates_within_the_buffer),
		cmocka_unit_test(fmt_time_per_language),
		cmocka_unit_test(fmt_time_edges),
		cmocka_unit_test(fmt_time_follows_the_time_zone),
		cmocka_unit_test(fmt_time_out_of_range_and_small_buffers),
	};
	return cmocka_run_group_tests(tests, utc_setup, NULL);
}
