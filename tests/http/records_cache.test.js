'use strict';
// Cached lists and counts (src/core/cache.h): a repeated list is served from
// the cache, and every committed change — through the API, a form, or
// another process such as `wenming import` — shows at once, because cached
// values are valid for one data generation only. Who asks is part of the
// key: a user whose grants change sees their new scope at once.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { serverPerFile, test, tmpDir } = require('./lib');
const { api, call, create, list, idNumber, org, csv } = require('./records_lib');

const ctx = serverPerFile();
let O;

async function setup() {
	if (O) return;
	O = await org(api(ctx.srv), 'CCH-');
}

async function hits() {
	const r = await ctx.srv.client().get('/metrics');
	assert.equal(r.status, 200);
	return Number(/^wenming_cache_hits_total (\d+)$/m.exec(r.text)[1]);
}

const names = (l) => l.data.map((p) => p.name).sort();

test('a repeated list is served from the cache; a change through the API shows on the next request', async () => {
	await setup();
	const a = api(ctx.srv);
	const q = `unit_id=${O.S1}&sort=name`;
	const first = await list(a, 'people', q);
	const h0 = await hits();
	const again = await list(a, 'people', q);
	assert.deepEqual(again, first);
	assert.ok((await hits()) > h0, 'the second request was a cache hit');

	const p = await create(a, 'people', { name: 'Cache One', unit_id: O.D1, status: 'active', id_number: idNumber(901) });
	const after = await list(a, 'people', q);
	assert.equal(after.total, first.total + 1);
	assert.ok(names(after).includes('Cache One'));

	// the HTML list too, and an edit and an archive
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	const page = `/r/people?unit_id=${O.S1}`;
	assert.ok((await c.get(page)).text.includes('Cache One'));
	assert.equal((await call(a, 'PATCH', `/api/v1/people/${p.id}`, { name: 'Cache Renamed' })).status, 200);
	const html = (await c.get(page)).text;
	assert.ok(html.includes('Cache Renamed') && !html.includes('Cache One'), 'the edit shows in the cached page');
	assert.equal((await call(a, 'DELETE', `/api/v1/people/${p.id}`)).status, 200);
	assert.equal((await list(a, 'people', q)).total, first.total);
	assert.ok(!(await c.get(page)).text.includes('Cache Renamed'), 'the archived person left the page');
});

test('renaming a unit changes the unit column of a cached people list', async () => {
	await setup();
	const a = api(ctx.srv);
	await create(a, 'people', { name: 'Cache Two', unit_id: O.W1, status: 'active' });
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	const page = `/r/people?unit_id=${O.W1}`;
	assert.ok((await c.get(page)).text.includes('CCH- Window one'));
	assert.equal((await call(a, 'PATCH', `/api/v1/units/${O.W1}`, { name: 'CCH- Window renamed' })).status, 200);
	const html = (await c.get(page)).text;
	assert.ok(html.includes('CCH- Window renamed') && !html.includes('CCH- Window one'));
});

test('rows imported by another process (wenming import) show at once', async () => {
	await setup();
	const a = api(ctx.srv);
	const q = 'q=Cache%20Imported';
	assert.equal((await list(a, 'people', q)).total, 0);
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	assert.ok(!(await c.get(`/r/people?${q}`)).text.includes('>Cache Imported A<'));
	await list(a, 'people', q); // cached now

	const file = path.join(tmpDir(), 'people.csv');
	fs.writeFileSync(file, csv([
		['name', 'unit_id', 'status'],
		['Cache Imported A', `CCH-D1`, 'active'],
		['Cache Imported B', `CCH-D1`, 'active'],
	]));
	const r = ctx.srv.cli(['import', 'people', file]);
	assert.equal(r.code, 0, r.stderr);
	const l = await list(api(ctx.srv), 'people', q);
	assert.deepEqual(names(l), ['Cache Imported A', 'Cache Imported B']);
	assert.ok((await c.get(`/r/people?${q}`)).text.includes('>Cache Imported B<'));
});

