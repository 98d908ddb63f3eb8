/* types.c — the module's registers and workflows.
 *
 *   honors               the honors register: a title to a unit, a team (a
 *                        window, a branch: org units) or a person; category,
 *                        level, issuer, date, term (屆期), status by its
 *                        workflow (valid → expired by the scheduler when the
 *                        term has ended; revoked by the office with a
 *                        reason, restored likewise), certificate, source
 *   honor_counted_units  which units count for the civilized-unit ratio in
 *                        a year (the office's list; a unit listed twice
 *                        for a year counts once)
 *   campaigns            創建活動 (青年文明號, 文明走廊 ...): kind, level,
 *                        issuer, year, application period, term of the title
 *   campaign_criteria    the criteria the office sets for a campaign
 *   campaign_applications a unit's application (one at a time per unit and
 *                        campaign; after a rejection it may apply again
 *                        while the campaign is open): draft → submitted →
 *                        accepted → selected (the honor is recorded in the
 *                        same transaction), or sent back, or rejected; the
 *                        office may link an inspection
 *   campaign_evidence    evidence per criterion: text and files
 *
 * The level list is the learning module's award levels (national …
 * system), shared, not copied. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../learning/learning.h"
#include "../platform/inbox.h"
#include "../records/workflow.h"
#include "honors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RO FF_READONLY
#define LIST_SORT (FF_LIST | FF_SORT)
#define ICON_AWARD "M12 15a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM8.21 13.89L7 23l5-3 5 3-1.21-9.12"

/* The office keeps them; the organization's roles read within their scope. */
#define OFFICE_ACCESS                                                                          \
	{                                                                                      \
		[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ, \
		[ROLE_UNIT_ADMIN] = ACC_READ, [ROLE_STAFF] = ACC_READ                          \
	}
/* A unit's clerk writes in the unit's subtree. */
#define UNIT_ACCESS                                                                            \
	{                                                                                      \
		[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ, \
		[ROLE_UNIT_ADMIN] = ACC_WRITE, [ROLE_STAFF] = ACC_READ                         \
	}

const char *honors_today(struct req *r)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(cal_local_day(time(NULL)), d));
}

static void err_field(struct record_errors *e, int i, enum msg_id m)
{
	if (e->field[i] == M_NONE) {
		e->field[i] = m;
		e->count++;
	}
}

static int is(const char *v, const char *code)
{
	return v && !strcmp(v, code);
}

/* ---- honors ---- */

const struct enum_opt honor_categories[] = {{"civilized_unit", M_hon_cat_civilized_unit},
					    {"civilized_sector", M_hon_cat_civilized_sector},
					    {"youth_post", M_hon_cat_youth_post},
					    {"civilized_window", M_hon_cat_civilized_window},
					    {"civilized_corridor", M_hon_cat_civilized_corridor},
					    {"green_courtyard", M_hon_cat_green_courtyard},
					    {"volunteer_service", M_hon_cat_volunteer},
					    {"advanced_party_branch", M_hon_cat_party_branch},
					    {"model_worker", M_hon_cat_model_worker},
					    {"contest_award", M_hon_cat_contest_award},
					    {"other", M_hon_cat_other},
					    {NULL, M_NONE}};
static const struct enum_opt recipients[] = {
	{"unit", M_hon_rc_unit}, {"team", M_hon_rc_team}, {"person", M_hon_rc_person}, {NULL, M_NONE}};
static const struct enum_opt statuses[] = {
	{"valid", M_hon_st_valid}, {"expired", M_hon_st_expired}, {"revoked", M_hon_st_revoked}, {NULL, M_NONE}};
static const struct enum_opt sources[] = {
	{"manual", M_hon_src_manual}, {"campaign", M_hon_src_campaign}, {"event", M_hon_src_event}, {NULL, M_NONE}};

