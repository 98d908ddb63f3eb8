'use strict';
// SIGTERM: requests in flight finish, then the process exits 0.
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, test, sleep } = require('./lib');

/* Waits until the server reports at least n requests in flight (the
 * /metrics request itself included). */
async function inFlight(srv, n) {
	const deadline = Date.now() + 5000;
	for (;;) {
		const r = await srv.raw({ path: '/metrics' });
		const m = /^wenming_requests_in_flight (\d+)$/m.exec(r.text);
		if (m && Number(m[1]) >= n) return Number(m[1]);
		if (Date.now() > deadline) throw new Error(`never ${n} requests in flight: ${m && m[1]}`);
		await sleep(5);
	}
}

function refused(port, host) {
	return new Promise((resolve) => {
		const s = net.connect(port, host);
		s.on('connect', () => {
			s.destroy();
			resolve(false);
		});
		s.on('error', (e) => resolve(e.code === 'ECONNREFUSED'));
	});
}

for (const signal of ['SIGTERM', 'SIGINT']) {
	test(`${signal} during sign-ins: they complete, then the process exits 0 within 5 s`, async () => {
		const srv = await startServer();
		let exited = false;
		try {
			const users = [1, 2, 3, 4].map((i) => srv.createUser(`late${i}`, 'staff'));
			const clients = users.map(() => srv.client());
			for (const c of clients) await c.csrfToken();
			// four sign-ins: password hashing (about 0.2 s each, two at a time) keeps them busy
			const pending = users.map((u, i) => clients[i].post('/login', { username: u.name, password: u.password }));
			await inFlight(srv, 5); // all four, and the scrape
			const t0 = Date.now();
			srv.proc.kill(signal);
			const results = await Promise.all(pending.map((p) => p.catch((e) => { throw new Error(`a sign-in in flight failed: ${e.message} (${e.cause?.code ?? e.cause})`); })));
			for (const r of results) {
				assert.equal(r.status, 303, 'the sign-in in flight completed');
				assert.ok(r.cookie('wm_sid'), 'with its session');
			}
			const exit = await Promise.race([srv.exited, sleep(5000).then(() => null)]);
			assert.ok(exit, `exited within 5 s of ${signal}`);
			exited = true;
			assert.deepEqual(exit, { code: 0, signal: null });
			assert.ok(Date.now() - t0 < 5000);
			assert.ok(await refused(srv.port, srv.host), 'nothing listens any more');
			assert.match(srv.stderr, new RegExp(`${signal} received`));
			assert.match(srv.stderr, /stopped/);
		} finally {
			if (!exited) await srv.kill();
		}
	});
}

test('idle keep-alive connections do not hold the shutdown for long', async () => {
	const srv = await startServer();
	try {
		const clients = [1, 2, 3].map(() => srv.client());
		await Promise.all(clients.map((c) => c.get('/login')));
		// the clients keep their connections open; no knocking on the door
		const ms = await srv.stop(5000, { keepClients: true, poke: false });
		assert.ok(ms < 5000, `stopped in ${ms} ms`);
	} finally {
		await srv.kill();
	}
});
