/* app.c — the composition root: the one list of modules, handed part by
 * part to the engines that take them (record types, sections and
 * observers to the records engine, routes to the router, navigation to the
 * layout, migrations to the database); which files are served as assets;
 * and the start-up that loads the server secret and migrates the database.
 * No other file names a module. */
#include "module.h"
#include "activities/activities.h"
#include "core/cache.h"
#include "core/log.h"
#include "db/db.h"
#include "appraisal/appraisal.h"
#include "assessment/assessment.h"
#include "cases/cases.h"
#include "inspections/inspections.h"
#include "learning/learning.h"
#include "honors/honors.h"
#include "db/writer.h"
#include "org/org.h"
#include "platform/inbox.h"
#include "rectification/rect.h"
#include "web/layout.h"

#include <pthread.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef WENMING_VERSION
#define WENMING_VERSION "0.1.0"
#endif

/* One line per module, in dependency order: a module comes after the
 * modules whose tables and registers it uses. */
const struct module *const app_modules[] = {
	&platform_module,
	&org_module,
	&cases_module,
	&inspections_module,
	&appraisal_module,
	&rectification_module,
	&learning_module,
	&honors_module,
	&activities_module,
	&assessment_module,
	NULL,
};

static void register_modules(void)
{
	for (const struct module *const *m = app_modules; *m; m++) {
		for (const struct record_type *const *t = (*m)->types; t && *t; t++)
			records_register_type(*t);
		for (const struct record_section *s = (*m)->sections; s && s->type; s++)
			records_register_section(s);
		for (const struct record_observer *const *o = (*m)->observers; o && *o; o++)
			records_register_observer(*o);
	}
}

void modules_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_modules);
}

/* The secret that signs CSRF tokens and keys the search index's hashes of
 * ID numbers lives in the database, so that every process behind a proxy
 * and every command shares it. Created on first use: the first migration
 * of a database. 0, or -1. */
static int server_secret(struct db *db, unsigned char out[32])
{
	struct arena a;
	arena_init(&a);
	char *hex = db_one_text(db, &a, "SELECT value FROM meta WHERE key = 'secret'", NULL);
	if (!hex) {
		unsigned char s[32];
		char h[65];
		randombytes_buf(s, sizeof s);
		sodium_bin2hex(h, sizeof h, s, sizeof s);
		db_run(db, "INSERT INTO meta (key, value) VALUES ('secret', ?) ON CONFLICT (key) DO NOTHING", "s", h);
		hex = db_one_text(db, &a, "SELECT value FROM meta WHERE key = 'secret'", NULL);
	}
	size_t len = 0;
	int rc = !hex || sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &len, NULL) || len != 32;
	arena_free(&a);
	return rc ? -1 : 0;
}

int modules_migrate(struct db *db, char *err, size_t errlen)
{
	modules_init();
	for (const struct module *const *m = app_modules; *m; m++)
		if ((*m)->migrations && db_migrate(db, (*m)->name, (*m)->migrations, err, errlen))
			return -1;
	unsigned char secret[32];
	if (server_secret(db, secret)) {
		snprintf(err, errlen, "cannot read or create the server secret: %s", db_errmsg(db));
		return -1;
	}
	sodium_memzero(secret, sizeof secret);
	return records_sync_schema(db, err, errlen);
}

const struct metric *module_metric_find(const char *name)
{
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct metric *x = (*m)->metrics; x && x->name; x++)
			if (strcmp(x->name, name) == 0)
				return x;
	return NULL;
}

static const char *content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".svg", "image/svg+xml"},           {".png", "image/png"},
		{".woff2", "font/woff2"},            {".ico", "image/x-icon"},
		{".json", "application/json"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static void collect_assets(struct app *app)
{
	app->assets = calloc(embed_count, sizeof *app->assets);
	for (size_t i = 0; i < embed_count; i++) {
		const struct embed_file *f = &embed_files[i];
		if (strncmp(f->name, "assets/", 7) != 0)
			continue;
		struct asset *a = &app->assets[app->nassets++];
		size_t n = strlen(f->name) + 2;
		char *url = malloc(n);
		snprintf(url, n, "/static/%s", f->name + 7);
		a->url = url;
		a->file = f;
		a->ctype = content_type(f->name);
		unsigned char h[8];
		crypto_generichash(h, sizeof h, f->data, f->len, NULL, 0);
		sodium_bin2hex(a->etag, sizeof a->etag, h, sizeof h);
	}
}

static void collect_routes(struct app *app)
{
	size_t n = 0;
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct route *const *t = (*m)->routes; t && *t; t++)
			for (const struct route *r = *t; r->method; r++)
				n++;
	app->routes = calloc(n, sizeof *app->routes);
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct route *const *t = (*m)->routes; t && *t; t++)
			for (const struct route *r = *t; r->method; r++)
				app->routes[app->nroutes++] = *r;
	app->metrics.routes = calloc(n + 1, sizeof *app->metrics.routes);
}

