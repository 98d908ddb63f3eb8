/* api.c — the JSON API every record type gets:
 *   GET    /api/v1/{type}        list: filters as query parameters, q, sort, page, per_page
 *   GET    /api/v1/{type}/{id}   one record (?reveal=1 shows sensitive fields, audited)
 *   POST   /api/v1/{type}        create from a JSON object
 *   PATCH  /api/v1/{type}/{id}   change the fields given (send "version" to guard against lost updates;
 *                                a sensitive field sent back as the mask it was read as keeps its value)
 *   DELETE /api/v1/{type}/{id}   archive
 * Errors: {"error": {"code", "message", "fields": {name: message}}}.
 * Plus GET /api/v1/openapi.json, generated from the declarations. */
#include "files.h"
#include "query.h"
#include "../core/cache.h"
#include "../db/db.h"
#include "../http/app.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void send_json(struct req *r, int status, json_t *j)
{
	req_json_begin(r, status);
	char *s = json_dumps(j, JSON_COMPACT);
	buf_puts(&r->out, s ? s : "null");
	buf_putc(&r->out, '\n');
	free(s);
	json_decref(j);
}

static int fail_fields(struct req *r, int status, const char *code, enum msg_id m, const struct record *rec,
		       const struct record_errors *e)
{
	json_t *fields = json_object();
	for (int i = 0; e && i < rec->type->nfields; i++)
		if (e->field[i] != M_NONE)
			json_object_set_new(fields, rec->type->fields[i].name, json_string(msg(r->lang, e->field[i])));
	send_json(r, status,
		  json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", msg(r->lang, m), "fields", fields));
	return 0;
}

static int list_json(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_READ);
	if (!t)
		return 0;
	struct list_query q;
	list_query_build(r, t, &q);
	if (q.error != M_NONE) {
		json_t *fields = json_object();
		json_object_set_new(fields, q.bad_param ? q.bad_param : "query", json_string(msg(r->lang, q.error)));
		send_json(r, 400, json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "bad_request", "message",
					    msg(r->lang, q.error), "fields", fields));
		return 0;
	}
	const char *key = list_cache_key(r, "json", t);
	req_json_begin(r, 200);
	if (cache_get(req_cache(r), key, q.gen, &r->out))
		return 0;
	int64_t total = list_query_count(r, &q);
	struct db_stmt *s = total >= 0 ? list_query_run(r, &q, q.per_page, (int64_t)(q.page - 1) * q.per_page) : NULL;
	if (!s)
		return req_fail(r, 503, M_err_db_down);
	json_t *data = json_array();
	while (db_step(s) == DB_ROW)
		json_array_append_new(data, record_json(r, record_from_row(r, t, s), 0));
	send_json(r, 200, json_pack("{s:o, s:I, s:i, s:i}", "data", data, "total", (json_int_t)total, "page", q.page,
				    "per_page", q.per_page));
	cache_put(req_cache(r), key, q.gen, r->out.p, r->out.len);
	return 0;
}


static int one_json(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	struct record *rec = t ? record_load_checked(r, t, ACC_READ) : NULL;
	if (!rec)
		return 0;
	const char *rv = req_query(r, "reveal");
	int reveal = rv && !strcmp(rv, "1"), sensitive = 0;
	for (int i = 0; i < t->nfields; i++)
		sensitive |= (t->fields[i].flags & FF_SENSITIVE) != 0;
	if (!sensitive)
		reveal = 0; /* nothing to reveal: not a reason to refuse */
	if (reveal) {
		int rc = record_reveal(r, rec, "*");
		if (rc)
			return req_fail(r, rc > 0 ? 403 : 500, M_NONE);
	}
	send_json(r, 200, json_pack("{s:o}", "data", record_json(r, rec, reveal)));
	return 0;
}

