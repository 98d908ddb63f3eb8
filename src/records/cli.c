/* cli.c — `wenming import TYPE FILE`: the same import as the browser's,
 * from the command line, with a progress bar on stderr. It acts as a named
 * user (--as, default admin) so that scopes and the audit entry are right. */
#include "import.h"
#include "../cli.h"
#include "../db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct bar {
	time_t start;
	int tty;
};

static void progress(size_t done, size_t total, void *ctx)
{
	struct bar *b = ctx;
	if (!total)
		return;
	int width = 40, fill = (int)((double)done / (double)total * width);
	double secs = difftime(time(NULL), b->start);
	if (b->tty || done == total) {
		fprintf(stderr, "\r[%.*s%*s] %zu/%zu rows %3d%%  %.0fs", fill,
			"########################################", width - fill, "", done, total,
			(int)(done * 100 / total), secs);
		if (done == total)
			fputc('\n', stderr);
	}
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size > (off_t)2 << 30) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	char *p = malloc((size_t)st.st_size + 1);
	*len = fread(p, 1, (size_t)st.st_size, f);
	fclose(f);
	p[*len] = 0;
	return p;
}

int cmd_import(struct config *cfg, int argc, char **argv)
{
	const char *as = "admin", *type = NULL, *file = NULL;
	int check_only = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--as") && i + 1 < argc)
			as = argv[++i];
		else if (!strcmp(argv[i], "--check"))
			check_only = 1;
		else if (argv[i][0] == '-')
			return cli_usage_error("import", "unknown option '%s'", argv[i]);
		else if (!type)
			type = argv[i];
		else if (!file)
			file = argv[i];
		else
			return cli_usage_error("import", "unexpected argument '%s'", argv[i]);
	}
	if (!type || !file)
		return cli_usage_error("import", "expected a record type and a file");
	const struct record_type *t = record_type_find(type);
	if (!t) {
		fprintf(stderr, "wenming import: unknown record type '%s'; one of:", type);
		for (int i = 0; i < record_ntypes; i++)
			fprintf(stderr, " %s", record_types[i]->name);
		fputc('\n', stderr);
		return 2;
	}
	size_t len = 0;
	char *data = read_file(file, &len);
	if (!data) {
		fprintf(stderr, "wenming import: cannot read %s: %s\n", file, strerror(errno));
		return 2;
	}
	struct db *db = cli_open_db(cfg);
	if (!db) {
		free(data);
		return 2;
	}
	struct arena a;
	arena_init(&a);
	struct req r;
	req_init_cli(&r, &a, db, LANG_EN);
	struct user u;
	memset(&u, 0, sizeof u);
	u.id = db_one_int64(db, 0, "SELECT id FROM users WHERE username = ? AND disabled = 0", "s", as);
	u.username = as;
	u.display_name = as;
	int rc = 0;
	if (!u.id || user_load_grants(db, &u)) {
		rc = cli_usage_error("import", "no active user named '%s' (use --as USER)", as);
	} else {
		r.user = &u;
		if (!record_type_may(&r, t, ACC_WRITE)) {
			rc = cli_usage_error("import", "'%s' may not add %s", as, t->name);
		} else {
			struct bar b = {time(NULL), isatty(2)};
			struct import_result res;
			const char *slash = strrchr(file, '/');
			int bad = records_import(&r, t, data, len, slash ? slash + 1 : file, !check_only, &res, progress, &b);
			if (res.file_error != M_NONE) {
				fprintf(stderr, "wenming import: %s%s%s\n", msg(LANG_EN, res.file_error),
					res.file_detail ? ": " : "", res.file_detail ? res.file_detail : "");
				rc = 1;
			} else if (bad) {
				for (size_t i = 0; i < res.listed; i++)
					fprintf(stderr, "row %zu, %s '%s': %s\n", res.errs[i].row,
						res.errs[i].column ? res.errs[i].column : "", res.errs[i].value ? res.errs[i].value : "",
						msg(LANG_EN, res.errs[i].why));
				fprintf(stderr, "wenming import: %zu problems in %zu rows; nothing was imported\n", res.nerrs, res.rows);
				rc = 1;
			} else if (check_only) {
				printf("%zu rows are fine (encoding %s); nothing imported (--check)\n", res.rows,
				       res.encoding ? res.encoding : "?");
			} else {
				printf("imported %zu rows into %s (ids %lld–%lld) in %.0f s\n", res.rows, t->name,
				       (long long)res.first_id, (long long)res.last_id, difftime(time(NULL), b.start));
			}
		}
	}
	arena_free(&a);
	db_close(db);
	free(data);
	return rc;
}
