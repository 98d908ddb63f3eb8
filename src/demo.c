/* demo.c — `wenming demo`: every module's demo data, in the order of the
 * modules (the organization first, then what stands on it), into an empty
 * database, then the search index. Each module's demo prints its own
 * summary; the figures come from queries over what was loaded. */
#include "module.h"
#include "db/db.h"
#include "search/search.h"

#include <stdio.h>
#include <string.h>

#define DEMO_PEOPLE_MIN 500
#define DEMO_PEOPLE_MAX 1000000

int cmd_demo(struct config *cfg, int argc, char **argv)
{
	unsigned long long people = 520, seed = 1;
	int index = 1;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (strcmp(argv[i], "--no-search-index") == 0) {
			index = 0;
		} else if (cli_option(argc, argv, &i, "--people", &v)) {
			if (cli_parse_u64(v, &people) || people < DEMO_PEOPLE_MIN || people > DEMO_PEOPLE_MAX)
				return cli_usage_error("demo", "--people needs a number from %d to %d", DEMO_PEOPLE_MIN,
						       DEMO_PEOPLE_MAX);
		} else if (cli_option(argc, argv, &i, "--seed", &v)) {
			if (cli_parse_u64(v, &seed))
				return cli_usage_error("demo", "--seed needs a non-negative whole number");
		} else {
			return cli_usage_error("demo", "unexpected argument '%s'", argv[i]);
		}
	}
	int status;
	struct db *db = cli_create_db(cfg, "demo", &status);
	if (!db)
		return status;
	const struct demo_options o = {.seed = seed, .people = (int)people};
	char err[512];
	for (const struct module *const *m = app_modules; *m; m++) {
		if (!(*m)->demo)
			continue;
		int rc = (*m)->demo(db, &o, err, sizeof err);
		if (rc) {
			db_close(db);
			if (rc == DEMO_E_NOT_EMPTY)
				return cli_usage_error("demo", "%s", err);
			fprintf(stderr, "wenming demo: %s: %s\n", (*m)->name, err);
			return 1;
		}
	}
	int rc = 0;
	if (index) {
		double secs;
		int64_t n = search_rebuild_timed(db, &secs); /* found at once */
		if (n < 0) {
			fprintf(stderr, "wenming demo: the search index could not be rebuilt (%s); run 'wenming "
					"search-rebuild'\n", db_errmsg(db));
			rc = 1;
		} else {
			printf("  search index: %lld records in %.2f s\n", (long long)n, secs);
		}
	} else {
		printf("  search index not rebuilt: run 'wenming search-rebuild' before searching\n");
	}
	db_close(db);
	return rc;
}