/* Applies a JSON object's members to rec; unknown members are an error. */
static int apply_json(struct req *r, struct record *rec, json_t *body, struct record_errors *e)
{
	const struct record_type *t = rec->type;
	e->field = arena_alloc(r->a, (size_t)t->nfields * sizeof *e->field);
	e->count = 0;
	e->record = M_NONE;
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (!strcmp(key, "id") || !strcmp(key, "version") || !strcmp(key, "archived") || !strcmp(key, "created_at") ||
		    !strcmp(key, "updated_at"))
			continue;
		int i = record_field_index(t, key);
		if (i < 0 || !FIELD_INPUT(&t->fields[i])) {
			e->record = M_rec_unknown_field;
			return -1;
		}
		const char *text;
		if (t->fields[i].type == F_FILES && json_is_array(v)) {
			/* ids of files uploaded through POST /api/v1/files (or the objects answered) */
			text = files_ids_from_json(r, v);
			if (text == (const char *)-1) {
				e->field[i] = M_files_bad_ids;
				e->count++;
				continue;
			}
		} else if (json_is_null(v))
			text = NULL;
		else if (json_is_string(v))
			text = json_string_value(v);
		else if (json_is_integer(v))
			text = arena_printf(r->a, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			text = arena_printf(r->a, "%.17g", json_real_value(v));
		else if (json_is_boolean(v))
			text = json_is_true(v) ? "1" : "0";
		else {
			e->field[i] = M_rec_bad_value;
			e->count++;
			continue;
		}
		record_set(r, rec, i, text);
	}
	json_t *ver = json_object_get(body, "version");
	if (json_is_integer(ver))
		rec->version = json_integer_value(ver);
	return 0;
}

static int save_json(struct req *r, struct record *rec, const struct record *before)
{
	struct record_errors e;
	json_t *body = r->json;
	if (!body || !json_is_object(body))
		return req_fail(r, 400, M_rec_need_object);
	if (apply_json(r, rec, body, &e))
		return fail_fields(r, 400, "bad_request", e.record, rec, NULL);
	if (e.count || record_validate(r, rec, before, &e))
		return fail_fields(r, 422, "invalid", M_form_has_errors, rec, &e);
	int rc = record_save(r, rec, before);
	if (rc == DB_E_BUSY)
		return fail_fields(r, 409, "conflict", M_rec_conflict, rec, NULL);
	if (rc == DB_E_UNIQUE || rc == DB_E_FK || rc == DB_E_CHECK)
		return fail_fields(r, 409, "conflict", rc == DB_E_UNIQUE ? M_rec_not_unique : M_rec_refused, rec, NULL);
	if (rc)
		return req_fail(r, 500, M_NONE);
	struct record *saved = record_load(r, rec->type, rec->id);
	send_json(r, before ? 200 : 201, json_pack("{s:o}", "data", record_json(r, saved ? saved : rec, 0)));
	if (!before)
		req_header_add(r, "Location: /api/v1/%s/%lld", rec->type->name, (long long)rec->id);
	return 0;
}

static int create_json(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_WRITE);
	if (!t)
		return 0;
	return save_json(r, record_new(r, t), NULL);
}

static int patch_json(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	struct record *before = t ? record_load_checked(r, t, ACC_WRITE) : NULL;
	if (!before)
		return 0;
	if (before->archived)
		return req_fail(r, 409, M_rec_is_archived);
	struct record *rec = record_copy(r, before);
	return save_json(r, rec, before);
}

static int delete_json(struct req *r)
{
	const struct record_type *t = record_type_of_route(r, ACC_NONE);
	struct record *rec = t ? record_load_checked(r, t, ACC_WRITE) : NULL;
	if (!rec)
		return 0;
	if (!rec->archived) {
		int rc = record_archive(r, rec, 1);
		if (rc == DB_E_FK)
			return req_fail(r, 409, M_rec_in_use);
		if (rc)
			return req_fail(r, 500, M_NONE);
	}
	send_json(r, 200, json_pack("{s:o}", "data", record_json(r, rec, 0)));
	return 0;
}

/* ---- OpenAPI ----
 * The document says what the server does, status by status, so that a
 * client validating against it accepts every answer it can get; a test
 * (tests/http/openapi.test.js) holds every documented operation to it. */

/* Small builders: each returns a new reference. */
static json_t *obj1(const char *k, json_t *v)
{
	json_t *o = json_object();
	json_object_set_new(o, k, v);
	return o;
}

static json_t *ref_schema(const char *ref)
{
	return obj1("$ref", json_string(ref));
}

static json_t *typed(const char *type)
{
	return obj1("type", json_string(type));
}

/* An object schema with these properties, all required, nothing else. */
static json_t *closed_object(json_t *props)
{
	json_t *required = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(props, k, v)
	{
		(void)v;
		json_array_append_new(required, json_string(k));
	}
	return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props, "required", required,
			 "additionalProperties", 0);
}

static json_t *string_enum(const char *const *codes, int n)
{
	json_t *e = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(e, json_string(codes[i]));
	return json_pack("{s:s, s:o}", "type", "string", "enum", e);
}

/* A field's value as the API answers it (output) or takes it (input). */
static json_t *field_schema(const struct field_def *f, int input)
{
	if (f->type == F_FILES)
		return files_field_schema(input, msg(LANG_EN, f->label));
	json_t *s = json_object();
	switch (f->type) {
	case F_INT:
	case F_UNIT:
	case F_PERSON:
	case F_REF:
	case F_DATETIME: json_object_set_new(s, "type", json_string("integer")); break;
	case F_DECIMAL: json_object_set_new(s, "type", json_string("number")); break;
	case F_BOOL: json_object_set_new(s, "type", json_string("boolean")); break;
	case F_DATE:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "format", json_string("date"));
		break;
	case F_ENUM: {
		json_object_set_new(s, "type", json_string("string"));
		json_t *e = json_array();
		for (const struct enum_opt *o = f->opts; o->code; o++)
			json_array_append_new(e, json_string(o->code));
		json_object_set_new(s, "enum", e);
		break;
	}
	default:
		/* the bounds record_validate applies, in characters */
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "maxLength", json_integer(f->max ? f->max : f->type == F_TEXT ? 200 : 20000));
		if (f->min)
			json_object_set_new(s, "minLength", json_integer(f->min));
	}
	if ((f->type == F_INT || f->type == F_DECIMAL) && (f->min || f->max)) {
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
	}
	if (!(f->flags & FF_REQUIRED) || (input && f->dflt)) {
		json_object_set_new(s, "nullable", json_true());
		/* OpenAPI 3.0.3: a nullable enum lists null among its values */
		if (json_object_get(s, "enum"))
			json_array_append_new(json_object_get(s, "enum"), json_null());
	}
	const char *label = msg(LANG_EN, f->label);
	if (f->flags & FF_SENSITIVE)
		json_object_set_new(s, "description",
				    json_sprintf("%s. Answered masked unless the record is read with ?reveal=1 (audited)%s", label,
						 input ? "" : "; a masked value may not match the field's format"));
	else if (f->type == F_DATETIME)
		json_object_set_new(s, "description", json_sprintf("%s (Unix seconds)", label));
	else if (f->type == F_UNIT || f->type == F_PERSON || f->type == F_REF)
		json_object_set_new(s, "description",
				    json_sprintf("%s (id in /api/v1/%s)", label,
						 f->type == F_UNIT ? "units" : f->type == F_PERSON ? "people" : f->ref));
	else
		json_object_set_new(s, "description", json_string(label));
	return s;
}

/* A query parameter as the list takes it: flags are 0 or 1, a unit
 * filter takes in the units under it, enums their codes. */
static json_t *filter_param(const struct field_def *f)
{
	json_t *schema;
	const char *desc = msg(LANG_EN, f->label);
	if (f->type == F_BOOL)
		schema = json_pack("{s:s, s:[i,i]}", "type", "integer", "enum", 0, 1);
	else if (f->type == F_TEXT || f->type == F_DATE)
		schema = json_pack("{s:s, s:[i,i]}", "type", "integer", "enum", 0, 1),
		desc = "1: the records that have a value here; 0: those that have none";
	else if (f->type == F_UNIT)
		schema = json_pack("{s:s, s:i}", "type", "integer", "minimum", 1), desc = "This unit and every unit under it";
	else if (field_is_integer(f->type))
		schema = json_pack("{s:s, s:i}", "type", "integer", "minimum", 0);
	else if (f->type == F_ENUM) {
		schema = field_schema(f, 1);
		json_object_del(schema, "nullable");
		json_object_del(schema, "description");
		json_t *e = json_object_get(schema, "enum"); /* a filter takes codes only */
		if (json_array_size(e) && json_is_null(json_array_get(e, json_array_size(e) - 1)))
			json_array_remove(e, json_array_size(e) - 1);
	}
	else
		schema = typed("string");
	return json_pack("{s:s, s:s, s:s, s:o}", "name", f->name, "in", "query", "description", desc, "schema", schema);
}

static json_t *query_param(const char *name, const char *desc, json_t *schema)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "name", name, "in", "query", "description", desc, "schema", schema);
}

static json_t *json_body(json_t *schema)
{
	return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema", schema);
}

static json_t *answer(const char *desc, json_t *schema)
{
	return json_pack("{s:s, s:{s:{s:o}}}", "description", desc, "content", "application/json", "schema", schema);
}

static json_t *data_of(json_t *schema)
{
	return closed_object(obj1("data", schema));
}

/* Adds an error answer described once under components (e.g. "401"). */
static void add_error(json_t *op, const char *status)
{
	char ref[64];
	snprintf(ref, sizeof ref, "#/components/responses/%s", status);
	json_object_set_new(json_object_get(op, "responses"), status, ref_schema(ref));
}

/* An operation with its answers: "2xx", description, schema, ..., then
 * the error statuses (add_error), NULL. */
static json_t *operation(const char *id, const char *tag, const char *summary, ...)
{
	json_t *op = json_pack("{s:s, s:[s], s:s, s:{}}", "operationId", id, "tags", tag, "summary", summary, "responses");
	va_list ap;
	va_start(ap, summary);
	for (const char *code; (code = va_arg(ap, const char *));) {
		if (code[0] == '2') {
			const char *desc = va_arg(ap, const char *);
			json_object_set_new(json_object_get(op, "responses"), code, answer(desc, va_arg(ap, json_t *)));
		} else {
			add_error(op, code);
		}
	}
	va_end(ap);
	return op;
}

/* The error answers, described once: status, when. */
static const struct {
	const char *status, *when;
} error_answers[] = {
	{"400", "A malformed request: bad JSON, not an object, an unknown field, a bad query parameter "
		"(page, per_page, sort, a filter)"},
	{"401", "No valid session or Authorization: Bearer token"},
	{"403", "The user's roles or scope do not allow this (or the session's CSRF token is missing)"},
	{"404", "No such record"},
	{"409", "A conflict: the record changed since the version sent, a unique value is taken, the record is "
		"archived or still referenced"},
	{"413", "The body is larger than max_body"},
	{"415", "The body is not application/json"},
	{"422", "Fields that do not validate: error.fields names each with its message"},
	{"503", "The database cannot be reached"},
};

static json_t *components_base(void)
{
	json_t *fields = json_pack("{s:s, s:{s:s}, s:s}", "type", "object", "additionalProperties", "type", "string",
				   "description", "field name: message, in the language of Accept-Language");
	json_t *err = closed_object(json_pack("{s:o, s:o}", "code", typed("string"), "message", typed("string")));
	json_object_set_new(json_object_get(err, "properties"), "fields", fields);
	json_t *schemas = obj1("Error", closed_object(obj1("error", err)));
	json_t *responses = json_object();
	for (size_t i = 0; i < sizeof error_answers / sizeof error_answers[0]; i++)
		json_object_set_new(responses, error_answers[i].status,
				    answer(error_answers[i].when, ref_schema("#/components/schemas/Error")));
	json_t *params = json_object();
	json_object_set_new(params, "page",
			    query_param("page", "Page number, from 1",
					json_pack("{s:s, s:i, s:i, s:i}", "type", "integer", "minimum", 1, "maximum", 1000000,
						  "default", 1)));
	json_object_set_new(params, "per_page",
			    query_param("per_page", "Records per page",
					json_pack("{s:s, s:i, s:i, s:i}", "type", "integer", "minimum", 1, "maximum", 200,
						  "default", 25)));
	json_t *bearer = json_pack("{s:s, s:s}", "type", "http", "scheme", "bearer");
	return json_pack("{s:o, s:o, s:o, s:{s:o}}", "schemas", schemas, "responses", responses, "parameters", params,
			 "securitySchemes", "bearer", bearer);
}

/* The schemas of one register: NAME as answered, NAMENew to create one,
 * NAMEChange to change one (nothing required). */
