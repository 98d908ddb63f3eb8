/* open311.c — Open311 GeoReport v2 at /open311/v2/: service discovery, the
 * public categories as services with their extra fields as attributes,
 * cases submitted by client systems (POST requests, with an API token as
 * api_key), cases and their public progress read back (GET requests,
 * requests/{id}, tokens/{token}) and FixMyStreet's servicerequestupdates
 * extension. Every answer is JSON or XML after the resource's suffix,
 * errors included ([{code, description}] / <errors>).
 *
 * What it publishes is decided here, once (PUBLISHED): cases of public
 * categories that came in through the public channels (Open311 itself and
 * the web portal), tip-offs never; and of those only what the public
 * tracking page shows. It must never write a contact detail (name, phone,
 * e-mail) or an internal note: the queries below do not even select them.
 * The parameters are parsed by open311_text.c, which is fuzzed. */
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/app.h"
#include "../records/workflow.h"
#include "cases.h"
#include "open311.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The cases Open311 shows (c: cases, cat: its category). */
#define PUBLISHED "c.archived = 0 AND cat.public = 1 AND c.kind <> 'tip_off' AND c.channel IN ('open311', 'web')"
#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
/* When this implementation last changed what it serves (discovery). */
#define CHANGESET "2026-01-15T00:00:00+08:00"
#define ATTR_STRING_MAX 1000
#define ATTR_TEXT_MAX 4000
#define TITLE_CHARS 40
#define MEDIA_URL_MAX 1000

enum fmt { FMT_NONE, FMT_JSON, FMT_XML };

/* ---- answers ---- */

static enum fmt suffix_format(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > 5 && !strcmp(s + n - 5, ".json"))
		return FMT_JSON;
	if (n > 4 && !strcmp(s + n - 4, ".xml"))
		return FMT_XML;
	return FMT_NONE;
}

/* The route parameter name without its format suffix (arena), the format
 * in *f; NULL when it has none. */
static const char *param_base(struct req *r, const char *name, enum fmt *f)
{
	const char *v = req_param(r, name);
	*f = suffix_format(v);
	if (*f == FMT_NONE)
		return NULL;
	return arena_strndup(r->a, v, strlen(v) - (*f == FMT_JSON ? 5 : 4));
}

/* Sends v (taken) as JSON or as XML under root, items named item. */
static int answer(struct req *r, int status, enum fmt f, json_t *v, const char *root, const char *item)
{
	r->status = status;
	r->body_ref = NULL;
	buf_reset(&r->out);
	if (f == FMT_XML) {
		r->content_type = "text/xml; charset=utf-8";
		o311_xml_write(&r->out, v, root, item);
	} else {
		r->content_type = "application/json; charset=utf-8";
		char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10));
		buf_puts(&r->out, s ? s : "[]");
		buf_putc(&r->out, '\n');
		free(s);
	}
	json_decref(v);
	return 0;
}

/* A catalog message with its %s filled with arg (arena). */
static const char *fill(struct req *r, enum msg_id m, const char *arg)
{
	const char *t = msg(r->lang, m), *p = strstr(t, "%s");
	if (!p)
		return t;
	return arena_printf(r->a, "%.*s%s%s", (int)(p - t), t, arg ? arg : "", p + 2);
}

static json_t *error_item(int status, const char *desc)
{
	return json_pack("{s:i, s:s}", "code", status, "description", desc);
}

/* The spec's error answer: a list of one {code, description}. */
static int fail(struct req *r, enum fmt f, int status, const char *desc)
{
	json_t *a = json_array();
	json_array_append_new(a, error_item(status, desc));
	return answer(r, status, f == FMT_NONE ? FMT_JSON : f, a, "errors", "error");
}

static int fail_msg(struct req *r, enum fmt f, int status, enum msg_id m)
{
	return fail(r, f, status, msg(r->lang, m));
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *time_or_null(int64_t t)
{
	char d[O311_DATETIME_SIZE];
	return t > 0 && *o311_format_datetime(t, d) ? json_string(d) : json_null();
}

static const char *base_url(struct req *r)
{
	const char *b = r->app && r->app->cfg->base_url[0] ? r->app->cfg->base_url : "";
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	return arena_printf(r->a, "%.*s/open311/v2", (int)n, b);
}

/* ---- discovery ---- */

static int discovery(struct req *r)
{
	enum fmt f = suffix_format(r->path);
	json_t *formats = json_pack("[s, s]", "text/xml", "application/json");
	json_t *ep = json_pack("{s:s, s:s, s:s, s:s, s:o}", "specification", SPEC_URL, "url", base_url(r), "changeset",
			       CHANGESET, "type", "production", "formats", formats);
	json_t *d = json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", CHANGESET, "contact", msg(r->lang, M_o311_contact),
			      "key_service", msg(r->lang, M_o311_key_service), "endpoints", ep);
	return answer(r, 200, f, d, "discovery", NULL);
}

/* ---- services ---- */

static int services(struct req *r)
{
	enum fmt f = suffix_format(r->path);
	struct db *db = req_db(r);
	if (!db)
		return fail_msg(r, f, 503, M_err_db_down);
	struct db_stmt *q = db_query(db, r->a,
				     "SELECT c.code, c.name, c.description, c.group_name, c.keywords, "
				     "(SELECT count(*) FROM case_attributes a WHERE a.category_id = c.id AND "
				     "a.archived = 0) FROM case_categories c WHERE c.public = 1 AND c.archived = 0 "
				     "ORDER BY c.code",
				     "");
	json_t *a = json_array();
	while (q && db_step(q) == DB_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:b, s:s, s:o, s:o}", "service_code",
						   db_column_text(q, 0), "service_name", db_column_text(q, 1),
						   "description", str_or_null(db_column_text(q, 2)), "metadata",
						   db_column_int64(q, 5) > 0, "type", "realtime", "keywords",
						   str_or_null(db_column_text(q, 4)), "group",
						   str_or_null(db_column_text(q, 3))));
	if (!q) {
		json_decref(a);
		return fail_msg(r, f, 503, M_err_db_down);
	}
	return answer(r, 200, f, a, "services", "service");
}

/* The public category of a service code: its id, name and working days, or
 * 0 when there is none. */
static int64_t category_of(struct req *r, const char *code, const char **name, int64_t *days)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT id, name, days FROM case_categories WHERE code = ? AND public = 1 AND "
				     "archived = 0",
				     "s", code);
	int64_t id = 0;
	if (q && db_step(q) == DB_ROW) {
		id = db_column_int64(q, 0);
		if (name)
			*name = arena_strdup(r->a, db_column_text(q, 1));
		if (days)
			*days = db_column_int64(q, 2);
	}
	db_reset(q);
	return id;
}

/* An attribute of a category, as case_attributes holds it. */
struct attr {
	const char *code, *label, *type, *choices;
	int required;
	int64_t position;
};

/* The category's attributes in order (arena); their number. */
static int attrs_of(struct req *r, int64_t category, struct attr **out)
{
	struct db_stmt *q = db_query(req_db(r), r->a,
				     "SELECT code, label, datatype, required, position, choices FROM case_attributes "
				     "WHERE category_id = ? AND archived = 0 ORDER BY position, id",
				     "i", category);
	int n = 0, cap = 0;
	struct attr *v = NULL;
	while (q && db_step(q) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			struct attr *w = arena_alloc(r->a, (size_t)cap * sizeof *w);
			if (n)
				memcpy(w, v, (size_t)n * sizeof *w);
			v = w;
		}
		v[n++] = (struct attr){arena_strdup(r->a, db_column_text(q, 0)),
				       arena_strdup(r->a, db_column_text(q, 1)),
				       arena_strdup(r->a, db_column_text(q, 2)),
				       arena_strdup(r->a, db_column_text(q, 5)),
				       (int)db_column_int64(q, 3),
				       db_column_int64(q, 4)};
	}
	*out = v;
	return n;
}

static int is_list(const struct attr *a)
{
	return !strcmp(a->type, "singlevaluelist") || !strcmp(a->type, "multivaluelist");
}