static const struct field_def honor_fields[] = {
	[HON_TITLE] = {.name = "title",
		       .type = F_TEXT,
		       .label = M_hon_title,
		       .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		       .min = 2,
		       .max = 120},
	[HON_CATEGORY] = {.name = "category",
			  .type = F_ENUM,
			  .label = M_hon_category,
			  .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			  .opts = honor_categories},
	[HON_RECIPIENT] = {.name = "recipient",
			   .type = F_ENUM,
			   .label = M_hon_recipient,
			   .flags = FF_REQUIRED | FF_FILTER,
			   .opts = recipients,
			   .dflt = "unit"},
	[HON_UNIT] = {.name = "unit_id",
		      .type = F_UNIT,
		      .label = M_hon_unit,
		      .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		      .hint = M_hon_unit_hint},
	[HON_PERSON] = {.name = "person_id", .type = F_PERSON, .label = M_hon_person, .flags = FF_FILTER},
	[HON_LEVEL] = {.name = "level",
		       .type = F_ENUM,
		       .label = M_hon_level,
		       .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		       .opts = award_levels},
	[HON_ISSUER] = {.name = "issuer",
			.type = F_TEXT,
			.label = M_hon_issuer,
			.flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
			.min = 2,
			.max = 120},
	[HON_AWARDED_ON] = {.name = "awarded_on",
			    .type = F_DATE,
			    .label = M_hon_awarded_on,
			    .flags = FF_REQUIRED | LIST_SORT | FF_FILTER},
	[HON_TERM_START] = {.name = "term_start", .type = F_DATE, .label = M_hon_term_start},
	[HON_TERM_END] = {.name = "term_end",
			  .type = F_DATE,
			  .label = M_hon_term_end,
			  .flags = LIST_SORT | FF_FILTER,
			  .hint = M_hon_term_hint},
	[HON_STATUS] = {.name = "status",
			.type = F_ENUM,
			.label = M_hon_status,
			.flags = RO | FF_LIST | FF_FILTER,
			.opts = statuses,
			.dflt = "valid"},
	[HON_REVOKED_ON] = {.name = "revoked_on", .type = F_DATE, .label = M_hon_revoked_on, .flags = RO},
	[HON_CERTIFICATE] = {.name = "certificate", .type = F_FILES, .label = M_hon_certificate},
	[HON_SOURCE] = {.name = "source",
			.type = F_ENUM,
			.label = M_hon_source,
			.flags = RO | FF_FILTER,
			.opts = sources,
			.dflt = "manual"},
	[HON_SOURCE_REF] = {.name = "source_ref", .type = F_TEXT, .label = M_hon_source_ref, .flags = RO, .max = 40},
	[HON_NOTES] = {.name = "notes", .type = F_LONGTEXT, .label = M_hon_notes, .flags = FF_SEARCH, .max = 4000},
	[HON_REMINDED_END] = {.name = "reminded_end", .type = F_DATE, .label = M_hon_term_end, .flags = FF_HIDDEN},
};

static void honor_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)r;
	(void)before;
	const char **v = rec->vals;
	if (v[HON_TERM_START] && v[HON_TERM_END] && strcmp(v[HON_TERM_END], v[HON_TERM_START]) < 0)
		err_field(errs, HON_TERM_END, M_hon_e_term_order);
	if (is(v[HON_RECIPIENT], "person") && !v[HON_PERSON])
		err_field(errs, HON_PERSON, M_hon_e_person_needed);
	if (is(v[HON_CATEGORY], "civilized_unit") && !v[HON_TERM_END])
		err_field(errs, HON_TERM_END, M_hon_e_term_needed);
}

/* A new record's first event, so that its history starts where it did. */
static int log_created(struct req *r, struct record *rec, const struct record *before, const char *state)
{
	if (before)
		return 0;
	unsigned side = wf_sides(r, rec);
	int64_t ev = wf_log_as(r, rec, "create", NULL, state, NULL, 0,
			       side & WF_OFFICE ? WF_OFFICE
			       : side & WF_UNIT ? WF_UNIT
						: WF_SYSTEM);
	return ev < 0 ? (int)ev : 0;
}