static int record_nav_visible(struct req *r, const void *ctx)
{
	return record_type_may(r, ctx, ACC_READ);
}

static int nav_cmp(const void *a, const void *b)
{
	const struct nav_item *x = a, *y = b;
	return (x->order > y->order) - (x->order < y->order);
}

/* The modules' entries and one per record type with an icon, by order. */
static void collect_nav(struct app *app)
{
	size_t n = (size_t)record_ntypes;
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct nav_item *i = (*m)->nav; i && i->path; i++)
			n++;
	app->nav = calloc(n, sizeof *app->nav);
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct nav_item *i = (*m)->nav; i && i->path; i++)
			app->nav[app->nnav++] = *i;
	for (int k = 0; k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		if (!t->icon)
			continue;
		char *path = malloc(strlen(t->name) + 4);
		sprintf(path, "/r/%s", t->name);
		app->nav[app->nnav++] = (struct nav_item){.path = path,
							  .label = t->many,
							  .perm = P_SIGNED_IN,
							  .icon = t->icon,
							  .visible = record_nav_visible,
							  .ctx = t,
							  .order = t->nav_order};
	}
	qsort(app->nav, app->nnav, sizeof *app->nav, nav_cmp);
}

/* Every module's periodic jobs, NULL-ended. */
static void collect_jobs(struct app *app)
{
	size_t n = 1;
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct job *j = (*m)->jobs; j && j->name; j++)
			n++;
	const struct job **v = calloc(n, sizeof *v);
	n = 0;
	for (const struct module *const *m = app_modules; *m; m++)
		for (const struct job *j = (*m)->jobs; j && j->name; j++)
			v[n++] = j;
	app->jobs = v;
}

int app_init(struct app *app, const struct config *cfg, char *err, size_t errlen)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	app->version = WENMING_VERSION;
	app->started_at = time(NULL);
	app->render_error = layout_render_error;
	app->unread_count = inbox_unread_count;
	app->background_start = mail_start;
	app->background_stop = mail_stop;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return -1;
	}
	sem_init(&app->hash_sem, 0, (unsigned)cfg->hash_concurrency);
	app->cache = cfg->cache_size ? cache_new((size_t)cfg->cache_size) : NULL;
	/* SQLite: one connection per worker thread, as cheap as they come;
	 * PostgreSQL: db_pool, since each connection is a server process */
	int pool = strncmp(cfg->db, "sqlite:", 7) == 0 ? cfg->threads : cfg->db_pool;
	app->pool = db_pool_open(cfg->db, pool, err, errlen);
	if (!app->pool)
		return -1;
	struct db *db = db_pool_get(app->pool);
	int rc = db ? modules_migrate(db, err, errlen) : -1;
	if (!rc && server_secret(db, app->secret)) {
		snprintf(err, errlen, "cannot read the server secret from the database: %s", db_errmsg(db));
		rc = -1;
	}
	if (db)
		db_pool_put(app->pool, db);
	if (rc)
		return -1;
	/* after the migrations: the writer's jobs need the schema */
	app->writer = db_writer_open(cfg->db, 0, err, errlen);
	if (!app->writer)
		return -1;
	collect_routes(app);
	collect_assets(app);
	collect_nav(app);
	collect_jobs(app);
	if (strcmp(cfg->access_log, "off") == 0) {
		app->access_log = NULL;
	} else if (strcmp(cfg->access_log, "-") == 0) {
		app->access_log = stderr;
	} else {
		app->access_log = fopen(cfg->access_log, "a");
		if (!app->access_log) {
			snprintf(err, errlen, "access_log: cannot open %s", cfg->access_log);
			return -1;
		}
		setvbuf(app->access_log, NULL, _IOLBF, 0);
	}
	return 0;
}

void app_free(struct app *app)
{
	/* after server_run: no request is left to submit; jobs queued finish */
	db_writer_close(app->writer);
	db_pool_close(app->pool);
	if (app->access_log && app->access_log != stderr)
		fclose(app->access_log);
	for (size_t i = 0; i < app->nassets; i++)
		free((char *)app->assets[i].url);
	free(app->assets);
	for (size_t i = 0; i < app->nnav; i++)
		if (app->nav[i].visible == record_nav_visible)
			free((char *)app->nav[i].path);
	free(app->nav);
	free((void *)app->jobs);
	free(app->routes);
	free(app->metrics.routes);
	cache_free(app->cache);
	sem_destroy(&app->hash_sem);
}
