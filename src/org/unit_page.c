/* unit_page.c — what the organization module adds to the platform's unit
 * page: the staff figures of the unit's whole subtree and the units
 * directly under it with their heads. */
#include "org.h"
#include "stats.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../web/widgets.h"

#include <string.h>
#include <time.h>

/* The unit page: its staff figures for the whole subtree, and the units
 * directly under it with their heads. */
void org_unit_section(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	char today[CAL_DATE_SIZE];
	cal_format_date(cal_local_day(time(NULL)), today);
	struct people_stats st;
	if (authz_record(r, &people_type, ACC_READ, rec->id, 0) && !people_stats(db, rec->id, today, &st)) {
		html(r, "<section class=\"card\"><h2>%T</h2><div class=\"tiles\">", M_org_stats);
		const struct {
			enum msg_id label;
			int64_t v;
		} tiles[] = {{M_stat_total, st.total},
			     {M_stat_party, st.party_members},
			     {M_stat_certified, st.law_enforcement_certified},
			     {M_stat_mid_level, st.mid_level_professionals}};
		for (int i = 0; i < 4; i++)
			html(r, "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\">%N</span></div>",
			     tiles[i].label, tiles[i].v);
		html(r, "</div><p><a href=\"/r/people?unit_id=%D\">%T</a> · <a href=\"/org/stats?unit=%D\">%T</a></p></section>",
		     rec->id, M_org_people_here, rec->id, M_org_stats);
	}
	static const struct list_col cols[] = {{M_unit_name, NULL, 0}, {M_unit_kind, NULL, 0}, {M_unit_head, NULL, 0}};
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT u.id, u.name, u.kind, p.id, p.name FROM units u LEFT JOIN people p ON p.id = "
				     "u.head_person_id WHERE u.parent_id = ? AND u.archived = 0 ORDER BY COALESCE(u.sort_order, 0), u.code LIMIT 500",
				     "i", rec->id);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++) {
			html(r, "<section class=\"card\"><h2>%T</h2>", M_org_sub_units);
			list_begin(r, cols, 3, -1, 0);
		}
		enum msg_id kl = M_NONE;
		for (const struct enum_opt *o = unit_kinds; o->code; o++)
			if (!strcmp(o->code, db_column_text(q, 2)))
				kl = o->label;
		html(r, "<tr><td><a href=\"/r/units/%D\">%s</a></td><td>%T</td><td>", db_column_int64(q, 0), db_column_text(q, 1), kl);
		if (!db_column_isnull(q, 3))
			html(r, "<a href=\"/r/people/%D\">%s</a>", db_column_int64(q, 3), db_column_text(q, 4));
		html(r, "</td></tr>");
	}
	if (n) {
		list_end(r);
		html(r, "</section>");
	}
}