static void type_schemas(const struct record_type *t, const char *cap, json_t *schemas)
{
	json_t *out = json_object(), *in = json_object(), *required = json_array();
	json_object_set_new(out, "id", json_pack("{s:s, s:b}", "type", "integer", "readOnly", 1));
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (f->flags & FF_HIDDEN)
			continue;
		json_t *o = field_schema(f, 0);
		if (f->flags & FF_READONLY) { /* set by the record's workflow, never by a body */
			json_object_set_new(o, "readOnly", json_true());
			json_object_set_new(out, f->name, o);
			continue;
		}
		json_object_set_new(out, f->name, o);
		json_object_set_new(in, f->name, field_schema(f, 1));
		if ((f->flags & FF_REQUIRED) && !f->dflt)
			json_array_append_new(required, json_string(f->name));
	}
	json_object_set_new(out, "archived",
			    json_pack("{s:s, s:b, s:s}", "type", "boolean", "readOnly", 1, "description",
				      "Archived by DELETE; listed with ?archived=1"));
	json_object_set_new(out, "version",
			    json_pack("{s:s, s:s}", "type", "integer", "description", "Send it back with PATCH to be told "
									     "(409) when someone else changed the record first"));
	json_object_set_new(out, "created_at", json_pack("{s:s, s:b, s:s}", "type", "integer", "readOnly", 1,
							 "description", "Unix seconds"));
	json_object_set_new(out, "updated_at", json_pack("{s:s, s:b, s:s}", "type", "integer", "readOnly", 1,
							 "description", "Unix seconds"));
	json_t *create = json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", json_deep_copy(in), "required",
				   required, "additionalProperties", 0);
	json_object_set_new(in, "version", typed("integer"));
	json_t *change = json_pack("{s:s, s:o, s:b, s:s}", "type", "object", "properties", in, "additionalProperties", 0,
				   "description", "Only the fields to change; an unknown field is a 400");
	char name[80];
	json_object_set_new(schemas, cap, closed_object(out));
	snprintf(name, sizeof name, "%sNew", cap);
	json_object_set_new(schemas, name, create);
	snprintf(name, sizeof name, "%sChange", cap);
	json_object_set_new(schemas, name, change);
}

/* Does a field of some register refer to records of t? */
static int type_is_referenced(const struct record_type *t)
{
	for (int k = 0; k < record_ntypes; k++)
		for (int i = 0; i < record_types[k]->nfields; i++) {
			const char *table = record_ref_table(&record_types[k]->fields[i]);
			if (table && !strcmp(table, t->table))
				return 1;
		}
	return 0;
}