static int honor_after_save(struct req *r, struct record *rec, const struct record *before)
{
	return log_created(r, rec, before, "valid");
}

static int app_after_save(struct req *r, struct record *rec, const struct record *before)
{
	return log_created(r, rec, before, "draft");
}

static const struct wf_state honor_states[] = {{"valid", 0, 0}, {"expired", 0, 0}, {"revoked", 0, 0}, {NULL, 0, 0}};

static const struct wf_transition honor_steps[] = {
	{.name = "revoke",
	 .label = M_hon_t_revoke,
	 .from = "valid expired",
	 .to = "revoked",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON | WF_ASK_FILES},
	{.name = "restore",
	 .label = M_hon_t_restore,
	 .from = "revoked",
	 .to = "valid",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON},
	{.name = "remind",
	 .label = M_hon_t_remind,
	 .from = "valid",
	 .sides = WF_OFFICE | WF_SYSTEM,
	 .asks = WF_ASK_NOTE},
	{.name = "expire", .label = M_hon_t_expire, .from = "valid", .to = "expired", .sides = WF_SYSTEM},
	{.name = NULL},
};

static enum msg_id honor_guard(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	const char *end = rec->vals[HON_TERM_END];
	if (!strcmp(t->name, "expire"))
		return !end ? M_hon_e_no_term : strcmp(end, honors_today(r)) >= 0 ? M_hon_e_not_expired : M_NONE;
	if (!strcmp(t->name, "remind"))
		return end ? M_NONE : M_hon_e_no_term;
	return M_NONE;
}

static int honor_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in)
{
	(void)in;
	if (!strcmp(t->name, "revoke"))
		rec->vals[HON_REVOKED_ON] = honors_today(r);
	else if (!strcmp(t->name, "restore"))
		rec->vals[HON_REVOKED_ON] = NULL;
	else if (!strcmp(t->name, "remind"))
		rec->vals[HON_REMINDED_END] = rec->vals[HON_TERM_END];
	return 0;
}

static int honor_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		       const struct wf_input *in, int64_t event_id)
{
	(void)before;
	(void)in;
	(void)event_id;
	if (strcmp(t->name, "remind") && strcmp(t->name, "revoke"))
		return 0;
	int64_t unit = strtoll(rec->vals[HON_UNIT] ? rec->vals[HON_UNIT] : "0", NULL, 10);
	const char *detail = arena_printf(r->a, "%s · %s", rec->vals[HON_TITLE] ? rec->vals[HON_TITLE] : "",
					  rec->vals[HON_TERM_END] ? rec->vals[HON_TERM_END] : "");
	int n = notify_unit(r, unit, 1u << ROLE_UNIT_ADMIN, "honors",
			    !strcmp(t->name, "remind") ? M_hon_n_renew : M_hon_st_revoked, detail,
			    arena_printf(r->a, "/r/honors/%lld", (long long)rec->id));
	return n < 0 ? n : 0;
}

static const struct workflow honor_workflow = {
	.state_field = "status",
	.states = honor_states,
	.transitions = honor_steps,
	.guard = honor_guard,
	.apply = honor_apply,
	.after = honor_after,
};

const struct record_type honors_type = {
	.name = "honors",
	.table = "honors",
	.one = M_hon_honor,
	.many = M_hon_honors,
	.fields = honor_fields,
	.nfields = HON__COUNT,
	.unit_field = "unit_id",
	.title_field = "title",
	.sort = "-awarded_on",
	.access = OFFICE_ACCESS,
	.icon = ICON_AWARD,
	.nav_order = 300,
	.links = (const struct record_link[]){{"/honors/ratio", M_hon_ratio},
					      {"/honors/expiring", M_hon_expiring},
					      {"/r/honor_counted_units", M_hon_counted_many},
					      {"/r/campaigns", M_hon_campaigns},
					      {NULL, M_NONE}},
	.check = honor_check,
	.after_save = honor_after_save,
	.workflow = &honor_workflow,
};

