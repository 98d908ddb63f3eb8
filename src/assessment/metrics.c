/* metrics.c — the metrics every module offers the assessment, shown for a
 * unit's subtree and a period, and the records behind each value:
 *
 *   GET /assessment/metrics?unit=&from=&to=              every metric
 *   GET /assessment/metrics/NAME?unit=&from=&to=&page=   the records behind one
 *
 * Who: those who read the people register over the unit (the office, the
 * leaders, a unit's administrator in their subtree: records/period.h
 * checks the unit and the period, as on the modules' statistics pages).
 * The values are the metrics' own compute, the lists their records; this
 * file counts nothing itself. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../records/period.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "assessment.h"
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#define RECORDS_MAX 1000 /* listed behind one value */
#define PER_PAGE 50

static const char *day_text(struct req *r, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(r->a, cal_format_date(day, d));
}

/* The heading of a module's metrics. */
static enum msg_id module_label(const char *name)
{
	static const struct {
		const char *name;
		enum msg_id label;
	} labels[] = {
		{"org", M_assess_m_org},
		{"cases", M_assess_m_cases},
		{"inspections", M_assess_m_inspections},
		{"appraisal", M_assess_m_appraisal},
		{"rectification", M_assess_m_rectification},
		{"learning", M_assess_m_learning},
		{"honors", M_assess_m_honors},
		{"activities", M_assess_m_activities},
	};
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if (!strcmp(labels[i].name, name))
			return labels[i].label;
	return M_assess_m_other;
}

static void filters(struct req *r, const char *action, const struct stats_ask *a)
{
	html(r,
	     "<form class=\"filters\" method=\"get\" action=\"%a\"><div class=\"field\"><label "
	     "for=\"f-unit\">%T</label>",
	     action, M_assess_unit);
	unit_picker(r, "f-unit", "unit", arena_printf(r->a, "%lld", (long long)a->unit), 1, M_NONE, NULL);
	html(r,
	     "</div><div class=\"field\"><label for=\"f-from\">%T</label><input id=\"f-from\" name=\"from\" "
	     "type=\"date\" value=\"%a\"></div><div class=\"field\"><label for=\"f-to\">%T</label><input id=\"f-to\" "
	     "name=\"to\" type=\"date\" value=\"%a\"></div><div class=\"filter-actions\"><button "
	     "class=\"btn\">%T</button></div></form>",
	     M_assess_m_from, day_text(r, a->from), M_assess_m_to, day_text(r, a->to), M_assess_m_show);
}

static int metrics_page(struct req *r)
{
	struct stats_ask a;
	if (stats_ask_read(r, &people_type, &a))
		return 0;
	const char *from = day_text(r, a.from), *to = day_text(r, a.to);
	struct crumb c[] = {{"/assessment/systems", T(r, M_assess_systems)}, {NULL, T(r, M_assess_metrics)}};
	page_begin(r, T(r, M_assess_metrics), c, 2);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, M_assess_metrics), a.unit_name), NULL);
	filters(r, "/assessment/metrics", &a);
	html(r, "<p class=\"hint\">%T</p>", M_assess_metrics_lead);
	static const struct list_col cols[] = {
		{M_assess_m_label, NULL, 0}, {M_assess_m_name, NULL, 0}, {M_assess_m_value, NULL, 1}};
	for (const struct module *const *mod = app_modules; *mod; mod++) {
		const struct metric *m = (*mod)->metrics;
		if (!m || !m->name)
			continue;
		html(r, "<section class=\"card\" id=\"m-%a\"><h2>%T</h2>", (*mod)->name, module_label((*mod)->name));
		list_begin(r, cols, 3, -1, 0);
		for (; m->name; m++) {
			double v = 0;
			int rc = m->compute(r, a.unit, from, to, &v);
			html(r,
			     "<tr data-metric=\"%a\"><td class=\"card-title\">%T</td><td "
			     "data-label=\"%T\"><code>%s</code></td>",
			     m->name, m->label, M_assess_m_name, m->name);
			if (rc)
				html(r, "<td class=\"num\" data-label=\"%T\">%T</td></tr>", M_assess_m_value,
				     M_assess_metric_failed);
			else
				html(r,
				     "<td class=\"num\" data-label=\"%T\"><a class=\"m-value\" "
				     "href=\"/assessment/metrics/%u?unit=%D&amp;from=%u&amp;to=%u\">%s</a></td></tr>",
				     M_assess_m_value, m->name, a.unit, from, to, assess_num(r, v));
		}
		list_end(r);
		html(r, "</section>");
	}
	page_end(r);
	return 0;
}

