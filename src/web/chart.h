/* chart.h — charts drawn on the server as inline SVG: no script, nothing
 * for the CSP to allow, crisp in print. Colours come from classes in
 * app.css (chart-s0 … chart-s3), so the look stays in one place. */
#ifndef WM_CHART_H
#define WM_CHART_H

#include <stdint.h>

struct req;

#define CHART_MAX_SERIES 4

struct chart_series {
	const char *label;
	const int64_t *values; /* one per category */
};

/* Horizontal grouped bars: one row per category, one bar per series, with
 * the value at the end of each bar and a legend. title is the accessible
 * name (and a visible caption). */
void chart_bars(struct req *r, const char *title, const char *const *categories, int ncat,
		const struct chart_series *series, int nseries);

#endif
