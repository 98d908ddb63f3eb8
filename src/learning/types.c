/* types.c — the registers of the learning module: study plans, study
 * sessions (their attendance is the module's own table, kept in step with
 * the audience by learn_sync_attendees), task programmes with their tasks
 * and the checklist items per person and year (a workflow: open →
 * submitted → accepted, or returned → submitted again), training courses
 * and enrolments (a completion gets a certificate code), papers and their
 * awards, model figures and learning events. Everything else (lists,
 * forms, API, export, audit) is the records engine's. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../platform/inbox.h"
#include "../records/workflow.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "learning.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RO FF_READONLY
#define LIST_SORT (FF_LIST | FF_SORT)
#define ICON_BOOK "M4 19.5A2.5 2.5 0 0 1 6.5 17H20M4 19.5V4.5A2.5 2.5 0 0 1 6.5 2H20v20H6.5A2.5 2.5 0 0 1 4 19.5z"

/* Who reads and writes the module's unit-owned registers: the office
 * everywhere, a unit's clerk in its subtree, leaders and staff read. */
#define UNIT_ACCESS                                                                            \
	{                                                                                      \
		[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ, \
		[ROLE_UNIT_ADMIN] = ACC_WRITE, [ROLE_STAFF] = ACC_READ                         \
	}
/* Registers the office keeps for everyone to read. */
#define OFFICE_ACCESS                                                                               \
	{                                                                                           \
		[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ,      \
		[ROLE_UNIT_ADMIN] = ACC_READ, [ROLE_STAFF] = ACC_READ, [ROLE_SUPERVISOR] = ACC_READ \
	}

static void err_field(struct record_errors *e, int i, enum msg_id m)
{
	if (e->field[i] == M_NONE) {
		e->field[i] = m;
		e->count++;
	}
}

/* ---- study plans ---- */

static const struct field_def plan_fields[] = {
	[SP_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_learn_plan_title,
		      .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		      .min = 2,
		      .max = 120},
	[SP_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_learn_unit,
			.flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[SP_YEAR] = {.name = "year",
		     .type = F_INT,
		     .label = M_learn_year,
		     .flags = FF_REQUIRED | LIST_SORT | FF_FILTER,
		     .min = 2000,
		     .max = 2100},
	[SP_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_learn_note, .max = 4000},
};

static void plan_sessions(struct req *r, const struct record *rec)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, held_on, starts_at, topic FROM study_sessions WHERE plan_id = ? AND "
				     "archived = 0 ORDER BY starts_at LIMIT 400",
				     "i", rec->id);
	html(r, "<section class=\"card\"><h2>%T</h2><ol class=\"learn-sessions\">", M_learn_sessions);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		n++;
		html(r, "<li><a href=\"/r/study_sessions/%D\">%s</a> %s</li>", db_column_int64(q, 0),
		     db_column_text(q, 1), db_column_text(q, 3));
	}
	db_reset(q);
	html(r, "</ol>");
	if (!n)
		html(r, "<p class=\"muted\">%T</p>", M_learn_no_sessions);
	html(r,
	     "<p><a class=\"btn\" href=\"/learning/sessions/repeat?plan_id=%D\">%T</a> <a class=\"btn\" "
	     "href=\"/r/study_sessions/new?plan_id=%D\">%T</a></p></section>",
	     rec->id, M_learn_repeat, rec->id, M_learn_session_new);
}

const struct record_type study_plans_type = {
	.name = "study_plans",
	.table = "study_plans",
	.one = M_learn_plan,
	.many = M_learn_plans,
	.fields = plan_fields,
	.nfields = SP__COUNT,
	.unit_field = "unit_id",
	.title_field = "title",
	.sort = "-year",
	.access = UNIT_ACCESS,
	.detail_extra = plan_sessions,
};

/* ---- study sessions ---- */

const struct enum_opt learn_audiences[] = {{"all", M_learn_aud_all},
					   {"leaders", M_learn_aud_leaders},
					   {"party_members", M_learn_aud_party},
					   {"list", M_learn_aud_list},
					   {NULL, M_NONE}};

static const struct field_def session_fields[] = {
	[SS_TOPIC] = {.name = "topic",
		      .type = F_TEXT,
		      .label = M_learn_topic,
		      .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		      .min = 2,
		      .max = 160},
	[SS_PLAN_ID] =
		{.name = "plan_id", .type = F_REF, .label = M_learn_plan, .flags = FF_FILTER, .ref = "study_plans"},
	[SS_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_learn_session_unit,
			.flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			.hint = M_learn_session_unit_hint},
	[SS_HELD_ON] = {.name = "held_on",
			.type = F_DATE,
			.label = M_learn_held_on,
			.flags = RO | LIST_SORT | FF_FILTER},
	[SS_START] = {.name = "starts_at", .type = F_DATETIME, .label = M_learn_start, .flags = FF_REQUIRED | FF_LIST},
	[SS_END] = {.name = "ends_at",
		    .type = F_DATETIME,
		    .label = M_learn_end,
		    .flags = FF_REQUIRED,
		    .hint = M_learn_end_hint},
	[SS_PLACE] = {.name = "place", .type = F_TEXT, .label = M_learn_place, .max = 80},
	[SS_SPEAKER] =
		{.name = "speaker", .type = F_TEXT, .label = M_learn_speaker, .flags = FF_LIST | FF_SEARCH, .max = 80},
	[SS_AUDIENCE] = {.name = "audience",
			 .type = F_ENUM,
			 .label = M_learn_audience,
			 .flags = FF_REQUIRED | FF_FILTER,
			 .opts = learn_audiences,
			 .dflt = "all",
			 .hint = M_learn_audience_hint},
	[SS_ATTENDEES] = {.name = "attendees",
			  .type = F_LONGTEXT,
			  .label = M_learn_attendees,
			  .max = 8000,
			  .hint = M_learn_attendees_hint},
	[SS_MATERIALS] = {.name = "materials", .type = F_FILES, .label = M_learn_materials},
	[SS_MINUTES] = {.name = "minutes", .type = F_LONGTEXT, .label = M_learn_minutes, .max = 8000},
	[SS_PHOTOS] = {.name = "photos", .type = F_FILES, .label = M_learn_photos},
	[SS_SERIES] = {.name = "series", .type = F_TEXT, .label = M_learn_series, .flags = RO, .max = 120},
	[SS_KEY] = {.name = "signin_key", .type = F_TEXT, .label = M_learn_signin, .flags = FF_HIDDEN, .max = 64},
};

int learn_parse_hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

int learn_parse_instant(const char *s, int64_t *out)
{
	int y, mo, d, h, mi;
	char sep;
	if (!s)
		return -1;
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d", &y, &mo, &d, &sep, &h, &mi) == 6) {
		if ((sep != ' ' && sep != 'T') || h > 23 || mi > 59 || mo < 1 || mo > 12 || d < 1 || d > 31)
			return -1;
		*out = cal_local_time(cal_days_from_civil(y, mo, d), h, mi, 0);
		return *out < 0 ? -1 : 0;
	}
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

const char *learn_session_when(struct req *r, const struct record *s)
{
	int64_t a = 0, b = 0;
	if (learn_parse_instant(s->vals[SS_START], &a) || learn_parse_instant(s->vals[SS_END], &b))
		return "";
	char d[CAL_DATE_SIZE];
	int64_t da = cal_local_day(a), db = cal_local_day(b);
	int ma = (int)((a - cal_local_time(da, 0, 0, 0)) / 60), mb = (int)((b - cal_local_time(db, 0, 0, 0)) / 60);
	return arena_printf(r->a, "%s %02d:%02d–%02d:%02d", cal_format_date(da, d), ma / 60, ma % 60, mb / 60, mb % 60);
}

/* The people of an attendee list: ids or names, one per line or
 * comma-separated; each must be an active person of the session's unit
 * subtree. M_NONE, or why not (*bad the first name refused). */
static enum msg_id attendee_list_check(struct req *r, const char *unit, const char *text, const char **bad)
{
	const char *names[LEARN_LIST_MAX + 1];
	int n = learn_split_names(r, text, names, LEARN_LIST_MAX + 1);
	if (n > LEARN_LIST_MAX)
		return M_learn_attendees_too_many;
	for (int k = 0; k < n; k++) {
		int64_t c =
			db_one_int64(req_db(r), 0,
				     "SELECT count(*) FROM people p WHERE p.archived = 0 AND p.status = 'active' AND "
				     "(p.name = ? OR CAST(p.id AS TEXT) = ?) AND p.unit_id IN (SELECT unit_id FROM "
				     "unit_tree WHERE ancestor_id = ?)",
				     "sss", names[k], names[k], unit);
		if (c != 1) {
			*bad = names[k];
			return c ? M_learn_attendee_ambiguous : M_learn_attendee_unknown;
		}
	}
	return n ? M_NONE : M_learn_attendees_needed;
}

static void session_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)before;
	int64_t a = 0, b = 0;
	int ha = rec->vals[SS_START] && !learn_parse_instant(rec->vals[SS_START], &a);
	int hb = rec->vals[SS_END] && !learn_parse_instant(rec->vals[SS_END], &b);
	if (ha && hb && b <= a)
		err_field(e, SS_END, M_learn_end_before_start);
	else if (ha && hb && b - a > 86400)
		err_field(e, SS_END, M_learn_too_long);
	if (ha) {
		char d[CAL_DATE_SIZE];
		rec->vals[SS_HELD_ON] = arena_strdup(r->a, cal_format_date(cal_local_day(a), d));
	}
	const char *aud = rec->vals[SS_AUDIENCE];
	if (aud && !strcmp(aud, "list") && rec->vals[SS_UNIT_ID]) {
		if (!rec->vals[SS_ATTENDEES]) {
			err_field(e, SS_ATTENDEES, M_learn_attendees_needed);
		} else {
			const char *bad = NULL;
			enum msg_id m = attendee_list_check(r, rec->vals[SS_UNIT_ID], rec->vals[SS_ATTENDEES], &bad);
			if (m != M_NONE) {
				err_field(e, SS_ATTENDEES, m);
			}
		}
	}
	/* the plan is of the session's unit or above it */
	if (rec->vals[SS_PLAN_ID] && rec->vals[SS_UNIT_ID] &&
	    !db_one_int64(
		    req_db(r), 0,
		    "SELECT count(*) FROM study_plans p JOIN unit_tree t ON t.ancestor_id = p.unit_id WHERE p.id = "
		    "? AND t.unit_id = ?",
		    "ss", rec->vals[SS_PLAN_ID], rec->vals[SS_UNIT_ID]))
		err_field(e, SS_PLAN_ID, M_learn_plan_other_unit);
	/* the secret of the sign-in link, made once */
	if (!rec->vals[SS_KEY]) {
		unsigned char k[16];
		char hex[33];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(hex, sizeof hex, k, sizeof k);
		rec->vals[SS_KEY] = arena_strdup(r->a, hex);
	}
}

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* The required people are made when the session is planned and again only
 * when its audience changes: adding the minutes a week later must not make
 * the people who joined since required for a session held before. */
