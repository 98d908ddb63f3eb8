'use strict';
// The rectification ledger (src/rectification/): every step of its workflow
// as every role (office, the unit's administrator and staff, another unit,
// a leader, a supervisor: allowed, 403, or 409 in the wrong state); a
// submission without evidence refused with a clear message; items raised
// from a case (once: the second time leads to the first item) and the case
// page's section; the ledger's workbook read back with its nine headings;
// the scheduler's reminders through `wenming rectification remind
// --today`; and the random re-check draw, reproducible from its seed.
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const { api, call, create, org, getBytes, day } = require('./records_lib');

const ctx = serverPerFile();
let O, U, C, S;

const ROLES = ['admin', 'office', 'leader', 'ua1', 'staff1', 'ua2', 'sup'];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

function plus(date, n) {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
const today = () => day();

async function setup() {
	if (O) return;
	const { srv } = ctx;
	O = await org(api(srv), 'Z');
	U = {
		office: srv.createUser('z_office', 'office'),
		leader: srv.createUser('z_leader', 'leader'),
		ua1: srv.createUser('z_ua1', 'unit_admin', O.S1),
		staff1: srv.createUser('z_staff1', 'staff', O.S1),
		ua2: srv.createUser('z_ua2', 'unit_admin', O.S2),
		sup: srv.createUser('z_sup', 'supervisor', O.S1),
	};
	C = { admin: api(srv, 'admin', 'en') };
	for (const k of Object.keys(U)) C[k] = api(srv, U[k].name, 'en');
	S = {};
	for (const k of ['office', 'ua1']) {
		S[k] = srv.client({ headers: { 'Accept-Language': 'en' } });
		await S[k].signIn(U[k].name, U[k].password);
	}
}

const step = (who, id, name, body = {}) => call(C[who], 'POST', `/api/v1/rectifications/${id}/transitions/${name}`, body);

async function ok(who, id, name, body) {
	const r = await step(who, id, name, body);
	assert.equal(r.status, 200, `${who} ${name} on item ${id}: ${r.status} ${r.text}`);
	return r.json().data;
}

/* A file uploaded by who; its id. */
async function upload(who) {
	const fd = new FormData();
	fd.append('file', new Blob([PDF], { type: 'application/pdf' }), 'evidence.pdf');
	const r = await C[who].request('POST', '/api/v1/files', { body: fd });
	assert.equal(r.status, 201, r.text);
	return r.json().data[0].id;
}

async function newItem(extra = {}) {
	return create(C.office, 'rectifications', {
		problem: 'Window staff not wearing badges',
		source: 'leader',
		unit_id: O.S1,
		...extra,
	});
}

/* An item brought to a state by the usual path. */
async function itemIn(state) {
	const it = await newItem();
	if (state === 'assigned') return it;
	await ok('ua1', it.id, 'start', { measures: 'Badges for everyone; a daily check.' });
	if (state === 'in_progress') return it;
	if (state === 'extension') return ok('ua1', it.id, 'request_extension', { reason: 'Waiting for the badges.', extension_to: plus(it.due, 20) });
	await ok('ua1', it.id, 'submit', { measures: 'Badges handed out.', files: [await upload('ua1')] });
	if (state === 'submitted') return it;
	const d = await ok('office', it.id, 'close', { verification: 'Checked on the spot.' });
	if (state === 'closed') return d;
	ctx.srv.sql(`UPDATE rectifications SET recheck = 'drawn' WHERE id = ${it.id}`);
	return d;
}

const STEPS = [
	['start', 'assigned', { measures: 'A plan.' }, ['ua1', 'staff1']],
	['update_progress', 'in_progress', { progress: 40, note: 'Half the staff have badges.' }, ['ua1', 'staff1']],
	['submit', 'in_progress', { measures: 'Done.', files: 'FILE' }, ['ua1', 'staff1']],
	['request_extension', 'in_progress', { reason: 'More time.', extension_to: 'LATER' }, ['ua1', 'staff1']],
	['close', 'submitted', { verification: 'Fine.' }, ['admin', 'office']],
	['send_back', 'submitted', { reason: 'No photo of the badge.' }, ['admin', 'office']],
	['approve_extension', 'extension', {}, ['admin', 'office']],
	['refuse_extension', 'extension', { reason: 'No.' }, ['admin', 'office']],
	['remind', 'in_progress', {}, ['admin', 'office']],
	['recheck_pass', 'drawn', { note: 'Still fine a month later.' }, ['admin', 'office']],
	['recheck_fail', 'drawn', { reason: 'Badges gone again.', due: 'LATER' }, ['admin', 'office']],
];

for (const [name, state, body, allowed] of STEPS) {
	test(`step ${name} (from ${state}): ${allowed.join(', ')} may, the others may not`, async () => {
		await setup();
		const it = await itemIn(state);
		const who = allowed[allowed.length - 1];
		const b = { ...body };
		if (b.extension_to === 'LATER') b.extension_to = plus(it.due, 30);
		if (b.due === 'LATER') b.due = plus(today(), 30);
		if (b.files === 'FILE') b.files = [await upload(who)];
		for (const w of ROLES) {
			if (allowed.includes(w)) continue;
			const r = await step(w, it.id, name, b);
			assert.equal(r.status, 403, `${w} ${name}: ${r.status} ${r.text}`);
		}
		const d = await ok(who, it.id, name, b);
		const again = await step(who, it.id, name, b);
		if (!['remind', 'update_progress'].includes(name)) assert.ok([409, 422].includes(again.status), `${name} twice: ${again.status}`);
		const ev = (await C.office.get(`/api/v1/rectifications/${it.id}/events`)).json().data;
		assert.equal(ev[0].action, 'create');
		assert.ok(ev.some((e) => e.action === name), `the ${name} event is logged`);
		assert.ok(d.state);
	});
}

test('a step in the wrong state is a 409, for the side that could take it elsewhere', async () => {
	await setup();
	const it = await itemIn('assigned');
	assert.equal((await step('office', it.id, 'close', {})).status, 409);
	assert.equal((await step('ua1', it.id, 'submit', { measures: 'x', files: [await upload('ua1')] })).status, 409);
	const closed = await itemIn('closed');
	assert.equal((await step('office', closed.id, 'remind', {})).status, 409);
	// not drawn for a re-check: the re-check steps are refused
	const r = await step('office', closed.id, 'recheck_pass', { note: 'x' });
	assert.equal(r.status, 422);
	assert.equal(r.json().error.message, msg('rect_recheck_not_drawn', 'en'));
});

test('a new item: number ZG-YYYY-NNNN, assigned, due in 10 working days, the unit notified', async () => {
	await setup();
	const it = await newItem();
	assert.match(it.number, /^ZG-\d{4}-\d{4,}$/);
	assert.equal(it.state, 'assigned');
	assert.ok(it.due > today(), it.due);
	assert.ok(it.due <= plus(today(), 18), it.due);
	const n = ctx.srv.sql(`SELECT count(*) FROM notifications WHERE user_id = ${U.ua1.id} AND kind = 'rectification' AND link = '/r/rectifications/${it.id}'`);
	assert.equal(String(n).trim(), '1');
	// the unit cannot create or edit items: the office's register
	assert.equal((await call(C.ua1, 'POST', '/api/v1/rectifications', { problem: 'x y', source: 'other', unit_id: O.S1 })).status, 403);
	assert.equal((await call(C.ua1, 'PATCH', `/api/v1/rectifications/${it.id}`, { due: plus(it.due, 30) })).status, 403);
	// a leader reads, a supervisor and another unit do not
	assert.equal((await C.leader.get(`/api/v1/rectifications/${it.id}`)).status, 200);
	assert.equal((await C.sup.get(`/api/v1/rectifications/${it.id}`)).status, 403);
	assert.ok([403, 404].includes((await C.ua2.get(`/api/v1/rectifications/${it.id}`)).status));
});

test('a submission without evidence is refused with a clear message, and changes nothing', async () => {
	await setup();
	const it = await itemIn('in_progress');
	let r = await step('ua1', it.id, 'submit', { measures: 'Done, trust us.' });
	assert.equal(r.status, 422);
	assert.equal(r.json().error.message, msg('rect_evidence_required', 'en'));
	assert.equal((await C.office.get(`/api/v1/rectifications/${it.id}`)).json().data.state, 'in_progress');
	// the same on the page
	const page = await S.ua1.get(`/r/rectifications/${it.id}/t/submit`);
	assert.equal(page.status, 200);
	r = await S.ua1.post(`/r/rectifications/${it.id}/t/submit`, { measures: 'Done.' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('rect_evidence_required', 'en')), 'the message is on the form');
	// with a file: submitted, progress 100, the file is the item's evidence
	const f = await upload('ua1');
	const d = await ok('ua1', it.id, 'submit', { measures: 'Done.', files: [f] });
	assert.equal(d.state, 'submitted');
	assert.equal(d.progress, 100);
	assert.deepEqual(d.evidence.map((x) => x.id), [f]);
	const closed = await ok('office', it.id, 'close', {});
	assert.equal(closed.on_time, true);
	assert.ok(Number.isInteger(closed.days_to_close));
});

async function newCase(unit) {
	const cat = await create(C.admin, 'case_categories', { code: `z-${Math.floor(Math.random() * 1e9)}`, name: 'Z taxi', unit_id: O.S1, days: 5 });
	const c = await create(C.office, 'cases', {
		title: 'Driver refused a fare at the station',
		kind: 'complaint',
		channel: 'hotline',
		category_id: cat.id,
		description: 'A taxi at the station refused to take a passenger to the airport.',
	});
	if (unit) await ok2('office', `/api/v1/cases/${c.id}/transitions/dispatch`, { unit_id: unit });
	return c;
}
async function ok2(who, p, body) {
	const r = await call(C[who], 'POST', p, body);
	assert.equal(r.status, 200, `${p}: ${r.status} ${r.text}`);
	return r.json().data;
}

test('raising an item from a case: the handling unit and text; once; the case page lists it', async () => {
	await setup();
	const c = await newCase(O.S1);
	// the office sees the button on the case page, the unit does not
	let page = await S.office.get(`/r/cases/${c.id}`);
	assert.ok(page.text.includes('action="/rectification/raise"'), 'the office may raise');
	page = await S.ua1.get(`/r/cases/${c.id}`);
	assert.ok(!page.text.includes('action="/rectification/raise"'), 'the unit may not');
	assert.equal((await S.ua1.post('/rectification/raise', { source: 'case', id: c.id })).status, 403);
	assert.equal((await S.office.post('/rectification/raise', { source: 'case', id: c.id }, { csrf: 'nope' })).status, 403);
	let r = await S.office.post('/rectification/raise', { source: 'case', id: c.id });
	assert.equal(r.status, 303, r.text.slice(0, 500));
	const m = /^\/r\/rectifications\/(\d+)\/edit$/.exec(r.location);
	assert.ok(m, r.location);
	const id = Number(m[1]);
	const it = (await C.office.get(`/api/v1/rectifications/${id}`)).json().data;
	assert.equal(it.source, 'case');
	assert.equal(it.source_case, c.id);
	assert.equal(it.source_ref, `cases:${c.id}`);
	assert.equal(it.unit_id, O.S1);
	assert.ok(it.problem.startsWith('Driver refused a fare at the station'));
	assert.equal(it.state, 'assigned');
	assert.equal((await S.office.get(r.location)).status, 200);
	// again: to the same item, not a second one
	r = await S.office.post('/rectification/raise', { source: 'case', id: c.id });
	assert.equal(r.status, 303);
	assert.equal(r.location, `/r/rectifications/${id}`);
	assert.equal(String(ctx.srv.sql(`SELECT count(*) FROM rectifications WHERE source_case = ${c.id}`)).trim(), '1');
	// the case page lists it (for the unit too)
	page = await S.ua1.get(`/r/cases/${c.id}`);
	assert.ok(page.text.includes(`href="/r/rectifications/${id}"`));
	// a case with no handling unit yet, a missing one, a bad source
	const reg = await newCase(null);
	r = await S.office.post('/rectification/raise', { source: 'case', id: reg.id });
	assert.equal(r.status, 422);
	assert.equal((await S.office.post('/rectification/raise', { source: 'case', id: 99999999 })).status, 404);
	assert.equal((await S.office.post('/rectification/raise', { source: 'inspection', id: 99999999 })).status, 404);
	assert.equal((await S.office.post('/rectification/raise', { source: 'appraisal', id: 99999999 })).status, 404);
	assert.equal((await S.office.post('/rectification/raise', { source: 'nonsense', id: 1 })).status, 400);
	assert.equal((await S.office.post('/rectification/raise', { source: 'case', id: 'x' })).status, 400);
});

const HEADS_HANT = ['序號', '問題描述', '問題來源', '責任單位', '責任人', '整改措施', '整改時限', '完成情況', '銷號情況'];

test('the ledger: the page, the print page, and the workbook read back with its nine headings', async () => {
	await setup();
	const a = await newItem({ problem: 'Ledger item one' });
	await itemIn('closed');
	const other = await newItem({ problem: 'Ledger item of unit two', unit_id: O.S2 });
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'zh-Hant' } });
	const page = await c.get(`/rectification/ledger?unit=${O.B}`);
	assert.equal(page.status, 200);
	for (const h of HEADS_HANT) assert.ok(page.text.includes(`>${h}</th>`), h);
	const pr = await c.get(`/rectification/ledger/print?unit=${O.B}`);
	assert.equal(pr.status, 200);
	assert.ok(pr.text.includes('/static/rectification-print.css'));
	assert.equal((await c.get('/static/rectification-print.css')).text.includes('A4 landscape'), true);
	const r = await getBytes(c, `/rectification/ledger.xlsx?unit=${O.B}`);
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(r.bytes);
	const ws = wb.worksheets[0];
	assert.deepEqual(ws.getRow(1).values.slice(1), HEADS_HANT);
	const rows = [];
	ws.eachRow((row, n) => n > 1 && rows.push(row.values.slice(1)));
	const total = Number(ctx.srv.sql(`SELECT count(*) FROM rectifications WHERE unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ${O.B})`));
	assert.equal(rows.length, total);
	assert.deepEqual(rows.map((x) => x[0]), rows.map((_, i) => i + 1), 'numbered 1, 2, 3…');
	const mine = rows.find((x) => String(x[1]).includes('Ledger item one'));
	assert.ok(mine, 'the item is in the workbook');
	assert.equal(mine[2], msg('rect_src_leader', 'zh-Hant'));
	assert.equal(mine[3], 'Z Secondary one');
	assert.equal(mine[6], a.due);
	assert.equal(mine[8], msg('rect_not_signed_off', 'zh-Hant'));
	assert.ok(rows.some((x) => String(x[8]).startsWith(msg('rect_signed_off', 'zh-Hant'))), 'a signed-off item');
	// English headings for an English reader
	const en = await getBytes(await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } }), '/rectification/ledger.xlsx');
	const wbe = new ExcelJS.Workbook();
	await wbe.xlsx.load(en.bytes);
	assert.equal(wbe.worksheets[0].getRow(1).values[2], 'Problem');
	// the unit's scope: unit two's item is not in unit one's ledger
	const l1 = await S.ua1.get('/rectification/ledger');
	assert.ok(l1.text.includes('Ledger item one'));
	assert.ok(!l1.text.includes('Ledger item of unit two'), `item ${other.id} is outside unit one`);
	assert.equal((await S.ua1.get(`/rectification/stats?unit=${O.S2}`)).status, 403);
	// filters
	assert.equal((await c.get('/rectification/ledger?state=nonsense')).status, 400);
	assert.equal((await c.get('/rectification/ledger?from=2026-13-01')).status, 400);
	const closedOnly = await c.get(`/rectification/ledger?unit=${O.B}&state=closed`);
	assert.ok(!closedOnly.text.includes('Ledger item one'));
});

test('statistics: items, closed on time, overdue, repeats; a workbook', async () => {
	await setup();
	// department two: an open item past its deadline and the same checklist
	// item failing again (a repeat); another unit's same item is no repeat
	const late = await newItem({ unit_id: O.D2, due: plus(today(), -3), problem: 'Badge missing again' });
	const again = await newItem({ unit_id: O.D2, problem: 'Badge missing once more' });
	const elsewhere = await newItem({ unit_id: O.D1, problem: 'Badge missing elsewhere' });
	ctx.srv.sql(`UPDATE rectifications SET checklist_item = 'badge' WHERE id IN (${late.id}, ${again.id}, ${elsewhere.id})`);
	const d2 = await getBytes(await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } }), `/rectification/stats.xlsx?unit=${O.D2}`);
	const wd = new ExcelJS.Workbook();
	await wd.xlsx.load(d2.bytes);
	const row = [];
	wd.worksheets[0].eachRow((x) => x.values[1] === msg('rect_stats_total', 'en') && row.push(x.values));
	// unit, items, closed, on time, on-time rate, overdue, avg days, repeats
	assert.equal(row[0][2], 2);
	assert.equal(row[0][3], 0);
	assert.equal(row[0][6], 1, 'one overdue');
	assert.equal(row[0][8], 1, 'one repeat');
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	const page = await c.get(`/rectification/stats?unit=${O.B}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(msgHtml('rect_stats_repeats', 'en')));
	assert.ok(page.text.includes('<svg'), 'a chart');
	const r = await getBytes(c, `/rectification/stats.xlsx?unit=${O.B}`);
	assert.equal(r.status, 200);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(r.bytes);
	const ws = wb.worksheets[0];
	assert.equal(ws.getRow(1).values[2], msg('rect_stats_items', 'en'));
	const total = Number(ctx.srv.sql(`SELECT count(*) FROM rectifications WHERE unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ${O.B})`));
	let last = null;
	ws.eachRow((row) => (last = row.values));
	assert.ok(last, 'rows');
	const totalRow = [];
	ws.eachRow((row) => row.values[1] === msg('rect_stats_total', 'en') && totalRow.push(row.values));
	assert.equal(totalRow[0][2], total);
});

test('the scheduler reminds the unit the day after the deadline, once per deadline', async () => {
	await setup();
	const { srv } = ctx;
	const due = plus(today(), 3);
	const it = await newItem({ due });
	await ok('ua1', it.id, 'start', { measures: 'Working on it.' });
	const before = Number(srv.sql(`SELECT count(*) FROM notifications WHERE user_id = ${U.ua1.id} AND subject_key = 'rect_n_reminded'`));
	let r = srv.cli(['rectification', 'remind', '--today', due]);
	assert.equal(r.code, 0, r.stderr);
	assert.equal((await C.office.get(`/api/v1/rectifications/${it.id}`)).json().data.reminders, 0, 'not on the deadline itself');
	r = srv.cli(['rectification', 'remind', '--today', plus(due, 1)]);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /[1-9]\d* reminded/);
	const d = (await C.office.get(`/api/v1/rectifications/${it.id}`)).json().data;
	assert.equal(d.reminders, 1);
	assert.equal(Number(srv.sql(`SELECT count(*) FROM notifications WHERE user_id = ${U.ua1.id} AND subject_key = 'rect_n_reminded'`)), before + 1);
	srv.cli(['rectification', 'remind', '--today', plus(due, 4)]);
	assert.equal((await C.office.get(`/api/v1/rectifications/${it.id}`)).json().data.reminders, 1, 'once per deadline');
	const ev = (await C.office.get(`/api/v1/rectifications/${it.id}/events`)).json().data.filter((e) => e.action === 'remind');
	assert.equal(ev.length, 1);
	assert.equal(ev[0].side, 'system');
	// the ledger shows it overdue on the day after (today's ledger: not yet)
	r = srv.cli(['rectification', 'remind', '--today', 'tomorrow']);
	assert.notEqual(r.code, 0);
	assert.notEqual(srv.cli(['rectification', 'nonsense']).code, 0);
});

/* splitmix64 and the partial Fisher-Yates shuffle of rect_sample, here
 * again, written from the description in rect.h. */
function sample(seed, ids, k) {
	let s = BigInt.asUintN(64, BigInt(seed));
	const M = (1n << 64n) - 1n;
	const next = () => {
		s = (s + 0x9e3779b97f4a7c15n) & M;
		let z = s;
		z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
		z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
		return z ^ (z >> 31n);
	};
	const v = [...ids];
	k = Math.min(k, v.length);
	for (let i = 0; i < k; i++) {
		const j = i + Number(next() % BigInt(v.length - i));
		[v[i], v[j]] = [v[j], v[i]];
	}
	return v.slice(0, k).sort((a, b) => a - b);
}

test('random re-checks: the draw is recorded with its seed and pool, and reproducible', async () => {
	await setup();
	for (let i = 0; i < 5; i++) await itemIn('closed');
	const month = today().slice(0, 7);
	assert.equal((await S.ua1.get('/rectification/rechecks')).status, 403);
	assert.equal((await S.ua1.post('/rectification/rechecks', { month, size: 2, kind: 'n', seed: '1' })).status, 403);
	assert.equal((await S.office.post('/rectification/rechecks', { month, size: 2, kind: 'n', seed: 'abc' })).status, 422);
	assert.equal((await S.office.post('/rectification/rechecks', { month: '2020-01', size: 2, kind: 'n', seed: '1' })).status, 422);
	let r = await S.office.post('/rectification/rechecks', { month, size: 3, kind: 'n', seed: '987654321' });
	assert.equal(r.status, 303, r.text.slice(0, 500));
	const draws = (await S.office.get('/rectification/rechecks.json')).json().data;
	const d = draws[0];
	assert.equal(d.seed, '987654321');
	assert.equal(d.month, month);
	assert.equal(d.chosen.length, 3);
	assert.equal(d.reproduced, true);
	assert.deepEqual(d.pool, [...d.pool].sort((a, b) => a - b), 'the pool in id order');
	assert.deepEqual(d.chosen, sample(987654321n, d.pool, 3), 'the same sample, drawn again from the record');
	for (const id of d.chosen) assert.equal((await C.office.get(`/api/v1/rectifications/${id}`)).json().data.recheck, 'drawn');
	// the same seed over the same pool: the same sample; another seed: usually another
	r = await S.office.post('/rectification/rechecks', { month, size: 3, kind: 'n', seed: '987654321' });
	const d2 = (await S.office.get('/rectification/rechecks.json')).json().data[0];
	assert.deepEqual(d2.pool, d.pool);
	assert.deepEqual(d2.chosen, d.chosen);
	// a percentage
	r = await S.office.post('/rectification/rechecks', { month, size: 50, kind: 'pct', seed: '5' });
	const d3 = (await S.office.get('/rectification/rechecks.json')).json().data[0];
	assert.equal(d3.chosen.length, Math.ceil(d3.pool.length / 2));
	assert.deepEqual(d3.chosen, sample(5n, d3.pool, d3.chosen.length));
	const page = await S.office.get('/rectification/rechecks');
	assert.ok(page.text.includes('987654321'));
	// a drawn item: the office re-checks it
	await ok('office', d.chosen[0], 'recheck_pass', { note: 'Fine.' });
	const failed = await ok('office', d.chosen[1], 'recheck_fail', { reason: 'Back again.', due: plus(today(), 20) });
	assert.equal(failed.state, 'in_progress');
	assert.equal(failed.recheck, 'failed');
	assert.equal(failed.due, plus(today(), 20));
	assert.equal(failed.closed_at, null);
});

test('raising from an inspection item (its photos copied, its checklist item kept, a repeat counted) and from an appraisal opinion', async () => {
	await setup();
	const { srv } = ctx;
	// an inspection with two failed results of the same checklist item, as
	// the record page leaves them (inspection_results), and an opinion of
	// a ballot (appraisal_opinions)
	const cl = await create(C.office, 'inspection_checklists', { code: 'z-window', name: 'Z windows', unit_kind: 'window', scoring: 'pass_fail' });
	const badge = await create(C.office, 'checklist_items', { checklist_id: cl.id, position: 1, code: 'z-badge', label: '亮證上崗', max_points: 10 });
	const ins = [];
	for (const day of ['2026-11-02', '2026-11-20'])
		ins.push(await create(C.office, 'inspections', { unit_id: O.W1, checklist_id: cl.id, inspected_on: day, kind: 'task_force' }));
	const photo = await upload('admin');
	srv.sql(`INSERT INTO inspection_results (inspection_id, item_id, passed, points, note, photos, updated_at) VALUES (${ins[0].id}, ${badge.id}, 0, 0, '兩名窗口人員未佩戴工作證', '${photo}', 0)`);
	srv.sql(`INSERT INTO inspection_results (inspection_id, item_id, passed, points, note, photos, updated_at) VALUES (${ins[1].id}, ${badge.id}, 0, 0, NULL, NULL, 0)`);
	const [r1, r2] = srv.sql(`SELECT id FROM inspection_results WHERE item_id = ${badge.id} ORDER BY inspection_id`).map((x) => Number(x[0]));
	srv.sql(`INSERT INTO appraisal_opinions (campaign_id, unit_id, body) VALUES (1, ${O.S2}, '辦事窗口午休時間無人值守。')`);
	const op = Number(srv.sql("SELECT max(id) FROM appraisal_opinions")[0][0]);
	let r = await S.office.post('/rectification/raise', { source: 'inspection', id: r1 });
	assert.equal(r.status, 303, r.text.slice(0, 500));
	const id = Number(/\/r\/rectifications\/(\d+)\/edit$/.exec(r.location)[1]);
	const it = (await C.office.get(`/api/v1/rectifications/${id}`)).json().data;
	assert.equal(it.source, 'inspection');
	assert.equal(it.source_ref, `inspection_results:${r1}`);
	assert.equal(it.checklist_item, 'z-badge');
	assert.equal(it.unit_id, O.W1);
	assert.ok(it.problem.includes('亮證上崗') && it.problem.includes('兩名窗口人員未佩戴工作證'), it.problem);
	assert.equal(it.problem_photos.length, 1, 'the photo is the problem\'s');
	assert.notEqual(it.problem_photos[0].id, photo, 'as a copy of its own');
	assert.equal((await S.office.get(`/files/${it.problem_photos[0].id}`)).status, 200);
	r = await S.office.post('/rectification/raise', { source: 'inspection', id: r1 });
	assert.equal(r.location, `/r/rectifications/${id}`);
	// the same checklist item failing again for the unit: a repeat
	r = await S.office.post('/rectification/raise', { source: 'inspection', id: r2 });
	assert.equal(r.status, 303);
	const stats = await S.office.get(`/rectification/stats?unit=${O.W1}`);
	assert.match(stats.text, new RegExp(`${msgHtml('rect_stats_repeats', 'en')}</span><span class="tile-value">1</span>`));
	// the inspection's page lists the item raised from it
	assert.ok((await S.office.get(`/r/inspections/${ins[0].id}`)).text.includes(`href="/r/rectifications/${id}"`));
	r = await S.office.post('/rectification/raise', { source: 'appraisal', id: op });
	assert.equal(r.status, 303);
	const ap = (await C.office.get(`/api/v1/rectifications/${/\/(\d+)\/edit$/.exec(r.location)[1]}`)).json().data;
	assert.equal(ap.source, 'appraisal');
	assert.equal(ap.unit_id, O.S2);
	assert.equal(ap.problem, '辦事窗口午休時間無人值守。');
	// a source that is not there, or not a source
	assert.equal((await S.office.post('/rectification/raise', { source: 'inspection', id: 999999 })).status, 404);
	assert.equal((await S.office.post('/rectification/raise', { source: 'weather', id: 1 })).status, 400);
});

test('a unit\'s public report card: counts and closed items for anyone, once the office publishes it', async () => {
	await setup();
	const { srv } = ctx;
	const anon = srv.client({ headers: { 'Accept-Language': 'en' } });
	assert.equal((await anon.get(`/public/units/${O.W1}`)).status, 404, 'not published');
	const it = await newItem({ unit_id: O.W1, problem: 'Public item, signed off' });
	await ok('ua1', it.id, 'start', { measures: 'Fixed.' });
	await ok('ua1', it.id, 'submit', { measures: 'Fixed.', files: [await upload('ua1')] });
	const closed = await ok('office', it.id, 'close', {});
	assert.equal(closed.closed_on, today());
	assert.equal((await call(C.office, 'PATCH', `/api/v1/units/${O.W1}`, { published: true })).status, 200);
	const page = await anon.get(`/public/units/${O.W1}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(it.number), 'the closed item is listed');
	assert.ok((await anon.get('/public/units')).text.includes(`/public/units/${O.W1}`));
});

