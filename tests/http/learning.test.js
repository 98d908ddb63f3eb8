'use strict';
// Learning (src/learning/): the required attendees of a study session, the
// attendee's own sign-in by the session's secret link (refused outside the
// window, twice, or for someone not required: a clear answer and nothing
// changed), the clerk's attendance list (an excused absence needs its
// reason), the attendance rate, recurring sessions from one rule across
// the National Day holidays, the "five ones" checklist workflow taken as
// every role (evidence files type-checked), training certificates and the
// public verification page that shows nothing beyond the name, the course
// and the date, and the statistics with their workbook.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const ExcelJS = require('exceljs');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { api, call, create, org, day, getBytes } = require('./records_lib');

const ctx = serverPerFile();
let O, U, C, W, P;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');

const NOW = () => Math.floor(Date.now() / 1000);
const HOUR = 3600;
const DAY = 86400;

async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'L');
	U = {
		office: srv.createUser('l_office', 'office'),
		leader: srv.createUser('l_leader', 'leader'),
		ua1: srv.createUser('l_ua1', 'unit_admin', O.S1),
		staff1: srv.createUser('l_staff1', 'staff', O.S1),
		staff2: srv.createUser('l_staff2', 'staff', O.S1),
		staff3: srv.createUser('l_staff3', 'staff', O.D1),
		ua2: srv.createUser('l_ua2', 'unit_admin', O.S2),
		outsider: srv.createUser('l_outsider', 'staff', O.S2),
	};
	P = {
		leader: await create(a, 'people', { name: '李局長', unit_id: O.S1, status: 'active', is_leader: true, account: 'l_leader' }),
		staff1: await create(a, 'people', { name: '王一', unit_id: O.S1, status: 'active', account: 'l_staff1' }),
		staff2: await create(a, 'people', { name: '王二', unit_id: O.W1, status: 'active', account: 'l_staff2' }),
		staff3: await create(a, 'people', { name: '王三', unit_id: O.D1, status: 'active', account: 'l_staff3' }),
		outsider: await create(a, 'people', { name: '趙外', unit_id: O.S2, status: 'active', account: 'l_outsider' }),
	};
	C = { admin: a };
	W = { admin: await srv.admin({ headers: { 'Accept-Language': 'en' } }) };
	for (const k of Object.keys(U)) {
		C[k] = api(srv, U[k].name, 'en');
		W[k] = await srv.signIn(U[k].name, U[k].password, { headers: { 'Accept-Language': 'en' } });
	}
}

const key = (srv, id) => srv.sql(`SELECT signin_key FROM study_sessions WHERE id = ${id}`)[0][0];
const att = (srv, id) =>
	srv.sql(`SELECT person_id, COALESCE(status, ''), COALESCE(reason, '') FROM learning_attendance WHERE session_id = ${id} ORDER BY person_id`).map(([p, s, r]) => [Number(p), s, r]);

async function session(fields = {}) {
	return create(C.admin, 'study_sessions', { topic: 'Friday study: the rules', unit_id: O.S1, starts_at: NOW() - 300, ends_at: NOW() + HOUR, speaker: 'Director Li', ...fields });
}

