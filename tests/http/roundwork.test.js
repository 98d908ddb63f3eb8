'use strict';
// Round work (src/assessment/selfassess.c, review.c, appeal.c, pack.c):
// a unit's clerk writes its self-assessment per leaf (at most 500
// characters, counted as characters; links inside the application;
// evidence files checked by content) until it submits or the round moves
// on; the office scores the manual leaves in review through
// assess_score_set (the unit's total follows); in the appeal window a
// clerk appeals one leaf (one open appeal per leaf; a late one refused in
// words), the office upholds with new points or rejects, the unit is told
// in its inbox; the evidence pack is a ZIP with index.html and the files,
// for the office and the unit only, audited as an export. The round and
// its scores are written with SQL so that states and dates are fixed.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const { api, org, getBytes } = require('./records_lib');
const { HtmlValidate } = require('html-validate');

const ctx = serverPerFile();
let O, W, U, SYS, RD, L;

const sql = (q) => ctx.srv.sql(q).map((r) => r.map((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)));
const one = (q) => sql(q)[0]?.[0];

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(td) >>> 0 : crc32(td));
	return Buffer.concat([len, td, crc]);
}
function crc32(buf) {
	let c = ~0;
	for (const b of buf) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c >>> 0;
}
function png(w, h) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const raw = Buffer.alloc((w * 3 + 1) * h, 255);
	for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function setup() {
	if (O) return;
	const { srv } = ctx;
	O = await org(api(srv), 'R');
	U = {
		office: srv.createUser('r_office', 'office'),
		ua1: srv.createUser('r_ua1', 'unit_admin', O.S1),
		ua2: srv.createUser('r_ua2', 'unit_admin', O.S2),
		lead1: srv.createUser('r_lead1', 'leader', O.S1),
		lead0: srv.createUser('r_lead0', 'leader'),
		staff1: srv.createUser('r_staff1', 'staff', O.S1),
	};
	W = {};
	for (const k of Object.keys(U)) W[k] = await srv.signIn(U[k].name, U[k].password, { headers: { 'Accept-Language': 'en' } });
	SYS = one(`INSERT INTO assess_systems (year, version, name, state, total_points, created_at) VALUES (2032, 1, 'RW system', 'in_use', 100, 0) RETURNING id`);
	const ind = (parent, level, pos, name, max, method, metric = '', per = 0) =>
		one(`INSERT INTO assess_indicators (system_id, parent_id, level, position, name, max_points, method, metric, per_event, standard) VALUES (${SYS}, ${parent ?? 'NULL'}, ${level}, ${pos}, '${name}', ${max}, '${method}', '${metric}', ${per}, 'Standard of ${name}') RETURNING id`);
	const top = ind(null, 1, 1, 'Organization', 0, 'manual');
	L = {
		plan: ind(top, 2, 1, 'Plan', 10, 'manual'),
		vol: ind(top, 2, 2, 'Volunteers', 10, 'manual'),
		overdue: ind(top, 2, 3, 'Overdue', 5, 'deduction', 'overdue_cases', 1),
		veto: ind(null, 1, 2, 'Veto', 0, 'veto'),
	};
	RD = one(`INSERT INTO assess_rounds (system_id, kind, name, period_from, period_to, self_due, appeal_days, state, created_at) VALUES (${SYS}, 'year_end', 'RW round 2032', '2032-01-01', '2032-12-31', '2999-12-31', 5, 'open', 0) RETURNING id`);
	for (const u of [O.S1, O.S2]) {
		sql(`INSERT INTO assess_round_units (round_id, unit_id, unit_kind, own_total, total, max_total) VALUES (${RD}, ${u}, 'secondary', 3, 3, 25)`);
		sql(`INSERT INTO assess_round_scores (round_id, unit_id, indicator_id, max_points, points, source, explanation) VALUES (${RD}, ${u}, ${L.plan}, 10, NULL, 'manual', 'manual'), (${RD}, ${u}, ${L.vol}, 10, NULL, 'manual', 'manual'), (${RD}, ${u}, ${L.overdue}, 5, 3, 'auto', 'deduction|overdue_cases|2|1')`);
	}
	sql(`INSERT INTO assess_round_records (round_id, unit_id, metric, path, title, day) VALUES (${RD}, ${O.S1}, 'overdue_cases', '/r/cases/77', 'Overdue case seventy-seven', '2032-05-01')`);
}

