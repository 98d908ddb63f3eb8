/* types.c — the appraisal registers: questionnaires and their questions,
 * campaigns with their workflow (draft → open → closed → published), rater
 * pools and their members (importable), and appeals against a result. */
#include "../db/db.h"
#include "../records/workflow.h"
#include "appraisal.h"

#include <stdlib.h>
#include <string.h>

#define OFFICE_WRITE                                                                           \
	{                                                                                      \
		[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ, \
		[ROLE_UNIT_ADMIN] = ACC_READ, [ROLE_STAFF] = ACC_READ                          \
	}

const struct enum_opt appraisal_dimensions[] = {
	{"lawful_duty", M_appr_dim_lawful},         {"fair_enforcement", M_appr_dim_fair},
	{"openness", M_appr_dim_openness},          {"efficiency", M_appr_dim_efficiency},
	{"attitude", M_appr_dim_attitude},          {"integrity", M_appr_dim_integrity},
	{"professional_ethics", M_appr_dim_ethics}, {NULL, M_NONE}};

static const struct enum_opt levels_opts[] = {{"5", M_appr_levels5}, {"3", M_appr_levels3}, {NULL, M_NONE}};

/* ---- questionnaires ---- */

static const struct field_def qnr_fields[] = {
	[QNR_TITLE] = {.name = "title",
		       .type = F_TEXT,
		       .label = M_appr_title,
		       .flags = FF_REQUIRED | FF_LIST | FF_SORT | FF_SEARCH,
		       .min = 1,
		       .max = 120},
	[QNR_LEVELS] = {.name = "levels",
			.type = F_ENUM,
			.label = M_appr_levels,
			.flags = FF_REQUIRED | FF_LIST,
			.opts = levels_opts,
			.dflt = "5",
			.hint = M_appr_levels_hint},
	[QNR_DESCRIPTION] = {.name = "description", .type = F_LONGTEXT, .label = M_appr_description, .max = 2000},
};

const struct record_type appraisal_questionnaires_type = {
	.name = "appraisal_questionnaires",
	.table = "appraisal_questionnaires",
	.one = M_appr_questionnaire,
	.many = M_appr_questionnaires,
	.fields = qnr_fields,
	.nfields = QNR__COUNT,
	.title_field = "title",
	.sort = "-id",
	.access = OFFICE_WRITE,
	.detail_extra = appraisal_questionnaire_extra,
};

/* ---- questions ---- */

static const struct field_def q_fields[] = {
	[Q_QUESTIONNAIRE_ID] = {.name = "questionnaire_id",
				.type = F_REF,
				.label = M_appr_questionnaire,
				.flags = FF_REQUIRED | FF_LIST | FF_FILTER,
				.ref = "appraisal_questionnaires"},
	[Q_POSITION] = {.name = "position",
			.type = F_INT,
			.label = M_appr_position,
			.flags = FF_REQUIRED | FF_LIST | FF_SORT,
			.min = 1,
			.max = 999,
			.dflt = "1"},
	[Q_DIMENSION] = {.name = "dimension",
			 .type = F_ENUM,
			 .label = M_appr_dimension,
			 .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			 .opts = appraisal_dimensions},
	[Q_TEXT_HANT] = {.name = "text_zh_hant",
			 .type = F_TEXT,
			 .label = M_appr_text_hant,
			 .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
			 .min = 1,
			 .max = 300},
	[Q_TEXT_HANS] = {.name = "text_zh_hans",
			 .type = F_TEXT,
			 .label = M_appr_text_hans,
			 .flags = FF_REQUIRED | FF_SEARCH,
			 .min = 1,
			 .max = 300},
	[Q_TEXT_EN] = {.name = "text_en",
		       .type = F_TEXT,
		       .label = M_appr_text_en,
		       .flags = FF_REQUIRED | FF_SEARCH,
		       .min = 1,
		       .max = 300},
	[Q_LEVELS] = {.name = "levels",
		      .type = F_ENUM,
		      .label = M_appr_levels,
		      .flags = FF_REQUIRED | FF_LIST,
		      .opts = levels_opts,
		      .dflt = "5"},
};

const struct record_type appraisal_questions_type = {
	.name = "appraisal_questions",
	.table = "appraisal_questions",
	.one = M_appr_question,
	.many = M_appr_questions,
	.fields = q_fields,
	.nfields = Q__COUNT,
	.title_field = "text_zh_hant",
	.sort = "position",
	.access = OFFICE_WRITE,
};

/* ---- campaigns ---- */

static const struct enum_opt camp_states[] = {{"draft", M_appr_st_draft},
					      {"open", M_appr_st_open},
					      {"closed", M_appr_st_closed},
					      {"published", M_appr_st_published},
					      {NULL, M_NONE}};

static const struct field_def camp_fields[] = {
	[CAMP_YEAR] = {.name = "year",
		       .type = F_INT,
		       .label = M_appr_year,
		       .flags = FF_REQUIRED | FF_LIST | FF_FILTER | FF_SORT,
		       .min = 2000,
		       .max = 2100},
	[CAMP_TITLE] = {.name = "title",
			.type = F_TEXT,
			.label = M_appr_title,
			.flags = FF_REQUIRED | FF_LIST | FF_SEARCH | FF_SORT,
			.min = 1,
			.max = 120},
	[CAMP_ROOT_UNIT_ID] = {.name = "root_unit_id",
			       .type = F_UNIT,
			       .label = M_appr_root_unit,
			       .flags = FF_REQUIRED | FF_LIST,
			       .hint = M_appr_root_unit_hint},
	[CAMP_UNIT_KINDS] = {.name = "unit_kinds",
			     .type = F_TEXT,
			     .label = M_appr_unit_kinds,
			     .max = 200,
			     .hint = M_appr_unit_kinds_hint},
	[CAMP_QUESTIONNAIRE_ID] = {.name = "questionnaire_id",
				   .type = F_REF,
				   .label = M_appr_questionnaire,
				   .flags = FF_REQUIRED | FF_LIST,
				   .ref = "appraisal_questionnaires"},
	[CAMP_PERIOD_FROM] = {.name = "period_from", .type = F_DATE, .label = M_appr_period_from, .flags = FF_REQUIRED},
	[CAMP_PERIOD_TO] = {.name = "period_to", .type = F_DATE, .label = M_appr_period_to, .flags = FF_REQUIRED},
	[CAMP_WEIGHT] = {.name = "weight",
			 .type = F_DECIMAL,
			 .label = M_appr_weight,
			 .flags = FF_LIST,
			 .min = 0,
			 .max = 100,
			 .dflt = "10",
			 .hint = M_appr_weight_hint},
	[CAMP_MIN_SAMPLE] = {.name = "min_sample",
			     .type = F_INT,
			     .label = M_appr_min_sample,
			     .flags = FF_REQUIRED,
			     .min = 1,
			     .max = 100000,
			     .dflt = "30",
			     .hint = M_appr_min_sample_hint},
	[CAMP_STATE] = {.name = "state",
			.type = F_ENUM,
			.label = M_appr_state,
			.flags = FF_READONLY | FF_LIST | FF_FILTER,
			.opts = camp_states,
			.dflt = "draft"},
};

static const struct wf_state camp_wf_states[] = {
	{"draft", 0, 0}, {"open", 0, 0}, {"closed", 0, 0}, {"published", 0, 1}, {NULL, 0, 0}};

static const struct wf_transition camp_wf_steps[] = {
	{.name = "open", .label = M_appr_t_open, .from = "draft", .to = "open", .sides = WF_OFFICE, .primary = 1},
	{.name = "close", .label = M_appr_t_close, .from = "open", .to = "closed", .sides = WF_OFFICE, .primary = 1},
	{.name = "reopen",
	 .label = M_appr_t_reopen,
	 .from = "closed",
	 .to = "open",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON},
	{.name = "publish",
	 .label = M_appr_t_publish,
	 .from = "closed",
	 .to = "published",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_NOTE,
	 .primary = 1},
	{.name = NULL},
};

/* A campaign opens only with a questionnaire that has questions. */
static enum msg_id camp_guard(struct req *r, const struct record *rec, const struct wf_transition *t)
{
	if (strcmp(t->name, "open") != 0)
		return M_NONE;
	const char *q = rec->vals[CAMP_QUESTIONNAIRE_ID];
	int64_t n = q ? db_one_int64(req_db(r), 0,
				     "SELECT count(*) FROM appraisal_questions WHERE questionnaire_id = ? AND "
				     "archived = 0",
				     "i", strtoll(q, NULL, 10))
		      : 0;
	return n > 0 ? M_NONE : M_appr_no_questions;
}

static void camp_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)r, (void)before;
	const char *a = rec->vals[CAMP_PERIOD_FROM], *b = rec->vals[CAMP_PERIOD_TO];
	if (a && b && strcmp(a, b) > 0) {
		errs->field[CAMP_PERIOD_TO] = M_appr_period_order;
		errs->count++;
	}
}

