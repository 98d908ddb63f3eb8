/* portal.c — the public portal, for people without an account, phone
 * first: /public/ files a complaint, suggestion, praise, tip-off or
 * question under a public category (with the category's extra fields, a
 * place and map point, and contact details or none), and gives a tracking
 * code; /public/track shows the case's progress and public replies for that
 * code and takes the submitter's rating once the case is closed.
 *
 * Abuse is held off without a third party: a limit of submissions per
 * address (in the database, so every server process counts the same), a
 * honeypot field, a minimum time to fill the form (a signed timestamp), a
 * duplicate-text check, and a limit of failed code look-ups per address.
 *
 * The tracking page never shows contact details, the names of the staff who
 * handled the case or internal notes: only the public events
 * (wf_events_json's public view). Registering goes through case_submit and
 * rating through the workflow (wf_take as WF_SUBMITTER), like every other
 * channel. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../records/files.h"
#include "../records/workflow.h"
#include "../web/html.h"
#include "../web/layout.h"
#include "../web/widgets.h"
#include "cases.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds a person takes at least to fill the form; and how long a form
 * stays good. */
#define PORTAL_MIN_FILL 3
#define PORTAL_FORM_TTL (2 * 86400)
/* Submissions from one address: 5 in 10 minutes, 20 in a day. */
#define PORTAL_BURST 5
#define PORTAL_BURST_WINDOW 600
#define PORTAL_DAILY 20
#define PORTAL_DAY 86400
/* The same description again within a day is a duplicate. */
#define PORTAL_DUP_WINDOW 86400
/* Failed tracking-code look-ups from one address: 20 an hour. */
#define PORTAL_LOOKUP_FAILS 20
#define PORTAL_LOOKUP_WINDOW 3600
/* Extra fields: a category's at most, and a value's characters. */
#define PORTAL_ATTRS_MAX 32
#define PORTAL_ATTR_CHARS 1000
/* Photos with a case, at most. */
#define PORTAL_PHOTOS_MAX 6

/* ---- language, links ---- */

/* ?lang= chooses the language of this page and, for a visitor, the next
 * ones too (the cookie the language switch sets). */
static void portal_lang(struct req *r)
{
	const char *q = req_query(r, "lang");
	int l = q ? lang_parse(q) : -1;
	if (l < 0)
		return;
	r->lang = (enum lang)l;
	if (!r->user)
		req_cookie_set(r, "wm_lang", lang_code((enum lang)l), 365L * 86400);
}

/* Where the language switch returns: a GET page as it is (without lang=),
 * a POST's answer to the page its form came from. */
static const char *back_here(struct req *r, const char *get_path)
{
	return strcmp(r->method, "GET") ? get_path : url_with(r, "lang", NULL);
}

void case_portal_begin(struct req *r, const char *title, const char *get_path)
{
	const struct markup *cur = MARKUP(" aria-current=\"page\"");
	const struct markup *nav = html_fmt(r,
					    "<nav class=\"public-nav\" aria-label=\"%T\"><a href=\"/public/\"%H>%T</a>"
					    "<a href=\"/public/track\"%H>%T</a><a href=\"/public/units\"%H>%T</a></nav>",
					    M_portal_nav, strcmp(get_path, "/public/") ? NULL : cur, M_portal_new,
					    strcmp(get_path, "/public/track") ? NULL : cur, M_portal_track,
					    strcmp(get_path, "/public/units") ? NULL : cur, M_portal_units);
	page_public_begin(r, title, "/public/", back_here(r, get_path), nav);
}

/* ---- counting what addresses do (case_portal_hits) ---- */

static int64_t hits_since(struct req *r, const char *kind, int64_t since)
{
	return db_one_int64(req_db(r), 0,
			    "SELECT count(*) FROM case_portal_hits WHERE kind = ? "
			    "AND ip = ? AND at >= ?",
			    "ssi", kind, r->ip, since);
}

/* Seconds until the address may again, when it has max hits of kind in
 * the last window seconds; 0 when it may now. */
static int64_t hits_wait(struct req *r, const char *kind, int max, int64_t window, int64_t now)
{
	if (hits_since(r, kind, now - window) < max)
		return 0;
	/* the hit whose leaving the window frees a place */
	int64_t at = db_one_int64(req_db(r), now,
				  arena_printf(r->a,
					       "SELECT at FROM case_portal_hits WHERE kind = ? AND ip = ? "
					       "AND at >= ? ORDER BY at DESC LIMIT 1 OFFSET %d",
					       max - 1),
				  "ssi", kind, r->ip, now - window);
	int64_t wait = at + window - now;
	return wait > 0 ? wait : 1;
}

static int hits_add(struct req *r, const char *kind, const char *digest, int64_t category, int64_t case_id, int64_t now)
{
	int rc = db_run(req_db(r), "DELETE FROM case_portal_hits WHERE at < ?", "i", now - 2 * PORTAL_DAY);
	if (!rc)
		rc = db_run(req_db(r),
			    "INSERT INTO case_portal_hits (kind, ip, at, digest, "
			    "category_id, case_id) VALUES (?, ?, ?, ?, ?, ?)",
			    "ssisii", kind, r->ip, now, digest, category, case_id);
	return rc;
}

/* The 429 page: a message in the visitor's language and Retry-After. */
static int too_many(struct req *r, int64_t wait, enum msg_id why, const char *get_path)
{
	buf_reset(&r->out);
	r->status = 429;
	req_header_add(r, "Retry-After: %lld", (long long)wait);
	case_portal_begin(r, T(r, M_err_429), get_path);
	int64_t minutes = (wait + 59) / 60;
	html(r,
	     "<section class=\"card public-card\"><h1>%T</h1><p>%T</p>"
	     "<p class=\"muted\">%T %D</p></section>",
	     M_err_429, why, M_portal_retry_minutes, minutes);
	page_public_end(r);
	return 0;
}

/* ---- the form's timestamp: signed, so that it cannot be made up ---- */

static const char *stamp_make(struct req *r, int64_t t)
{
	char text[32];
	snprintf(text, sizeof text, "portal:%lld", (long long)t);
	unsigned char mac[crypto_auth_BYTES];
	crypto_auth(mac, (const unsigned char *)text, strlen(text), r->app->secret);
	char hex[2 * 16 + 1];
	sodium_bin2hex(hex, sizeof hex, mac, 16);
	return arena_printf(r->a, "%lld.%s", (long long)t, hex);
}

/* The time in a stamp, or 0 when it is not one of ours. */
static int64_t stamp_time(struct req *r, const char *s)
{
	if (!s || strlen(s) > 60)
		return 0;
	char *end;
	errno = 0;
	long long t = strtoll(s, &end, 10);
	if (errno || end == s || *end != '.' || t <= 0)
		return 0;
	const char *want = stamp_make(r, (int64_t)t);
	size_t n = strlen(want);
	return strlen(s) == n && !sodium_memcmp(s, want, n) ? (int64_t)t : 0;
}

/* ---- categories and their extra fields ---- */

struct category {
	int64_t id;
	const char *name, *group;
};

/* The public categories, by group then name (arena); their number. */
static int categories(struct req *r, struct category **out)
{
	int n = 0, cap = 16;
	struct category *c = arena_alloc(r->a, (size_t)cap * sizeof *c);
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, name, group_name FROM case_categories WHERE public "
				     "= 1 AND archived = 0 "
				     "ORDER BY group_name, name, id",
				     "");
	while (q && db_step(q) == DB_ROW) {
		if (n == cap) {
			struct category *m = arena_alloc(r->a, (size_t)cap * 2 * sizeof *m);
			memcpy(m, c, (size_t)n * sizeof *c);
			c = m, cap *= 2;
		}
		c[n].id = db_column_int64(q, 0);
		c[n].name = arena_strdup(r->a, db_column_text(q, 1));
		c[n].group = db_column_isnull(q, 2) ? "" : arena_strdup(r->a, db_column_text(q, 2));
		n++;
	}
	*out = c;
	return n;
}

static const struct category *category_find(const struct category *c, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (c[i].id == id)
			return &c[i];
	return NULL;
}

struct attr {
	const char *code, *label, *type, *choices;
	int required;
};

/* The extra fields of a category, in order, at most PORTAL_ATTRS_MAX. */
static int attrs_of(struct req *r, int64_t category, struct attr *out)
{
	int n = 0;
	if (category <= 0)
		return 0;
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT code, label, datatype, required, choices FROM "
				     "case_attributes WHERE category_id = ? "
				     "AND archived = 0 ORDER BY position, id",
				     "i", category);
	while (q && db_step(q) == DB_ROW && n < PORTAL_ATTRS_MAX) {
		out[n].code = arena_strdup(r->a, db_column_text(q, 0));
		out[n].label = arena_strdup(r->a, db_column_text(q, 1));
		out[n].type = arena_strdup(r->a, db_column_text(q, 2));
		out[n].required = db_column_int64(q, 3) != 0;
		out[n].choices = arena_strdup(r->a, db_column_text(q, 4));
		n++;
	}
	return n;
}

/* The k-th "code=name" line of choices: 1 with code and name (arena), 0
 * past the last. A line without "=" is its own code and name. */
static int choice_at(struct req *r, const char *choices, int k, const char **code, const char **name)
{
	const char *p = choices ? choices : "";
	for (int i = 0; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = arena_strndup(r->a, p, len);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = 0;
		while (*line == ' ')
			line++;
		if (*line) {
			if (i == k) {
				char *eq = strchr(line, '=');
				if (eq) {
					*eq = 0;
					*code = line;
					*name = eq + 1;
				} else {
					*code = *name = line;
				}
				return 1;
			}
			i++;
		}
		p += e ? len + 1 : len;
	}
	return 0;
}

static int choice_ok(struct req *r, const struct attr *a, const char *v)
{
	const char *code, *name;
	for (int k = 0; choice_at(r, a->choices, k, &code, &name); k++)
		if (!strcmp(code, v))
			return 1;
	return 0;
}

static const char *attr_name(struct req *r, const struct attr *a)
{
	return arena_printf(r->a, "x_%s", a->code);
}

/* Is v, a value the form sent, one of the submitted values of name? */
static int form_has(struct req *r, const char *name, const char *v)
{
	for (size_t i = 0; i < r->form.n; i++)
		if (!strcmp(r->form.v[i].name, name) && !strcmp(r->form.v[i].value, v))
			return 1;
	return 0;
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Checks one extra field's value(s) as the form sent them and adds them to
 * o: M_NONE when fine. */
static enum msg_id attr_read(struct req *r, const struct attr *a, json_t *o)
{
	const char *name = attr_name(r, a);
	if (!strcmp(a->type, "multivaluelist")) {
		json_t *arr = json_array();
		for (size_t i = 0; i < r->form.n; i++) {
			const struct kv *k = &r->form.v[i];
			if (strcmp(k->name, name) || !*k->value)
				continue;
			if (!choice_ok(r, a, k->value)) {
				json_decref(arr);
				return M_rec_bad_choice;
			}
			json_array_append_new(arr, json_string(k->value));
		}
		if (!json_array_size(arr)) {
			json_decref(arr);
			return a->required ? M_required : M_NONE;
		}
		json_object_set_new(o, a->code, arr);
		return M_NONE;
	}
	const char *v = req_form(r, name);
	if (blank(v))
		return a->required ? M_required : M_NONE;
	if (!utf8_valid(v, strlen(v)))
		return M_err_bad_utf8;
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 && !(!strcmp(a->type, "text") && (*c == '\n' || *c == '\r' || *c == '\t')))
			return M_rec_control_chars;
	if (chars(v) > PORTAL_ATTR_CHARS)
		return M_rec_bad_length;
	if (!strcmp(a->type, "number")) {
		char *end;
		errno = 0;
		double d = strtod(v, &end);
		while (*end == ' ')
			end++;
		if (errno || end == v || *end || !isfinite(d))
			return M_rec_not_number;
	} else if (!strcmp(a->type, "datetime")) {
		int y, mo, d, h, mi;
		char sep, extra;
		if (sscanf(v, "%4d-%2d-%2d%c%2d:%2d%c", &y, &mo, &d, &sep, &h, &mi, &extra) != 6 ||
		    (sep != 'T' && sep != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
		    mi > 59)
			return M_rec_bad_datetime;
	} else if (!strcmp(a->type, "singlevaluelist")) {
		if (!choice_ok(r, a, v))
			return M_rec_bad_choice;
	}
	json_object_set_new(o, a->code, json_string(v));
	return M_NONE;
}

static void attr_widget(struct req *r, const struct attr *a, enum msg_id err)
{
	const char *name = attr_name(r, a);
	const char *v = req_form(r, name);
	const struct markup *req = a->required ? field_required_mark(r) : NULL;
	const struct markup *attrs = html_fmt(r, "%H%H", a->required ? MARKUP(" required") : NULL,
					      err != M_NONE ? html_fmt(r,
								       " aria-invalid=\"true\" "
								       "aria-describedby=\"f-%a-err\"",
								       name)
							    : NULL);
	const char *code, *label;
	if (!strcmp(a->type, "multivaluelist")) {
		html(r, "<fieldset class=\"field choices%H\"><legend>%s%H</legend>",
		     err != M_NONE ? MARKUP(" has-error") : NULL, a->label, req);
		for (int k = 0; choice_at(r, a->choices, k, &code, &label); k++)
			html(r,
			     "<label class=\"check\"><input type=\"checkbox\" name=\"%a\" "
			     "value=\"%a\"%H> %s</label>",
			     name, code, form_has(r, name, code) ? MARKUP(" checked") : NULL, label);
	} else {
		html(r, "<div class=\"field%H\"><label for=\"f-%a\">%s%H</label>",
		     err != M_NONE ? MARKUP(" has-error") : NULL, name, a->label, req);
		if (!strcmp(a->type, "text")) {
			html(r,
			     "<textarea id=\"f-%a\" name=\"%a\" rows=\"3\" "
			     "maxlength=\"%d\"%H>%s</textarea>",
			     name, name, PORTAL_ATTR_CHARS, attrs, v ? v : "");
		} else if (!strcmp(a->type, "singlevaluelist")) {
			html(r,
			     "<select id=\"f-%a\" name=\"%a\"%H><option "
			     "value=\"\">%T</option>",
			     name, name, attrs, M_portal_choose);
			for (int k = 0; choice_at(r, a->choices, k, &code, &label); k++)
				html(r, "<option value=\"%a\"%H>%s</option>", code,
				     v && !strcmp(v, code) ? MARKUP(" selected") : NULL, label);
			html(r, "</select>");
		} else {
			const char *type = !strcmp(a->type, "number")     ? "number"
					   : !strcmp(a->type, "datetime") ? "datetime-local"
									  : "text";
			/* after an error the value stays as typed, in a text box */
			if (err != M_NONE)
				type = "text";
			html(r, "<input id=\"f-%a\" name=\"%a\" type=\"%a\" value=\"%a\"%H%H>", name, name, type,
			     v ? v : "", !strcmp(type, "number") ? MARKUP(" step=\"any\" inputmode=\"decimal\"") : NULL,
			     attrs);
		}
	}
	if (err != M_NONE)
		html(r, "<p class=\"error\" id=\"f-%a-err\">%T</p>", name, err);
	if (!strcmp(a->type, "multivaluelist"))
		html(r, "</fieldset>");
	else
		html(r, "</div>");
}

/* ---- the form ---- */

/* What the form page says besides the fields' own errors. */
struct form_state {
	const struct record_errors *e;
	enum msg_id attr_err[PORTAL_ATTRS_MAX];
	enum msg_id banner;     /* a message above the form */
	const char *dup_number; /* the case a duplicate repeats */
	const char *stamp;
	enum msg_id photos_err;
	int errors;
};

static enum msg_id err_of(const struct form_state *s, int field)
{
	return s && s->e && s->e->field ? s->e->field[field] : M_NONE;
}

static void text_field(struct req *r, const struct record *rec, int i, const char *type, const struct form_state *s,
		       enum msg_id hint, const char *autocomplete)
{
	const struct field_def *f = &cases_type.fields[i];
	enum msg_id err = err_of(s, i);
	int req = (f->flags & FF_REQUIRED) != 0;
	html(r, "<div class=\"field%H\"><label for=\"f-%a\">%T%H</label>", err != M_NONE ? MARKUP(" has-error") : NULL,
	     f->name, f->label, req ? field_required_mark(r) : NULL);
	html(r,
	     "<input id=\"f-%a\" name=\"%a\" type=\"%a\" value=\"%a\" "
	     "maxlength=\"%D\"%H%H",
	     f->name, f->name, type, rec->vals[i] ? rec->vals[i] : "", f->max, req ? MARKUP(" required") : NULL,
	     autocomplete ? html_fmt(r, " autocomplete=\"%a\"", autocomplete) : NULL);
	if (err != M_NONE || hint != M_NONE)
		html(r, " aria-describedby=\"%H%H\"%H", err != M_NONE ? html_fmt(r, "f-%a-err", f->name) : NULL,
		     hint != M_NONE ? html_fmt(r, "%sf-%a-hint", err != M_NONE ? " " : "", f->name) : NULL,
		     err != M_NONE ? MARKUP(" aria-invalid=\"true\"") : NULL);
	html(r, ">");
	if (err != M_NONE)
		html(r, "<p class=\"error\" id=\"f-%a-err\">%T</p>", f->name, err);
	if (hint != M_NONE)
		html(r, "<p class=\"hint\" id=\"f-%a-hint\">%T</p>", f->name, hint);
	html(r, "</div>");
}

static void error_line(struct req *r, const char *name, enum msg_id err)
{
	if (err != M_NONE)
		html(r, "<p class=\"error\" id=\"f-%a-err\">%T</p>", name, err);
}

/* The extra fields of the chosen category, in a box the script refills
 * when the category changes (GET /public/?category=ID gives it). */
static void extra_fields(struct req *r, int64_t category, const struct form_state *s)
{
	struct attr a[PORTAL_ATTRS_MAX];
	int n = attrs_of(r, category, a);
	html(r, "<div id=\"extra-fields\" aria-live=\"polite\">");
	if (n) {
		html(r, "<fieldset class=\"public-group\"><legend>%T</legend>", M_portal_more_details);
		for (int k = 0; k < n; k++)
			attr_widget(r, &a[k], s ? s->attr_err[k] : M_NONE);
		html(r, "</fieldset>");
	}
	html(r, "</div>");
}

/* The photos the form sent. */
static int photos_count(struct req *r)
{
	int n = 0;
	for (size_t i = 0; i < r->form.n; i++)
		n += !strcmp(r->form.v[i].name, "photos") && files_part_is_upload(&r->form.v[i]);
	return n;
}

static void form_render(struct req *r, const struct record *rec, const struct form_state *s)
{
	struct category *cats;
	int ncats = categories(r, &cats);
	int64_t cat = rec->vals[CASE_CATEGORY_ID] ? strtoll(rec->vals[CASE_CATEGORY_ID], NULL, 10) : 0;
	case_portal_begin(r, T(r, M_portal_new), "/public/");
	html(r, "<div class=\"public-head\"><h1>%T</h1><p>%T</p></div>", M_portal_new, M_portal_intro);
	if (s && s->banner != M_NONE) {
		html(r, "<div class=\"form-errors\" role=\"alert\"><p>%T</p>", s->banner);
		if (s->dup_number)
			html(r, "<p>%T：<strong class=\"mono\">%s</strong></p>", M_case_number, s->dup_number);
		if (s->dup_number)
			html(r, "<p><a href=\"/public/track\">%T</a></p>", M_portal_track);
		html(r, "</div>");
	} else if (s && s->errors) {
		form_errors(r, s->errors);
	}
	if (s && s->e && s->e->record != M_NONE)
		html(r, "<div class=\"flash flash-error\" role=\"alert\">%T</div>", s->e->record);
	if (!ncats) {
		empty_state(r, M_portal_no_categories, M_NONE, NULL, M_NONE);
		page_public_end(r);
		return;
	}
	html(r,
	     "<form class=\"form public-form\" method=\"post\" action=\"/public/\" "
	     "enctype=\"multipart/form-data\" novalidate>%H"
	     "<input type=\"hidden\" name=\"_t\" value=\"%a\">",
	     csrf_input(r), s && s->stamp ? s->stamp : stamp_make(r, time(NULL)));

	/* what it is */
	html(r, "<fieldset class=\"public-group\"><legend>%T</legend>", M_portal_what);
	enum msg_id err = err_of(s, CASE_KIND);
	const char *kind = rec->vals[CASE_KIND] ? rec->vals[CASE_KIND] : "complaint";
	html(r,
	     "<fieldset class=\"field kinds%H\"><legend>%T%H</legend><div "
	     "class=\"chips\">",
	     err != M_NONE ? MARKUP(" has-error") : NULL, M_case_kind, field_required_mark(r));
	for (const struct enum_opt *o = case_kinds; o->code; o++) {
		if (!strcmp(o->code, "problem"))
			continue;
		html(r,
		     "<label class=\"chip\"><input type=\"radio\" name=\"kind\" "
		     "value=\"%a\"%H><span>%T</span></label>",
		     o->code, !strcmp(kind, o->code) ? MARKUP(" checked") : NULL, o->label);
	}
	html(r, "</div>");
	error_line(r, "kind", err);
	html(r, "</fieldset>");

	err = err_of(s, CASE_CATEGORY_ID);
	html(r,
	     "<div class=\"field%H\"><label for=\"f-category_id\">%T%H</label>"
	     "<select id=\"f-category_id\" name=\"category_id\" required "
	     "data-refill=\"extra-fields\" data-refill-url=\"/public/\"%H>"
	     "<option value=\"\">%T</option>",
	     err != M_NONE ? MARKUP(" has-error") : NULL, M_case_category, field_required_mark(r),
	     err != M_NONE ? MARKUP(" aria-invalid=\"true\" "
				    "aria-describedby=\"f-category_id-err\"")
			   : NULL,
	     M_portal_choose);
	const char *group = NULL;
	for (int i = 0; i < ncats; i++) {
		if (!group || strcmp(group, cats[i].group)) {
			if (group && *group)
				html(r, "</optgroup>");
			group = cats[i].group;
			if (*group)
				html(r, "<optgroup label=\"%a\">", group);
		}
		html(r, "<option value=\"%D\"%H>%s</option>", cats[i].id,
		     cats[i].id == cat ? MARKUP(" selected") : NULL, cats[i].name);
	}
	if (group && *group)
		html(r, "</optgroup>");
	html(r, "</select>");
	error_line(r, "category_id", err);
	/* without the script: show the chosen category's fields */
	html(r,
	     "<p class=\"nojs\"><button class=\"btn btn-sm\" name=\"show_fields\" "
	     "value=\"1\" formnovalidate>%T</button></p></div>",
	     M_portal_show_fields);
	extra_fields(r, cat, s);

	text_field(r, rec, CASE_TITLE, "text", s, M_portal_title_hint, "off");
	err = err_of(s, CASE_DESCRIPTION);
	html(r,
	     "<div class=\"field%H\"><label for=\"f-description\">%T%H</label>"
	     "<textarea id=\"f-description\" name=\"description\" rows=\"6\" "
	     "maxlength=\"5000\" required%H>%s</textarea>",
	     err != M_NONE ? MARKUP(" has-error") : NULL, M_case_description, field_required_mark(r),
	     err != M_NONE ? MARKUP(" aria-invalid=\"true\" "
				    "aria-describedby=\"f-description-err\"")
			   : NULL,
	     rec->vals[CASE_DESCRIPTION] ? rec->vals[CASE_DESCRIPTION] : "");
	error_line(r, "description", err);
	html(r, "</div></fieldset>");

	/* where */
	html(r, "<fieldset class=\"public-group\"><legend>%T</legend>", M_portal_where);
	text_field(r, rec, CASE_ADDRESS, "text", s, M_portal_place_hint, "street-address");
	enum msg_id elat = err_of(s, CASE_LAT), elon = err_of(s, CASE_LON);
	html(r,
	     "<div class=\"field-row point\">"
	     "<div class=\"field%H\"><label for=\"f-lat\">%T</label><input "
	     "id=\"f-lat\" name=\"lat\" type=\"number\" step=\"any\" min=\"-90\" "
	     "max=\"90\" inputmode=\"decimal\" value=\"%a\"%H>",
	     elat != M_NONE ? MARKUP(" has-error") : NULL, M_case_lat, rec->vals[CASE_LAT] ? rec->vals[CASE_LAT] : "",
	     elat != M_NONE ? MARKUP(" aria-invalid=\"true\" "
				     "aria-describedby=\"f-lat-err\"")
			    : NULL);
	error_line(r, "lat", elat);
	html(r,
	     "</div><div class=\"field%H\"><label for=\"f-lon\">%T</label><input "
	     "id=\"f-lon\" name=\"lon\" type=\"number\" step=\"any\" min=\"-180\" "
	     "max=\"180\" inputmode=\"decimal\" value=\"%a\"%H>",
	     elon != M_NONE ? MARKUP(" has-error") : NULL, M_case_lon, rec->vals[CASE_LON] ? rec->vals[CASE_LON] : "",
	     elon != M_NONE ? MARKUP(" aria-invalid=\"true\" "
				     "aria-describedby=\"f-lon-err\"")
			    : NULL);
	error_line(r, "lon", elon);
	html(r,
	     "</div></div><p class=\"hint\">%T</p>"
	     "<p class=\"geo\"><button type=\"button\" class=\"btn\" data-geo "
	     "data-lat=\"f-lat\" data-lon=\"f-lon\" data-status=\"geo-status\" "
	     "data-wait=\"%a\" data-fail=\"%a\" data-done=\"%a\" hidden>%T</button> "
	     "<span id=\"geo-status\" class=\"muted\" role=\"status\"></span></p>",
	     M_portal_point_hint, T(r, M_portal_locating), T(r, M_portal_locate_failed), T(r, M_portal_located),
	     M_portal_use_location);
	enum msg_id ephotos = s ? s->photos_err : M_NONE;
	html(r,
	     "<div class=\"field%H\"><label for=\"f-photos\">%T</label><input "
	     "id=\"f-photos\" name=\"photos\" type=\"file\" multiple "
	     "accept=\"image/jpeg,image/png\" aria-describedby=\"%Hf-photos-hint\"%H>",
	     ephotos != M_NONE ? MARKUP(" has-error") : NULL, M_portal_photos,
	     ephotos != M_NONE ? MARKUP("f-photos-err ") : NULL,
	     ephotos != M_NONE ? MARKUP(" aria-invalid=\"true\"") : NULL);
	error_line(r, "photos", ephotos);
	/* photos chosen before a refused form are not sent again by the browser */
	html(r, "<p class=\"hint\" id=\"f-photos-hint\">%T%H</p></div></fieldset>", M_portal_photos_hint,
	     s && s->errors && photos_count(r) ? html_fmt(r, " %T", M_portal_photos_again) : NULL);

	/* who */
	int anonymous = rec->vals[CASE_ANONYMOUS] && !strcmp(rec->vals[CASE_ANONYMOUS], "1");
	html(r,
	     "<fieldset class=\"public-group\"><legend>%T</legend><p "
	     "class=\"hint\">%T</p>",
	     M_portal_contact, M_portal_contact_hint);
	text_field(r, rec, CASE_CONTACT_NAME, "text", s, M_NONE, "name");
	text_field(r, rec, CASE_CONTACT_PHONE, "tel", s, M_NONE, "tel");
	text_field(r, rec, CASE_CONTACT_EMAIL, "email", s, M_NONE, "email");
	html(r,
	     "<fieldset class=\"field privacy\"><legend>%T</legend>"
	     "<label class=\"check\"><input type=\"radio\" name=\"privacy\" "
	     "value=\"confidential\"%H> <span><strong>%T</strong><br><span "
	     "class=\"hint\">%T</span></span></label>"
	     "<label class=\"check\"><input type=\"radio\" name=\"privacy\" "
	     "value=\"anonymous\"%H> <span><strong>%T</strong><br><span "
	     "class=\"hint\">%T</span></span></label></fieldset>",
	     M_portal_privacy, anonymous ? NULL : MARKUP(" checked"), M_portal_confidential,
	     M_case_keep_confidential_hint, anonymous ? MARKUP(" checked") : NULL, M_portal_anonymous,
	     M_portal_anonymous_hint);
	/* the honeypot: people do not see it, some robots fill it */
	html(r,
	     "<div class=\"hp\" aria-hidden=\"true\"><label "
	     "for=\"f-website\">%T</label><input id=\"f-website\" name=\"website\" "
	     "type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></div>"
	     "</fieldset>",
	     M_portal_honeypot);
	html(r,
	     "<div class=\"form-actions\"><button class=\"btn btn-primary "
	     "btn-block\">%T</button></div></form>",
	     M_portal_send);
	html(r, "<p class=\"public-foot muted\">%T <a href=\"/public/track\">%T</a></p>", M_portal_have_code,
	     M_portal_track);
	page_public_end(r);
}

static struct record *form_read(struct req *r)
{
	struct record *rec = record_new(r, &cases_type);
	static const int fields[] = {CASE_KIND,          CASE_CATEGORY_ID,  CASE_TITLE, CASE_DESCRIPTION,
				     CASE_ADDRESS,       CASE_LAT,          CASE_LON,   CASE_CONTACT_NAME,
				     CASE_CONTACT_PHONE, CASE_CONTACT_EMAIL};
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
		const char *v = req_form(r, cases_type.fields[fields[k]].name);
		record_set(r, rec, fields[k], v ? v : "");
	}
	const char *privacy = req_form(r, "privacy");
	int anonymous = privacy && !strcmp(privacy, "anonymous");
	rec->vals[CASE_ANONYMOUS] = anonymous ? "1" : "0";
	rec->vals[CASE_CONFIDENTIAL] = "1";
	rec->vals[CASE_CHANNEL] = "web";
	return rec;
}

