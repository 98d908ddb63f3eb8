/* bench/writer.c — durable intake: one transaction per request against the
 * group-commit writer (src/db/writer.h), same work, same durability.
 *
 *   writer_bench URL MODE THREADS SECONDS [PROCS] [GEN]
 *
 * MODE txn: each thread has its own connection (SQLite: synchronous=FULL;
 * PostgreSQL: synchronous_commit on) and commits each intake alone, as a
 * request on the pool would. MODE writer: the threads submit the same work
 * to one writer per process. PROCS processes (default 1) split THREADS, each
 * with its own writer (PostgreSQL: several servers behind a proxy).
 *
 * One intake = a case row, its audit entry and the data-generation bump
 * (GEN single: the one data_gen row, as audit.c did before migration 014;
 * shard: one of the 64 rows of data_gen_shard chosen by the connection, as
 * audit.c does now; none: no bump).
 *
 * Prints one line: mode, rows/s, commits, p50/p99 latency of an intake. */
#include "db/writer.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "platform/platform.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum gen { GEN_SINGLE, GEN_SHARD, GEN_NONE };

static const char *url;
static enum gen gen_mode = GEN_SINGLE;
static atomic_int stop;
static struct db_writer *writer;

#define MAXLAT 2000000
struct shared {
	atomic_long rows, errors;
	atomic_long nlat;
	uint32_t lat_us[MAXLAT];
};
static struct shared *sh;

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct intake {
	int64_t n;
	int shard;
};

static int intake_job(void *ctx, struct db *db)
{
	struct intake *in = ctx;
	char code[32];
	snprintf(code, sizeof code, "C%d-%lld", (int)getpid(), (long long)in->n);
	int rc = db_run(db, "INSERT INTO bench_cases (code, body, at) VALUES (?, ?, ?)", "ssi", code,
			"路灯不亮，请尽快维修。Street light out, please repair.", (int64_t)time(NULL));
	if (!rc)
		rc = db_run(db,
			    "INSERT INTO audit (at, user_id, username, ip, action, entity, "
			    "entity_id, before_json, "
			    "after_json) VALUES (?, 0, '-', '127.0.0.1', 'create', 'case', "
			    "?, NULL, ?)",
			    "iss", (int64_t)time(NULL), code, "{\"title\":\"路灯不亮\"}");
	if (!rc && gen_mode == GEN_SINGLE)
		rc = db_run(db, "UPDATE data_gen SET n = n + 1 WHERE id = 1", NULL);
	else if (!rc && gen_mode == GEN_SHARD)
		rc = db_run(db, "UPDATE data_gen_shard SET n = n + 1 WHERE id = ?", "I", in->shard);
	return rc;
}

static struct db *open_durable(void)
{
	char err[512];
	struct db *db = db_open(url, err, sizeof err);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	db_exec_script(db, db_kind(db) == DB_SQLITE ? "PRAGMA synchronous=FULL" : "SET synchronous_commit = on");
	return db;
}

static void record(uint64_t t0, int rc)
{
	if (rc) {
		atomic_fetch_add(&sh->errors, 1);
		return;
	}
	atomic_fetch_add(&sh->rows, 1);
	long i = atomic_fetch_add(&sh->nlat, 1);
	if (i < MAXLAT)
		sh->lat_us[i] = (uint32_t)(now_us() - t0);
}

static void *txn_main(void *arg)
{
	(void)arg;
	struct db *db = open_durable();
	struct intake in = {.shard = (int)((((uintptr_t)db >> 4) ^ (uintptr_t)getpid()) % 64)};
	while (!atomic_load(&stop)) {
		uint64_t t0 = now_us();
		in.n++;
		int rc = db_begin(db);
		if (!rc) {
			rc = intake_job(&in, db);
			if (rc)
				db_rollback(db);
			else
				rc = db_commit(db);
		}
		record(t0, rc);
	}
	db_close(db);
	return NULL;
}

