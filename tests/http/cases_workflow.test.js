'use strict';
// Cases: the workflow engine as the cases module declares it. Every step
// as every role (who may, who may not, and in which state), the deadlines,
// ratings that reopen a case, merges, the scheduler's reminders and
// escalations, and confidentiality: the handling unit never receives the
// submitter's identity, in any page, API answer, event or export.
const assert = require('node:assert/strict');
const { serverPerFile, test } = require('./lib');
const { api, call, create, org, getBytes, day } = require('./records_lib');

const ctx = serverPerFile();
let O, CAT, U, C;

const ROLES = ['admin', 'office', 'leader', 'ua1', 'staff1', 'ua2', 'sup'];

async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'W');
	CAT = await create(a, 'case_categories', { code: 'w-taxi', name: 'W taxi service', unit_id: O.S1, days: 5 });
	U = {
		office: srv.createUser('w_office', 'office'),
		leader: srv.createUser('w_leader', 'leader'),
		ua1: srv.createUser('w_ua1', 'unit_admin', O.S1),
		staff1: srv.createUser('w_staff1', 'staff', O.S1),
		ua2: srv.createUser('w_ua2', 'unit_admin', O.S2),
		sup: srv.createUser('w_sup', 'supervisor', O.S1),
	};
	C = { admin: a };
	for (const k of Object.keys(U)) C[k] = api(srv, U[k].name, 'en');
}

const step = (who, id, name, body = {}) => call(C[who], 'POST', `/api/v1/cases/${id}/transitions/${name}`, body);

async function ok(who, id, name, body) {
	const r = await step(who, id, name, body);
	assert.equal(r.status, 200, `${who} ${name} on case ${id}: ${r.status} ${r.text}`);
	return r.json().data;
}

async function newCase(extra = {}) {
	return create(C.office, 'cases', {
		title: 'Driver refused a fare',
		kind: 'complaint',
		channel: 'hotline',
		category_id: CAT.id,
		description: 'A taxi at the station refused to take a passenger to the airport.',
		contact_name: '王小明',
		contact_phone: '13812345678',
		contact_email: 'wang@example.com',
		...extra,
	});
}

/* A case brought to a state by the usual path. */
async function caseIn(state) {
	const c = await newCase();
	if (state === 'registered') return c;
	await ok('office', c.id, 'dispatch', { unit_id: O.S1 });
	if (state === 'dispatched') return c;
	if (state === 'returned') return ok('ua1', c.id, 'return', { reason: 'not ours' });
	await ok('ua1', c.id, 'accept');
	if (state === 'in_hand') return c;
	if (state === 'extension') return ok('ua1', c.id, 'request_extension', { reason: 'waiting for a witness', extension_to: '2026-12-31' });
	await ok('ua1', c.id, 'answer', { reply: 'The driver was warned.', note: 'internal: fined 200' });
	if (state === 'answered') return c;
	return ok('office', c.id, 'close');
}

/* Each step: the state it is tried in, the body, and the roles that may take it. */
const STEPS = [
	['dispatch', 'registered', { unit_id: 0 }, ['admin', 'office']],
	['resolve', 'registered', { reply: 'Answered at once.' }, ['admin', 'office']],
	['accept', 'dispatched', {}, ['ua1', 'staff1']],
	['return', 'dispatched', { reason: 'Wrong unit.' }, ['ua1', 'staff1']],
	['answer', 'in_hand', { reply: 'Fixed.' }, ['ua1', 'staff1']],
	['request_extension', 'in_hand', { reason: 'More time.', extension_to: '2026-12-31' }, ['ua1', 'staff1']],
	['approve_extension', 'extension', {}, ['admin', 'office']],
	['refuse_extension', 'extension', { reason: 'No.' }, ['admin', 'office']],
	['close', 'answered', {}, ['admin', 'office']],
	['send_back', 'answered', { reason: 'Not enough.' }, ['admin', 'office']],
	['remind', 'in_hand', {}, ['admin', 'office']],
	['escalate', 'in_hand', { reason: 'Late.' }, ['admin', 'office']],
	['follow_up', 'closed', { note: 'Called back, satisfied.' }, ['admin', 'office']],
	['reopen', 'closed', { reason: 'Not solved.' }, ['admin', 'office']],
	['merge', 'registered', { merged_into: 0, reason: 'The same matter.' }, ['admin', 'office']],
];

for (const [name, state, body, allowed] of STEPS) {
	test(`step ${name} (from ${state}): ${allowed.join(', ')} may, the others may not`, async () => {
		await setup();
		const c = await caseIn(state);
		const b = { ...body };
		if ('unit_id' in b) b.unit_id = O.S1;
		if ('merged_into' in b) b.merged_into = (await newCase()).id;
		for (const who of ROLES) {
			if (allowed.includes(who)) continue;
			const r = await step(who, c.id, name, b);
			assert.equal(r.status, 403, `${who} ${name}: ${r.status} ${r.text}`);
		}
		const who = allowed[allowed.length - 1];
		const d = await ok(who, c.id, name, b);
		// taken once: the same step again is refused for its state, or is a repeatable one
		const again = await step(who, c.id, name, b);
		// (a returned case has left the unit: it may not even see it)
		if (!['remind', 'escalate', 'follow_up'].includes(name)) assert.ok([403, 409, 422].includes(again.status), `${name} twice: ${again.status}`);
		const ev = (await C.office.get(`/api/v1/cases/${c.id}/events`)).json().data;
		assert.equal(ev[0].action, 'create');
		assert.ok(ev.some((e) => e.action === name), `the ${name} event is logged`);
		assert.ok(d.state);
	});
}

test('a step asks for what it needs, in the user\'s language, and changes nothing when refused', async () => {
	await setup();
	const c = await caseIn('dispatched');
	let r = await step('ua1', c.id, 'return', {});
	assert.equal(r.status, 422);
	assert.match(r.json().error.message, /reason/i);
	r = await call(api(ctx.srv, U.ua1.name, 'zh-Hant'), 'POST', `/api/v1/cases/${c.id}/transitions/return`, { reason: '   ' });
	assert.equal(r.status, 422);
	assert.equal(r.json().error.message, '請填寫理由。');
	r = await step('office', c.id, 'dispatch', { unit_id: O.S1 });
	assert.equal(r.status, 409, 'a dispatched case is not dispatched again');
	r = await step('ua1', c.id, 'nonsense', {});
	assert.equal(r.status, 404);
	const now = (await C.office.get(`/api/v1/cases/${c.id}`)).json().data;
	assert.equal(now.state, 'dispatched');
	// the generic API never sets the state
	r = await call(C.office, 'PATCH', `/api/v1/cases/${c.id}`, { state: 'closed' });
	assert.equal(r.status, 400);
	assert.equal(r.json().error.code, 'bad_request');
	assert.equal((await C.office.get(`/api/v1/cases/${c.id}`)).json().data.state, 'dispatched');
});

