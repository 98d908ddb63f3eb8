/* unit_section.c — what the cases module adds to the platform's pages: on
 * a unit's page the cases of its whole subtree (open, overdue, received and
 * closed this year), with the ways to the lists and the statistics; on the
 * home page the open and overdue cases of the user's scope. */
#include "cases.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../web/widgets.h"

#include <stdlib.h>
#include <time.h>

void cases_unit_section(struct req *r, const struct record *rec)
{
	if (!authz_record(r, &cases_type, ACC_READ, rec->id, 0))
		return;
	char today[CAL_DATE_SIZE];
	int64_t day = cal_local_day(time(NULL));
	cal_format_date(day, today);
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	int64_t year_start = cal_local_time(cal_days_from_civil(y, 1, 1), 0, 0, 0);
	struct db_stmt *q = db_query(
		req_db(r), r->a,
		"SELECT sum(CASE WHEN state NOT IN ('closed', 'merged') THEN 1 ELSE 0 END), "
		"sum(CASE WHEN state NOT IN ('closed', 'merged') AND due < ? THEN 1 ELSE 0 END), "
		"sum(CASE WHEN received_at >= ? THEN 1 ELSE 0 END), "
		"sum(CASE WHEN state = 'closed' AND closed_at >= ? THEN 1 ELSE 0 END) "
		"FROM cases WHERE archived = 0 AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)",
		"siii", today, year_start, year_start, rec->id);
	if (!q || db_step(q) != DB_ROW)
		return;
	const struct {
		enum msg_id label;
		int64_t v;
	} tiles[] = {{M_case_open_cases, db_column_int64(q, 0)},
		     {M_case_overdue_list, db_column_int64(q, 1)},
		     {M_case_received_this_year, db_column_int64(q, 2)},
		     {M_case_closed_this_year, db_column_int64(q, 3)}};
	db_reset(q);
	html(r, "<section class=\"card\"><h2>%T</h2><div class=\"tiles\">", M_cases);
	for (int i = 0; i < 4; i++)
		html(r,
		     "<div class=\"tile\"><span class=\"tile-label\">%T</span><span "
		     "class=\"tile-value\">%N</span></div>",
		     tiles[i].label, tiles[i].v);
	html(r, "</div><p><a href=\"/r/cases?unit_id=%D\">%T</a></p></section>", rec->id, M_case_of_unit);
}

void cases_home(struct req *r)
{
	if (!record_type_may(r, &cases_type, ACC_READ))
		return;
	char today[CAL_DATE_SIZE];
	cal_format_date(cal_local_day(time(NULL)), today);
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &cases_type, "t", &b);
	struct db_stmt *q = db_prepare(
		req_db(r), r->a,
		arena_printf(r->a,
			     "SELECT count(*), sum(CASE WHEN t.due < ? THEN 1 ELSE 0 END) FROM cases t "
			     "WHERE t.archived = 0 AND t.state NOT IN ('closed', 'merged')%s",
			     scope));
	if (!q)
		return;
	db_bind_text(q, 1, today);
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(q, (int)i + 2, strtoll(b.v[i].value, NULL, 10));
	int64_t open = 0, late = 0;
	if (db_step(q) == DB_ROW) {
		open = db_column_int64(q, 0);
		late = db_column_int64(q, 1);
	}
	db_reset(q);
	home_tile(r, "/r/cases", M_case_open_cases, open, M_case_tile_open_note, 0);
	home_tile(r, "/cases/overdue", M_case_overdue_list, late, M_case_tile_overdue_note, late > 0);
}