/* GET and POST /api/v1/NAME, GET, PATCH and DELETE /api/v1/NAME/{id}. */
static void type_paths(const struct record_type *t, const char *cap, json_t *paths)
{
	char ref[96], ref_new[96], ref_change[96], path[96];
	snprintf(ref, sizeof ref, "#/components/schemas/%s", cap);
	snprintf(ref_new, sizeof ref_new, "#/components/schemas/%sNew", cap);
	snprintf(ref_change, sizeof ref_change, "#/components/schemas/%sChange", cap);
	char id[96];
#define OP_ID(verb) (snprintf(id, sizeof id, "%s_%s", verb, t->name), id)

	json_t *params = json_array(), *sorts = json_array();
	json_array_append_new(sorts, json_string("id"));
	json_array_append_new(sorts, json_string("-id"));
	for (int i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (f->flags & FF_HIDDEN)
			continue;
		if (f->flags & FF_FILTER)
			json_array_append_new(params, filter_param(f));
		/* what list_query_build accepts as ?sort= */
		if ((f->flags & (FF_SORT | FF_LIST)) && !(f->flags & FF_SENSITIVE)) {
			json_array_append_new(sorts, json_string(f->name));
			json_array_append_new(sorts, json_sprintf("-%s", f->name));
		}
	}
	json_array_append_new(params, query_param("q", "Words to look for in the register's text fields",
						  json_pack("{s:s, s:i}", "type", "string", "maxLength", 200)));
	json_array_append_new(params, query_param("sort", "A field to sort by; a leading - sorts descending",
						  json_pack("{s:s, s:o}", "type", "string", "enum", sorts)));
	json_array_append_new(params, query_param("archived", "1 lists the archived records instead",
						  json_pack("{s:s, s:[i,i], s:i}", "type", "integer", "enum", 0, 1,
							    "default", 0)));
	json_array_append_new(params, ref_schema("#/components/parameters/page"));
	json_array_append_new(params, ref_schema("#/components/parameters/per_page"));
	json_t *page = closed_object(json_pack("{s:{s:s, s:o}, s:o, s:o, s:o}", "data", "type", "array", "items",
					       ref_schema(ref), "total", typed("integer"), "page", typed("integer"),
					       "per_page", typed("integer")));
	const char *many = msg(LANG_EN, t->many);
	json_t *list = operation(OP_ID("list"), t->name, many, "200", "A page of records (page past the end: no data)",
				 page, "400", "401", "503", NULL);
	for (int role = 0; role < ROLE__COUNT; role++)
		if (t->access[role] == ACC_NONE) { /* record_type_may: every other role reads some */
			add_error(list, "403");
			break;
		}
	json_object_set_new(list, "parameters", params);
	json_t *create = operation(OP_ID("create"), t->name, "Create", "201", "Created (Location names it)",
				   data_of(ref_schema(ref)), "400", "401", "403", "409", "413", "415", "422", NULL);
	json_object_set_new(create, "requestBody", json_body(ref_schema(ref_new)));
	snprintf(path, sizeof path, "/api/v1/%s", t->name);
	json_object_set_new(paths, path, json_pack("{s:o, s:o}", "get", list, "post", create));

	json_t *get = operation(OP_ID("get"), t->name, "Read one", "200", "The record", data_of(ref_schema(ref)), "401",
				"403", "404", NULL);
	int sensitive = 0;
	for (int i = 0; i < t->nfields; i++)
		sensitive |= (t->fields[i].flags & FF_SENSITIVE) != 0;
	if (sensitive)
		json_object_set_new(get, "parameters",
				    json_pack("[o]", query_param("reveal",
								 "1 shows the sensitive fields in full, for the roles that "
								 "may (403 otherwise); each reveal is audited",
								 json_pack("{s:s, s:[i]}", "type", "integer", "enum", 1))));
	json_t *patch = operation(OP_ID("update"), t->name, "Change fields", "200", "Updated", data_of(ref_schema(ref)),
				  "400", "401", "403", "404", "409", "413", "415", "422", NULL);
	json_object_set_new(patch, "requestBody", json_body(ref_schema(ref_change)));
	json_t *del = operation(OP_ID("archive"), t->name, "Archive", "200", "Archived (or already so)",
				data_of(ref_schema(ref)), "401", "403", "404", NULL);
	if (type_is_referenced(t)) /* record_archive refuses while active records refer to it */
		add_error(del, "409");
	json_t *idparam = json_pack("{s:s, s:s, s:b, s:{s:s, s:i}}", "name", "id", "in", "path", "required", 1, "schema",
				    "type", "integer", "minimum", 1);
	snprintf(path, sizeof path, "/api/v1/%s/{id}", t->name);
	json_object_set_new(paths, path,
			    json_pack("{s:[o], s:o, s:o, s:o}", "parameters", idparam, "get", get, "patch", patch, "delete",
				      del));
#undef OP_ID
}

/* The answers of the platform's own JSON routes (the signed-in user,
 * global search, staff statistics), which are not registers. */