static int form_page(struct req *r)
{
	portal_lang(r);
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	struct record *rec = record_new(r, &cases_type);
	rec->vals[CASE_KIND] = "complaint";
	const char *cat = req_query(r, "category");
	if (cat && strspn(cat, "0123456789") == strlen(cat) && *cat)
		rec->vals[CASE_CATEGORY_ID] = cat;
	form_render(r, rec, NULL);
	return 0;
}

/* ---- registering ---- */

/* A tracking code that is no case: the honeypot's answer. */
static void fake_code(char out[CASE_CODE_SIZE])
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	unsigned char b[12];
	randombytes_buf(b, sizeof b);
	int k = 0;
	for (int i = 0; i < 12; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = alphabet[b[i] % 31];
	}
	out[k] = 0;
}

/* The hash of a description with its white space folded: the duplicate
 * check's key (hex, arena). */
static const char *text_digest(struct req *r, const char *s)
{
	struct buf b;
	buf_init(&b, r->a);
	int space = 0;
	for (const char *p = s ? s : ""; *p; p++) {
		if (isspace((unsigned char)*p)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, *p);
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)(b.p ? b.p : ""), b.len);
	char *hex = arena_alloc(r->a, 2 * sizeof h + 1);
	sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
	return hex;
}

struct photos {
	const struct kv *part[PORTAL_PHOTOS_MAX];
	struct file_kind kind[PORTAL_PHOTOS_MAX];
	int n;
};

/* Checks the photos the form sent — JPEG or PNG by their content, each
 * within the upload size, at most PORTAL_PHOTOS_MAX: M_NONE with p
 * filled, or what is wrong. */
static enum msg_id photos_read(struct req *r, struct photos *p)
{
	long max = r->app && r->app->cfg->max_upload ? r->app->cfg->max_upload : 10L << 20;
	p->n = 0;
	for (size_t i = 0; i < r->form.n; i++) {
		const struct kv *k = &r->form.v[i];
		if (strcmp(k->name, "photos") || !files_part_is_upload(k))
			continue;
		if (p->n == PORTAL_PHOTOS_MAX)
			return M_portal_photos_too_many;
		enum msg_id why = M_NONE;
		if (files_check(r->a, k, max, &p->kind[p->n], &why))
			return why == M_files_bad_type ? M_portal_photos_only_images : why;
		if (strcmp(p->kind[p->n].mime, "image/jpeg") && strcmp(p->kind[p->n].mime, "image/png"))
			return M_portal_photos_only_images;
		p->part[p->n++] = k;
	}
	return M_NONE;
}

/* Stores the photos with the case, on its first event ("create"), inside
 * the caller's transaction: 0 or a DB_E_* code. */
static int photos_store(struct req *r, const struct record *rec, const struct photos *p)
{
	if (!p->n)
		return 0;
	int64_t ev = db_one_int64(req_db(r), 0,
				  "SELECT max(id) FROM record_events WHERE record_type = ? AND record_id = ? AND "
				  "action = 'create'",
				  "si", cases_type.name, rec->id);
	for (int k = 0; k < p->n; k++) {
		int64_t id = files_store(r, p->part[k], &p->kind[k], cases_type.name, rec->id, NULL, ev);
		if (id < 0)
			return (int)id;
	}
	return 0;
}

static void done_page(struct req *r, const char *code, int photos)
{
	case_portal_begin(r, T(r, M_portal_done), "/public/");
	html(r,
	     "<section class=\"card public-card done\" aria-labelledby=\"done-h\">"
	     "<h1 id=\"done-h\">%T</h1><p>%T</p>"
	     "<p class=\"code-label\" id=\"code-label\">%T</p>"
	     "<p class=\"tracking-code mono\" id=\"tracking-code\" "
	     "aria-labelledby=\"code-label\">%s</p>"
	     "<p><button type=\"button\" class=\"btn\" data-copy=\"tracking-code\" "
	     "data-done=\"%a\" hidden>%T</button></p>"
	     "<p class=\"keep\"><strong>%T</strong></p>",
	     M_portal_done, M_portal_done_detail, M_case_tracking_code, code, T(r, M_portal_copied), M_portal_copy,
	     M_portal_keep_code);
	if (photos)
		html(r, "<p class=\"muted\">%T %d</p>", M_portal_photos_kept, photos);
	html(r,
	     "<p class=\"done-actions\"><a class=\"btn btn-primary\" "
	     "href=\"/public/track?code=%u\">%T</a> <a class=\"btn btn-plain\" "
	     "href=\"/public/\">%T</a></p></section>",
	     code, M_portal_track_this, M_portal_new_another);
	page_public_end(r);
}

/* What the portal writes with a new case, in its transaction. */
struct submit_more {
	const struct photos *photos;
	const char *digest;
	int64_t category, now;
};

static int submit_more(struct req *r, struct record *rec, void *ctx)
{
	struct submit_more *m = ctx;
	int rc = photos_store(r, rec, m->photos);
	if (!rc)
		rc = hits_add(r, "submit", m->digest, m->category, rec->id, m->now);
	return rc;
}

static int form_post(struct req *r)
{
	portal_lang(r);
	struct db *db = req_db(r);
	if (!db)
		return req_fail(r, 503, M_err_db_down);
	int64_t now = time(NULL);
	int showing = req_form(r, "show_fields") != NULL;
	if (!showing) {
		int64_t w1 = hits_wait(r, "submit", PORTAL_BURST, PORTAL_BURST_WINDOW, now),
			w2 = hits_wait(r, "submit", PORTAL_DAILY, PORTAL_DAY, now);
		if (w1 || w2)
			return too_many(r, w1 > w2 ? w1 : w2, M_portal_rate_limited, "/public/");
		/* a robot filled the field people do not see: it is told its case was
		 * registered, and nothing is kept */
		const char *hp = req_form(r, "website");
		if (hp && *hp) {
			char code[CASE_CODE_SIZE];
			fake_code(code);
			done_page(r, code, 0);
			return 0;
		}
	}
	struct record *rec = form_read(r);
	struct form_state s = {0};
	int64_t t = stamp_time(r, req_form(r, "_t"));
	s.stamp = t && now - t <= PORTAL_FORM_TTL ? req_form(r, "_t") : NULL;
	if (showing) {
		form_render(r, rec, &s);
		return 0;
	}
	if (!t || now - t > PORTAL_FORM_TTL) {
		s.banner = M_portal_form_expired;
		r->status = 422;
		form_render(r, rec, &s);
		return 0;
	}
	if (now - t < PORTAL_MIN_FILL) {
		s.banner = M_portal_too_fast;
		r->status = 422;
		form_render(r, rec, &s);
		return 0;
	}

	/* the checks of every channel (case_check, the fields), and the
	 * portal's own: a public category, no "problem", the extra fields */
	struct category *cats;
	int ncats = categories(r, &cats);
	int64_t cat = rec->vals[CASE_CATEGORY_ID] ? strtoll(rec->vals[CASE_CATEGORY_ID], NULL, 10) : 0;
	const struct category *c = category_find(cats, ncats, cat);
	struct ref_memo memo = {0};
	if (c) {
		memo.slots = arena_alloc(r->a, sizeof *memo.slots);
		memo.slots[0] = (struct ref_memo_slot){case_categories_type.table, cat};
		memo.n = memo.cap = 1;
	}
	if (rec->vals[CASE_ANONYMOUS] && !strcmp(rec->vals[CASE_ANONYMOUS], "1"))
		rec->vals[CASE_CONTACT_NAME] = rec->vals[CASE_CONTACT_PHONE] = rec->vals[CASE_CONTACT_EMAIL] = NULL;
	struct record_errors e;
	record_validate_new(r, rec, &e, &memo);
	if (rec->vals[CASE_KIND] && !strcmp(rec->vals[CASE_KIND], "problem") && e.field[CASE_KIND] == M_NONE)
		e.field[CASE_KIND] = M_rec_bad_choice, e.count++;
	if (rec->vals[CASE_CATEGORY_ID] && !c) {
		e.count += e.field[CASE_CATEGORY_ID] == M_NONE;
		e.field[CASE_CATEGORY_ID] = M_rec_bad_choice;
	}
	struct attr a[PORTAL_ATTRS_MAX];
	int na = c ? attrs_of(r, cat, a) : 0;
	json_t *extra = json_object();
	for (int k = 0; k < na; k++) {
		s.attr_err[k] = attr_read(r, &a[k], extra);
		e.count += s.attr_err[k] != M_NONE;
	}
	if (json_object_size(extra)) {
		char *j = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
		rec->vals[CASE_EXTRA] = arena_strdup(r->a, j);
		free(j);
		if (chars(rec->vals[CASE_EXTRA]) > 8000 && !e.count) {
			e.record = M_rec_bad_length;
			e.count++;
		}
	}
	json_decref(extra);
	struct photos photos;
	s.photos_err = photos_read(r, &photos);
	e.count += s.photos_err != M_NONE;
	s.e = &e;
	s.errors = e.count;
	if (e.count) {
		r->status = 422;
		form_render(r, rec, &s);
		return 0;
	}

	/* the same text again: from this address, or in this category */
	const char *digest = text_digest(r, rec->vals[CASE_DESCRIPTION]);
	int64_t dup = db_one_int64(db, 0,
				   "SELECT case_id FROM case_portal_hits WHERE kind = 'submit' AND digest "
				   "= ? AND at >= ? AND (ip = ? OR category_id = ?) ORDER BY id DESC",
				   "sisi", digest, now - PORTAL_DUP_WINDOW, r->ip, cat);
	if (dup) {
		s.banner = M_portal_duplicate;
		s.dup_number = db_one_text(db, r->a, "SELECT number FROM cases WHERE id = ?", "i", dup);
		s.errors = 0;
		s.e = NULL;
		r->status = 409;
		form_render(r, rec, &s);
		return 0;
	}

	/* the case, its photos and the hit that counts it, durable together
	 * before the code is shown */
	char code[CASE_CODE_SIZE];
	struct submit_more more = {&photos, digest, cat, now};
	int rc = case_submit_durable(r, rec, code, &e, submit_more, &more);
	if (rc) {
		if (rc == WF_E_INVALID) {
			s.e = &e;
			s.errors = e.count;
			r->status = 422;
			form_render(r, rec, &s);
			return 0;
		}
		enum msg_id m;
		int status = wf_error_status(rc, &m);
		return req_fail(r, status, m);
	}
	done_page(r, code, photos.n);
	return 0;
}

/* ---- tracking ---- */

static const char *state_text(struct req *r, const char *code)
{
	for (const struct enum_opt *o = case_states; o->code; o++)
		if (code && !strcmp(o->code, code))
			return T(r, o->label);
	return code ? code : "";
}

static const char *enum_text(struct req *r, const struct enum_opt *opts, const char *code)
{
	for (const struct enum_opt *o = opts; o->code; o++)
		if (code && !strcmp(o->code, code))
			return T(r, o->label);
	return "";
}

static const char *event_label(struct req *r, const char *action)
{
	const struct wf_transition *tr = wf_transition(&cases_type, action);
	if (tr)
		return T(r, tr->label);
	if (!strcmp(action, "create"))
		return T(r, M_portal_ev_created);
	return action;
}

/* The photos sent with the case (its first event) as thumbnails inside the
 * page: the public has no account to fetch /files/ with, and a thumbnail is
 * re-encoded without EXIF or GPS. */
static void event_photos(struct req *r, const struct record *rec, int64_t event)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT thumb, mime FROM files WHERE record_type = ? AND record_id = ? AND "
				     "event_id = ? AND thumb IS NOT NULL ORDER BY id",
				     "sii", cases_type.name, rec->id, event);
	int n = 0;
	while (q && db_step(q) == DB_ROW) {
		size_t len = 0;
		const void *b = db_column_blob(q, 0, &len);
		const char *mime = db_column_text(q, 1);
		if (!b || !len || (strcmp(mime, "image/jpeg") && strcmp(mime, "image/png")))
			continue;
		size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = arena_alloc(r->a, cap);
		sodium_bin2base64(b64, cap, b, len, sodium_base64_VARIANT_ORIGINAL);
		if (!n++)
			html(r, "<ul class=\"public-photos\">");
		html(r, "<li><img src=\"data:%a;base64,%a\" alt=\"%T %d\"></li>", mime, b64, M_portal_photo, n);
	}
	if (n)
		html(r, "</ul>");
}

/* The case's public events, oldest first. */
static void timeline(struct req *r, const struct record *rec)
{
	json_t *ev = wf_events_json(r, rec, 1);
	html(r, "<h2>%T</h2><ol class=\"timeline public-timeline\">", M_wf_history);
	size_t i;
	json_t *e;
	json_array_foreach(ev, i, e)
	{
		char when[64];
		const char *action = json_string_value(json_object_get(e, "action"));
		const char *from = json_string_value(json_object_get(e, "from"));
		const char *to = json_string_value(json_object_get(e, "to"));
		const char *reply = json_string_value(json_object_get(e, "reply"));
		const char *side = json_string_value(json_object_get(e, "side"));
		html(r,
		     "<li><p class=\"timeline-head\"><strong>%s</strong> <span "
		     "class=\"muted\">%s%H</span>",
		     event_label(r, action ? action : ""),
		     fmt_time(r->lang, (int64_t)json_integer_value(json_object_get(e, "at")), 1, when, sizeof when),
		     side && !strcmp(side, "submitter") ? html_fmt(r, " · %T", M_portal_you) : NULL);
		if (to && (!from || strcmp(to, from)))
			html(r, " <span class=\"badge\">%s</span>", state_text(r, to));
		html(r, "</p>");
		if (action && !strcmp(action, "create"))
			event_photos(r, rec, (int64_t)json_integer_value(json_object_get(e, "id")));
		if (reply)
			html(r,
			     "<div class=\"public-reply\"><p class=\"muted\">%T</p><p "
			     "class=\"reply-text\">%s</p></div>",
			     M_wf_reply, reply);
		html(r, "</li>");
	}
	if (!json_array_size(ev))
		html(r, "<li class=\"muted\">%T</li>", M_wf_no_events);
	html(r, "</ol>");
	json_decref(ev);
}

static void case_facts(struct req *r, const struct record *rec)
{
	const char *cat = rec->vals[CASE_CATEGORY_ID] ? db_one_text(req_db(r), r->a,
								    "SELECT name FROM case_categories "
								    "WHERE id = ?",
								    "s", rec->vals[CASE_CATEGORY_ID])
						      : NULL;
	const char *state = rec->vals[CASE_STATE];
	const struct wf_state *st = wf_state(&cases_type, state);
	char when[64] = "";
	if (rec->vals[CASE_RECEIVED_AT])
		fmt_time(r->lang, strtoll(rec->vals[CASE_RECEIVED_AT], NULL, 10), 1, when, sizeof when);
	html(r,
	     "<dl class=\"props public-facts\"><dt>%T</dt><dd class=\"mono\">%s</dd>"
	     "<dt>%T</dt><dd><span class=\"badge badge-state\">%s</span></dd>"
	     "<dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd>"
	     "<dt>%T</dt><dd>%s</dd><dt>%T</dt><dd>%s</dd>",
	     M_case_number, rec->vals[CASE_NUMBER] ? rec->vals[CASE_NUMBER] : "", M_case_state, state_text(r, state),
	     M_case_title, rec->vals[CASE_TITLE] ? rec->vals[CASE_TITLE] : "", M_case_category, cat ? cat : "",
	     M_case_kind, enum_text(r, case_kinds, rec->vals[CASE_KIND]), M_case_received_at, when);
	if (rec->vals[CASE_DUE] && st && !st->final)
		html(r, "<dt>%T</dt><dd>%s</dd>", M_case_due, rec->vals[CASE_DUE]);
	if (rec->vals[CASE_RATING] && rec->vals[CASE_RATINGS] && atoi(rec->vals[CASE_RATINGS]) > 0)
		html(r, "<dt>%T</dt><dd>%s</dd>", M_case_rating, enum_text(r, case_ratings, rec->vals[CASE_RATING]));
	html(r, "</dl>");
}

/* May the holder of the code rate the case now? */
static int may_rate(struct req *r, const struct record *rec)
{
	const struct wf_transition *tr = wf_transition(&cases_type, "rate");
	return tr && wf_may(r, rec, tr, WF_SUBMITTER) && case_step_check(r, rec, tr, NULL) == M_NONE;
}

static void rate_form(struct req *r, const struct record *rec, const char *code, const struct record_errors *e)
{
	enum msg_id err = e && e->field ? e->field[CASE_RATING] : M_NONE;
	enum msg_id cerr = e && e->field ? e->field[CASE_RATING_COMMENT] : M_NONE;
	const char *cur = e ? rec->vals[CASE_RATING] : NULL;
	html(r,
	     "<section class=\"card public-card\" aria-labelledby=\"rate-h\"><h2 "
	     "id=\"rate-h\">%T</h2><p class=\"hint\">%T</p>"
	     "<form class=\"form\" method=\"post\" action=\"/public/track/rate\">%H"
	     "<input type=\"hidden\" name=\"code\" value=\"%a\">"
	     "<fieldset class=\"field rating%H\"><legend>%T%H</legend>",
	     M_portal_rate_title, M_portal_rate_hint, csrf_input(r), code, err != M_NONE ? MARKUP(" has-error") : NULL,
	     M_case_rating, field_required_mark(r));
	for (const struct enum_opt *o = case_ratings; o->code; o++)
		html(r,
		     "<label class=\"check rate-%a\"><input type=\"radio\" name=\"rating\" "
		     "value=\"%a\" required%H> %T</label>",
		     o->code, o->code, cur && !strcmp(cur, o->code) ? MARKUP(" checked") : NULL, o->label);
	error_line(r, "rating", err);
	html(r,
	     "</fieldset><div class=\"field%H\"><label "
	     "for=\"f-rating_comment\">%T</label><textarea id=\"f-rating_comment\" "
	     "name=\"rating_comment\" rows=\"3\" maxlength=\"1000\">%s</textarea>",
	     cerr != M_NONE ? MARKUP(" has-error") : NULL, M_case_rating_comment,
	     e && rec->vals[CASE_RATING_COMMENT] ? rec->vals[CASE_RATING_COMMENT] : "");
	error_line(r, "rating_comment", cerr);
	html(r,
	     "</div><div class=\"form-actions\"><button class=\"btn "
	     "btn-primary\">%T</button></div></form></section>",
	     M_portal_rate_send);
}

