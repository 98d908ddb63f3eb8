/* types.c — the registers of the activities module: facilities (陣地),
 * events (活動) and their participants. A participant row is one person
 * (its unit taken from the person) or one unit taking part as a whole,
 * with the volunteer hours it gave and its role or place; the rows are a
 * register of their own, so the engine gives their forms, API, import,
 * export and audit, and the event and facility pages list them. The rules
 * the engine cannot know (dates in order, a held event has started, a
 * participant recorded once, by someone who may change the event and
 * within their reach) are the check hooks below. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "activities.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_SORT (FF_LIST | FF_SORT)

/* Who reads and writes the module's registers: the office everywhere, a
 * unit's clerk in its subtree, leaders and staff read. */
#define UNIT_ACCESS                                                                            \
	{                                                                                      \
		[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ, \
		[ROLE_UNIT_ADMIN] = ACC_WRITE, [ROLE_STAFF] = ACC_READ                         \
	}

#define ICON_FLAG "M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1zM4 22v-7"
#define ICON_HOME "M3 9l9-7 9 7v11a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zM9 22V12h6v10"

static void err_field(struct record_errors *e, int i, enum msg_id m)
{
	if (e->field[i] == M_NONE) {
		e->field[i] = m;
		e->count++;
	}
}

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

/* ---- facilities ---- */

const struct enum_opt actv_facility_kinds[] = {
	{"party_room", M_actv_fk_party_room},
	{"youth_room", M_actv_fk_youth_room},
	{"reading_room", M_actv_fk_reading_room},
	{"exhibition_room", M_actv_fk_exhibition_room},
	{"retired_room", M_actv_fk_retired_room},
	{"activity_room", M_actv_fk_activity_room},
	{"sports_ground", M_actv_fk_sports_ground},
	{"green_belt", M_actv_fk_green_belt},
	{"greenhouse", M_actv_fk_greenhouse},
	{"green_courtyard", M_actv_fk_courtyard},
	{"other", M_actv_fk_other},
	{NULL, M_NONE},
};

static const struct field_def facility_fields[] = {
	[FA_NAME] = {.name = "name",
		     .type = F_TEXT,
		     .label = M_actv_f_name,
		     .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		     .min = 2,
		     .max = 80},
	[FA_KIND] = {.name = "kind",
		     .type = F_ENUM,
		     .label = M_actv_f_kind,
		     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		     .opts = actv_facility_kinds},
	[FA_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_actv_f_unit,
			.flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[FA_AREA] = {.name = "area",
		     .type = F_DECIMAL,
		     .label = M_actv_f_area,
		     .flags = LIST_SORT,
		     .min = 0,
		     .max = 10000000},
	[FA_OPENING_HOURS] = {.name = "opening_hours",
			      .type = F_TEXT,
			      .label = M_actv_f_hours,
			      .flags = FF_LIST,
			      .max = 120,
			      .hint = M_actv_f_hours_hint},
	[FA_LOCATION] =
		{.name = "location", .type = F_TEXT, .label = M_actv_f_location, .flags = FF_SEARCH, .max = 120},
	[FA_CAPACITY] = {.name = "capacity", .type = F_INT, .label = M_actv_f_capacity, .min = 0, .max = 100000},
	[FA_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_actv_f_note, .flags = FF_SEARCH, .max = 4000},
	[FA_PHOTOS] = {.name = "photos", .type = F_FILES, .label = M_actv_photos},
};

const struct record_type facilities_type = {
	.name = "facilities",
	.table = "facilities",
	.one = M_actv_facility_one,
	.many = M_actv_facilities,
	.fields = facility_fields,
	.nfields = FA__COUNT,
	.unit_field = "unit_id",
	.title_field = "name",
	.sort = "name",
	.access = UNIT_ACCESS,
	.icon = ICON_HOME,
	.nav_order = 610,
	.links = (const struct record_link[]){{"/r/activity_events", M_actv_events}, {NULL, M_NONE}},
};

/* ---- events ---- */

const struct enum_opt actv_event_kinds[] = {
	{"essay", M_actv_k_essay},           {"speech", M_actv_k_speech}, {"performance", M_actv_k_performance},
	{"contest", M_actv_k_contest},       {"sport", M_actv_k_sport},   {"volunteer", M_actv_k_volunteer},
	{"blood_donation", M_actv_k_blood},  {"film", M_actv_k_film},     {"poetry", M_actv_k_poetry},
	{"exhibition", M_actv_k_exhibition}, {"other", M_actv_k_other},   {NULL, M_NONE},
};

static const struct enum_opt event_states[] = {
	{"planned", M_actv_st_planned}, {"held", M_actv_st_held}, {"cancelled", M_actv_st_cancelled}, {NULL, M_NONE}};

static const struct field_def event_fields[] = {
	[AE_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_actv_title,
		      .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		      .min = 2,
		      .max = 160},
	[AE_KIND] = {.name = "kind",
		     .type = F_ENUM,
		     .label = M_actv_kind,
		     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		     .opts = actv_event_kinds},
	[AE_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_actv_organizer,
			.flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			.hint = M_actv_organizer_hint},
	[AE_CO_ORGANIZERS] = {.name = "co_organizers",
			      .type = F_TEXT,
			      .label = M_actv_co_organizers,
			      .flags = FF_SEARCH,
			      .max = 200,
			      .hint = M_actv_co_organizers_hint},
	[AE_DATE_FROM] = {.name = "date_from",
			  .type = F_DATE,
			  .label = M_actv_date_from,
			  .flags = FF_REQUIRED | LIST_SORT | FF_FILTER},
	[AE_DATE_TO] = {.name = "date_to", .type = F_DATE, .label = M_actv_date_to, .hint = M_actv_date_to_hint},
	[AE_FACILITY_ID] = {.name = "facility_id",
			    .type = F_REF,
			    .label = M_actv_facility,
			    .flags = FF_FILTER,
			    .ref = "facilities",
			    .hint = M_actv_facility_hint},
	[AE_PLACE] = {.name = "place", .type = F_TEXT, .label = M_actv_place, .flags = FF_SEARCH, .max = 120},
	[AE_STATUS] = {.name = "status",
		       .type = F_ENUM,
		       .label = M_actv_status,
		       .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		       .opts = event_states,
		       .dflt = "planned"},
	[AE_DESCRIPTION] = {.name = "description",
			    .type = F_LONGTEXT,
			    .label = M_actv_description,
			    .flags = FF_SEARCH,
			    .max = 8000},
	[AE_RESULTS] = {.name = "results",
			.type = F_LONGTEXT,
			.label = M_actv_results,
			.flags = FF_SEARCH,
			.max = 8000,
			.hint = M_actv_results_hint},
	[AE_PHOTOS] = {.name = "photos", .type = F_FILES, .label = M_actv_photos},
};

static void event_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)before;
	int64_t from = 0, to = 0;
	int have_from = rec->vals[AE_DATE_FROM] && !cal_parse_date(rec->vals[AE_DATE_FROM], &from);
	int have_to = rec->vals[AE_DATE_TO] && !cal_parse_date(rec->vals[AE_DATE_TO], &to);
	if (have_from && have_to) {
		if (to < from)
			err_field(errs, AE_DATE_TO, M_actv_dates_order);
		else if (to - from >= ACTV_MAX_DAYS)
			err_field(errs, AE_DATE_TO, M_actv_dates_span);
	}
	if (have_from && rec->vals[AE_STATUS] && !strcmp(rec->vals[AE_STATUS], "held") &&
	    from > cal_local_day(time(NULL)))
		err_field(errs, AE_STATUS, M_actv_held_future);
	(void)r;
}

