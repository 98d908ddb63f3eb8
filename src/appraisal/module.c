/* module.c — the democratic appraisal module (民主評議): questionnaires on
 * the seven dimensions, campaigns, rater pools with a seeded stratified
 * draw, one-time ballot tokens with a QR sheet, the anonymous ballot page,
 * paper opinion forms, results per unit with a ranking, appeals. */
#include "../web/layout.h"
#include "appraisal.h"

extern const struct route appraisal_results_routes[];

/* Everyone who takes part from inside: the office and leaders read, the
 * units enter paper forms and read their published results. */
static int may_see(struct req *r, const void *ctx)
{
	(void)ctx;
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (r->user->grants[i].role != ROLE_SUPERVISOR)
			return 1;
	return 0;
}

static const struct nav_item nav[] = {
	{.path = "/appraisal",
	 .label = M_appr_campaigns,
	 .perm = P_SIGNED_IN,
	 .icon = "M12 2l3.09 6.26L22 9.27l-5 4.87 1.18 6.88L12 17.77l-6.18 3.25L7 14.14 2 9.27l6.91-1.01z",
	 .visible = may_see,
	 .order = 250},
	{.path = NULL},
};

const struct module appraisal_module = {
	.name = "appraisal",
	.migrations = "src/appraisal/migrations/",
	.types = (const struct record_type *const[]){&appraisal_questionnaires_type, &appraisal_questions_type,
						     &appraisal_campaigns_type, &appraisal_pools_type,
						     &appraisal_raters_type, &appraisal_appeals_type, NULL},
	.routes = (const struct route *const[]){appraisal_routes, appraisal_results_routes, appraisal_ballot_routes,
						NULL},
	.nav = nav,
	.demo = appraisal_demo,
	.metrics = appraisal_metrics,
};
