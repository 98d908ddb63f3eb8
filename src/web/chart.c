/* chart.c — see chart.h. Geometry is in SVG user units; the viewBox makes
 * the chart scale to its container. */
#include "chart.h"
#include "html.h"
#include "../http/http.h"

/* About how wide a label is drawn: 12 units a CJK character, 7 otherwise. */
static int label_width(const char *label)
{
	int w = 0;
	for (const unsigned char *c = (const unsigned char *)label; *c; c++)
		w += *c >= 0xE0 ? 12 : (*c & 0xC0) == 0x80 ? 0 : 7;
	return w;
}

/* One drawing of the chart. Wide: category labels in a column left of the
 * bars, 760 units across. Narrow, for phones: each label on a line above
 * its bars, 380 units across, so that text keeps its size on a 390 px
 * screen instead of scrolling sideways. */
static void bars_svg(struct req *r, const char *title, const char *const *cats, int ncat,
		     const struct chart_series *series, int nseries, int64_t max, int narrow)
{
	const int label_w = narrow ? 0 : 190, bar_h = 11, gap = 3, group_gap = 12, width = narrow ? 380 : 760;
	const int head_h = narrow ? 16 : 0; /* the label's line above a narrow group */
	const int plot_w = width - label_w - (narrow ? 40 : 60);
	int group_h = nseries * (bar_h + gap) - gap;
	/* the legend wraps onto more rows when its labels do not fit on one */
	int lx = label_w, rows = 1;
	for (int s = 0; s < nseries; s++) {
		int w = 16 + label_width(series[s].label) + 24;
		if (lx + w > width && lx > label_w) {
			rows++;
			lx = label_w;
		}
		lx += w;
	}
	const int legend_rows_h = rows * 20 + 8;
	int height = legend_rows_h + ncat * (head_h + group_h + group_gap) + 4;
	html(r, "<svg class=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%a\" xmlns=\"http://www.w3.org/2000/svg\">",
	     narrow ? "chart-narrow" : "chart-wide", width, height, title);
	int x = label_w, ly = 6;
	for (int s = 0; s < nseries; s++) {
		int w = 16 + label_width(series[s].label) + 24;
		if (x + w > width && x > label_w) {
			x = label_w;
			ly += 20;
		}
		html(r, "<rect class=\"chart-s%d\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" rx=\"2\"/>"
			"<text class=\"chart-legend\" x=\"%d\" y=\"%d\">%s</text>",
		     s, x, ly, x + 16, ly + 10, series[s].label);
		x += w;
	}
	for (int c = 0; c < ncat; c++) {
		int y = legend_rows_h + c * (head_h + group_h + group_gap);
		if (narrow)
			html(r, "<text class=\"chart-cat\" x=\"0\" y=\"%d\">%s</text>", y + 11, cats[c]);
		else
			html(r, "<text class=\"chart-cat\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", label_w - 10,
			     y + group_h / 2 + 4, cats[c]);
		y += head_h;
		for (int s = 0; s < nseries; s++) {
			int64_t v = series[s].values[c];
			int w = (int)((double)v / (double)max * plot_w);
			int by = y + s * (bar_h + gap);
			html(r, "<rect class=\"chart-s%d\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"2\"><title>%s: %N"
				"</title></rect><text class=\"chart-val\" x=\"%d\" y=\"%d\">%N</text>",
			     s, label_w, by, w > 0 ? w : 1, bar_h, series[s].label, v, label_w + w + 5, by + bar_h - 2, v);
		}
	}
	html(r, "</svg>");
}

void chart_bars(struct req *r, const char *title, const char *const *cats, int ncat,
		const struct chart_series *series, int nseries)
{
	if (nseries > CHART_MAX_SERIES)
		nseries = CHART_MAX_SERIES;
	int64_t max = 1;
	for (int s = 0; s < nseries; s++)
		for (int c = 0; c < ncat; c++)
			if (series[s].values[c] > max)
				max = series[s].values[c];
	/* both drawings: the style sheet shows the one that fits the screen */
	html(r, "<figure class=\"chart\"><figcaption>%s</figcaption>", title);
	bars_svg(r, title, cats, ncat, series, nseries, max, 0);
	bars_svg(r, title, cats, ncat, series, nseries, max, 1);
	html(r, "</figure>");
}
