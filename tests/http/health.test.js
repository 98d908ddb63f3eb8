'use strict';
// /healthz for load balancers and /metrics for Prometheus.
const assert = require('node:assert/strict');
const os = require('node:os');
const { serverPerFile, startServer, test, run } = require('./lib');

const ctx = serverPerFile();

/* Parses the exposition text: {name: [{labels, value}]}; checks the syntax
 * of every line on the way. */
function parseMetrics(text) {
	const out = {};
	const typed = new Set();
	for (const line of text.split('\n')) {
		if (!line) continue;
		if (line.startsWith('# HELP ')) continue;
		if (line.startsWith('# TYPE ')) {
			const [, , name, type] = line.split(' ');
			assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type), line);
			typed.add(name);
			continue;
		}
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|\+Inf|NaN)$/.exec(line);
		assert.ok(m, `a valid sample line: ${JSON.stringify(line)}`);
		const labels = {};
		if (m[2])
			for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
		const base = m[1].replace(/_(bucket|sum|count)$/, '');
		assert.ok(typed.has(m[1]) || typed.has(base), `${m[1]} has a # TYPE line`);
		(out[m[1]] ??= []).push({ labels, value: Number(m[3]) });
	}
	return out;
}

async function metrics(c) {
	const r = await c.get('/metrics');
	assert.equal(r.status, 200);
	assert.match(r.header('content-type'), /^text\/plain; version=0\.0\.4/);
	return parseMetrics(r.text);
}

function sample(m, name, labels = {}) {
	const s = (m[name] ?? []).find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
	return s ? s.value : 0;
}

test('/healthz reports status, database, schema, version and uptime', async () => {
	const { srv } = ctx;
	const r = await srv.client().get('/healthz');
	assert.equal(r.status, 200);
	assert.match(r.header('content-type'), /^application\/json/);
	const j = r.json();
	assert.deepEqual(Object.keys(j).sort(), ['database', 'schema', 'status', 'uptime', 'version']);
	assert.equal(j.status, 'ok');
	assert.equal(j.database, 'ok');
	const v = run(['version']);
	assert.equal(v.code, 0);
	const m = /^wenming (\S+) \(schema: platform (\d+)/.exec(v.stdout);
	assert.ok(m, v.stdout);
	assert.equal(j.version, m[1], 'the version of the binary');
	assert.equal(j.schema, Number(m[2]), "the database is at the platform's schema this binary knows");
	assert.ok(Number.isInteger(j.uptime) && j.uptime >= 0 && j.uptime < 600);
	// HEAD works for probes
	const h = await srv.raw({ method: 'HEAD', path: '/healthz' });
	assert.equal(h.status, 200);
	assert.equal(h.text, '');
});

test('/metrics counts requests by route and status, with a latency histogram', async () => {
	const { srv } = ctx;
	const c = srv.client();
	const before = await metrics(c);
	for (let i = 0; i < 3; i++) await c.get('/healthz');
	for (let i = 0; i < 2; i++) await c.get('/no/such/page');
	await c.get('/login');
	await c.post('/healthz', {}); // 405
	const m = await metrics(c);
	const delta = (labels) => sample(m, 'wenming_requests_total', labels) - sample(before, 'wenming_requests_total', labels);
	assert.equal(delta({ route: 'GET healthz', status: '200' }), 3);
	assert.equal(delta({ route: 'unmatched', status: '404' }), 2);
	assert.equal(delta({ route: 'unmatched', status: '405' }), 1);
	assert.equal(delta({ route: 'GET /login', status: '200' }), 1);
	assert.equal(delta({ route: 'GET metrics', status: '200' }), 1, 'the first scrape, counted once done');

	// the histogram: cumulative buckets, +Inf = count = every request counted
	const buckets = m.wenming_request_duration_seconds_bucket;
	assert.ok(buckets.length >= 5);
	let prev = -1;
	for (const b of buckets) {
		assert.ok(b.value >= prev, 'cumulative');
		prev = b.value;
	}
	assert.equal(buckets.at(-1).labels.le, '+Inf');
	const count = sample(m, 'wenming_request_duration_seconds_count');
	assert.equal(buckets.at(-1).value, count);
	const total = m.wenming_requests_total.reduce((s, x) => s + x.value, 0);
	assert.equal(count, total, 'every request is in the histogram');
	assert.ok(sample(m, 'wenming_request_duration_seconds_sum') > 0);
	assert.equal(sample(m, 'wenming_requests_in_flight'), 1, 'only the scrape itself is in flight');
	for (const s of m.wenming_requests_total) assert.match(s.labels.status, /^(\d{3}|other)$/);
});

test('/metrics: time in the database and open sessions', async () => {
	const { srv } = ctx;
	const c = srv.client();
	const m0 = await metrics(c);
	assert.ok('wenming_db_seconds_total' in m0);
	const db0 = sample(m0, 'wenming_db_seconds_total');
	const s0 = sample(m0, 'wenming_sessions_open');
	const u = srv.createUser('metered', 'staff');
	const a = await srv.signIn(u.name, u.password);
	const b = await srv.signIn(u.name, u.password);
	const m1 = await metrics(c);
	assert.ok(sample(m1, 'wenming_db_seconds_total') > db0, 'sign-ins spend time in the database');
	assert.equal(sample(m1, 'wenming_sessions_open'), s0 + 2);
	assert.equal((await a.post('/logout', {})).status, 303);
	assert.equal(sample(await metrics(c), 'wenming_sessions_open'), s0 + 1);
	assert.equal((await b.post('/logout', {})).status, 303);
	assert.equal(sample(await metrics(c), 'wenming_sessions_open'), s0);
});

/* A non-loopback address of this machine, or null. */
function outsideAddress() {
	for (const list of Object.values(os.networkInterfaces()))
		for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
	return null;
}

test('/metrics refuses other machines unless the user may read the audit log', async (t) => {
	const ip = outsideAddress();
	if (!ip) return t.skip('this machine has no non-loopback IPv4 address');
	const srv = await startServer({ host: ip });
	try {
		const anon = srv.client();
		const r = await anon.get('/metrics');
		assert.equal(r.status, 403, `from ${ip}`);
		const staff = srv.createUser('lookie', 'staff');
		assert.equal((await (await srv.signIn(staff.name, staff.password)).get('/metrics')).status, 403);
		const office = srv.createUser('counter', 'office');
		assert.equal((await (await srv.signIn(office.name, office.password)).get('/metrics')).status, 200);
		assert.equal((await anon.get('/healthz')).status, 200, '/healthz is for everyone');
	} finally {
		await srv.stop();
	}
});
