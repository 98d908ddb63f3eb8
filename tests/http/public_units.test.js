'use strict';
// Public accountability: a unit's report card for anyone, without an
// account, only for the units the office publishes; satisfaction from the
// cases' ratings and the rectification progress, never a complainant, a
// case's text or who rated.
const assert = require('node:assert/strict');
const { serverPerFile, test } = require('./lib');
const { api, call, create, org } = require('./records_lib');

const ctx = serverPerFile();
let O, C, U;

async function setup() {
	if (O) return;
	const { srv } = ctx;
	C = { admin: api(srv) };
	O = await org(C.admin, 'P');
	U = {
		office: srv.createUser('p_office', 'office'),
		ua1: srv.createUser('p_ua1', 'unit_admin', O.S1),
	};
	for (const k of Object.keys(U)) C[k] = api(srv, U[k].name, 'en');
}

test('only the office publishes a unit; a unit admin may not publish or withdraw its own page', async () => {
	await setup();
	const r = await call(C.ua1, 'PATCH', `/api/v1/units/${O.S1}`, { published: true });
	assert.equal(r.status, 422, r.text);
	assert.match(r.text, /Only the civility office may publish/);
	// the rest of a unit admin's edit still works
	const ok = await call(C.ua1, 'PATCH', `/api/v1/units/${O.W1}`, { contact: '0571-8888 0001' });
	assert.equal(ok.status, 200, ok.text);
	const pub = await call(C.office, 'PATCH', `/api/v1/units/${O.S1}`, { published: true });
	assert.equal(pub.status, 200, pub.text);
	assert.equal(pub.json().data.published, true);
	const back = await call(C.ua1, 'PATCH', `/api/v1/units/${O.S1}`, { published: false });
	assert.equal(back.status, 422, 'withdrawing is the office\'s too');
});

test('the index lists the published units only; an unpublished unit\'s page is 404', async () => {
	await setup();
	const anon = ctx.srv.client({ headers: { 'Accept-Language': 'en' } });
	const idx = await anon.get('/public/units');
	assert.equal(idx.status, 200);
	assert.match(idx.text, new RegExp(`href="/public/units/${O.S1}"`));
	assert.doesNotMatch(idx.text, new RegExp(`href="/public/units/${O.S2}"`));
	assert.equal((await anon.get(`/public/units/${O.S2}`)).status, 404);
	assert.equal((await anon.get('/public/units/999999')).status, 404);
	const page = await anon.get(`/public/units/${O.S1}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /P Secondary one/);
	assert.match(page.text, /P Window one/, 'its service windows are listed');
	assert.match(page.text, /0571-8888 0001/);
});

test('a closed item raised from a case is named by its category on the public page: never the complainant or the case\'s text', async () => {
	await setup();
	const cat = await create(C.admin, 'case_categories', { code: 'p-taxi', name: 'P taxi service', unit_id: O.S1, days: 5 });
	const c = await create(C.office, 'cases', {
		title: 'Driver 王大明 refused a fare at gate 3',
		kind: 'complaint',
		channel: 'hotline',
		category_id: cat.id,
		description: 'The complainant 陳小華, 13812345678, was refused.',
		contact_name: '陳小華',
		contact_phone: '13812345678',
	});
	await call(C.office, 'POST', `/api/v1/cases/${c.id}/transitions/dispatch`, { unit_id: O.S1 });
	const w = await ctx.srv.signIn(U.office.name, U.office.password, { headers: { 'Accept-Language': 'en' } });
	const raised = await w.post('/rectification/raise', { source: 'case', id: c.id });
	assert.equal(raised.status, 303, raised.text.slice(0, 300));
	const id = Number(/\/r\/rectifications\/(\d+)\/edit$/.exec(raised.location)[1]);
	const fd = new FormData();
	fd.append('file', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')], { type: 'application/pdf' }), 'evidence.pdf');
	const up = await C.ua1.request('POST', '/api/v1/files', { body: fd });
	assert.equal(up.status, 201, up.text);
	for (const [who, step, body] of [['ua1', 'start', { measures: 'Trained the drivers.' }],
		['ua1', 'submit', { measures: 'Trained the drivers.', files: [up.json().data[0].id] }], ['office', 'close', {}]]) {
		const r = await call(C[who], 'POST', `/api/v1/rectifications/${id}/transitions/${step}`, body);
		assert.equal(r.status, 200, `${step}: ${r.text}`);
	}
	const page = (await ctx.srv.client({ headers: { 'Accept-Language': 'en' } }).get(`/public/units/${O.S1}`)).text;
	const number = (await C.office.get(`/api/v1/rectifications/${id}`)).json().data.number;
	assert.ok(page.includes(number), 'the closed item is listed');
	assert.ok(page.includes('Reported by the public: P taxi service'), 'named by its category');
	for (const secret of ['陳小華', '13812345678', '王大明', 'refused a fare'])
		assert.ok(!page.includes(secret), `the public page does not show ${secret}`);
});