test('the home page: open and overdue items in the user\'s scope; the office also sees what waits for sign-off', async () => {
	await setup();
	const { srv } = ctx;
	await newItem({ unit_id: O.D1, due: plus(today(), -2), problem: 'Overdue for the home page' });
	const office = await S.office.get('/');
	assert.ok(office.text.includes('href="/rectification/ledger?state=overdue"'));
	assert.ok(office.text.includes('href="/rectification/ledger?state=submitted"'));
	const unit = await S.ua1.get('/');
	assert.ok(unit.text.includes('href="/rectification/ledger?state=overdue"'));
	assert.ok(!unit.text.includes('href="/rectification/ledger?state=submitted"'), 'the unit does not sign off');
	const sup = srv.client();
	await sup.signIn(U.sup.name, U.sup.password);
	assert.ok(!(await sup.get('/')).text.includes('/rectification/ledger'), 'a supervisor has no ledger');
});

test('the unit page shows its subtree\'s items with the way to the ledger, to those who read them', async () => {
	await setup();
	const { srv } = ctx;
	const page = await S.office.get(`/r/units/${O.S1}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(`href="/rectification/ledger?unit=${O.S1}"`));
	assert.ok((await S.ua1.get(`/r/units/${O.S1}`)).text.includes(`href="/rectification/ledger?unit=${O.S1}"`));
	const sup = srv.client();
	await sup.signIn(U.sup.name, U.sup.password);
	const sp = await sup.get(`/r/units/${O.S1}`);
	assert.ok(!sp.text.includes('/rectification/ledger'), `a supervisor sees no ledger (${sp.status})`);
});
