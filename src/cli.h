/* cli.h — what the subcommands share: the table entry, opening the
 * database from the configuration, and usage errors (exit code 2). */
#ifndef WM_CLI_H
#define WM_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

struct db;

struct command {
	const char *name;
	int (*run)(struct config *cfg, int argc, char **argv); /* argv[0] is the command */
	const char *summary;
	const char *usage; /* full help: wenming help NAME */
};

/* Prints "wenming NAME: msg" and a hint to stderr; returns 2. */
int cli_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens and migrates the configured database; NULL (message printed) on failure. */
struct db *cli_open_db(const struct config *cfg);
/* cli_open_db, after creating the directory of an SQLite file; NULL with
 * *status the exit status (1: the directory, 2: the database) on failure. */
struct db *cli_create_db(const struct config *cfg, const char *name, int *status);
/* Creates the directory that will hold an SQLite file (mkdir -p); 0 or -1. */
int cli_make_parent_dir(const char *path);

/* The commands that run a module's reminders job once ("wenming cases
 * remind [--today YYYY-MM-DD]", rectification, honors): reads the
 * arguments (today in the server's zone unless given), opens the database
 * and calls run, which does the work as of today and writes what it did in
 * one line to done ("3 reminded"); prints it, or the database's error. The
 * exit status: 0, 1 on an error, or a usage error's. */
struct req;
typedef int (*cli_remind_fn)(struct req *r, const struct config *cfg, int64_t today, char *done, size_t len);
int cli_remind(struct config *cfg, const char *name, int argc, char **argv, cli_remind_fn run);

/* Matches --name VALUE and --name=VALUE at argv[*i] (advancing *i past a
 * separate VALUE); *val is NULL when VALUE is missing. 1 on a match. */
int cli_option(int argc, char **argv, int *i, const char *name, const char **val);
/* A whole non-negative decimal number; 0, or -1 for anything else. */
int cli_parse_u64(const char *s, unsigned long long *out);

int cmd_demo(struct config *cfg, int argc, char **argv);
int cmd_user(struct config *cfg, int argc, char **argv);
int cmd_token(struct config *cfg, int argc, char **argv);
int cmd_import(struct config *cfg, int argc, char **argv);

#endif
