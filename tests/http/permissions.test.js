'use strict';
// Every route, as every role: allowed, forbidden, or sent to sign in.
const assert = require('node:assert/strict');
const { serverPerFile, test, ROLES } = require('./lib');
const { ROUTES, PERM_ROLES, ordered, concrete, sourceRoutes, expected, fixtures, send } = require('./routes');

const ctx = serverPerFile();
const key = (r) => `${r.method} ${r.pattern}`;

test('the route list matches the route tables in src/ (a new route needs an entry here)', () => {
	const src = sourceRoutes();
	assert.ok(src.length >= ROUTES.length / 2, 'the route tables were found');
	const mine = new Map(ROUTES.map((r) => [key(r), r]));
	const theirs = new Map(src.map((r) => [key(r), r]));
	assert.equal(theirs.size, src.length, 'no route is declared twice');
	const missing = src.filter((r) => !mine.has(key(r))).map((r) => `${key(r)} (${r.file})`);
	assert.deepEqual(missing, [], 'routes in src/ without an entry in tests/http/routes.js');
	const gone = ROUTES.filter((r) => !theirs.has(key(r))).map(key);
	assert.deepEqual(gone, [], 'entries in tests/http/routes.js without a route in src/');
	for (const r of src) {
		const m = mine.get(key(r));
		assert.equal(m.perm, r.perm, `${key(r)}: permission in ${r.file}`);
		assert.equal(m.csrf ?? 0, r.csrf, `${key(r)}: CSRF flag in ${r.file}`);
		assert.ok(m.perm in PERM_ROLES, `${key(r)}: ${m.perm} has a row in PERM_ROLES`);
	}
});

test('every route that changes something requires a CSRF token, or an API token only (csrf 2: no cookie acts on it)', () => {
	const lax = sourceRoutes().filter((r) => r.method !== 'GET' && r.csrf !== 1 && r.csrf !== 2).map(key);
	assert.deepEqual(lax, []);
});

async function tryAll(role, client, ids) {
	const wrong = [];
	for (const r of ordered()) {
		const p = concrete(r, ids);
		const want = expected(r, role);
		const res = await send(client, r, ids);
		let ok = res.status === want;
		if (ok && want === 303 && role === 'anonymous' && r.perm !== 'P_PUBLIC')
			ok = res.location === `/login?next=${encodeURIComponent(p)}`;
		if (ok && (want === 401 || want === 403)) {
			// API errors are JSON, page errors are HTML, Open311's its own
			const ct = res.header('content-type') ?? '';
			if (p.startsWith('/open311/')) ok = /\.xml$/.test(p) ? /text\/xml/.test(ct) && res.text.includes(`<code>${want}</code>`) : /application\/json/.test(ct) && res.json()[0].code === want;
			else ok = p.startsWith('/api/') ? /application\/json/.test(ct) && res.json().error.code !== undefined : /text\/html/.test(ct);
		}
		if (!ok) wrong.push(`${role}: ${r.method} ${p} → ${res.status} ${res.location ?? ''}, expected ${want}`);
	}
	return wrong;
}

test('every route as every role', async () => {
	const { srv } = ctx;
	const wrong = [];
	wrong.push(...(await tryAll('anonymous', srv.client(), await fixtures(srv))));
	for (const role of ROLES) {
		const ids = await fixtures(srv); // each role acts on its own records
		const u = srv.createUser(`u_${role}`, role);
		const c = await srv.signIn(u.name, u.password);
		wrong.push(...(await tryAll(role, c, ids)));
		// after POST /logout (the last route) the session is over
		assert.equal((await c.get('/')).status, 303, `${role}: signed out at the end`);
	}
	assert.deepEqual(wrong, []);
	// the admin's round left its victim enabled
	const r = srv.cli(['user', 'list']);
	assert.doesNotMatch(r.stdout, /victim\d+\s+disabled/);
});

test('a user with several roles gets the union of their permissions', async () => {
	const { srv } = ctx;
	const u = srv.createUser('multi', ['staff', 'office']);
	const c = await srv.signIn(u.name, u.password);
	assert.equal((await c.get('/admin/audit')).status, 200);
	assert.equal((await c.get('/admin/users')).status, 403);
	const me = (await c.get('/api/v1/me')).json();
	assert.deepEqual(me.data.roles.map((g) => g.role).sort(), ['office', 'staff']);
});

test('a user without any role can use only what every signed-in user can', async () => {
	const { srv } = ctx;
	const u = srv.createUser('norole', 'staff');
	// take every role away
	const admin = await srv.admin();
	const r = await admin.post(`/admin/users/${u.id}`, { display_name: 'No Role' });
	assert.equal(r.status, 303);
	const c = await srv.signIn(u.name, u.password);
	assert.equal((await c.get('/')).status, 200);
	assert.equal((await c.get('/account')).status, 200);
	assert.equal((await c.get('/admin/audit')).status, 403);
	assert.equal((await c.get('/admin/users')).status, 403);
	assert.deepEqual((await c.get('/api/v1/me')).json().data.roles, []);
});
