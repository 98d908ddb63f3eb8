/* cli.c — `wenming search-rebuild`: rebuilds the search index from the
 * record tables, e.g. after the upgrade that adds it, a bulk load by SQL, or
 * a change of normalization. Safe while the server runs: one transaction,
 * readers see the old index until it commits. */
#include "search.h"
#include "../cli.h"
#include "../db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t search_rebuild_timed(struct db *db, double *secs)
{
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_HANT);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t n = search_rebuild(&r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	arena_free(&a);
	return n;
}

int cmd_search_rebuild(struct config *cfg, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("search-rebuild", "unexpected argument '%s'", argv[1]);
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 2;
	double secs;
	int64_t n = search_rebuild_timed(db, &secs);
	if (n < 0)
		fprintf(stderr, "wenming search-rebuild: failed: %s\n", db_errmsg(db));
	else
		printf("indexed %lld records in %.1f s\n", (long long)n, secs);
	db_close(db);
	return n < 0 ? 1 : 0;
}