static const struct workflow camp_workflow = {
	.state_field = "state",
	.states = camp_wf_states,
	.transitions = camp_wf_steps,
	.guard = camp_guard,
};

static const struct record_link camp_links[] = {
	{"/r/appraisal_questionnaires", M_appr_questionnaires},
	{"/r/appraisal_appeals", M_appr_appeals},
	{NULL, M_NONE},
};

const struct record_type appraisal_campaigns_type = {
	.name = "appraisal_campaigns",
	.table = "appraisal_campaigns",
	.one = M_appr_campaign,
	.many = M_appr_campaigns,
	.fields = camp_fields,
	.nfields = CAMP__COUNT,
	.title_field = "title",
	.sort = "-id",
	.access = OFFICE_WRITE,
	.links = camp_links,
	.check = camp_check,
	.detail_extra = appraisal_campaign_extra,
	.workflow = &camp_workflow,
};

/* ---- rater pools and their members ---- */

const struct enum_opt appraisal_pool_kinds[] = {{"service_recipients", M_appr_pool_recipients},
						{"supervisors", M_appr_pool_supervisors},
						{"deputies", M_appr_pool_deputies},
						{"staff_of_other_units", M_appr_pool_staff},
						{NULL, M_NONE}};

static const struct field_def pool_fields[] = {
	[POOL_CAMPAIGN_ID] = {.name = "campaign_id",
			      .type = F_REF,
			      .label = M_appr_campaign,
			      .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			      .ref = "appraisal_campaigns"},
	[POOL_KIND] = {.name = "kind",
		       .type = F_ENUM,
		       .label = M_appr_pool_kind,
		       .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
		       .opts = appraisal_pool_kinds},
	[POOL_NAME] = {.name = "name",
		       .type = F_TEXT,
		       .label = M_appr_pool_name,
		       .flags = FF_REQUIRED | FF_LIST | FF_SEARCH,
		       .min = 1,
		       .max = 120},
	[POOL_NOTE] = {.name = "note", .type = F_LONGTEXT, .label = M_appr_note, .max = 2000},
};

const struct record_type appraisal_pools_type = {
	.name = "appraisal_pools",
	.table = "appraisal_pools",
	.one = M_appr_pool,
	.many = M_appr_pools,
	.fields = pool_fields,
	.nfields = POOL__COUNT,
	.title_field = "name",
	.sort = "-id",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE, [ROLE_LEADER] = ACC_READ},
	.detail_extra = appraisal_pool_extra,
};

static const struct field_def rater_fields[] = {
	[RATER_POOL_ID] = {.name = "pool_id",
			   .type = F_REF,
			   .label = M_appr_pool,
			   .flags = FF_REQUIRED | FF_LIST | FF_FILTER,
			   .ref = "appraisal_pools"},
	[RATER_NAME] = {.name = "name",
			.type = F_TEXT,
			.label = M_appr_rater_name,
			.flags = FF_REQUIRED | FF_LIST | FF_SEARCH | FF_SORT,
			.min = 1,
			.max = 80},
	[RATER_STRATUM] = {.name = "stratum",
			   .type = F_TEXT,
			   .label = M_appr_stratum,
			   .flags = FF_REQUIRED | FF_LIST | FF_FILTER | FF_SORT,
			   .min = 1,
			   .max = 80,
			   .hint = M_appr_stratum_hint},
	[RATER_UNIT_ID] = {.name = "unit_id", .type = F_UNIT, .label = M_appr_rater_unit, .flags = FF_LIST},
	[RATER_CONTACT] =
		{.name = "contact", .type = F_TEXT, .label = M_appr_contact, .flags = FF_SENSITIVE, .max = 80},
};

const struct record_type appraisal_raters_type = {
	.name = "appraisal_raters",
	.table = "appraisal_raters",
	.one = M_appr_rater,
	.many = M_appr_raters,
	.fields = rater_fields,
	.nfields = RATER__COUNT,
	.title_field = "name",
	.sort = "id",
	.access = {[ROLE_ADMIN] = ACC_WRITE, [ROLE_OFFICE] = ACC_WRITE},
	.reveal_roles = (1u << ROLE_ADMIN) | (1u << ROLE_OFFICE),
};

/* ---- appeals ---- */

static const struct enum_opt appeal_states[] = {
	{"filed", M_appr_ap_filed}, {"upheld", M_appr_ap_upheld}, {"rejected", M_appr_ap_rejected}, {NULL, M_NONE}};

static const struct field_def appeal_fields[] = {
	/* a number, not a reference: the units' scoped grants cannot read the
	 * campaigns register (it has no owning unit), so the engine would
	 * refuse the reference; appeal_check checks it, appeal_extra names it */
	[APPEAL_CAMPAIGN_ID] = {.name = "campaign_id",
				.type = F_INT,
				.label = M_appr_campaign_no,
				.flags = FF_REQUIRED | FF_LIST | FF_FILTER,
				.min = 1,
				.max = INT64_C(1000000000000),
				.hint = M_appr_campaign_no_hint},
	[APPEAL_UNIT_ID] = {.name = "unit_id",
			    .type = F_UNIT,
			    .label = M_appr_unit,
			    .flags = FF_REQUIRED | FF_LIST | FF_FILTER},
	[APPEAL_REASON] = {.name = "reason",
			   .type = F_LONGTEXT,
			   .label = M_appr_appeal_reason,
			   .flags = FF_REQUIRED | FF_SEARCH,
			   .min = 5,
			   .max = 4000},
	[APPEAL_FILES] = {.name = "files", .type = F_FILES, .label = M_appr_files},
	[APPEAL_STATE] = {.name = "state",
			  .type = F_ENUM,
			  .label = M_appr_state,
			  .flags = FF_READONLY | FF_LIST | FF_FILTER,
			  .opts = appeal_states,
			  .dflt = "filed"},
};

static const struct wf_state appeal_wf_states[] = {
	{"filed", 10, 0}, {"upheld", 0, 1}, {"rejected", 0, 1}, {NULL, 0, 0}};

static const struct wf_transition appeal_wf_steps[] = {
	{.name = "uphold",
	 .label = M_appr_t_uphold,
	 .from = "filed",
	 .to = "upheld",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_NOTE | WF_NOTE_REQUIRED,
	 .primary = 1},
	{.name = "reject",
	 .label = M_appr_t_reject,
	 .from = "filed",
	 .to = "rejected",
	 .sides = WF_OFFICE,
	 .asks = WF_ASK_REASON},
	{.name = NULL},
};

static const struct workflow appeal_workflow = {
	.state_field = "state",
	.states = appeal_wf_states,
	.transitions = appeal_wf_steps,
};

static void appeal_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs)
{
	(void)before;
	const char *c = rec->vals[APPEAL_CAMPAIGN_ID];
	if (c && errs->field[APPEAL_CAMPAIGN_ID] == M_NONE &&
	    !db_one_int64(req_db(r), 0,
			  "SELECT count(*) FROM appraisal_campaigns WHERE id = ? AND archived = 0 AND state <> 'draft'",
			  "i", strtoll(c, NULL, 10))) {
		errs->field[APPEAL_CAMPAIGN_ID] = M_appr_no_such_campaign;
		errs->count++;
	}
}

const struct record_type appraisal_appeals_type = {
	.name = "appraisal_appeals",
	.table = "appraisal_appeals",
	.one = M_appr_appeal,
	.many = M_appr_appeals,
	.fields = appeal_fields,
	.nfields = APPEAL__COUNT,
	.unit_field = "unit_id",
	.title_field = "reason",
	.sort = "-id",
	.access = {[ROLE_ADMIN] = ACC_WRITE,
		   [ROLE_OFFICE] = ACC_WRITE,
		   [ROLE_LEADER] = ACC_READ,
		   [ROLE_UNIT_ADMIN] = ACC_WRITE,
		   [ROLE_STAFF] = ACC_READ},
	.check = appeal_check,
	.detail_extra = appraisal_appeal_extra,
	.workflow = &appeal_workflow,
};
