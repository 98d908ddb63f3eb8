'use strict';
// The democratic appraisal (src/appraisal/): the campaign's and the
// appeal's workflow as every role; one-time ballot tokens (used twice,
// guessed, campaign closed: a clear page and nothing counted); a missing
// answer named, with the answers given kept; the per-address rate limit;
// anonymity (no column, access-log line or audit entry links a ballot to a
// token, a rater, an address or a time); a seeded draw recorded and drawn
// again the same; paper opinion forms; results with an insufficient sample.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const ExcelJS = require('exceljs');
const { api, call, create, org, getBytes, importFile, csv } = require('./records_lib');

const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wm-appr-')), 'access.log');
const ctx = serverPerFile({ args: ['--access-log', logFile] });
let A, O, U, W, Q, CAMP, POOL, POOL2;

const QUESTIONS = [
	['lawful_duty', '依法履行職責', '依法履行职责', 'Performs its duties lawfully', '5'],
	['attitude', '服務熱情', '服务热情', 'Staff are warm and polite', '5'],
	['integrity', '廉潔自律', '廉洁自律', 'Clean and self-disciplined', '3'],
];

async function setup() {
	if (A) return;
	const { srv } = ctx;
	A = api(srv);
	O = await org(A, 'AP');
	U = {
		office: srv.createUser('ap_office', 'office'),
		leader: srv.createUser('ap_leader', 'leader'),
		ua1: srv.createUser('ap_ua1', 'unit_admin', O.S1),
		staff1: srv.createUser('ap_staff1', 'staff', O.S1),
		ua2: srv.createUser('ap_ua2', 'unit_admin', O.S2),
		sup: srv.createUser('ap_sup', 'supervisor', O.S1),
	};
	W = { admin: A };
	for (const k of Object.keys(U)) W[k] = api(srv, U[k].name, 'en');
	const qnr = await create(A, 'appraisal_questionnaires', { title: 'AP questionnaire', levels: '5' });
	Q = [];
	for (const [i, [dim, hant, hans, en, levels]] of QUESTIONS.entries())
		Q.push(await create(A, 'appraisal_questions', { questionnaire_id: qnr.id, position: i + 1, dimension: dim, text_zh_hant: hant, text_zh_hans: hans, text_en: en, levels }));
	CAMP = await newCampaign('AP campaign', 2);
	POOL = await create(A, 'appraisal_pools', { campaign_id: CAMP.id, kind: 'service_recipients', name: 'AP counter' });
	POOL2 = await create(A, 'appraisal_pools', { campaign_id: CAMP.id, kind: 'supervisors', name: 'AP supervisors' });
	await step('admin', CAMP.id, 'open', 200);
	CAMP.qnr = qnr.id;
}

async function newCampaign(title, minSample) {
	const qnr = Q ? (await A.get(`/api/v1/appraisal_questions/${Q[0].id}`)).json().data.questionnaire_id : undefined;
	return create(A, 'appraisal_campaigns', {
		year: 2026, title, root_unit_id: O.B, unit_kinds: 'secondary', questionnaire_id: qnr,
		period_from: '2026-03-01', period_to: '2026-11-30', weight: 10, min_sample: minSample,
	});
}

async function step(who, id, name, want, body = {}, type = 'appraisal_campaigns') {
	const r = await call(W[who], 'POST', `/api/v1/${type}/${id}/transitions/${name}`, body);
	assert.equal(r.status, want, `${who} ${name} on ${type} ${id}: ${r.status} ${r.text}`);
	return r;
}

let officeSession;
async function office() {
	officeSession ??= await ctx.srv.signIn(U.office.name, U.office.password);
	return officeSession;
}

/* Issues n tokens for a unit and pool as the office; returns them as printed. */
async function issue(unit, n, pool = POOL.id, campaign = CAMP.id) {
	const c = await office();
	const r = await c.post(`/appraisal/campaigns/${campaign}/tokens`, { unit_id: unit, pool, count: n });
	assert.equal(r.status, 200, r.text.slice(0, 300));
	const tokens = [...r.text.matchAll(/<p class="token-code mono">([A-Z0-9-]+)<\/p>/g)].map((m) => m[1]);
	assert.equal(tokens.length, n);
	assert.match(r.text, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="qr"/);
	assert.ok(r.text.includes(`/ballot?t=${tokens[0]}`), 'each card links to the ballot');
	return tokens;
}

