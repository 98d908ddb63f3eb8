'use strict';
// Open311 GeoReport v2 at /open311/v2/ (src/cases/open311.c): every
// endpoint in both formats (JSON, and XML that parses), every error as the
// spec's list of {code, description}, the api_key (an API token; the
// session cookie never submits), attribute checks against the service
// definition, the filters of GET requests (ids, service, status, the
// 90-day window, paging), tokens, FixMyStreet's servicerequestupdates, and
// that no contact detail ever appears in an answer.
const assert = require('node:assert/strict');
const { XMLParser, XMLValidator } = require('fast-xml-parser');
const { serverPerFile, test, msg } = require('./lib');
const { api, create } = require('./records_lib');

const ctx = serverPerFile();
const BASE = '/open311/v2';
const SECRETS = ['Secretname', 'Hiddenfirst', 'secret.person@example.com', '13912345678'];
const seen = []; // every Open311 answer, for the contact-detail check
const xml = new XMLParser({ isArray: (name) => ['service', 'attribute', 'value', 'endpoint', 'format', 'request', 'error', 'request_update'].includes(name), parseTagValue: false });
let F; // fixtures

/* GET or POST an Open311 resource; checks the content type and, for XML,
 * that it is well-formed; returns {status, body (parsed), text}. */
async function o311(method, p, { form, headers, client } = {}) {
	const c = client ?? ctx.srv.client({ headers });
	const r = method === 'GET' ? await c.get(BASE + p, { headers }) : await c.request('POST', BASE + p, { form: form ?? {}, csrf: false, headers });
	seen.push(r.text);
	const isXml = /\.xml(\?|$)/.test(p);
	const ct = r.header('content-type');
	if (isXml) {
		assert.equal(ct, 'text/xml; charset=utf-8', `${p}: ${r.text}`);
		assert.equal(XMLValidator.validate(r.text), true, `${p} is well-formed XML: ${r.text}`);
		assert.match(r.text, /^<\?xml version="1\.0" encoding="utf-8"\?>\n/);
		return { status: r.status, body: xml.parse(r.text), text: r.text };
	}
	assert.equal(ct, 'application/json; charset=utf-8', `${p}: ${r.text}`);
	return { status: r.status, body: JSON.parse(r.text), text: r.text };
}

/* The error answer in either format: [{code, description}]. */
function errors(res, fmt) {
	return fmt === 'xml' ? res.body.errors.error.map((e) => ({ code: Number(e.code), description: e.description })) : res.body;
}

function assertError(res, fmt, status, key) {
	assert.equal(res.status, status, res.text);
	const e = errors(res, fmt);
	assert.ok(Array.isArray(e) && e.length >= 1, res.text);
	for (const x of e) assert.equal(x.code, status);
	if (key) assert.ok(e.some((x) => x.description === msg(key, 'zh-Hant') || x.description.startsWith(msg(key, 'zh-Hant').replace(/%s.*$/, ''))), `${key} in ${res.text}`);
}

/* The requests of an answer, as objects of strings (XML) or values (JSON). */
function requests(res, fmt) {
	return fmt === 'xml' ? res.body.service_requests?.request ?? [] : res.body;
}

const idOf = (number) => Number(number.split('-')[1]);

async function setup() {
	if (F) return;
	const srv = ctx.srv;
	const a = api(srv);
	const unit = await create(a, 'units', { code: 'RB', name: 'Roads Bureau', kind: 'bureau', active: true });
	const cat = (body) => create(a, 'case_categories', { days: 5, ...body });
	const pot = await cat({ code: 'pothole', name: 'Pothole', group_name: 'Streets', keywords: 'road, hole', description: 'Holes in the road', unit_id: unit.id, public: true });
	const lamp = await cat({ code: 'lamp', name: 'Street lamp', public: true });
	await cat({ code: 'internal', name: 'Internal matter', public: false });
	const attr = (body) => create(a, 'case_attributes', { category_id: pot.id, ...body });
	await attr({ code: 'size', label: 'How big', datatype: 'singlevaluelist', required: true, position: 2, choices: 'small=Small\nlarge = Large\n' });
	await attr({ code: 'depth', label: 'Depth in cm', datatype: 'number', required: true, position: 1 });
	await attr({ code: 'tags', label: 'Tags', datatype: 'multivaluelist', position: 3, choices: 'a=A\nb=B' });
	await attr({ code: 'seen', label: 'Seen at', datatype: 'datetime', position: 4 });
	srv.createUser('o311client', 'office');
	srv.createUser('o311staff', 'staff');
	srv.createUser('o311unit', 'unit_admin', unit.id);
	F = { unit, pot, lamp, key: srv.token('o311client'), staffKey: srv.token('o311staff'), office: a };
}