/* The event's page: how many people and units took part and their
 * volunteer hours (the engine lists the participant rows below it). */
static void event_summary(struct req *r, const struct record *rec)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT count(DISTINCT person_id), sum(CASE WHEN person_id IS NULL THEN 1 ELSE 0 "
				     "END), COALESCE(sum(hours), 0) FROM activity_participants WHERE event_id = ? AND "
				     "archived = 0",
				     "i", rec->id);
	int64_t people = 0, units = 0;
	double hours = 0;
	if (q && db_step(q) == DB_ROW) {
		people = db_column_int64(q, 0);
		units = db_column_isnull(q, 1) ? 0 : db_column_int64(q, 1);
		hours = db_column_double(q, 2);
	}
	db_reset(q);
	html(r, "<section class=\"card\" id=\"participation\"><h2>%T</h2><div class=\"tiles\">", M_actv_p_summary);
	html(r,
	     "<div class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\" "
	     "id=\"event-people\">%D</span></div><div class=\"tile\"><span class=\"tile-label\">%T</span><span "
	     "class=\"tile-value\" id=\"event-units\">%D</span></div><div class=\"tile\"><span "
	     "class=\"tile-label\">%T</span><span class=\"tile-value\" id=\"event-hours\">%s</span></div></div>",
	     M_actv_people, people, M_actv_units_joined, units, M_actv_volunteer_hours,
	     arena_printf(r->a, "%g", hours));
	html(r, "</section>");
}

