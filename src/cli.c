/* cli.c — what the subcommands share (cli.h): usage errors, options and
 * numbers on the command line, the database opened and migrated from the
 * settings, and the directory of an SQLite file. */
#include "module.h"
#include "core/cal.h"
#include "db/db.h"
#include "http/http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int cli_usage_error(const char *name, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "wenming %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'wenming help %s'.\n", name);
	return 2;
}

int cli_make_parent_dir(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = 0;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0750) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0750) && errno != EEXIST ? -1 : 0;
}

struct db *cli_open_db(const struct config *cfg)
{
	char err[512];
	struct db *db = db_open(cfg->db, err, sizeof err);
	if (!db) {
		fprintf(stderr, "wenming: %s\n", err);
		return NULL;
	}
	if (modules_migrate(db, err, sizeof err)) {
		fprintf(stderr, "wenming: %s\n", err);
		db_close(db);
		return NULL;
	}
	return db;
}

int cli_option(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	if (strcmp(argv[*i], name) == 0) {
		*val = *i + 1 < argc ? argv[++*i] : NULL;
		return 1;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	return 0;
}

int cli_parse_u64(const char *s, unsigned long long *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

struct db *cli_create_db(const struct config *cfg, const char *name, int *status)
{
	if (strncmp(cfg->db, "sqlite:", 7) == 0 && cli_make_parent_dir(cfg->db + 7)) {
		fprintf(stderr, "wenming %s: cannot create the directory for %s: %s\n", name, cfg->db + 7,
			strerror(errno));
		*status = 1;
		return NULL;
	}
	struct db *db = cli_open_db(cfg);
	*status = db ? 0 : 2;
	return db;
}

static int remind_args(const char *name, int argc, char **argv, int64_t *today)
{
	if (argc < 2 || strcmp(argv[1], "remind"))
		return cli_usage_error(name, "unknown action '%s'", argc > 1 ? argv[1] : "");
	*today = cal_local_day(time(NULL));
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--today") && i + 1 < argc) {
			if (cal_parse_date(argv[++i], today))
				return cli_usage_error(name, "--today wants a date YYYY-MM-DD, not '%s'", argv[i]);
		} else {
			return cli_usage_error(name, "unknown option '%s'", argv[i]);
		}
	}
	return 0;
}

int cli_remind(struct config *cfg, const char *name, int argc, char **argv, cli_remind_fn run)
{
	int64_t today;
	int bad = remind_args(name, argc, argv, &today);
	if (bad)
		return bad;
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 1;
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_HANT);
	char done[160] = "";
	int rc = run(&r, cfg, today, done, sizeof done);
	if (rc)
		fprintf(stderr, "wenming %s: %s\n", name, db_errmsg(db));
	else
		printf("%s\n", done);
	arena_free(&a);
	db_close(db);
	return rc ? 1 : 0;
}