static void platform_paths(json_t *paths, json_t *schemas)
{
	const char *roles[ROLE__COUNT], *langs[LANG__COUNT], *types[64];
	for (int i = 0; i < ROLE__COUNT; i++)
		roles[i] = role_name((enum role)i);
	for (int i = 0; i < LANG__COUNT; i++)
		langs[i] = lang_code((enum lang)i);
	int ntypes = record_ntypes < 64 ? record_ntypes : 64;
	for (int i = 0; i < ntypes; i++)
		types[i] = record_types[i]->name;

	json_t *grant = closed_object(json_pack("{s:o, s:{s:s, s:b, s:s}}", "role", string_enum(roles, ROLE__COUNT),
						"unit_id", "type", "integer", "nullable", 1, "description",
						"The unit the role is scoped to; null: everywhere"));
	json_object_set_new(schemas, "Me",
			    closed_object(json_pack("{s:o, s:o, s:o, s:o, s:{s:s, s:o}}", "id", typed("integer"),
						    "username", typed("string"), "display_name", typed("string"),
						    "language", string_enum(langs, LANG__COUNT), "roles", "type", "array",
						    "items", grant)));
	json_object_set_new(paths, "/api/v1/me",
			    obj1("get", operation("get_me", "account", "The signed-in user", "200", "The user",
						  data_of(ref_schema("#/components/schemas/Me")), "401", NULL)));

	json_t *hit = closed_object(json_pack("{s:o, s:o, s:o, s:o}", "type", string_enum(types, ntypes), "id",
					      typed("integer"), "title", typed("string"), "url", typed("string")));
	json_object_set_new(schemas, "SearchResults",
			    closed_object(json_pack(
				    "{s:{s:s, s:o}, s:o, s:o, s:{s:s, s:s}, s:{s:s, s:s}}", "data", "type", "array", "items", hit,
				    "query", typed("string"), "normalized", typed("string"), "truncated", "type", "boolean",
				    "description", "Only the first hits are listed", "partial", "type", "boolean", "description",
				    "A one- or two-character query was looked for only in the newest index entries")));
	json_t *search = operation("search", "search", "Search people, units and every register", "200",
				   "The hits the user may see", ref_schema("#/components/schemas/SearchResults"), "400",
				   "401", "503", NULL);
	json_object_set_new(search, "parameters",
			    json_pack("[{s:s, s:s, s:b, s:s, s:{s:s, s:i}}]", "name", "q", "in", "query", "required", 1,
				      "description", "Traditional and Simplified Chinese find each other", "schema", "type",
				      "string", "minLength", 1));
	json_object_set_new(paths, "/api/v1/search", obj1("get", search));

	json_t *figures = json_pack("{s:o, s:o, s:o, s:o}", "total", typed("integer"), "party_members", typed("integer"),
				    "law_enforcement_certified", typed("integer"), "mid_level_professionals", typed("integer"));
	json_t *by_unit = json_deep_copy(figures);
	json_object_set_new(by_unit, "id", typed("integer"));
	json_object_set_new(by_unit, "name", typed("string"));
	json_object_update_new(figures, json_pack("{s:o, s:{s:s, s:s}, s:{s:s, s:o}}", "unit",
					      closed_object(json_pack("{s:o, s:o}", "id", typed("integer"), "name",
								      typed("string"))),
					      "as_of", "type", "string", "format", "date", "by_unit", "type", "array",
					      "items", closed_object(by_unit)));
	json_object_set_new(schemas, "PeopleStats", closed_object(figures));
	json_t *stats = operation("get_people_stats", "people", "Active staff of a unit's subtree, and of each unit below it",
				  "200", "The figures", data_of(ref_schema("#/components/schemas/PeopleStats")), "400",
				  "401", "403", "404", NULL);
	json_object_set_new(stats, "parameters",
			    json_pack("[o]", query_param("unit", "The unit; default: the top of what the user may see",
							 json_pack("{s:s, s:i}", "type", "integer", "minimum", 1))));
	json_object_set_new(paths, "/api/v1/stats/people", obj1("get", stats));

	/* the cases' statistics (cases/stats.c): counts, and rates in percent
	 * (null when nothing to count) */
	json_t *rate = json_pack("{s:s, s:b, s:i, s:i}", "type", "number", "nullable", 1, "minimum", 0, "maximum", 100);
	json_t *cfig = json_object();
	static const char *const ccounts[] = {"received", "merged", "counted", "dispatched", "accepted_on_time", "closed",
					      "rated", "satisfied", "answered", "answered_on_time", "handled",
					      "handling_days_total", "open", "overdue"};
	for (size_t i = 0; i < sizeof ccounts / sizeof *ccounts; i++)
		json_object_set_new(cfig, ccounts[i], typed("integer"));
	static const char *const crates[] = {"response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate"};
	for (size_t i = 0; i < sizeof crates / sizeof *crates; i++)
		json_object_set_new(cfig, crates[i], json_deep_copy(rate));
	json_object_set_new(cfig, "avg_handling_days", json_pack("{s:s, s:b}", "type", "number", "nullable", 1));
	json_t *cunit = json_deep_copy(cfig);
	json_object_set_new(cunit, "id", typed("integer"));
	json_object_set_new(cunit, "name", typed("string"));
	json_t *counts = json_pack("{s:s, s:o}", "type", "object", "additionalProperties", typed("integer"));
	json_t *call = json_deep_copy(cfig);
	json_object_update_new(
		call, json_pack("{s:o, s:{s:s, s:s}, s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:{s:s, s:o}, s:{s:s, s:o}, s:{s:s, s:o}, "
				"s:o}",
				"unit", closed_object(json_pack("{s:o, s:o}", "id", typed("integer"), "name", typed("string"))),
				"from", "type", "string", "format", "date", "to", "type", "string", "format", "date",
				"includes_unassigned", typed("boolean"), "by_channel", json_deep_copy(counts), "by_kind",
				json_deep_copy(counts), "by_state", counts, "by_category", "type", "array", "items",
				closed_object(json_pack("{s:o, s:o, s:o}", "id", typed("integer"), "name", typed("string"),
							"count", typed("integer"))),
				"by_month", "type", "array", "items",
				closed_object(json_pack("{s:o, s:o, s:o}", "month", typed("string"), "received",
							typed("integer"), "closed", typed("integer"))),
				"by_unit", "type", "array", "items", closed_object(cunit), "own", closed_object(json_deep_copy(cfig))));
	json_decref(cfig);
	json_decref(rate);
	json_object_set_new(schemas, "CaseStats", closed_object(call));
	json_t *cstats = operation("get_case_stats", "cases",
				   "Cases of a unit's subtree received in a period: counts, response, resolution, "
				   "satisfaction and on-time rates, average handling time, by channel, kind, category, "
				   "state, month and sub-unit",
				   "200", "The figures", data_of(ref_schema("#/components/schemas/CaseStats")), "400", "401",
				   "403", "404", NULL);
	json_object_set_new(
		cstats, "parameters",
		json_pack("[o, o, o]",
			  query_param("unit", "The unit; default: the top of what the user may see",
				      json_pack("{s:s, s:i}", "type", "integer", "minimum", 1)),
			  query_param("from", "First day of receipt (YYYY-MM-DD); default: 1 January this year",
				      json_pack("{s:s, s:s}", "type", "string", "format", "date")),
			  query_param("to", "Last day of receipt (YYYY-MM-DD); default: today",
				      json_pack("{s:s, s:s}", "type", "string", "format", "date"))));
	json_object_set_new(paths, "/api/v1/stats/cases", obj1("get", cstats));
}

