/* round.h — assessment rounds (考核輪次): a mid-year or year-end round of
 * a year's in-use indicator system, the metrics frozen at its date, every
 * unit's points per leaf with the explanation of each point, the rollup,
 * grades and ranks. rounds.c moves the states, scoring.c computes,
 * score.c shows one unit's score. Tables: migrations/003_rounds.sql.
 *
 * States: open (units write self-assessments; the office computes any
 * number of times) → review (the office scores the manual leaves; may
 * still compute) → appeal (announced: appeal_due = announcement day +
 * appeal_days working days; units see their scores and may appeal) →
 * published (refused while an appeal is 'submitted'; never changed again).
 *
 * Explanations (assess_round_scores.explanation) are language-neutral
 * data, fields separated by '|', rendered by assess_explain():
 *   "formula|RESULT|m1=v1;m2=v2"        the formula's value and its metrics
 *   "deduction|METRIC|N|PER"            −min(max, N×PER): N events
 *   "bonus|LEVEL=N@PER;LEVEL=N@PER"     +min(max, Σ N×PER): honors by level
 *   "veto|0 or 1|m1=v1;..."             the condition and its metrics
 *   "manual"                            scored by the office (comment)
 *   "error|METRIC"                      a metric could not be computed
 * The records behind a deduction's or bonus's metric are frozen in
 * assess_round_records (at most ASSESS_RECORDS_MAX per unit and metric). */
#ifndef WM_ASSESS_ROUND_H
#define WM_ASSESS_ROUND_H

#include <stdint.h>

#include "../module.h"

struct req;
struct markup;

#define ASSESS_RECORDS_MAX 50
/* No such round, or no such unit and leaf in it (not a DB_E_* value). */
#define ASSESS_E_NOT_FOUND (-30)

struct assess_round {
	int64_t id, system_id;
	const char *kind, *name, *period_from, *period_to, *self_due, *appeal_due, *state;
	int appeal_days;
	int64_t computed_at, announced_at, published_at;
	double th_excellent, th_good, th_pass; /* grade thresholds, % of the applicable maximum */
};

/* 0, or -1 when there is no such round. */
int assess_round_load(struct req *r, int64_t id, struct assess_round *out);

/* Sets one leaf's points for a unit (source "manual" or "appeal", with the
 * office's comment), clamped to [0, max_points] (a veto leaf takes 0 or 1:
 * 1 = vetoed), then recomputes the unit's own total, the rollup of its
 * ancestors, the grades and the ranks. Call inside a transaction.
 * 0, or a DB_E_* code (ASSESS_E_NOT_FOUND: no such unit and leaf in the round). */
int assess_score_set(struct req *r, int64_t round_id, int64_t unit_id, int64_t indicator_id, double points,
		     const char *source, const char *comment);

/* May the user see unit_id's results in this round: the office every unit,
 * a unit's clerk or leader their own subtree; nobody but the office before
 * the announcement. */
int assess_round_may_see(struct req *r, const struct assess_round *rd, int64_t unit_id);

/* ---- computing (scoring.c) ---- */

/* Progress of a compute: phase ("metrics", "scores", "rollup", "save"),
 * done of total steps. */
typedef void assess_progress_fn(void *ctx, const char *phase, long done, long total);

/* Freezes the metrics of every unit of the round as of its period and
 * scores every automatic leaf (manual and appeal scores are kept), then
 * rolls up, grades and ranks; in one transaction of its own. 0, or a
 * DB_E_* code. progress may be NULL. */
int assess_round_compute(struct req *r, int64_t round_id, assess_progress_fn *progress, void *ctx);

/* Adds the round's units (active, not posts or party branches) with the
 * nearest ancestor among them as parent_id. Call inside a transaction. */
int assess_round_fill_units(struct req *r, int64_t round_id);

/* Recomputes own totals, rollup, grades and ranks of the whole round from
 * assess_round_scores. Call inside a transaction. 0, or a DB_E_* code. */
int assess_round_rollup(struct req *r, int64_t round_id);

/* ---- the pure arithmetic (scoring.c; unit-tested) ---- */

/* A deduction leaf: max(0, max − n × per_event). */
double assess_deduction(double max, double n, double per_event);
/* A bonus leaf: min(max, Σ counts[i] × per[i]), never below 0. */
double assess_bonus(double max, int n, const double *counts, const double *per);
/* Parses "national=3,provincial=2,..." into keys (static names) and per;
 * returns how many (at most cap). */
int assess_bonus_levels(const char *s, const char **keys, double *per, int cap);
/* The rollup of a unit with scored sub-units (docs/DECISIONS.md): own
 * points when it has none (nchildren 0), else (1 − share) × its own points
 * + share × the mean of its children's fractions of their maximum, scaled
 * to its own maximum; share (0 to 1) is the system's sub_share / 100. */
double assess_rollup(double own, double own_max, double share, int nchildren, const double *child_total,
		     const double *child_max);
/* The grade of total out of max: "excellent", "good", "pass" or "fail"
 * (static); vetoed or max ≤ 0 with total ≤ 0 gives "fail" (max ≤ 0 and
 * not vetoed: "pass"). Thresholds are percentages. */
const char *assess_grade(double total, double max, int vetoed, double th_excellent, double th_good,
			 double th_pass);
/* Competition ranks (1, 1, 3) of n totals, vetoed ones after every other
 * (ranked among themselves): rank[i]. */
void assess_rank(int n, const double *total, const int *vetoed, int *rank);

/* ---- showing ---- */

enum msg_id assess_round_state_label(const char *state);
enum msg_id assess_grade_label(const char *grade);
/* The explanation in the request's language, e.g. "−2: 4 overdue cases"
 * (arena). */
const char *assess_explain(struct req *r, const char *explanation, double points, double max);

extern const struct route assess_round_routes[], assess_score_routes[];
/* wenming assess-compute ROUND (module.c's command table) */
int cmd_assess_compute(struct config *cfg, int argc, char **argv);
int assess_rounds_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif
