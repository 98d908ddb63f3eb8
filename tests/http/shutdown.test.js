'use strict';
// SIGTERM: requests in flight finish, then the process exits 0.
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const { startServer, test, sleep, within } = require('./lib');

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

/* A sign-in whose body arrives in two parts: the server holds it in flight
 * (reading the body) until the second part is sent. */
function slowSignIn(srv, fields, cookie) {
	const body = new URLSearchParams(fields).toString();
	const cut = Math.floor(body.length / 2);
	let sendRest;
	const response = new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: srv.host,
				port: srv.port,
				method: 'POST',
				path: '/login',
				agent: false,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), Cookie: cookie },
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res));
			},
		);
		req.on('error', reject);
		req.flushHeaders();
		req.write(body.slice(0, cut));
		sendRest = () => req.end(body.slice(cut));
	});
	return { response, sendRest: () => sendRest() };
}

for (const signal of ['SIGTERM', 'SIGINT']) {
	test(`${signal} while a sign-in is in flight: it completes, then the process exits 0 within 5 s`, async () => {
		const srv = await startServer();
		let exited = false;
		try {
			const u = srv.createUser('late', 'staff');
			const c = srv.client();
			const token = await c.csrfToken();
			const slow = slowSignIn(srv, { _csrf: token, username: u.name, password: u.password }, c.cookieHeader());
			await inFlight(srv, 2); // the sign-in and this scrape
			const t0 = Date.now();
			srv.proc.kill(signal);
			await sleep(100); // the server has begun to stop
			slow.sendRest();
			const res = await slow.response;
			assert.equal(res.statusCode, 303, 'the sign-in in flight completed');
			assert.ok([].concat(res.headers['set-cookie'] ?? []).some((x) => x.startsWith('wm_sid=')), 'with its session');
			assert.equal(res.headers.connection, 'close', 'and asks the client to close');
			const exit = await within(srv.exited, 5000);
			assert.ok(exit, `exited within 5 s of ${signal}`);
			exited = true;
			assert.deepEqual(exit, { code: 0, signal: null });
			assert.ok(Date.now() - t0 < 5000);
			assert.ok(await refused(srv.port, srv.host), 'nothing listens any more');
			assert.match(srv.stderr, new RegExp(`${signal} received`));
			assert.match(srv.stderr, /stopped/);
			// the session it created is real
			const rows = srv.sql(`SELECT count(*) FROM sessions WHERE user_id = ${u.id}`);
			assert.deepEqual(rows, [['1']]);
		} finally {
			if (!exited) await srv.kill();
		}
	});
}

test('several sign-ins under way at SIGTERM all complete', async () => {
	const srv = await startServer();
	let exited = false;
	try {
		const users = [1, 2, 3, 4].map((i) => srv.createUser(`busy${i}`, 'staff'));
		const clients = users.map(() => srv.client());
		const slows = [];
		for (let i = 0; i < users.length; i++) {
			const token = await clients[i].csrfToken();
			slows.push(slowSignIn(srv, { _csrf: token, username: users[i].name, password: users[i].password }, clients[i].cookieHeader()));
		}
		await inFlight(srv, 5);
		srv.proc.kill('SIGTERM');
		await sleep(100);
		for (const s of slows) s.sendRest(); // four password checks, two at a time
		for (const res of await Promise.all(slows.map((s) => s.response))) assert.equal(res.statusCode, 303);
		const exit = await within(srv.exited, 5000);
		assert.deepEqual(exit, { code: 0, signal: null });
		exited = true;
	} finally {
		if (!exited) await srv.kill();
	}
});

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
