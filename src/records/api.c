/* api.c — the JSON API every record type gets:
 *   GET    /api/v1/{type}        list: filters as query parameters, q, sort, page, per_page
 *   GET    /api/v1/{type}/{id}   one record (?reveal=1 shows sensitive fields, audited)
 *   POST   /api/v1/{type}        create from a JSON object
 *   PATCH  /api/v1/{type}/{id}   change the fields given (send "version" to guard against lost updates;
 *                                a sensitive field sent back as the mask it was read as keeps its value)
 *   DELETE /api/v1/{type}/{id}   archive
 * Errors: {"error": {"code", "message", "fields": {name: message}}}.
 * Plus GET /api/v1/openapi.json, generated from the declarations. */
#include "query.h"
#include "../core/cache.h"
#include "../db/db.h"
#include "../http/app.h"

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
	db_done(s);
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
		if (i < 0 || (t->fields[i].flags & FF_HIDDEN)) {
			e->record = M_rec_unknown_field;
			return -1;
		}
		const char *text;
		if (json_is_null(v))
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

/* ---- OpenAPI ---- */

static json_t *field_schema(const struct field_def *f)
{
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
		json_object_set_new(s, "type", json_string("string"));
		if (f->max)
			json_object_set_new(s, "maxLength", json_integer(f->max));
	}
	if (!(f->flags & FF_REQUIRED))
		json_object_set_new(s, "nullable", json_true());
	json_object_set_new(s, "description", json_string(msg(LANG_EN, f->label)));
	return s;
}

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

static json_t *response(const char *desc, json_t *schema)
{
	json_t *o = obj1("description", json_string(desc));
	if (schema)
		json_object_set_new(o, "content", obj1("application/json", obj1("schema", schema)));
	return o;
}

static json_t *error_resp(const char *desc)
{
	return response(desc, ref_schema("#/components/schemas/Error"));
}

static json_t *typed(const char *type)
{
	return obj1("type", json_string(type));
}

static json_t *operation(const char *tag, const char *summary, const char *id)
{
	json_t *op = json_object();
	char opid[96];
	snprintf(opid, sizeof opid, "%s_%s", id, tag);
	json_object_set_new(op, "operationId", json_string(opid));
	json_t *tags = json_array();
	json_array_append_new(tags, json_string(tag));
	json_object_set_new(op, "tags", tags);
	json_object_set_new(op, "summary", json_string(summary));
	json_object_set_new(op, "responses", json_object());
	return op;
}

static void add_response(json_t *op, const char *code, json_t *resp)
{
	json_object_set_new(json_object_get(op, "responses"), code, resp);
}

static json_t *data_of(json_t *schema)
{
	json_t *o = typed("object");
	json_object_set_new(o, "properties", obj1("data", schema));
	return o;
}