test('a session requires the people of its unit subtree; the audience narrows it; the key is a secret, not the id', async () => {
	await setup();
	const { srv } = ctx;
	const s = await session();
	const people = att(srv, s.id).map((x) => x[0]);
	assert.deepEqual(people, [P.leader.id, P.staff1.id, P.staff2.id, P.staff3.id].sort((a, b) => a - b));
	assert.ok(!people.includes(P.outsider.id));
	assert.match(key(srv, s.id), /^[0-9a-f]{32}$/);
	assert.equal(s.held_on, day(0), 'the date is the start\'s');
	assert.equal(s.signin_key, undefined, 'the API does not show the key');
	const lead = await session({ audience: 'leaders' });
	assert.deepEqual(att(srv, lead.id).map((x) => x[0]), [P.leader.id]);
	const list = await session({ audience: 'list', attendees: `王一\n${P.staff3.id}` });
	assert.deepEqual(att(srv, list.id).map((x) => x[0]), [P.staff1.id, P.staff3.id]);
	// the audience changed: the list follows; the minutes added: it stays
	const v = (await C.admin.get(`/api/v1/study_sessions/${list.id}`)).json().data.version;
	assert.equal((await call(C.admin, 'PATCH', `/api/v1/study_sessions/${list.id}`, { attendees: '王二、王三', version: v })).status, 200);
	assert.deepEqual(att(srv, list.id).map((x) => x[0]), [P.staff2.id, P.staff3.id]);
	const newcomer = await create(C.admin, 'people', { name: '新人', unit_id: O.S1, status: 'active' });
	const v2 = (await C.admin.get(`/api/v1/study_sessions/${s.id}`)).json().data.version;
	assert.equal((await call(C.admin, 'PATCH', `/api/v1/study_sessions/${s.id}`, { minutes: '學習了規則。', version: v2 })).status, 200);
	assert.ok(!att(srv, s.id).map((x) => x[0]).includes(newcomer.id), 'not required for a session planned before');
	await call(C.admin, 'DELETE', `/api/v1/people/${newcomer.id}`);
	// a name outside the unit: refused, nothing saved
	const bad = await call(C.admin, 'POST', '/api/v1/study_sessions', { topic: 'x list', unit_id: O.S1, starts_at: NOW(), ends_at: NOW() + HOUR, audience: 'list', attendees: '趙外' });
	assert.equal(bad.status, 422);
	const badTime = await call(C.admin, 'POST', '/api/v1/study_sessions', { topic: 'x time', unit_id: O.S1, starts_at: NOW(), ends_at: NOW() - HOUR });
	assert.equal(badTime.status, 422);
	assert.equal((await W.staff1.get(`/learning/signin/${s.id}`)).status, 404, 'the session id is not a sign-in link');
});