const setRound = (fields) => sql(`UPDATE assess_rounds SET ${Object.entries(fields).map(([k, v]) => `${k} = ${v === null ? 'NULL' : `'${v}'`}`).join(', ')} WHERE id = ${RD}`);
// (one text a line: links are read alone, their lines joined again)
const selfRow = (unit, leaf) => {
	const t = sql(`SELECT text FROM assess_self WHERE round_id = ${RD} AND unit_id = ${unit} AND indicator_id = ${leaf}`)[0];
	return t && [t[0], ctx.srv.sql(`SELECT links FROM assess_self WHERE round_id = ${RD} AND unit_id = ${unit} AND indicator_id = ${leaf}`).map((r) => r[0]).join('\n')];
};

async function saveSelf(w, unit, leaf, fields, files = []) {
	const fd = new FormData();
	fd.append('_csrf', await w.csrfToken());
	fd.append('unit', String(unit));
	fd.append('indicator', String(leaf));
	for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) fd.append(k, String(x));
	for (const [bytes, name, type] of files) fd.append('evidence', new Blob([bytes], { type }), name);
	return w.request('POST', `/assessment/rounds/${RD}/self`, { body: fd });
}

test('self-assessment: the clerk writes per leaf; 500 characters pass, 501 are refused and nothing is saved', async () => {
	await setup();
	const page = await W.ua1.get(`/assessment/rounds/${RD}/self?unit=${O.S1}`);
	assert.equal(page.status, 200);
	for (const n of ['Plan', 'Volunteers', 'Overdue']) assert.ok(page.text.includes(n), n);
	assert.ok(!page.text.includes(`data-indicator="${L.veto}"`), 'no self-assessment of a veto');
	assert.match(page.text, /enctype="multipart\/form-data"/);

	const full = '文'.repeat(500); // 1,500 bytes, 500 characters
	let r = await saveSelf(W.ua1, O.S1, L.plan, { text: full, links: ' /r/cases/77 \n\n/cases/stats ' });
	assert.equal(r.status, 303, r.text.slice(0, 500));
	assert.deepEqual(selfRow(O.S1, L.plan), [full, '/r/cases/77\n/cases/stats']);

	r = await saveSelf(W.ua1, O.S1, L.plan, { text: '文'.repeat(501) });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('rw_self_too_long', 'en')));
	assert.deepEqual(selfRow(O.S1, L.plan), [full, '/r/cases/77\n/cases/stats'], 'nothing saved');

	for (const bad of ['https://evil.example/x', '//evil.example/x', 'cases/1', Array.from({ length: 11 }, (_, i) => `/cases/${i}`).join('\n')]) {
		r = await saveSelf(W.ua1, O.S1, L.vol, { text: 'x', links: bad });
		assert.equal(r.status, 422, bad);
		assert.ok(r.text.includes(msgHtml('rw_bad_links', 'en')), bad);
	}
	assert.equal(selfRow(O.S1, L.vol), undefined);

	// a leaf that does not apply (the veto) or of another system
	r = await saveSelf(W.ua1, O.S1, L.veto, { text: 'x' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('rw_no_leaf', 'en')));
});

