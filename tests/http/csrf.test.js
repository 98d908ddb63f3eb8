'use strict';
// CSRF: every route that changes something refuses a request without the
// session's token (403, in the user's language) and accepts it with the
// token; API tokens (Bearer) need none.
const assert = require('node:assert/strict');
const { serverPerFile, test, LANGS, msg, msgHtml } = require('./lib');
const { ROUTES, ordered, sourceRoutes, fixtures, send, concrete } = require('./routes');

const ctx = serverPerFile();
// Routes that take a CSRF token (csrf 1; csrf 2 routes take an API token
// only, never the session: open311.test.js tests those)
const csrfRoutes = () => ordered().filter((r) => r.csrf === 1);
// the admin walks them all but those only other roles may take
const adminRoutes = () => csrfRoutes().filter((r) => !r.who || r.who.includes('admin'));

/* Asserts a CSRF refusal in lang: JSON under /api/, an HTML page otherwise. */
function assertRefused(res, route, lang, what) {
	assert.equal(res.status, 403, what);
	if (route.pattern.startsWith('/api/')) {
		assert.match(res.header('content-type'), /^application\/json/, what);
		assert.deepEqual(res.json(), { error: { code: 'forbidden', message: msg('err_csrf', lang) } }, what);
	} else {
		assert.match(res.header('content-type'), /^text\/html/, what);
		assert.equal(res.htmlLang, lang, what);
		assert.ok(res.text.includes(msgHtml('err_csrf', lang)), `${what}: the CSRF message in ${lang}`);
	}
}

test('the test covers every route that requires a token', () => {
	const want = sourceRoutes().filter((r) => r.csrf === 1).map((r) => `${r.method} ${r.pattern}`).sort();
	assert.deepEqual(csrfRoutes().map((r) => `${r.method} ${r.pattern}`).sort(), want);
	assert.ok(want.length >= 10);
});

test('no token, a made-up token or another session\'s token: 403 in the language asked for', async () => {
	const { srv } = ctx;
	const ids = await fixtures(srv);
	const other = await srv.admin();
	const foreign = await other.csrfToken();
	for (const lang of LANGS) {
		for (const via of ['Accept-Language', 'wm_lang cookie']) {
			const c = srv.client(via === 'Accept-Language' ? { headers: { 'Accept-Language': lang } } : {});
			if (via !== 'Accept-Language') c.setCookie('wm_lang', lang);
			await c.signIn('admin', srv.adminPassword);
			const mine = await c.csrfToken();
			assert.notEqual(mine, foreign, 'tokens are per session');
			for (const route of csrfRoutes()) {
				for (const [token, label] of [[false, 'no token'], ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'a made-up token'], [foreign, "another session's token"], [`${mine}x`, 'a longer token'], [mine.slice(0, -1), 'a shorter token']]) {
					const res = await send(c, route, ids, { csrf: token });
					assertRefused(res, route, lang, `${route.method} ${concrete(route, ids)} with ${label} (${lang} via ${via})`);
				}
			}
			// nothing above changed anything: still signed in
			assert.equal((await c.get('/account')).status, 200);
		}
	}
});

test('a signed-in user\'s own language wins for the refusal', async () => {
	const { srv } = ctx;
	const u = srv.createUser('hans', 'staff');
	const c = await srv.signIn(u.name, u.password, { headers: { 'Accept-Language': 'en' } });
	assert.equal((await c.post('/lang', { lang: 'zh-Hans', next: '/' })).status, 303);
	c.setCookie('wm_lang', 'en');
	const route = ROUTES.find((r) => r.pattern === '/account/password');
	assertRefused(await send(c, route, {}, { csrf: false }), route, 'zh-Hans', 'stored zh-Hans over cookie and header');
});

test('signed out: /login and /lang refuse a missing or foreign token', async () => {
	const { srv } = ctx;
	for (const lang of LANGS) {
		const c = srv.client({ headers: { 'Accept-Language': lang } });
		// no pre-session cookie at all
		for (const p of ['/login', '/lang']) {
			const route = ROUTES.find((r) => r.method === 'POST' && r.pattern === p);
			assertRefused(await send(c, route, {}, { csrf: false }), route, lang, `${p} without cookie or token`);
			assertRefused(await send(c, route, {}, { csrf: 'made-up' }), route, lang, `${p} with a token but no cookie`);
		}
		// a token from another browser's pre-session
		const other = srv.client();
		const t = await other.csrfToken();
		await c.get('/login');
		for (const p of ['/login', '/lang']) {
			const route = ROUTES.find((r) => r.method === 'POST' && r.pattern === p);
			assertRefused(await send(c, route, {}, { csrf: t }), route, lang, `${p} with another browser's token`);
		}
	}
});

test('the pre-sign-in token stops working once signed in', async () => {
	const { srv } = ctx;
	const u = srv.createUser('presess', 'staff');
	const c = srv.client();
	const pre = await c.csrfToken();
	await c.signIn(u.name, u.password);
	const route = ROUTES.find((r) => r.pattern === '/lang');
	assertRefused(await send(c, route, {}, { csrf: pre }), route, 'zh-Hant', 'pre-session token after sign-in');
	assert.equal((await send(c, route, {})).status, 303, 'the session token works');
});

test('with the token every route does its work (header or form field)', async () => {
	const { srv } = ctx;
	const ids = await fixtures(srv);
	const c = await srv.admin();
	const wrong = [];
	for (const route of adminRoutes()) {
		const res = await send(c, route, ids);
		if (res.status !== route.ok) wrong.push(`${route.method} ${concrete(route, ids)} → ${res.status}, expected ${route.ok}`);
	}
	assert.deepEqual(wrong, []);
	// the token also works as the X-CSRF-Token header on a form post
	const d = await srv.admin();
	const token = await d.csrfToken();
	const r = await d.post('/lang', { lang: 'en', next: '/' }, { csrf: false, headers: { 'X-CSRF-Token': token } });
	assert.equal(r.status, 303);
});

test('Bearer requests need no CSRF token', async () => {
	const { srv } = ctx;
	const ids = await fixtures(srv);
	const c = srv.client({ headers: { Authorization: `Bearer ${srv.token('admin')}` } });
	const wrong = [];
	for (const route of adminRoutes()) {
		const res = await send(c, route, ids, { csrf: false });
		if (res.status !== route.ok) wrong.push(`${route.method} ${concrete(route, ids)} → ${res.status}, expected ${route.ok}`);
	}
	assert.deepEqual(wrong, []);
	assert.equal(c.jar.get('wm_sid'), undefined, 'no session was created');
});