struct rec_list {
	struct req *r;
	struct metric_record *v;
	int n;
};

static int rec_keep(void *p, const struct metric_record *rec)
{
	struct rec_list *l = p;
	if (l->n >= RECORDS_MAX)
		return 1;
	l->v[l->n++] = *rec;
	return 0;
}

static int metric_page(struct req *r)
{
	const char *name = req_param(r, "name");
	const struct metric *m = name ? module_metric_find(name) : NULL;
	if (!m)
		return req_fail(r, 404, M_assess_m_no_such);
	struct stats_ask a;
	if (stats_ask_read(r, &people_type, &a))
		return 0;
	int page = 1;
	const char *p = req_query(r, "page");
	if (p && *p) {
		char *end;
		long v = strtol(p, &end, 10);
		if (*end || v < 1 || v > RECORDS_MAX)
			return req_fail(r, 400, M_assess_m_bad_page);
		page = (int)v;
	}
	const char *from = day_text(r, a.from), *to = day_text(r, a.to);
	double value = 0;
	if (m->compute(r, a.unit, from, to, &value))
		return req_fail(r, 503, M_err_db_down);
	struct rec_list l = {r, NULL, 0};
	if (m->records) {
		l.v = arena_alloc(r->a, RECORDS_MAX * sizeof *l.v);
		if (m->records(r, a.unit, from, to, RECORDS_MAX, rec_keep, &l))
			return req_fail(r, 503, M_err_db_down);
	}
	const char *back =
		arena_printf(r->a, "/assessment/metrics?unit=%lld&from=%s&to=%s", (long long)a.unit, from, to);
	struct crumb c[] = {{"/assessment/systems", T(r, M_assess_systems)},
			    {back, T(r, M_assess_metrics)},
			    {NULL, T(r, m->label)}};
	page_begin(r, T(r, m->label), c, 3);
	page_heading(r, arena_printf(r->a, "%s · %s", T(r, m->label), a.unit_name), NULL);
	filters(r, arena_printf(r->a, "/assessment/metrics/%s", m->name), &a);
	html(r,
	     "<section class=\"card\"><dl class=\"props m-summary\"><dt>%T</dt><dd><code>%s</code></dd><dt>%T</dt><dd "
	     "class=\"m-value\" data-value=\"%a\">%s</dd><dt>%T</dt><dd>%s – %s</dd></dl><p class=\"hint\">%T</p>",
	     M_assess_m_name, m->name, M_assess_m_value, arena_printf(r->a, "%.12g", value), assess_num(r, value),
	     M_assess_m_period, from, to, m->kind == METRIC_SUM ? M_assess_m_sum_lead : M_assess_m_rate_lead);
	if (!m->records) {
		html(r, "<p>%T</p></section>", M_assess_m_no_records_kind);
		page_end(r);
		return 0;
	}
	if (!l.n) {
		empty_state(r, M_assess_m_no_records, M_NONE, NULL, M_NONE);
		html(r, "</section>");
		page_end(r);
		return 0;
	}
	static const struct list_col cols[] = {
		{M_assess_m_record, NULL, 0}, {M_assess_m_day, NULL, 0}, {M_assess_m_weight, NULL, 1}};
	list_begin(r, cols, 3, -1, 0);
	for (int i = (page - 1) * PER_PAGE; i < l.n && i < page * PER_PAGE; i++)
		html(r,
		     "<tr class=\"m-record\"><td class=\"card-title\"><a href=\"%a\">%s</a></td><td data-label=\"%T\" "
		     "class=\"mono\">%s</td><td class=\"num\" data-label=\"%T\">%s</td></tr>",
		     l.v[i].path, l.v[i].title, M_assess_m_day, l.v[i].day ? l.v[i].day : "—", M_assess_m_weight,
		     assess_num(r, l.v[i].weight));
	list_end(r);
	list_pager(r, l.n, page, PER_PAGE);
	if (l.n >= RECORDS_MAX)
		html(r, "<p class=\"hint\">%T</p>", M_assess_m_first_only);
	html(r, "</section>");
	page_end(r);
	return 0;
}

const struct route assess_metric_routes[] = {
	{"GET", "/assessment/metrics", metrics_page, P_SIGNED_IN, 0, "assessment metrics"},
	{"GET", "/assessment/metrics/{name:str}", metric_page, P_SIGNED_IN, 0, "assessment metric records"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
