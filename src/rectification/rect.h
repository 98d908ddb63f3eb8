/* rect.h — the rectification ledger (整改台賬): one item per problem found,
 * whatever its source (a case, an inspection item, an appraisal opinion, a
 * supervisor, a leader's instruction, a higher authority's notice, a self
 * check), with its workflow (types.c, steps.c: assigned → in progress →
 * submitted with evidence → closed (銷號) or sent back; extensions;
 * reminders), raising an item from its source (raise.c), the ledger with
 * its XLSX and printable page (ledger.c), statistics and metrics
 * (stats.c), random re-checks (rechecks.c), the scheduler's reminders
 * (deadlines.c) and the demo (demo.c). */
#ifndef WM_RECT_H
#define WM_RECT_H

#include <stddef.h>
#include <stdint.h>

#include "../module.h"
#include "../platform/platform.h"

struct wf_transition;
struct wf_input;

/* Fields by position: hooks read rec->vals[RECT_...]. */
enum {
	RECT_NUMBER,
	RECT_PROBLEM,
	RECT_SOURCE,
	RECT_SOURCE_CASE,
	RECT_SOURCE_REF,
	RECT_CHECKLIST_ITEM,
	RECT_PROBLEM_PHOTOS,
	RECT_UNIT_ID,
	RECT_PERSON,
	RECT_DUE,
	RECT_MEASURES,
	RECT_PROGRESS,
	RECT_EVIDENCE,
	RECT_VERIFICATION,
	RECT_STATE,
	RECT_ASSIGNED_AT,
	RECT_SUBMITTED_AT,
	RECT_CLOSED_AT,
	RECT_CLOSED_ON,
	RECT_ON_TIME,
	RECT_DAYS_TO_CLOSE,
	RECT_EXTENSION_TO,
	RECT_REMINDERS,
	RECT_REMINDED_DUE,
	RECT_RECHECK,
	RECT_RECHECK_DRAW,
	RECT__COUNT
};

extern const struct record_type rect_type;
extern const struct enum_opt rect_sources[], rect_states[], rect_recheck_states[];
extern const struct module rectification_module;

/* Working days an item has when it is raised without a date. */
#define RECT_DEFAULT_DAYS 10

/* ---- the workflow's hooks (steps.c) ---- */
enum msg_id rect_step_guard(struct req *r, const struct record *rec, const struct wf_transition *t);
enum msg_id rect_step_check(struct req *r, const struct record *rec, const struct wf_transition *t,
			    const struct wf_input *in);
int rect_step_deadline(struct req *r, const struct record *rec, const struct wf_transition *t, int64_t *due);
int rect_step_apply(struct req *r, struct record *rec, const struct wf_transition *t, const struct wf_input *in);
int rect_step_after(struct req *r, struct record *rec, const struct record *before, const struct wf_transition *t,
		    const struct wf_input *in, int64_t event_id);
void rect_check(struct req *r, struct record *rec, const struct record *before, struct record_errors *errs);
int rect_after_save(struct req *r, struct record *rec, const struct record *before);

/* ---- raising from a source (raise.c) ---- */
/* The case page's section: the items raised from it, and for the office
 * the button that raises one. */
void rect_case_section(struct req *r, const struct record *rec);
/* The inspection page's section: the items raised from its results. */
void rect_inspection_section(struct req *r, const struct record *rec);
/* The unit page's section: the subtree's items (unit_section.c). */
void rect_unit_section(struct req *r, const struct record *rec);
extern const struct route rect_raise_routes[];

/* ---- the ledger (ledger.c), statistics (stats.c), re-checks ---- */
extern const struct route rect_ledger_routes[], rect_stats_routes[], rect_recheck_routes[];
extern const struct metric rect_metrics[];
/* The home page's tiles: open, overdue, and (for the office) waiting for
 * sign-off, in the user's scope (ledger.c). */
void rect_home(struct req *r);

/* Draws k of the n ids (in the order given) with splitmix64 seeded by
 * seed: a partial Fisher-Yates shuffle, the j-th pick being
 * i + next() % (n - i). The chosen ids go to out (k of them, sorted
 * ascending). Deterministic: the same seed and ids give the same sample.
 * k is clamped to n; returns k. */
int rect_sample(uint64_t seed, const int64_t *ids, int n, int k, int64_t *out);

/* ---- deadlines (deadlines.c) ---- */
/* Reminds the responsible unit of each open item past its deadline on
 * today, once per deadline; the count in *reminded. 0 or a DB_E_* code. */
int rect_deadlines_run(struct req *r, int64_t today, int *reminded);
extern const struct job rect_jobs[];
int cmd_rectification(struct config *cfg, int argc, char **argv);

/* ---- demo (demo.c) ---- */
int rect_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif
