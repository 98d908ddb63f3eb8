/* test_pdf.c — the PDF writer (src/web/pdf.c): a contract-like document of
 * three pages with Chinese text read back with pdftotext (the title on
 * page 1, a table row and the repeated header on page 2, the footer's
 * "page n of m" on every page, the metadata), a one-page certificate, and
 * the clean failures: no Chinese font (in a child process whose fontconfig
 * sees no fonts), a QR code too long to encode, a table row outside a
 * table. Needs pdftotext and pdfinfo (poppler-utils, scripts/install-deps).
 * WENMING_PDF_SAMPLE=DIR keeps the documents there (to look at them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "web/pdf.h"

static char dir[] = "/tmp/wenming-pdf-XXXXXX";

/* The font caches of fontconfig, pango and cairo live as long as the
 * process and are not freed at its exit: LeakSanitizer (the sanitizer
 * build) is told not to report memory that these libraries allocated;
 * wenming's own allocations are still checked. A server drawing hundreds
 * of certificates in a row levels off (bench/RESULTS.md). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libcairo.so\nleak:libpango\nleak:libglib-2.0.so\n"
	       "leak:libgobject-2.0.so\nleak:libharfbuzz.so\nleak:libfreetype.so\n";
}

/* Writes b to dir/name (and to $WENMING_PDF_SAMPLE/name); its path (static). */
static const char *save(const struct buf *b, const char *name)
{
	static char path[256];
	const char *keep = getenv("WENMING_PDF_SAMPLE");
	if (keep && *keep) {
		snprintf(path, sizeof path, "%s/%s", keep, name);
		FILE *f = fopen(path, "wb");
		if (f) {
			fwrite(b->p, 1, b->len, f);
			fclose(f);
		}
	}
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->len, f), b->len);
	fclose(f);
	return path;
}

/* The output of cmd (static, at most 64 KiB). */
static const char *run(const char *cmd)
{
	static char out[65536];
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = 0;
	pclose(f);
	return out;
}

/* The text of page n of the PDF at path, by pdftotext. */
static const char *page_text(const char *path, int n)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d '%s' - 2>&1", n, n, path);
	return run(cmd);
}

#define assert_contains(hay, needle)                                         \
	do {                                                                 \
		if (!strstr((hay), (needle)))                                \
			fail_msg("'%s' not found in:\n%s", (needle), (hay)); \
	} while (0)
#define assert_lacks(hay, needle)                                        \
	do {                                                             \
		if (strstr((hay), (needle)))                             \
			fail_msg("'%s' found in:\n%s", (needle), (hay)); \
	} while (0)

/* pdfinfo's line "name:   value" has value. */
static void assert_field(const char *info, const char *name, const char *value)
{
	char line[400];
	const char *s = info;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		snprintf(line, sizeof line, "%.*s", (int)n, s);
		size_t k = strlen(name);
		if (!strncmp(line, name, k) && line[k] == ':') {
			const char *v = line + k + 1;
			while (*v == ' ')
				v++;
			if (!strncmp(v, value, strlen(value)))
				return;
			fail_msg("pdfinfo %s: '%s', not '%s'", name, v, value);
		}
		s += n + (e ? 1 : 0);
	}
	fail_msg("pdfinfo has no %s in:\n%s", name, info);
}

static void poppler_is_installed(void **state)
{
	if (system("pdftotext -v >/dev/null 2>&1") != 0 || system("pdfinfo -v >/dev/null 2>&1") != 0)
		fail_msg("pdftotext/pdfinfo not found: install poppler-utils (scripts/install-deps does)");
}

/* Run first, before this process has touched fontconfig: the child starts
 * fontconfig on a configuration without font directories. */
