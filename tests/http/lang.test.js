'use strict';
// The language: POST /lang sets a cookie (and, signed in, the user's own
// setting, which wins over cookie and browser from then on).
const assert = require('node:assert/strict');
const { serverPerFile, test, LANGS, msg, msgHtml } = require('./lib');

const ctx = serverPerFile();

function pressed(html) {
	return [...html.matchAll(/<button name="lang" value="([^"]+)"[^>]*aria-pressed="true"/g)].map((m) => m[1]);
}

function assertIn(res, lang, key, what, { withSwitch = true } = {}) {
	assert.equal(res.htmlLang, lang, `${what}: <html lang>`);
	assert.ok(res.text.includes(msgHtml(key, lang)), `${what}: "${msg(key, lang)}"`);
	if (withSwitch) assert.deepEqual(pressed(res.text), [lang], `${what}: the switch shows ${lang}`);
	for (const other of LANGS.filter((l) => l !== lang && msg(key, l) !== msg(key, lang)))
		assert.ok(!res.text.includes(`<h1>${msgHtml(key, other)}`), `${what}: not in ${other}`);
}

test('signed out: the switch sets a cookie and the pages follow it', async () => {
	const { srv } = ctx;
	const c = srv.client();
	assertIn(await c.get('/login'), 'zh-Hant', 'sign_in', 'the default');
	for (const lang of ['en', 'zh-Hans', 'zh-Hant']) {
		const r = await c.post('/lang', { lang, next: '/login' });
		assert.equal(r.status, 303);
		assert.equal(r.location, '/login');
		assert.match(r.cookie('wm_lang') ?? '', new RegExp(`^wm_lang=${lang}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`));
		assertIn(await c.get('/login'), lang, 'sign_in', `after choosing ${lang}`);
		assertIn(await c.get('/no/such/page'), lang, 'err_404', `error page after choosing ${lang}`, { withSwitch: false });
	}
	// the cookie wins over Accept-Language
	const d = srv.client({ headers: { 'Accept-Language': 'en' } });
	assertIn(await d.get('/login'), 'en', 'sign_in', 'Accept-Language');
	await d.post('/lang', { lang: 'zh-Hans', next: '/login' });
	assertIn(await d.get('/login'), 'zh-Hans', 'sign_in', 'cookie over Accept-Language');
});

test('the switch returns to the page it was on, and only to a local one', async () => {
	const { srv } = ctx;
	const c = srv.client();
	const page = await c.get('/login?next=%2Faccount');
	assert.match(page.text, /<form class="lang-switch" method="post" action="\/lang"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="next" value="\/login\?next=%2Faccount">/);
	for (const [next, want] of [['/login?next=%2Faccount', '/login?next=%2Faccount'], ['//evil.com', '/'], ['https://evil.com', '/'], [undefined, '/'],
		['/\\evil.com', '/'], ['/\t/evil.example/x', '/'], ['/\r/evil.example', '/'], ['/\n/evil.example', '/'], ['/\x7f/evil.example', '/']]) {
		const r = await c.post('/lang', { lang: 'en', next });
		assert.equal(r.location, want, String(next));
	}
	for (const bad of ['fr', '', 'e', 'zh-Hant<script>', 'english']) {
		const r = await c.post('/lang', { lang: bad, next: '/' });
		assert.equal(r.status, 400, `lang=${bad}`);
		assert.ok(r.text.includes(msgHtml('err_bad_lang', 'en')), `lang=${bad}: explained`);
	}
	// accepted spellings
	for (const [tag, lang] of [['zh-TW', 'zh-Hant'], ['zh-CN', 'zh-Hans'], ['EN', 'en'], ['zh_hans', 'zh-Hans'], ['zh', 'zh-Hans']]) {
		const r = await c.post('/lang', { lang: tag, next: '/login' });
		assert.equal(r.status, 303, tag);
		assert.match(r.cookie('wm_lang'), new RegExp(`^wm_lang=${lang};`), tag);
	}
});

