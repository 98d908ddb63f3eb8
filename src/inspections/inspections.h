/* inspections.h — the inspections module (督查): checklists per kind of
 * unit, inspection plans (announced or unannounced, 暗訪), inspections
 * recorded on the spot on a phone with a result per checklist item, the
 * unit's appeal of a score and the office's decision, conduct supervisors'
 * visits, and the statistics per unit and period.
 *
 * Tables other modules may read (their names and these columns are kept):
 *   inspections (id, unit_id, inspected_on, checklist_id, kind, state, score,
 *                failed, hidden)
 *   inspection_results (id, inspection_id, item_id, passed, points, note,
 *                photos)                         migrations/001_results.sql
 *   checklist_items (id, checklist_id, position, code, label, max_points)
 * A result with passed = 0 is a failed item: the rectification module
 * raises an item from it (POST /rectification/raise source=inspection
 * id=<inspection_results.id>). */
#ifndef WM_INSPECTIONS_H
#define WM_INSPECTIONS_H

#include "../platform/platform.h"

struct wf_transition;
struct wf_input;

enum { CL_CODE, CL_NAME, CL_UNIT_KIND, CL_SCORING, CL_ACTIVE, CL_NOTE, CL__COUNT };
enum { IT_CHECKLIST_ID, IT_POSITION, IT_CODE, IT_LABEL, IT_MAX_POINTS, IT_GUIDANCE, IT__COUNT };
enum {
	PL_TITLE,
	PL_CHECKLIST_ID,
	PL_UNIT_ID,
	PL_DATE_FROM,
	PL_DATE_TO,
	PL_MODE,
	PL_INSPECTORS,
	PL_NOTE,
	PL_HIDDEN,
	PL__COUNT
};
enum {
	INS_NUMBER,
	INS_UNIT_ID,
	INS_INSPECTED_ON,
	INS_CHECKLIST_ID,
	INS_KIND,
	INS_PLAN_ID,
	INS_INSPECTORS,
	INS_PERSON_PRESENT,
	INS_SCORE,
	INS_FAILED,
	INS_NOTE,
	INS_PHOTOS,
	INS_STATE,
	INS_RECORDED_AT,
	INS_APPEAL_DUE,
	INS_APPEAL,
	INS_SCORE_ORIGINAL,
	INS_INSPECTOR,
	INS_HIDDEN,
	INS__COUNT
};

/* Working days a unit has to appeal a recorded inspection's score. */
#define INS_APPEAL_DAYS 5
/* The most items a checklist may have on the record page. */
#define INS_MAX_ITEMS 100

extern const struct record_type checklists_type, checklist_items_type, plans_type, inspections_type;
extern const struct enum_opt ins_kinds[], ins_states[], ins_scoring[];
extern const struct module inspections_module;
extern const struct route ins_routes[], ins_stats_routes[];
extern const struct metric ins_metrics[];

/* ---- the workflow's hooks and the type's (types.c) ---- */
enum msg_id ins_step_guard(struct req *r, const struct record *rec, const struct wf_transition *t);
int ins_step_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in);
int ins_step_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		   const struct wf_input *in, int64_t event_id);

/* ---- pages (pages.c) ---- */
/* The detail page's results (after the fields). */
void ins_detail_results(struct req *r, const struct record *rec);
/* Is the user on the office side for rectification (an admin or office
 * grant)? */
int ins_office_user(struct req *r);
/* Does one of the user's supervisor grants cover unit? */
int ins_supervisor_covers(struct req *r, int64_t unit);

/* Computes an inspection's score (0-100: points earned over the
 * checklist's maximum, a passed pass/fail item earning its max_points) and
 * its failed items from its results, into *score and *failed. 0 or a
 * DB_E_* code. */
int ins_score_compute(struct req *r, int64_t inspection, double *score, int64_t *failed);

/* The unit page's section (unit_section.c). */
void ins_unit_section(struct req *r, const struct record *rec);

/* ---- demo (demo.c) ---- */
int inspections_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif
