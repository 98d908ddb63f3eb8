/* main.c — the subcommand table and dispatch. Every subcommand takes the
 * settings as --flags (see `wenming config`), including --db URL. Exit codes:
 * 0 success, 1 a failure while working, 2 a usage or configuration error. */
#include "module.h"
#include "auth/password.h"
#include "auth/users.h"
#include "core/log.h"
#include "db/db.h"
#include "http/audit.h"
#include "search/search.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmd_serve(struct config *cfg, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[1]);
	struct app app;
	char err[512];
	if (app_init(&app, cfg, err, sizeof err)) {
		fprintf(stderr, "wenming: %s\n", err);
		app_free(&app);
		return 2;
	}
	int rc = server_run(&app);
	app_free(&app);
	return rc;
}

static int cmd_migrate(struct config *cfg, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("migrate", "unexpected argument '%s'", argv[1]);
	char err[512];
	struct db *db = db_open(cfg->db, err, sizeof err);
	if (!db) {
		fprintf(stderr, "wenming: %s\n", err);
		return 2;
	}
	int before[64] = {0}, n = 0;
	for (const struct module *const *m = app_modules; *m && n < 64; m++, n++)
		before[n] = (*m)->migrations ? db_schema_version(db, (*m)->name) : 0;
	int rc = modules_migrate(db, err, sizeof err);
	if (rc)
		fprintf(stderr, "wenming: %s\n", err);
	n = 0;
	for (const struct module *const *m = app_modules; !rc && *m && n < 64; m++, n++)
		if ((*m)->migrations)
			printf("%-12s schema version %d (was %d; this wenming knows up to %d)\n", (*m)->name,
			       db_schema_version(db, (*m)->name), before[n], db_latest_version((*m)->migrations));
	db_close(db);
	return rc ? 2 : 0;
}

/* "platform 7, cases 3" (static buffer of the caller). */
static const char *versions(struct db *db, char *out, size_t len)
{
	size_t n = 0;
	out[0] = 0;
	for (const struct module *const *m = app_modules; *m; m++)
		if ((*m)->migrations && n < len)
			n += (size_t)snprintf(out + n, len - n, "%s%s %d", n ? ", " : "", (*m)->name,
					      db ? db_schema_version(db, (*m)->name) : db_latest_version((*m)->migrations));
	return out;
}

/* Writes the password to a file only its owner can read. */
static int write_secret_file(const char *path, const char *text)
{
	if (cli_make_parent_dir(path))
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	fchmod(fd, 0600);
	size_t n = strlen(text);
	int ok = write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

static int cmd_init(struct config *cfg, int argc, char **argv)
{
	if (argc > 1) /* --password-file is a setting, taken by config_load */
		return cli_usage_error("init", "unexpected argument '%s'", argv[1]);
	int status;
	struct db *db = cli_create_db(cfg, "init", &status);
	if (!db)
		return status;
	if (user_id_by_name(db, "admin")) {
		char v[256];
		printf("already initialised: the account 'admin' exists (schema: %s)\n", versions(db, v, sizeof v));
		db_close(db);
		return 0;
	}
	char pw[32], hash[PASSWORD_HASH_MAX];
	password_generate(pw);
	if (password_hash(NULL, pw, hash)) {
		fprintf(stderr, "wenming: cannot hash the password (out of memory?)\n");
		db_close(db);
		return 1;
	}
	int64_t id = -1;
	int rc = db_begin(db);
	if (!rc)
		rc = (id = user_insert(db, "admin", "系統管理員", hash)) < 0 ? (int)id : 0;
	if (!rc)
		rc = user_set_roles(db, id, 1u << ROLE_ADMIN, 0);
	json_t *after = rc ? NULL : user_snapshot(db, id);
	if (!rc)
		rc = audit_write(db, 0, "system", "cli", "create", "user", id, NULL, after);
	json_decref(after);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		fprintf(stderr, "wenming: cannot create the admin account: %s\n", db_errmsg(db));
		db_rollback(db);
		db_close(db);
		return 1;
	}
	db_close(db);
	if (write_secret_file(cfg->password_file, pw))
		fprintf(stderr, "wenming: warning: cannot write %s: %s\n", cfg->password_file, strerror(errno));
	char v[256];
	printf("initialised %s (schema: %s)\n", cfg->db, versions(NULL, v, sizeof v));
	printf("sign in as 'admin' with the password: %s\n", pw);
	printf("(also written to %s, readable only by you; it is not shown again)\n", cfg->password_file);
	sodium_memzero(pw, sizeof pw);
	return 0;
}

static int cmd_backup(struct config *cfg, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error("backup", "expected one argument: the file to write");
	if (strncmp(cfg->db, "sqlite:", 7) != 0) {
		fprintf(stderr, "wenming backup: the database is PostgreSQL; back it up with pg_dump, e.g.\n"
				"  pg_dump --format=custom --file=%s '%s'\n"
				"and restore with pg_restore. See README.md, 'Backups'.\n",
			argv[1], cfg->db);
		return 2;
	}
	if (access(argv[1], F_OK) == 0)
		return cli_usage_error("backup", "%s exists already; choose a new file name", argv[1]);
	char err[512];
	if (db_sqlite_backup(cfg->db, argv[1], err, sizeof err)) {
		fprintf(stderr, "wenming backup: %s\n", err);
		unlink(argv[1]);
		return 1;
	}
	printf("backed up %s to %s\n", cfg->db + 7, argv[1]);
	return 0;
}

static void print_line(const char *line, void *ctx)
{
	(void)ctx;
	puts(line);
}