static enum msg_id datatype_help(const char *type)
{
	static const struct {
		const char *type;
		enum msg_id m;
	} help[] = {{"string", M_o311_dt_string},          {"number", M_o311_dt_number},
		    {"datetime", M_o311_dt_datetime},      {"text", M_o311_dt_text},
		    {"singlevaluelist", M_o311_dt_single}, {"multivaluelist", M_o311_dt_multi}};
	for (size_t i = 0; i < sizeof help / sizeof help[0]; i++)
		if (!strcmp(help[i].type, type))
			return help[i].m;
	return M_NONE;
}

static int service_definition(struct req *r)
{
	enum fmt f;
	const char *code = param_base(r, "code", &f);
	if (!code)
		return fail_msg(r, FMT_JSON, 404, M_o311_err_not_found);
	if (!req_db(r))
		return fail_msg(r, f, 503, M_err_db_down);
	int64_t cat = category_of(r, code, NULL, NULL);
	if (!cat)
		return fail_msg(r, f, 404, M_o311_err_no_service);
	struct attr *at;
	int n = attrs_of(r, cat, &at);
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		enum msg_id help = datatype_help(at[i].type);
		json_t *o = json_pack("{s:b, s:s, s:s, s:b, s:s?, s:I, s:s}", "variable", 1, "code", at[i].code,
				      "datatype", at[i].type, "required", at[i].required, "datatype_description",
				      help != M_NONE ? msg(r->lang, help) : NULL, "order", (json_int_t)at[i].position,
				      "description", at[i].label);
		if (is_list(&at[i])) {
			json_t *vals = json_array();
			const char *p = at[i].choices, *k, *nm;
			size_t kl, nl;
			while (o311_next_choice(&p, &k, &kl, &nm, &nl))
				json_array_append_new(vals, json_pack("{s:s%, s:s%}", "key", k, kl, "name", nm, nl));
			json_object_set_new(o, "values", vals);
		}
		json_array_append_new(list, o);
	}
	return answer(r, 200, f, json_pack("{s:s, s:o}", "service_code", code, "attributes", list),
		      "service_definition", NULL);
}

/* ---- reading requests ---- */

static int is_closed(const char *state)
{
	return state && (!strcmp(state, "closed") || !strcmp(state, "merged"));
}

static const char *state_label(struct req *r, const char *state)
{
	for (const struct enum_opt *o = case_states; state && o->code; o++)
		if (!strcmp(o->code, state))
			return msg(r->lang, o->label);
	return state ? state : "";
}

/* The media_url kept in a case's extra field (JSON), or NULL (arena). */
static const char *media_of(struct req *r, const char *extra)
{
	if (!extra || !*extra)
		return NULL;
	json_t *j = json_loads(extra, 0, NULL);
	const char *m = json_string_value(json_object_get(j, "media_url"));
	const char *out = m ? arena_strdup(r->a, m) : NULL;
	json_decref(j);
	return out;
}

/* The columns every request answer reads, in this order. */
#define REQUEST_COLUMNS                                                                                    \
	"c.number, c.state, c.reply, cat.name, cat.code, c.description, u.name, cat.days, c.received_at, " \
	"c.updated_at, c.due, c.address, c.lat, c.lon, c.extra"
#define REQUEST_FROM \
	"FROM cases c JOIN case_categories cat ON cat.id = c.category_id LEFT JOIN units u ON u.id = c.unit_id "

static json_t *request_json(struct req *r, struct db_stmt *q)
{
	const char *state = db_column_text(q, 1), *reply = db_column_text(q, 2);
	char days[24];
	snprintf(days, sizeof days, "%lld", (long long)db_column_int64(q, 7));
	int64_t expected = 0, due;
	if (!is_closed(state) && !cal_parse_date(db_column_text(q, 10), &due))
		expected = cal_local_time(due, 23, 59, 59);
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "service_request_id",
			  db_column_text(q, 0), "status", is_closed(state) ? "closed" : "open", "status_notes",
			  *reply ? reply : state_label(r, state), "service_name", db_column_text(q, 3), "service_code",
			  db_column_text(q, 4), "description", str_or_null(db_column_text(q, 5)), "agency_responsible",
			  str_or_null(db_column_text(q, 6)), "service_notice", fill(r, M_o311_notice_days, days),
			  "requested_datetime", time_or_null(db_column_int64(q, 8)), "updated_datetime",
			  time_or_null(db_column_int64(q, 9)), "expected_datetime", time_or_null(expected), "address",
			  str_or_null(db_column_text(q, 11)));
	json_object_set_new(o, "lat", db_column_isnull(q, 12) ? json_null() : json_real(db_column_double(q, 12)));
	json_object_set_new(o, "long", db_column_isnull(q, 13) ? json_null() : json_real(db_column_double(q, 13)));
	json_object_set_new(o, "media_url", str_or_null(media_of(r, db_column_text(q, 14))));
	return o;
}