/* ---- the units that count ---- */

enum { CU_YEAR, CU_UNIT, CU_NOTE, CU__COUNT };

static const struct field_def counted_fields[] = {
	[CU_YEAR] = {.name = "year",
		     .type = F_INT,
		     .label = M_hon_counted_year,
		     .flags = FF_REQUIRED | LIST_SORT | FF_FILTER,
		     .min = 2000,
		     .max = 2100},
	[CU_UNIT] = {.name = "unit_id", .type = F_UNIT, .label = M_unit, .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[CU_NOTE] = {.name = "note", .type = F_TEXT, .label = M_hon_counted_note, .flags = FF_LIST, .max = 200},
};

const struct record_type counted_units_type = {
	.name = "honor_counted_units",
	.table = "honor_counted_units",
	.one = M_hon_counted,
	.many = M_hon_counted_many,
	.fields = counted_fields,
	.nfields = CU__COUNT,
	.unit_field = "unit_id",
	.title_field = "year",
	.sort = "-year",
	.access = OFFICE_ACCESS,
	.links = (const struct record_link[]){{"/honors/ratio", M_hon_ratio}, {NULL, M_NONE}},
};

/* ---- campaigns and their criteria ---- */

enum {
	CA_NAME,
	CA_HONOR_TITLE,
	CA_KIND,
	CA_LEVEL,
	CA_ISSUER,
	CA_YEAR,
	CA_OPENS,
	CA_CLOSES,
	CA_TERM_YEARS,
	CA_DESCRIPTION,
	CA__COUNT
};

static const struct enum_opt campaign_kinds[] = {{"youth_post", M_hon_cat_youth_post},
						 {"civilized_window", M_hon_cat_civilized_window},
						 {"civilized_corridor", M_hon_cat_civilized_corridor},
						 {"green_courtyard", M_hon_cat_green_courtyard},
						 {"volunteer_service", M_hon_cat_volunteer},
						 {"civilized_unit", M_hon_cat_civilized_unit},
						 {"other", M_hon_cat_other},
						 {NULL, M_NONE}};

static const struct field_def campaign_fields[] = {
	[CA_NAME] = {.name = "name",
		     .type = F_TEXT,
		     .label = M_hon_c_name,
		     .flags = FF_REQUIRED | LIST_SORT | FF_SEARCH,
		     .min = 2,
		     .max = 120},
	[CA_HONOR_TITLE] = {.name = "honor_title",
			    .type = F_TEXT,
			    .label = M_hon_c_honor_title,
			    .flags = FF_REQUIRED | FF_LIST,
			    .min = 2,
			    .max = 120,
			    .hint = M_hon_c_honor_title_hint},
	[CA_KIND] = {.name = "kind",
		     .type = F_ENUM,
		     .label = M_hon_c_kind,
		     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		     .opts = campaign_kinds},
	[CA_LEVEL] = {.name = "level",
		      .type = F_ENUM,
		      .label = M_hon_level,
		      .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		      .opts = award_levels},
	[CA_ISSUER] = {.name = "issuer",
		       .type = F_TEXT,
		       .label = M_hon_issuer,
		       .flags = FF_REQUIRED | FF_LIST,
		       .min = 2,
		       .max = 120},
	[CA_YEAR] = {.name = "year",
		     .type = F_INT,
		     .label = M_hon_c_year,
		     .flags = FF_REQUIRED | LIST_SORT | FF_FILTER,
		     .min = 2000,
		     .max = 2100},
	[CA_OPENS] = {.name = "opens_on", .type = F_DATE, .label = M_hon_c_opens_on, .flags = FF_REQUIRED | FF_LIST},
	[CA_CLOSES] = {.name = "closes_on", .type = F_DATE, .label = M_hon_c_closes_on, .flags = FF_REQUIRED | FF_LIST},
	[CA_TERM_YEARS] = {.name = "term_years",
			   .type = F_INT,
			   .label = M_hon_c_term_years,
			   .min = 0,
			   .max = 10,
			   .dflt = "0",
			   .hint = M_hon_c_term_hint},
	[CA_DESCRIPTION] = {.name = "description",
			    .type = F_LONGTEXT,
			    .label = M_hon_c_description,
			    .flags = FF_SEARCH,
			    .max = 8000},
};

static void campaign_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)r;
	(void)before;
	const char **v = rec->vals;
	if (v[CA_OPENS] && v[CA_CLOSES] && strcmp(v[CA_CLOSES], v[CA_OPENS]) < 0)
		err_field(errs, CA_CLOSES, M_hon_e_period_order);
}

const struct record_type campaigns_type = {
	.name = "campaigns",
	.table = "campaigns",
	.one = M_hon_campaign,
	.many = M_hon_campaigns,
	.fields = campaign_fields,
	.nfields = CA__COUNT,
	.title_field = "name",
	.sort = "-year",
	.access = OFFICE_ACCESS,
	.icon = "M4 22V4a1 1 0 0 1 1-1h11l-2 4 2 4H5",
	.nav_order = 305,
	.links = (const struct record_link[]){{"/r/campaign_applications", M_hon_applications},
					      {"/r/honors", M_hon_honors},
					      {NULL, M_NONE}},
	.check = campaign_check,
	.read_unscoped = 1,
};

enum { CR_CAMPAIGN, CR_POSITION, CR_TITLE, CR_GUIDANCE, CR__COUNT };

static const struct field_def criteria_fields[] = {
	[CR_CAMPAIGN] = {.name = "campaign_id",
			 .type = F_REF,
			 .label = M_hon_campaign,
			 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			 .ref = "campaigns"},
	[CR_POSITION] = {.name = "position",
			 .type = F_INT,
			 .label = M_hon_cr_position,
			 .flags = FF_REQUIRED | LIST_SORT,
			 .min = 1,
			 .max = 99,
			 .dflt = "1"},
	[CR_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_hon_cr_title,
		      .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
		      .min = 2,
		      .max = 200},
	[CR_GUIDANCE] = {.name = "guidance", .type = F_LONGTEXT, .label = M_hon_cr_guidance, .max = 4000},
};

const struct record_type criteria_type = {
	.name = "campaign_criteria",
	.table = "campaign_criteria",
	.one = M_hon_criterion,
	.many = M_hon_criteria,
	.fields = criteria_fields,
	.nfields = CR__COUNT,
	.title_field = "title",
	.sort = "position",
	.access = OFFICE_ACCESS,
	.read_unscoped = 1,
};

/* ---- applications ---- */

static const struct enum_opt app_states[] = {{"draft", M_hon_as_draft},
					     {"submitted", M_hon_as_submitted},
					     {"accepted", M_hon_as_accepted},
					     {"returned", M_hon_as_returned},
					     {"rejected", M_hon_as_rejected},
					     {"selected", M_hon_as_selected},
					     {NULL, M_NONE}};

static const struct field_def app_fields[] = {
	[APP_CAMPAIGN] = {.name = "campaign_id",
			  .type = F_REF,
			  .label = M_hon_campaign,
			  .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			  .ref = "campaigns"},
	[APP_UNIT] = {.name = "unit_id", .type = F_UNIT, .label = M_unit, .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[APP_SUMMARY] =
		{.name = "summary", .type = F_LONGTEXT, .label = M_hon_a_summary, .flags = FF_SEARCH, .max = 8000},
	[APP_STATE] = {.name = "state",
		       .type = F_ENUM,
		       .label = M_hon_a_state,
		       .flags = RO | FF_LIST | FF_FILTER,
		       .opts = app_states,
		       .dflt = "draft"},
	[APP_INSPECTION] = {.name = "inspection_id",
			    .type = F_REF,
			    .label = M_hon_a_inspection,
			    .flags = RO,
			    .ref = "inspections"},
	[APP_HONOR] = {.name = "honor_id", .type = F_REF, .label = M_hon_a_honor, .flags = RO, .ref = "honors"},
	[APP_SUBMITTED_AT] = {.name = "submitted_at",
			      .type = F_DATETIME,
			      .label = M_hon_a_submitted_at,
			      .flags = RO | FF_SORT},
	[APP_DECIDED_ON] = {.name = "decided_on", .type = F_DATE, .label = M_hon_a_decided_on, .flags = RO},
};

static int editable_state(const char *s)
{
	return !s || is(s, "draft") || is(s, "returned");
}

static void app_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	const char **v = rec->vals;
	if (before && !editable_state(before->vals[APP_STATE])) {
		err_field(errs, APP_SUMMARY, M_hon_e_locked);
		return;
	}
	if (!v[APP_CAMPAIGN] || !v[APP_UNIT])
		return;
	int64_t campaign = strtoll(v[APP_CAMPAIGN], NULL, 10);
	if (db_one_int64(req_db(r), 0,
			 "SELECT count(*) FROM campaign_applications WHERE archived = 0 AND campaign_id = ? AND "
			 "unit_id = ? AND id <> ? AND state <> 'rejected'",
			 "iii", campaign, strtoll(v[APP_UNIT], NULL, 10), rec->id) > 0)
		err_field(errs, APP_UNIT, M_hon_e_applied_twice);
	if (!before) {
		const char *today = honors_today(r);
		if (!db_one_int64(req_db(r), 0,
				  "SELECT count(*) FROM campaigns WHERE id = ? AND archived = 0 AND opens_on <= ? AND "
				  "closes_on >= ?",
				  "iss", campaign, today, today))
			err_field(errs, APP_CAMPAIGN, M_hon_e_campaign_closed);
	}
}

static const struct wf_state app_wf_states[] = {{"draft", 0, 0},    {"submitted", 0, 0}, {"accepted", 0, 0},
						{"returned", 0, 0}, {"rejected", 0, 1},  {"selected", 0, 1},
						{NULL, 0, 0}};

static const struct wf_transition app_steps[] = {
	{.name = "submit",
	 .label = M_hon_t_submit,
	 .from = "draft returned",
	 .to = "submitted",
	 .sides = WF_UNIT,
	 .roles = 1u << ROLE_UNIT_ADMIN,
	 .asks = WF_ASK_NOTE,
	 .primary = 1},
	{.name = "accept",
	 .label = M_hon_t_accept,
	 .from = "submitted",
	 .to = "accepted",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_NOTE,
	 .primary = 1},
	{.name = "send_back",
	 .label = M_hon_t_send_back,
	 .from = "submitted accepted",
	 .to = "returned",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON},
	{.name = "reject",
	 .label = M_hon_t_reject,
	 .from = "submitted accepted",
	 .to = "rejected",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON},
	{.name = "link_inspection",
	 .label = M_hon_t_link_inspection,
	 .from = "submitted accepted",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_NOTE,
	 .fields = "inspection_id"},
	{.name = "select",
	 .label = M_hon_t_select,
	 .from = "accepted",
	 .to = "selected",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_NOTE,
	 .primary = 1},
	{.name = NULL},
};

/* Inside the step's transaction, so that the clerk sees the button and is
 * told what is missing (a guard would hide the step without a word). */
static enum msg_id app_step_check(struct req *r, const struct record *rec, const struct wf_transition *t,
				  const struct wf_input *in)
{
	(void)in;
	if (strcmp(t->name, "submit"))
		return M_NONE;
	/* every criterion of the campaign has evidence */
	int64_t missing = db_one_int64(req_db(r), 1,
				       "SELECT count(*) FROM campaign_criteria c WHERE c.archived = 0 AND "
				       "c.campaign_id = ? AND NOT EXISTS (SELECT 1 FROM campaign_evidence e WHERE "
				       "e.archived = 0 AND e.application_id = ? AND e.criterion_id = c.id)",
				       "ii", strtoll(rec->vals[APP_CAMPAIGN], NULL, 10), rec->id);
	return missing ? M_hon_e_evidence_missing : M_NONE;
}

/* The selection's honor: the campaign's kind, level and issuer, the
 * campaign's name as its title, from today for the campaign's term. */
static int select_honor(struct req *r, struct record *rec)
{
	struct record *c = record_load(r, &campaigns_type, strtoll(rec->vals[APP_CAMPAIGN], NULL, 10));
	if (!c)
		return DB_ERR;
	const char *today = honors_today(r);
	const char *end = NULL;
	int years = c->vals[CA_TERM_YEARS] ? atoi(c->vals[CA_TERM_YEARS]) : 0;
	if (years > 0) {
		int64_t d;
		int y, m, dd;
		cal_parse_date(today, &d);
		cal_civil_from_days(d, &y, &m, &dd);
		char buf[CAL_DATE_SIZE];
		end = arena_strdup(r->a, cal_format_date(cal_days_from_civil(y + years, m, dd) - 1, buf));
	}
	const char *kind = c->vals[CA_KIND];
	int64_t unit = strtoll(rec->vals[APP_UNIT], NULL, 10);
	const char *ukind = db_one_text(req_db(r), r->a, "SELECT kind FROM units WHERE id = ?", "i", unit);
	struct honor_new h = {
		.title = c->vals[CA_HONOR_TITLE],
		.category = is(kind, "other") ? "other" : kind,
		.recipient = ukind && (is(ukind, "window") || is(ukind, "party_branch") || is(ukind, "department"))
				     ? "team"
				     : "unit",
		.unit_id = unit,
		.level = c->vals[CA_LEVEL],
		.issuer = c->vals[CA_ISSUER],
		.awarded_on = today,
		.term_start = end ? today : NULL,
		.term_end = end,
		.source = "campaign",
		.source_ref = arena_printf(r->a, "%lld", (long long)rec->id),
	};
	int64_t id = 0;
	int rc = honors_raise(r, &h, &id);
	if (rc)
		return rc == HONORS_E_INVALID ? DB_ERR : rc;
	rec->vals[APP_HONOR] = arena_printf(r->a, "%lld", (long long)id);
	return 0;
}

static int app_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in)
{
	(void)in;
	if (!strcmp(t->name, "submit")) {
		rec->vals[APP_SUBMITTED_AT] = arena_printf(r->a, "%lld", (long long)time(NULL));
		return 0;
	}
	if (!strcmp(t->name, "reject") || !strcmp(t->name, "select"))
		rec->vals[APP_DECIDED_ON] = honors_today(r);
	if (!strcmp(t->name, "select"))
		return select_honor(r, rec);
	return 0;
}

static int app_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		     const struct wf_input *in, int64_t event_id)
{
	(void)before;
	(void)in;
	(void)event_id;
	int64_t unit = strtoll(rec->vals[APP_UNIT], NULL, 10);
	const char *link = arena_printf(r->a, "/r/campaign_applications/%lld", (long long)rec->id);
	const char *name = db_one_text(req_db(r), r->a, "SELECT name FROM campaigns WHERE id = ?", "i",
				       strtoll(rec->vals[APP_CAMPAIGN], NULL, 10));
	int n = 0;
	if (!strcmp(t->name, "submit"))
		n = notify_unit(r, unit, 1u << ROLE_OFFICE, "honors", M_hon_n_submitted, name, link);
	else if (!strcmp(t->name, "select"))
		n = notify_unit(r, unit, 1u << ROLE_UNIT_ADMIN, "honors", M_hon_n_selected, name, link);
	else if (!strcmp(t->name, "send_back"))
		n = notify_unit(r, unit, 1u << ROLE_UNIT_ADMIN, "honors", M_hon_n_returned, name, link);
	return n < 0 ? n : 0;
}