static void *writer_main(void *arg)
{
	(void)arg;
	/* one connection per process: its shard */
	struct intake in = {.shard = (int)(getpid() % 64)};
	while (!atomic_load(&stop)) {
		uint64_t t0 = now_us();
		in.n++;
		record(t0, db_writer_submit(writer, intake_job, &in));
	}
	return NULL;
}

static void run_process(const char *mode, int threads, int seconds)
{
	if (strcmp(mode, "writer") == 0) {
		char err[512];
		writer = db_writer_open(url, 0, err, sizeof err);
		if (!writer) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
	}
	pthread_t *t = calloc((size_t)threads, sizeof *t);
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, writer ? writer_main : txn_main, NULL);
	sleep((unsigned)seconds);
	atomic_store(&stop, 1);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	free(t);
	if (writer) {
		struct db_writer_stats st;
		db_writer_stats(writer, &st);
		fprintf(stderr, "pid %d: %llu jobs in %llu commits, largest batch %llu\n", (int)getpid(),
			(unsigned long long)st.jobs, (unsigned long long)st.commits, (unsigned long long)st.max_batch);
		db_writer_close(writer);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr,
			"usage: %s URL txn|writer THREADS SECONDS [PROCS] "
			"[single|shard|none]\n",
			argv[0]);
		return 2;
	}
	url = argv[1];
	const char *mode = argv[2];
	int threads = atoi(argv[3]), seconds = atoi(argv[4]);
	int procs = argc > 5 ? atoi(argv[5]) : 1;
	if (argc > 6)
		gen_mode = !strcmp(argv[6], "shard") ? GEN_SHARD : !strcmp(argv[6], "none") ? GEN_NONE : GEN_SINGLE;
	log_set_level(LOG_ERROR);

	/* the schema, once, before any process starts */
	char err[512];
	struct db *db = open_durable();
	if (db_migrate(db, "platform", PLATFORM_MIGRATIONS, err, sizeof err)) {
		fprintf(stderr, "migrate: %s\n", err);
		return 1;
	}
	db_exec_script(db, "DROP TABLE IF EXISTS bench_cases; DROP TABLE IF EXISTS data_gen_shard");
	db_exec_script(db, db_kind(db) == DB_SQLITE ? "CREATE TABLE bench_cases (id INTEGER PRIMARY KEY, "
						      "code TEXT NOT NULL, body TEXT, "
						      "at INTEGER)"
						    : "CREATE TABLE bench_cases (id BIGSERIAL PRIMARY "
						      "KEY, code TEXT NOT NULL, body TEXT, "
						      "at BIGINT)");
	db_exec_script(db, "CREATE TABLE data_gen_shard (id INTEGER PRIMARY KEY, n "
			   "BIGINT NOT NULL)");
	for (int i = 0; i < 64; i++)
		db_run(db, "INSERT INTO data_gen_shard (id, n) VALUES (?, 0)", "I", i);
	db_close(db);

	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t t0 = now_us();
	for (int p = 0; p < procs; p++) {
		pid_t pid = fork();
		if (pid == 0) {
			run_process(mode, threads / procs, seconds);
			_exit(0);
		}
	}
	for (int p = 0; p < procs; p++)
		wait(NULL);
	double secs = (double)(now_us() - t0) / 1e6;
	long n = atomic_load(&sh->nlat);
	if (n > MAXLAT)
		n = MAXLAT;
	qsort(sh->lat_us, (size_t)n, sizeof sh->lat_us[0], cmp_u32);
	long rows = atomic_load(&sh->rows);
	printf("%s threads=%d procs=%d gen=%s: %ld rows in %.1f s = %.0f rows/s, "
	       "errors %ld, p50 %.1f ms, p99 %.1f ms\n",
	       mode, threads, procs,
	       gen_mode == GEN_SINGLE  ? "single"
	       : gen_mode == GEN_SHARD ? "shard"
				       : "none",
	       rows, secs, (double)rows / secs, (long)atomic_load(&sh->errors), n ? sh->lat_us[n / 2] / 1000.0 : 0,
	       n ? sh->lat_us[n * 99 / 100] / 1000.0 : 0);
	return 0;
}
