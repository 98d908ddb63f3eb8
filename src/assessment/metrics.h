/* metrics.h — the modules' metrics seen from the assessment: every unit's
 * value of one metric at once from its shares (struct metric.shares,
 * src/module.h), folded up the unit tree, and the pages that list the
 * metrics of a unit and the records behind a value (metrics.c). */
#ifndef WM_ASSESS_METRICS_H
#define WM_ASSESS_METRICS_H

#include "../module.h"

/* Every unit's value of one metric, indexed by unit id (dense: ids up to
 * max_id). own_num / own_den are the unit's own shares, num / den the
 * subtree's (unit_tree), with unit 0's share (the records without a unit)
 * added to the top of the tree (parent_id IS NULL). */
struct metric_values {
	int64_t max_id;
	double *own_num, *own_den, *num, *den; /* arena, max_id + 1 each */
	double none_num, none_den;             /* unit 0's share */
	unsigned char *exists;                 /* 1 for the id of a unit */
};

/* Folds m's shares for the period (YYYY-MM-DD, both included) into out
 * (arena r->a). m->shares must not be NULL. 0, or a DB_E_* code. */
int assess_metric_fold(struct req *r, const struct metric *m, const char *from, const char *to,
		       struct metric_values *out);

/* The value of unit id in v by m's kind: Σnum, or Σnum / Σden (0 when Σden
 * is 0). */
double assess_metric_value(const struct metric *m, const struct metric_values *v, int64_t id);

/* The metrics page and the records page behind a value. */
extern const struct route assess_metric_routes[];

/* wenming metrics [--unit ID] [--from D --to D] [--check] */
int cmd_metrics(struct config *cfg, int argc, char **argv);

#endif
