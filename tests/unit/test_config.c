/* test_config.c — the settings table: defaults, typed values with clear
 * errors, the precedence defaults < wenming.conf < WENMING_* < --flags,
 * validation of the whole configuration, and which argv entries are left
 * for the subcommand.
 *
 * Each test runs in its own empty temporary directory (so no stray
 * ./wenming.conf is read) with every WENMING_<setting> variable unset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

static char tmpdir[64];
static char olddir[4096];

static void clear_env(void)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		char env[64] = "WENMING_";
		for (size_t k = 0; config_settings[i].name[k] && k < 50; k++)
			env[8 + k] = (char)toupper((unsigned char)config_settings[i].name[k]);
		unsetenv(env);
	}
	unsetenv("WENMING_CONFIG");
}

static int setup(void **state)
{
	clear_env();
	if (!getcwd(olddir, sizeof olddir))
		return -1;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/wm-config-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return chdir(tmpdir);
}

static int teardown(void **state)
{
	clear_env();
	unlink("wenming.conf");
	unlink("other.conf");
	if (chdir(olddir))
		return -1;
	return rmdir(tmpdir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* config_load over a copy of args (argv must be writable and NULL-ended). */
struct run {
	struct config cfg;
	char *argv[16];
	int argc;
	int rc;
	char err[512];
};

static void load(struct run *r, const char *const *args)
{
	memset(r, 0, sizeof *r);
	r->argv[r->argc++] = "wenming";
	for (; *args; args++)
		r->argv[r->argc++] = (char *)*args;
	r->argv[r->argc] = NULL;
	r->rc = config_load(&r->cfg, &r->argc, r->argv, r->err, sizeof r->err);
}

static const char *const NO_ARGS[] = {NULL};

static int index_of(const char *name)
{
	for (size_t i = 0; i < config_nsettings; i++)
		if (strcmp(config_settings[i].name, name) == 0)
			return (int)i;
	fail_msg("no setting %s", name);
	return -1;
}

/* ---- defaults ---- */

static void config_defaults(void **state)
{
	struct run r;
	load(&r, NO_ARGS);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.cfg.db, "sqlite:data/wenming.db");
	assert_string_equal(r.cfg.listen, "127.0.0.1:8080");
	assert_int_equal(r.cfg.threads, 64);
	assert_int_equal(r.cfg.request_timeout, 30);
	assert_int_equal(r.cfg.keepalive_timeout, 5);
	assert_int_equal(r.cfg.max_body, 16L << 20);
	assert_int_equal(r.cfg.max_part, 16L << 20);
	assert_int_equal(r.cfg.max_upload, 10L << 20);
	assert_int_equal(r.cfg.session_idle, 2 * 3600);
	assert_int_equal(r.cfg.session_lifetime, 12 * 3600);
	assert_int_equal(r.cfg.log_level, LOG_INFO);
	assert_string_equal(r.cfg.access_log, "-");
	assert_string_equal(r.cfg.base_url, "");
	assert_string_equal(r.cfg.tls_cert, "");
	assert_string_equal(r.cfg.tls_key, "");
	assert_int_equal(r.cfg.db_pool, 16);
	assert_int_equal(r.cfg.hash_concurrency, 2);
	assert_string_equal(r.cfg.timezone, "Asia/Shanghai");
	assert_null(r.cfg.file); /* no wenming.conf here: none read */
	for (size_t i = 0; i < config_nsettings; i++)
		assert_int_equal(r.cfg.source[i], SRC_DEFAULT);
	assert_int_equal(r.argc, 1);
	config_free(&r.cfg);
}

static void config_every_default_is_valid_and_documented(void **state)
{
	assert_true(config_nsettings <= sizeof((struct config *)0)->source / sizeof(enum config_source));
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	char err[256];
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting_def *d = &config_settings[i];
		assert_non_null(d->help);
		assert_true(strlen(d->help) > 5);
		if (config_set(&cfg, d->name, d->dflt, SRC_DEFAULT, err, sizeof err))
			fail_msg("default of %s is invalid: %s", d->name, err);
	}
	config_free(&cfg);
}