test('a returned case goes back to the office and out of the unit\'s sight', async () => {
	await setup();
	const c = await caseIn('returned');
	assert.equal(c.state, 'returned');
	assert.equal(c.unit_id, null);
	assert.equal((await C.ua1.get(`/api/v1/cases/${c.id}`)).status, 403);
	const d = await ok('office', c.id, 'dispatch', { unit_id: O.S2 });
	assert.equal(d.unit_id, O.S2);
	const inbox = (await C.ua2.get('/api/v1/inbox')).json().data;
	assert.ok(inbox.some((n) => n.link === `/r/cases/${c.id}` && n.kind === 'case'), 'the unit is notified of the dispatch');
	const office = (await C.office.get('/api/v1/inbox')).json().data;
	assert.ok(office.some((n) => n.link === `/r/cases/${c.id}`), 'the office is notified of the return');
	assert.equal((await C.ua2.get(`/api/v1/cases/${c.id}`)).status, 200);
	assert.equal((await C.ua1.get(`/api/v1/cases/${c.id}`)).status, 403, 'a unit never sees cases outside its subtree');
	// the unit page counts the subtree's open cases
	const w = await ctx.srv.signIn(U.ua2.name, U.ua2.password, { headers: { 'Accept-Language': 'en' } });
	const page = (await w.get(`/r/units/${O.S2}`)).text;
	assert.match(page, /Open cases<\/span><span class="tile-value">[1-9]/);
	// the home page counts the open cases of the user's scope, and the
	// overdue ones among them
	const mine = (await C.ua2.get('/api/v1/cases?per_page=100')).json().data
		.filter((x) => !['closed', 'merged'].includes(x.state));
	const home = (await w.get('/')).text;
	const tileOf = (label) => Number(home.match(new RegExp(`${label}</span><span class="tile-value">([0-9,]+)<`))[1].replace(/,/g, ''));
	assert.equal(tileOf('Open cases'), mine.length);
	assert.equal(tileOf('Overdue cases'), mine.filter((x) => x.due && x.due < day()).length);
	// a supervisor counts only the cases he filed, not his unit's
	const sup = await ctx.srv.signIn(U.sup.name, U.sup.password, { headers: { 'Accept-Language': 'en' } });
	const supHome = (await sup.get('/')).text;
	const own = (await C.sup.get('/api/v1/cases?per_page=100')).json().data.filter((x) => !['closed', 'merged'].includes(x.state));
	assert.match(supHome, new RegExp(`Open cases</span><span class="tile-value">${own.length}<`));
});

test('deadlines: working days from dispatch, an approved extension moves it, an answer records whether it was on time', async () => {
	await setup();
	const c = await caseIn('dispatched');
	const d = (await C.office.get(`/api/v1/cases/${c.id}`)).json().data;
	assert.match(d.due, /^\d{4}-\d{2}-\d{2}$/);
	assert.equal(d.handling_due, d.due);
	assert.ok(![0, 6].includes(new Date(`${d.due}T12:00:00Z`).getUTCDay()), 'a deadline is never on a weekend');
	assert.ok(d.response_due <= d.due);
	await ok('ua1', c.id, 'accept');
	let r = await step('ua1', c.id, 'request_extension', { reason: 'x', extension_to: d.due });
	assert.equal(r.status, 422, 'an extension must be later than the deadline');
	await ok('ua1', c.id, 'request_extension', { reason: 'Waiting for the driver.', extension_to: '2026-12-30' });
	const e = await ok('office', c.id, 'approve_extension');
	assert.equal(e.due, '2026-12-30');
	assert.equal(e.state, 'in_hand');
	const a = await ok('ua1', c.id, 'answer', { reply: 'Done.' });
	assert.equal(a.answered_on_time, true);
	assert.equal(a.reply, 'Done.');
	assert.ok(a.handling_days >= 0);
});