const good = () => ({ api_key: F.key, service_code: 'pothole', lat: '31.2304', long: '121.4737', description: 'A deep hole in front of number 5', 'attribute[depth]': '12.5', 'attribute[size]': 'large', first_name: 'Hiddenfirst', last_name: 'Secretname', email: 'secret.person@example.com', phone: '13912345678' });

async function submit(fields, fmt = 'json') {
	const r = await o311('POST', `/requests.${fmt}`, { form: fields });
	assert.equal(r.status, 200, r.text);
	return requests(r, fmt)[0];
}

for (const fmt of ['json', 'xml']) {
	test(`discovery.${fmt} names the endpoint, the spec and both formats`, async () => {
		const r = await o311('GET', `/discovery.${fmt}`);
		assert.equal(r.status, 200);
		const d = fmt === 'xml' ? r.body.discovery : r.body;
		const ep = fmt === 'xml' ? d.endpoints.endpoint[0] : d.endpoints[0];
		assert.equal(ep.specification, 'http://wiki.open311.org/GeoReport_v2');
		assert.match(ep.url, /\/open311\/v2$/);
		assert.deepEqual(fmt === 'xml' ? ep.formats.format : ep.formats, ['text/xml', 'application/json']);
		assert.ok(d.changeset && d.contact && d.key_service);
	});

	test(`services.${fmt} lists the public categories only, metadata when they have attributes`, async () => {
		await setup();
		const r = await o311('GET', `/services.${fmt}`);
		assert.equal(r.status, 200);
		const list = fmt === 'xml' ? r.body.services.service : r.body;
		const codes = list.map((s) => s.service_code);
		assert.ok(codes.includes('pothole') && codes.includes('lamp'));
		assert.ok(!codes.includes('internal'), 'a category not offered to the public is not a service');
		const pot = list.find((s) => s.service_code === 'pothole');
		const lamp = list.find((s) => s.service_code === 'lamp');
		const t = (v) => String(v);
		assert.equal(t(pot.metadata), 'true');
		assert.equal(t(lamp.metadata), 'false');
		assert.equal(pot.type, 'realtime');
		assert.equal(pot.service_name, 'Pothole');
		assert.equal(pot.group, 'Streets');
		assert.equal(pot.keywords, 'road, hole');
		assert.equal(pot.description, 'Holes in the road');
	});

	test(`services/{code}.${fmt} gives the attributes in order with their values; unknown or private services are 404`, async () => {
		await setup();
		const r = await o311('GET', `/services/pothole.${fmt}`);
		assert.equal(r.status, 200, r.text);
		const def = fmt === 'xml' ? r.body.service_definition : r.body;
		assert.equal(def.service_code, 'pothole');
		const at = fmt === 'xml' ? def.attributes.attribute : def.attributes;
		assert.deepEqual(at.map((x) => x.code), ['depth', 'size', 'tags', 'seen']);
		const size = at[1];
		assert.equal(String(size.required), 'true');
		assert.equal(String(size.variable), 'true');
		assert.equal(size.datatype, 'singlevaluelist');
		assert.equal(String(size.order), '2');
		assert.equal(size.description, 'How big');
		assert.ok(size.datatype_description);
		const vals = fmt === 'xml' ? size.values.value : size.values;
		assert.deepEqual(vals.map((v) => [v.key, v.name]), [['small', 'Small'], ['large', 'Large']]);
		assert.equal(String(at[2].required), 'false');
		assert.equal(at[0].values, undefined, 'values only for lists');
		for (const p of ['/services/internal', '/services/nothing'])
			assertError(await o311('GET', `${p}.${fmt}`), fmt, 404, 'o311_err_no_service');
	});

	test(`POST requests.${fmt} needs an api_key: none, a bad one, a revoked one, one of a user who may not register, or a session cookie are 403`, async () => {
		await setup();
		const base = good();
		delete base.api_key;
		assertError(await o311('POST', `/requests.${fmt}`, { form: base }), fmt, 403, 'o311_err_key_missing');
		assertError(await o311('POST', `/requests.${fmt}`, { form: { ...base, api_key: 'not-a-key' } }), fmt, 403, 'o311_err_key_bad');
		assertError(await o311('POST', `/requests.${fmt}`, { form: { ...base, api_key: F.staffKey } }), fmt, 403, 'o311_err_key_denied');
		const t = ctx.srv.tokenWithId('o311client');
		assert.equal(ctx.srv.cli(['token', 'revoke', String(t.id)]).code, 0);
		assertError(await o311('POST', `/requests.${fmt}`, { form: { ...base, api_key: t.token } }), fmt, 403, 'o311_err_key_bad');
		// signed in as admin, with a valid CSRF token, but no api_key
		const admin = await ctx.srv.admin();
		const tok = await admin.csrfToken();
		const r = await admin.request('POST', `${BASE}/requests.${fmt}`, { form: { ...base, _csrf: tok }, csrf: false });
		assert.equal(r.status, 403, r.text);
	});

	test(`POST requests.${fmt} checks the service, the location and the attributes (400)`, async () => {
		await setup();
		const post = (change) => {
			const f = { ...good(), ...change };
			for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
			return o311('POST', `/requests.${fmt}`, { form: f });
		};
		assertError(await post({ service_code: undefined }), fmt, 400, 'o311_err_service_code');
		assertError(await post({ service_code: 'nothing' }), fmt, 400, 'o311_err_no_service');
		assertError(await post({ service_code: 'internal' }), fmt, 400, 'o311_err_no_service');
		assertError(await post({ lat: undefined, long: undefined }), fmt, 400, 'o311_err_location');
		assertError(await post({ long: undefined }), fmt, 400, 'o311_err_latlong');
		assertError(await post({ lat: '91' }), fmt, 400, 'o311_err_latlong');
		assertError(await post({ 'attribute[depth]': undefined }), fmt, 400, 'o311_err_attr_required');
		assertError(await post({ 'attribute[depth]': 'deep' }), fmt, 400, 'o311_err_attr_value');
		assertError(await post({ 'attribute[size]': 'huge' }), fmt, 400, 'o311_err_attr_value');
		assertError(await post({ 'attribute[colour]': 'red' }), fmt, 400, 'o311_err_attr_unknown');
		assertError(await post({ 'attribute[size': 'x' }), fmt, 400, 'o311_err_attr_bad_name');
		assertError(await post({ 'attribute[seen]': 'yesterday' }), fmt, 400, 'o311_err_attr_value');
		assertError(await post({ media_url: 'javascript:alert(1)' }), fmt, 400, 'o311_err_media');
		assertError(await post({ description: undefined }), fmt, 400);
		// two problems, two errors
		const r = await post({ 'attribute[depth]': undefined, 'attribute[size]': undefined });
		assertError(r, fmt, 400, 'o311_err_attr_required');
		assert.equal(errors(r, fmt).length, 2);
		// in the request's language
		const en = await o311('POST', `/requests.${fmt}`, { form: { service_code: 'pothole' }, headers: { 'Accept-Language': 'en' } });
		assert.equal(errors(en, fmt)[0].description, msg('o311_err_key_missing', 'en'));
	});

	test(`POST requests.${fmt} registers a case (channel open311) and answers its number, a token and a notice`, async () => {
		await setup();
		const got = await submit({ ...good(), 'attribute[tags][]': ['a', 'b'], 'attribute[seen]': '2026-01-05T08:00:00+08:00', media_url: 'https://example.com/p.jpg' }, fmt);
		assert.match(got.service_request_id, /^\d{4}-\d{6}$/);
		assert.match(got.token, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
		assert.ok(got.service_notice.includes('5'));
		const rec = (await F.office.get(`/api/v1/cases/${idOf(got.service_request_id)}`)).json().data;
		assert.equal(rec.channel, 'open311');
		assert.equal(rec.kind, 'problem');
		assert.equal(rec.state, 'registered');
		assert.equal(rec.description, 'A deep hole in front of number 5');
		const extra = JSON.parse(rec.extra);
		assert.deepEqual(extra, { attributes: { depth: '12.5', size: 'large', tags: ['a', 'b'], seen: '2026-01-05T08:00:00+08:00' }, media_url: 'https://example.com/p.jpg' });
		// the Authorization header works as well as the form field
		const h = { ...good() };
		delete h.api_key;
		const r = await o311('POST', `/requests.${fmt}`, { form: h, headers: { Authorization: `Bearer ${F.key}` } });
		assert.equal(r.status, 200, r.text);
	});

	test(`GET requests/{id}.${fmt} and tokens/{token}.${fmt} read a case back; unknown ones are 404`, async () => {
		await setup();
		const got = await submit({ ...good(), address_string: '5 Long Road', media_url: 'https://example.com/q.jpg' });
		const r = await o311('GET', `/requests/${got.service_request_id}.${fmt}`);
		assert.equal(r.status, 200, r.text);
		const [q] = requests(r, fmt);
		assert.equal(q.service_request_id, got.service_request_id);
		assert.equal(q.status, 'open');
		assert.equal(q.service_code, 'pothole');
		assert.equal(q.service_name, 'Pothole');
		assert.equal(q.description, 'A deep hole in front of number 5');
		assert.equal(q.address, '5 Long Road');
		assert.equal(Number(q.lat), 31.2304);
		assert.equal(Number(q.long), 121.4737);
		assert.equal(q.media_url, 'https://example.com/q.jpg');
		assert.equal(q.status_notes, msg('case_st_registered', 'zh-Hant'));
		for (const k of ['requested_datetime', 'updated_datetime', 'expected_datetime'])
			assert.match(q[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/, k);
		const t = await o311('GET', `/tokens/${got.token}.${fmt}`);
		assert.equal(t.status, 200, t.text);
		assert.deepEqual(requests(t, fmt)[0], { service_request_id: got.service_request_id, token: got.token });
		assertError(await o311('GET', `/tokens/AAAA-BBBB-CCCC.${fmt}`), fmt, 404, 'o311_err_no_token');
		assertError(await o311('GET', `/requests/2026-999999.${fmt}`), fmt, 404, 'o311_err_no_request');
		assertError(await o311('GET', `/requests/nonsense.${fmt}`), fmt, 404, 'o311_err_no_request');
	});
}

test('a resource without .json or .xml is a 404 in JSON', async () => {
	await setup();
	for (const p of ['/services/pothole', '/services/pothole.html', '/requests/2026-000001', '/tokens/X']) {
		const r = await o311('GET', p);
		assert.equal(r.status, 404, p);
		assert.equal(r.body[0].code, 404);
	}
});

/* Cases for the list tests: a, b (closed with a reply, dispatched first),
 * an old one (received 100 days ago), and a hotline case the office
 * entered, which Open311 does not publish. */
let L;
async function listFixtures() {
	if (L) return;
	await setup();
	const a = await submit(good());
	const b = await submit({ ...good(), service_code: 'lamp', description: 'The lamp is out all night', 'attribute[depth]': undefined, 'attribute[size]': undefined });
	const old = await submit({ ...good(), description: 'An old hole, long ago' });
	const idB = idOf(b.service_request_id);
	const unit = api(ctx.srv, 'o311unit');
	const step = async (client, name, json) => {
		const r = await client.request('POST', `/api/v1/cases/${idB}/transitions/${name}`, { json });
		assert.equal(r.status, 200, `${name}: ${r.text}`);
	};
	await step(F.office, 'dispatch', { unit_id: F.unit.id });
	await step(unit, 'accept', {});
	await step(unit, 'answer', { reply: 'The lamp was mended on Monday.', note: 'Internal: Hiddenfirst asked twice' });
	await step(F.office, 'close', { note: 'Internal check done' });
	const t = Math.floor(Date.now() / 1000) - 100 * 86400;
	ctx.srv.sql(`UPDATE cases SET received_at = ${t} WHERE id = ${idOf(old.service_request_id)}`);
	const hot = await create(F.office, 'cases', { title: 'Hotline call', kind: 'complaint', channel: 'hotline', category_id: F.pot.id, description: 'Called about a hole' });
	L = { a, b, old, hot: hot.number ?? (await F.office.get(`/api/v1/cases/${hot.id}`)).json().data.number };
}

const numbers = (res, fmt) => requests(res, fmt).map((q) => q.service_request_id);

for (const fmt of ['json', 'xml']) {
	test(`GET requests.${fmt}: the last 90 days, newest first; ids, service and status filters; closed cases with their reply and agency`, async () => {
		await listFixtures();
		const all = numbers(await o311('GET', `/requests.${fmt}`), fmt);
		assert.ok(all.includes(L.a.service_request_id) && all.includes(L.b.service_request_id));
		assert.ok(!all.includes(L.old.service_request_id), 'older than 90 days: not in the default window');
		assert.ok(!all.includes(L.hot), 'a hotline case is not published');
		assertError(await o311('GET', `/requests/${L.hot}.${fmt}`), fmt, 404, 'o311_err_no_request');
		const ids = all.map(idOf);
		assert.deepEqual(ids, [...ids].sort((x, y) => y - x), 'newest first');

		const closed = await o311('GET', `/requests.${fmt}?status=closed`);
		const b = requests(closed, fmt).find((q) => q.service_request_id === L.b.service_request_id);
		assert.ok(b, closed.text);
		assert.equal(b.status, 'closed');
		assert.equal(b.status_notes, 'The lamp was mended on Monday.');
		assert.equal(b.agency_responsible, 'Roads Bureau');
		assert.ok(b.expected_datetime === null || b.expected_datetime === '' || b.expected_datetime === undefined, 'nothing is expected of a closed case');
		assert.ok(requests(closed, fmt).every((q) => q.status === 'closed'));
		const open = requests(await o311('GET', `/requests.${fmt}?status=open`), fmt);
		assert.ok(open.length && open.every((q) => q.status === 'open'));
		assert.ok(numbers(await o311('GET', `/requests.${fmt}?status=open,closed`), fmt).length === all.length);
		assertError(await o311('GET', `/requests.${fmt}?status=pending`), fmt, 400, 'o311_err_status');

		const lamps = requests(await o311('GET', `/requests.${fmt}?service_code=lamp`), fmt);
		assert.deepEqual([...new Set(lamps.map((q) => q.service_code))], ['lamp']);

		// a list of ids overrides every other parameter, even the window
		const two = numbers(await o311('GET', `/requests.${fmt}?service_request_id=${L.a.service_request_id},${L.old.service_request_id}&status=closed`), fmt);
		assert.deepEqual(two.sort(), [L.a.service_request_id, L.old.service_request_id].sort());
		assertError(await o311('GET', `/requests.${fmt}?service_request_id=1,2`), fmt, 400, 'o311_err_ids');
	});

	test(`GET requests.${fmt}: start_date and end_date (W3C), at most 90 days apart; bad dates are 400`, async () => {
		await listFixtures();
		const iso = (daysAgo) => new Date(Date.now() - daysAgo * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
		const q = (s) => o311('GET', `/requests.${fmt}?${s}`);
		const old = numbers(await q(`start_date=${iso(101)}&end_date=${iso(95)}`), fmt);
		assert.deepEqual(old, [L.old.service_request_id]);
		// start alone: 90 days from it; end alone: 90 days up to it
		assert.deepEqual(numbers(await q(`start_date=${iso(101)}`), fmt), [L.old.service_request_id]);
		assert.ok(!numbers(await q(`end_date=${iso(0)}`), fmt).includes(L.old.service_request_id));
		// offsets, sent encoded or not ('+' as a space)
		assert.deepEqual(numbers(await q(`start_date=${encodeURIComponent('2020-01-01T00:00:00+08:00')}&end_date=2020-02-01`), fmt), []);
		assert.equal((await q('start_date=2020-01-01T00:00:00+08:00&end_date=2020-02-01')).status, 200);
		assertError(await q('start_date=yesterday'), fmt, 400, 'o311_err_date');
		assertError(await q('end_date=2026-02-30'), fmt, 400, 'o311_err_date');
		assertError(await q('start_date=2026-01-01T25:00:00Z'), fmt, 400, 'o311_err_date');
		assertError(await q('start_date=2026-02-01&end_date=2026-01-01'), fmt, 400, 'o311_err_window');
		assertError(await q('start_date=2025-01-01&end_date=2025-06-01'), fmt, 400, 'o311_err_window');
	});

	test(`GET requests.${fmt}: page and page_size (1 to 1000)`, async () => {
		await listFixtures();
		const all = numbers(await o311('GET', `/requests.${fmt}`), fmt);
		assert.ok(all.length >= 2);
		assert.deepEqual(numbers(await o311('GET', `/requests.${fmt}?page_size=1`), fmt), [all[0]]);
		assert.deepEqual(numbers(await o311('GET', `/requests.${fmt}?page_size=1&page=2`), fmt), [all[1]]);
		assert.deepEqual(numbers(await o311('GET', `/requests.${fmt}?page_size=1000&page=99`), fmt), []);
		for (const s of ['0', '1001', 'ten', '-1', ''])
			assertError(await o311('GET', `/requests.${fmt}?page_size=${s}`), fmt, 400, 'o311_err_page_size');
		for (const s of ['0', 'x'])
			assertError(await o311('GET', `/requests.${fmt}?page=${s}`), fmt, 400, 'o311_err_page');
	});

	test(`servicerequestupdates.${fmt} lists the public events: the registration, then the reply that closed the case`, async () => {
		await listFixtures();
		const r = await o311('GET', `/servicerequestupdates.${fmt}?service_request_id=${L.b.service_request_id}`);
		assert.equal(r.status, 200, r.text);
		const u = fmt === 'xml' ? r.body.service_requests_updates?.request_update ?? [] : r.body;
		assert.ok(u.length >= 2, r.text);
		assert.ok(u.every((x) => x.service_request_id === L.b.service_request_id && x.update_id && x.updated_datetime));
		assert.equal(u[0].status, 'open');
		assert.equal(u[0].description, msg('o311_update_created', 'zh-Hant'));
		const answer = u.find((x) => x.description === 'The lamp was mended on Monday.');
		assert.ok(answer, 'the public reply is an update');
		assert.equal(answer.status, 'open');
		const last = u[u.length - 1];
		assert.equal(last.status, 'closed');
		assert.equal(last.description, msg('case_t_close', 'zh-Hant'));
		assert.ok(!r.text.includes('Internal'), 'internal notes stay inside');
		// the dispatch is internal: no event names the unit's internal steps
		assert.ok(!u.some((x) => x.description === msg('case_t_dispatch', 'zh-Hant')));
		const everyone = await o311('GET', `/servicerequestupdates.${fmt}?start_date=${new Date(Date.now() - 3600000).toISOString()}`);
		assert.equal(everyone.status, 200);
		const hot = await o311('GET', `/servicerequestupdates.${fmt}?service_request_id=${L.hot}`);
		assert.equal(requests(hot, fmt).length ?? 0, 0);
		assertError(await o311('GET', `/servicerequestupdates.${fmt}?start_date=soon`), fmt, 400, 'o311_err_date');
		assertError(await o311('GET', `/servicerequestupdates.${fmt}?start_date=2025-01-01&end_date=2025-12-01`), fmt, 400, 'o311_err_window');
	});
}

test('no Open311 answer ever holds a contact detail', async () => {
	await listFixtures();
	// the answers of every test above, and the lists once more
	for (const fmt of ['json', 'xml']) {
		await o311('GET', `/requests.${fmt}?status=open,closed`);
		await o311('GET', `/servicerequestupdates.${fmt}`);
	}
	assert.ok(seen.length > 50);
	for (const text of seen) for (const s of SECRETS) assert.ok(!text.includes(s), `${s} in ${text.slice(0, 300)}`);
	// and yet the case holds them, for the office
	const rec = (await F.office.get(`/api/v1/cases/${idOf(L.a.service_request_id)}`)).json().data;
	assert.ok(rec.contact_name !== null);
});
