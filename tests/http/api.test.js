'use strict';
// /api/v1/me with API tokens; revoked tokens and disabled users' tokens
// stop working; every failure is JSON.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg } = require('./lib');

const ctx = serverPerFile();

function bearer(srv, token, headers = {}) {
	return srv.client({ headers: { Authorization: `Bearer ${token}`, ...headers } });
}

function assert401(r, lang, what) {
	assert.equal(r.status, 401, what);
	assert.match(r.header('content-type'), /^application\/json/, what);
	assert.deepEqual(r.json(), { error: { code: 'unauthorized', message: msg('err_401', lang) } }, what);
}

test('/api/v1/me answers for the token\'s user, without creating a session', async () => {
	const { srv } = ctx;
	const u = srv.createUser('apiuser', ['leader', 'supervisor']);
	const { token, id } = srv.tokenWithId(u.name);
	assert.match(token, /^wm_[A-Za-z0-9_-]{40,}$/, 'a long random token');
	assert.ok(id > 0);
	const c = bearer(srv, token);
	const r = await c.get('/api/v1/me');
	assert.equal(r.status, 200);
	assert.match(r.header('content-type'), /^application\/json; charset=utf-8/);
	assert.equal(r.header('cache-control'), 'no-store');
	assert.equal(r.cookie('wm_sid'), undefined, 'no session cookie');
	const d = r.json().data;
	assert.equal(d.id, u.id);
	assert.equal(d.username, 'apiuser');
	assert.equal(d.display_name, 'apiuser');
	assert.equal(d.language, 'zh-Hant');
	assert.deepEqual(d.roles.map((g) => g.role).sort(), ['leader', 'supervisor']);
	assert.ok(d.roles.every((g) => g.unit_id === null));
	// the scheme name is case-insensitive; the language follows the request
	const lower = srv.client({ headers: { Authorization: `bearer ${token}`, 'Accept-Language': 'en' } });
	const r2 = await lower.get('/api/v1/me');
	assert.equal(r2.status, 200);
	assert.equal(r2.json().data.language, 'en');
	// the same token on a page works too (no CSRF needed for changes)
	assert.equal((await c.get('/account')).status, 200);
	// the token is stored only as a hash
	const rows = srv.sql('SELECT token_hash FROM api_tokens');
	assert.ok(rows.every(([h]) => /^[0-9a-f]{64}$/.test(h) && h !== token));
	// and its use is recorded
	const list = srv.cli(['token', 'list', u.name]);
	assert.match(list.stdout, new RegExp(`^${id}\\s+apiuser\\s+cli\\s+active\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`, 'm'));
});

test('no token, a wrong one or a malformed header: 401 JSON in the language asked for', async () => {
	const { srv } = ctx;
	for (const lang of ['zh-Hant', 'zh-Hans', 'en']) {
		const headers = { 'Accept-Language': lang };
		assert401(await srv.client({ headers }).get('/api/v1/me'), lang, 'no token');
		for (const h of ['Bearer wm_not-a-real-token', 'Bearer ', 'Bearer', 'Basic YWRtaW46YWRtaW4=', 'wm_abc'])
			assert401(await srv.client({ headers: { ...headers, Authorization: h } }).get('/api/v1/me'), lang, `Authorization: ${h}`);
	}
	// a session cookie does not rescue a bad token
	const admin = await srv.admin();
	const mixed = srv.client({ headers: { Authorization: 'Bearer wm_wrong' } });
	mixed.setCookie('wm_sid', admin.jar.get('wm_sid'));
	assert401(await mixed.get('/api/v1/me'), 'zh-Hant', 'bad token with a good cookie');
});

test('a revoked token gets 401; the user\'s other tokens keep working', async () => {
	const { srv } = ctx;
	const u = srv.createUser('revoker', 'staff');
	const a = srv.tokenWithId(u.name);
	const b = srv.tokenWithId(u.name);
	assert.equal((await bearer(srv, a.token).get('/api/v1/me')).status, 200);
	const r = srv.cli(['token', 'revoke', String(a.id)]);
	assert.equal(r.code, 0, r.stderr);
	assert401(await bearer(srv, a.token, { 'Accept-Language': 'en' }).get('/api/v1/me'), 'en', 'revoked');
	assert.equal((await bearer(srv, b.token).get('/api/v1/me')).status, 200, 'the other token');
	assert.match(srv.cli(['token', 'list', u.name]).stdout, new RegExp(`^${a.id}\\s+revoker\\s+cli\\s+revoked`, 'm'));
});

test('a disabled user\'s tokens stop working, and stay revoked after enabling', async () => {
	const { srv } = ctx;
	const u = srv.createUser('leaving', 'office');
	const { token } = srv.tokenWithId(u.name);
	const c = bearer(srv, token);
	assert.equal((await c.get('/api/v1/me')).status, 200);
	// disabled on the web
	const admin = await srv.admin();
	assert.equal((await admin.post(`/admin/users/${u.id}/disable`, {})).status, 303);
	assert401(await c.get('/api/v1/me'), 'zh-Hant', 'disabled');
	assert.equal((await c.get('/admin/audit')).status, 303, 'pages send it to sign in');
	assert.equal(srv.cli(['token', 'add', u.name]).code, 2, 'no new token for a disabled user');
	assert.equal((await admin.post(`/admin/users/${u.id}/enable`, {})).status, 303);
	assert401(await c.get('/api/v1/me'), 'zh-Hant', 'enabled again: the old token stays revoked');
	assert.equal((await bearer(srv, srv.token(u.name)).get('/api/v1/me')).status, 200, 'a new token works');

	// disabled from the command line
	const v = srv.createUser('leaving2', 'staff');
	const t2 = srv.token(v.name);
	assert.equal((await bearer(srv, t2).get('/api/v1/me')).status, 200);
	assert.equal(srv.cli(['user', 'disable', v.name]).code, 0);
	assert401(await bearer(srv, t2).get('/api/v1/me'), 'zh-Hant', 'disabled by the CLI');
});

test('unknown API paths are JSON 404s, and API errors never send HTML', async () => {
	const { srv } = ctx;
	const c = bearer(srv, srv.token('admin'), { 'Accept-Language': 'en' });
	for (const [p, status] of [['/api/v1/nothing', 404], ['/api/v2/me', 404], ['/api/v1/me/extra', 404], ['/api/v1/units/abc', 404]]) {
		const r = await c.get(p);
		assert.equal(r.status, status, p);
		assert.match(r.header('content-type'), /^application\/json/, p);
		assert.equal(r.json().error.code, 'not_found', p);
	}
});