static int session_after_save(struct req *r, struct record *rec, const struct record *before)
{
	/* the statistics' tally follows the session's rows, day and archiving
	 * (archive and restore come here too, with before = rec) */
	int rc = learn_tally_session(req_db(r), rec->id, -1);
	if (!rc && !(before && same(before->vals[SS_UNIT_ID], rec->vals[SS_UNIT_ID]) &&
		     same(before->vals[SS_AUDIENCE], rec->vals[SS_AUDIENCE]) &&
		     same(before->vals[SS_ATTENDEES], rec->vals[SS_ATTENDEES])))
		rc = learn_sync_attendees(r, rec);
	return rc ? rc : learn_tally_session(req_db(r), rec->id, 1);
}

const struct record_type study_sessions_type = {
	.name = "study_sessions",
	.table = "study_sessions",
	.one = M_learn_session,
	.many = M_learn_sessions,
	.fields = session_fields,
	.nfields = SS__COUNT,
	.unit_field = "unit_id",
	.title_field = "topic",
	.sort = "-held_on",
	.access = UNIT_ACCESS,
	.icon = ICON_BOOK,
	.nav_order = 500,
	.links = (const struct record_link[]){{"/learning/sessions/repeat", M_learn_repeat},
					      {"/learning/stats", M_learn_stats},
					      {"/r/study_plans", M_learn_plans},
					      {"/r/training_courses", M_learn_courses},
					      {"/r/learning_papers", M_learn_papers},
					      {"/r/model_figures", M_learn_figures},
					      {NULL, M_NONE}},
	.check = session_check,
	.after_save = session_after_save,
	.detail_extra = learn_session_extra,
};

/* ---- programmes ("five ones", "three ones") ---- */

static const struct enum_opt applies_to[] = {{"leaders", M_learn_applies_leaders},
					     {"staff", M_learn_applies_staff},
					     {"all", M_learn_applies_all},
					     {NULL, M_NONE}};

static const struct field_def programme_fields[] = {
	[PG_CODE] = {.name = "code",
		     .type = F_TEXT,
		     .label = M_learn_code,
		     .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		     .min = 1,
		     .max = 32,
		     .pattern = PAT_CODE,
		     .hint = M_learn_programme_code_hint},
	[PG_NAME] = {.name = "name",
		     .type = F_TEXT,
		     .label = M_learn_programme_name,
		     .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		     .min = 2,
		     .max = 80},
	[PG_APPLIES_TO] = {.name = "applies_to",
			   .type = F_ENUM,
			   .label = M_learn_applies_to,
			   .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			   .opts = applies_to,
			   .dflt = "staff"},
	[PG_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_learn_programme_unit,
			.flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[PG_YEAR] = {.name = "year",
		     .type = F_INT,
		     .label = M_learn_year,
		     .flags = FF_REQUIRED | LIST_SORT | FF_FILTER,
		     .min = 2000,
		     .max = 2100},
	[PG_DUE] = {.name = "due_on", .type = F_DATE, .label = M_learn_due_on, .flags = FF_LIST},
	[PG_ACTIVE] =
		{.name = "active", .type = F_BOOL, .label = M_learn_active, .flags = FF_LIST | FF_FILTER, .dflt = "1"},
	[PG_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_learn_note, .max = 4000},
};

static void programme_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)before;
	if (rec->vals[PG_CODE] && rec->vals[PG_YEAR] &&
	    db_one_int64(req_db(r), 0,
			 "SELECT count(*) FROM learning_programmes WHERE code = ? AND year = ? AND id <> ? AND "
			 "archived = 0",
			 "ssi", rec->vals[PG_CODE], rec->vals[PG_YEAR], rec->id) > 0)
		err_field(e, PG_CODE, M_learn_programme_taken);
}

const struct record_type programmes_type = {
	.name = "learning_programmes",
	.table = "learning_programmes",
	.one = M_learn_programme,
	.many = M_learn_programmes,
	.fields = programme_fields,
	.nfields = PG__COUNT,
	.unit_field = "unit_id",
	.title_field = "name",
	.sort = "-year",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_READ,
		   [ROLE_STAFF] = ACC_READ},
	.links = (const struct record_link[]){{"/r/programme_tasks", M_learn_tasks},
					      {"/r/programme_items?state=submitted", M_learn_queue},
					      {NULL, M_NONE}},
	.check = programme_check,
	.detail_extra = learn_programme_extra,
};

static const struct field_def task_fields[] = {
	[PT_PROGRAMME_ID] = {.name = "programme_id",
			     .type = F_REF,
			     .label = M_learn_programme,
			     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			     .ref = "learning_programmes"},
	[PT_POSITION] = {.name = "position",
			 .type = F_INT,
			 .label = M_learn_position,
			 .flags = FF_REQUIRED | LIST_SORT,
			 .min = 0,
			 .max = 99,
			 .dflt = "1"},
	[PT_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_learn_task_title,
		      .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
		      .min = 2,
		      .max = 80},
	[PT_GUIDANCE] = {.name = "guidance", .type = F_LONGTEXT, .label = M_learn_guidance, .max = 2000},
};

