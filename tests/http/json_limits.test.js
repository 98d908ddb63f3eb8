'use strict';
// JSON bodies are refused before they cost memory: only a route that takes
// JSON (the API's POST, PUT and PATCH) accepts one, at most 1 MiB (413 before
// the body is read) and 10,000 values (413 before it is parsed), and it is
// parsed only after the permission and CSRF checks. A 16 MB array posted to
// /login used to be parsed whole: 342 MB and 2.3 s for one request.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { serverPerFile, test, msg } = require('./lib');

const ctx = serverPerFile();

/* "[1,1,...,1]" holding n values. */
function array(n) {
	return `[${'1,'.repeat(n - 1)}1]`;
}

/* The server's resident memory now and at its peak, in MiB. */
function memory(srv) {
	const s = fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
	const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]);
	return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

test('a flood of 16 MB JSON arrays to /login and to the API gets 413 each and leaves memory flat', async () => {
	const { srv } = ctx;
	const token = srv.token('admin');
	const body = array(8 * 1024 * 1024 - 4); // just under max_body's 16 MiB
	const c = srv.client({ headers: { 'Accept-Language': 'en' } });
	await c.get('/healthz');
	const before = memory(srv);
	for (let i = 0; i < 20; i++) {
		const api = i % 2 === 1;
		const r = await c.request('POST', api ? '/api/v1/units' : '/login', {
			body,
			contentType: 'application/json',
			headers: api ? { Authorization: `Bearer ${token}` } : {},
		});
		assert.equal(r.status, 413, `request ${i + 1} (${api ? 'API' : '/login'}): ${r.text.slice(0, 200)}`);
		assert.equal(r.header('connection'), 'close', 'the rest of the body is not read');
		if (api) assert.equal(r.json().error.code, 'too_large');
	}
	const after = memory(srv);
	// parsed whole, one such body took some 340 MB
	assert.ok(after.peak - before.peak < 64, `peak memory grew by ${(after.peak - before.peak).toFixed(1)} MiB`);
	assert.equal((await c.get('/healthz')).status, 200);
});

test('a JSON body under 1 MiB with more than 10,000 values is 413 with a message, before it is parsed', async () => {
	const { srv } = ctx;
	const token = srv.token('admin');
	const en = srv.client({ headers: { 'Accept-Language': 'en', Authorization: `Bearer ${token}` } });
	const many = await en.request('POST', '/api/v1/units', { json: array(10001) });
	assert.equal(many.status, 413);
	assert.deepEqual(many.json().error, { code: 'too_large', message: msg('err_json_too_many', 'en') });
	// objects count their members the same way
	const members = Object.fromEntries(Array.from({ length: 10001 }, (_, i) => [`k${i}`, 1]));
	const obj = await en.request('PATCH', '/api/v1/units/1', { json: members });
	assert.equal(obj.status, 413);
	// 10,000 values are parsed: an array is not a record (400)
	const ok = await en.request('POST', '/api/v1/units', { json: array(10000) });
	assert.equal(ok.status, 400);
	assert.notEqual(ok.json().error.message, msg('err_json_too_many', 'en'));
	// nesting deeper than 64 stays a malformed body
	const deep = await en.request('POST', '/api/v1/units', { json: '['.repeat(65) + ']'.repeat(65) });
	assert.equal(deep.status, 400);
	assert.equal(deep.json().error.message, msg('err_bad_json', 'en'));
});

test('JSON where no route takes it is 415: pages, and an API method without a body', async () => {
	const { srv } = ctx;
	const token = srv.token('admin');
	const c = srv.client({ headers: { 'Accept-Language': 'en' } });
	await c.get('/login');
	for (const [method, path, headers] of [
		['POST', '/login', { 'X-CSRF-Token': c.token }],
		['POST', '/lang', { 'X-CSRF-Token': c.token }],
		['DELETE', '/api/v1/units/1', { Authorization: `Bearer ${token}` }],
	]) {
		const r = await c.request(method, path, { json: { username: 'admin', password: 'x', lang: 'en' }, headers });
		assert.equal(r.status, 415, `${method} ${path}`);
	}
});

test('with a cookie session, a JSON body without the CSRF token is refused before it is parsed', async () => {
	const { srv } = ctx;
	const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const token = await admin.csrfToken();
	const bad = '{"code": "A1", ';
	const without = await admin.request('POST', '/api/v1/units', { json: bad });
	assert.equal(without.status, 403, 'the CSRF check comes first');
	assert.equal(without.json().error.message, msg('err_csrf', 'en'));
	const withToken = await admin.request('POST', '/api/v1/units', { json: bad, headers: { 'X-CSRF-Token': token } });
	assert.equal(withToken.status, 400);
	assert.equal(withToken.json().error.message, msg('err_bad_json', 'en'));
});
