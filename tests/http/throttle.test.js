'use strict';
// Sign-in throttling: 5 failures per account or 20 per IP address within
// 15 minutes lock the account (or the address) for 15 minutes: 429, and
// even the right password is refused meanwhile.
const assert = require('node:assert/strict');
const { startServer, test, msgHtml } = require('./lib');

async function attempt(c, username, password) {
	if (!c.token) await c.get('/login');
	return c.post('/login', { username, password });
}

test('an account locks after 5 failures; the right password is refused while locked', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('target', 'staff');
		const bystander = srv.createUser('bystander', 'staff');
		const c = srv.client({ headers: { 'Accept-Language': 'en' } });
		for (let i = 1; i <= 5; i++) {
			const r = await attempt(c, u.name, `wrong-password-${i}`);
			assert.equal(r.status, 401, `failure ${i} is an ordinary wrong password`);
		}
		const locked = await attempt(c, u.name, u.password);
		assert.equal(locked.status, 429, 'the right password while locked');
		assert.ok(locked.text.includes(msgHtml('login_locked', 'en')), 'the lock is explained');
		assert.equal(locked.cookie('wm_sid'), undefined, 'no session');
		assert.equal((await attempt(c, u.name, 'wrong-again-1')).status, 429);
		// from another browser too: it is the account that is locked
		const zh = srv.client({ headers: { 'Accept-Language': 'zh-Hans' } });
		const r2 = await attempt(zh, u.name, u.password);
		assert.equal(r2.status, 429);
		assert.ok(r2.text.includes(msgHtml('login_locked', 'zh-Hans')));
		// other accounts from the same address are not affected
		assert.equal((await attempt(srv.client(), bystander.name, bystander.password)).status, 303);
		// the lock ends after its time (moved into the past here)
		srv.sql(`UPDATE throttle SET locked_until = 1 WHERE key = 'user:${u.name}'`);
		assert.equal((await attempt(srv.client(), u.name, u.password)).status, 303, 'after the lock has run out');
	} finally {
		await srv.stop();
	}
});

test('a successful sign-in clears the account\'s failures', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('forgetful', 'staff');
		const c = srv.client();
		for (let i = 0; i < 4; i++) assert.equal((await attempt(c, u.name, `nope-${i}-xxxxx`)).status, 401);
		assert.equal((await attempt(c, u.name, u.password)).status, 303);
		const d = srv.client();
		for (let i = 0; i < 4; i++) assert.equal((await attempt(d, u.name, `nope-again-${i}`)).status, 401, `failure ${i + 1} after the success`);
		assert.equal((await attempt(d, u.name, u.password)).status, 303, 'four failures since the success: not locked');
	} finally {
		await srv.stop();
	}
});

test('an address locks after 20 failures across accounts; correct passwords are refused meanwhile', async () => {
	const srv = await startServer();
	try {
		const users = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((n) => srv.createUser(n, 'staff'));
		const fresh = srv.createUser('foxtrot', 'staff');
		const c = srv.client();
		let n = 0;
		// 4 failures on each of 5 accounts: no account reaches its own limit
		for (const u of users)
			for (let i = 0; i < 4; i++) {
				n++;
				assert.equal((await attempt(c, u.name, `bad-password-${n}`)).status, 401, `failure ${n}`);
			}
		assert.equal(n, 20);
		const r = await attempt(srv.client(), fresh.name, fresh.password);
		assert.equal(r.status, 429, 'an account without failures, from the locked address');
		assert.ok(r.text.includes(msgHtml('login_locked', 'zh-Hant')));
		assert.equal((await attempt(srv.client(), users[0].name, users[0].password)).status, 429);
		// unknown user names count the same way as known ones (checked below on a fresh address key)
	} finally {
		await srv.stop();
	}
});

test('failures for unknown user names count towards the address limit', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('realone', 'staff');
		const c = srv.client();
		for (let i = 1; i <= 20; i++) assert.equal((await attempt(c, `ghost${i}`, 'whatever-pass-1')).status, 401, `failure ${i}`);
		assert.equal((await attempt(srv.client(), u.name, u.password)).status, 429);
	} finally {
		await srv.stop();
	}
});

test('behind a trusted proxy the client is the last X-Forwarded-For address: one client cannot lock out another', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('proxied', 'staff');
		const noisy = srv.client({ headers: { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' } });
		for (let i = 1; i <= 20; i++)
			await attempt(noisy, `nobody${i}`, `wrong-password-${i}`);
		assert.equal((await attempt(noisy, u.name, u.password)).status, 429, 'the noisy client (203.0.113.7) is locked');
		const other = srv.client({ headers: { 'X-Forwarded-For': '203.0.113.8' } });
		const r = await attempt(other, u.name, u.password);
		assert.equal(r.status, 303, 'another client behind the same proxy still signs in');
	} finally {
		await srv.stop();
	}
});