test('evidence: checked by content, stored in the file store, served to the unit and the office only', async () => {
	await setup();
	let r = await saveSelf(W.ua1, O.S1, L.vol, { text: 'Volunteer days every month.' }, [[Buffer.from('<html><script>x</script></html>'), 'photo.png', 'image/png']]);
	assert.equal(r.status, 415);
	assert.equal(selfRow(O.S1, L.vol), undefined, 'nothing saved');
	const img = png(40, 30);
	r = await saveSelf(W.ua1, O.S1, L.vol, { text: 'Volunteer days every month.' }, [[img, '志願服務.png', 'image/png']]);
	assert.equal(r.status, 303, r.text.slice(0, 400));
	const selfId = one(`SELECT id FROM assess_self WHERE round_id = ${RD} AND unit_id = ${O.S1} AND indicator_id = ${L.vol}`);
	const files = sql(`SELECT id, name, mime FROM files WHERE record_type = 'assess_self' AND record_id = ${selfId}`);
	assert.equal(files.length, 1);
	assert.deepEqual(files[0].slice(1), ['志願服務.png', 'image/png']);
	const url = `/assessment/rounds/${RD}/units/${O.S1}/files/${files[0][0]}`;
	const page = await W.ua1.get(`/assessment/rounds/${RD}/self?unit=${O.S1}`);
	assert.ok(page.text.includes(`href="${url}"`));
	for (const [who, status] of [['ua1', 200], ['office', 200], ['lead1', 200], ['ua2', 404], ['staff1', 404]]) {
		const g = await getBytes(W[who], url);
		assert.equal(g.status, status, who);
		if (status === 200) {
			assert.ok(g.bytes.equals(img), who);
			assert.match(g.headers.get('content-security-policy') || '', /sandbox/);
		}
	}
	// a file of another unit's round work is not reachable through S2's path
	assert.equal((await getBytes(W.office, `/assessment/rounds/${RD}/units/${O.S2}/files/${files[0][0]}`)).status, 404);
	// removed with its box
	r = await saveSelf(W.ua1, O.S1, L.vol, { text: 'Volunteer days every month.', remove: files[0][0] }, [[img, 'second.png', 'image/png']]);
	assert.equal(r.status, 303);
	assert.deepEqual(sql(`SELECT name FROM files WHERE record_type = 'assess_self' AND record_id = ${selfId}`), [['second.png']]);
	assert.ok(one(`SELECT COUNT(*) FROM audit WHERE action = 'assessment_self_save' AND entity_id = '${selfId}'`) >= 2);
});

test('self-assessment roles: the unit\'s clerks write, others are refused; the office sees who submitted', async () => {
	await setup();
	// an organization-wide leader speaks for the bureau, not for each unit
	for (const who of ['ua2', 'staff1', 'office', 'lead0']) {
		const r = await saveSelf(W[who], O.S1, L.plan, { text: `by ${who}` });
		assert.equal(r.status, 403, who);
	}
	assert.notEqual(selfRow(O.S1, L.plan)[0].slice(0, 3), 'by ');
	assert.equal((await W.staff1.get(`/assessment/rounds/${RD}/self?unit=${O.S1}`)).status, 403);
	assert.equal((await W.ua2.get(`/assessment/rounds/${RD}/self?unit=${O.S1}`)).status, 403);
	// a leader of the unit is its clerk too
	const r = await saveSelf(W.lead1, O.S1, L.plan, { text: '年度計畫已印發。' });
	assert.equal(r.status, 303);
	assert.equal(selfRow(O.S1, L.plan)[0], '年度計畫已印發。');
	// a unit outside the round
	assert.equal((await W.office.get(`/assessment/rounds/${RD}/self?unit=${O.D1}`)).status, 404);
	assert.equal((await W.office.get(`/assessment/rounds/999999/self`)).status, 404);

	// submit: then nothing changes
	let s = await W.ua1.post(`/assessment/rounds/${RD}/self/submit`, { unit: O.S1 });
	assert.equal(s.status, 303);
	s = await saveSelf(W.ua1, O.S1, L.plan, { text: 'changed after' });
	assert.equal(s.status, 409);
	assert.ok(s.text.includes(msgHtml('rw_already_submitted', 'en')));
	assert.equal(selfRow(O.S1, L.plan)[0], '年度計畫已印發。');
	assert.equal((await W.ua1.post(`/assessment/rounds/${RD}/self/submit`, { unit: O.S1 })).status, 409);
	assert.equal((await W.ua2.post(`/assessment/rounds/${RD}/self/submit`, { unit: O.S1 })).status, 403);

	const ov = await W.office.get(`/assessment/rounds/${RD}/self`);
	assert.equal(ov.status, 200);
	const row = (u) => new RegExp(`<tr data-unit="${u}">.*?</tr>`).exec(ov.text)[0];
	assert.ok(row(O.S1).includes(msgHtml('rw_submitted', 'en')) && row(O.S1).includes('badge-ok'));
	assert.ok(row(O.S2).includes(msgHtml('rw_not_submitted', 'en')));
	// a clerk sees only their units
	const ov2 = await W.ua2.get(`/assessment/rounds/${RD}/self`);
	assert.ok(ov2.text.includes(`data-unit="${O.S2}"`) && !ov2.text.includes(`data-unit="${O.S1}"`));
});

