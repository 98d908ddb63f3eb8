/* stats.h — the cases' statistics (三率 and more) for a unit's subtree over
 * a period: one function computes every figure, and the page
 * (/cases/stats), its workbook (/cases/stats.xlsx), the API
 * (/api/v1/stats/cases) and the assessment's metrics all call it.
 *
 * Which cases count: archived = 0, received_at (unix seconds) on a day
 * from..to in the server's time zone (both days included), and unit_id in
 * the chosen unit's subtree (unit_tree); with `unassigned`, cases without
 * a unit too (registered or returned, with the office): the organization
 * sees them when its top unit is chosen. The figures:
 *
 *   received           every such case, merged ones included
 *   counted            received - merged (a merged case lives on in the
 *                      case it was merged into)
 *   dispatched         counted, dispatched_at set, state not 'returned'
 *                      (a returned case waits to be dispatched again)
 *   accepted_on_time   dispatched, accepted_at set, accepted_on_time = 1
 *   response rate      accepted_on_time / dispatched
 *   closed             counted, state 'closed'
 *   resolution rate    closed / counted
 *   rated              counted, rating set, rating_void = 0 (an upheld
 *                      appeal sets a rating aside)
 *   satisfied          rated, rating '5' or '4'
 *   satisfaction rate  satisfied / rated
 *   answered           counted, answered_at set (answered by the unit, or
 *                      resolved by the office; a reopened case is not)
 *   answered_on_time   answered, answered_on_time = 1
 *   on-time rate       answered_on_time / answered
 *   avg handling days  mean of handling_days (working days from receipt to
 *                      answer) over answered cases that have it
 *   open               counted, state neither 'closed' nor 'merged'
 *   overdue            open, due before min(to, today) (past due at `to`,
 *                      as far as today's state tells)
 * A rate whose denominator is 0 is undefined (-1 here, null in JSON, "—"
 * on the page). Rates are percentages.
 *
 * The breakdowns count received cases (merged included) by channel, kind,
 * category and current state. The months: for each calendar month of the
 * period, cases received in it and cases closed in it (closed_at in the
 * month and in the period, whatever their date of receipt). */
#ifndef WM_CASES_STATS_H
#define WM_CASES_STATS_H

#include <stdint.h>

#include "../module.h"

struct case_figures {
	int64_t received, merged, counted, dispatched, accepted_on_time, closed, rated, satisfied, answered,
		answered_on_time, handling_days, handled, open, overdue;
	/* percentages, or -1 when undefined */
	double response_rate, resolution_rate, satisfaction_rate, on_time_rate;
	double avg_handling_days; /* -1 when no case was handled */
};

struct case_count {
	int64_t id;       /* a category's id; 0 for enum codes */
	const char *code; /* an enum code, or a category's name */
	int64_t n;
};

struct case_month {
	int year, month;
	int64_t received, closed;
};

struct case_unit_figures {
	int64_t id;
	const char *name;
	struct case_figures f;
};

/* Everything lives in the request's arena. */
struct case_stats {
	int64_t unit;
	const char *unit_name;
	int64_t from, to; /* day numbers */
	int unassigned;
	struct case_figures all;
	/* parallel to case_channels, case_kinds and case_states */
	int64_t *by_channel, *by_kind, *by_state;
	struct case_count *by_category; /* most first */
	int ncategories;
	struct case_month *months;
	int nmonths;
	/* the direct sub-units, then (own = 1) the unit's own cases outside
	 * them (and the unassigned ones) so that the rows add up */
	struct case_unit_figures *units;
	int nunits;
	struct case_figures own;
};

/* The figures of unit's subtree for cases received on days from..to (day
 * numbers), with the unit-less cases when unassigned; with detail, the
 * breakdowns, the months and the sub-units too. today is the day the
 * overdue count compares with (min(to, today)). 0, or a DB_E_* code. */
int case_stats_compute(struct req *r, int64_t unit, int64_t from, int64_t to, int64_t today, int unassigned, int detail,
		       struct case_stats *out);

extern const struct metric case_metrics[];
extern const struct route case_stats_routes[];

#endif
