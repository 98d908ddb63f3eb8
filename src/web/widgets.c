/* widgets.c — see widgets.h. */
#include "widgets.h"

#include <string.h>

int list_sort(struct req *r, const struct list_col *cols, int n, int dflt, int *desc)
{
	const char *s = req_query(r, "sort");
	*desc = 0;
	if (!s)
		return dflt;
	if (*s == '-') {
		*desc = 1;
		s++;
	}
	for (int i = 0; i < n; i++)
		if (cols[i].sort && strcmp(cols[i].sort, s) == 0)
			return i;
	*desc = 0;
	return dflt;
}

const char *url_with(struct req *r, const char *name, const char *value)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_puts(&b, r->path);
	char sep = '?';
	for (size_t i = 0; i < r->qs.n; i++) {
		const struct kv *k = &r->qs.v[i];
		if (strcmp(k->name, name) == 0 || (strcmp(name, "page") != 0 && strcmp(k->name, "page") == 0))
			continue;
		buf_putc(&b, sep);
		buf_url(&b, k->name, strlen(k->name));
		buf_putc(&b, '=');
		buf_url(&b, k->value, k->len);
		sep = '&';
	}
	if (value) {
		buf_putc(&b, sep);
		buf_url(&b, name, strlen(name));
		buf_putc(&b, '=');
		buf_url(&b, value, strlen(value));
	}
	return b.p;
}

const struct markup *table_wrap_open(struct req *r)
{
	/* a table wider than a phone scrolls inside this box: keyboard users
	 * reach it with Tab and scroll it with the arrow keys */
	return html_fmt(r, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"%T\">",
			M_a11y_table_scrolls);
}

const struct markup *field_required_mark(struct req *r)
{
	/* the asterisk is for the eye; screen readers hear the word */
	return html_fmt(r, "<span class=\"req\" aria-hidden=\"true\">*</span><span class=\"sr-only\">%T</span>",
			M_a11y_required);
}

void list_begin(struct req *r, const struct list_col *cols, int n, int sort, int desc)
{
	html(r, "%H<table class=\"list\"><thead><tr>", table_wrap_open(r));
	for (int i = 0; i < n; i++) {
		const struct markup *cls = cols[i].num ? MARKUP(" class=\"num\"") : NULL;
		if (!cols[i].sort) {
			html(r, "<th%H>%T</th>", cls, cols[i].label);
			continue;
		}
		int cur = i == sort;
		const char *next = cur && !desc ? arena_printf(r->a, "-%s", cols[i].sort) : cols[i].sort;
		html(r, "<th%H%H><a class=\"sort%H\" href=\"%a\">%T</a></th>", cls,
		     cur ? (desc ? MARKUP(" aria-sort=\"descending\"") : MARKUP(" aria-sort=\"ascending\"")) : MARKUP(""),
		     cur ? (desc ? MARKUP(" desc") : MARKUP(" asc")) : MARKUP(""), url_with(r, "sort", next), cols[i].label);
	}
	html(r, "</tr></thead><tbody>");
}

void list_end(struct req *r)
{
	html(r, "</tbody></table></div>");
}

void list_pager(struct req *r, int64_t total, int page, int per_page)
{
	int64_t pages = total ? (total + per_page - 1) / per_page : 1;
	html(r, "<nav class=\"pager\" aria-label=\"%T\"><span class=\"total\">", M_pagination);
	html(r, T(r, M_total_n), total);
	html(r, "</span>");
	char p[24];
	if (page > 1) {
		snprintf(p, sizeof p, "%d", page - 1);
		html(r, "<a class=\"btn\" rel=\"prev\" href=\"%a\">‹ %T</a>", url_with(r, "page", p), M_prev_page);
	} else {
		html(r, "<span class=\"btn disabled\">‹ %T</span>", M_prev_page);
	}
	html(r, "<span class=\"page-no\">");
	html(r, T(r, M_page_n_of_m), (int64_t)page, pages);
	html(r, "</span>");
	if (page < pages) {
		snprintf(p, sizeof p, "%d", page + 1);
		html(r, "<a class=\"btn\" rel=\"next\" href=\"%a\">%T ›</a>", url_with(r, "page", p), M_next_page);
	} else {
		html(r, "<span class=\"btn disabled\">%T ›</span>", M_next_page);
	}
	html(r, "</nav>");
}

void empty_state(struct req *r, enum msg_id title, enum msg_id detail, const char *href, enum msg_id action)
{
	html(r, "<div class=\"empty\"><p class=\"empty-title\">%T</p>", title);
	if (detail != M_NONE)
		html(r, "<p>%T</p>", detail);
	if (href)
		html(r, "<a class=\"btn btn-primary\" href=\"%a\">%T</a>", href, action);
	html(r, "</div>");
}

void field_input(struct req *r, const char *type, const char *name, enum msg_id label, const char *value,
		 enum msg_id err, int required, enum msg_id hint)
{
	html(r, "<div class=\"field%H\"><label for=\"f-%a\">%T%H</label>", err != M_NONE ? MARKUP(" has-error") : NULL, name,
	     label, required ? field_required_mark(r) : NULL);
	/* "decimal": a number input that takes fractions (step="any"); a bare
	 * number input refuses 4.5 in the browser */
	int decimal = strcmp(type, "decimal") == 0;
	html(r, "<input id=\"f-%a\" name=\"%a\" type=\"%a\"%H", name, name, decimal ? "number" : type,
	     decimal ? MARKUP(" step=\"any\"") : NULL);
	if (value && strcmp(type, "password") != 0)
		html(r, " value=\"%a\"", value);
	if (required)
		html(r, " required");
	if (strcmp(type, "password") == 0)
		html(r, " autocomplete=\"%s\"", strcmp(name, "password") == 0 ? "current-password" : "new-password");
	else if (strcmp(name, "username") == 0)
		html(r, " autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\"");
	/* The error and the hint are both read out with the field. */
	if (err != M_NONE)
		html(r, " aria-invalid=\"true\"");
	if (err != M_NONE || hint != M_NONE)
		html(r, " aria-describedby=\"%H%H\"", err != M_NONE ? html_fmt(r, "f-%a-err", name) : MARKUP(""),
		     hint != M_NONE ? html_fmt(r, "%sf-%a-hint", err != M_NONE ? " " : "", name) : MARKUP(""));
	html(r, ">");
	if (err != M_NONE)
		html(r, "<p class=\"error\" id=\"f-%a-err\">%T</p>", name, err);
	if (hint != M_NONE)
		html(r, "<p class=\"hint\" id=\"f-%a-hint\">%T</p>", name, hint);
	html(r, "</div>");
}

void field_select(struct req *r, const char *name, enum msg_id label, const char *const *values,
		  const enum msg_id *labels, int n, const char *current, int with_blank)
{
	html(r, "<div class=\"field\"><label for=\"f-%a\">%T</label><select id=\"f-%a\" name=\"%a\">", name, label,
	     name, name);
	if (with_blank)
		html(r, "<option value=\"\">%T</option>", M_any);
	for (int i = 0; i < n; i++)
		html(r, "<option value=\"%a\"%H>%T</option>", values[i],
		     current && strcmp(current, values[i]) == 0 ? MARKUP(" selected") : MARKUP(""), labels[i]);
	html(r, "</select></div>");
}

void form_errors(struct req *r, int nerrors)
{
	if (nerrors)
		html(r, "<div class=\"form-errors\" role=\"alert\"><p>%T</p></div>", M_form_has_errors);
}

void confirm_page(struct req *r, const char *title, const struct markup *question, enum msg_id detail,
		  const char *action, enum msg_id button, const char *back)
{
	page_heading(r, title, NULL);
	html(r, "<section class=\"card confirm\"><h2>%s</h2><p>%T</p><form method=\"post\" action=\"%a\">%H"
		"<button class=\"btn btn-danger\">%T</button> <a class=\"btn btn-plain\" href=\"%a\">%T</a></form>"
		"</section>",
	     question, detail, action, csrf_input(r), button, back, M_cancel);
}

void home_tile(struct req *r, const char *href, enum msg_id label, int64_t value, enum msg_id note, int warn)
{
	html(r, "<a class=\"tile%s\" href=\"%a\"><span class=\"tile-label\">%T</span><span class=\"tile-value\">%N</span>",
	     warn ? " tile-warn" : "", href, label, value);
	if (note != M_NONE)
		html(r, "<span class=\"tile-note\">%T</span>", note);
	html(r, "</a>");
}