const struct record_type programme_tasks_type = {
	.name = "programme_tasks",
	.table = "programme_tasks",
	.one = M_learn_task,
	.many = M_learn_tasks,
	.fields = task_fields,
	.nfields = PT__COUNT,
	.title_field = "title",
	.sort = "position",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_READ,
		   [ROLE_STAFF] = ACC_READ},
};

static const struct enum_opt item_states[] = {{"open", M_learn_st_open},
					      {"submitted", M_learn_st_submitted},
					      {"accepted", M_learn_st_accepted},
					      {"returned", M_learn_st_returned},
					      {NULL, M_NONE}};

static const struct field_def item_fields[] = {
	[PI_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_learn_task_title,
		      .flags = RO | FF_LIST | FF_SEARCH,
		      .max = 80},
	[PI_PROGRAMME_ID] = {.name = "programme_id",
			     .type = F_REF,
			     .label = M_learn_programme,
			     .flags = FF_REQUIRED | FF_FILTER,
			     .ref = "learning_programmes"},
	[PI_TASK_ID] = {.name = "task_id",
			.type = F_REF,
			.label = M_learn_task_template,
			.flags = FF_REQUIRED,
			.ref = "programme_tasks"},
	[PI_PERSON_ID] = {.name = "person_id",
			  .type = F_PERSON,
			  .label = M_learn_person,
			  .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[PI_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_learn_unit, .flags = RO | FF_LIST | FF_FILTER},
	[PI_YEAR] = {.name = "year", .type = F_INT, .label = M_learn_year, .flags = RO | FF_FILTER | FF_SORT},
	[PI_DUE] = {.name = "due_on", .type = F_DATE, .label = M_learn_due_on, .flags = RO | FF_SORT},
	[PI_EVIDENCE] = {.name = "evidence",
			 .type = F_LONGTEXT,
			 .label = M_learn_evidence,
			 .flags = RO,
			 .max = LEARN_EVIDENCE_MAX,
			 .hint = M_learn_evidence_hint},
	[PI_LINK] = {.name = "link",
		     .type = F_TEXT,
		     .label = M_learn_link,
		     .flags = RO,
		     .max = 300,
		     .hint = M_learn_link_hint},
	[PI_STATE] = {.name = "state",
		      .type = F_ENUM,
		      .label = M_learn_state,
		      .flags = RO | FF_LIST | FF_FILTER,
		      .opts = item_states,
		      .dflt = "open"},
	[PI_SUBMITTED_AT] = {.name = "submitted_at",
			     .type = F_DATETIME,
			     .label = M_learn_submitted_at,
			     .flags = RO | FF_SORT},
	[PI_REVIEWED_AT] = {.name = "reviewed_at", .type = F_DATETIME, .label = M_learn_reviewed_at, .flags = RO},
	[PI_USER_ID] = {.name = "user_id", .type = F_INT, .label = M_learn_person, .flags = FF_HIDDEN},
};

static const struct wf_state item_wf_states[] = {
	{"open", 0, 0}, {"submitted", 5, 0}, {"returned", 0, 0}, {"accepted", 0, 1}, {NULL, 0, 0}};

static const struct wf_transition item_wf_steps[] = {
	{.name = "submit",
	 .label = M_learn_t_submit,
	 .from = "open returned",
	 .to = "submitted",
	 .sides = WF_SUBMITTER,
	 .asks = WF_ASK_FILES,
	 .fields = "evidence link?",
	 .primary = 1},
	{.name = "accept",
	 .label = M_learn_t_accept,
	 .from = "submitted",
	 .to = "accepted",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_NOTE,
	 .primary = 1},
	{.name = "return",
	 .label = M_learn_t_return,
	 .from = "submitted",
	 .to = "returned",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON},
	{.name = NULL},
};

static int item_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in)
{
	(void)in;
	const char *now = arena_printf(r->a, "%lld", (long long)time(NULL));
	if (!strcmp(t->name, "submit"))
		rec->vals[PI_SUBMITTED_AT] = now;
	else
		rec->vals[PI_REVIEWED_AT] = now;
	return 0;
}

/* A link is a web address or a path of this site (a paper's record). */
static enum msg_id item_wf_check(struct req *r, const struct record *rec, const struct wf_transition *t,
				 const struct wf_input *in)
{
	(void)r, (void)in;
	const char *l = rec->vals[PI_LINK];
	if (!strcmp(t->name, "submit") && l && strncmp(l, "https://", 8) && strncmp(l, "http://", 7) &&
	    !(l[0] == '/' && l[1] != '/'))
		return M_learn_link_bad;
	return M_NONE;
}

static int item_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		      const struct wf_input *in, int64_t event_id)
{
	(void)before, (void)in, (void)event_id;
	const char *link = arena_printf(r->a, "/r/programme_items/%lld", (long long)rec->id);
	int64_t rc = 0;
	if (!strcmp(t->name, "submit")) {
		int64_t unit = rec->vals[PI_UNIT_ID] ? strtoll(rec->vals[PI_UNIT_ID], NULL, 10) : 0;
		rc = notify_unit(r, unit, 1u << ROLE_OFFICE, "learning", M_learn_n_submitted, rec->vals[PI_TITLE],
				 link);
	} else if (rec->vals[PI_USER_ID]) {
		rc = notify_user(r, strtoll(rec->vals[PI_USER_ID], NULL, 10), "learning",
				 !strcmp(t->name, "accept") ? M_learn_n_accepted : M_learn_n_returned,
				 rec->vals[PI_TITLE], link);
	}
	return rc < 0 ? (int)rc : 0;
}