const struct record_type activity_events_type = {
	.name = "activity_events",
	.table = "activity_events",
	.one = M_actv_event,
	.many = M_actv_events,
	.fields = event_fields,
	.nfields = AE__COUNT,
	.unit_field = "unit_id",
	.title_field = "title",
	.sort = "-date_from",
	.access = UNIT_ACCESS,
	.icon = ICON_FLAG,
	.nav_order = 600,
	.links = (const struct record_link[]){{"/activities/stats", M_actv_stats},
					      {"/r/activity_participants", M_actv_participants},
					      {"/r/facilities", M_actv_facilities},
					      {NULL, M_NONE}},
	.check = event_check,
	.detail_extra = event_summary,
};

/* ---- participants ---- */

static const struct field_def participant_fields[] = {
	[AP_EVENT_ID] = {.name = "event_id",
			 .type = F_REF,
			 .label = M_actv_event,
			 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			 .ref = "activity_events"},
	[AP_PERSON_ID] = {.name = "person_id",
			  .type = F_PERSON,
			  .label = M_actv_person,
			  .flags = FF_LIST | FF_FILTER,
			  .hint = M_actv_person_hint},
	[AP_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_actv_p_unit,
			.flags = FF_LIST | FF_FILTER,
			.hint = M_actv_p_unit_hint},
	[AP_HOURS] = {.name = "hours",
		      .type = F_DECIMAL,
		      .label = M_actv_hours,
		      .flags = LIST_SORT,
		      .min = 0,
		      .max = ACTV_MAX_HOURS},
	[AP_ROLE] = {.name = "role",
		     .type = F_TEXT,
		     .label = M_actv_p_role,
		     .flags = FF_LIST | FF_SEARCH,
		     .max = 80,
		     .hint = M_actv_p_role_hint},
};

static void participant_check(struct req *r, struct record *rec, const struct record *before,
			      struct record_errors *errs)
{
	(void)before;
	struct db *db = req_db(r);
	/* who may change the event records who took part in it */
	if (rec->vals[AP_EVENT_ID] && errs->field[AP_EVENT_ID] == M_NONE) {
		struct record *ev = record_load(r, &activity_events_type, strtoll(rec->vals[AP_EVENT_ID], NULL, 10));
		if (!ev || ev->archived || !authz_record_of(r, ev, ACC_WRITE))
			err_field(errs, AP_EVENT_ID, M_actv_p_event_not_yours);
	}
	const char *person = rec->vals[AP_PERSON_ID];
	if (person && errs->field[AP_PERSON_ID] == M_NONE) {
		/* the person's unit, whatever unit was given: the figures count it there */
		int64_t unit = db_one_int64(db, 0, "SELECT unit_id FROM people WHERE id = ?", "s", person);
		if (unit) {
			if (errs->field[AP_UNIT_ID] != M_NONE) {
				errs->field[AP_UNIT_ID] = M_NONE;
				errs->count--;
			}
			rec->vals[AP_UNIT_ID] = arena_printf(r->a, "%lld", (long long)unit);
			if (!authz_record(r, rec->type, ACC_WRITE, unit, 0))
				err_field(errs, AP_PERSON_ID, M_actv_p_out_of_scope);
		}
	} else if (!person && !rec->vals[AP_UNIT_ID]) {
		err_field(errs, AP_PERSON_ID, M_actv_p_who);
	}
	/* once per event and role: a person, or a unit taking part as a whole
	 * (a person may take part twice in two roles: an usher who performs) */
	if (rec->vals[AP_EVENT_ID] && errs->field[AP_EVENT_ID] == M_NONE && errs->field[AP_PERSON_ID] == M_NONE) {
		const char *role = rec->vals[AP_ROLE] ? rec->vals[AP_ROLE] : "";
		int64_t twice =
			person ? db_one_int64(db, 0,
					      "SELECT count(*) FROM activity_participants WHERE event_id = ? AND "
					      "person_id = ? AND COALESCE(role, '') = ? AND id <> ? AND archived = 0",
					      "sssi", rec->vals[AP_EVENT_ID], person, role, rec->id)
			: rec->vals[AP_UNIT_ID]
				? db_one_int64(
					  db, 0,
					  "SELECT count(*) FROM activity_participants WHERE event_id = ? AND "
					  "person_id IS NULL AND unit_id = ? AND COALESCE(role, '') = ? AND id <> ? "
					  "AND archived = 0",
					  "sssi", rec->vals[AP_EVENT_ID], rec->vals[AP_UNIT_ID], role, rec->id)
				: 0;
		if (twice > 0)
			err_field(errs, AP_PERSON_ID, M_actv_p_twice);
	}
}