test('sign-in by the link: present once; twice, not required, outside the window or unknown is refused and changes nothing', async () => {
	await setup();
	const { srv } = ctx;
	const s = await session();
	const k = key(srv, s.id);
	const page = await W.staff1.get(`/learning/signin/${k}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /id="signin-button"/);
	const ok = await W.staff1.post(`/learning/signin/${k}`, {});
	assert.equal(ok.status, 200, ok.text.slice(0, 400));
	assert.match(ok.text, /id="signin-result"/);
	assert.ok(ok.text.includes(msgHtml('learn_signed_in', 'en')));
	const row = () => att(srv, s.id).find((x) => x[0] === P.staff1.id);
	assert.equal(row()[1], 'present');
	const before = JSON.stringify(att(srv, s.id));
	const twice = await W.staff1.post(`/learning/signin/${k}`, {});
	assert.equal(twice.status, 409);
	assert.ok(twice.text.includes(msgHtml('learn_signin_twice', 'en')));
	const outsider = await W.outsider.post(`/learning/signin/${k}`, {});
	assert.equal(outsider.status, 403);
	assert.ok(outsider.text.includes(msgHtml('learn_signin_not_required', 'en')));
	// the office without a person record is not required either
	assert.equal((await W.office.post(`/learning/signin/${k}`, {})).status, 403);
	assert.equal((await W.staff1.post('/learning/signin/0123456789abcdef0123456789abcdef', {})).status, 404);
	assert.equal(JSON.stringify(att(srv, s.id)), before, 'nothing changed');
	// without the CSRF token: refused
	assert.equal((await W.staff2.post(`/learning/signin/${k}`, {}, { csrf: false })).status, 403);
	// tomorrow: not open yet; yesterday: closed
	const later = await session({ starts_at: NOW() + DAY, ends_at: NOW() + DAY + HOUR });
	const r1 = await W.staff2.post(`/learning/signin/${key(srv, later.id)}`, {});
	assert.equal(r1.status, 422);
	assert.ok(r1.text.includes(msgHtml('learn_signin_not_open', 'en')));
	const past = await session({ starts_at: NOW() - DAY - HOUR, ends_at: NOW() - DAY });
	const r2 = await W.staff2.post(`/learning/signin/${key(srv, past.id)}`, {});
	assert.equal(r2.status, 422);
	assert.ok(r2.text.includes(msgHtml('learn_signin_closed', 'en')));
	assert.ok(att(srv, later.id).every((x) => x[1] === ''));
	assert.ok(att(srv, past.id).every((x) => x[1] === ''));
	// signed out: the one-time code's form (tests/http/learning_signin.test.js)
	const anon = ctx.srv.client();
	const a = await anon.get(`/learning/signin/${k}`);
	assert.equal(a.status, 200);
	assert.match(a.text, /name="code"/);
});

test('the clerk takes attendance on one form; excused needs a reason; the rate shows; only the unit\'s clerks may', async () => {
	await setup();
	const { srv } = ctx;
	const s = await session({ starts_at: NOW() - 2 * DAY, ends_at: NOW() - 2 * DAY + 2 * HOUR });
	const rows = srv.sql(`SELECT id, person_id FROM learning_attendance WHERE session_id = ${s.id}`);
	const idOf = (p) => rows.find((x) => Number(x[1]) === p)[0];
	const page = await W.ua1.get(`/learning/sessions/${s.id}/attendance`);
	assert.equal(page.status, 200);
	const form = {
		[`s${idOf(P.leader.id)}`]: 'present',
		[`s${idOf(P.staff1.id)}`]: 'late',
		[`s${idOf(P.staff2.id)}`]: 'excused',
		[`s${idOf(P.staff3.id)}`]: 'absent',
	};
	const noReason = await W.ua1.post(`/learning/sessions/${s.id}/attendance`, form);
	assert.equal(noReason.status, 422);
	assert.ok(noReason.text.includes(msgHtml('learn_reason_needed', 'en')));
	assert.ok(att(srv, s.id).every((x) => x[1] === ''), 'nothing saved');
	const bad = await W.ua1.post(`/learning/sessions/${s.id}/attendance`, { ...form, [`e${idOf(P.staff2.id)}`]: 'ill', [`s${idOf(P.staff3.id)}`]: 'asleep' });
	assert.equal(bad.status, 422);
	const ok = await W.ua1.post(`/learning/sessions/${s.id}/attendance`, { ...form, [`e${idOf(P.staff2.id)}`]: 'ill' });
	assert.equal(ok.status, 303, ok.text.slice(0, 500));
	assert.deepEqual(att(srv, s.id).map((x) => x[1]).sort(), ['absent', 'excused', 'late', 'present']);
	assert.equal(att(srv, s.id).find((x) => x[0] === P.staff2.id)[2], 'ill');
	const detail = await W.ua1.get(`/r/study_sessions/${s.id}`);
	assert.match(detail.text, /id="attendance-rate">50\.0 %</);
	// others may not
	for (const who of ['staff1', 'leader', 'ua2', 'outsider']) {
		const r = await W[who].get(`/learning/sessions/${s.id}/attendance`);
		assert.ok([403, 404].includes(r.status), `${who}: ${r.status}`);
		const p = await W[who].post(`/learning/sessions/${s.id}/attendance`, { [`s${idOf(P.staff3.id)}`]: 'present' });
		assert.ok([403, 404].includes(p.status), `${who} POST: ${p.status}`);
	}
	assert.equal(att(srv, s.id).find((x) => x[0] === P.staff3.id)[1], 'absent');
	const qr = await W.ua1.get(`/learning/sessions/${s.id}/qr`);
	assert.equal(qr.status, 200);
	assert.ok(qr.text.includes(`/learning/signin/${key(srv, s.id)}`));
	assert.match(qr.text, /<div class="learn-qr-code" id="qr"><svg[^>]*>[\s\S]*<path[^>]* d="M[^"]{200,}"/, 'the QR code is drawn');
	assert.ok([403, 404].includes((await W.staff1.get(`/learning/sessions/${s.id}/qr`)).status));
});

test('recurring sessions: every Friday across National Day 2025, the holiday Friday skipped, no make-up Saturday', async () => {
	await setup();
	const { srv } = ctx;
	const plan = await create(C.admin, 'study_plans', { title: '2025 study plan', unit_id: O.S2, year: 2025 });
	const form = { plan_id: plan.id, unit_id: O.S2, topic: 'Friday study day', speaker: 'Office', start_time: '14:30', end_time: '16:30', audience: 'all', weekday: '5', from: '2025-09-15', to: '2025-10-31' };
	const r = await W.ua2.post('/learning/sessions/repeat', form);
	assert.equal(r.status, 303, r.text.slice(0, 800));
	const days = srv.sql(`SELECT held_on FROM study_sessions WHERE plan_id = ${plan.id} ORDER BY held_on`).map((x) => x[0]);
	assert.deepEqual(days, ['2025-09-19', '2025-09-26', '2025-10-10', '2025-10-17', '2025-10-24', '2025-10-31']);
	const first = srv.sql(`SELECT starts_at, ends_at FROM study_sessions WHERE plan_id = ${plan.id} ORDER BY held_on LIMIT 1`)[0].map(Number);
	assert.deepEqual(first, [Date.UTC(2025, 8, 19, 6, 30) / 1000, Date.UTC(2025, 8, 19, 8, 30) / 1000], '14:30–16:30 in the server\'s zone');
	const keys = new Set(srv.sql(`SELECT signin_key FROM study_sessions WHERE plan_id = ${plan.id}`).map((x) => x[0]));
	assert.equal(keys.size, 6, 'each session its own key');
	// a unit clerk cannot plan for another unit; bad dates change nothing
	const other = await W.ua2.post('/learning/sessions/repeat', { ...form, plan_id: '', unit_id: O.S1 });
	assert.equal(other.status, 422);
	const badDates = await W.ua2.post('/learning/sessions/repeat', { ...form, from: '2025-10-31', to: '2025-09-15' });
	assert.equal(badDates.status, 422);
	const uncovered = await W.ua2.post('/learning/sessions/repeat', { ...form, from: '2027-01-01', to: '2027-02-01' });
	assert.equal(uncovered.status, 422);
	assert.equal(srv.sql(`SELECT count(*) FROM study_sessions WHERE plan_id = ${plan.id}`)[0][0], '6');
	assert.equal((await W.staff1.post('/learning/sessions/repeat', form)).status, 403);
});

async function programme() {
	const g = await create(C.office, 'learning_programmes', { code: 'five_ones', name: '五個一', applies_to: 'leaders', unit_id: O.B, year: 2026, due_on: '2026-12-31' });
	await create(C.office, 'programme_tasks', { programme_id: g.id, position: 1, title: '蹲好一個點' });
	await create(C.office, 'programme_tasks', { programme_id: g.id, position: 2, title: '撰寫一篇論文' });
	return g;
}

test('"five ones": the office gives the checklists; the leader submits with a file; the office accepts or sends back; every role tried', async () => {
	await setup();
	const { srv } = ctx;
	const g = await programme();
	assert.equal((await W.ua1.post(`/learning/programmes/${g.id}/assign`, {})).status, 403);
	const a = await W.office.post(`/learning/programmes/${g.id}/assign`, {});
	assert.equal(a.status, 303);
	const items = srv.sql(`SELECT id, person_id, state FROM programme_items WHERE programme_id = ${g.id} ORDER BY id`);
	assert.equal(items.length, 2, 'two tasks for the one leader');
	assert.ok(items.every((x) => Number(x[1]) === P.leader.id && x[2] === 'open'));
	assert.equal((await W.office.post(`/learning/programmes/${g.id}/assign`, {})).status, 303);
	assert.equal(srv.sql(`SELECT count(*) FROM programme_items WHERE programme_id = ${g.id}`)[0][0], '2', 'not given twice');
	const [i1, i2] = items.map((x) => Number(x[0]));
	assert.ok((await W.leader.get('/')).text.includes(msgHtml('learn_tile_mine', 'en')), 'the leader\'s home shows their tasks');
	assert.ok(!(await W.staff1.get('/')).text.includes(msgHtml('learn_tile_mine', 'en')), 'not to someone without any');
	const step = (who, id, name, body = {}) => call(C[who], 'POST', `/api/v1/programme_items/${id}/transitions/${name}`, body);
	// submit: only the leader themselves
	for (const who of ['admin', 'office', 'ua1', 'staff1', 'outsider']) {
		const r = await step(who, i1, 'submit', { evidence: 'done' });
		assert.ok([403, 404].includes(r.status), `${who} submit: ${r.status}`);
	}
	// evidence is needed, at most 2,000 characters
	assert.equal((await step('leader', i1, 'submit', {})).status, 422);
	assert.equal((await step('leader', i1, 'submit', { evidence: '字'.repeat(2001) })).status, 422);
	assert.equal((await step('leader', i1, 'submit', { evidence: 'ok', link: 'javascript:alert(1)' })).status, 422);
	// an HTML file is refused by its content
	const fd = new FormData();
	fd.append('_csrf', await W.leader.csrfToken());
	fd.append('evidence', '蹲點三個月');
	fd.append('files', new Blob([HTML], { type: 'application/pdf' }), 'report.pdf');
	const bad = await W.leader.request('POST', `/r/programme_items/${i1}/t/submit`, { body: fd });
	assert.equal(bad.status, 415);
	assert.equal(srv.sql(`SELECT state FROM programme_items WHERE id = ${i1}`)[0][0], 'open');
	const fd2 = new FormData();
	fd2.append('_csrf', await W.leader.csrfToken());
	fd2.append('evidence', '蹲點三個月，解決了窗口排隊問題。');
	fd2.append('link', '/r/learning_papers/1');
	fd2.append('files', new Blob([PDF], { type: 'application/pdf' }), 'report.pdf');
	const ok = await W.leader.request('POST', `/r/programme_items/${i1}/t/submit`, { body: fd2 });
	assert.equal(ok.status, 303, ok.text.slice(0, 600));
	assert.equal(srv.sql(`SELECT state FROM programme_items WHERE id = ${i1}`)[0][0], 'submitted');
	assert.equal(srv.sql(`SELECT count(*) FROM files WHERE record_type = 'programme_items' AND record_id = ${i1}`)[0][0], '1');
	// review: only the office side
	for (const who of ['leader', 'ua1', 'staff1', 'ua2']) {
		for (const name of ['accept', 'return']) {
			const r = await step(who, i1, name, { reason: 'x' });
			assert.ok([403, 404].includes(r.status), `${who} ${name}: ${r.status}`);
		}
	}
	assert.equal((await step('office', i1, 'return', {})).status, 422, 'a reason is needed');
	assert.equal((await step('office', i1, 'return', { reason: '請補充照片' })).status, 200);
	assert.equal((await step('office', i1, 'accept')).status, 409, 'not from returned');
	assert.equal((await step('leader', i1, 'submit', { evidence: '已補充' })).status, 200);
	assert.equal((await step('admin', i1, 'accept', { note: '好' })).status, 200);
	assert.equal((await step('leader', i1, 'submit', { evidence: 'again' })).status, 409, 'accepted is final');
	// the leader's inbox heard of it
	assert.ok(Number(srv.sql(`SELECT count(*) FROM notifications WHERE user_id = ${U.leader.id}`)[0][0]) >= 2);
	// the leader sees their own items only; staff none of them
	assert.equal((await C.leader.get(`/api/v1/programme_items/${i2}`)).status, 200);
	assert.ok([403, 404].includes((await C.staff1.get(`/api/v1/programme_items/${i2}`)).status));
	// the office may give one by hand; a task of another programme is refused; the leader may not
	assert.equal((await call(C.office, 'POST', '/api/v1/programme_items', {})).status, 422);
	const other = await create(C.office, 'learning_programmes', { code: 'three_ones', name: '三個一', applies_to: 'staff', unit_id: O.B, year: 2026 });
	const t3 = await create(C.office, 'programme_tasks', { programme_id: other.id, position: 1, title: '一次專題調研' });
	assert.equal((await call(C.office, 'POST', '/api/v1/programme_items', { programme_id: g.id, task_id: t3.id, person_id: P.staff1.id })).status, 422);
	assert.ok([403, 404].includes((await call(C.leader, 'POST', '/api/v1/programme_items', { programme_id: other.id, task_id: t3.id, person_id: P.leader.id })).status));
	const byHand = await create(C.office, 'programme_items', { programme_id: other.id, task_id: t3.id, person_id: P.staff1.id });
	assert.deepEqual([byHand.title, byHand.unit_id, byHand.year, byHand.state], ['一次專題調研', O.S1, 2026, 'open']);
	assert.equal((await C.staff1.get(`/api/v1/programme_items/${byHand.id}`)).status, 200, 'the person reads their own');
	const page = await W.office.get(`/r/learning_programmes/${g.id}`);
	assert.match(page.text, /id="completion-rate">50\.0 %</);
});

test('training: capacity, one enrolment each, a certificate code on completion; the public page shows only name, course and date', async () => {
	await setup();
	const { srv } = ctx;
	const c = await create(C.admin, 'training_courses', { title: '行政執法培訓班', kind: 'internal', category: 'law_enforcement', unit_id: O.B, date_from: '2026-03-02', date_to: '2026-03-04', hours: 24, organizer: '法規科', capacity: 2 });
	const e1 = await create(C.admin, 'training_enrolments', { course_id: c.id, person_id: P.staff1.id, status: 'completed', score: 92 });
	assert.match(e1.cert_code, /^[A-HJ-NP-Z2-79]{12}$/);
	assert.equal(e1.completed_on, '2026-03-04');
	assert.equal(e1.unit_id, O.S1);
	assert.equal((await call(C.admin, 'POST', '/api/v1/training_enrolments', { course_id: c.id, person_id: P.staff1.id })).status, 422, 'twice');
	await create(C.admin, 'training_enrolments', { course_id: c.id, person_id: P.staff2.id });
	assert.equal((await call(C.admin, 'POST', '/api/v1/training_enrolments', { course_id: c.id, person_id: P.staff3.id })).status, 422, 'full');
	const anon = srv.client({ headers: { 'Accept-Language': 'en' } });
	const v = await anon.get(`/verify/${e1.cert_code}`);
	assert.equal(v.status, 200);
	assert.ok(v.text.includes(msgHtml('learn_genuine', 'en')));
	const cert = /<section class="card learn-cert" id="certificate">([\s\S]*?)<\/section>/.exec(v.text)[1];
	const values = [...cert.matchAll(/<dd[^>]*>([^<]*)<\/dd>/g)].map((x) => x[1]);
	assert.deepEqual(values, ['王一', '行政執法培訓班', '2026-03-04', e1.cert_code]);
	for (const secret of ['92.0', msgHtml('learn_score', 'en'), 'Secondary one', 'LS1', '法規科']) assert.ok(!v.text.includes(secret), `the page does not show ${secret}`);
	const lower = await anon.get(`/verify?code=${e1.cert_code.toLowerCase().slice(0, 4)}-${e1.cert_code.slice(4)}`);
	assert.equal(lower.status, 200, 'typed in lower case with a dash');
	const no = await anon.get('/verify/AAAAAAAAAAAA');
	assert.equal(no.status, 404);
	assert.ok(no.text.includes(msgHtml('learn_not_genuine', 'en')));
	assert.equal((await anon.get('/verify/%3Cscript%3E')).status, 404);
	assert.equal((await anon.get('/verify')).status, 200);
});

test('training: the certificate PDF is for the holder, their unit\'s clerk and the office; audited; linked from the enrolment and the person', async () => {
	await setup();
	const { srv } = ctx;
	// a course of an earlier year: this year's statistics (the next test) stay as they are
	const c = await create(C.admin, 'training_courses', { title: '文明服務禮儀培訓', kind: 'internal', category: 'professional', unit_id: O.B, date_from: '2025-05-11', date_to: '2025-05-13', hours: 16, organizer: '人事科' });
	const e = await create(C.admin, 'training_enrolments', { course_id: c.id, person_id: P.staff1.id, status: 'completed' });
	const url = `/learning/certificates/${e.cert_code}.pdf`;
	const audits = () => Number(srv.sql(`SELECT count(*) FROM audit WHERE action = 'export' AND entity = 'training_enrolments' AND entity_id = '${e.id}'`)[0][0]);
	const text = (bytes) => {
		const f = path.join(os.tmpdir(), `wenming-cert-${process.pid}.pdf`);
		fs.writeFileSync(f, bytes);
		try {
			return execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
		} finally {
			fs.unlinkSync(f);
		}
	};
	// the holder, in their language (English here)
	const mine = await getBytes(W.staff1, url);
	assert.equal(mine.status, 200);
	assert.equal(mine.headers.get('content-type'), 'application/pdf');
	assert.match(mine.headers.get('content-disposition'), new RegExp(`attachment; filename="certificate-${e.cert_code}\\.pdf"`));
	assert.equal(mine.bytes.subarray(0, 5).toString(), '%PDF-');
	const t = text(mine.bytes);
	for (const want of ['王一', '文明服務禮儀培訓', e.cert_code, msg('learn_cert_title', 'en'), '人事科', '2025-05-11 – 2025-05-13', `/verify/${e.cert_code}`])
		assert.ok(t.includes(want), `the certificate shows ${want}:\n${t}`);
	assert.equal(audits(), 1, 'the download is audited');
	// the office and the unit's clerk; fixed text in the viewer's language
	const zh = await srv.signIn(U.office.name, U.office.password);
	const o = await getBytes(zh, url);
	assert.equal(o.status, 200);
	assert.ok(text(o.bytes).includes(msg('learn_cert_title', 'zh-Hant')));
	assert.equal((await getBytes(W.ua1, url)).status, 200);
	assert.equal(audits(), 3);
	// nobody else: another unit's clerk, a colleague, an outsider, a leader who only reads
	for (const k of ['ua2', 'staff2', 'outsider', 'leader', 'staff3'])
		assert.equal((await getBytes(W[k], url)).status, 403, k);
	const anon = await getBytes(srv.client(), url);
	assert.ok([302, 303, 401].includes(anon.status), `without signing in: ${anon.status}`);
	assert.equal(audits(), 3, 'refusals leave no export entry');
	assert.equal((await getBytes(W.office, '/learning/certificates/AAAAAAAAAAAA.pdf')).status, 404);
	assert.equal((await getBytes(W.office, `/learning/certificates/${e.cert_code}`)).status, 404, 'without .pdf');
	const pending = await create(C.admin, 'training_enrolments', { course_id: c.id, person_id: P.staff2.id });
	assert.equal(pending.cert_code ?? null, null, 'no certificate before completion');
	// the links: on the enrolment's page and on the holder's own page
	const ep = await W.staff1.get(`/r/training_enrolments/${e.id}`);
	assert.ok(ep.text.includes(`href="${url}"`), 'the enrolment page links the PDF');
	const pp = await W.staff1.get(`/r/people/${P.staff1.id}`);
	const sec = /<section class="card" id="certificates">([\s\S]*?)<\/section>/.exec(pp.text)?.[1] ?? '';
	assert.ok(sec.includes(`href="${url}"`) && sec.includes('文明服務禮儀培訓'), 'the person page lists the certificate');
	const other = await W.staff2.get(`/r/training_enrolments/${e.id}`);
	assert.ok(!other.text.includes(url), 'no link for who may not download it');
	// the public page still shows only name, course, date and code
	const v = await srv.client().get(`/verify/${e.cert_code}`);
	const values = [...(/id="certificate">([\s\S]*?)<\/section>/.exec(v.text)[1]).matchAll(/<dd[^>]*>([^<]*)<\/dd>/g)].map((x) => x[1]);
	assert.deepEqual(values, ['王一', '文明服務禮儀培訓', '2025-05-13', e.cert_code]);
	assert.ok(!v.text.includes(url) && !v.text.includes('人事科'));
});

test('statistics: attendance, training and programmes from the records; the workbook; bad input', async () => {
	await setup();
	const { srv } = ctx;
	const r = await W.office.get(`/learning/stats?unit=${O.S1}&from=2026-01-01&to=${day(0)}`);
	assert.equal(r.status, 200);
	const tile = (id) => new RegExp(`id="${id}">([^<]*)<`).exec(r.text)[1];
	const rows = srv.sql(`SELECT count(*), sum(CASE WHEN a.status IN ('present','late') THEN 1 ELSE 0 END) FROM learning_attendance a JOIN study_sessions s ON s.id = a.session_id WHERE s.archived = 0 AND s.held_on >= '2026-01-01' AND s.held_on <= '${day(0)}'`)[0];
	assert.equal(tile('required'), rows[0]);
	assert.equal(tile('attended'), rows[1]);
	assert.equal(tile('trained-people'), '1');
	assert.equal(tile('training-hours'), '24.0');
	const x = await getBytes(W.office, `/learning/stats?unit=${O.S1}&from=2026-01-01&to=${day(0)}&format=xlsx`);
	assert.equal(x.status, 200);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(x.bytes);
	assert.equal(wb.worksheets.length, 3);
	assert.equal((await W.office.get('/learning/stats?from=2026-13-01')).status, 400);
	assert.equal((await W.office.get('/learning/stats?unit=abc')).status, 400);
	assert.equal((await W.office.get('/learning/stats?format=pdf')).status, 400);
	assert.equal((await W.ua2.get(`/learning/stats?unit=${O.S1}`)).status, 403);
	// the sub-units' rows: each counts its own subtree
	const top = await W.office.get(`/learning/stats?unit=${O.B}&from=2026-01-01&to=${day(0)}`);
	for (const u of [O.S1, O.S2]) {
		const want = srv.sql(`SELECT count(*) FROM learning_attendance a JOIN study_sessions s ON s.id = a.session_id WHERE s.archived = 0 AND s.held_on >= '2026-01-01' AND s.held_on <= '${day(0)}' AND a.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ${u})`)[0][0];
		const got = new RegExp(`unit=${u}&amp;[^"]*">[^<]*</a></td><td class="num" data-label="[^"]*">(\\d+)<`).exec(top.text)?.[1];
		assert.equal(got ?? '0', want, `unit ${u}`);
	}
	// a person's page: their own figures of the year
	const year = day(0).slice(0, 4);
	const mine = srv.sql(`SELECT count(*) FROM learning_attendance a JOIN study_sessions s ON s.id = a.session_id WHERE a.person_id = ${P.staff3.id} AND s.archived = 0 AND s.held_on >= '${year}-01-01' AND s.held_on <= '${day(0)}'`)[0][0];
	const person = await W.office.get(`/r/people/${P.staff3.id}`);
	assert.equal(/id="p-required">([^<]*)</.exec(person.text)?.[1], mine);
});