static void missing_font_is_an_error_not_a_crash(void **state)
{
	char conf[300];
	snprintf(conf, sizeof conf, "%s/fonts.conf", dir);
	FILE *f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "<?xml version=\"1.0\"?>\n<fontconfig><cachedir>%s/cache</cachedir></fontconfig>\n", dir);
	fclose(f);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("FONTCONFIG_FILE", conf, 1);
		setenv("FONTCONFIG_PATH", dir, 1);
		struct arena a;
		arena_init(&a);
		struct buf out;
		buf_init(&out, &a);
		struct pdf *p = pdf_begin(&a, &(struct pdf_meta){.title = "結業證書"});
		pdf_title(p, "結業證書");
		int rc = pdf_end(p, &out, NULL);
		_exit(rc == PDF_E_FONT && out.len == 0 ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void contract_breaks_its_table_and_numbers_its_pages(void **state)
{
	struct arena a;
	arena_init(&a);
	struct buf out;
	buf_init(&out, &a);
	struct pdf *p = pdf_begin(&a, &(struct pdf_meta){.title = "二〇二六年度創建文明單位目標責任狀",
							 .subject = "責任狀",
							 .author = "市交通局精神文明建設辦公室",
							 .lang = "zh-Hant",
							 .footer = "驗證碼 K7PQ-2M9X-ABCD",
							 .pages = "第 {n} 頁，共 {m} 頁"});
	pdf_title(p, "二〇二六年度創建文明單位目標責任狀");
	pdf_heading(p, "一、目標");
	pdf_para(
		p,
		"為深入推進精神文明建設，鞏固創建成果，市交通局與所屬各單位簽訂本責任狀。各單位主要負責人為第一責任人，"
		"對本單位創建工作全面負責，分管領導具體抓，做到任務明確、責任到人、考核到位。",
		PDF_LEFT);
	pdf_heading(p, "二、考核指標");
	static const double w[] = {3, 1, 5};
	pdf_table_begin(p, 3, w, (const char *const[]){"考核指標", "分值", "考核標準"});
	char ind[64], pts[16], std[200];
	for (int i = 1; i <= 24; i++) {
		snprintf(ind, sizeof ind, "指標%02d 文明服務", i);
		snprintf(pts, sizeof pts, "%d", i % 5 + 1);
		snprintf(std, sizeof std, "第%02d項：窗口單位亮證上崗、微笑服務，群眾滿意率不低於百分之九十五；%s", i,
			 i % 3 ? "" : "每發現一次不合格扣一分，扣完為止。");
		pdf_table_row(p, (const char *const[]){ind, pts, std});
	}
	pdf_table_end(p);
	pdf_heading(p, "三、獎懲");
	pdf_para(p, "考核結果納入年度目標管理考核，與評先評優掛鉤。", PDF_LEFT);
	pdf_signatures(
		p, 2,
		(const char *const[]){"甲方（蓋章）：市交通局\n負責人（簽字）：", "乙方（蓋章）：\n負責人（簽字）："},
		"日期：      年    月    日");
	int pages = 0;
	assert_int_equal(pdf_end(p, &out, &pages), 0);
	const char *path = save(&out, "contract.pdf");
	assert_int_equal(pages, 3);
	assert_memory_equal(out.p, "%PDF-", 5);

	char *p1 = strdup(page_text(path, 1));
	assert_contains(p1, "二〇二六年度創建文明單位目標"); /* the title, wrapped */
	assert_contains(p1, "責任狀");
	assert_contains(p1, "驗證碼 K7PQ-2M9X-ABCD");
	assert_contains(p1, "第 1 頁，共 3 頁");
	assert_contains(p1, "指標01 文明服務");
	char *p2 = strdup(page_text(path, 2));
	assert_lacks(p2, "二〇二六年度");
	assert_contains(p2, "考核指標"); /* the header row again */
	assert_contains(p2, "指標12 文明服務");
	assert_lacks(p2, "指標01 文明服務");
	assert_contains(p2, "第 2 頁，共 3 頁");
	assert_contains(p2, "驗證碼 K7PQ-2M9X-ABCD");
	char *p3 = strdup(page_text(path, 3));
	assert_contains(p3, "指標24 文明服務");
	assert_contains(p3, "乙方（蓋章）");
	assert_contains(p3, "第 3 頁，共 3 頁");
	free(p1);
	free(p2);
	free(p3);

	char cmd[400];
	snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 '%s'", path);
	const char *info = run(cmd);
	assert_field(info, "Title", "二〇二六年度創建文明單位目標責任狀");
	assert_field(info, "Creator", "wenming");
	assert_field(info, "Author", "市交通局精神文明建設辦公室");
	assert_field(info, "Pages", "3");
	assert_field(info, "Page size", "595.276 x 841.89 pts (A4)");
	arena_free(&a);
}

static void certificate_is_one_page(void **state)
{
	const char *langs[] = {"zh-Hant", "zh-Hans", "en"};
	const char *titles[] = {"結業證書", "结业证书", "Certificate of Completion"};
	for (int k = 0; k < 3; k++) {
		struct arena a;
		arena_init(&a);
		struct buf out;
		buf_init(&out, &a);
		struct pdf *p = pdf_begin(&a, &(struct pdf_meta){.title = titles[k],
								 .lang = langs[k],
								 .landscape = 1,
								 .border = 1,
								 .footer = "ABCDEFGHJKLM"});
		pdf_fill(p);
		pdf_title(p, titles[k]);
		pdf_text(p, "王小明", 20, 1, PDF_CENTER);
		pdf_para(p, "行政執法培訓班 · 24 學時", PDF_CENTER);
		pdf_fill(p);
		pdf_qr(p, "https://wenming.example.gov/verify/ABCDEFGHJKLM", 28, PDF_CENTER);
		pdf_text(p, "https://wenming.example.gov/verify/ABCDEFGHJKLM", 9, 0, PDF_CENTER);
		pdf_fill(p);
		int pages = 0;
		assert_int_equal(pdf_end(p, &out, &pages), 0);
		assert_int_equal(pages, 1);
		char name[32];
		snprintf(name, sizeof name, "certificate-%s.pdf", langs[k]);
		const char *t = page_text(save(&out, name), 1);
		assert_contains(t, titles[k]);
		assert_contains(t, "王小明");
		assert_contains(t, "verify/ABCDEFGHJKLM");
		arena_free(&a);
	}
}

static void bad_calls_are_errors(void **state)
{
	struct arena a;
	arena_init(&a);
	struct buf out;
	buf_init(&out, &a);
	char *big = malloc(8000);
	memset(big, 'x', 7999);
	big[7999] = 0;
	struct pdf *p = pdf_begin(&a, NULL);
	pdf_qr(p, big, 30, PDF_CENTER);
	pdf_title(p, "after the error: ignored");
	assert_int_equal(pdf_end(p, &out, NULL), PDF_E_QR);
	free(big);
	p = pdf_begin(&a, NULL);
	pdf_table_row(p, (const char *const[]){"a"});
	assert_int_equal(pdf_end(p, &out, NULL), PDF_E_ARG);
	p = pdf_begin(&a, NULL);
	pdf_table_begin(p, 2, NULL, NULL);
	assert_int_equal(pdf_end(p, &out, NULL), PDF_E_ARG); /* never ended */
	assert_int_equal(out.len, 0);
	arena_free(&a);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_font_is_an_error_not_a_crash),
		cmocka_unit_test(poppler_is_installed),
		cmocka_unit_test(contract_breaks_its_table_and_numbers_its_pages),
		cmocka_unit_test(certificate_is_one_page),
		cmocka_unit_test(bad_calls_are_errors),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return failed;
}