static int openapi_json(struct req *r)
{
	json_t *paths = json_object(), *schemas = json_object();
	json_t *err_props = json_object();
	json_object_set_new(err_props, "code", typed("string"));
	json_object_set_new(err_props, "message", typed("string"));
	json_object_set_new(err_props, "fields", typed("object"));
	json_t *err_obj = typed("object");
	json_object_set_new(err_obj, "properties", err_props);
	json_t *err = typed("object");
	json_object_set_new(err, "properties", obj1("error", err_obj));
	json_object_set_new(schemas, "Error", err);
	for (int k = 0; k < record_ntypes; k++) {
		const struct record_type *t = record_types[k];
		json_t *props = json_object(), *required = json_array(), *params = json_array();
		json_t *idp = typed("integer");
		json_object_set_new(idp, "readOnly", json_true());
		json_object_set_new(props, "id", idp);
		for (int i = 0; i < t->nfields; i++) {
			const struct field_def *f = &t->fields[i];
			if (f->flags & FF_HIDDEN)
				continue;
			json_object_set_new(props, f->name, field_schema(f));
			if (f->flags & FF_REQUIRED)
				json_array_append_new(required, json_string(f->name));
			if (f->flags & FF_FILTER) {
				json_t *p = obj1("name", json_string(f->name));
				json_object_set_new(p, "in", json_string("query"));
				json_object_set_new(p, "schema", field_schema(f));
				json_array_append_new(params, p);
			}
		}
		json_object_set_new(props, "version", typed("integer"));
		json_object_set_new(props, "archived", typed("boolean"));
		json_object_set_new(props, "created_at", typed("integer"));
		json_object_set_new(props, "updated_at", typed("integer"));
		static const char *const names[] = {"q", "sort", "page", "per_page"};
		static const char *const types[] = {"string", "string", "integer", "integer"};
		for (int i = 0; i < 4; i++) {
			json_t *p = obj1("name", json_string(names[i]));
			json_object_set_new(p, "in", json_string("query"));
			json_object_set_new(p, "schema", typed(types[i]));
			json_array_append_new(params, p);
		}
		char cap[64], ref[96], path[96];
		snprintf(cap, sizeof cap, "%c%s", t->name[0] - 32, t->name + 1);
		snprintf(ref, sizeof ref, "#/components/schemas/%s", cap);
		json_t *schema = typed("object");
		json_object_set_new(schema, "properties", props);
		json_object_set_new(schema, "required", required);
		json_object_set_new(schemas, cap, schema);

		const char *many = msg(LANG_EN, t->many);
		json_t *list = operation(t->name, many, "list");
		json_object_set_new(list, "parameters", params);
		json_t *page = typed("object"), *pp = json_object(), *arr = typed("array");
		json_object_set_new(arr, "items", ref_schema(ref));
		json_object_set_new(pp, "data", arr);
		json_object_set_new(pp, "total", typed("integer"));
		json_object_set_new(pp, "page", typed("integer"));
		json_object_set_new(pp, "per_page", typed("integer"));
		json_object_set_new(page, "properties", pp);
		add_response(list, "200", response("A page of records", page));
		add_response(list, "400", error_resp("Bad parameter"));
		add_response(list, "403", error_resp("Not allowed"));
		json_t *create = operation(t->name, "Create", "create");
		json_object_set_new(create, "requestBody",
				    obj1("content", obj1("application/json", obj1("schema", ref_schema(ref)))));
		add_response(create, "201", response("Created", data_of(ref_schema(ref))));
		add_response(create, "422", error_resp("Invalid fields"));
		add_response(create, "409", error_resp("Conflict"));
		json_t *item = json_object();
		json_object_set_new(item, "get", list);
		json_object_set_new(item, "post", create);
		snprintf(path, sizeof path, "/api/v1/%s", t->name);
		json_object_set_new(paths, path, item);

		json_t *idparam = obj1("name", json_string("id"));
		json_object_set_new(idparam, "in", json_string("path"));
		json_object_set_new(idparam, "required", json_true());
		json_object_set_new(idparam, "schema", typed("integer"));
		json_t *idparams = json_array();
		json_array_append_new(idparams, idparam);
		json_t *get = operation(t->name, "Read one", "get");
		add_response(get, "200", response("The record", data_of(ref_schema(ref))));
		add_response(get, "404", error_resp("Not found"));
		json_t *patch = operation(t->name, "Change fields", "update");
		json_object_set_new(patch, "requestBody",
				    obj1("content", obj1("application/json", obj1("schema", ref_schema(ref)))));
		add_response(patch, "200", response("Updated", data_of(ref_schema(ref))));
		add_response(patch, "422", error_resp("Invalid fields"));
		add_response(patch, "409", error_resp("Conflict"));
		json_t *del = operation(t->name, "Archive", "archive");
		add_response(del, "200", response("Archived", data_of(ref_schema(ref))));
		add_response(del, "409", error_resp("Still referenced"));
		json_t *one = json_object();
		json_object_set_new(one, "parameters", idparams);
		json_object_set_new(one, "get", get);
		json_object_set_new(one, "patch", patch);
		json_object_set_new(one, "delete", del);
		snprintf(path, sizeof path, "/api/v1/%s/{id}", t->name);
		json_object_set_new(paths, path, one);
	}
	json_t *info = obj1("title", json_string("wenming API"));
	json_object_set_new(info, "version", json_string(r->app->version));
	json_object_set_new(info, "description", json_string("Civility campaign records. Authenticate with "
							      "Authorization: Bearer TOKEN (wenming token add USER)."));
	json_t *bearer = typed("http");
	json_object_set_new(bearer, "scheme", json_string("bearer"));
	json_t *components = obj1("schemas", schemas);
	json_object_set_new(components, "securitySchemes", obj1("bearer", bearer));
	json_t *security = json_array();
	json_array_append_new(security, obj1("bearer", json_array()));
	json_t *doc = obj1("openapi", json_string("3.0.3"));
	json_object_set_new(doc, "info", info);
	json_t *servers = json_array();
	json_array_append_new(servers, obj1("url", json_string(r->app->cfg->base_url[0] ? r->app->cfg->base_url : "/")));
	json_object_set_new(doc, "servers", servers);
	json_object_set_new(doc, "paths", paths);
	json_object_set_new(doc, "components", components);
	json_object_set_new(doc, "security", security);
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