static void lookup_form(struct req *r, const char *code, enum msg_id err)
{
	html(r,
	     "<section class=\"card public-card\"><form class=\"form\" "
	     "method=\"post\" action=\"/public/track\">%H",
	     csrf_input(r));
	html(r,
	     "<div class=\"field%H\"><label for=\"f-code\">%T</label><input "
	     "id=\"f-code\" name=\"code\" type=\"text\" class=\"mono code-input\" "
	     "value=\"%a\" required autocomplete=\"off\" "
	     "autocapitalize=\"characters\" "
	     "spellcheck=\"false\" maxlength=\"40\" "
	     "aria-describedby=\"%Hf-code-hint\"%H>",
	     err != M_NONE ? MARKUP(" has-error") : NULL, M_case_tracking_code, code ? code : "",
	     err != M_NONE ? MARKUP("f-code-err ") : NULL, err != M_NONE ? MARKUP(" aria-invalid=\"true\"") : NULL);
	error_line(r, "code", err);
	html(r,
	     "<p class=\"hint\" id=\"f-code-hint\">%T</p></div><div "
	     "class=\"form-actions\"><button class=\"btn btn-primary "
	     "btn-block\">%T</button></div></form></section>",
	     M_portal_code_hint, M_portal_lookup);
}

/* The tracking page of rec (found with code); note: a message above. */
static void track_render(struct req *r, const struct record *rec, const char *code, enum msg_id note, int note_ok,
			 const struct record_errors *rate_errs)
{
	case_portal_begin(r, T(r, M_portal_track), "/public/track");
	html(r, "<div class=\"public-head\"><h1>%T</h1></div>", M_portal_track);
	if (note != M_NONE)
		html(r, "<div class=\"flash flash-%s\" role=\"%s\">%T</div>", note_ok ? "ok" : "error",
		     note_ok ? "status" : "alert", note);
	html(r, "<section class=\"card public-card\">");
	case_facts(r, rec);
	const char *state = rec->vals[CASE_STATE] ? rec->vals[CASE_STATE] : "";
	/* reopened after an unsatisfied rating: handled again within 15 days */
	if (strcmp(state, "closed") && strcmp(state, "merged") && rec->vals[CASE_RATINGS] &&
	    atoi(rec->vals[CASE_RATINGS]) > 0 && rec->vals[CASE_RATING] && atoi(rec->vals[CASE_RATING]) <= 2)
		html(r, "<div class=\"flash flash-info\" role=\"status\">%T</div>", M_portal_reopened);
	timeline(r, rec);
	html(r, "</section>");
	/* merged: the case that is handled in its place */
	if (!strcmp(state, "merged") && rec->vals[CASE_MERGED_INTO]) {
		struct record *into = record_load(r, &cases_type, strtoll(rec->vals[CASE_MERGED_INTO], NULL, 10));
		if (into && !into->archived) {
			html(r, "<section class=\"card public-card merged\"><h2>%T</h2><p>%T</p>",
			     M_portal_merged_title, M_portal_merged_detail);
			case_facts(r, into);
			timeline(r, into);
			html(r, "</section>");
		}
	}
	if (may_rate(r, rec) || rate_errs)
		rate_form(r, rec, code, rate_errs);
	html(r, "<p class=\"public-foot\"><a href=\"/public/track\">%T</a></p>", M_portal_track_other);
	page_public_end(r);
}

static void track_form_page(struct req *r, const char *code, enum msg_id err)
{
	case_portal_begin(r, T(r, M_portal_track), "/public/track");
	html(r, "<div class=\"public-head\"><h1>%T</h1><p>%T</p></div>", M_portal_track, M_portal_track_intro);
	lookup_form(r, code, err);
	page_public_end(r);
}

/* The case for the request's code, or NULL with the page answered (the
 * form again with one message for any wrong code, or 429 after too many
 * wrong ones from the address). */
static struct record *track_lookup(struct req *r, const char *code)
{
	int64_t now = time(NULL);
	int64_t wait = hits_wait(r, "lookup_fail", PORTAL_LOOKUP_FAILS, PORTAL_LOOKUP_WINDOW, now);
	if (wait) {
		too_many(r, wait, M_portal_lookup_limited, "/public/track");
		return NULL;
	}
	struct record *rec = code && *code ? case_by_code(r, code) : NULL;
	if (rec && !rec->archived)
		return rec;
	if (code && *code && hits_add(r, "lookup_fail", NULL, 0, 0, now))
		return req_fail(r, 500, M_NONE), NULL;
	r->status = code && *code ? 404 : 422;
	track_form_page(r, code, code && *code ? M_portal_no_case : M_required);
	return NULL;
}

static int track_page(struct req *r)
{
	portal_lang(r);
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	const char *code = req_query(r, "code");
	if (!code) {
		track_form_page(r, NULL, M_NONE);
		return 0;
	}
	struct record *rec = track_lookup(r, code);
	if (rec)
		track_render(r, rec, code, M_NONE, 0, NULL);
	return 0;
}

static int track_post(struct req *r)
{
	portal_lang(r);
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	const char *code = req_form(r, "code");
	struct record *rec = track_lookup(r, code ? code : "");
	if (rec)
		track_render(r, rec, code, M_NONE, 0, NULL);
	return 0;
}

static int rate_post(struct req *r)
{
	portal_lang(r);
	if (!req_db(r))
		return req_fail(r, 503, M_err_db_down);
	const char *code = req_form(r, "code");
	struct record *rec = track_lookup(r, code ? code : "");
	if (!rec)
		return 0;
	const struct wf_transition *rate = wf_transition(&cases_type, "rate");
	if (!rate)
		return req_fail(r, 404, M_NONE);
	struct wf_input in = {0};
	in.vals[0] = req_form(r, "rating");
	in.vals[1] = req_form(r, "rating_comment");
	struct record_errors e;
	int rc = wf_take(r, rec, rate, &in, WF_SUBMITTER, &e);
	if (rc == WF_E_INVALID) {
		r->status = 422;
		if (e.record != M_NONE && e.field[CASE_RATING] == M_NONE && e.field[CASE_RATING_COMMENT] == M_NONE) {
			/* rated already, or twice: nothing to correct in the form */
			track_render(r, rec, code, e.record, 0, NULL);
			r->status = 409;
			return 0;
		}
		rec->vals[CASE_RATING] = in.vals[0];
		rec->vals[CASE_RATING_COMMENT] = in.vals[1];
		track_render(r, rec, code, M_form_has_errors, 0, &e);
		return 0;
	}
	if (rc == WF_E_STATE) {
		r->status = 409;
		track_render(r, rec, code, M_portal_rate_closed_only, 0, NULL);
		return 0;
	}
	if (rc) {
		enum msg_id m;
		int status = wf_error_status(rc, &m);
		return req_fail(r, status, m);
	}
	int reopened = strcmp(rec->vals[CASE_STATE], "closed") != 0;
	track_render(r, rec, code, reopened ? M_NONE : M_portal_rate_thanks, 1, NULL);
	return 0;
}

static int portal_root(struct req *r)
{
	return req_redirect(r, "/public/");
}

const struct route portal_routes[] = {
	{"GET", "/public", portal_root, P_PUBLIC, 0, "portal"},
	{"GET", "/public/", form_page, P_PUBLIC, 0, "portal"},
	{"POST", "/public/", form_post, P_PUBLIC, 1, "portal submit"},
	{"GET", "/public/track", track_page, P_PUBLIC, 0, "portal track"},
	{"POST", "/public/track", track_post, P_PUBLIC, 1, "portal track"},
	{"POST", "/public/track/rate", rate_post, P_PUBLIC, 1, "portal rate"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