/* An item is mostly given by the programme's "assign" action; the office
 * may give one by hand (a newcomer). Its task must be the programme's;
 * the title, unit, year, due date and owner come from the task, the
 * person and the programme. Once submitted, it is not edited. */
static void item_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	struct db *db = req_db(r);
	const char *pg = rec->vals[PI_PROGRAMME_ID], *task = rec->vals[PI_TASK_ID], *person = rec->vals[PI_PERSON_ID];
	if (pg && task) {
		char *title =
			db_one_text(db, r->a, "SELECT title FROM programme_tasks WHERE id = ? AND programme_id = ?",
				    "ss", task, pg);
		if (!title)
			err_field(e, PI_TASK_ID, M_learn_task_other_programme);
		else
			rec->vals[PI_TITLE] = title;
		rec->vals[PI_YEAR] = db_one_text(
			db, r->a, "SELECT CAST(year AS TEXT) FROM learning_programmes WHERE id = ?", "s", pg);
		rec->vals[PI_DUE] =
			db_one_text(db, r->a, "SELECT due_on FROM learning_programmes WHERE id = ?", "s", pg);
	}
	if (person) {
		rec->vals[PI_UNIT_ID] =
			db_one_text(db, r->a, "SELECT CAST(unit_id AS TEXT) FROM people WHERE id = ?", "s", person);
		rec->vals[PI_USER_ID] =
			db_one_text(db, r->a, "SELECT CAST(user_id AS TEXT) FROM people WHERE id = ?", "s", person);
	}
	if (before && before->vals[PI_STATE] && strcmp(before->vals[PI_STATE], "open") &&
	    strcmp(before->vals[PI_STATE], "returned") &&
	    (strcmp(before->vals[PI_PERSON_ID] ? before->vals[PI_PERSON_ID] : "", person ? person : "") ||
	     strcmp(before->vals[PI_TASK_ID] ? before->vals[PI_TASK_ID] : "", task ? task : ""))) {
		e->record = M_learn_item_locked;
		e->count++;
	}
}

static const struct workflow item_workflow = {
	.state_field = "state",
	.states = item_wf_states,
	.transitions = item_wf_steps,
	.check = item_wf_check,
	.apply = item_apply,
	.after = item_after,
};

const struct record_type programme_items_type = {
	.name = "programme_items",
	.table = "programme_items",
	.one = M_learn_item,
	.many = M_learn_items,
	.fields = item_fields,
	.nfields = PI__COUNT,
	.unit_field = "unit_id",
	.owner_field = "user_id",
	.title_field = "title",
	.sort = "-year",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_OWN,
		   [ROLE_UNIT_ADMIN] = ACC_READ,
		   [ROLE_STAFF] = ACC_OWN},
	.icon = "M9 11l3 3L22 4M21 12v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h11",
	.nav_order = 505,
	.links = (const struct record_link[]){{"/r/programme_items?state=submitted", M_learn_queue},
					      {"/r/learning_programmes", M_learn_programmes},
					      {NULL, M_NONE}},
	.check = item_check,
	.workflow = &item_workflow,
};

/* ---- training ---- */

static const struct enum_opt course_kinds[] = {{"internal", M_learn_kind_internal},
					       {"external", M_learn_kind_external},
					       {"online", M_learn_kind_online},
					       {NULL, M_NONE}};
static const struct enum_opt course_categories[] = {{"law_enforcement", M_learn_cat_law},
						    {"professional", M_learn_cat_professional},
						    {"political", M_learn_cat_political},
						    {NULL, M_NONE}};

static const struct field_def course_fields[] = {
	[TC_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_learn_course_title,
		      .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		      .min = 2,
		      .max = 120},
	[TC_KIND] = {.name = "kind",
		     .type = F_ENUM,
		     .label = M_learn_course_kind,
		     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		     .opts = course_kinds,
		     .dflt = "internal"},
	[TC_CATEGORY] = {.name = "category",
			 .type = F_ENUM,
			 .label = M_learn_course_category,
			 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			 .opts = course_categories,
			 .dflt = "professional"},
	[TC_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_learn_unit, .flags = FF_REQUIRED | FF_FILTER},
	[TC_DATE_FROM] = {.name = "date_from",
			  .type = F_DATE,
			  .label = M_learn_date_from,
			  .flags = FF_REQUIRED | LIST_SORT | FF_FILTER},
	[TC_DATE_TO] = {.name = "date_to", .type = F_DATE, .label = M_learn_date_to, .flags = FF_REQUIRED},
	[TC_HOURS] = {.name = "hours",
		      .type = F_DECIMAL,
		      .label = M_learn_hours,
		      .flags = FF_REQUIRED | FF_LIST,
		      .min = 0,
		      .max = 2000,
		      .dflt = "8"},
	[TC_ORGANIZER] = {.name = "organizer",
			  .type = F_TEXT,
			  .label = M_learn_organizer,
			  .flags = FF_LIST | FF_SEARCH,
			  .max = 120},
	[TC_CAPACITY] = {.name = "capacity",
			 .type = F_INT,
			 .label = M_learn_capacity,
			 .min = 0,
			 .max = 100000,
			 .hint = M_learn_capacity_hint},
	[TC_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_learn_note, .max = 4000},
};

