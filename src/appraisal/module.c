/* module.c — the democratic appraisal module (民主評議): questionnaires on
 * the seven dimensions, campaigns, rater pools with a seeded stratified
 * draw, one-time ballot tokens with a QR sheet, the anonymous ballot page,
 * paper opinion forms, results per unit with a ranking, appeals. */
#include "../web/layout.h"
#include "appraisal.h"

extern const struct route appraisal_results_routes[];

const struct module appraisal_module = {
	.name = "appraisal",
	.migrations = "src/appraisal/migrations/",
	.types = (const struct record_type *const[]){&appraisal_questionnaires_type, &appraisal_questions_type,
						     &appraisal_campaigns_type, &appraisal_pools_type,
						     &appraisal_raters_type, &appraisal_appeals_type, NULL},
	.routes = (const struct route *const[]){appraisal_routes, appraisal_results_routes, appraisal_ballot_routes,
						NULL},
	.demo = appraisal_demo,
	.metrics = appraisal_metrics,
};
