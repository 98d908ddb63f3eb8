/* types.c — the registers of the inspections module: checklists per kind
 * of unit and their items, inspection plans, and the inspections with
 * their workflow (draft → recorded → appealed → upheld or rejected →
 * recorded). An unannounced inspection (暗訪), or one of an unannounced
 * plan, is hidden from the inspected unit's own users (unit_admin, staff)
 * until it is recorded: the records engine's hidden_field. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../platform/inbox.h"
#include "../records/workflow.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "inspections.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RO FF_READONLY
#define UNIT_ROLES ((1u << ROLE_UNIT_ADMIN) | (1u << ROLE_STAFF))

/* ---- checklists ---- */

const struct enum_opt ins_scoring[] = {
	{"pass_fail", M_ins_scoring_pass_fail}, {"points", M_ins_scoring_points}, {NULL, M_NONE}};

static const struct field_def checklist_fields[] = {
	[CL_CODE] = {.name = "code",
		     .type = F_TEXT,
		     .label = M_ins_code,
		     .flags = FF_REQUIRED | FF_UNIQUE | FF_LIST | FF_SORT | FF_SEARCH,
		     .min = 1,
		     .max = 32,
		     .pattern = PAT_CODE},
	[CL_NAME] = {.name = "name",
		     .type = F_TEXT,
		     .label = M_ins_checklist_name,
		     .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH,
		     .min = 1,
		     .max = 80},
	[CL_UNIT_KIND] = {.name = "unit_kind",
			  .type = F_ENUM,
			  .label = M_ins_unit_kind,
			  .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			  .opts = unit_kinds,
			  .dflt = "window",
			  .hint = M_ins_unit_kind_hint},
	[CL_SCORING] = {.name = "scoring",
			.type = F_ENUM,
			.label = M_ins_scoring,
			.flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			.opts = ins_scoring,
			.dflt = "pass_fail",
			.hint = M_ins_scoring_hint},
	[CL_ACTIVE] =
		{.name = "active", .type = F_BOOL, .label = M_ins_active, .flags = FF_LIST | FF_FILTER, .dflt = "1"},
	[CL_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_ins_note, .max = 2000},
};

static void checklist_items_section(struct req *r, const struct record *rec);

const struct record_type checklists_type = {
	.name = "inspection_checklists",
	.table = "inspection_checklists",
	.one = M_ins_checklist,
	.many = M_ins_checklists,
	.fields = checklist_fields,
	.nfields = CL__COUNT,
	.title_field = "name",
	.sort = "code",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_READ,
		   [ROLE_STAFF] = ACC_READ,
		   [ROLE_SUPERVISOR] = ACC_READ},
	.links = (const struct record_link[]){{"/r/checklist_items", M_ins_items}, {NULL, M_NONE}},
	.detail_extra = checklist_items_section,
};

/* ---- checklist items ---- */

static const struct field_def item_fields[] = {
	[IT_CHECKLIST_ID] = {.name = "checklist_id",
			     .type = F_REF,
			     .label = M_ins_checklist,
			     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			     .ref = "inspection_checklists"},
	[IT_POSITION] = {.name = "position",
			 .type = F_INT,
			 .label = M_ins_position,
			 .flags = FF_REQUIRED | FF_LIST | FF_SORT,
			 .min = 0,
			 .max = 999,
			 .dflt = "1"},
	[IT_CODE] = {.name = "code",
		     .type = F_TEXT,
		     .label = M_ins_code,
		     .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
		     .min = 1,
		     .max = 32,
		     .pattern = PAT_CODE},
	[IT_LABEL] = {.name = "label",
		      .type = F_TEXT,
		      .label = M_ins_item_label,
		      .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
		      .min = 1,
		      .max = 120},
	[IT_MAX_POINTS] = {.name = "max_points",
			   .type = F_DECIMAL,
			   .label = M_ins_max_points,
			   .flags = FF_REQUIRED | FF_LIST,
			   .min = 0,
			   .max = 100,
			   .dflt = "10",
			   .hint = M_ins_max_points_hint},
	[IT_GUIDANCE] = {.name = "guidance", .type = F_LONGTEXT, .label = M_ins_guidance, .max = 2000},
};

