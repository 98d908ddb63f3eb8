/* demo.h — the cases module's demo: a city transport bureau's category
 * catalogue and a year of cases from every channel, with their full event
 * history (demo.c). Runs after the organization's demo, on its units. */
#ifndef WM_CASES_DEMO_H
#define WM_CASES_DEMO_H

#include <stddef.h>

struct db;
struct demo_options;

/* About how many cases a year the demo receives. */
#define CASES_DEMO_PER_YEAR 3000

/* Loads the catalogue and the cases of the 365 days up to today into a
 * database holding the organization's demo and no cases, in one
 * transaction with one audit entry, and prints a summary. 0, or -1 /
 * DEMO_E_NOT_EMPTY / a DB_E_* code with a message in err. */
int cases_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif
