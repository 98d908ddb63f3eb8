/* assessment.h — the quantified assessment module (量化考核): the yearly
 * indicator systems (指標體系) with their tree of indicators and scoring
 * methods, and the formula language the formulas are written in
 * (expr.h). Contracts and assessment rounds build on these tables.
 *
 * Tables other modules may read (migrations/001_indicators.sql):
 *   assess_systems (id, year, version, name, state, total_points, based_on)
 *     state: draft, in_use, superseded; one draft and one in_use per year
 *   assess_indicators (id, system_id, parent_id, origin_id, level, position,
 *     name, max_points, standard, evidence, method, formula, metric,
 *     per_event, bonus_levels)
 *     a leaf is an indicator without children; origin_id follows one
 *     indicator across versions and years
 *   assess_weights (indicator_id, unit_kind, max_points) */
#ifndef WM_ASSESSMENT_H
#define WM_ASSESSMENT_H

#include "../platform/platform.h"
#include "expr.h"

extern const struct module assessment_module;
extern const struct route assess_system_routes[], assess_indicator_routes[];

/* True for an admin or office grant over the whole organization: the
 * ones who edit indicator systems. */
int assess_is_office(struct req *r);

/* Parses a formula against the metrics of every module (module_metric_find).
 * Caller frees with expr_free; NULL with err filled. */
struct expr *assess_formula_parse(const char *src, struct expr_error *err);

/* The text of a formula error in the request's language:
 * "at character 9: There is no metric named overdue_case" (arena). */
const char *assess_formula_error(struct req *r, const struct expr_error *err);

/* Copies system src_id and its tree as a new draft of year (version
 * version, based_on src_id): the new id, or a negative DB_E_* code. Call
 * inside a transaction. */
int64_t assess_system_copy(struct req *r, int64_t src_id, int year, int version);

/* "12", "2.5" (arena). */
const char *assess_num(struct req *r, double v);

int assessment_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif
