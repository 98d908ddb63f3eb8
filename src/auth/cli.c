/* cli.c — `wenming user ...` and `wenming token ...`: account and API token
 * administration from the command line, audited as the actor "cli". */
#include "../cli.h"
#include "../core/arena.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../http/auth.h"
#include "../http/session.h"
#include "password.h"
#include "users.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "cli:USER" for the audit log: who at the terminal did it. */
static const char *actor(void)
{
	static char name[80]; /* written once, single-threaded command */
	struct passwd *pw = getpwuid(getuid());
	snprintf(name, sizeof name, "cli:%s", pw ? pw->pw_name : "?");
	return name;
}

/* Reads one line from stdin into out; 0 or -1. */
static int read_password(char *out, size_t len)
{
	if (!fgets(out, (int)len, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = 0;
	return 0;
}

/* Gets the password for a user: from stdin (checked by the policy) or
 * generated (then printed). Returns 0, or 2 after printing why. */
static int obtain_password(const char *cmd, const char *username, int from_stdin, char *pw, size_t len,
			   int *generated)
{
	*generated = !from_stdin;
	if (!from_stdin) {
		password_generate(pw);
		return 0;
	}
	if (read_password(pw, len))
		return cli_usage_error(cmd, "no password on standard input");
	enum msg_id why = password_policy(username, pw);
	if (why != M_NONE)
		return cli_usage_error(cmd, "password rejected: %s", msg(LANG_EN, why));
	return 0;
}

/* Applies a change inside a transaction with its audit entry. */
static int audited(struct db *db, int64_t uid, const char *action, json_t *before, int rc)
{
	json_t *after = rc ? NULL : user_snapshot(db, uid);
	if (!rc)
		rc = audit_write(db, 0, actor(), "cli", action, "user", uid, before, after);
	json_decref(after);
	json_decref(before);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		fprintf(stderr, "wenming user: %s\n", db_errmsg(db));
		db_rollback(db);
	}
	return rc ? 1 : 0;
}

static int parse_roles(const char *cmd, int argc, char **argv, int start, unsigned *roles, int64_t *unit,
		       int *from_stdin, const char **display)
{
	for (int i = start; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
			int role = role_parse(argv[++i]);
			if (role < 0)
				return cli_usage_error(cmd, "unknown role '%s'", argv[i]);
			*roles |= 1u << role;
		} else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc) {
			char *end;
			*unit = strtoll(argv[++i], &end, 10);
			if (*end || *unit <= 0)
				return cli_usage_error(cmd, "--unit needs a unit id");
		} else if (strcmp(argv[i], "--password-stdin") == 0 && from_stdin) {
			*from_stdin = 1;
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc && display) {
			*display = argv[++i];
		} else if (argv[i][0] != '-' && !display && !from_stdin) {
			int role = role_parse(argv[i]); /* user roles NAME ROLE... */
			if (role < 0)
				return cli_usage_error(cmd, "unknown role '%s'", argv[i]);
			*roles |= 1u << role;
		} else {
			return cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
		}
	}
	return 0;
}

static int user_add(struct db *db, int argc, char **argv)
{
	if (argc < 3)
		return cli_usage_error("user", "user add needs a user name");
	const char *name = argv[2], *display = argv[2];
	unsigned roles = 0;
	int64_t unit = 0;
	int from_stdin = 0, generated;
	int rc = parse_roles("user", argc, argv, 3, &roles, &unit, &from_stdin, &display);
	if (rc)
		return rc;
	enum msg_id why = username_check(name);
	if (why == M_NONE)
		why = display_name_check(display);
	if (why != M_NONE)
		return cli_usage_error("user", "%s", msg(LANG_EN, why));
	if (unit && !db_one_int64(db, 0, "SELECT count(*) FROM units WHERE id = ?", "i", unit))
		return cli_usage_error("user", "no unit with id %lld", (long long)unit);
	if (user_id_by_name(db, name))
		return cli_usage_error("user", "the user name '%s' is taken", name);
	char pw[600], hash[PASSWORD_HASH_MAX];
	if ((rc = obtain_password("user", name, from_stdin, pw, sizeof pw, &generated)))
		return rc;
	if (password_hash(NULL, pw, hash))
		return 1;
	int64_t id = -1;
	rc = db_begin(db);
	if (!rc)
		rc = (id = user_insert(db, name, display, hash)) < 0 ? (int)id : 0;
	if (!rc)
		rc = user_set_roles(db, id, roles ? roles : 1u << ROLE_STAFF, unit);
	if ((rc = audited(db, id, "create", NULL, rc)))
		return rc;
	printf("created user '%s' (id %lld)\n", name, (long long)id);
	if (generated)
		printf("password: %s\n", pw);
	sodium_memzero(pw, sizeof pw);
	return 0;
}

static int user_passwd(struct db *db, int argc, char **argv)
{
	if (argc < 3)
		return cli_usage_error("user", "user passwd needs a user name");
	int64_t uid = user_id_by_name(db, argv[2]);
	if (!uid)
		return cli_usage_error("user", "no user named '%s'", argv[2]);
	int from_stdin = 0, generated;
	if (argc == 4 && strcmp(argv[3], "--password-stdin") == 0)
		from_stdin = 1;
	else if (argc > 3)
		return cli_usage_error("user", "unexpected argument '%s'", argv[3]);
	char pw[600], hash[PASSWORD_HASH_MAX];
	int rc = obtain_password("user", argv[2], from_stdin, pw, sizeof pw, &generated);
	if (rc)
		return rc;
	if (password_hash(NULL, pw, hash))
		return 1;
	rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?", "sii", hash,
			    (int64_t)time(NULL), uid);
	if (!rc)
		rc = session_end_all(db, uid);
	if ((rc = audited(db, uid, "reset_password", NULL, rc)))
		return rc;
	printf("password of '%s' changed; their sessions were ended\n", argv[2]);
	if (generated)
		printf("password: %s\n", pw);
	sodium_memzero(pw, sizeof pw);
	return 0;
}

static int user_list(struct db *db)
{
	struct arena a, row; /* row: the roles of one user, released each row */
	arena_init(&a);
	arena_init(&row);
	struct db_stmt *q = db_query(db, &a, "SELECT u.id, u.username, u.display_name, u.disabled, "
					 "(SELECT count(*) FROM user_roles g WHERE g.user_id = u.id) FROM users u ORDER BY u.username",
				     NULL);
	printf("%-6s %-24s %-10s %s\n", "ID", "USER", "STATUS", "ROLES / NAME");
	while (q && db_step(q) == DB_ROW) {
		int64_t id = db_column_int64(q, 0);
		printf("%-6lld %-24s %-10s ", (long long)id, db_column_text(q, 1),
		       db_column_int64(q, 3) ? "disabled" : "active");
		struct db_stmt *g = db_query(db, &row, "SELECT role, unit_id FROM user_roles WHERE user_id = ? ORDER BY role", "i", id);
		while (g && db_step(g) == DB_ROW) {
			printf("%s", db_column_text(g, 0));
			if (!db_column_isnull(g, 1))
				printf("@%lld", (long long)db_column_int64(g, 1));
			printf(" ");
		}
		arena_reset(&row);
		printf("/ %s\n", db_column_text(q, 2));
	}
	arena_free(&row);
	arena_free(&a);
	return 0;
}

static int user_toggle(struct db *db, int argc, char **argv, int disable)
{
	if (argc != 3)
		return cli_usage_error("user", "user %s needs exactly one user name", argv[1]);
	int64_t uid = user_id_by_name(db, argv[2]);
	if (!uid)
		return cli_usage_error("user", "no user named '%s'", argv[2]);
	json_t *before = user_snapshot(db, uid);
	int rc = db_begin(db);
	if (!rc)
		rc = db_run(db, "UPDATE users SET disabled = ? WHERE id = ?", "Ii", disable, uid);
	if (!rc && disable)
		rc = session_end_all(db, uid);
	if (!rc && disable)
		rc = db_run(db, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", "ii",
			    (int64_t)time(NULL), uid);
	if ((rc = audited(db, uid, disable ? "disable" : "enable", before, rc)))
		return rc;
	printf("%s '%s'\n", disable ? "disabled" : "enabled", argv[2]);
	return 0;
}

static int user_roles(struct db *db, int argc, char **argv)
{
	if (argc < 3)
		return cli_usage_error("user", "user roles needs a user name");
	int64_t uid = user_id_by_name(db, argv[2]);
	if (!uid)
		return cli_usage_error("user", "no user named '%s'", argv[2]);
	if (argc > 3) {
		unsigned roles = 0;
		int64_t unit = 0;
		int rc = parse_roles("user", argc, argv, 3, &roles, &unit, NULL, NULL);
		if (rc)
			return rc;
		if (unit && !db_one_int64(db, 0, "SELECT count(*) FROM units WHERE id = ?", "i", unit))
			return cli_usage_error("user", "no unit with id %lld", (long long)unit);
		json_t *before = user_snapshot(db, uid);
		rc = db_begin(db);
		if (!rc)
			rc = user_set_roles(db, uid, roles, unit);
		if ((rc = audited(db, uid, "update", before, rc)))
			return rc;
	}
	json_t *now = user_snapshot(db, uid);
	char *s = json_dumps(json_object_get(now, "roles"), JSON_COMPACT);
	printf("%s: %s\n", argv[2], s);
	free(s);
	json_decref(now);
	return 0;
}

int cmd_user(struct config *cfg, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("user", "missing action: add, passwd, list, disable, enable or roles");
	const char *a = argv[1];
	if (strcmp(a, "add") && strcmp(a, "passwd") && strcmp(a, "list") && strcmp(a, "disable") &&
	    strcmp(a, "enable") && strcmp(a, "roles"))
		return cli_usage_error("user", "unknown action '%s'", a);
	if (!strcmp(a, "list") && argc > 2)
		return cli_usage_error("user", "unexpected argument '%s'", argv[2]);
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 2;
	int rc;
	if (!strcmp(a, "add"))
		rc = user_add(db, argc, argv);
	else if (!strcmp(a, "passwd"))
		rc = user_passwd(db, argc, argv);
	else if (!strcmp(a, "list"))
		rc = user_list(db);
	else if (!strcmp(a, "roles"))
		rc = user_roles(db, argc, argv);
	else
		rc = user_toggle(db, argc, argv, !strcmp(a, "disable"));
	db_close(db);
	return rc;
}

int cmd_token(struct config *cfg, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("token", "missing action: add, list or revoke");
	const char *a = argv[1];
	if (strcmp(a, "add") && strcmp(a, "list") && strcmp(a, "revoke"))
		return cli_usage_error("token", "unknown action '%s'", a);
	if (!strcmp(a, "add") && (argc != 3 && !(argc == 5 && !strcmp(argv[3], "--name"))))
		return cli_usage_error("token", "usage: token add USER [--name LABEL]");
	if (!strcmp(a, "revoke") && argc != 3)
		return cli_usage_error("token", "usage: token revoke ID");
	if (!strcmp(a, "list") && argc > 3)
		return cli_usage_error("token", "usage: token list [USER]");
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 2;
	int rc = 0;
	if (!strcmp(a, "add")) {
		int64_t uid = db_one_int64(db, 0, "SELECT id FROM users WHERE username = ? AND disabled = 0", "s", argv[2]);
		const char *label = argc == 5 ? argv[4] : "cli";
		if (!uid) {
			rc = cli_usage_error("token", "no active user named '%s'", argv[2]);
		} else if (display_name_check(label) != M_NONE) {
			rc = cli_usage_error("token", "the label must be 1–60 printable characters");
		} else {
			int64_t tid = 0;
			char *tok = NULL;
			int r2 = db_begin(db);
			if (!r2)
				r2 = (tok = api_token_create(db, uid, label, &tid)) ? 0 : DB_ERR;
			json_t *after = json_pack("{s:s, s:s}", "user", argv[2], "name", label);
			if (!r2)
				r2 = audit_write(db, 0, actor(), "cli", "create", "api_token", tid, NULL, after);
			json_decref(after);
			if (!r2)
				r2 = db_commit(db);
			if (r2) {
				db_rollback(db);
				fprintf(stderr, "wenming token: %s\n", db_errmsg(db));
				rc = 1;
			} else {
				fprintf(stderr, "token %lld for '%s' (shown once; keep it secret):\n", (long long)tid, argv[2]);
				printf("%s\n", tok);
			}
			free(tok);
		}
	} else if (!strcmp(a, "list")) {
		struct arena qa;
		arena_init(&qa);
		struct db_stmt *q = db_query(db, &qa,
					     "SELECT t.id, u.username, t.name, t.created_at, t.last_used_at, t.revoked_at "
					     "FROM api_tokens t JOIN users u ON u.id = t.user_id "
					     "WHERE CAST(? AS TEXT) IS NULL OR u.username = ? ORDER BY t.id",
					     "ss", argc == 3 ? argv[2] : NULL, argc == 3 ? argv[2] : NULL);
		printf("%-6s %-20s %-20s %-12s %s\n", "ID", "USER", "NAME", "STATUS", "LAST USED");
		while (q && db_step(q) == DB_ROW) {
			char used[32] = "never";
			if (!db_column_isnull(q, 4)) {
				time_t t = (time_t)db_column_int64(q, 4);
				strftime(used, sizeof used, "%Y-%m-%d %H:%M", localtime(&t));
			}
			printf("%-6lld %-20s %-20s %-12s %s\n", (long long)db_column_int64(q, 0), db_column_text(q, 1),
			       db_column_text(q, 2), db_column_isnull(q, 5) ? "active" : "revoked", used);
		}
		arena_free(&qa);
	} else {
		char *end;
		long long id = strtoll(argv[2], &end, 10);
		if (*end || id <= 0) {
			rc = cli_usage_error("token", "'%s' is not a token id", argv[2]);
		} else if (!db_one_int64(db, 0, "SELECT count(*) FROM api_tokens WHERE id = ? AND revoked_at IS NULL",
					 "i", (int64_t)id)) {
			rc = cli_usage_error("token", "no active token with id %lld", id);
		} else {
			int r2 = db_begin(db);
			if (!r2)
				r2 = db_run(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", "ii", (int64_t)time(NULL),
					    (int64_t)id);
			if (!r2)
				r2 = audit_write(db, 0, actor(), "cli", "revoke", "api_token", id, NULL, NULL);
			if (!r2)
				r2 = db_commit(db);
			if (r2) {
				db_rollback(db);
				rc = 1;
			} else {
				printf("revoked token %lld\n", id);
			}
		}
	}
	db_close(db);
	return rc;
}