/* page and page_size: 0, or the request failed. */
static int paging(struct req *r, enum fmt f, long *page, long *size)
{
	const char *p = req_query(r, "page"), *s = req_query(r, "page_size");
	*page = 1, *size = O311_PAGE_MAX;
	if (p && o311_parse_count(p, 1, REQ_PAGE_MAX, page))
		return fail_msg(r, f, 400, M_o311_err_page), -1;
	if (s && o311_parse_count(s, 1, O311_PAGE_MAX, size))
		return fail_msg(r, f, 400, M_o311_err_page_size), -1;
	return 0;
}

/* The service_request_id list of the query into nums: its count, 0 when
 * there is none, -1 when the request failed. */
static int id_list(struct req *r, enum fmt f, char (*nums)[O311_NUMBER_SIZE])
{
	const char *ids = req_query(r, "service_request_id");
	if (!ids)
		return 0;
	int n = o311_parse_ids(ids, nums, O311_IDS_MAX);
	if (n < 0)
		return fail_msg(r, f, 400, M_o311_err_ids), -1;
	return n;
}

/* start_date and end_date: 0 with the window, or the request failed. */
static int window(struct req *r, enum fmt f, int64_t *from, int64_t *to)
{
	int rc = o311_window(req_query(r, "start_date"), req_query(r, "end_date"), time(NULL), from, to);
	if (rc == -1)
		return fail_msg(r, f, 400, M_o311_err_date), -1;
	if (rc)
		return fail_msg(r, f, 400, M_o311_err_window), -1;
	return 0;
}

/* " AND col IN (?, ...)" for n values (arena). */
static const char *in_list(struct req *r, const char *col, int n)
{
	struct buf b;
	buf_init(&b, r->a);
	buf_printf(&b, " AND %s IN (", col);
	for (int i = 0; i < n; i++)
		buf_puts(&b, i ? ", ?" : "?");
	buf_putc(&b, ')');
	return b.p;
}

static int requests_list(struct req *r)
{
	enum fmt f = suffix_format(r->path);
	char nums[O311_IDS_MAX][O311_NUMBER_SIZE];
	int nids = id_list(r, f, nums);
	if (nids < 0)
		return 0;
	long page, size;
	int64_t from = 0, to = 0;
	int status = O311_OPEN | O311_CLOSED;
	const char *code = req_query(r, "service_code"), *st = req_query(r, "status");
	/* a list of ids overrides every other parameter (the spec) */
	if (!nids) {
		if (st && (status = o311_parse_status(st)) < 0)
			return fail_msg(r, f, 400, M_o311_err_status);
		if (window(r, f, &from, &to) || paging(r, f, &page, &size))
			return 0;
	} else {
		page = 1, size = O311_PAGE_MAX;
	}
	struct db *db = req_db(r);
	if (!db)
		return fail_msg(r, f, 503, M_err_db_down);
	struct buf sql;
	buf_init(&sql, r->a);
	buf_puts(&sql, "SELECT " REQUEST_COLUMNS " " REQUEST_FROM "WHERE " PUBLISHED);
	if (nids) {
		buf_puts(&sql, in_list(r, "c.number", nids));
	} else {
		buf_puts(&sql, " AND c.received_at >= ? AND c.received_at <= ?");
		if (code && *code)
			buf_puts(&sql, " AND cat.code = ?");
		if (status == O311_OPEN)
			buf_puts(&sql, " AND c.state NOT IN ('closed', 'merged')");
		else if (status == O311_CLOSED)
			buf_puts(&sql, " AND c.state IN ('closed', 'merged')");
	}
	buf_printf(&sql, " ORDER BY c.received_at DESC, c.id DESC LIMIT %ld OFFSET %lld", size,
		   (long long)(page - 1) * size);
	struct db_stmt *q = db_prepare(db, r->a, sql.p);
	int k = 1;
	if (nids) {
		for (int i = 0; i < nids; i++)
			db_bind_text(q, k++, nums[i]);
	} else {
		db_bind_int64(q, k++, from);
		db_bind_int64(q, k++, to);
		if (code && *code)
			db_bind_text(q, k++, code);
	}
	if (!q)
		return fail_msg(r, f, 503, M_err_db_down);
	json_t *a = json_array();
	while (db_step(q) == DB_ROW)
		json_array_append_new(a, request_json(r, q));
	return answer(r, 200, f, a, "service_requests", "request");
}