test('self-assessment after its day or in another state is refused in words, nothing saved', async () => {
	await setup();
	setRound({ self_due: '2000-01-31' });
	let r = await saveSelf(W.ua2, O.S2, L.plan, { text: 'late' });
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(`${msgHtml('rw_self_closed', 'en')}2000-01-31`));
	setRound({ self_due: '2999-12-31', state: 'review' });
	r = await saveSelf(W.ua2, O.S2, L.plan, { text: 'in review' });
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('rw_not_open', 'en')));
	assert.equal(selfRow(O.S2, L.plan), undefined);
	// the page shows the text, no form
	const p = await W.ua1.get(`/assessment/rounds/${RD}/self?unit=${O.S1}`);
	assert.ok(p.text.includes('年度計畫已印發。') && !p.text.includes('name="text"'));
});

const total = (u) => one(`SELECT total FROM assess_round_units WHERE round_id = ${RD} AND unit_id = ${u}`);
const score = (u, leaf) => sql(`SELECT points, source, comment FROM assess_round_scores WHERE round_id = ${RD} AND unit_id = ${u} AND indicator_id = ${leaf}`)[0];

test('review: the office scores a manual leaf beside the self-assessment; the total follows; others are refused', async () => {
	await setup();
	setRound({ state: 'review' });
	const p = await W.office.get(`/assessment/rounds/${RD}/review?unit=${O.S1}`);
	assert.equal(p.status, 200);
	assert.ok(p.text.includes('年度計畫已印發。'), 'the self-assessment beside the leaf');
	assert.ok(p.text.includes(`data-indicator="${L.plan}"`) && !p.text.includes(`data-indicator="${L.overdue}"`), 'manual leaves only');
	const before = total(O.S1);
	let r = await W.office.post(`/assessment/rounds/${RD}/review/score`, { unit: O.S1, indicator: L.plan, points: '11', comment: 'too many' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('rw_bad_points', 'en')));
	assert.deepEqual(score(O.S1, L.plan), ['', 'manual', '']);
	r = await W.office.post(`/assessment/rounds/${RD}/review/score`, { unit: O.S1, indicator: L.plan, points: '8', comment: 'Plan printed, no budget line.' });
	assert.equal(r.status, 303, r.text.slice(0, 400));
	assert.deepEqual(score(O.S1, L.plan), [8, 'manual', 'Plan printed, no budget line.']);
	assert.equal(total(O.S1), before + 8);
	r = await W.office.post(`/assessment/rounds/${RD}/review/score`, { unit: O.S1, indicator: L.vol, points: '6', comment: 'Some records.' });
	assert.equal(r.status, 303);
	assert.equal(total(O.S1), before + 14);
	assert.equal(one(`SELECT COUNT(*) FROM audit WHERE action = 'assessment_score_manual' AND entity_id = '${RD}'`), 2);
	for (const who of ['ua1', 'lead1', 'staff1']) {
		assert.equal((await W[who].post(`/assessment/rounds/${RD}/review/score`, { unit: O.S1, indicator: L.plan, points: '10' })).status, 403, who);
		assert.equal((await W[who].get(`/assessment/rounds/${RD}/review?unit=${O.S1}`)).status, 403, who);
	}
	// an automatic leaf is not scored by hand
	r = await W.office.post(`/assessment/rounds/${RD}/review/score`, { unit: O.S1, indicator: L.overdue, points: '5' });
	assert.equal(r.status, 422);
	assert.equal(score(O.S1, L.overdue)[0], 3);
	setRound({ state: 'open' });
	r = await W.office.post(`/assessment/rounds/${RD}/review/score`, { unit: O.S2, indicator: L.plan, points: '5' });
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('rw_not_review', 'en')));
	assert.equal(score(O.S2, L.plan)[0], '');
	setRound({ state: 'review' });
	r = await W.office.post(`/assessment/rounds/${RD}/review/score`, { unit: O.S2, indicator: L.plan, points: '7', comment: 'ok' });
	assert.equal(r.status, 303);
	r = await W.office.post(`/assessment/rounds/${RD}/review/score`, { unit: O.S2, indicator: L.vol, points: '7', comment: 'ok' });
	assert.equal(r.status, 303);
});