static void course_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	(void)r, (void)before;
	if (rec->vals[TC_DATE_FROM] && rec->vals[TC_DATE_TO] &&
	    strcmp(rec->vals[TC_DATE_FROM], rec->vals[TC_DATE_TO]) > 0)
		err_field(e, TC_DATE_TO, M_learn_dates_order);
}

static void course_enrolments(struct req *r, const struct record *rec)
{
	int64_t n = db_one_int64(req_db(r), 0,
				 "SELECT count(*) FROM training_enrolments WHERE course_id = ? AND archived = 0", "i",
				 rec->id);
	int64_t done = db_one_int64(req_db(r), 0,
				    "SELECT count(*) FROM training_enrolments WHERE course_id = ? AND archived = 0 AND "
				    "status = 'completed'",
				    "i", rec->id);
	html(r,
	     "<section class=\"card\"><h2>%T</h2><p><span id=\"enrolled\">%D</span> %T · <span "
	     "id=\"completed\">%D</span> %T</p><p><a class=\"btn\" href=\"/r/training_enrolments?course_id=%D\">%T</a> "
	     "<a class=\"btn\" href=\"/r/training_enrolments/new?course_id=%D\">%T</a></p></section>",
	     M_learn_enrolments, n, M_learn_enrolled, done, M_learn_completed, rec->id, M_learn_enrolments, rec->id,
	     M_learn_enrol);
}

const struct record_type courses_type = {
	.name = "training_courses",
	.table = "training_courses",
	.one = M_learn_course,
	.many = M_learn_courses,
	.fields = course_fields,
	.nfields = TC__COUNT,
	.unit_field = "unit_id",
	.title_field = "title",
	.sort = "-date_from",
	.access = UNIT_ACCESS,
	.links = (const struct record_link[]){{"/r/training_enrolments", M_learn_enrolments},
					      {"/learning/stats", M_learn_stats},
					      {NULL, M_NONE}},
	.check = course_check,
	.detail_extra = course_enrolments,
};

static const struct enum_opt enrol_statuses[] = {{"enrolled", M_learn_en_enrolled},
						 {"completed", M_learn_en_completed},
						 {"failed", M_learn_en_failed},
						 {"withdrawn", M_learn_en_withdrawn},
						 {NULL, M_NONE}};

static const struct field_def enrol_fields[] = {
	[TE_COURSE_ID] = {.name = "course_id",
			  .type = F_REF,
			  .label = M_learn_course,
			  .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			  .ref = "training_courses"},
	[TE_PERSON_ID] = {.name = "person_id",
			  .type = F_PERSON,
			  .label = M_learn_person,
			  .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[TE_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_learn_unit, .flags = RO | FF_LIST | FF_FILTER},
	[TE_STATUS] = {.name = "status",
		       .type = F_ENUM,
		       .label = M_learn_en_status,
		       .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		       .opts = enrol_statuses,
		       .dflt = "enrolled"},
	[TE_SCORE] =
		{.name = "score", .type = F_DECIMAL, .label = M_learn_score, .flags = FF_LIST, .min = 0, .max = 100},
	[TE_COMPLETED_ON] = {.name = "completed_on", .type = F_DATE, .label = M_learn_completed_on, .flags = FF_SORT},
	[TE_CERT_CODE] =
		{.name = "cert_code", .type = F_TEXT, .label = M_learn_cert_code, .flags = RO | FF_SEARCH, .max = 16},
};

/* 12 characters without look-alikes, as the cases' tracking codes. */
static const char *cert_code_new(struct req *r)
{
	static const char abc[] = "ABCDEFGHJKLMNPQRSTUVWXYZ2345679";
	char c[13];
	for (int i = 0; i < 12; i++)
		c[i] = abc[randombytes_uniform((uint32_t)(sizeof abc - 1))];
	c[12] = 0;
	return arena_strdup(r->a, c);
}

static void enrol_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *e)
{
	struct db *db = req_db(r);
	if (rec->vals[TE_PERSON_ID]) {
		char *u = db_one_text(db, r->a, "SELECT CAST(unit_id AS TEXT) FROM people WHERE id = ?", "s",
				      rec->vals[TE_PERSON_ID]);
		rec->vals[TE_UNIT_ID] = u;
	}
	/* one enrolment that counts per person and course: a withdrawn one
	 * takes no place, so a person may enrol again after withdrawing */
	int withdrawn = rec->vals[TE_STATUS] && !strcmp(rec->vals[TE_STATUS], "withdrawn");
	if (!withdrawn && rec->vals[TE_COURSE_ID] && rec->vals[TE_PERSON_ID] &&
	    db_one_int64(
		    db, 0,
		    "SELECT count(*) FROM training_enrolments WHERE course_id = ? AND person_id = ? AND id <> ? AND "
		    "archived = 0 AND status <> 'withdrawn'",
		    "ssi", rec->vals[TE_COURSE_ID], rec->vals[TE_PERSON_ID], rec->id) > 0)
		err_field(e, TE_PERSON_ID, M_learn_enrolled_already);
	int was_counted = before && before->vals[TE_STATUS] && strcmp(before->vals[TE_STATUS], "withdrawn");
	if (!withdrawn && !was_counted && rec->vals[TE_COURSE_ID]) {
		int64_t cap = db_one_int64(db, 0, "SELECT COALESCE(capacity, 0) FROM training_courses WHERE id = ?",
					   "s", rec->vals[TE_COURSE_ID]);
		if (cap > 0 &&
		    db_one_int64(db, 0,
				 "SELECT count(*) FROM training_enrolments WHERE course_id = ? AND archived = 0 "
				 "AND status <> 'withdrawn' AND id <> ?",
				 "si", rec->vals[TE_COURSE_ID], rec->id) >= cap)
			err_field(e, TE_COURSE_ID, M_learn_course_full);
	}
	int completed = rec->vals[TE_STATUS] && !strcmp(rec->vals[TE_STATUS], "completed");
	if (completed && !rec->vals[TE_COMPLETED_ON] && rec->vals[TE_COURSE_ID])
		rec->vals[TE_COMPLETED_ON] = db_one_text(db, r->a, "SELECT date_to FROM training_courses WHERE id = ?",
							 "s", rec->vals[TE_COURSE_ID]);
	if (completed && !rec->vals[TE_CERT_CODE])
		rec->vals[TE_CERT_CODE] = cert_code_new(r);
}

