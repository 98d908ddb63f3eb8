/* events.c — who took part in a learning event (a speech contest, a report
 * meeting, a visit): the event_participants register, one row per person
 * (or per unit, for a unit's team or a whole unit sent) and event, with the
 * part they played and their result (一等獎 …). It replaces the events'
 * free-text list of names, so that "who took part" and a person's events
 * are queries (the list filtered by event_id or person_id, the person's
 * page), and the event's participant_count is counted from these rows,
 * never typed in: the distinct people and units (a person may have two
 * rows, a contestant in two rounds with two results). The unit is the
 * person's when the row is made: a transfer later does not move a past
 * event. */
#include "../db/db.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "learning.h"

#include <stdlib.h>
#include <string.h>

static const struct enum_opt roles[] = {{"participant", M_learn_part_participant},
					{"contestant", M_learn_part_contestant},
					{"speaker", M_learn_part_speaker},
					{"organizer", M_learn_part_organizer},
					{NULL, M_NONE}};

static const struct field_def fields[] = {
	[EP_EVENT_ID] = {.name = "event_id",
			 .type = F_REF,
			 .label = M_learn_event,
			 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			 .ref = "learning_events"},
	[EP_PERSON_ID] = {.name = "person_id",
			  .type = F_PERSON,
			  .label = M_learn_person,
			  .flags = FF_LIST | FF_FILTER,
			  .hint = M_learn_part_person_hint},
	[EP_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_learn_unit,
			.flags = FF_LIST | FF_FILTER,
			.hint = M_learn_part_unit_hint},
	[EP_ROLE] = {.name = "role",
		     .type = F_ENUM,
		     .label = M_learn_part_role,
		     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		     .opts = roles,
		     .dflt = "participant"},
	[EP_RESULT] = {.name = "result", .type = F_TEXT, .label = M_learn_part_result, .flags = FF_LIST | FF_SEARCH, .max = 120},
	[EP_NAME] = {.name = "name", .type = F_TEXT, .label = M_learn_part_name, .flags = FF_READONLY | FF_SEARCH, .max = 200},
};

static void part_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)before;
	struct db *db = req_db(r);
	const char *person = rec->vals[EP_PERSON_ID];
	if (person) {
		/* the person's unit, as the person is now */
		rec->vals[EP_UNIT_ID] =
			db_one_text(db, r->a, "SELECT CAST(unit_id AS TEXT) FROM people WHERE id = ?", "s", person);
		rec->vals[EP_NAME] = db_one_text(db, r->a, "SELECT name FROM people WHERE id = ?", "s", person);
	} else if (rec->vals[EP_UNIT_ID]) {
		rec->vals[EP_NAME] = db_one_text(db, r->a, "SELECT name FROM units WHERE id = ?", "s", rec->vals[EP_UNIT_ID]);
	}
	if (!person && !rec->vals[EP_UNIT_ID] && e->field[EP_PERSON_ID] == M_NONE) {
		e->field[EP_PERSON_ID] = M_learn_part_who;
		e->count++;
	}
}

int learn_event_recount(struct db *db, int64_t event)
{
	return db_run(db,
		      "UPDATE learning_events SET participant_count = (SELECT count(DISTINCT COALESCE(person_id, "
		      "-unit_id)) FROM event_participants WHERE event_id = ? AND archived = 0) WHERE id = ?",
		      "ii", event, event);
}

static int part_after_save(struct req *r, struct record *rec, const struct record *before)
{
	int rc = 0;
	if (before && before->vals[EP_EVENT_ID] &&
	    (!rec->vals[EP_EVENT_ID] || strcmp(before->vals[EP_EVENT_ID], rec->vals[EP_EVENT_ID])))
		rc = learn_event_recount(req_db(r), strtoll(before->vals[EP_EVENT_ID], NULL, 10));
	if (!rc && rec->vals[EP_EVENT_ID])
		rc = learn_event_recount(req_db(r), strtoll(rec->vals[EP_EVENT_ID], NULL, 10));
	return rc;
}

const struct record_type participants_type = {
	.name = "event_participants",
	.table = "event_participants",
	.one = M_learn_participant,
	.many = M_learn_participants,
	.fields = fields,
	.nfields = EP__COUNT,
	.unit_field = "unit_id",
	.title_field = "name",
	.sort = "name",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_WRITE,
		   [ROLE_STAFF] = ACC_READ},
	.links = (const struct record_link[]){{"/r/learning_events", M_learn_events}, {NULL, M_NONE}},
	.check = part_check,
	.after_save = part_after_save,
};

/* The event page's section: who took part, with their part and result. */
void learn_event_extra(struct req *r, const struct record *rec)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT x.id, x.person_id, x.name, u.name, x.role, x.result FROM event_participants x "
				     "LEFT JOIN units u ON u.id = x.unit_id WHERE x.event_id = ? AND x.archived = 0 ORDER BY "
				     "CASE WHEN x.result IS NULL THEN 1 ELSE 0 END, x.result, u.path, x.name, x.id LIMIT 500",
				     "i", rec->id);
	html(r, "<section class=\"card\" id=\"participants\"><h2>%T</h2><ul class=\"learn-who\">", M_learn_participants);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		n++;
		const char *role = db_column_text(q, 4);
		enum msg_id rl = M_learn_part_participant;
		for (int k = 0; roles[k].code; k++)
			if (role && !strcmp(role, roles[k].code))
				rl = roles[k].label;
		const char *unit = db_column_isnull(q, 3) ? "" : db_column_text(q, 3);
		html(r, "<li><a href=\"/r/event_participants/%D\">%s</a> <span class=\"muted\">%s · %T</span>%H</li>",
		     db_column_int64(q, 0), db_column_isnull(q, 2) ? "" : db_column_text(q, 2),
		     db_column_isnull(q, 1) ? "" : unit, rl,
		     db_column_isnull(q, 5) ? NULL : html_fmt(r, " <strong>%s</strong>", db_column_text(q, 5)));
	}
	db_reset(q);
	html(r, "</ul>");
	if (!n)
		html(r, "<p class=\"muted\">%T</p>", M_learn_part_none);
	html(r,
	     "<p><a class=\"btn\" href=\"/r/event_participants?event_id=%D\">%T</a> <a class=\"btn\" "
	     "href=\"/r/event_participants/new?event_id=%D\">%T</a></p></section>",
	     rec->id, M_learn_participants, rec->id, M_learn_part_add);
}