/* ---- config_set ---- */

struct set_case {
	const char *name, *value;
	const char *err; /* NULL: accepted */
};

static void check_set(const struct set_case *c)
{
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	char err[256] = "";
	int rc = config_set(&cfg, c->name, c->value, SRC_FLAG, err, sizeof err);
	if (c->err) {
		if (rc != -1)
			fail_msg("%s = '%s' accepted, expected an error", c->name, c->value);
		if (strcmp(err, c->err) != 0)
			fail_msg("%s = '%s': error \"%s\", expected \"%s\"", c->name, c->value, err, c->err);
	} else if (rc != 0) {
		fail_msg("%s = '%s' rejected: %s", c->name, c->value, err);
	}
	config_free(&cfg);
}

static void config_set_int_checks_type_and_range(void **state)
{
	static const struct set_case cases[] = {
		{"threads", "8", NULL},
		{"threads", "1024", NULL},
		{"threads", "abc", "threads: 'abc' is not a whole number from 2 to 1024"},
		{"threads", "", "threads: '' is not a whole number from 2 to 1024"},
		{"threads", "8x", "threads: '8x' is not a whole number from 2 to 1024"},
		{"threads", "1", "threads: '1' is not a whole number from 2 to 1024"},
		{"threads", "1025", "threads: '1025' is not a whole number from 2 to 1024"},
		{"threads", "-4", "threads: '-4' is not a whole number from 2 to 1024"},
		{"threads", "99999999999999999999", "threads: '99999999999999999999' is not a whole number from 2 to 1024"},
		{"db_pool", "0", "db_pool: '0' is not a whole number from 1 to 512"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_set(&cases[i]);
}

static void config_set_durations(void **state)
{
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	char err[256];
	assert_int_equal(config_set(&cfg, "session_idle", "15m", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.session_idle, 900);
	assert_int_equal(config_set(&cfg, "session_idle", "2h", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.session_idle, 7200);
	assert_int_equal(config_set(&cfg, "session_lifetime", "2d", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.session_lifetime, 2 * 86400);
	assert_int_equal(config_set(&cfg, "request_timeout", "90", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.request_timeout, 90);
	assert_int_equal(config_set(&cfg, "request_timeout", "45s", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.request_timeout, 45);
	assert_int_equal(config_set(&cfg, "keepalive_timeout", "0", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.keepalive_timeout, 0);
	assert_int_equal(cfg.source[index_of("keepalive_timeout")], SRC_FLAG);
	config_free(&cfg);

	static const struct set_case cases[] = {
		{"request_timeout", "2h", "request_timeout: '2h' is not a duration from 1s to 3600s (e.g. 30s, 15m, 2h)"},
		{"request_timeout", "0", "request_timeout: '0' is not a duration from 1s to 3600s (e.g. 30s, 15m, 2h)"},
		{"request_timeout", "10x", "request_timeout: '10x' is not a duration from 1s to 3600s (e.g. 30s, 15m, 2h)"},
		{"request_timeout", "m", "request_timeout: 'm' is not a duration from 1s to 3600s (e.g. 30s, 15m, 2h)"},
		{"request_timeout", "-5s", "request_timeout: '-5s' is not a duration from 1s to 3600s (e.g. 30s, 15m, 2h)"},
		{"request_timeout", "5 m", "request_timeout: '5 m' is not a duration from 1s to 3600s (e.g. 30s, 15m, 2h)"},
		{"session_idle", "59s", "session_idle: '59s' is not a duration from 60s to 2592000s (e.g. 30s, 15m, 2h)"},
		{"session_idle", "9999999999999d",
		 "session_idle: '9999999999999d' is not a duration from 60s to 2592000s (e.g. 30s, 15m, 2h)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_set(&cases[i]);
}

static void config_set_sizes(void **state)
{
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	char err[256];
	assert_int_equal(config_set(&cfg, "max_body", "16M", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.max_body, 16L * 1024 * 1024);
	assert_int_equal(config_set(&cfg, "max_body", "512K", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.max_body, 512L * 1024);
	assert_int_equal(config_set(&cfg, "max_body", "1g", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.max_body, 1L << 30);
	assert_int_equal(config_set(&cfg, "max_part", "4096", SRC_FLAG, err, sizeof err), 0);
	assert_int_equal(cfg.max_part, 4096);
	config_free(&cfg);

	static const struct set_case cases[] = {
		{"max_body", "2G", "max_body: '2G' is not a size from 1024 to 1073741824 bytes (e.g. 512K, 16M)"},
		{"max_body", "1023", "max_body: '1023' is not a size from 1024 to 1073741824 bytes (e.g. 512K, 16M)"},
		{"max_body", "16MB", "max_body: '16MB' is not a size from 1024 to 1073741824 bytes (e.g. 512K, 16M)"},
		{"max_body", "1T", "max_body: '1T' is not a size from 1024 to 1073741824 bytes (e.g. 512K, 16M)"},
		{"max_body", "M", "max_body: 'M' is not a size from 1024 to 1073741824 bytes (e.g. 512K, 16M)"},
		{"max_part", "-1M", "max_part: '-1M' is not a size from 1024 to 1073741824 bytes (e.g. 512K, 16M)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_set(&cases[i]);
}

static void config_set_log_levels(void **state)
{
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	char err[256];
	static const char *names[] = {"error", "warn", "info", "debug"};
	static const int levels[] = {LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(config_set(&cfg, "log_level", names[i], SRC_FLAG, err, sizeof err), 0);
		assert_int_equal(cfg.log_level, levels[i]);
	}
	config_free(&cfg);
	static const struct set_case bad = {"log_level", "verbose", "log_level: 'verbose' must be error, warn, info or debug"};
	check_set(&bad);
}

static void config_set_strings_and_names(void **state)
{
	static const struct set_case cases[] = {
		{"base_url", "https://wenming.example.gov", NULL},
		{"max-body", "1M", NULL},  /* dashes stand for underscores */
		{"MAX_BODY", "1M", NULL},  /* names are case-insensitive */
		{"access_log", "a\nb", "access_log: control characters are not allowed"},
		{"db", "sqlite:x\x1b", "db: control characters are not allowed"},
		{"nope", "1", "unknown setting 'nope' (see `wenming config`)"},
		{"thread", "8", "unknown setting 'thread' (see `wenming config`)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_set(&cases[i]);
}

static void config_set_failure_keeps_old_value(void **state)
{
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	char err[256];
	assert_int_equal(config_set(&cfg, "threads", "8", SRC_FILE, err, sizeof err), 0);
	assert_int_equal(config_set(&cfg, "threads", "zero", SRC_FLAG, err, sizeof err), -1);
	assert_int_equal(cfg.threads, 8);
	assert_int_equal(cfg.source[index_of("threads")], SRC_FILE);
	config_free(&cfg);
}

/* ---- precedence ---- */

static void config_file_then_env_then_flags(void **state)
{
	write_file("other.conf", "# comment\n\n  threads = 10  \nlog_level=debug\nmax_body = 1M\n");
	setenv("WENMING_THREADS", "20", 1);
	setenv("WENMING_MAX_BODY", "2M", 1);

	struct run r;
	static const char *const with_flag[] = {"--config", "other.conf", "--threads", "30", NULL};
	load(&r, with_flag);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg.threads, 30);
	assert_int_equal(r.cfg.source[index_of("threads")], SRC_FLAG);
	assert_int_equal(r.cfg.max_body, 2L << 20);
	assert_int_equal(r.cfg.source[index_of("max_body")], SRC_ENV);
	assert_int_equal(r.cfg.log_level, LOG_DEBUG);
	assert_int_equal(r.cfg.source[index_of("log_level")], SRC_FILE);
	assert_int_equal(r.cfg.source[index_of("listen")], SRC_DEFAULT);
	assert_string_equal(r.cfg.file, "other.conf");
	assert_int_equal(r.argc, 1); /* --config FILE and --threads N consumed */
	config_free(&r.cfg);

	static const char *const env_only[] = {"--config=other.conf", NULL};
	load(&r, env_only);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg.threads, 20);
	assert_int_equal(r.cfg.source[index_of("threads")], SRC_ENV);
	config_free(&r.cfg);

	unsetenv("WENMING_THREADS");
	load(&r, env_only);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg.threads, 10);
	assert_int_equal(r.cfg.source[index_of("threads")], SRC_FILE);
	config_free(&r.cfg);

	static const char *const eq_flag[] = {"--threads=40", "--config", "other.conf", NULL};
	load(&r, eq_flag);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg.threads, 40);
	config_free(&r.cfg);
}

static void config_reads_wenming_conf_and_WENMING_CONFIG(void **state)
{
	write_file("wenming.conf", "threads = 11\n");
	struct run r;
	load(&r, NO_ARGS);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg.threads, 11);
	assert_string_equal(r.cfg.file, "wenming.conf");
	config_free(&r.cfg);

	write_file("other.conf", "threads = 12\n");
	setenv("WENMING_CONFIG", "other.conf", 1);
	load(&r, NO_ARGS);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg.threads, 12);
	config_free(&r.cfg);
}

static void config_bad_env_value_names_the_variable(void **state)
{
	setenv("WENMING_THREADS", "many", 1);
	struct run r;
	load(&r, NO_ARGS);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "WENMING_THREADS: threads: 'many' is not a whole number from 2 to 1024");
	config_free(&r.cfg);
}

/* ---- file errors ---- */

static void config_file_unknown_setting_names_file_and_line(void **state)
{
	write_file("other.conf", "threads = 8\n# fine\nbogus = 1\n");
	struct run r;
	static const char *const args[] = {"--config", "other.conf", NULL};
	load(&r, args);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "other.conf:3: unknown setting 'bogus' (see `wenming config`)");
	config_free(&r.cfg);
}

static void config_file_syntax_and_value_errors(void **state)
{
	static const char *const args[] = {"--config", "other.conf", NULL};
	struct run r;
	write_file("other.conf", "\nthreads 8\n");
	load(&r, args);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "other.conf:2: expected 'name = value'");
	config_free(&r.cfg);

	write_file("other.conf", "max_part = lots\n");
	load(&r, args);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err,
			    "other.conf:1: max_part: 'lots' is not a size from 1024 to 1073741824 bytes (e.g. 512K, 16M)");
	config_free(&r.cfg);
}

static void config_explicit_file_must_exist(void **state)
{
	struct run r;
	static const char *const args[] = {"--config", "missing.conf", NULL};
	load(&r, args);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.err, "cannot read config file missing.conf"));
	config_free(&r.cfg);

	static const char *const noname[] = {"--config", NULL};
	load(&r, noname);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "--config needs a file name");
	config_free(&r.cfg);
}

static void config_flag_without_value_is_an_error(void **state)
{
	struct run r;
	static const char *const args[] = {"--threads", NULL};
	load(&r, args);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "--threads needs a value");
	config_free(&r.cfg);
}

/* ---- validation ---- */

static void expect_invalid(const char *flag, const char *value, const char *err)
{
	struct run r;
	const char *args[] = {flag, value, NULL};
	load(&r, args);
	if (r.rc != -1)
		fail_msg("%s %s accepted", flag, value);
	if (strcmp(r.err, err) != 0)
		fail_msg("%s %s: error \"%s\", expected \"%s\"", flag, value, r.err, err);
	config_free(&r.cfg);
}

static void config_validates_db_url(void **state)
{
	expect_invalid("--db", "mysql://localhost/x", "db: 'mysql://localhost/x' must start with sqlite: or postgresql://");
	expect_invalid("--db", "sqlite:", "db: sqlite: needs a file path, e.g. sqlite:data/wenming.db");
	expect_invalid("--db", "", "db: '' must start with sqlite: or postgresql://");
	struct run r;
	static const char *const ok[] = {"--db", "postgres://u@h/d", NULL};
	load(&r, ok);
	assert_int_equal(r.rc, 0);
	config_free(&r.cfg);
}

static void config_validates_listen(void **state)
{
	static const char *want[] = {"8080", "localhost:", ":8080", "host:0", "host:65536", "host:80x"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char err[128];
		snprintf(err, sizeof err, "listen: '%s' must be host:port, e.g. 127.0.0.1:8080", want[i]);
		expect_invalid("--listen", want[i], err);
	}
	struct run r;
	static const char *const ok[] = {"--listen", "[::1]:65535", NULL};
	load(&r, ok);
	assert_int_equal(r.rc, 0);
	config_free(&r.cfg);
}

static void config_validates_tls_pair_base_url_and_sessions(void **state)
{
	expect_invalid("--tls_cert", "/etc/cert.pem", "tls_cert and tls_key must be set together");
	expect_invalid("--tls-key", "/etc/key.pem", "tls_cert and tls_key must be set together");
	expect_invalid("--base_url", "ftp://x", "base_url: 'ftp://x' must start with http:// or https://");
	expect_invalid("--session_idle", "13h", "session_idle must not be longer than session_lifetime");
	struct run r;
	static const char *const ok[] = {"--tls_cert", "c.pem", "--tls_key", "k.pem", NULL};
	load(&r, ok);
	assert_int_equal(r.rc, 0);
	config_free(&r.cfg);
}

static void config_validates_timezone_and_sets_TZ(void **state)
{
	if (access("/usr/share/zoneinfo/Asia/Taipei", R_OK) != 0)
		skip(); /* no tzdata on this machine */
	static const char *bad[] = {"Mars/Olympus", "", "Asia", "../../etc/passwd", "/etc/localtime", "Asia/../UTC"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[128];
		snprintf(err, sizeof err, "timezone: '%s' is not a known time zone (e.g. Asia/Shanghai)", bad[i]);
		expect_invalid("--timezone", bad[i], err);
	}
	struct run r;
	static const char *const ok[] = {"--timezone", "Asia/Taipei", NULL};
	load(&r, ok);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.cfg.timezone, "Asia/Taipei");
	assert_string_equal(getenv("TZ"), "Asia/Taipei"); /* dates are shown in it */
	config_free(&r.cfg);
	unsetenv("TZ");
	tzset();
}

/* ---- argv ---- */

static void config_leaves_other_flags_and_arguments(void **state)
{
	struct run r;
	static const char *const args[] = {"user", "add",   "--threads", "8",         "--role", "admin", "alice",
					   "--",   "--db", "x",         NULL};
	load(&r, args);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg.threads, 8);
	assert_string_equal(r.cfg.db, "sqlite:data/wenming.db"); /* --db after -- is not ours */
	static const char *want[] = {"wenming", "user", "add", "--role", "admin", "alice", "--", "--db", "x"};
	assert_int_equal(r.argc, 9);
	for (int i = 0; i < 9; i++)
		assert_string_equal(r.argv[i], want[i]);
	assert_null(r.argv[9]);
	config_free(&r.cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(config_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(config_every_default_is_valid_and_documented, setup, teardown),
		cmocka_unit_test_setup_teardown(config_set_int_checks_type_and_range, setup, teardown),
		cmocka_unit_test_setup_teardown(config_set_durations, setup, teardown),
		cmocka_unit_test_setup_teardown(config_set_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(config_set_log_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(config_set_strings_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(config_set_failure_keeps_old_value, setup, teardown),
		cmocka_unit_test_setup_teardown(config_file_then_env_then_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(config_reads_wenming_conf_and_WENMING_CONFIG, setup, teardown),
		cmocka_unit_test_setup_teardown(config_bad_env_value_names_the_variable, setup, teardown),
		cmocka_unit_test_setup_teardown(config_file_unknown_setting_names_file_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(config_file_syntax_and_value_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(config_explicit_file_must_exist, setup, teardown),
		cmocka_unit_test_setup_teardown(config_flag_without_value_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(config_validates_db_url, setup, teardown),
		cmocka_unit_test_setup_teardown(config_validates_listen, setup, teardown),
		cmocka_unit_test_setup_teardown(config_validates_tls_pair_base_url_and_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(config_validates_timezone_and_sets_TZ, setup, teardown),
		cmocka_unit_test_setup_teardown(config_leaves_other_flags_and_arguments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