static void item_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)before;
	/* one code once per checklist */
	if (rec->vals[IT_CHECKLIST_ID] && rec->vals[IT_CODE] &&
	    db_one_int64(req_db(r), 0,
			 "SELECT count(*) FROM checklist_items WHERE checklist_id = ? AND code = ? AND id <> ? AND "
			 "archived = 0",
			 "ssi", rec->vals[IT_CHECKLIST_ID], rec->vals[IT_CODE], rec->id) > 0) {
		errs->field[IT_CODE] = M_ins_item_code_taken;
		errs->count++;
	}
}

const struct record_type checklist_items_type = {
	.name = "checklist_items",
	.table = "checklist_items",
	.one = M_ins_item,
	.many = M_ins_items,
	.fields = item_fields,
	.nfields = IT__COUNT,
	.title_field = "label",
	.sort = "position",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_READ,
		   [ROLE_STAFF] = ACC_READ,
		   [ROLE_SUPERVISOR] = ACC_READ},
	.check = item_check,
};

/* The checklist's page lists its items. */
static void checklist_items_section(struct req *r, const struct record *rec)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, position, code, label, max_points FROM checklist_items WHERE "
				     "checklist_id = ? AND archived = 0 ORDER BY position, id",
				     "i", rec->id);
	html(r, "<section class=\"card\"><h2>%T</h2><ol class=\"ins-items\">", M_ins_items);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		n++;
		html(r, "<li><a href=\"/r/checklist_items/%D\">%s</a> <span class=\"muted mono\">%s · %s</span></li>",
		     db_column_int64(q, 0), db_column_text(q, 3), db_column_text(q, 2),
		     arena_printf(r->a, "%g", db_column_double(q, 4)));
	}
	db_reset(q);
	html(r, "</ol>");
	if (!n)
		html(r, "<p class=\"muted\">%T</p>", M_ins_no_items);
	html(r, "<p><a class=\"btn\" href=\"/r/checklist_items/new?checklist_id=%D\">%T</a></p></section>", rec->id,
	     M_ins_item_add);
}

/* ---- plans ---- */

static const struct enum_opt plan_modes[] = {
	{"announced", M_ins_announced}, {"unannounced", M_ins_unannounced}, {NULL, M_NONE}};

static const struct field_def plan_fields[] = {
	[PL_TITLE] = {.name = "title",
		      .type = F_TEXT,
		      .label = M_ins_plan_title,
		      .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH,
		      .min = 2,
		      .max = 120},
	[PL_CHECKLIST_ID] = {.name = "checklist_id",
			     .type = F_REF,
			     .label = M_ins_checklist,
			     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			     .ref = "inspection_checklists"},
	[PL_UNIT_ID] = {.name = "unit_id",
			.type = F_UNIT,
			.label = M_ins_plan_unit,
			.flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			.hint = M_ins_plan_unit_hint},
	[PL_DATE_FROM] = {.name = "date_from",
			  .type = F_DATE,
			  .label = M_ins_date_from,
			  .flags = FF_REQUIRED | FF_LIST | FF_SORT},
	[PL_DATE_TO] = {.name = "date_to", .type = F_DATE, .label = M_ins_date_to, .flags = FF_REQUIRED | FF_LIST},
	[PL_MODE] = {.name = "mode",
		     .type = F_ENUM,
		     .label = M_ins_mode,
		     .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		     .opts = plan_modes,
		     .dflt = "announced",
		     .hint = M_ins_mode_hint},
	[PL_INSPECTORS] =
		{.name = "inspectors", .type = F_TEXT, .label = M_ins_inspectors, .flags = FF_SEARCH, .max = 200},
	[PL_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_ins_note, .max = 2000},
	[PL_HIDDEN] = {.name = "hidden", .type = F_BOOL, .label = M_ins_hidden, .flags = FF_HIDDEN, .dflt = "0"},
};

static void plan_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)r, (void)before;
	if (rec->vals[PL_DATE_FROM] && rec->vals[PL_DATE_TO] &&
	    strcmp(rec->vals[PL_DATE_FROM], rec->vals[PL_DATE_TO]) > 0) {
		errs->field[PL_DATE_TO] = M_ins_dates_order;
		errs->count++;
	}
	/* an unannounced plan is not the inspected units' to see */
	rec->vals[PL_HIDDEN] = rec->vals[PL_MODE] && !strcmp(rec->vals[PL_MODE], "unannounced") ? "1" : "0";
}

const struct record_type plans_type = {
	.name = "inspection_plans",
	.table = "inspection_plans",
	.one = M_ins_plan,
	.many = M_ins_plans,
	.fields = plan_fields,
	.nfields = PL__COUNT,
	.unit_field = "unit_id",
	.title_field = "title",
	.sort = "-date_from",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_READ,
		   [ROLE_STAFF] = ACC_READ},
	.check = plan_check,
	.hidden_field = "hidden",
	.hidden_from = UNIT_ROLES,
};

/* ---- inspections ---- */

const struct enum_opt ins_kinds[] = {{"task_force", M_ins_kind_task_force},
				     {"supervisor", M_ins_kind_supervisor},
				     {"unannounced", M_ins_kind_unannounced},
				     {NULL, M_NONE}};

const struct enum_opt ins_states[] = {
	{"draft", M_ins_st_draft}, {"recorded", M_ins_st_recorded}, {"appealed", M_ins_st_appealed}, {NULL, M_NONE}};

static const struct enum_opt appeal_states[] = {{"pending", M_ins_appeal_pending},
						{"upheld", M_ins_appeal_upheld},
						{"rejected", M_ins_appeal_rejected},
						{NULL, M_NONE}};

static const struct field_def ins_fields[] = {
	[INS_NUMBER] =
		{.name = "number", .type = F_TEXT, .label = M_ins_number, .flags = RO | FF_LIST | FF_SORT, .max = 32},
	[INS_UNIT_ID] = {.name = "unit_id",
			 .type = F_UNIT,
			 .label = M_ins_unit,
			 .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[INS_INSPECTED_ON] = {.name = "inspected_on",
			      .type = F_DATE,
			      .label = M_ins_inspected_on,
			      .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_FILTER},
	[INS_CHECKLIST_ID] = {.name = "checklist_id",
			      .type = F_REF,
			      .label = M_ins_checklist,
			      .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			      .ref = "inspection_checklists"},
	[INS_KIND] = {.name = "kind",
		      .type = F_ENUM,
		      .label = M_ins_kind,
		      .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		      .opts = ins_kinds,
		      .dflt = "task_force"},
	[INS_PLAN_ID] =
		{.name = "plan_id", .type = F_REF, .label = M_ins_plan, .flags = FF_FILTER, .ref = "inspection_plans"},
	[INS_INSPECTORS] = {.name = "inspectors", .type = F_TEXT, .label = M_ins_inspectors, .max = 200},
	[INS_PERSON_PRESENT] = {.name = "person_present",
				.type = F_TEXT,
				.label = M_ins_person_present,
				.max = 80,
				.hint = M_ins_person_present_hint},
	[INS_SCORE] = {.name = "score",
		       .type = F_DECIMAL,
		       .label = M_ins_score,
		       .flags = RO | FF_LIST | FF_SORT,
		       .min = 0,
		       .max = 100},
	[INS_FAILED] =
		{.name = "failed", .type = F_INT, .label = M_ins_failed, .flags = RO | FF_LIST | FF_SORT, .dflt = "0"},
	[INS_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_ins_note, .max = 4000},
	[INS_PHOTOS] = {.name = "photos", .type = F_FILES, .label = M_ins_photos, .hint = M_ins_photos_hint},
	[INS_STATE] = {.name = "state",
		       .type = F_ENUM,
		       .label = M_ins_state,
		       .flags = RO | FF_LIST | FF_FILTER,
		       .opts = ins_states,
		       .dflt = "draft"},
	[INS_RECORDED_AT] = {.name = "recorded_at", .type = F_DATETIME, .label = M_ins_recorded_at, .flags = RO},
	[INS_APPEAL_DUE] = {.name = "appeal_due", .type = F_DATE, .label = M_ins_appeal_due, .flags = RO},
	[INS_APPEAL] = {.name = "appeal",
			.type = F_ENUM,
			.label = M_ins_appeal,
			.flags = RO | FF_FILTER,
			.opts = appeal_states},
	[INS_SCORE_ORIGINAL] = {.name = "score_original",
				.type = F_DECIMAL,
				.label = M_ins_score_original,
				.flags = RO,
				.min = 0,
				.max = 100},
	[INS_INSPECTOR] = {.name = "inspector", .type = F_INT, .label = M_ins_inspector, .flags = FF_HIDDEN},
	[INS_HIDDEN] = {.name = "hidden", .type = F_BOOL, .label = M_ins_hidden, .flags = FF_HIDDEN, .dflt = "0"},
};

static const struct wf_state ins_wf_states[] = {
	{"draft", 0, 0},
	{"recorded", 0, 0},
	{"appealed", INS_APPEAL_DAYS, 0}, /* the office decides within five working days */
	{NULL, 0, 0},
};

static const struct wf_transition ins_wf_steps[] = {
	{.name = "record",
	 .label = M_ins_t_record,
	 .from = "draft",
	 .to = "recorded",
	 .sides = WF_OFFICE | WF_SUBMITTER,
	 .asks = WF_ASK_NOTE,
	 .primary = 1},
	{.name = "appeal",
	 .label = M_ins_t_appeal,
	 .from = "recorded",
	 .to = "appealed",
	 .sides = WF_UNIT,
	 .roles = 1u << ROLE_UNIT_ADMIN,
	 .asks = WF_ASK_REASON | WF_ASK_FILES},
	{.name = "uphold",
	 .label = M_ins_t_uphold,
	 .from = "appealed",
	 .to = "recorded",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON,
	 .fields = "score",
	 .primary = 1},
	{.name = "reject",
	 .label = M_ins_t_reject,
	 .from = "appealed",
	 .to = "recorded",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON},
	{.name = NULL},
};

static int is(const struct wf_transition *t, const char *name)
{
	return !strcmp(t->name, name);
}

static int64_t today(void)
{
	return cal_local_day(time(NULL));
}

enum msg_id ins_step_guard(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	/* every active item of the checklist has its result */
	if (is(t, "record") &&
	    db_one_int64(
		    req_db(r), 1,
		    "SELECT count(*) FROM checklist_items i LEFT JOIN inspection_results x ON x.item_id = i.id AND "
		    "x.inspection_id = ? WHERE i.checklist_id = ? AND i.archived = 0 AND x.id IS NULL",
		    "is", rec->id, rec->vals[INS_CHECKLIST_ID]) > 0)
		return M_ins_no_results_yet;
	if (is(t, "appeal")) {
		int64_t due = 0;
		if (rec->vals[INS_APPEAL])
			return M_ins_appeal_once;
		if (rec->vals[INS_APPEAL_DUE] && !cal_parse_date(rec->vals[INS_APPEAL_DUE], &due) && today() > due)
			return M_ins_appeal_late;
	}
	return M_NONE;
}

int ins_step_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in)
{
	(void)in;
	if (is(t, "record")) {
		double score = 0;
		int64_t failed = 0, due = 0;
		int rc = ins_score_compute(r, rec->id, &score, &failed);
		if (!rc)
			rc = wf_workdays_due(r, today(), INS_APPEAL_DAYS, &due);
		if (rc)
			return rc;
		char d[CAL_DATE_SIZE];
		rec->vals[INS_SCORE] = arena_printf(r->a, "%.1f", score);
		rec->vals[INS_FAILED] = arena_printf(r->a, "%lld", (long long)failed);
		rec->vals[INS_RECORDED_AT] = arena_printf(r->a, "%lld", (long long)time(NULL));
		rec->vals[INS_APPEAL_DUE] = arena_strdup(r->a, cal_format_date(due, d));
		rec->vals[INS_HIDDEN] = "0"; /* the unit sees it from now on */
	} else if (is(t, "appeal")) {
		rec->vals[INS_APPEAL] = "pending";
	} else if (is(t, "uphold")) {
		rec->vals[INS_APPEAL] = "upheld";
	} else if (is(t, "reject")) {
		rec->vals[INS_APPEAL] = "rejected";
	}
	return 0;
}

