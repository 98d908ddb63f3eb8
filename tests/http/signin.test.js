'use strict';
// Sign-in, the session cookie, sign-out and password change.
const assert = require('node:assert/strict');
const { serverPerFile, startServer, test, msgHtml } = require('./lib');

const ctx = serverPerFile();

test('sign-in sets a session cookie: HttpOnly, SameSite=Lax, Path=/, no Max-Age', async () => {
	const { srv } = ctx;
	const u = srv.createUser('sara', 'staff');
	const c = srv.client();
	const login = await c.get('/login');
	assert.equal(login.status, 200);
	assert.ok(login.cookie('wm_pre'), 'GET /login sets the pre-session cookie');
	const r = await c.post('/login', { username: u.name, password: u.password });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/');
	const set = r.cookie('wm_sid');
	assert.ok(set, 'Set-Cookie wm_sid');
	assert.match(set, /; HttpOnly/);
	assert.match(set, /; SameSite=Lax/);
	assert.match(set, /; Path=\//);
	assert.doesNotMatch(set, /Max-Age|Expires/i, 'a browser-session cookie');
	assert.doesNotMatch(set, /Secure/, 'no Secure flag over plain HTTP');
	assert.ok(c.jar.get('wm_sid').length >= 40, 'the session id carries at least 32 random bytes');
	const home = await c.get('/');
	assert.equal(home.status, 200);
	assert.match(home.text, /sara/);
	const me = await c.get('/api/v1/me');
	assert.equal(me.status, 200);
	assert.equal(me.json().data.username, 'sara');
});

test('the session id rotates at sign-in and the old one stops working', async () => {
	const { srv } = ctx;
	const u = srv.createUser('rota', 'staff');
	const c = await srv.signIn(u.name, u.password);
	const first = c.jar.get('wm_sid');
	// signing in again from the same browser (its token is bound to the session)
	const r = await c.post('/login', { username: u.name, password: u.password });
	assert.equal(r.status, 303);
	const second = c.jar.get('wm_sid');
	assert.ok(second && second !== first, 'a new session id');
	assert.equal((await c.get('/')).status, 200);
	const old = srv.client();
	old.setCookie('wm_sid', first);
	const o = await old.get('/');
	assert.equal(o.status, 303, 'the old session id is no longer signed in');
	assert.match(o.location, /^\/login/);

	// a session id planted before sign-in (fixation) is replaced
	const f = srv.client();
	await f.get('/login');
	f.jar.set('wm_sid', 'planted-by-an-attacker-0123456789abcdef');
	const r2 = await f.post('/login', { username: u.name, password: u.password });
	assert.equal(r2.status, 303);
	assert.notEqual(f.jar.get('wm_sid'), 'planted-by-an-attacker-0123456789abcdef');
	assert.equal((await f.get('/')).status, 200);
});

test('a wrong password is 401 with the sign-in form again', async () => {
	const { srv } = ctx;
	const u = srv.createUser('wendy', 'staff');
	// each test that fails a sign-in does it from its own address: failures
	// slow their address down (throttle.test.js)
	const c = srv.client({ headers: { 'X-Forwarded-For': '192.0.2.1' } });
	await c.get('/login');
	const r = await c.post('/login', { username: u.name, password: 'not-her-password-1' });
	assert.equal(r.status, 401);
	assert.ok(r.text.includes(msgHtml('login_failed', 'zh-Hant')), 'the failure message');
	assert.match(r.text, /name="username" type="text" value="wendy"/, 'the user name is kept');
	assert.equal(r.cookie('wm_sid'), undefined, 'no session');
	assert.equal(c.jar.get('wm_sid'), undefined);
});

test('an unknown user gets the same status and the same message as a wrong password', async () => {
	const { srv } = ctx;
	const u = srv.createUser('known', 'staff');
	const c = srv.client({ headers: { 'Accept-Language': 'en', 'X-Forwarded-For': '192.0.2.2' } });
	await c.get('/login');
	const wrong = await c.post('/login', { username: u.name, password: 'wrong-password-xyz' });
	const unknown = await c.post('/login', { username: 'nobody-here', password: 'wrong-password-xyz' });
	assert.equal(wrong.status, 401);
	assert.equal(unknown.status, 401);
	const flash = (t) => /<div class="flash flash-error" role="alert">([^<]*)<\/div>/.exec(t)?.[1];
	assert.equal(flash(wrong.text), msgHtml('login_failed', 'en'));
	assert.equal(flash(unknown.text), flash(wrong.text));
	// the pages differ only in the user name typed
	const norm = (t, name) => t.replaceAll(name, 'NAME').replace(/nonce="[^"]+"/g, '');
	assert.equal(norm(unknown.text, 'nobody-here'), norm(wrong.text, u.name));
});

test('missing fields are 400 with a message', async () => {
	const { srv } = ctx;
	const c = srv.client();
	await c.get('/login');
	const r = await c.post('/login', { username: 'someone', password: '' });
	assert.equal(r.status, 400);
	assert.ok(r.text.includes(msgHtml('login_missing', 'zh-Hant')));
});

test('next= sends the user to a local path only', async () => {
	const { srv } = ctx;
	const u = srv.createUser('nexter', 'staff');
	const cases = [
		['/account', '/account'],
		['/admin/users?q=a', '/admin/users?q=a'],
		['//evil.com', '/'],
		['//evil.com/path', '/'],
		['/\\evil.com', '/'],
		// browsers delete TAB, CR and LF from URLs: "/\t/evil.com" would go to //evil.com
		['/\t/evil.example/x', '/'],
		['/\r/evil.example/x', '/'],
		['/\n/evil.example/x', '/'],
		['/\r\n/evil.example', '/'],
		['/account\tx', '/'],
		['/\x7f/evil.example', '/'],
		['/\x01/evil.example', '/'],
		['https://evil.com/', '/'],
		['http:/evil.com', '/'],
		['javascript:alert(1)', '/'],
		['evil.com', '/'],
		['', '/'],
	];
	for (const [next, want] of cases) {
		const c = srv.client();
		await c.get('/login');
		const r = await c.post('/login', { username: u.name, password: u.password, next });
		assert.equal(r.status, 303, `next=${next}`);
		assert.equal(r.location, want, `next=${JSON.stringify(next)}`);
	}
	// the form carries next= from the query, but never a foreign one
	const c = srv.client();
	const f1 = await c.get('/login?next=%2Faccount');
	assert.match(f1.text, /name="next" value="\/account"/);
	const f2 = await c.get('/login?next=%2F%2Fevil.com');
	assert.match(f2.text, /<form class="form" method="post" action="\/login"><input[^>]*><input type="hidden" name="next" value="\/">/);
	assert.doesNotMatch(f2.text, /value="\/\/evil\.com"/);
	const f3 = await c.get('/login?next=%2F%09%2Fevil.example%2Fx');
	assert.match(f3.text, /<input type="hidden" name="next" value="\/">/, 'a TAB in next= is refused in the form too');
});

test('a signed-out visitor is sent to /login?next= and comes back after signing in', async () => {
	const { srv } = ctx;
	const u = srv.createUser('bounce', 'staff');
	const c = srv.client();
	const r = await c.get('/account?tab=1');
	assert.equal(r.status, 303);
	assert.equal(r.location, '/login?next=%2Faccount%3Ftab%3D1');
	const form = await c.get(r.location);
	assert.match(form.text, /name="next" value="\/account\?tab=1"/);
	const s = await c.post('/login', { username: u.name, password: u.password, next: '/account?tab=1' });
	assert.equal(s.location, '/account?tab=1');
	// a signed-in user asking for /login goes home
	const again = await c.get('/login');
	assert.equal(again.status, 303);
	assert.equal(again.location, '/');
});

test('sign-out deletes the session: the old cookie no longer works', async () => {
	const { srv } = ctx;
	const u = srv.createUser('leaver', 'staff');
	const c = await srv.signIn(u.name, u.password);
	const sid = c.jar.get('wm_sid');
	const r = await c.post('/logout', {});
	assert.equal(r.status, 303);
	assert.equal(r.location, '/login');
	assert.match(r.cookie('wm_sid') ?? '', /^wm_sid=;.*Max-Age=0/, 'the cookie is deleted');
	assert.equal(c.jar.get('wm_sid'), undefined);
	const page = await c.get('/login');
	assert.ok(page.text.includes(msgHtml('signed_out', 'zh-Hant')), 'a signed-out notice');

	const replay = srv.client();
	replay.setCookie('wm_sid', sid);
	const home = await replay.get('/');
	assert.equal(home.status, 303, 'replaying the old cookie is not signed in');
	assert.match(home.location, /^\/login\?next=/);
	const me = await replay.get('/api/v1/me');
	assert.equal(me.status, 401);
	assert.equal(me.json().error.code, 'unauthorized');
	// logging out needs a session
	const again = await replay.post('/logout', {}, { csrf: 'x' });
	assert.equal(again.status, 401);
});

test('password change: policy enforced, other sessions end, the new password works', async () => {
	const { srv } = ctx;
	const u = srv.createUser('changer', 'staff');
	const a = await srv.signIn(u.name, u.password, { headers: { 'Accept-Language': 'en' } });
	const b = await srv.signIn(u.name, u.password);
	const page = await a.get('/account');
	assert.equal(page.status, 200);
	assert.match(page.text, /action="\/account\/password"/);

	const bad = [
		[{ password: u.password, new_password: 'Short1!', confirm: 'Short1!' }, 'pw_too_short'],
		[{ password: u.password, new_password: 'my-changer-pass', confirm: 'my-changer-pass' }, 'pw_has_username'],
		[{ password: u.password, new_password: 'my-CHANGER-pass', confirm: 'my-CHANGER-pass' }, 'pw_has_username'],
		[{ password: u.password, new_password: 'password123', confirm: 'password123' }, 'pw_common'],
		[{ password: u.password, new_password: 'Qwertyuiop', confirm: 'Qwertyuiop' }, 'pw_common'],
		[{ password: u.password, new_password: 'Good-pass-9431', confirm: 'Good-pass-9432' }, 'pw_mismatch'],
		[{ password: 'wrong-current-1', new_password: 'Good-pass-9431', confirm: 'Good-pass-9431' }, 'pw_wrong_current'],
		[{ password: u.password, new_password: '', confirm: '' }, 'required'],
	];
	for (const [form, key] of bad) {
		const r = await a.post('/account/password', form);
		assert.equal(r.status, 422, key);
		assert.ok(r.text.includes(msgHtml(key, 'en')), `message ${key} shown`);
		assert.match(r.text, /aria-invalid="true"/, `${key}: the field is marked`);
		assert.equal(r.htmlLang, 'en');
	}
	// nothing changed so far: both sessions live, old password still good
	assert.equal((await b.get('/')).status, 200);

	const fresh = 'Brand-new-pass-77';
	const ok = await a.post('/account/password', { password: u.password, new_password: fresh, confirm: fresh });
	assert.equal(ok.status, 303);
	assert.equal(ok.location, '/account');
	assert.ok(ok.cookie('wm_sid'), 'the changing session gets a new id');
	const after = await a.get('/account');
	assert.equal(after.status, 200, 'the session that changed the password goes on');
	assert.ok(after.text.includes(msgHtml('pw_changed', 'en')));
	const other = await b.get('/');
	assert.equal(other.status, 303, 'the other session has ended');
	assert.match(other.location, /^\/login/);

	const c = srv.client({ headers: { 'X-Forwarded-For': '192.0.2.3' } });
	await c.get('/login');
	assert.equal((await c.post('/login', { username: u.name, password: u.password })).status, 401, 'old password');
	assert.equal((await c.post('/login', { username: u.name, password: fresh })).status, 303, 'new password');
});

test('a session ends after session_idle without activity, and after session_lifetime in any case', async () => {
	const { srv } = ctx;
	const u = srv.createUser('sleepy', 'staff');
	const now = () => Math.floor(Date.now() / 1000);
	// idle: default 2 h
	const a = await srv.signIn(u.name, u.password);
	assert.equal((await a.get('/')).status, 200);
	srv.sql(`UPDATE sessions SET last_seen = ${now() - 2 * 3600 - 5} WHERE user_id = ${u.id}`);
	const idle = await a.get('/account');
	assert.equal(idle.status, 303, 'idle too long');
	assert.match(idle.location, /^\/login\?next=/);
	assert.match(idle.cookie('wm_sid') ?? '', /Max-Age=0/, 'the cookie is cleared');
	assert.deepEqual(srv.sql(`SELECT count(*) FROM sessions WHERE user_id = ${u.id}`), [['0']], 'and the session deleted');
	// lifetime: default 12 h, however active
	const b = await srv.signIn(u.name, u.password);
	srv.sql(`UPDATE sessions SET created_at = ${now() - 12 * 3600 - 5}, last_seen = ${now()} WHERE user_id = ${u.id}`);
	assert.equal((await b.get('/')).status, 303, 'too old');
	// just inside both limits: still signed in
	const c = await srv.signIn(u.name, u.password);
	srv.sql(`UPDATE sessions SET created_at = ${now() - 12 * 3600 + 120}, last_seen = ${now() - 2 * 3600 + 120} WHERE user_id = ${u.id}`);
	assert.equal((await c.get('/')).status, 200, 'inside the limits');
});

test('with an https base_url the session cookie is Secure and responses carry HSTS', async () => {
	const srv = await startServer({ args: ['--base-url', 'https://wenming.example.test'] });
	try {
		const u = srv.createUser('secure', 'staff');
		const c = srv.client();
		const login = await c.get('/login');
		assert.match(login.cookie('wm_pre') ?? '', /; Secure/);
		assert.match(login.header('strict-transport-security') ?? '', /max-age=\d{7,}/);
		const r = await c.post('/login', { username: u.name, password: u.password });
		assert.equal(r.status, 303);
		assert.match(r.cookie('wm_sid'), /; HttpOnly; SameSite=Lax.*; Secure/);
	} finally {
		await srv.stop();
	}
	// and without it, none of that over plain HTTP
	const plain = await ctx.srv.client().get('/login');
	assert.equal(plain.header('strict-transport-security'), null);
	assert.doesNotMatch(plain.cookie('wm_pre') ?? '', /Secure/);
});
