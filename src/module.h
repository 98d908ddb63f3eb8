/* module.h — what a module is: one folder, one struct module.
 *
 * A module (the organization, cases, inspections, learning, ...) declares
 * everything it adds to the program in one struct: its record types, routes,
 * navigation entries, migrations, subcommands, sections it adds to other
 * modules' detail pages, demo data and the metrics it offers to assessment.
 * src/app.c holds the one list of modules and hands each part to the engine
 * that takes it (records, router, layout, migrations, the command line);
 * nothing else names a module, and no engine includes one. Adding a module
 * is its folder (src/NAME/ with module.c, messages.def and migrations/) and
 * one line in app.c.
 *
 * The platform (sign-in, users, audit, the records engine's pages and API,
 * search, and the units and people every scope is built on) is the first
 * module of the list, declared in src/platform/. */
#ifndef WM_MODULE_H
#define WM_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "http/app.h"
#include "records/record.h"

struct db;

/* What `wenming demo` was asked for; each module's demo reads what it needs. */
struct demo_options {
	uint64_t seed;
	int people; /* active staff of the demo organization */
};

/* One unit's own share of a metric (its records only, not its
 * sub-units'): unit_id 0 holds the records without a unit, which count
 * for the top of the tree only. */
typedef void metric_share_fn(void *ctx, int64_t unit_id, double num, double den);

/* One record behind a metric's value: a link and its words (arena). */
struct metric_record {
	const char *path;  /* "/cases/12" */
	const char *title; /* "WM-2026-000012 · 窗口態度差" */
	const char *day;   /* YYYY-MM-DD the record counts on, or NULL */
	double weight;     /* what it adds to the value (1 for a count) */
};
/* 0 to go on, non-zero to stop. */
typedef int metric_record_fn(void *ctx, const struct metric_record *rec);

/* How the shares of a subtree make its value. */
enum metric_kind {
	METRIC_SUM,  /* Σ num (den unused) */
	METRIC_RATE, /* Σ num / Σ den, 0 when Σ den is 0 (rates and averages) */
};

/* A figure a module computes for a unit's subtree over a period, for the
 * assessment to score (never typed in: always a query over records). */
struct metric {
	const char *name;   /* used in formulas: "party_members" */
	enum msg_id label;
	/* the value for unit_id's subtree between the dates from and to
	 * (YYYY-MM-DD, both included): 0, or a DB_E_* code */
	int (*compute)(struct req *r, int64_t unit_id, const char *from, const char *to, double *value);
	/* optional, for scoring every unit at once (an assessment round):
	 * calls share once per unit that has records in the period with its
	 * own numerator and denominator; folding the shares of a subtree by
	 * kind gives exactly what compute gives for it. 0, or a DB_E_* code. */
	enum metric_kind kind;
	int (*shares)(struct req *r, const char *from, const char *to, metric_share_fn *share, void *ctx);
	/* optional: the records behind the value of unit_id's subtree (the
	 * counted ones for a sum, the numerator's for a rate), newest first,
	 * at most limit; 0, or a DB_E_* code */
	int (*records)(struct req *r, int64_t unit_id, const char *from, const char *to, int limit,
		       metric_record_fn *fn, void *ctx);
};

struct module {
	const char *name;
	/* the folder of its migrations among the embedded files, e.g.
	 * "src/cases/migrations/" (files NNN_name.sql); NULL: none */
	const char *migrations;
	const struct record_type *const *types; /* NULL-ended, in dependency order */
	const struct route *const *routes;      /* NULL-ended tables, each ended by {NULL} */
	const struct nav_item *nav;             /* ended by {NULL} */
	const struct command *commands;         /* ended by {NULL} */
	const struct record_section *sections;  /* ended by {NULL} */
	const struct record_observer *const *observers; /* NULL-ended */
	/* adds the module's demo data to a database that has the earlier
	 * modules' demo data, printing a summary on stdout; 0, or -1 with a
	 * message in err (DEMO_E_NOT_EMPTY: the database has data already) */
	int (*demo)(struct db *db, const struct demo_options *o, char *err, size_t errlen);
	const struct metric *metrics;           /* ended by {NULL} */
	const struct job *jobs;                 /* periodic work, ended by {NULL} */
	/* optional: the module's tiles on the home page (widgets.h home_tile()),
	 * only those the user may see; cheap (the busiest page there is) */
	void (*home)(struct req *r);
};

#define DEMO_E_NOT_EMPTY (-100)

/* The modules, platform first, NULL-ended (app.c). */
extern const struct module *const app_modules[];

/* Hands the modules' record types, sections and observers to the records
 * engine; once per process, before anything uses a record type (main, the
 * server and the tests call it). Safe to call more than once. */
void modules_init(void);

/* Applies every module's pending migrations, in module order, then creates
 * the registers' tables and columns. 0, or -1 with a message in err. */
int modules_migrate(struct db *db, char *err, size_t errlen);

/* The metric of that name offered by any module, or NULL. */
const struct metric *module_metric_find(const char *name);

struct db_stmt;
/* For a metric's shares: runs q (columns unit_id, num, den) and hands each
 * row to share; q NULL is a failed query. 0, or a DB_E_* code. */
int metric_share_rows(struct db_stmt *q, metric_share_fn *share, void *ctx);
/* For a metric's records: runs q (columns id, title, day [, weight]) and
 * hands each row to fn as prefix followed by the id ("/r/honors/" →
 * "/r/honors/12"), weighing the fourth column, or 1 without one. 0, or a
 * DB_E_* code. */
int metric_record_rows(struct req *r, struct db_stmt *q, const char *prefix, metric_record_fn *fn, void *ctx);

#endif