test('ratings: a supervisor rates their own opinion once; unsatisfied reopens it for 15 working days with a follow-up call; a second rating after it is closed again, never a third', async () => {
	await setup();
	const { srv } = ctx;
	const s = await srv.signIn(U.sup.name, U.sup.password, { headers: { 'Accept-Language': 'en' } });
	const f = await s.post('/cases/opinion', { kind: 'suggestion', category_id: String(CAT.id), title: 'Queue at window 3', description: 'The queue at window 3 is too long in the mornings.' });
	assert.equal(f.status, 200, f.text.slice(0, 400));
	const id = Number(/\/r\/cases\/(\d+)/.exec(f.text)[1]);
	const mine = (await C.sup.get(`/api/v1/cases/${id}`)).json().data;
	assert.equal(mine.channel, 'supervisor');
	assert.equal((await C.sup.get('/api/v1/cases')).json().data.length, 1, 'a supervisor sees their own opinions only');
	await ok('office', id, 'dispatch', { unit_id: O.S1 });
	await ok('ua1', id, 'accept');
	await ok('ua1', id, 'answer', { reply: 'We opened a second window.' });
	let r = await step('sup', id, 'rate', { rating: '2' });
	assert.equal(r.status, 409, 'not before it is closed');
	await ok('office', id, 'close');
	const rated = await ok('sup', id, 'rate', { rating: '2', rating_comment: 'Still long.' });
	const after = (await C.office.get(`/api/v1/cases/${id}`)).json().data;
	assert.equal(after.state, 'in_hand', 'an unsatisfied rating reopens the case');
	assert.ok(after.followup_due, 'a follow-up call is due');
	assert.equal(after.ratings, 1);
	assert.ok(rated);
	const ev = (await C.office.get(`/api/v1/cases/${id}/events`)).json().data.map((e) => e.action);
	assert.deepEqual(ev.slice(-2), ['rate', 'reopen']);
	await ok('office', id, 'follow_up', { note: 'Called: the queue is long on Mondays.' });
	assert.equal((await C.office.get(`/api/v1/cases/${id}`)).json().data.followup_due, null);
	await ok('ua1', id, 'answer', { reply: 'A third window on Mondays.' });
	await ok('office', id, 'close');
	await ok('sup', id, 'rate', { rating: '5' });
	r = await step('sup', id, 'rate', { rating: '5' });
	assert.equal(r.status, 422, 'rated once per closing');
	// the office sees each supervisor's opinions of the year; nobody else does
	const year = Number(day().slice(0, 4));
	const office = await srv.signIn(U.office.name, U.office.password, { headers: { 'Accept-Language': 'en' } });
	const page = await office.get('/cases/supervisors');
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(`>${U.sup.name}<`) || page.text.includes('Queue at window 3'), 'the supervisor and the opinion are listed');
	assert.ok(page.text.includes('Queue at window 3'));
	assert.equal((await office.get(`/cases/supervisors?year=${year - 5}`)).text.includes('Queue at window 3'), false);
	assert.equal((await office.get('/cases/supervisors?year=abc')).status, 400);
	const unit = await srv.signIn(U.ua1.name, U.ua1.password);
	assert.equal((await unit.get('/cases/supervisors')).status, 403);
	// the unit appeals a rating; the office decides
	const c = await caseIn('closed');
	r = await step('ua1', c.id, 'appeal', { reason: 'No rating.' });
	assert.equal(r.status, 422, 'nothing to appeal without a rating');
});

test('merge: the duplicate closes into the open case', async () => {
	await setup();
	const a = await newCase({ title: 'Broken street light at Station Road' });
	const b = await newCase({ title: 'Street light broken, Station Road' });
	let r = await step('office', b.id, 'merge', { merged_into: b.id, reason: 'same' });
	assert.equal(r.status, 422, 'not into itself');
	const m = await ok('office', b.id, 'merge', { merged_into: a.id, reason: 'Same light.' });
	assert.equal(m.state, 'merged');
	assert.equal(m.merged_into, a.id);
	r = await step('office', a.id, 'merge', { merged_into: b.id, reason: 'x' });
	assert.equal(r.status, 422, 'not into a merged case');
});