static int openapi_json(struct req *r)
{
	json_t *paths = json_object(), *components = components_base();
	json_t *schemas = json_object_get(components, "schemas");
	json_t *doc_op = operation("get_openapi", "api", "This document", "200", "OpenAPI 3.0", typed("object"), NULL);
	json_object_set_new(doc_op, "security", json_array());
	json_object_set_new(paths, "/api/v1/openapi.json", obj1("get", doc_op));
	platform_paths(paths, schemas);
	for (int k = 0; k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		char cap[64];
		snprintf(cap, sizeof cap, "%c%s", t->name[0] - 32, t->name + 1);
		type_schemas(t, cap, schemas);
		type_paths(t, cap, paths);
	}
	json_t *doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:o, s:[{s:[]}]}", "openapi", "3.0.3", "info", "title",
		"wenming API", "version", r->app->version, "description",
		"Civility campaign records. Authenticate with Authorization: Bearer TOKEN (wenming token add USER). "
		"Errors answer {\"error\": {code, message, fields}} in the language of Accept-Language.",
		"servers", "url", r->app->cfg->base_url[0] ? r->app->cfg->base_url : "/", "paths", paths, "components",
		components, "security", "bearer");
	send_json(r, 200, doc);
	return 0;
}

const struct route records_api_routes[] = {
	{"GET", "/api/v1/openapi.json", openapi_json, P_PUBLIC, 0, "openapi"},
	{"GET", "/api/v1/{type:str}", list_json, P_SIGNED_IN, 0, "api list"},
	{"POST", "/api/v1/{type:str}", create_json, P_SIGNED_IN, 1, "api create"},
	{"GET", "/api/v1/{type:str}/{id:int}", one_json, P_SIGNED_IN, 0, "api get"},
	{"PATCH", "/api/v1/{type:str}/{id:int}", patch_json, P_SIGNED_IN, 1, "api patch"},
	{"DELETE", "/api/v1/{type:str}/{id:int}", delete_json, P_SIGNED_IN, 1, "api delete"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