test('signed in: the choice is stored and wins over the cookie and the browser', async () => {
	const { srv } = ctx;
	const u = srv.createUser('polyglot', 'staff');
	const a = await srv.signIn(u.name, u.password, { headers: { 'Accept-Language': 'en' } });
	assertIn(await a.get('/'), 'en', 'nav_home', 'Accept-Language before any choice');
	assert.equal((await a.get('/api/v1/me')).json().data.language, 'en');

	const r = await a.post('/lang', { lang: 'zh-Hans', next: '/account' });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/account');
	assertIn(await a.get('/account'), 'zh-Hans', 'nav_account', 'after choosing');
	// a cookie saying otherwise does not matter
	a.setCookie('wm_lang', 'en');
	assertIn(await a.get('/account'), 'zh-Hans', 'nav_account', 'stored over cookie');
	// nor does another browser with other preferences
	const b = srv.client({ headers: { 'Accept-Language': 'en' } });
	b.setCookie('wm_lang', 'zh-Hant');
	await b.signIn(u.name, u.password);
	assertIn(await b.get('/'), 'zh-Hans', 'nav_home', 'a new session elsewhere');
	assert.equal((await b.get('/api/v1/me')).json().data.language, 'zh-Hans');
	const apiErr = await b.get('/api/v1/units/999999');
	assert.equal(apiErr.json().error.message, msg('rec_not_found', 'zh-Hans'), 'API messages too');
	// their API token speaks their language
	const t = srv.token(u.name);
	const viaToken = srv.client({ headers: { Authorization: `Bearer ${t}`, 'Accept-Language': 'en' } });
	assert.equal((await viaToken.get('/api/v1/me')).json().data.language, 'zh-Hans');

	// choosing a language is a preference, not an audited change to the user:
	// no audit entry (nor a new data generation) for it
	const gen = Number(srv.sql('SELECT (SELECT n FROM data_gen WHERE id = 1) + (SELECT sum(n) FROM data_gen_shard)')[0][0]);
	assert.equal((await b.post('/lang', { lang: 'en', next: '/' })).status, 303);
	assert.equal((await b.post('/lang', { lang: 'zh-Hans', next: '/' })).status, 303);
	assert.deepEqual(srv.sql(`SELECT action FROM audit WHERE entity = 'user' AND entity_id = '${u.id}' AND action NOT IN ('create', 'sign_in')`), []);
	assert.equal(Number(srv.sql('SELECT (SELECT n FROM data_gen WHERE id = 1) + (SELECT sum(n) FROM data_gen_shard)')[0][0]), gen, 'the data generation stays');
	assert.equal(srv.sql(`SELECT lang FROM users WHERE id = ${u.id}`)[0][0], 'zh-Hans', 'and the choice is stored');

	// after signing out, the cookie the choice set keeps the pages in it
	await b.post('/logout', {});
	b.setCookie('wm_lang', null);
	await b.post('/lang', { lang: 'en', next: '/login' });
	assertIn(await b.get('/login'), 'en', 'sign_in', 'signed out, own cookie');
	// and the stored setting is unchanged by what a signed-out visitor chose
	const c = await srv.signIn(u.name, u.password);
	assertIn(await c.get('/'), 'zh-Hans', 'nav_home', 'stored setting again');
});

test('an administrator can set a user\'s language', async () => {
	const { srv } = ctx;
	const u = srv.createUser('monoglot', 'staff');
	const c = await srv.signIn(u.name, u.password, { headers: { 'Accept-Language': 'zh-Hans' } });
	assertIn(await c.get('/'), 'zh-Hans', 'nav_home', 'before');
	const admin = await srv.admin();
	assert.equal((await admin.post(`/admin/users/${u.id}`, { display_name: 'Mono', lang: 'en', role: 'staff' })).status, 303);
	assertIn(await c.get('/'), 'en', 'nav_home', 'the next page, same session');
	// cleared: back to what the browser asks for
	assert.equal((await admin.post(`/admin/users/${u.id}`, { display_name: 'Mono', lang: '', role: 'staff' })).status, 303);
	assertIn(await c.get('/'), 'zh-Hans', 'nav_home', 'setting cleared');
});