static const struct workflow app_workflow = {
	.state_field = "state",
	.states = app_wf_states,
	.transitions = app_steps,
	.check = app_step_check,
	.apply = app_apply,
	.after = app_after,
};

const struct record_type applications_type = {
	.name = "campaign_applications",
	.table = "campaign_applications",
	.one = M_hon_application,
	.many = M_hon_applications,
	.fields = app_fields,
	.nfields = APP__COUNT,
	.unit_field = "unit_id",
	.title_field = "unit_id",
	.sort = "-id",
	.access = UNIT_ACCESS,
	.links = (const struct record_link[]){{"/r/campaigns", M_hon_campaigns}, {NULL, M_NONE}},
	.check = app_check,
	.after_save = app_after_save,
	.detail_extra = application_extra,
	.workflow = &app_workflow,
};

/* ---- evidence per criterion ---- */

enum { EV_APPLICATION, EV_CRITERION, EV_UNIT, EV_TEXT, EV_FILES, EV__COUNT };

static const struct field_def evidence_fields[] = {
	[EV_APPLICATION] = {.name = "application_id",
			    .type = F_REF,
			    .label = M_hon_application,
			    .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			    .ref = "campaign_applications"},
	[EV_CRITERION] = {.name = "criterion_id",
			  .type = F_REF,
			  .label = M_hon_criterion,
			  .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			  .ref = "campaign_criteria"},
	[EV_UNIT] = {.name = "unit_id", .type = F_UNIT, .label = M_unit, .flags = FF_REQUIRED | FF_FILTER},
	[EV_TEXT] = {.name = "text",
		     .type = F_LONGTEXT,
		     .label = M_hon_ev_text,
		     .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
		     .min = 2,
		     .max = 8000},
	[EV_FILES] = {.name = "files", .type = F_FILES, .label = M_hon_ev_files},
};

static void evidence_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)before;
	const char **v = rec->vals;
	if (!v[EV_APPLICATION])
		return;
	struct db *db = req_db(r);
	int64_t app = strtoll(v[EV_APPLICATION], NULL, 10);
	char *state = db_one_text(db, r->a, "SELECT state FROM campaign_applications WHERE id = ?", "i", app);
	if (!editable_state(state)) {
		err_field(errs, EV_APPLICATION, M_hon_e_locked);
		return;
	}
	if (v[EV_CRITERION] &&
	    !db_one_int64(db, 0,
			  "SELECT count(*) FROM campaign_criteria c JOIN campaign_applications a ON a.campaign_id = "
			  "c.campaign_id WHERE c.id = ? AND a.id = ?",
			  "ii", strtoll(v[EV_CRITERION], NULL, 10), app))
		err_field(errs, EV_CRITERION, M_hon_e_wrong_criterion);
	if (v[EV_UNIT] && db_one_int64(db, 0, "SELECT unit_id FROM campaign_applications WHERE id = ?", "i", app) !=
				  strtoll(v[EV_UNIT], NULL, 10))
		err_field(errs, EV_UNIT, M_hon_e_wrong_unit);
}

const struct record_type evidence_type = {
	.name = "campaign_evidence",
	.table = "campaign_evidence",
	.one = M_hon_evidence,
	.many = M_hon_evidence_many,
	.fields = evidence_fields,
	.nfields = EV__COUNT,
	.unit_field = "unit_id",
	.title_field = "text",
	.sort = "-id",
	.access = UNIT_ACCESS,
	.check = evidence_check,
};