static int cmd_config(struct config *cfg, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("config", "unexpected argument '%s'", argv[1]);
	printf("%-18s %-32s %-8s %s\n", "SETTING", "VALUE", "SOURCE", "MEANING");
	config_print(cfg, print_line, NULL);
	printf("\nconfig file: %s\n", cfg->file ? cfg->file : "(none; ./wenming.conf is read when present)");
	printf("precedence: defaults < wenming.conf < WENMING_* environment < --flags\n");
	return 0;
}

static int cmd_version(struct config *cfg, int argc, char **argv)
{
	(void)cfg;
	if (argc > 1)
		return cli_usage_error("version", "unexpected argument '%s'", argv[1]);
	char v[256];
	printf("wenming %s (schema: %s)\n", WENMING_VERSION, versions(NULL, v, sizeof v));
	return 0;
}

static int cmd_help(struct config *cfg, int argc, char **argv);

static const struct command commands[] = {
	{"serve", cmd_serve, "serve the web application",
	 "usage: wenming serve [--listen HOST:PORT] [--db URL] [--threads N] ...\n"
	 "Applies pending migrations, then serves until SIGTERM or SIGINT, when it\n"
	 "stops accepting, finishes the requests in flight and exits 0."},
	{"init", cmd_init, "create the database and the first admin account",
	 "usage: wenming init [--db URL] [--password-file FILE]\n"
	 "Creates the schema and the account 'admin' with a generated password, which\n"
	 "is printed once and written to FILE (mode 0600). Does nothing when 'admin'\n"
	 "exists already."},
	{"migrate", cmd_migrate, "apply pending schema migrations",
	 "usage: wenming migrate [--db URL]\nApplies the migrations compiled into this binary, each in a transaction."},
	{"demo", cmd_demo, "load the demo bureau into an empty database",
	 "usage: wenming demo [--db URL] [--people N] [--seed N] [--no-search-index]\n"
	 "Loads every module's demo data, in the order of the modules: the bureau of the\n"
	 "reference experience report (13 secondary units with departments, windows and\n"
	 "posts, leadership groups, at least 500 staff of whom 358 party members, 314\n"
	 "certified law-enforcement officers and 106 mid-level professionals, 20 conduct\n"
	 "supervisors), then what each later module adds. Refuses a database that already\n"
	 "has units or people. --people N: 500 to 1000000 active staff (default 520)."},
	{"backup", cmd_backup, "copy the SQLite database to a file while it runs",
	 "usage: wenming backup FILE [--db sqlite:PATH]\n"
	 "Uses SQLite's online backup; the server may keep running. For PostgreSQL it\n"
	 "explains how to use pg_dump."},
	{"config", cmd_config, "list settings with their values and sources",
	 "usage: wenming config [--config FILE] [--SETTING VALUE]...\n"
	 "Each setting can come from wenming.conf (name = value), a WENMING_NAME\n"
	 "environment variable or a --name flag, in increasing precedence."},
	{"version", cmd_version, "print the version", "usage: wenming version"},
	{"help", cmd_help, "show help for a command", "usage: wenming help [COMMAND]"},
	{NULL, NULL, NULL, NULL},
};

/* The program's own commands, then each module's (collect_commands). */
#define MAX_COMMANDS 128
static const struct command *all_commands[MAX_COMMANDS];
static size_t ncommands;

static void collect_commands(void)
{
	for (const struct command *c = commands; c->name; c++)
		all_commands[ncommands++] = c;
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct command *c = (*m)->commands; c && c->name && ncommands < MAX_COMMANDS; c++)
			all_commands[ncommands++] = c;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(all_commands[i]->name, name) == 0)
			return all_commands[i];
	return NULL;
}

static int cmd_help(struct config *cfg, int argc, char **argv)
{
	(void)cfg;
	if (argc > 2)
		return cli_usage_error("help", "expected at most one command name");
	if (argc == 2) {
		const struct command *c = find_command(argv[1]);
		if (!c)
			return cli_usage_error("help", "unknown command '%s'", argv[1]);
		printf("wenming %s — %s\n\n%s\n\nEvery command accepts --db URL, --config FILE and the other settings\n"
		       "as --flags; see 'wenming config'.\n",
		       c->name, c->summary, c->usage);
		return 0;
	}
	printf("wenming — civility campaign management (文明創建管理系統)\n\nusage: wenming COMMAND [OPTIONS]\n\n"
	       "commands:\n");
	for (size_t i = 0; i < ncommands; i++)
		printf("  %-15s %s\n", all_commands[i]->name, all_commands[i]->summary);
	printf("\n'wenming help COMMAND' for details; 'wenming config' for the settings.\n");
	return 0;
}

int main(int argc, char **argv)
{
	modules_init();
	collect_commands();
	if (argc < 2) {
		fprintf(stderr, "usage: wenming COMMAND [OPTIONS]\n'wenming help' lists the commands.\n");
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(NULL, 1, argv);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(NULL, 1, argv);
	const struct command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "wenming: unknown command '%s'. Run 'wenming help' for the list.\n", argv[1]);
		return 2;
	}
	/* the settings parser sees the command's arguments, not the command */
	int n = argc - 1;
	char **args = argv + 1;
	for (int i = 1; i < n; i++)
		if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0) {
			char *h[] = {"help", (char *)c->name, NULL};
			return cmd_help(NULL, 2, h);
		}
	struct config cfg;
	char err[512];
	if (config_load(&cfg, &n, args, err, sizeof err)) {
		fprintf(stderr, "wenming %s: %s\n", c->name, err);
		config_free(&cfg);
		return 2;
	}
	log_set_level((enum log_level)cfg.log_level);
	if (sodium_init() < 0) {
		fprintf(stderr, "wenming: libsodium failed to initialise\n");
		return 1;
	}
	int rc = c->run(&cfg, n, args);
	config_free(&cfg);
	return rc;
}