const struct record_type activity_participants_type = {
	.name = "activity_participants",
	.table = "activity_participants",
	.one = M_actv_participant,
	.many = M_actv_participants,
	.fields = participant_fields,
	.nfields = AP__COUNT,
	.unit_field = "unit_id",
	.title_field = "person_id",
	.sort = "-id",
	.access = UNIT_ACCESS,
	.links = (const struct record_link[]){{"/r/activity_events", M_actv_events}, {NULL, M_NONE}},
	.check = participant_check,
};

/* ---- home ---- */

void actv_home(struct req *r)
{
	if (!r->user || !record_type_may(r, &activity_events_type, ACC_READ))
		return;
	int64_t today = cal_local_day(time(NULL));
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	const char *from = day_text(r, cal_days_from_civil(y, 1, 1)), *to = day_text(r, today);
	struct kvlist b = {0};
	const char *scope = record_scope_sql(r, &activity_events_type, "t", &b);
	struct db_stmt *q = db_prepare(req_db(r), r->a,
				       arena_printf(r->a,
						    "SELECT count(*) FROM activity_events t WHERE t.archived = 0 AND "
						    "t.status = 'held' AND t.date_from >= ? AND t.date_from <= ?%s",
						    scope));
	if (!q)
		return;
	db_bind_text(q, 1, from);
	db_bind_text(q, 2, to);
	for (size_t i = 0; i < b.n; i++)
		db_bind_int64(q, (int)i + 3, strtoll(b.v[i].value, NULL, 10));
	int64_t n = db_step(q) == DB_ROW ? db_column_int64(q, 0) : 0;
	db_reset(q);
	home_tile(r, arena_printf(r->a, "/activities/stats?from=%s&to=%s", from, to), M_actv_tile_events, n,
		  M_actv_tile_events_note, 0);
}

/* ---- a person's page ---- */

void actv_person_section(struct req *r, const struct record *rec)
{
	struct db *db = req_db(r);
	if (!db)
		return;
	int64_t today = cal_local_day(time(NULL));
	int y, m, d;
	cal_civil_from_days(today, &y, &m, &d);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT count(DISTINCT p.event_id), COALESCE(sum(p.hours), 0) FROM "
				     "activity_participants p JOIN activity_events e ON e.id = p.event_id WHERE "
				     "p.person_id = ? AND p.archived = 0 AND e.archived = 0 AND e.status = 'held' AND "
				     "e.date_from >= ? AND e.date_from <= ?",
				     "iss", rec->id, day_text(r, cal_days_from_civil(y, 1, 1)), day_text(r, today));
	int64_t events = 0;
	double hours = 0;
	if (q && db_step(q) == DB_ROW) {
		events = db_column_int64(q, 0);
		hours = db_column_double(q, 1);
	}
	db_reset(q);
	if (!events)
		return;
	html(r,
	     "<section class=\"card\" id=\"activities\"><h2>%T · %d</h2><div class=\"tiles\"><div "
	     "class=\"tile\"><span class=\"tile-label\">%T</span><span class=\"tile-value\" "
	     "id=\"p-events\">%D</span></div><div class=\"tile\"><span class=\"tile-label\">%T</span><span "
	     "class=\"tile-value\" id=\"p-volunteer-hours\">%s</span></div></div><p><a class=\"btn\" "
	     "href=\"/r/activity_participants?person_id=%D\">%T</a></p></section>",
	     M_actv_events, y, M_actv_events_joined, events, M_actv_volunteer_hours, arena_printf(r->a, "%g", hours),
	     rec->id, M_actv_participants);
}
