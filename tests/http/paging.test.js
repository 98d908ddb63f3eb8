'use strict';
// ?page= on every list, page and API: anything but a whole number from 1 is
// a 400 that says so in the user's language (it used to be page 1); a page
// past the last is no error, only an empty page.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml } = require('./lib');

const ctx = serverPerFile();

const BAD = ['', 'abc', '-3', '0', '1.5', '+2', '%201', '1e3', '2x', '%EF%BC%92' /* full-width 2 */];
const PAGES = ['/r/people', '/r/units', '/admin/users', '/admin/audit', '/org/certificates'];

test('a page that is not a whole number from 1 is 400 with a message, on every list page', async () => {
	const { srv } = ctx;
	for (const lang of ['zh-Hant', 'en']) {
		const admin = await srv.admin({ headers: { 'Accept-Language': lang } });
		for (const p of PAGES)
			for (const bad of BAD) {
				const r = await admin.get(`${p}?page=${bad}`);
				assert.equal(r.status, 400, `${p}?page=${bad}`);
				assert.ok(r.text.includes(msgHtml('err_bad_page', lang)), `${p}?page=${bad}: explained in ${lang}`);
			}
		const exp = await admin.get('/r/people/export?format=csv&page=-3');
		assert.equal(exp.status, 400, 'the export takes the list\'s parameters');
	}
});

test('the API answers a bad page with 400 naming the field', async () => {
	const { srv } = ctx;
	const token = srv.token('admin');
	const c = srv.client({ headers: { Authorization: `Bearer ${token}`, 'Accept-Language': 'en' } });
	for (const bad of BAD) {
		const r = await c.get(`/api/v1/people?page=${bad}`);
		assert.equal(r.status, 400, `page=${bad}`);
		const e = r.json().error;
		assert.equal(e.code, 'bad_request');
		assert.equal(e.message, msg('err_bad_page', 'en'));
		assert.deepEqual(e.fields, { page: msg('err_bad_page', 'en') }, `page=${bad}`);
	}
});

test('absent, ordinary and past-the-last pages are answered', async () => {
	const { srv } = ctx;
	const token = srv.token('admin');
	const c = srv.client({ headers: { Authorization: `Bearer ${token}` } });
	for (const [q, page] of [['', 1], ['page=1', 1], ['page=007', 7], ['page=999999', 999999], ['page=99999999999999999999', 1000000]]) {
		const r = await c.get(`/api/v1/units?${q}`);
		assert.equal(r.status, 200, q);
		assert.equal(r.json().page, page, q);
		if (page > 1) assert.deepEqual(r.json().data, [], `${q}: past the last page, empty`);
	}
	const admin = await srv.admin();
	for (const p of PAGES) assert.equal((await admin.get(`${p}?page=999999`)).status, 200, `${p}: past the last page`);
	// a register's list says so, with a way back, instead of an empty table
	assert.equal((await c.request('POST', '/api/v1/units', { json: { code: 'PG-B', name: 'Paging bureau', kind: 'bureau' } })).status, 201);
	const past = await admin.get('/r/units?page=999&kind=bureau');
	assert.ok(['zh-Hant', 'en'].some((l) => past.text.includes(msgHtml('rec_past_last_page', l))), 'the empty state');
	assert.match(past.text, /href="\/r\/units\?kind=bureau&amp;page=1"|href="\/r\/units\?page=1&amp;kind=bureau"/, 'a link to the last page');
	assert.ok(!past.text.includes('<table class="list">'), 'no empty table');
});