test('the module\'s pages are valid HTML (html-validate), an error answer included', async () => {
	await setup();
	const { srv } = ctx;
	const { HtmlValidate } = require('html-validate');
	const validator = new HtmlValidate({ extends: ['html-validate:standard'], rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' } });
	const s = await session();
	const k = key(srv, s.id);
	const g = (await call(C.office, 'GET', '/api/v1/learning_programmes')).json().data[0];
	const e = srv.sql("SELECT cert_code FROM training_enrolments WHERE cert_code IS NOT NULL LIMIT 1")[0][0];
	const pages = [
		[W.ua1, `/r/study_sessions/${s.id}`], [W.ua1, `/learning/sessions/${s.id}/attendance`], [W.ua1, `/learning/sessions/${s.id}/qr`],
		[W.ua1, '/learning/sessions/repeat'], [W.staff3, `/learning/signin/${k}`], [W.office, '/learning/stats'],
		[W.office, `/r/learning_programmes/${g.id}`], [W.office, '/r/programme_items'], [W.office, '/r/training_courses'],
		[srv.client(), `/verify/${e}`], [srv.client(), '/verify/AAAAAAAAAAAA'], [srv.client(), '/verify'],
		[W.staff1, `/r/people/${P.staff1.id}`], [W.ua1, `/r/training_enrolments/${srv.sql(`SELECT id FROM training_enrolments WHERE cert_code = '${e}'`)[0][0]}`],
	];
	const found = [];
	for (const [c, p] of pages) {
		const r = await c.get(p);
		assert.ok([200, 404].includes(r.status), `${p}: ${r.status}`);
		const report = await validator.validateString(r.text);
		found.push(...report.results.flatMap((x) => x.messages).map((m) => `${p}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
	}
	const refused = await W.ua2.post('/learning/sessions/repeat', { unit_id: O.S2, topic: '', weekday: '5', from: '2025-10-31', to: '2025-09-01' });
	assert.equal(refused.status, 422);
	found.push(...(await validator.validateString(refused.text)).results.flatMap((x) => x.messages).map((m) => `repeat 422:${m.line} ${m.ruleId}: ${m.message}`));
	assert.deepEqual(found, []);
});