const fileAppeal = (w, unit, leaf, reason) => w.post(`/assessment/rounds/${RD}/appeals`, { unit, indicator: leaf, reason });
const appealsOf = (unit) => sql(`SELECT id, indicator_id, state, points_before, points_after FROM assess_appeals WHERE round_id = ${RD} AND unit_id = ${unit} ORDER BY id`);

test('appeals: within the window one open appeal per leaf; late ones and other roles are refused', async () => {
	await setup();
	setRound({ state: 'review' });
	let r = await fileAppeal(W.ua1, O.S1, L.plan, 'Not yet announced');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('rw_appeal_not_now', 'en')));
	setRound({ state: 'appeal', appeal_due: '2999-12-31' });
	const page = await W.ua1.get(`/assessment/rounds/${RD}/appeals?unit=${O.S1}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(`action="/assessment/rounds/${RD}/appeals"`));
	r = await fileAppeal(W.ua1, O.S1, L.plan, '');
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('rw_appeal_bad_reason', 'en')));
	r = await fileAppeal(W.ua1, O.S1, L.plan, '理'.repeat(501));
	assert.equal(r.status, 422);
	assert.deepEqual(appealsOf(O.S1), []);
	r = await fileAppeal(W.ua1, O.S1, L.plan, 'The budget line is on page 3 of the plan.');
	assert.equal(r.status, 303, r.text.slice(0, 400));
	r = await fileAppeal(W.ua1, O.S1, L.plan, 'Again');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('rw_appeal_open_exists', 'en')));
	r = await fileAppeal(W.lead1, O.S1, L.vol, '理'.repeat(500));
	assert.equal(r.status, 303);
	for (const who of ['ua2', 'staff1', 'office']) assert.equal((await fileAppeal(W[who], O.S1, L.overdue, 'x')).status, 403, who);
	assert.deepEqual(appealsOf(O.S1).map((a) => a.slice(1)), [[L.plan, 'submitted', 8, ''], [L.vol, 'submitted', 6, '']]);
	// the office is told
	assert.ok(one(`SELECT COUNT(*) FROM notifications WHERE user_id = ${U.office.id} AND kind = 'assessment.appeal_filed'`) >= 2);
	// late: the window closed yesterday or before
	setRound({ appeal_due: '2001-02-03' });
	r = await fileAppeal(W.ua2, O.S2, L.plan, 'Too late');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(`${msgHtml('rw_appeal_late', 'en')}2001-02-03`));
	assert.deepEqual(appealsOf(O.S2), []);
	setRound({ appeal_due: '2999-12-31' });
});

test('decisions: upheld changes the points through assess_score_set, rejected keeps them; the unit is told', async () => {
	await setup();
	const [plan, vol] = appealsOf(O.S1);
	const before = total(O.S1);
	const decide = (w, id, form) => w.post(`/assessment/rounds/${RD}/appeals/${id}/decide`, form);
	for (const who of ['ua1', 'lead1']) assert.equal((await decide(W[who], plan[0], { decision: 'upheld', points: '10', reason: 'x' })).status, 403);
	let r = await decide(W.office, plan[0], { decision: 'upheld', points: '12', reason: 'Over the maximum' });
	assert.equal(r.status, 422);
	r = await decide(W.office, plan[0], { decision: 'upheld', points: '9.5', reason: '' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('rw_decision_bad_reason', 'en')));
	assert.equal(appealsOf(O.S1)[0][2], 'submitted');
	const list = await W.office.get(`/assessment/rounds/${RD}/appeals`);
	assert.equal(list.status, 200);
	assert.ok(list.text.includes('The budget line is on page 3 of the plan.'));
	assert.ok(list.text.includes(`/appeals/${plan[0]}/decide`));

	r = await decide(W.office, plan[0], { decision: 'upheld', points: '9.5', reason: 'The budget line is there.' });
	assert.equal(r.status, 303, r.text.slice(0, 400));
	assert.deepEqual(score(O.S1, L.plan), [9.5, 'appeal', 'The budget line is there.']);
	assert.equal(total(O.S1), before + 1.5);
	r = await decide(W.office, vol[0], { decision: 'rejected', points: '', reason: 'No records of the volunteer days.' });
	assert.equal(r.status, 303);
	assert.deepEqual(score(O.S1, L.vol).slice(0, 2), [6, 'manual']);
	assert.equal(total(O.S1), before + 1.5);
	assert.deepEqual(appealsOf(O.S1).map((a) => a.slice(2)), [['upheld', 8, 9.5], ['rejected', 6, 6]]);
	// decided once
	r = await decide(W.office, plan[0], { decision: 'rejected', reason: 'again' });
	assert.equal(r.status, 409);
	assert.equal(one(`SELECT COUNT(*) FROM audit WHERE action = 'assessment_appeal_decide'`), 2);
	const notes = sql(`SELECT user_id, detail FROM notifications WHERE kind = 'assessment.appeal_decided' ORDER BY id`);
	assert.ok(notes.some(([u]) => u === U.ua1.id), 'the unit admin is told');
	assert.ok(!notes.some(([u]) => u === U.ua2.id), 'not another unit');
	// the unit page shows the decision; the next appeal of the leaf is possible again
	const p = await W.ua1.get(`/assessment/rounds/${RD}/appeals?unit=${O.S1}`);
	assert.ok(p.text.includes('No records of the volunteer days.'));
	assert.ok(p.text.includes(msgHtml('rw_appeal_state_upheld', 'en')));
});

test('the evidence pack: a ZIP with index.html and the files, for the office and the unit, audited', async () => {
	await setup();
	const url = `/assessment/rounds/${RD}/units/${O.S1}/pack.zip`;
	const g = await getBytes(W.ua1, url);
	assert.equal(g.status, 200);
	assert.equal(g.headers.get('content-type'), 'application/zip');
	assert.match(g.headers.get('content-disposition'), /attachment/);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-pack-'));
	const zip = path.join(dir, 'pack.zip');
	fs.writeFileSync(zip, g.bytes);
	const list = spawnSync('unzip', ['-l', zip], { encoding: 'utf8' });
	assert.equal(list.status, 0, list.stderr);
	assert.match(list.stdout, /index\.html/);
	assert.match(list.stdout, /evidence\/\d+-second\.png/);
	const index = spawnSync('unzip', ['-p', zip, 'index.html'], { encoding: 'utf8' }).stdout;
	for (const s of ['Plan', 'Volunteers', 'Overdue', '年度計畫已印發。', 'Volunteer days every month.', 'Overdue case seventy-seven', 'The budget line is there.']) assert.ok(index.includes(s), s);
	assert.match(index, /href="evidence\/\d+-second\.png"/);
	assert.match(index, /id="total">/);
	// the summary workbook: one row per indicator with its points and the self-assessment
	assert.match(list.stdout, /summary\.xlsx/);
	fs.writeFileSync(path.join(dir, 's.xlsx'), spawnSync('unzip', ['-p', zip, 'summary.xlsx']).stdout);
	const strings = spawnSync('unzip', ['-p', path.join(dir, 's.xlsx'), 'xl/sharedStrings.xml'], { encoding: 'utf8' }).stdout;
	for (const s of ['Organization · Plan', 'Volunteer days every month.', 'The budget line is there.']) assert.ok(strings.includes(s), s);
	const sheet = spawnSync('unzip', ['-p', path.join(dir, 's.xlsx'), 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' }).stdout;
	assert.match(sheet, /<v>9\.5<\/v>/, 'the upheld points');
	const png2 = spawnSync('unzip', ['-p', zip, list.stdout.match(/evidence\/\d+-second\.png/)[0]]);
	assert.equal(png2.stdout.subarray(0, 4).toString('hex'), '89504e47');
	fs.rmSync(dir, { recursive: true });

	assert.equal((await getBytes(W.office, url)).status, 200);
	assert.equal((await getBytes(W.ua2, url)).status, 403);
	assert.equal((await getBytes(W.office, `/assessment/rounds/${RD}/units/${O.D1}/pack.zip`)).status, 404);
	assert.ok(one(`SELECT COUNT(*) FROM audit WHERE action = 'export' AND entity = 'assess_round_units' AND entity_id = '${O.S1}'`) >= 2);
	// before the announcement only the office
	setRound({ state: 'review' });
	assert.equal((await getBytes(W.ua1, url)).status, 403);
	assert.equal((await getBytes(W.office, url)).status, 200);
	setRound({ state: 'appeal' });
});

test('pages answer in every language without a missing message, as valid HTML', async () => {
	await setup();
	const validator = new HtmlValidate({ extends: ['html-validate:standard'], rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' } });
	const found = [];
	for (const lang of ['zh-Hant', 'zh-Hans', 'en']) {
		const w = await ctx.srv.signIn(U.office.name, U.office.password, { headers: { 'Accept-Language': lang } });
		for (const p of [`/assessment/rounds/${RD}/self`, `/assessment/rounds/${RD}/self?unit=${O.S1}`, `/assessment/rounds/${RD}/review`, `/assessment/rounds/${RD}/review?unit=${O.S1}`, `/assessment/rounds/${RD}/appeals`, `/assessment/rounds/${RD}/appeals?unit=${O.S1}`]) {
			const r = await w.get(p);
			assert.equal(r.status, 200, `${lang} ${p}`);
			const key = p.includes('/self') ? 'rw_self_of' : p.includes('/review') ? 'rw_review' : 'rw_appeals';
			assert.ok(r.text.includes(msgHtml(key, lang)), `${lang} ${p}`);
			assert.ok(!/M_rw_|\?\?/.test(r.text), `${lang} ${p}`);
			const report = await validator.validateString(r.text);
			found.push(...report.results.flatMap((x) => x.messages).map((m) => `${lang} ${p}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
		}
	}
	// the clerk's pages with their forms
	setRound({ state: 'open' });
	sql(`DELETE FROM assess_self_units WHERE round_id = ${RD} AND unit_id = ${O.S2}`);
	for (const p of [`/assessment/rounds/${RD}/self?unit=${O.S2}`]) {
		const r = await W.ua2.get(p);
		assert.equal(r.status, 200);
		assert.ok(r.text.includes('name="text"'));
		const report = await validator.validateString(r.text);
		found.push(...report.results.flatMap((x) => x.messages).map((m) => `${p}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
	}
	setRound({ state: 'appeal' });
	const ap = await W.ua2.get(`/assessment/rounds/${RD}/appeals?unit=${O.S2}`);
	assert.ok(ap.text.includes('name="reason"'));
	found.push(...(await validator.validateString(ap.text)).results.flatMap((x) => x.messages).map((m) => `appeals:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
	assert.deepEqual(found, []);
	assert.ok(msg('rw_self_too_long', 'zh-Hant').includes('500'));
});

test('the round\'s page and a unit\'s score page link to the round work of who has a part in it', async () => {
	await setup();
	setRound({ state: 'appeal' });
	const links = (t) => (/<section class="card" id="round-work">(.*?)<\/section>/s.exec(t) || [, ''])[1];
	const office = links((await W.office.get(`/assessment/rounds/${RD}`)).text);
	for (const p of ['self', 'review', 'appeals']) assert.ok(office.includes(`href="/assessment/rounds/${RD}/${p}"`), p);
	const submitted = one(`SELECT COUNT(*) FROM assess_self_units WHERE round_id = ${RD}`);
	assert.ok(submitted >= 1);
	assert.match(office, new RegExp(`id="self-count">[^<]* ${submitted} / 2<`));
	const clerk = links((await W.ua1.get(`/assessment/rounds/${RD}`)).text);
	assert.ok(clerk.includes(`/assessment/rounds/${RD}/self"`) && clerk.includes(`/assessment/rounds/${RD}/appeals"`));
	assert.ok(!clerk.includes('/review'));
	assert.equal(links((await W.staff1.get(`/assessment/rounds/${RD}`)).text), '');
	const unit = links((await W.ua1.get(`/assessment/rounds/${RD}/units/${O.S1}`)).text);
	assert.ok(unit.includes(`/assessment/rounds/${RD}/self?unit=${O.S1}`));
	assert.ok(unit.includes(`/assessment/rounds/${RD}/appeals?unit=${O.S1}`));
	assert.ok(unit.includes(`/assessment/rounds/${RD}/units/${O.S1}/pack.zip`));
});
