/* results.h — the appraisal's results, counted in one place from the
 * running tally (appraisal_tally, appraisal_counts): the results page, its
 * workbook and the metrics show what appraisal_results computes. */
#ifndef WM_APPRAISAL_RESULTS_H
#define WM_APPRAISAL_RESULTS_H

#include "appraisal.h"

/* Levels map to 0-100: level l of k gives (l - 1) / (k - 1) × 100, so the
 * best is 100 and the worst 0 whatever the scale. A dimension's score is
 * the mean over its answers, the overall score the mean over all answers. */
struct unit_result {
	int64_t unit;
	const char *name;
	int64_t n;                  /* ballots */
	double dim[APPRAISAL_NDIM]; /* -1: no answer of that dimension */
	double overall;             /* -1: no ballot */
	int insufficient;           /* n below the campaign's minimum sample */
	int rank;                   /* 1.. among the sufficient; 0: none */
};

struct campaign_results {
	int64_t campaign;
	int64_t min_sample;
	int nunits;
	struct unit_result *units; /* ranked: sufficient by score, then the rest by name (arena) */
};

/* The units a campaign appraises: the root's subtree without the root,
 * only of the kinds listed (when any); ids ascending into *ids (arena).
 * Their number, or a negative DB_E_* code. */
int appraisal_units(struct req *r, int64_t campaign, int64_t **ids);
/* True when unit is one the campaign appraises. */
int appraisal_unit_in(struct req *r, int64_t campaign, int64_t unit);
/* Computes every appraised unit's results (arena): 0 or a DB_E_* code. */
int appraisal_results(struct req *r, int64_t campaign, struct campaign_results *out);

#endif