static int request_one(struct req *r)
{
	enum fmt f;
	const char *id = param_base(r, "id", &f);
	if (!id)
		return fail_msg(r, FMT_JSON, 404, M_o311_err_not_found);
	int64_t n;
	if (!o311_parse_number(id, strlen(id), &n))
		return fail_msg(r, f, 404, M_o311_err_no_request);
	struct db *db = req_db(r);
	if (!db)
		return fail_msg(r, f, 503, M_err_db_down);
	struct db_stmt *q = db_query(
		db, r->a, "SELECT " REQUEST_COLUMNS " " REQUEST_FROM "WHERE " PUBLISHED " AND c.number = ?", "s", id);
	if (!q)
		return fail_msg(r, f, 503, M_err_db_down);
	if (db_step(q) != DB_ROW)
		return fail_msg(r, f, 404, M_o311_err_no_request);
	json_t *a = json_array();
	json_array_append_new(a, request_json(r, q));
	db_reset(q);
	return answer(r, 200, f, a, "service_requests", "request");
}

static int token_one(struct req *r)
{
	enum fmt f;
	const char *token = param_base(r, "token", &f);
	if (!token)
		return fail_msg(r, FMT_JSON, 404, M_o311_err_not_found);
	if (!req_db(r))
		return fail_msg(r, f, 503, M_err_db_down);
	struct record *rec = case_by_code(r, token);
	if (!rec || rec->archived || !rec->vals[CASE_NUMBER])
		return fail_msg(r, f, 404, M_o311_err_no_token);
	json_t *a = json_pack("[{s:s, s:s}]", "service_request_id", rec->vals[CASE_NUMBER], "token", token);
	return answer(r, 200, f, a, "service_requests", "request");
}

/* ---- FixMyStreet's servicerequestupdates ---- */

/* What an event says: its public reply, or the step's name, or the state
 * it entered (static or arena). */
static const char *event_text(struct req *r, const char *action, const char *to, const char *reply)
{
	if (reply && *reply)
		return reply;
	if (!strcmp(action, "create"))
		return msg(r->lang, M_o311_update_created);
	const struct wf_transition *t = wf_transition(&cases_type, action);
	if (t)
		return msg(r->lang, t->label);
	return state_label(r, to);
}

static int updates(struct req *r)
{
	enum fmt f = suffix_format(r->path);
	char nums[O311_IDS_MAX][O311_NUMBER_SIZE];
	int nids = id_list(r, f, nums);
	long page, size;
	int64_t from, to;
	if (nids < 0 || window(r, f, &from, &to) || paging(r, f, &page, &size))
		return 0;
	struct db *db = req_db(r);
	if (!db)
		return fail_msg(r, f, 503, M_err_db_down);
	struct buf sql;
	buf_init(&sql, r->a);
	buf_puts(&sql, "SELECT e.id, e.at, e.action, e.from_state, e.to_state, e.reply, c.number FROM record_events e "
		       "JOIN cases c ON c.id = e.record_id JOIN case_categories cat ON cat.id = c.category_id "
		       "WHERE e.record_type = 'cases' AND e.is_public = 1 AND e.at >= ? AND e.at <= ? AND " PUBLISHED);
	if (nids)
		buf_puts(&sql, in_list(r, "c.number", nids));
	buf_printf(&sql, " ORDER BY e.at, e.id LIMIT %ld OFFSET %lld", size, (long long)(page - 1) * size);
	struct db_stmt *q = db_prepare(db, r->a, sql.p);
	db_bind_int64(q, 1, from);
	db_bind_int64(q, 2, to);
	for (int i = 0; i < nids; i++)
		db_bind_text(q, 3 + i, nums[i]);
	if (!q)
		return fail_msg(r, f, 503, M_err_db_down);
	json_t *a = json_array();
	while (db_step(q) == DB_ROW) {
		const char *action = db_column_text(q, 2);
		const char *st = !db_column_isnull(q, 4) ? db_column_text(q, 4) : db_column_text(q, 3);
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)db_column_int64(q, 0));
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s, s:o, s:s, s:n}", "update_id", id, "service_request_id",
				     db_column_text(q, 6), "status", is_closed(st) ? "closed" : "open",
				     "updated_datetime", time_or_null(db_column_int64(q, 1)), "description",
				     event_text(r, action, db_column_text(q, 4), db_column_text(q, 5)), "media_url"));
	}
	return answer(r, 200, f, a, "service_requests_updates", "request_update");
}

/* ---- submitting ---- */

/* The first line of text, at most TITLE_CHARS characters (arena), and
 * their number in *chars. */
