/* cli.h — what the subcommands share: the table entry, opening the
 * database from the configuration, and usage errors (exit code 2). */
#ifndef WM_CLI_H
#define WM_CLI_H

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

/* Reads "remind [--today YYYY-MM-DD]", the arguments of the commands that
 * run a module's deadlines job once (wenming cases, wenming rectification):
 * 0 with *today (today in the server's zone unless given), or the exit
 * status of a usage error (printed). */
int cli_remind_args(const char *name, int argc, char **argv, int64_t *today);

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