function answers(levels = [5, 4, 3]) {
	const f = {};
	Q.forEach((q, i) => { if (levels[i]) f[`q${q.id}`] = levels[i]; });
	return f;
}

async function vote(token, levels, extra = {}, client = ctx.srv.client()) {
	await client.get('/ballot');
	return client.post('/ballot', { t: token, ...answers(levels), ...extra });
}

const count = (sql) => Number(ctx.srv.sql(sql)[0][0]);

test('a ballot from a token counts once; a used, guessed or closed token gets a clear page and counts nothing', async () => {
	await setup();
	const [t1, t2] = await issue(O.S1, 2);
	const anon = ctx.srv.client({ headers: { 'Accept-Language': 'en' } });
	const page = await anon.get(`/ballot?t=${t1}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes('AP campaign') && page.text.includes('AP Secondary one'), 'the campaign and the unit appraised');
	assert.ok(page.text.includes('Staff are warm and polite'), 'the questions in the reader\'s language');
	assert.equal(page.header('cache-control').includes('no-store'), true);
	const before = count(`SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ${CAMP.id}`);
	const r = await vote(t1, [5, 4, 3], { opinion: '  Please open the window at lunchtime.  ' }, anon);
	assert.equal(r.status, 303);
	assert.equal(r.location, '/ballot/thanks', 'the answer page does not carry the token');
	assert.equal(count(`SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ${CAMP.id}`), before + 1);
	assert.equal(count(`SELECT used FROM appraisal_tokens WHERE campaign_id = ${CAMP.id} ORDER BY id LIMIT 1`), 1);
	assert.deepEqual(ctx.srv.sql(`SELECT body FROM appraisal_opinions WHERE campaign_id = ${CAMP.id}`), [['Please open the window at lunchtime.']]);
	assert.equal(count(`SELECT n FROM appraisal_tally WHERE campaign_id = ${CAMP.id} AND unit_id = ${O.S1} AND question_id = ${Q[0].id} AND level = 5`), 1, 'the tally moved with the ballot');
	// used twice
	let again = await vote(t1, [1, 1, 1], {}, anon);
	assert.equal(again.status, 410);
	assert.ok(again.text.includes(msgHtml('appr_token_used', 'en')));
	assert.ok(again.text.includes(msgHtml('appr_nothing_counted', 'en')));
	assert.equal((await anon.get(`/ballot?t=${t1}`)).status, 410);
	// a code in lower case without dashes is the same code (still used)
	assert.equal((await anon.get(`/ballot?t=${t1.replace(/-/g, '').toLowerCase()}`)).status, 410);
	// guessed
	const guess = await vote('ABCD-EFGH-JKMN-PQRS', [5, 5, 3], {}, anon);
	assert.equal(guess.status, 404);
	assert.ok(guess.text.includes(msgHtml('appr_token_invalid', 'en')));
	const zh = await ctx.srv.client({ headers: { 'Accept-Language': 'zh-TW' } }).get('/ballot?t=ABCD-EFGH-JKMN-PQRS');
	assert.equal(zh.status, 404);
	assert.ok(zh.text.includes(msgHtml('appr_token_invalid', 'zh-Hant')), 'in the reader\'s language');
	// the campaign closed: no vote, the token stays unused
	await step('office', CAMP.id, 'close', 200);
	const closed = await vote(t2, [5, 4, 3], {}, anon);
	assert.equal(closed.status, 410);
	assert.ok(closed.text.includes(msgHtml('appr_token_closed', 'en')));
	assert.equal(count(`SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ${CAMP.id}`), before + 1);
	assert.equal(count(`SELECT sum(used) FROM appraisal_tokens WHERE campaign_id = ${CAMP.id}`), 1);
	await step('office', CAMP.id, 'reopen', 200, { reason: 'Two windows opened late.' });
	assert.equal((await vote(t2, [4, 4, 2], {}, anon)).status, 303);
	ctx.srv.sql("DELETE FROM throttle WHERE key LIKE 'ballot:%'");
});

test('a ballot with a missing answer is refused with the question named, and the answers given stay chosen', async () => {
	await setup();
	const [t] = await issue(O.S1, 1);
	const anon = ctx.srv.client({ headers: { 'Accept-Language': 'en' } });
	const before = count(`SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ${CAMP.id}`);
	const r = await vote(t, [5, 0, 2], { opinion: 'kept text' }, anon);
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('appr_missing_answer', 'en')));
	assert.match(r.text, new RegExp(`href="#q-${Q[1].id}">2\\. Staff are warm and polite`), 'the question is named');
	assert.match(r.text, new RegExp(`name="q${Q[0].id}" value="5" checked`), 'answer 1 kept');
	assert.match(r.text, new RegExp(`name="q${Q[2].id}" value="2" checked`), 'answer 3 kept');
	assert.ok(r.text.includes('>kept text</textarea>'), 'the opinion kept');
	assert.match(r.text, /has-error" id="q-\d+"/);
	// an answer out of range is no answer
	assert.equal((await vote(t, [5, 4, 4], {}, anon)).status, 422, 'level 4 on a three-level question');
	assert.equal(count(`SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ${CAMP.id}`), before);
	assert.equal(count(`SELECT used FROM appraisal_tokens WHERE campaign_id = ${CAMP.id} ORDER BY id DESC LIMIT 1`), 0, 'the token can still vote');
	assert.equal((await vote(t, [5, 4, 3], {}, anon)).status, 303);
	ctx.srv.sql("DELETE FROM throttle WHERE key LIKE 'ballot:%'");
});

test('anonymity: no column of the ballot tables, no access-log line and no audit entry links a ballot to its token, rater, address or time', async () => {
	await setup();
	const [t] = await issue(O.S2, 1);
	const anon = ctx.srv.client();
	assert.equal((await anon.get(`/ballot?t=${t}`)).status, 200);
	assert.equal((await vote(t, [3, 3, 2], { opinion: 'anonymous opinion' }, anon)).status, 303);
	const cols = (table) => ctx.srv.dbUrl.startsWith('sqlite:')
		? ctx.srv.sql(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).map((r) => r[0])
		: ctx.srv.sql(`SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`).map((r) => r[0]);
	{
		assert.deepEqual(cols('appraisal_ballots'), ['id', 'campaign_id', 'unit_id', 'pool_id', 'channel']);
		assert.deepEqual(cols('appraisal_answers'), ['ballot_id', 'question_id', 'level']);
		assert.deepEqual(cols('appraisal_opinions'), ['id', 'campaign_id', 'unit_id', 'body']);
		assert.deepEqual(cols('appraisal_tally'), ['campaign_id', 'unit_id', 'question_id', 'level', 'n']);
		assert.deepEqual(cols('appraisal_tokens'), ['id', 'campaign_id', 'unit_id', 'pool_id', 'hash', 'used'], 'a token is only marked used: no time, no rater');
	}
	const forbidden = /token|rater|ip|addr|user|_at$|time|created|updated|date|day/;
	for (const t2 of ['appraisal_ballots', 'appraisal_answers', 'appraisal_opinions', 'appraisal_tally', 'appraisal_counts'])
		for (const c of cols(t2))
			assert.doesNotMatch(c, forbidden, `${t2}.${c}`);
	// the token never reaches the access log, the audit log or the server's own log
	const raw = t.replace(/-/g, '');
	await new Promise((res) => setTimeout(res, 300));
	const log = fs.readFileSync(logFile, 'utf8');
	assert.match(log, /"GET \/ballot" 200/, 'the ballot page is logged without its query');
	assert.match(log, /"POST \/ballot" 303/);
	assert.ok(!log.includes(t) && !log.includes(raw), 'no token in the access log');
	assert.ok(!ctx.srv.stderr.includes(t) && !ctx.srv.stderr.includes(raw), 'no token in the server log');
	const audit = ctx.srv.sql('SELECT * FROM audit').map((r) => r.join('\t')).join('\n');
	assert.ok(!audit.includes(t) && !audit.includes(raw), 'no token in the audit log');
	assert.doesNotMatch(audit, /appraisal_ballots|appraisal_answers/, 'no audit entry names a ballot');
	const hashes = ctx.srv.sql('SELECT hash FROM appraisal_tokens').map((r) => r[0]);
	assert.ok(hashes.every((h) => /^[0-9a-f]{64}$/.test(h)), 'tokens are stored as hashes only');
	assert.ok(!hashes.includes(t) && !hashes.includes(raw));
	ctx.srv.sql("DELETE FROM throttle WHERE key LIKE 'ballot:%'");
});

test('ballots and failed codes from one address are limited to 30 in 15 minutes', async () => {
	await setup();
	const [t] = await issue(O.S1, 1);
	const anon = ctx.srv.client();
	await anon.get('/ballot');
	for (let i = 0; i < 30; i++) {
		const r = await anon.post('/ballot', { t: `ZZZZ-ZZZZ-ZZZZ-${String(i).padStart(4, '2').replace(/[01]/g, '3')}`, ...answers() });
		assert.equal(r.status, 404, `guess ${i}`);
	}
	const r = await vote(t, [5, 4, 3], {}, anon);
	assert.equal(r.status, 429);
	assert.ok(r.text.includes(msgHtml('appr_too_many', 'zh-Hant')));
	assert.equal(count(`SELECT used FROM appraisal_tokens WHERE campaign_id = ${CAMP.id} ORDER BY id DESC LIMIT 1`), 0, 'nothing counted');
	ctx.srv.sql("DELETE FROM throttle WHERE key LIKE 'ballot:%'");
	assert.equal((await vote(t, [5, 4, 3], {}, anon)).status, 303, 'after the window the code works');
});

test('the campaign workflow as every role: only the office opens, closes, reopens and publishes', async () => {
	await setup();
	const c = await newCampaign('AP workflow', 1);
	for (const who of ['leader', 'ua1', 'staff1', 'sup']) {
		const r = await call(W[who], 'POST', `/api/v1/appraisal_campaigns/${c.id}/transitions/open`, {});
		assert.ok([403, 404].includes(r.status), `${who} open: ${r.status}`);
	}
	await step('office', c.id, 'open', 200);
	await step('office', c.id, 'open', 409);
	for (const who of ['leader', 'ua1', 'staff1', 'sup']) {
		const r = await call(W[who], 'POST', `/api/v1/appraisal_campaigns/${c.id}/transitions/close`, {});
		assert.ok([403, 404].includes(r.status), `${who} close: ${r.status}`);
	}
	await step('admin', c.id, 'close', 200);
	await step('office', c.id, 'reopen', 422, {});
	await step('office', c.id, 'reopen', 200, { reason: 'late forms' });
	await step('office', c.id, 'close', 200);
	for (const who of ['leader', 'ua1', 'staff1'])
		assert.ok([403, 404].includes((await call(W[who], 'POST', `/api/v1/appraisal_campaigns/${c.id}/transitions/publish`, {})).status));
	await step('office', c.id, 'publish', 200, { note: 'Published at the bureau meeting.' });
	await step('office', c.id, 'reopen', 409, { reason: 'too late' });
	// a campaign whose questionnaire has no questions does not open
	const empty = await create(A, 'appraisal_questionnaires', { title: 'Empty', levels: '3' });
	const e = await create(A, 'appraisal_campaigns', { year: 2026, title: 'AP empty', root_unit_id: O.B, questionnaire_id: empty.id, period_from: '2026-01-01', period_to: '2026-12-31', min_sample: 1 });
	const r = await step('office', e.id, 'open', 422);
	assert.ok(r.text.includes(msg('appr_no_questions', 'en')) || r.text.includes('questions'));
	// the units may not create or change campaigns
	assert.ok([403, 404].includes((await call(W.ua1, 'POST', '/api/v1/appraisal_campaigns', { year: 2026, title: 'x' })).status));
});

test('appeals: a unit files with its reason; the office upholds with a note or rejects with a reason, on the record', async () => {
	await setup();
	const none = await call(W.ua1, 'POST', '/api/v1/appraisal_appeals', { campaign_id: 999999, unit_id: O.S1, reason: 'Our window was closed for repairs.' });
	assert.equal(none.status, 422, 'no such campaign');
	const ap = await create(W.ua1, 'appraisal_appeals', { campaign_id: CAMP.id, unit_id: O.S1, reason: 'Our window was closed for repairs.' });
	assert.equal(ap.state, 'filed');
	assert.ok([403, 404, 422].includes((await call(W.ua1, 'POST', '/api/v1/appraisal_appeals', { campaign_id: CAMP.id, unit_id: O.S2, reason: 'Not our unit at all.' })).status), 'not for another unit');
	for (const who of ['ua1', 'staff1', 'leader', 'ua2'])
		assert.ok([403, 404].includes((await call(W[who], 'POST', `/api/v1/appraisal_appeals/${ap.id}/transitions/uphold`, { note: 'x' })).status), who);
	await step('office', ap.id, 'uphold', 422, {}, 'appraisal_appeals');
	await step('office', ap.id, 'uphold', 200, { note: 'Revised: the two closed months are left out.' }, 'appraisal_appeals');
	const ev = (await W.office.get(`/api/v1/appraisal_appeals/${ap.id}/events`)).json();
	assert.ok(JSON.stringify(ev).includes('Revised: the two closed months are left out.'));
	const ap2 = await create(W.ua1, 'appraisal_appeals', { campaign_id: CAMP.id, unit_id: O.S1, reason: 'A second try at it.' });
	await step('admin', ap2.id, 'reject', 200, { reason: 'The figures stand.' }, 'appraisal_appeals');
	await step('office', ap2.id, 'uphold', 409, { note: 'x' }, 'appraisal_appeals');
});

test('a stratified draw is recorded with its seed and drawn again the same', async () => {
	await setup();
	for (let i = 0; i < 9; i++)
		await create(A, 'appraisal_raters', { pool_id: POOL2.id, name: `Rater ${i}`, stratum: ['North', 'South', 'East'][i % 3] });
	const c = await office();
	// the register is imported like any other: three more from a CSV file
	await importFile(c, 'appraisal_raters', Buffer.from(csv([['pool_id', 'name', 'stratum'], ['AP supervisors', 'Rater 9', 'North'], ['AP supervisors', 'Rater 10', 'South'], ['AP supervisors', 'Rater 11', 'East']])), 'raters.csv');
	assert.equal(count(`SELECT count(*) FROM appraisal_raters WHERE pool_id = ${POOL2.id}`), 12);
	const form = await c.get(`/appraisal/pools/${POOL2.id}/draw`);
	assert.equal(form.status, 200);
	// strata in name order: East, North, South
	const d1 = await c.post(`/appraisal/pools/${POOL2.id}/draw`, { n_0: 2, n_1: 1, n_2: 3, seed: '777' });
	assert.equal(d1.status, 303);
	const d2 = await c.post(`/appraisal/pools/${POOL2.id}/draw`, { n_0: 2, n_1: 1, n_2: 3, seed: '777' });
	const d3 = await c.post(`/appraisal/pools/${POOL2.id}/draw`, { n_0: 2, n_1: 1, n_2: 3, seed: '778' });
	const rows = ctx.srv.sql(`SELECT seed, sizes, chosen, drawn_by FROM appraisal_draws WHERE pool_id = ${POOL2.id} ORDER BY id`);
	assert.equal(rows.length, 3);
	assert.equal(rows[0][2], rows[1][2], 'the same seed, the same sample');
	assert.equal(rows[0][2].split(',').length, 6);
	assert.notEqual(rows[0][2], rows[2][2]);
	assert.equal(rows[0][1], '{"East":2,"North":1,"South":3}');
	assert.equal(Number(rows[0][3]), U.office.id, 'who drew');
	const view = await c.get(d1.location);
	assert.equal(view.status, 200);
	assert.ok(view.text.includes(msgHtml('appr_reproduced_yes', 'zh-Hant')));
	assert.equal((view.text.match(/<tr class="chosen"/g) || []).length, 6);
	const bad = await c.post(`/appraisal/pools/${POOL2.id}/draw`, { n_0: 'x', seed: '1' });
	assert.equal(bad.status, 422);
	assert.equal(d2.status, 303);
	assert.equal(d3.status, 303);
	// tokens for the draw's raters, their names on the sheet
	const d1id = d1.location.split('/').pop();
	const sheet = await c.post(`/appraisal/campaigns/${CAMP.id}/tokens`, { unit_id: O.S1, pool: POOL2.id, draw: d1id });
	assert.equal(sheet.status, 200);
	assert.equal((sheet.text.match(/class="token-rater"/g) || []).length, 6);
	// the units of the pool may not draw
	const ua = await ctx.srv.signIn(U.ua1.name, U.ua1.password);
	assert.equal((await ua.get(`/appraisal/pools/${POOL2.id}/draw`)).status, 403);
});

test('paper opinion forms feed the same results; response rates per pool; insufficient samples are not ranked', async () => {
	await setup();
	const ua1 = await ctx.srv.signIn(U.ua1.name, U.ua1.password);
	const p = await ua1.get(`/appraisal/campaigns/${CAMP.id}/paper`);
	assert.equal(p.status, 200);
	const before = count(`SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ${CAMP.id} AND channel = 'paper'`);
	const r = await ua1.post(`/appraisal/campaigns/${CAMP.id}/paper`, { unit_id: O.S1, ...answers([4, 4, 3]), opinion: 'Paper: more seats please.' });
	assert.equal(r.status, 303, r.text.slice(0, 400));
	assert.equal(count(`SELECT count(*) FROM appraisal_ballots WHERE campaign_id = ${CAMP.id} AND channel = 'paper'`), before + 1);
	assert.equal((await ua1.post(`/appraisal/campaigns/${CAMP.id}/paper`, { unit_id: O.S2, ...answers() })).status, 403, 'not another unit\'s forms');
	const miss = await ua1.post(`/appraisal/campaigns/${CAMP.id}/paper`, { unit_id: O.S1, ...answers([4, 0, 3]) });
	assert.equal(miss.status, 422);
	// the office sees the response rates per pool
	const c = await office();
	const detail = await c.get(`/r/appraisal_campaigns/${CAMP.id}`);
	const issued = count(`SELECT count(*) FROM appraisal_tokens WHERE campaign_id = ${CAMP.id} AND pool_id = ${POOL.id}`);
	const used = count(`SELECT sum(used) FROM appraisal_tokens WHERE campaign_id = ${CAMP.id} AND pool_id = ${POOL.id}`);
	assert.match(detail.text, new RegExp(`data-rate="${POOL.id}">${(100 * used / issued).toFixed(1)}%<`));
	// results: S1 has enough ballots (minimum 2), S2 one: insufficient
	const s2 = count(`SELECT ballots FROM appraisal_counts WHERE campaign_id = ${CAMP.id} AND unit_id = ${O.S2}`);
	assert.equal(s2, 1);
	const res = await c.get(`/appraisal/campaigns/${CAMP.id}/results`);
	assert.equal(res.status, 200);
	const rowOf = (name) => res.text.split('<tr>').find((x) => x.includes(name)) ?? '';
	assert.ok(rowOf('AP Secondary two').includes(msgHtml('appr_insufficient', 'zh-Hant')), 'S2: insufficient');
	assert.match(rowOf('AP Secondary one'), /^<td class="num" data-label="[^"]+">1<\/td>/, 'S1 ranked first');
	assert.ok(!rowOf('AP Secondary one').includes(msgHtml('appr_insufficient', 'zh-Hant')));
	// one unit's page: the opinions, each with the form that raises a rectification item (office only)
	const unit = await c.get(`/appraisal/campaigns/${CAMP.id}/units/${O.S1}`);
	assert.equal(unit.status, 200);
	const op = ctx.srv.sql(`SELECT id FROM appraisal_opinions WHERE body = 'Paper: more seats please.'`)[0][0];
	assert.match(unit.text, new RegExp(`action="/rectification/raise"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="source" value="appraisal"><input type="hidden" name="id" value="${op}">`));
	const staffView = await ctx.srv.signIn(U.staff1.name, U.staff1.password);
	assert.equal((await staffView.get(`/appraisal/campaigns/${CAMP.id}/results`)).status, 403, 'units wait for the publication');
	const en = await ctx.srv.signIn(U.office.name, U.office.password, { headers: { 'Accept-Language': 'en' } });
	const x = await getBytes(en, `/appraisal/campaigns/${CAMP.id}/results.xlsx`);
	assert.equal(x.status, 200);
	assert.match(x.headers.get('content-type'), /spreadsheetml/);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(x.bytes);
	const ws = wb.worksheets[0];
	assert.equal(ws.name, msg('appr_results', 'en'));
	assert.equal(ws.getRow(3).getCell(2).value, msg('appr_unit', 'en'));
	const rows = {};
	ws.eachRow((row, i) => { if (i > 3) rows[row.getCell(2).value] = row; });
	assert.equal(rows['AP Secondary one'].getCell(1).value, 1);
	assert.equal(rows['AP Secondary two'].getCell(3).value, 1);
	assert.equal(rows['AP Secondary two'].getCell(11).value, msg('appr_insufficient', 'en'));
});

test('questionnaires: the office copies one with its questions', async () => {
	await setup();
	const c = await office();
	const r = await c.post(`/appraisal/questionnaires/${CAMP.qnr}/copy`, {});
	assert.equal(r.status, 303);
	const id = r.location.split('/').pop();
	assert.equal(count(`SELECT count(*) FROM appraisal_questions WHERE questionnaire_id = ${id}`), QUESTIONS.length);
	const ua = await ctx.srv.signIn(U.ua2.name, U.ua2.password);
	assert.equal((await ua.post(`/appraisal/questionnaires/${CAMP.qnr}/copy`, {})).status, 403);
});

test('once published, a unit sees its own results and no other unit\'s', async () => {
	await setup();
	await step('office', CAMP.id, 'close', 200);
	await step('office', CAMP.id, 'publish', 200, {});
	const staffView = await ctx.srv.signIn(U.staff1.name, U.staff1.password);
	const overview = await staffView.get('/appraisal');
	assert.equal(overview.status, 200);
	assert.ok(overview.text.includes(`href="/appraisal/campaigns/${CAMP.id}/results"`), 'the overview leads the unit to its results');
	const sup = await ctx.srv.signIn(U.sup.name, U.sup.password);
	assert.equal((await sup.get('/appraisal')).status, 403);
	const res = await staffView.get(`/appraisal/campaigns/${CAMP.id}/results`);
	assert.equal(res.status, 200, 'published: the unit sees its own row');
	assert.ok(res.text.includes('AP Secondary one'));
	assert.ok(!res.text.includes('AP Secondary two'), 'and no other unit\'s');
});

test('the appraisal\'s pages are valid HTML (html-validate, standard rules)', async () => {
	await setup();
	const { HtmlValidate } = require('html-validate');
	const validator = new HtmlValidate({
		extends: ['html-validate:standard'],
		rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' },
	});
	const found = [];
	const check = async (r, what) => {
		const report = await validator.validateString(r.text);
		found.push(...report.results.flatMap((x) => x.messages).map((m) => `${what}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
	};
	const c = await office();
	const draw = ctx.srv.sql(`SELECT id FROM appraisal_draws ORDER BY id LIMIT 1`)[0][0];
	for (const p of ['/appraisal', `/r/appraisal_campaigns/${CAMP.id}`, `/appraisal/campaigns/${CAMP.id}/results`,
		`/appraisal/campaigns/${CAMP.id}/units/${O.S1}`, `/appraisal/campaigns/${CAMP.id}/tokens`, `/appraisal/campaigns/${CAMP.id}/paper`,
		`/appraisal/pools/${POOL2.id}/draw`, `/appraisal/draws/${draw}`, `/r/appraisal_questionnaires/${CAMP.qnr}`, `/r/appraisal_pools/${POOL2.id}`]) {
		const r = await c.get(p);
		assert.equal(r.status, 200, p);
		await check(r, p);
	}
	const c2 = await newCampaign('AP html', 1);
	const pool = await create(A, 'appraisal_pools', { campaign_id: c2.id, kind: 'deputies', name: 'AP deputies' });
	await step('office', c2.id, 'open', 200);
	const sheet = await c.post(`/appraisal/campaigns/${c2.id}/tokens`, { unit_id: O.S1, pool: pool.id, count: 1 });
	await check(sheet, 'token sheet');
	const t = /<p class="token-code mono">([A-Z0-9-]+)<\/p>/.exec(sheet.text)[1];
	const anon = ctx.srv.client();
	await check(await anon.get(`/ballot?t=${t}`), 'ballot');
	await check(await anon.get('/ballot'), 'ballot entry');
	await check(await vote(t, [5, 0, 3], {}, anon), 'ballot missing');
	await check(await anon.get('/ballot?t=XXXX'), 'ballot invalid');
	await check(await anon.get('/ballot/thanks'), 'thanks');
	assert.ok(c2);
	assert.deepEqual(found, []);
});
