/* pages.c — the global search: GET /search (the page) and
 * GET /api/v1/search (JSON). Both validate the query the same way, run
 * search_run for the signed-in user and show only what it returns; neither
 * touches the index itself. */
#include "search.h"
#include "../web/widgets.h"

#include <string.h>

/* The status and message for a query search_run could not run (0 when it
 * ran, or when there was nothing to search for). */
static int refusal(int rc, enum msg_id *m)
{
	if (rc >= 0 || rc == SEARCH_EMPTY)
		return 0;
	*m = rc == SEARCH_TOO_LONG ? M_err_query_too_long : rc == SEARCH_INVALID ? M_search_bad_query : M_err_db_down;
	return rc == SEARCH_TOO_LONG || rc == SEARCH_INVALID ? 400 : 503;
}

static const char *hit_title(struct req *r, const struct search_hit *h)
{
	return *h->title ? h->title : arena_printf(r->a, "%s #%lld", T(r, h->type->one), (long long)h->id);
}

static void results(struct req *r, const struct search_hit *hits, int n, const char *normalized, int partial)
{
	html(r, "<p class=\"muted\">%s · %s</p>", arena_printf(r->a, T(r, M_search_normalized), normalized),
	     n == 1 ? T(r, M_search_count_one) : arena_printf(r->a, T(r, M_search_count), n));
	if (partial && n < SEARCH_MAX_HITS)
		html(r, "<div class=\"flash flash-info\" role=\"status\">%s</div>",
		     arena_printf(r->a, T(r, M_search_partial), SEARCH_SHORT_WINDOW));
	if (n == 0) {
		empty_state(r, M_search_no_results, M_search_no_results_hint, NULL, M_NONE);
		return;
	}
	/* grouped by type, in the registry's order; within a type the order
	 * search_run gave (title matches first) */
	static const struct list_col cols[] = {{M_search_col_title, NULL, 0}, {M_search_col_type, NULL, 0}};
	for (int k = 0; k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		int count = 0;
		for (int i = 0; i < n; i++)
			count += hits[i].type == t;
		if (!count)
			continue;
		html(r, "<section class=\"card\" aria-labelledby=\"sr-%a\"><h2 id=\"sr-%a\">%T <span class=\"muted\">(%d)</span>"
			"</h2>",
		     t->name, t->name, t->many, count);
		list_begin(r, cols, 2, -1, 0);
		for (int i = 0; i < n; i++)
			if (hits[i].type == t)
				html(r, "<tr><td><a href=\"/r/%u/%D\">%s</a></td><td>%T</td></tr>", t->name, hits[i].id,
				     hit_title(r, &hits[i]), t->one);
		list_end(r);
		html(r, "</section>");
	}
	if (n >= SEARCH_MAX_HITS)
		html(r, "<p class=\"muted\">%s</p>", arena_printf(r->a, T(r, M_search_truncated), SEARCH_MAX_HITS));
}

static int search_page(struct req *r)
{
	const char *q = req_query(r, "q");
	struct search_hit *hits = NULL;
	const char *normalized = "";
	int partial = 0;
	int n = search_run(r, q, &hits, &normalized, &partial);
	enum msg_id m = M_NONE;
	int status = refusal(n, &m);
	if (status)
		return req_fail(r, status, m);
	const char *title = T(r, M_search_title);
	struct crumb c[] = {{NULL, title}};
	page_begin(r, title, c, 1);
	page_heading(r, title, NULL);
	html(r, "<form class=\"filters\" role=\"search\" method=\"get\" action=\"/search\"><div class=\"field\">"
		"<label for=\"f-q\">%T</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"%a\" maxlength=\"%d\" "
		"aria-describedby=\"f-q-hint\"><p class=\"hint\" id=\"f-q-hint\">%T</p></div>"
		"<div class=\"filter-actions\"><button class=\"btn btn-primary\">%T</button></div></form>",
	     M_search_label, q ? q : "", SEARCH_MAX_QUERY, M_search_hint, M_search_button);
	if (n == SEARCH_EMPTY)
		empty_state(r, M_search_start, M_search_start_hint, NULL, M_NONE);
	else
		results(r, hits, n, normalized, partial);
	page_end(r);
	return 0;
}

static int search_json(struct req *r)
{
	const char *q = req_query(r, "q");
	struct search_hit *hits = NULL;
	const char *normalized = "";
	int partial = 0;
	int n = search_run(r, q, &hits, &normalized, &partial);
	if (n == SEARCH_EMPTY)
		return req_fail(r, 400, M_search_empty_query);
	enum msg_id m = M_NONE;
	int status = refusal(n, &m);
	if (status)
		return req_fail(r, status, m);
	req_json_begin(r, 200);
	struct buf *b = &r->out;
	buf_puts(b, "{\"data\":[");
	for (int i = 0; i < n; i++) {
		buf_printf(b, "%s{\"type\":", i ? "," : "");
		buf_json_str(b, hits[i].type->name);
		buf_printf(b, ",\"id\":%lld,\"title\":", (long long)hits[i].id);
		buf_json_str(b, hit_title(r, &hits[i]));
		buf_printf(b, ",\"url\":\"/r/%s/%lld\"}", hits[i].type->name, (long long)hits[i].id);
	}
	buf_puts(b, "],\"query\":");
	buf_json_str(b, q);
	buf_puts(b, ",\"normalized\":");
	buf_json_str(b, normalized);
	buf_printf(b, ",\"truncated\":%s,\"partial\":%s}\n", n >= SEARCH_MAX_HITS ? "true" : "false",
		   partial ? "true" : "false");
	return 0;
}

/* Before records_api_routes: /api/v1/{type:str} would take /api/v1/search. */
const struct route search_routes[] = {
	{"GET", "/search", search_page, P_SIGNED_IN, 0, "search"},
	{"GET", "/api/v1/search", search_json, P_SIGNED_IN, 0, "api search"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