test('the scheduler reminds the unit the working day after the deadline, once, and escalates after 5 more working days', async () => {
	await setup();
	const { srv } = ctx;
	const c = await caseIn('in_hand');
	const due = (await C.office.get(`/api/v1/cases/${c.id}`)).json().data.due;
	const plus = (d, n) => {
		const t = new Date(`${d}T12:00:00Z`);
		for (let k = 0; k < n; ) {
			t.setUTCDate(t.getUTCDate() + 1);
			if (![0, 6].includes(t.getUTCDay())) k++;
		}
		return t.toISOString().slice(0, 10);
	};
	let r = srv.cli(['cases', 'remind', '--today', due]);
	assert.equal(r.code, 0, r.stderr);
	assert.equal((await C.office.get(`/api/v1/cases/${c.id}`)).json().data.reminders, 0, 'not on the deadline itself');
	r = srv.cli(['cases', 'remind', '--today', plus(due, 1)]);
	assert.equal(r.code, 0, r.stderr);
	let d = (await C.office.get(`/api/v1/cases/${c.id}`)).json().data;
	assert.equal(d.reminders, 1);
	assert.equal(d.escalated, false);
	srv.cli(['cases', 'remind', '--today', plus(due, 2)]);
	assert.equal((await C.office.get(`/api/v1/cases/${c.id}`)).json().data.reminders, 1, 'once per deadline');
	r = srv.cli(['cases', 'remind', '--today', plus(due, 5)]);
	assert.equal((await C.office.get(`/api/v1/cases/${c.id}`)).json().data.escalated, true);
	const ev = (await C.office.get(`/api/v1/cases/${c.id}/events`)).json().data;
	const sys = ev.filter((e) => e.side === 'system').map((e) => e.action);
	assert.deepEqual(sys, ['remind', 'escalate']);
	r = srv.cli(['cases', 'remind', '--today', 'tomorrow']);
	assert.equal(r.code, 2);
});

test('confidentiality: the handling unit never receives the submitter\'s identity; the office sees it masked and reveals it, audited', async () => {
	await setup();
	const { srv } = ctx;
	const c = await caseIn('in_hand');
	const secrets = ['王小明', '13812345678', '138****5678', 'wang@example.com', '王**'];
	for (const who of ['ua1', 'staff1']) {
		const j = (await C[who].get(`/api/v1/cases/${c.id}`)).text;
		for (const s of secrets) assert.ok(!j.includes(s), `${who} API: ${s}`);
		assert.equal(JSON.parse(j).data.contact_phone, 'confidential');
		const l = (await C[who].get(`/api/v1/cases?per_page=200`)).text;
		for (const s of secrets) assert.ok(!l.includes(s), `${who} list: ${s}`);
		const ev = (await C[who].get(`/api/v1/cases/${c.id}/events`)).text;
		for (const s of secrets) assert.ok(!ev.includes(s), `${who} events: ${s}`);
		const w = await srv.signIn(U[who].name, U[who].password);
		const page = (await w.get(`/r/cases/${c.id}`)).text;
		for (const s of secrets) assert.ok(!page.includes(s), `${who} page: ${s}`);
		assert.ok(page.includes('保密'));
		for (const fmt of ['csv', 'xlsx']) {
			const x = await getBytes(w, `/r/cases/export?format=${fmt}`);
			const text = fmt === 'csv' ? x.bytes.toString('utf8') : x.bytes.toString('latin1');
			for (const s of secrets.slice(0, 4)) assert.ok(!text.includes(s), `${who} ${fmt}: ${s}`);
		}
		const rv = await w.post(`/r/cases/${c.id}/reveal`, { field: 'contact_phone' });
		assert.equal(rv.status, 403, `${who} may not reveal`);
	}
	const o = (await C.office.get(`/api/v1/cases/${c.id}`)).json().data;
	assert.equal(o.contact_phone, '138****5678');
	assert.equal(o.contact_name, '王**');
	const w = await srv.signIn(U.office.name, U.office.password);
	const rv = await w.post(`/r/cases/${c.id}/reveal`, { field: 'contact_phone' });
	assert.equal(rv.status, 303);
	const shown = (await w.get(`/r/cases/${c.id}`)).text;
	assert.ok(shown.includes('13812345678'));
	const audit = srv.sql(`SELECT action FROM audit WHERE entity = 'cases' AND entity_id = '${c.id}' AND action LIKE 'reveal%'`);
	assert.ok(audit.length >= 1, 'the reveal is audited');
});
