'use strict';
// Sign-in throttling that a stranger cannot use to lock the owner out:
// - 5 failures of one account from one address lock that address out of that
//   account for 15 minutes; the owner, from another address, still signs in;
// - an address slows down: after 3 failures each next attempt waits 2, 4, 8
//   ... at most 60 seconds (429 at once, with Retry-After), and 20 failures
//   across accounts lock the address for 15 minutes;
// - a correct password from an address without failures always gets through;
// - every failure whose password was checked is in the audit log.
// Clients are told apart by X-Forwarded-For (the test server's peer,
// 127.0.0.1, is a trusted proxy).
const assert = require('node:assert/strict');
const { startServer, test, msg, msgHtml, auditRows, sleep } = require('./lib');

function from(srv, ip, lang = 'en') {
	return srv.client({ headers: { 'X-Forwarded-For': ip, 'Accept-Language': lang } });
}

async function attempt(c, username, password) {
	if (!c.token) await c.get('/login');
	return c.post('/login', { username, password });
}

/* Ends the address's current delay (not a lock: a lock restarts the count),
 * so that a test need not sleep through 2, 4, 8 ... seconds. */
function skipDelay(srv, ip) {
	srv.sql(`UPDATE throttle SET locked_until = 0 WHERE key = 'ip:${ip}' AND failures > 0`);
}

/* n failures of username from the client's address, each a plain 401. */
async function fail(srv, c, ip, username, n, what = username) {
	for (let i = 1; i <= n; i++) {
		skipDelay(srv, ip);
		const r = await attempt(c, username, `wrong-password-${i}`);
		assert.equal(r.status, 401, `${what}: failure ${i} is an ordinary wrong password`);
	}
	skipDelay(srv, ip);
}

test('5 failures lock the attacker\'s address out of the account; the owner signs in from another address', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('target', 'staff');
		const bystander = srv.createUser('bystander', 'staff');
		const attacker = from(srv, '203.0.113.7');
		await fail(srv, attacker, '203.0.113.7', u.name, 5);
		const locked = await attempt(attacker, u.name, u.password);
		assert.equal(locked.status, 429, 'the right password from the locked address');
		assert.ok(locked.text.includes(msgHtml('login_locked', 'en')), 'the lock is explained');
		assert.ok(Number(locked.header('retry-after')) > 800, 'Retry-After: about 15 minutes');
		assert.equal(locked.cookie('wm_sid'), undefined, 'no session');
		// the owner, from another address, is not locked out, in any language
		const owner = from(srv, '198.51.100.20', 'zh-Hans');
		assert.equal((await attempt(owner, u.name, u.password)).status, 303, 'the owner signs in');
		// the attacker's address may still sign in to other accounts (after its delay)
		assert.equal((await attempt(from(srv, '203.0.113.7'), bystander.name, bystander.password)).status, 303);
		assert.equal((await attempt(from(srv, '203.0.113.7'), u.name, u.password)).status, 429, 'still locked for this account');
		// the lock ends after its time (moved into the past here)
		srv.sql(`UPDATE throttle SET locked_until = 1 WHERE key = 'pair:203.0.113.7 ${u.name}'`);
		assert.equal((await attempt(from(srv, '203.0.113.7'), u.name, u.password)).status, 303, 'after the lock has run out');
	} finally {
		await srv.stop();
	}
});

test('an address slows down: after 3 failures each attempt waits 2, 4, 8 ... at most 60 seconds', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('slowed', 'staff');
		const ip = '203.0.113.30';
		const c = from(srv, ip);
		for (let i = 1; i <= 3; i++) assert.equal((await attempt(c, `ghost${i}`, 'wrong-password-x')).status, 401, `failure ${i}: no delay`);
		assert.equal((await attempt(c, 'ghost4', 'wrong-password-x')).status, 401);
		// answered at once, without looking at the password: even the right one
		const early = await attempt(c, u.name, u.password);
		assert.equal(early.status, 429, 'too early after the fourth failure');
		// whole seconds: a wait of 2 s that began a moment ago
		assert.ok(['1', '2'].includes(early.header('retry-after')), early.header('retry-after'));
		assert.ok(early.text.includes(msgHtml('login_wait', 'en')), 'the wait is explained');
		assert.equal(early.cookie('wm_sid'), undefined);
		// another address is not slowed down
		assert.equal((await attempt(from(srv, '203.0.113.31'), u.name, u.password)).status, 303);
		// after the delay (really waited once) the address may try again
		await sleep(2100);
		assert.equal((await attempt(c, 'ghost5', 'wrong-password-x')).status, 401, 'after the delay');
		const next = Number((await attempt(c, 'ghost6', 'wrong-password-x')).header('retry-after'));
		assert.ok(next === 4 || next === 3, `the next delay doubles: ${next}`);
		// the delays that follow, each seen on the early attempt after it
		const delays = [];
		for (let i = 7; i <= 13; i++) {
			skipDelay(srv, ip);
			assert.equal((await attempt(c, `ghost${i}`, 'wrong-password-x')).status, 401);
			delays.push(Number((await attempt(c, `ghost${i}`, 'wrong-password-x')).header('retry-after')));
		}
		const want = [8, 16, 32, 60, 60, 60, 60];
		assert.ok(delays.every((d, i) => d === want[i] || d === want[i] - 1), `growing, at most 60 s: ${delays}`);
		// the 9 refused attempts did not count
		assert.deepEqual(srv.sql(`SELECT failures FROM throttle WHERE key = 'ip:${ip}'`), [['12']]);
	} finally {
		await srv.stop();
	}
});

