/* unit_picker.c — choosing a unit: every form, filter and page that asks
 * for one uses this picker, so a tree of 10,000 units is chosen the same
 * way everywhere.
 *
 * A <select> cannot hold 10,000 units: it offers the top two levels of the
 * tree and, around the chosen unit, its ancestors and children, indented
 * and within the user's scope (or every unit, for a user administrator
 * choosing a scope). Beside it a search box (assets/app.js) asks the units
 * API for any unit by code or name, in either script, and puts the matches
 * in the select; without scripts the parent's children are one choice
 * away. */
#include "record.h"
#include "../core/cache.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../http/audit.h"
#include "../web/layout.h"

#include <stdlib.h>
#include <string.h>

/* The options, from the database. */
static void unit_options(struct req *r, int64_t chosen, int scoped)
{
	struct db *db = req_db(r);
	struct kvlist b = {0};
	const char *scope = scoped ? record_scope_sql(r, record_type_find(RECORD_UNITS), "t", &b) : "";
	/* the tops of the user's scopes and their children too: a unit_admin
	 * deep in the tree starts from their own unit, not the bureau's top */
	struct buf roots;
	buf_init(&roots, r->a);
	int nroots = 0;
	for (int i = 0; scoped && r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].unit_id)
			buf_puts(&roots, nroots++ ? ", ?" : "?");
	struct db_stmt *s = db_prepare(
		db, r->a, arena_printf(r->a,
				 "SELECT t.id, t.code, t.name, length(t.path) - length(replace(t.path, '/', '')) FROM units t "
				 "WHERE t.archived = 0 AND t.id IN ("
				 "SELECT id FROM units WHERE parent_id IS NULL "
				 "UNION SELECT c.id FROM units c JOIN units p ON c.parent_id = p.id WHERE p.parent_id IS NULL "
				 "UNION SELECT id FROM units WHERE parent_id = ? "
				 "UNION SELECT ancestor_id FROM unit_tree WHERE unit_id = ?%s%s%s%s%s)"
				 "%s ORDER BY t.path LIMIT 1000",
				 nroots ? " UNION SELECT id FROM units WHERE id IN (" : "", nroots ? roots.p : "",
				 nroots ? ") UNION SELECT id FROM units WHERE parent_id IN (" : "", nroots ? roots.p : "",
				 nroots ? ")" : "", scope));
	int k = 1;
	db_bind_int64(s, k++, chosen);
	db_bind_int64(s, k++, chosen);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; nroots && i < r->user->ngrants; i++)
			if (r->user->grants[i].unit_id)
				db_bind_int64(s, k++, r->user->grants[i].unit_id);
	for (size_t j = 0; j < b.n; j++)
		db_bind_int64(s, k++, strtoll(b.v[j].value, NULL, 10));
	while (db_step(s) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		html(r, "<option value=\"%D\"%H>", id, id == chosen ? MARKUP(" selected") : NULL);
		for (int d = 0; d < (int)db_column_int64(s, 3) - 2 && d < 8; d++)
			html(r, "　");
		html(r, "%s %s</option>", db_column_text(s, 1), db_column_text(s, 2));
	}
}

void unit_picker(struct req *r, const char *id, const char *name, const char *cur, int scoped, enum msg_id none,
		 const struct markup *attrs)
{
	int64_t chosen = cur && *cur ? strtoll(cur, NULL, 10) : 0;
	html(r, "<span class=\"unit-picker\"><input type=\"search\" class=\"unit-find\" data-for=\"%a\" "
		"placeholder=\"%a\" aria-label=\"%a\" hidden><select id=\"%a\" name=\"%a\"%H><option value=\"\">%s</option>",
	     id, T(r, M_unit_find), T(r, M_unit_find), id, name, attrs, none != M_NONE ? T(r, none) : "—");
	/* the same for every page with the same scope and chosen unit until
	 * the data changes: cached for the generation */
	struct kvlist b = {0};
	const char *scope = scoped ? record_scope_sql(r, record_type_find(RECORD_UNITS), "t", &b) : "";
	struct buf key;
	buf_init(&key, r->a);
	buf_printf(&key, "unit-options|%lld|%s", (long long)chosen, scope);
	for (size_t k = 0; k < b.n; k++)
		buf_printf(&key, "|%s", b.v[k].value);
	int64_t gen = req_cache(r) ? audit_data_gen(req_db(r)) : -1;
	size_t mark = r->out.len;
	if (!cache_get(req_cache(r), key.p, gen, &r->out)) {
		unit_options(r, chosen, scoped);
		cache_put(req_cache(r), key.p, gen, r->out.p + mark, r->out.len - mark);
	}
	html(r, "</select></span>");
}