static const char *title_of(struct req *r, const char *text, int *chars_out)
{
	size_t i = 0;
	int chars = 0;
	while (text[i] && text[i] != '\n' && text[i] != '\r' && chars < TITLE_CHARS) {
		i++;
		while ((text[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	*chars_out = chars;
	return arena_strndup(r->a, text, i);
}

static int is_number(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	return *s && !*end && isfinite(v);
}

/* A coordinate within [-lim, lim], or NAN. */
static double coordinate(const char *s, double lim)
{
	char *end;
	double v = s && *s ? strtod(s, &end) : NAN;
	return !isnan(v) && !*end && v >= -lim && v <= lim ? v : NAN;
}

/* A media_url we keep: an http or https URL of printable ASCII, which any
 * client may show as a link without harm. */
static int media_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > MEDIA_URL_MAX || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '"' || s[i] == '<' ||
		    s[i] == '>')
			return 0;
	return 1;
}

static int is_choice(const struct attr *a, const char *v)
{
	const char *p = a->choices, *k, *nm;
	size_t kl, nl;
	while (o311_next_choice(&p, &k, &kl, &nm, &nl))
		if (strlen(v) == kl && !memcmp(v, k, kl))
			return 1;
	return 0;
}

/* The description of a value that does not fit attribute a, or NULL. */
static const char *attr_check(struct req *r, const struct attr *a, const char *v)
{
	size_t n = strlen(v);
	int64_t t;
	int bad = (!strcmp(a->type, "string") && (n > ATTR_STRING_MAX || strchr(v, '\n'))) ||
		  (!strcmp(a->type, "text") && n > ATTR_TEXT_MAX) || (!strcmp(a->type, "number") && !is_number(v)) ||
		  (!strcmp(a->type, "datetime") && o311_parse_datetime(v, &t)) || (is_list(a) && !is_choice(a, v));
	return bad ? fill(r, M_o311_err_attr_value, a->code) : NULL;
}

/* The attribute[...] parameters checked against the category's attributes
 * into a JSON object (code: value, or [values] for a multivaluelist);
 * problems appended to errs. */
static json_t *attributes(struct req *r, int64_t cat, json_t *errs)
{
	struct attr *at;
	int n = attrs_of(r, cat, &at);
	json_t *vals = json_object();
	for (size_t i = 0; i < r->form.n; i++) {
		const struct kv *p = &r->form.v[i];
		char code[40];
		int multi, rc = o311_attribute_name(p->name, code, sizeof code, &multi);
		if (!rc)
			continue;
		if (rc < 0) {
			json_array_append_new(errs, error_item(400, fill(r, M_o311_err_attr_bad_name, p->name)));
			continue;
		}
		const struct attr *a = NULL;
		for (int k = 0; k < n && !a; k++)
			if (!strcmp(at[k].code, code))
				a = &at[k];
		if (!a) {
			json_array_append_new(errs, error_item(400, fill(r, M_o311_err_attr_unknown, code)));
			continue;
		}
		if (!*p->value)
			continue;
		const char *why = attr_check(r, a, p->value);
		if (why) {
			json_array_append_new(errs, error_item(400, why));
			continue;
		}
		json_t *had = json_object_get(vals, code);
		if (!strcmp(a->type, "multivaluelist")) {
			if (!had)
				json_object_set_new(vals, code, had = json_array());
			json_array_append_new(had, json_string(p->value));
		} else if (had || multi) {
			json_array_append_new(errs, error_item(400, fill(r, M_o311_err_attr_many, code)));
		} else {
			json_object_set_new(vals, code, json_string(p->value));
		}
	}
	for (int k = 0; k < n; k++)
		if (at[k].required && !json_object_get(vals, at[k].code))
			json_array_append_new(errs, error_item(400, fill(r, M_o311_err_attr_required, at[k].code)));
	return vals;
}

/* The Open311 name of a case field, for error descriptions. */
static const char *param_of(int field)
{
	switch (field) {
	case CASE_DESCRIPTION: return "description";
	case CASE_ADDRESS: return "address_string";
	case CASE_LAT: return "lat";
	case CASE_LON: return "long";
	case CASE_CONTACT_NAME: return "first_name, last_name";
	case CASE_CONTACT_PHONE: return "phone";
	case CASE_CONTACT_EMAIL: return "email";
	case CASE_EXTRA: return "attribute, media_url";
	case CASE_CATEGORY_ID: return "service_code";
	}
	return NULL;
}

static const char *form(struct req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v && *v ? v : NULL;
}

static int requests_post(struct req *r)
{
	enum fmt f = suffix_format(r->path);
	if (!r->bearer)
		return fail_msg(r, f, 403, form(r, "api_key") ? M_o311_err_key_bad : M_o311_err_key_missing);
	if (!record_type_may(r, &cases_type, ACC_WRITE))
		return fail_msg(r, f, 403, M_o311_err_key_denied);
	if (!req_db(r))
		return fail_msg(r, f, 503, M_err_db_down);
	const char *code = form(r, "service_code");
	if (!code)
		return fail_msg(r, f, 400, M_o311_err_service_code);
	const char *cat_name = NULL;
	int64_t days = 0, cat = category_of(r, code, &cat_name, &days);
	if (!cat)
		return fail_msg(r, f, 400, M_o311_err_no_service);

	json_t *errs = json_array();
	const char *lat = form(r, "lat"), *lon = form(r, "long"), *addr = form(r, "address_string");
	if ((lat || lon) && (isnan(coordinate(lat, 90)) || isnan(coordinate(lon, 180))))
		json_array_append_new(errs, error_item(400, msg(r->lang, M_o311_err_latlong)));
	else if (!lat && !addr)
		json_array_append_new(errs, error_item(400, msg(r->lang, M_o311_err_location)));
	const char *media = form(r, "media_url");
	if (media && !media_ok(media))
		json_array_append_new(errs, error_item(400, msg(r->lang, M_o311_err_media)));
	json_t *attrs = attributes(r, cat, errs);
	if (json_array_size(errs)) {
		json_decref(attrs);
		return answer(r, 400, f, errs, "errors", "error");
	}

	struct record *rec = record_new(r, &cases_type);
	const char *desc = form(r, "description"), *first = form(r, "first_name"), *last = form(r, "last_name");
	const char *email = form(r, "email"), *phone = form(r, "phone");
	int chars = 0;
	const char *title = desc ? title_of(r, desc, &chars) : NULL;
	record_set(r, rec, CASE_CHANNEL, "open311");
	record_set(r, rec, CASE_KIND, "problem");
	record_set(r, rec, CASE_CATEGORY_ID, arena_printf(r->a, "%lld", (long long)cat));
	record_set(r, rec, CASE_TITLE, chars >= 2 ? title : cat_name);
	record_set(r, rec, CASE_DESCRIPTION, desc ? desc : "");
	record_set(r, rec, CASE_ADDRESS, addr ? addr : "");
	record_set(r, rec, CASE_LAT, lat ? lat : "");
	record_set(r, rec, CASE_LON, lon ? lon : "");
	record_set(r, rec, CASE_CONTACT_NAME,
		   first || last ? arena_printf(r->a, "%s%s%s", first ? first : "", first && last ? " " : "",
						last ? last : "")
				 : "");
	record_set(r, rec, CASE_CONTACT_PHONE, phone ? phone : "");
	record_set(r, rec, CASE_CONTACT_EMAIL, email ? email : "");
	record_set(r, rec, CASE_ANONYMOUS, first || last || phone || email ? "0" : "1");
	json_t *extra = json_pack("{s:o}", "attributes", attrs);
	if (media)
		json_object_set_new(extra, "media_url", json_string(media));
	char *x = json_dumps(extra, JSON_COMPACT);
	json_decref(extra);
	rec->vals[CASE_EXTRA] = x ? arena_strdup(r->a, x) : NULL;
	free(x);

	char token[CASE_CODE_SIZE];
	struct record_errors e;
	int rc = case_submit_durable(r, rec, token, &e, NULL, NULL);
	if (rc == WF_E_INVALID) {
		for (int i = 0; i < cases_type.nfields; i++)
			if (e.field[i] != M_NONE) {
				const char *name = param_of(i) ? param_of(i) : cases_type.fields[i].name;
				json_array_append_new(errs, error_item(400, arena_printf(r->a, "%s: %s", name,
											 msg(r->lang, e.field[i]))));
			}
		if (e.record != M_NONE)
			json_array_append_new(errs, error_item(400, msg(r->lang, e.record)));
		if (!json_array_size(errs))
			json_array_append_new(errs, error_item(400, msg(r->lang, M_err_422)));
		return answer(r, 400, f, errs, "errors", "error");
	}
	json_decref(errs);
	if (rc) {
		enum msg_id m;
		int status = wf_error_status(rc, &m);
		return fail_msg(r, f, status, m);
	}
	char d[24];
	snprintf(d, sizeof d, "%lld", (long long)days);
	json_t *a = json_pack("[{s:s, s:s, s:s, s:n}]", "service_request_id", rec->vals[CASE_NUMBER], "token", token,
			      "service_notice", fill(r, M_o311_notice_days, d), "account_id");
	return answer(r, 200, f, a, "service_requests", "request");
}

const struct route open311_routes[] = {
	{"GET", "/open311/v2/discovery.json", discovery, P_PUBLIC, 0, "open311 discovery"},
	{"GET", "/open311/v2/discovery.xml", discovery, P_PUBLIC, 0, "open311 discovery"},
	{"GET", "/open311/v2/services.json", services, P_PUBLIC, 0, "open311 services"},
	{"GET", "/open311/v2/services.xml", services, P_PUBLIC, 0, "open311 services"},
	{"GET", "/open311/v2/services/{code:str}", service_definition, P_PUBLIC, 0, "open311 service"},
	{"GET", "/open311/v2/requests.json", requests_list, P_PUBLIC, 0, "open311 requests"},
	{"GET", "/open311/v2/requests.xml", requests_list, P_PUBLIC, 0, "open311 requests"},
	{"POST", "/open311/v2/requests.json", requests_post, P_PUBLIC, 2, "open311 submit"},
	{"POST", "/open311/v2/requests.xml", requests_post, P_PUBLIC, 2, "open311 submit"},
	{"GET", "/open311/v2/requests/{id:str}", request_one, P_PUBLIC, 0, "open311 request"},
	{"GET", "/open311/v2/tokens/{token:str}", token_one, P_PUBLIC, 0, "open311 token"},
	{"GET", "/open311/v2/servicerequestupdates.json", updates, P_PUBLIC, 0, "open311 updates"},
	{"GET", "/open311/v2/servicerequestupdates.xml", updates, P_PUBLIC, 0, "open311 updates"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