test('a successful sign-in clears the failures of the account from that address', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('forgetful', 'staff');
		const ip = '203.0.113.40';
		await fail(srv, from(srv, ip), ip, u.name, 4);
		assert.equal((await attempt(from(srv, ip), u.name, u.password)).status, 303);
		await fail(srv, from(srv, ip), ip, u.name, 4, 'after the success');
		assert.equal((await attempt(from(srv, ip), u.name, u.password)).status, 303, 'four failures since the success: not locked');
	} finally {
		await srv.stop();
	}
});

test('an address locks after 20 failures across accounts; other addresses are not affected', async () => {
	const srv = await startServer();
	try {
		const users = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((n) => srv.createUser(n, 'staff'));
		const fresh = srv.createUser('foxtrot', 'staff');
		const ip = '203.0.113.50';
		// 4 failures on each of 5 accounts: no account reaches its own limit
		for (const u of users) await fail(srv, from(srv, ip), ip, u.name, 4);
		const r = await attempt(from(srv, ip), fresh.name, fresh.password);
		assert.equal(r.status, 429, 'an account without failures, from the locked address');
		assert.ok(r.text.includes(msgHtml('login_locked', 'en')));
		assert.ok(Number(r.header('retry-after')) > 800);
		assert.equal((await attempt(from(srv, ip), users[0].name, users[0].password)).status, 429);
		assert.equal((await attempt(from(srv, '203.0.113.51'), fresh.name, fresh.password)).status, 303, 'from another address');
	} finally {
		await srv.stop();
	}
});

test('failures for unknown user names count towards the address limit', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('realone', 'staff');
		const ip = '203.0.113.60';
		for (let i = 1; i <= 20; i++) await fail(srv, from(srv, ip), ip, `ghost${i}`, 1);
		assert.equal((await attempt(from(srv, ip), u.name, u.password)).status, 429);
	} finally {
		await srv.stop();
	}
});

test('behind a trusted proxy the client is the last X-Forwarded-For address: one client cannot lock out another', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('proxied', 'staff');
		const noisy = srv.client({ headers: { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' } });
		await fail(srv, noisy, '203.0.113.7', u.name, 5);
		assert.equal((await attempt(noisy, u.name, u.password)).status, 429, 'the noisy client (203.0.113.7) is locked out of the account');
		const other = srv.client({ headers: { 'X-Forwarded-For': '203.0.113.8' } });
		assert.equal((await attempt(other, u.name, u.password)).status, 303, 'another client behind the same proxy still signs in');
	} finally {
		await srv.stop();
	}
});

test('the audit log shows every failed sign-in: the name tried, the address; refused attempts are not recorded', async () => {
	const srv = await startServer();
	try {
		const u = srv.createUser('audited', 'staff');
		const ip = '203.0.113.70';
		await fail(srv, from(srv, ip), ip, u.name, 3);
		assert.equal((await attempt(from(srv, ip), 'no-such-user', 'wrong-password-4')).status, 401, 'the fourth failure');
		assert.equal((await attempt(from(srv, ip), u.name, 'too-early-password')).status, 429, 'refused during the delay');
		assert.equal((await attempt(from(srv, '203.0.113.71'), u.name, u.password)).status, 303);
		const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
		const rows = auditRows((await admin.get('/admin/audit?action=signin_failed')).text);
		const failed = msg('act_signin_failed', 'en');
		assert.deepEqual(
			rows.map((x) => [x.who, x.ip, x.action]),
			[['no-such-user', ip, failed], [u.name, ip, failed], [u.name, ip, failed], [u.name, ip, failed]],
			'newest first: the unknown name, then the three tries of the account',
		);
		assert.equal(rows[1].entity, `${msg('audit_user', 'en')} audited (${u.name})`, 'the account tried, by its name');
		const mine = auditRows((await admin.get(`/admin/audit?user=${u.name}`)).text);
		assert.deepEqual(mine.map((x) => x.action), [msg('act_sign_in', 'en'), failed, failed, failed], 'the account\'s history');
	} finally {
		await srv.stop();
	}
});