int ins_step_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		   const struct wf_input *in, int64_t event_id)
{
	(void)in, (void)event_id;
	if (is(t, "uphold") && before->vals[INS_SCORE] && !rec->vals[INS_SCORE_ORIGINAL]) {
		/* the score before the office revised it stays on the record */
		rec->vals[INS_SCORE_ORIGINAL] = before->vals[INS_SCORE];
		int rc = db_run(req_db(r), "UPDATE inspections SET score_original = ? WHERE id = ?", "si",
				before->vals[INS_SCORE], rec->id);
		if (rc)
			return rc;
	}
	int64_t unit = rec->vals[INS_UNIT_ID] ? strtoll(rec->vals[INS_UNIT_ID], NULL, 10) : 0;
	const char *detail = arena_printf(r->a, "%s %s", rec->vals[INS_NUMBER] ? rec->vals[INS_NUMBER] : "",
					  rec->vals[INS_INSPECTED_ON] ? rec->vals[INS_INSPECTED_ON] : "");
	const char *link = arena_printf(r->a, "/r/inspections/%lld", (long long)rec->id);
	int rc = 0;
	if (is(t, "record") || is(t, "uphold") || is(t, "reject"))
		rc = notify_unit(r, unit, 1u << ROLE_UNIT_ADMIN, "inspection",
				 is(t, "record") ? M_ins_n_recorded : M_ins_n_decided, detail, link);
	else if (is(t, "appeal"))
		rc = notify_unit(r, unit, 1u << ROLE_OFFICE, "inspection", M_ins_n_appeal, detail, link);
	return rc < 0 ? rc : 0;
}

/* Hidden while unannounced and not yet recorded; the inspector is the
 * user who creates it. */
static void ins_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)errs;
	const char *st = rec->vals[INS_STATE] ? rec->vals[INS_STATE] : "draft";
	int unannounced = rec->vals[INS_KIND] && !strcmp(rec->vals[INS_KIND], "unannounced");
	if (!unannounced && rec->vals[INS_PLAN_ID])
		unannounced = db_one_int64(req_db(r), 0, "SELECT hidden FROM inspection_plans WHERE id = ?", "s",
					   rec->vals[INS_PLAN_ID]) == 1;
	rec->vals[INS_HIDDEN] = unannounced && !strcmp(st, "draft") ? "1" : "0";
	if (!before && !rec->vals[INS_INSPECTOR] && r->user)
		rec->vals[INS_INSPECTOR] = arena_printf(r->a, "%lld", (long long)r->user->id);
	if (!before && !rec->vals[INS_INSPECTORS] && r->user)
		rec->vals[INS_INSPECTORS] = r->user->display_name;
	/* a result recorded is not edited through the form: only a draft */
	if (before && before->vals[INS_STATE] && strcmp(before->vals[INS_STATE], "draft") &&
	    (strcmp(before->vals[INS_UNIT_ID] ? before->vals[INS_UNIT_ID] : "",
		    rec->vals[INS_UNIT_ID] ? rec->vals[INS_UNIT_ID] : "") ||
	     strcmp(before->vals[INS_CHECKLIST_ID] ? before->vals[INS_CHECKLIST_ID] : "",
		    rec->vals[INS_CHECKLIST_ID] ? rec->vals[INS_CHECKLIST_ID] : ""))) {
		errs->record = M_ins_locked;
		errs->count++;
	}
}

static int ins_after_save(struct req *r, struct record *rec, const struct record *before)
{
	if (before)
		return 0;
	int y, m, d;
	cal_civil_from_days(today(), &y, &m, &d);
	rec->vals[INS_NUMBER] = arena_printf(r->a, "D%04d-%05lld", y, (long long)rec->id);
	int rc = db_run(req_db(r), "UPDATE inspections SET number = ? WHERE id = ?", "si", rec->vals[INS_NUMBER],
			rec->id);
	if (!rc) {
		int64_t ev = wf_log(r, rec, "create", NULL, "draft", NULL, 0);
		rc = ev < 0 ? (int)ev : 0;
	}
	return rc;
}

static const struct workflow ins_workflow = {
	.state_field = "state",
	.states = ins_wf_states,
	.transitions = ins_wf_steps,
	.guard = ins_step_guard,
	.apply = ins_step_apply,
	.after = ins_step_after,
};

const struct record_type inspections_type = {
	.name = "inspections",
	.table = "inspections",
	.one = M_ins_inspection,
	.many = M_ins_inspections,
	.fields = ins_fields,
	.nfields = INS__COUNT,
	.unit_field = "unit_id",
	.owner_field = "inspector",
	.title_field = "number",
	.sort = "-inspected_on",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_READ,
		   [ROLE_STAFF] = ACC_READ,
		   [ROLE_SUPERVISOR] = ACC_OWN},
	.icon = "M1 12s4-8 11-8 11 8 11 8-4 8-11 8-11-8-11-8zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6",
	.nav_order = 240,
	.links = (const struct record_link[]){{"/inspections/new", M_ins_new},
					      {"/inspections/stats", M_ins_stats},
					      {"/r/inspection_plans", M_ins_plans},
					      {"/r/inspection_checklists", M_ins_checklists},
					      {NULL, M_NONE}},
	.check = ins_check,
	.after_save = ins_after_save,
	.detail_extra = ins_detail_results,
	.workflow = &ins_workflow,
	.hidden_field = "hidden",
	.hidden_from = UNIT_ROLES,
};
