'use strict';
// Durable intake: a case is acknowledged (its number and tracking code
// answered) only once the transaction that holds it is on disk. The server
// is killed with SIGKILL in the middle of a burst of Open311 submissions,
// restarted on the same database, and every acknowledged case must be
// there with its text, whatever happened to the requests in flight.
const assert = require('node:assert/strict');
const { startServer, test, sleep } = require('./lib');
const { api, create } = require('./records_lib');

const BURST = 400; // submissions started
const PARALLEL = 32; // at once
const KILL_AFTER = 120; // acknowledgements before the kill

test('SIGKILL during a burst of submissions loses no acknowledged case', async () => {
	const srv = await startServer();
	try {
		const a = api(srv);
		const unit = await create(a, 'units', { code: 'DUR', name: 'Durable unit', kind: 'bureau' });
		await create(a, 'case_categories', { code: 'durable', name: 'Durable', unit_id: unit.id, days: 5, public: true });
		const key = srv.token('admin');
		const acked = new Map(); // number -> description
		let started = 0, killed = false, failedAfterKill = 0;
		const base = srv.base;
		async function one(i) {
			const description = `Burst case ${i} ${'x'.repeat(i % 50)}`;
			const body = new URLSearchParams({ api_key: key, service_code: 'durable', address_string: `No. ${i} Harbour Road`, description });
			try {
				const r = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', body });
				const text = await r.text();
				if (r.status === 200) {
					const got = JSON.parse(text)[0];
					acked.set(got.service_request_id, description);
				} else if (!killed) {
					assert.fail(`submission ${i}: ${r.status} ${text}`);
				}
			} catch (e) {
				if (!killed) throw e;
				failedAfterKill++;
			}
		}
		async function worker() {
			while (started < BURST && !killed) {
				const i = started++;
				await one(i);
				if (acked.size >= KILL_AFTER && !killed) {
					killed = true;
					srv.proc.kill('SIGKILL');
				}
			}
		}
		await Promise.all(Array.from({ length: PARALLEL }, worker));
		await srv.exited;
		assert.equal(srv.exit.signal, 'SIGKILL', 'the server was killed, not stopped');
		assert.ok(acked.size >= KILL_AFTER, `${acked.size} acknowledged`);

		// the same database, a new process: every acknowledged case is there
		srv.exit = null;
		srv.renewConnections();
		await srv.start();
		await sleep(50);
		const numbers = [...acked.keys()];
		const rows = new Map(srv.sql(`SELECT number, description FROM cases WHERE number IN (${numbers.map((n) => `'${n}'`).join(',')})`));
		const lost = numbers.filter((n) => rows.get(n) !== acked.get(n));
		assert.deepEqual(lost, [], `acknowledged cases lost after SIGKILL (of ${numbers.length})`);
		// and each has its first event and audit entry: whole, not half-written
		const events = Number(srv.sql(`SELECT count(*) FROM record_events e JOIN cases c ON c.id = e.record_id AND e.record_type = 'cases' WHERE e.action = 'create' AND c.number IN (${numbers.map((n) => `'${n}'`).join(',')})`)[0][0]);
		assert.equal(events, numbers.length);
		const orphans = Number(srv.sql("SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM record_events e WHERE e.record_type = 'cases' AND e.record_id = c.id AND e.action = 'create')")[0][0]);
		assert.equal(orphans, 0, 'no case without its first event');
		const r = await fetch(`${srv.base}/open311/v2/requests/${numbers[0]}.json`);
		assert.equal(r.status, 200);
	} finally {
		if (srv.proc && !srv.exit) await srv.stop();
	}
});