test('a user whose grants change sees the new scope at once; another user never gets their cached page', async () => {
	await setup();
	const a = api(ctx.srv);
	await create(a, 'people', { name: 'Cache In S1', unit_id: O.D1, status: 'active' });
	await create(a, 'people', { name: 'Cache In S2', unit_id: O.D2, status: 'active' });
	const ua = ctx.srv.createUser('cch_uadmin', 'unit_admin', O.S1);
	const uc = await ctx.srv.signIn(ua.name, ua.password, { headers: { 'Accept-Language': 'en' } });
	const page = '/r/people?q=Cache%20In';
	let html = (await uc.get(page)).text;
	assert.ok(html.includes('Cache In S1') && !html.includes('Cache In S2'));
	// the admin's view of the same URL is their own
	const admin = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	html = (await admin.get(page)).text;
	assert.ok(html.includes('Cache In S1') && html.includes('Cache In S2'));
	// move the grant to S2
	const r = await admin.post(`/admin/users/${ua.id}`, { display_name: ua.name, lang: 'en', role: ['unit_admin'], unit_id: String(O.S2) });
	assert.equal(r.status, 303, r.text);
	html = (await uc.get(page)).text;
	assert.ok(html.includes('Cache In S2') && !html.includes('Cache In S1'), 'the new scope at once');
});

test('cache_size 0 turns the cache off and lists still work', async () => {
	const { startServer } = require('./lib');
	const srv = await startServer({ args: ['--cache-size', '0'] });
	try {
		const a = api(srv);
		const before = (await list(a, 'units')).total;
		await list(a, 'units');
		const m = (await srv.client().get('/metrics')).text;
		assert.match(m, /^wenming_cache_hits_total 0$/m);
		await create(a, 'units', { code: 'CCH-OFF', name: 'Off', kind: 'bureau', parent_id: null });
		assert.equal((await list(a, 'units')).total, before + 1);
	} finally {
		await srv.stop();
	}
});

test('every list answers the same with the cache on and off: plain, a unit subtree, a filter, q in either script, a page', async () => {
	await setup();
	const a = api(ctx.srv);
	for (const [name, unit] of [['快取劉甲', O.D1], ['快取刘乙', O.D2], ['快取劉丙', O.S1]]) await create(a, 'people', { name, unit_id: unit, party_member: false });
	const urls = ['', `unit_id=${O.S1}`, `unit_id=${O.S1}&gender=male`, `unit_id=${O.B}&per_page=2&page=2`, 'q=%E5%88%98', `q=%E5%BF%AB%E5%8F%96%E5%8A%89&unit_id=${O.S1}`, 'sort=-name', 'archived=1'];
	const table = (html) => /<table[\s\S]*<\/table>[\s\S]*?<\/nav>|<div class="empty[\s\S]*?<\/div>/.exec(html)?.[0];
	const read = async () => {
		const admin = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
		const out = [];
		for (const u of urls) {
			const j = await call(api(ctx.srv), 'GET', `/api/v1/people?${u}`);
			const h = await admin.get(`/r/people?${u}`);
			assert.equal(j.status, 200, u);
			assert.equal(h.status, 200, u);
			assert.ok(table(h.text), `the list or its empty state: ${u}`);
			for (let k = 0; k < 2; k++) out.push([u, j.text, table(h.text)]); // twice: the second from the cache, when on
		}
		return out;
	};
	const on = await read();
	assert.ok(on.some(([u, j]) => u.startsWith('q=') && JSON.parse(j).total >= 2), 'q finds both scripts');
	const restart = async (args) => { // the same server, database and port, other flags
		const srv = ctx.srv;
		await srv.stop();
		srv.exit = null;
		srv.args = args;
		srv.renewConnections();
		await srv.start();
	};
	await restart(['--cache-size', '0']);
	try {
		assert.deepEqual(await read(), on);
	} finally {
		await restart([]);
	}
});