const struct record_type enrolments_type = {
	.name = "training_enrolments",
	.table = "training_enrolments",
	.one = M_learn_enrolment,
	.many = M_learn_enrolments,
	.fields = enrol_fields,
	.nfields = TE__COUNT,
	.unit_field = "unit_id",
	.title_field = "cert_code",
	.sort = "-id",
	.access = UNIT_ACCESS,
	.check = enrol_check,
	.detail_extra = learn_enrolment_certificate,
};

/* ---- papers, proposals, reflections and awards ---- */

static const struct enum_opt paper_kinds[] = {{"paper", M_learn_pk_paper},
					      {"research_report", M_learn_pk_report},
					      {"proposal", M_learn_pk_proposal},
					      {"reflection", M_learn_pk_reflection},
					      {NULL, M_NONE}};

enum {
	PA_TITLE,
	PA_KIND,
	PA_AUTHORS,
	PA_PERSON_ID,
	PA_UNIT_ID,
	PA_WRITTEN_ON,
	PA_ABSTRACT,
	PA_FILE,
	PA_TO,
	PA_ADOPTED,
	PA__COUNT
};

static const struct field_def paper_fields[] = {
	[PA_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_learn_paper_title,
		      .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		      .min = 2,
		      .max = 200},
	[PA_KIND] = {.name = "kind",
		     .type = F_ENUM,
		     .label = M_learn_paper_kind,
		     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		     .opts = paper_kinds,
		     .dflt = "paper"},
	[PA_AUTHORS] =
		{.name = "authors", .type = F_TEXT, .label = M_learn_authors, .flags = FF_LIST | FF_SEARCH, .max = 200},
	[PA_PERSON_ID] = {.name = "person_id", .type = F_PERSON, .label = M_learn_first_author, .flags = FF_FILTER},
	[PA_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_learn_unit, .flags = FF_REQUIRED | FF_FILTER},
	[PA_WRITTEN_ON] = {.name = "written_on",
			   .type = F_DATE,
			   .label = M_learn_written_on,
			   .flags = FF_REQUIRED | LIST_SORT},
	[PA_ABSTRACT] =
		{.name = "abstract", .type = F_LONGTEXT, .label = M_learn_abstract, .flags = FF_SEARCH, .max = 8000},
	[PA_FILE] = {.name = "file", .type = F_FILES, .label = M_learn_file},
	[PA_TO] = {.name = "addressed_to",
		   .type = F_TEXT,
		   .label = M_learn_addressed_to,
		   .max = 120,
		   .hint = M_learn_addressed_to_hint},
	[PA_ADOPTED] = {.name = "adopted", .type = F_BOOL, .label = M_learn_adopted, .flags = FF_FILTER},
};

static void paper_awards(struct req *r, const struct record *rec)
{
	struct db_stmt *q =
		db_query(req_db(r), r->a,
			 "SELECT id, level, grade, issuer, awarded_on FROM learning_awards WHERE paper_id = ? AND "
			 "archived = 0 ORDER BY awarded_on",
			 "i", rec->id);
	html(r, "<section class=\"card\"><h2>%T</h2><ul>", M_learn_awards);
	const struct record_type *t = &awards_type;
	while (q && db_step(q) == DB_ROW) {
		struct record tmp = {.type = t};
		const char *v[8] = {0};
		v[1] = db_column_text(q, 1);
		v[2] = db_column_text(q, 2);
		tmp.vals = v;
		html(r, "<li><a href=\"/r/learning_awards/%D\">%s %s</a> · %s · %s</li>", db_column_int64(q, 0),
		     record_display(r, &tmp, 1, 0), record_display(r, &tmp, 2, 0), db_column_text(q, 3),
		     db_column_text(q, 4));
	}
	db_reset(q);
	html(r, "</ul><p><a class=\"btn\" href=\"/r/learning_awards/new?paper_id=%D\">%T</a></p></section>", rec->id,
	     M_learn_award_new);
}

const struct record_type papers_type = {
	.name = "learning_papers",
	.table = "learning_papers",
	.one = M_learn_paper,
	.many = M_learn_papers,
	.fields = paper_fields,
	.nfields = PA__COUNT,
	.unit_field = "unit_id",
	.title_field = "title",
	.sort = "-written_on",
	.access = UNIT_ACCESS,
	.links = (const struct record_link[]){{"/r/learning_awards", M_learn_awards}, {NULL, M_NONE}},
	.detail_extra = paper_awards,
};

