/* unit_section.c — what the inspections module adds to the platform's unit
 * page: the recorded inspections of the unit's subtree this year (how
 * many, the average score, the failed items) and the latest ones, with the
 * ways to the list, the statistics and a new inspection. Drafts are left
 * out: an unannounced one is not the unit's to see yet. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "inspections.h"

#include <time.h>

void ins_unit_section(struct req *r, const struct record *rec)
{
	if (!authz_record(r, &inspections_type, ACC_READ, rec->id, 0))
		return;
	char from[CAL_DATE_SIZE];
	int64_t day = cal_local_day(time(NULL));
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	cal_format_date(cal_days_from_civil(y, 1, 1), from);
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT count(*), avg(score), COALESCE(sum(failed), 0) FROM inspections WHERE archived = 0 "
			 "AND state IN ('recorded', 'appealed') AND inspected_on >= ? AND unit_id IN (SELECT "
			 "unit_id FROM unit_tree WHERE ancestor_id = ?)",
			 "si", from, rec->id);
	if (!q || db_step(q) != DB_ROW)
		return;
	int64_t done = db_column_int64(q, 0), failed = db_column_int64(q, 2);
	const char *avg = done ? arena_printf(r->a, "%.1f", db_column_double(q, 1)) : "—";
	db_reset(q);
	html(r,
	     "<section class=\"card\"><h2>%T</h2><div class=\"tiles\"><div class=\"tile\"><span "
	     "class=\"tile-label\">%T</span><span class=\"tile-value\">%N</span></div><div class=\"tile\"><span "
	     "class=\"tile-label\">%T</span><span class=\"tile-value\">%s</span></div><div class=\"tile\"><span "
	     "class=\"tile-label\">%T</span><span class=\"tile-value\">%N</span></div></div>",
	     M_ins_inspections, M_ins_done_this_year, done, M_ins_stats_avg, avg, M_ins_stats_failed, failed);
	q = db_query(
		req_db(r), r->a,
		"SELECT t.id, t.number, t.inspected_on, t.score, t.failed, u.name FROM inspections t JOIN units u ON "
		"u.id = t.unit_id WHERE t.archived = 0 AND t.state IN ('recorded', 'appealed') AND t.unit_id IN "
		"(SELECT unit_id FROM unit_tree WHERE ancestor_id = ?) ORDER BY t.inspected_on DESC, t.id DESC "
		"LIMIT 5",
		"i", rec->id);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		if (!n++)
			html(r, "<ul class=\"plain\">");
		html(r,
		     "<li><a href=\"/r/inspections/%D\">%s</a> %s · %s <span class=\"muted\">%T %s · %T %D</span></li>",
		     db_column_int64(q, 0), db_column_text(q, 1), db_column_text(q, 2), db_column_text(q, 5),
		     M_ins_score, arena_printf(r->a, "%.1f", db_column_double(q, 3)), M_ins_failed,
		     db_column_int64(q, 4));
	}
	db_reset(q);
	if (n)
		html(r, "</ul>");
	html(r,
	     "<p><a href=\"/r/inspections?unit_id=%D\">%T</a> · <a href=\"/inspections/stats?unit=%D\">%T</a></p>"
	     "</section>",
	     rec->id, M_ins_of_unit, rec->id, M_ins_stats);
}
