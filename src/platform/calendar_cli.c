/* calendar_cli.c — `wenming calendar`: the years of the working-day
 * calendar, one year's days, and importing a new year from a TSV file in
 * the format of src/core/cn-workdays.tsv (the same validation and audit as
 * the page /admin/calendar: workdays.c). */
#include "../cli.h"
#include "../db/db.h"
#include "../http/http.h"
#include "workdays.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int calendar_list(struct db *db)
{
	struct arena a;
	arena_init(&a);
	struct db_stmt *q = db_query(db, &a,
				     "SELECT y.year, (SELECT count(*) FROM workdays "
				     "w WHERE w.day >= CAST(y.year AS TEXT) || "
				     "'-01-01' AND w.day <= CAST(y.year AS TEXT) || "
				     "'-12-31'), y.note FROM workday_years y "
				     "ORDER BY y.year",
				     NULL);
	printf("%-6s %-6s %s\n", "YEAR", "DAYS", "NOTE");
	while (q && db_step(q) == DB_ROW)
		printf("%-6lld %-6lld %s\n", (long long)db_column_int64(q, 0), (long long)db_column_int64(q, 1),
		       db_column_text(q, 2));
	arena_free(&a);
	return q ? 0 : 1;
}

static int calendar_show(struct db *db, int y)
{
	struct arena a;
	arena_init(&a);
	char lo[16], hi[16];
	snprintf(lo, sizeof lo, "%04d-01-01", y);
	snprintf(hi, sizeof hi, "%04d-12-31", y);
	if (!db_one_int64(db, 0, "SELECT count(*) FROM workday_years WHERE year = ?", "I", y)) {
		fprintf(stderr, "wenming calendar: %d is not entered\n", y);
		arena_free(&a);
		return 1;
	}
	struct db_stmt *q = db_query(db, &a,
				     "SELECT day, kind, name FROM workdays WHERE day "
				     ">= ? AND day <= ? ORDER BY day",
				     "ss", lo, hi);
	printf("date\tkind\tname\n");
	while (q && db_step(q) == DB_ROW)
		printf("%s\t%s\t%s\n", db_column_text(q, 0), db_column_text(q, 1), db_column_text(q, 2));
	arena_free(&a);
	return q ? 0 : 1;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	for (size_t k; p && (k = fread(p + n, 1, cap - n - 1, f)) > 0;) {
		n += k;
		if (n + 1 == cap) {
			char *q = cap < (1u << 22) ? realloc(p, cap * 2) : NULL;
			if (!q) {
				free(p);
				p = NULL;
				errno = EFBIG;
				break;
			}
			p = q;
			cap *= 2;
		}
	}
	if (f != stdin)
		fclose(f);
	if (p) {
		p[n] = 0;
		*len = n;
	}
	return p;
}

static int calendar_import(struct db *db, int y, const char *file, const char *note)
{
	size_t len = 0;
	char *text = read_all(file, &len);
	if (!text) {
		fprintf(stderr, "wenming calendar: cannot read %s: %s\n", file, strerror(errno));
		return 2;
	}
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_EN);
	struct passwd *pw = getpwuid(getuid());
	struct user u = {.id = 0, .username = arena_printf(&a, "cli:%s", pw ? pw->pw_name : "?")};
	u.display_name = u.username;
	r.user = &u;
	struct cal_problem p = {0};
	int rc = workdays_add_year(&r, y, note, text, len, &p), status = 0;
	char date[CAL_DATE_SIZE];
	switch (rc) {
	case 0: printf("calendar %d imported from %s\n", y, file); break;
	case WORKDAYS_E_INVALID:
		fprintf(stderr, "wenming calendar: %s: %s; nothing was imported\n", file,
			workdays_problem_text(&r, &p));
		status = 1;
		break;
	case WORKDAYS_E_OTHER_YEAR:
		fprintf(stderr, "wenming calendar: %s: %s is not in %d; nothing was imported\n", file,
			cal_format_date(p.day, date), y);
		status = 1;
		break;
	case WORKDAYS_E_EMPTY:
		fprintf(stderr, "wenming calendar: %s has no day; nothing was imported\n", file);
		status = 1;
		break;
	case WORKDAYS_E_EXISTS:
		fprintf(stderr,
			"wenming calendar: %d is entered already; change its days at "
			"/admin/calendar/%d\n",
			y, y);
		status = 1;
		break;
	case WORKDAYS_E_RANGE: status = cli_usage_error("calendar", "the year must be 1900..9999"); break;
	default: fprintf(stderr, "wenming calendar: database error: %s\n", db_errmsg(db)); status = 1;
	}
	arena_free(&a);
	free(text);
	return status;
}

int cmd_calendar(struct config *cfg, int argc, char **argv)
{
	const char *note = "", *args[3] = {NULL, NULL, NULL};
	int nargs = 0;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (cli_option(argc, argv, &i, "--note", &v)) {
			if (!v)
				return cli_usage_error("calendar", "--note needs a value");
			note = v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error("calendar", "unknown option '%s'", argv[i]);
		} else if (nargs < 3) {
			args[nargs++] = argv[i];
		} else {
			return cli_usage_error("calendar", "unexpected argument '%s'", argv[i]);
		}
	}
	const char *sub = args[0];
	unsigned long long y = 0;
	if (!sub)
		return cli_usage_error("calendar", "expected list, show YEAR or import YEAR FILE");
	int is_list = !strcmp(sub, "list"), is_show = !strcmp(sub, "show"), is_import = !strcmp(sub, "import");
	if (!is_list && !is_show && !is_import)
		return cli_usage_error("calendar", "unknown subcommand '%s'", sub);
	if ((is_list && nargs != 1) || (is_show && nargs != 2) || (is_import && nargs != 3))
		return cli_usage_error("calendar", "wrong number of arguments for '%s'", sub);
	if (!is_list && (cli_parse_u64(args[1], &y) || y < 1900 || y > CAL_YEAR_MAX))
		return cli_usage_error("calendar", "'%s' is not a year (1900..9999)", args[1]);
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 2;
	int rc = is_list   ? calendar_list(db)
		 : is_show ? calendar_show(db, (int)y)
			   : calendar_import(db, (int)y, args[2], note);
	db_close(db);
	return rc;
}
