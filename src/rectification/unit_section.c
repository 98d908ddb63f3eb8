/* unit_section.c — what the rectification module adds to the platform's
 * unit page: the items of the unit's whole subtree (open, overdue, signed
 * off this year, repeat problems of the last year), with the ways to the
 * ledger and the statistics. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../web/widgets.h"
#include "rect.h"

#include <time.h>

void rect_unit_section(struct req *r, const struct record *rec)
{
	if (!authz_record(r, &rect_type, ACC_READ, rec->id, 0))
		return;
	char today[CAL_DATE_SIZE], year[CAL_DATE_SIZE];
	int64_t day = cal_local_day(time(NULL));
	cal_format_date(day, today);
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	cal_format_date(cal_days_from_civil(y, 1, 1), year);
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT sum(CASE WHEN state <> 'closed' THEN 1 ELSE 0 END), "
			 "sum(CASE WHEN state <> 'closed' AND due < ? THEN 1 ELSE 0 END), "
			 "sum(CASE WHEN state = 'closed' AND closed_on >= ? THEN 1 ELSE 0 END), "
			 "sum(CASE WHEN state = 'closed' AND closed_on >= ? AND on_time = 1 THEN 1 ELSE 0 END) "
			 "FROM rectifications WHERE archived = 0 AND unit_id IN (SELECT unit_id FROM unit_tree WHERE "
			 "ancestor_id = ?)",
			 "sssi", today, year, year, rec->id);
	if (!q || db_step(q) != DB_ROW)
		return;
	const struct {
		enum msg_id label;
		int64_t v;
	} tiles[] = {{M_rect_tile_open, db_column_int64(q, 0)},
		     {M_rect_tile_overdue, db_column_int64(q, 1)},
		     {M_rect_unit_closed_this_year, db_column_int64(q, 2)},
		     {M_rect_unit_on_time_this_year, db_column_int64(q, 3)}};
	db_reset(q);
	html(r, "<section class=\"card\"><h2>%T</h2><div class=\"tiles\">", M_rect_items);
	for (int i = 0; i < 4; i++)
		html(r,
		     "<div class=\"tile%s\"><span class=\"tile-label\">%T</span><span "
		     "class=\"tile-value\">%N</span></div>",
		     i == 1 && tiles[i].v ? " tile-danger" : "", tiles[i].label, tiles[i].v);
	html(r,
	     "</div><p><a href=\"/rectification/ledger?unit=%D\">%T</a> · <a "
	     "href=\"/rectification/stats?unit=%D\">%T</a></p></section>",
	     rec->id, M_rect_ledger, rec->id, M_rect_stats);
}
