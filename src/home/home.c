/* home.c — the signed-in home page: a calm overview of what the system
 * holds, with a tile per figure the user is allowed to see: the
 * platform's, then each module's (struct module's home). */
#include "../core/cache.h"
#include "../db/db.h"
#include "../module.h"
#include "../http/audit.h"
#include "../records/record.h"
#include "../web/widgets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int home_page(struct req *r)
{
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	page_begin(r, T(r, M_nav_home), NULL, 0);
	page_heading(r, T(r, M_welcome), NULL);
	html(r, "<p class=\"lead\">");
	html(r, T(r, M_welcome_user), r->user->display_name);
	html(r, "</p><div class=\"tiles\">");
	/* the busiest page there is: the counts over units and the audit change
	 * only with the data, so they are cached for its generation (and the
	 * minute, for "changes in the last 24 hours"); sessions are not audited */
	int64_t now = time(NULL), n[4] = {0};
	n[1] = db_one_int64(db, 0, "SELECT count(*) FROM sessions WHERE last_seen > ?", "i",
			    now - r->app->cfg->session_idle);
	int64_t gen = audit_data_gen(db);
	/* the units count covers the user's scope: the key names the user */
	const char *key = arena_printf(r->a, "home|%lld|%lld", (long long)r->user->id, (long long)(now / 60));
	const struct record_type *units = record_type_find(RECORD_UNITS);
	int see_units = record_type_may(r, units, ACC_READ);
	struct buf hit;
	buf_init(&hit, r->a);
	if (cache_get(req_cache(r), key, gen, &hit)) {
		sscanf(hit.p, "%lld %lld %lld", (long long *)&n[0], (long long *)&n[2], (long long *)&n[3]);
	} else {
		struct kvlist b = {0};
		const char *scope = see_units ? record_scope_sql(r, units, "t", &b) : " AND 0 = 1";
		struct db_stmt *q = db_prepare(
			db, r->a, arena_printf(r->a,
					 "SELECT (SELECT count(*) FROM users WHERE disabled = 0),"
					 " (SELECT count(*) FROM units t WHERE t.active = 1 AND t.archived = 0%s),"
					 " (SELECT count(*) FROM audit WHERE at > ?)",
					 scope));
		for (size_t k = 0; q && k < b.n; k++)
			db_bind_int64(q, (int)k + 1, strtoll(b.v[k].value, NULL, 10));
		if (q)
			db_bind_int64(q, (int)b.n + 1, now - 86400);
		int ok = q && db_step(q) == DB_ROW;
		for (int i = 0; ok && i < 3; i++)
			n[i ? i + 1 : 0] = db_column_int64(q, i);
		db_reset(q);
		const char *v = arena_printf(r->a, "%lld %lld %lld", (long long)n[0], (long long)n[2], (long long)n[3]);
		if (ok)
			cache_put(req_cache(r), key, gen, v, strlen(v));
	}
	if (user_can(r->user, P_USERS)) {
		home_tile(r, "/admin/users", M_tile_users, n[0], M_tile_users_note, 0);
		home_tile(r, "/admin/users", M_tile_sessions, n[1], M_tile_sessions_note, 0);
	}
	if (see_units)
		home_tile(r, "/r/units", M_tile_units, n[2], M_tile_units_note, 0);
	if (user_can(r->user, P_AUDIT))
		home_tile(r, "/admin/audit", M_tile_changes, n[3], M_tile_changes_note, 0);
	for (const struct module *const *m = app_modules; *m; m++)
		if ((*m)->home)
			(*m)->home(r);
	html(r, "</div>");
	page_end(r);
	return 0;
}

static int me_json(struct req *r)
{
	req_json_begin(r, 200);
	buf_printf(&r->out, "{\"data\":{\"id\":%lld,\"username\":", (long long)r->user->id);
	buf_json_str(&r->out, r->user->username);
	buf_puts(&r->out, ",\"display_name\":");
	buf_json_str(&r->out, r->user->display_name);
	buf_puts(&r->out, ",\"language\":");
	buf_json_str(&r->out, lang_code(r->lang));
	buf_puts(&r->out, ",\"roles\":[");
	for (int i = 0; i < r->user->ngrants; i++) {
		buf_printf(&r->out, "%s{\"role\":", i ? "," : "");
		buf_json_str(&r->out, role_name(r->user->grants[i].role));
		if (r->user->grants[i].unit_id)
			buf_printf(&r->out, ",\"unit_id\":%lld}", (long long)r->user->grants[i].unit_id);
		else
			buf_puts(&r->out, ",\"unit_id\":null}");
	}
	buf_puts(&r->out, "]}}\n");
	return 0;
}

const struct route home_routes[] = {
	{"GET", "/", home_page, P_SIGNED_IN, 0, NULL},
	{"GET", "/api/v1/me", me_json, P_SIGNED_IN, 0, NULL},
	{NULL, NULL, NULL, 0, 0, NULL},
};