const struct enum_opt award_levels[] = {
	{"national", M_learn_lv_national}, {"provincial", M_learn_lv_provincial}, {"prefecture", M_learn_lv_prefecture},
	{"county", M_learn_lv_county},     {"system", M_learn_lv_system},         {NULL, M_NONE}};
static const struct enum_opt award_grades[] = {{"first", M_learn_gr_first},
					       {"second", M_learn_gr_second},
					       {"third", M_learn_gr_third},
					       {"excellence", M_learn_gr_excellence},
					       {NULL, M_NONE}};

static const struct field_def award_fields[] = {
	{.name = "paper_id",
	 .type = F_REF,
	 .label = M_learn_paper,
	 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
	 .ref = "learning_papers"},
	{.name = "level",
	 .type = F_ENUM,
	 .label = M_learn_level,
	 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
	 .opts = award_levels},
	{.name = "grade",
	 .type = F_ENUM,
	 .label = M_learn_grade,
	 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
	 .opts = award_grades},
	{.name = "issuer",
	 .type = F_TEXT,
	 .label = M_learn_issuer,
	 .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
	 .min = 2,
	 .max = 120},
	{.name = "awarded_on", .type = F_DATE, .label = M_learn_awarded_on, .flags = FF_REQUIRED | LIST_SORT},
};

const struct record_type awards_type = {
	.name = "learning_awards",
	.table = "learning_awards",
	.one = M_learn_award,
	.many = M_learn_awards,
	.fields = award_fields,
	.nfields = 5,
	.title_field = "issuer",
	.sort = "-awarded_on",
	.access = OFFICE_ACCESS,
};

/* ---- model figures and learning events ---- */

static const struct enum_opt figure_kinds[] = {
	{"national", M_learn_fig_national}, {"bureau", M_learn_fig_bureau}, {NULL, M_NONE}};

static const struct field_def figure_fields[] = {
	{.name = "name",
	 .type = F_TEXT,
	 .label = M_learn_fig_name,
	 .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
	 .min = 1,
	 .max = 40},
	{.name = "kind",
	 .type = F_ENUM,
	 .label = M_learn_fig_kind,
	 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
	 .opts = figure_kinds,
	 .dflt = "bureau"},
	{.name = "workplace", .type = F_TEXT, .label = M_learn_fig_workplace, .flags = FF_LIST | FF_SEARCH, .max = 120},
	{.name = "deeds", .type = F_LONGTEXT, .label = M_learn_fig_deeds, .flags = FF_SEARCH, .max = 8000},
	{.name = "photos", .type = F_FILES, .label = M_learn_photos},
};

const struct record_type figures_type = {
	.name = "model_figures",
	.table = "model_figures",
	.one = M_learn_figure,
	.many = M_learn_figures,
	.fields = figure_fields,
	.nfields = 5,
	.title_field = "name",
	.sort = "name",
	.access = OFFICE_ACCESS,
	.links = (const struct record_link[]){{"/r/learning_events", M_learn_events}, {NULL, M_NONE}},
};

static const struct enum_opt event_kinds[] = {{"speech_contest", M_learn_ev_speech},
					      {"report_meeting", M_learn_ev_report},
					      {"tradition", M_learn_ev_tradition},
					      {"other", M_learn_ev_other},
					      {NULL, M_NONE}};

static const struct field_def event_fields[] = {
	{.name = "title",
	 .type = F_TEXT,
	 .label = M_learn_event_title,
	 .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
	 .min = 2,
	 .max = 120},
	{.name = "kind",
	 .type = F_ENUM,
	 .label = M_learn_event_kind,
	 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
	 .opts = event_kinds},
	{.name = "held_on", .type = F_DATE, .label = M_learn_held_on, .flags = FF_REQUIRED | LIST_SORT},
	{.name = "unit_id", .type = F_UNIT, .label = M_learn_unit, .flags = FF_REQUIRED | FF_FILTER},
	{.name = "figure_id", .type = F_REF, .label = M_learn_figure, .flags = FF_FILTER, .ref = "model_figures"},
	/* who took part: event_participants (events.c); the count is theirs */
	{.name = "participant_count",
	 .type = F_INT,
	 .label = M_learn_participant_count,
	 .flags = FF_LIST | RO,
	 .min = 0,
	 .max = 100000},
	{.name = "results", .type = F_LONGTEXT, .label = M_learn_results, .max = 4000},
	{.name = "photos", .type = F_FILES, .label = M_learn_photos},
};

/* the count is the participants' (events.c), also when an edit sends one */
static int event_after_save(struct req *r, struct record *rec, const struct record *before)
{
	(void)before;
	return learn_event_recount(req_db(r), rec->id);
}

const struct record_type events_type = {
	.name = "learning_events",
	.table = "learning_events",
	.one = M_learn_event,
	.many = M_learn_events,
	.fields = event_fields,
	.nfields = 8,
	.unit_field = "unit_id",
	.title_field = "title",
	.sort = "-held_on",
	.access = UNIT_ACCESS,
	.links = (const struct record_link[]){{"/r/model_figures", M_learn_figures},
					      {"/r/event_participants", M_learn_participants},
					      {NULL, M_NONE}},
	.detail_extra = learn_event_extra,
	.after_save = event_after_save,
};
