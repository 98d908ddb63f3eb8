'use strict';
// Assessment rounds (src/assessment/rounds.c, scoring.c, score.c): the
// office creates a round of the year's system in use; compute freezes the
// metrics and scores every automatic leaf; a deduction leaf's points and
// explanation match the overdue cases created for it (and its links the
// records, when the metric lists them); the veto fails a unit whatever its
// points; a leaf weighted 0 for a kind does not apply to it; every
// transition as every role (only the office moves a round; the wrong state
// is refused; publishing waits for the appeals); a unit sees its own
// subtree's scores only once announced, never another unit's.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const { api, create, call, org, day } = require('./records_lib');

const ctx = serverPerFile();
let O, W, R, U, CASES;
const today = day();
const YEAR = Number(today.slice(0, 4));
const SYS = 9100, L1 = 9101, DED = 9102, MAN = 9103, VETO = 9104, PARTY = 9105;

const sql = (q) => ctx.srv.sql(q).map((r) => r.map((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)));
const idOf = (res) => Number(/\/(\d+)$/.exec(res.header('location'))[1]);

async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'R');
	// this year's system in use: a deduction, a manual, a veto and a
	// formula leaf that does not apply to service windows
	srv.sql(`INSERT INTO assess_systems (id, year, version, name, state, total_points, created_at) VALUES (${SYS}, ${YEAR}, 1, 'R system', 'in_use', 20, 0)`);
	const ind = (id, parent, level, pos, name, max, method, extra = '') =>
		srv.sql(
			`INSERT INTO assess_indicators (id, system_id, parent_id, origin_id, level, position, name, max_points, method${extra ? ', formula, metric, per_event' : ''}) ` +
				`VALUES (${id}, ${SYS}, ${parent ?? 'NULL'}, ${id}, ${level}, ${pos}, '${name}', ${max}, '${method}'${extra})`,
		);
	ind(L1, null, 1, 1, 'Supervision', 0, 'manual');
	ind(DED, L1, 2, 1, 'Overdue cases', 5, 'deduction', ", '', 'overdue_cases', 0.5");
	ind(MAN, L1, 2, 2, 'Plan', 10, 'manual');
	ind(VETO, L1, 2, 3, 'Serious backlog', 0, 'veto', ", 'overdue_cases >= 6', '', 0");
	ind(PARTY, L1, 2, 4, 'Party members', 5, 'formula', ", 'min(5, party_members)', '', 0");
	srv.sql(`INSERT INTO assess_weights (indicator_id, unit_kind, max_points) VALUES (${PARTY}, 'window', 0)`);
	await create(a, 'people', { name: '甲', unit_id: O.D1, status: 'active', party_member: true, party_joined: '2010-07-01' });
	// four open cases of the window, due in January: overdue
	const cat = await create(a, 'case_categories', { code: 'r-taxi', name: 'R taxi', unit_id: O.S1, days: 5 });
	U = {
		office: srv.createUser('r_office', 'office'),
		leader: srv.createUser('r_leader', 'leader'),
		ua1: srv.createUser('r_ua1', 'unit_admin', O.S1),
		ua2: srv.createUser('r_ua2', 'unit_admin', O.S2),
		staff: srv.createUser('r_staff', 'staff', O.S1),
	};
	const office = api(srv, 'r_office', 'en');
	CASES = [];
	for (let i = 0; i < 4; i++) {
		const c = await create(office, 'cases', {
			title: `Overdue ${i}`,
			kind: 'complaint',
			channel: 'hotline',
			category_id: cat.id,
			description: 'A taxi at the station refused to take a passenger to the airport.',
		});
		const r = await call(office, 'POST', `/api/v1/cases/${c.id}/transitions/dispatch`, { unit_id: O.W1 });
		assert.equal(r.status, 200, r.text);
		CASES.push(c.id);
	}
	const jan = Math.floor(Date.UTC(YEAR, 0, 5) / 1000);
	srv.sql(`UPDATE cases SET received_at = ${jan}, due = '${YEAR}-01-10' WHERE id IN (${CASES.join(', ')})`);
	// the working days of the year, for the appeal's deadline
	const cal = srv.cli(['calendar', 'show', String(YEAR)]);
	if (cal.code !== 0) {
		const r = srv.cli(['calendar', 'import', String(YEAR), '-'], { input: `date\tkind\tname\n${YEAR}-10-01\tholiday\t國慶節\n` });
		assert.equal(r.code, 0, r.stderr);
	}
	W = {};
	for (const k of Object.keys(U)) {
		W[k] = srv.client({ headers: { 'Accept-Language': 'en' } });
		await W[k].signIn(U[k].name, U[k].password);
	}
}

const scoreOf = (unit, ind) => sql(`SELECT points, max_points, source, explanation FROM assess_round_scores WHERE round_id = ${R} AND unit_id = ${unit} AND indicator_id = ${ind}`)[0];
const state = () => sql(`SELECT state FROM assess_rounds WHERE id = ${R}`)[0][0];

test('the office creates a round; others may not; bad input is refused with its message', async () => {
	await setup();
	const form = { kind: 'mid_year', name: 'Mid-year', period_from: `${YEAR}-01-01`, period_to: today, self_due: '', appeal_days: 5 };
	for (const who of ['leader', 'ua1', 'staff']) assert.equal((await W[who].post('/assessment/rounds', form)).status, 403, who);
	let r = await W.office.post('/assessment/rounds', { ...form, period_from: `${YEAR}-13-01` });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('assess_round_bad_dates', 'en')));
	r = await W.office.post('/assessment/rounds', { ...form, period_from: '2001-01-01', period_to: '2001-06-30' });
	assert.equal(r.status, 422, 'no system in use in 2001');
	assert.ok(r.text.includes(msgHtml('assess_round_no_system', 'en')));
	r = await W.office.post('/assessment/rounds', { ...form, th_excellent: 70, th_good: 80, th_pass: 60 });
	assert.equal(r.status, 422, 'excellent below good');
	assert.ok(r.text.includes(msgHtml('assess_round_bad_thresholds', 'en')));
	r = await W.office.post('/assessment/rounds', form);
	assert.equal(r.status, 303, r.text.slice(0, 300));
	R = idOf(r);
	assert.deepEqual(sql(`SELECT th_excellent, th_good, th_pass FROM assess_rounds WHERE id = ${R}`), [[90, 80, 60]], 'the default thresholds');
	assert.equal(state(), 'open');
	// the active units, with the nearest unit of the round above as parent
	const units = sql(`SELECT unit_id, unit_kind, parent_id FROM assess_round_units WHERE round_id = ${R} ORDER BY unit_id`);
	assert.deepEqual(units.map((u) => u[0]).sort((x, y) => x - y), [O.B, O.S1, O.D1, O.W1, O.S2, O.D2].sort((x, y) => x - y));
	assert.equal(units.find((u) => u[0] === O.W1)[2], O.S1);
	assert.equal(units.find((u) => u[0] === O.B)[2], '');
	assert.equal(sql(`SELECT count(*) FROM audit WHERE action = 'assessment_round_create' AND entity_id = '${R}'`)[0][0], 1);
	const page = await W.office.get(`/assessment/rounds/${R}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes('data-state="open"'));
	assert.ok(page.text.includes(msgHtml('assess_round_not_computed', 'en')));
});

test('nobody but the office moves the round, and only from the right state', async () => {
	await setup();
	for (const who of ['leader', 'ua1', 'staff'])
		for (const a of ['compute', 'review', 'announce', 'publish']) assert.equal((await W[who].post(`/assessment/rounds/${R}/${a}`, {})).status, 403, `${who} ${a}`);
	// review before any compute; announce and publish from open
	let r = await W.office.post(`/assessment/rounds/${R}/review`, {});
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('assess_round_need_compute', 'en')));
	for (const a of ['announce', 'publish']) {
		r = await W.office.post(`/assessment/rounds/${R}/${a}`, {});
		assert.equal(r.status, 409, a);
		assert.ok(r.text.includes(msgHtml('assess_round_bad_state', 'en')));
	}
	assert.equal(state(), 'open');
});

test('compute: the deduction matches the overdue cases, the veto, the weights, the rollup', async () => {
	await setup();
	const r = await W.office.post(`/assessment/rounds/${R}/compute`, {});
	assert.equal(r.status, 303, r.text.slice(0, 300));
	assert.ok(sql(`SELECT computed_at FROM assess_rounds WHERE id = ${R}`)[0][0] > 0);
	// the frozen figure and the leaf: 4 overdue cases × 0.5 = −2 of 5
	assert.equal(sql(`SELECT value FROM assess_round_values WHERE round_id = ${R} AND unit_id = ${O.W1} AND metric = 'overdue_cases'`)[0][0], 4);
	assert.deepEqual(scoreOf(O.W1, DED), [3, 5, 'auto', 'deduction|overdue_cases|4|0.5']);
	// the window's subtree holds them, so does its secondary unit's; the other has none
	assert.deepEqual(scoreOf(O.S1, DED).slice(0, 2), [3, 5]);
	assert.deepEqual(scoreOf(O.S2, DED), [5, 5, 'auto', 'deduction|overdue_cases|0|0.5']);
	// manual leaves wait for the office; the party leaf does not apply to a window
	assert.deepEqual(scoreOf(O.W1, MAN).slice(0, 3), ['', 10, 'manual']);
	assert.equal(scoreOf(O.W1, PARTY), undefined);
	assert.deepEqual(scoreOf(O.D1, PARTY).slice(0, 2), [1, 5]);
	assert.deepEqual(scoreOf(O.W1, VETO).slice(0, 3), [0, 0, 'auto']);
	// totals: own points out of the applicable maximum, grades by share
	const u = (id) => sql(`SELECT own_total, total, max_total, grade, rank_in_kind, vetoed FROM assess_round_units WHERE round_id = ${R} AND unit_id = ${id}`)[0];
	assert.deepEqual(u(O.W1), [3, 3, 15, 'fail', 1, 0]);
	assert.deepEqual(u(O.D1), [6, 6, 20, 'fail', 1, 0]);
	// S1: deduction 3 + party 1 (D1's member) = 4 of 20; below it D1 (6/20)
	// and W1 (3/15): 0.5 × 4 + 0.5 × mean(0.3, 0.2) × 20 = 4.5
	assert.deepEqual(u(O.S1).slice(0, 3), [4, 4.5, 20]);
	// S2: 5 of 20, D2 5/20: 0.5 × 5 + 0.5 × 0.25 × 20 = 5, ranked first
	// ranks per kind: S2 (5 + party 0) against S1
	const ranks = sql(`SELECT unit_id, rank_in_kind FROM assess_round_units WHERE round_id = ${R} AND unit_kind = 'secondary' ORDER BY rank_in_kind`);
	assert.deepEqual(ranks, [[O.S2, 1], [O.S1, 2]]);
	assert.deepEqual(u(O.S2).slice(0, 3), [5, 5, 20]);
	// the system says how much the sub-units weigh: 20 % → S1 0.8 × 4 + 0.2
	// × 0.25 × 20 = 4.2; 0 → its own points (then back to 50 %)
	for (const [share, s1] of [[20, 4.2], [0, 4], [50, 4.5]]) {
		sql(`UPDATE assess_systems SET sub_share = ${share} WHERE id = ${SYS}`);
		assert.equal((await W.office.post(`/assessment/rounds/${R}/compute`, {})).status, 303);
		assert.ok(Math.abs(u(O.S1)[1] - s1) < 1e-9, `${share} %: ${u(O.S1)}`);
	}

	// the page in English: "−2: 4 × Overdue cases, 0.5 each"; links when the metric lists its records
	const p = await W.office.get(`/assessment/rounds/${R}/units/${O.W1}`);
	assert.equal(p.status, 200);
	// the leaf's item, with its list of records, up to the next leaf
	const leaf = new RegExp(`<li data-indicator="${DED}"[\\s\\S]*?(?=<li data-indicator=|</ol>)`).exec(p.text)[0];
	assert.ok(leaf.includes('−2: 4 × '), leaf);
	assert.ok(leaf.includes('<strong>3</strong> / 5'), leaf);
	// (the cases' records are /r/cases/ID or /cases/ID, as the metric says)
	const links = [...leaf.matchAll(/href="(?:\/r)?\/cases\/(\d+)"/g)].map((m) => Number(m[1])).sort((x, y) => x - y);
	const frozen = sql(`SELECT path FROM assess_round_records WHERE round_id = ${R} AND unit_id = ${O.W1} AND metric = 'overdue_cases'`);
	if (frozen.length) {
		assert.deepEqual(links, [...CASES].sort((x, y) => x - y), 'the links are the overdue cases');
		assert.deepEqual(frozen.map((f) => Number(/(\d+)$/.exec(f[0])[1])).sort((x, y) => x - y), links);
	} else {
		assert.deepEqual(links, [], 'no records frozen: no links');
	}

	// the veto: with the condition at 4 overdue cases the window fails whatever its points
	sql(`UPDATE assess_indicators SET formula = 'overdue_cases >= 4' WHERE id = ${VETO}`);
	assert.equal((await W.office.post(`/assessment/rounds/${R}/compute`, {})).status, 303);
	assert.deepEqual(scoreOf(O.W1, VETO).slice(0, 3), [1, 0, 'auto']);
	assert.deepEqual(u(O.W1).slice(3, 6), ['fail', 1, 1]);
	assert.equal(sql(`SELECT veto_indicator_id FROM assess_round_units WHERE round_id = ${R} AND unit_id = ${O.W1}`)[0][0], VETO);
	const v = await W.office.get(`/assessment/rounds/${R}/units/${O.W1}`);
	assert.ok(v.text.includes('id="veto"'));
	assert.ok(v.text.includes(msg('assess_round_ex_veto_yes', 'en').replace('{1}', '').slice(0, 10)));
	// back to the first rule: recomputing replaces the automatic scores
	sql(`UPDATE assess_indicators SET formula = 'overdue_cases >= 6' WHERE id = ${VETO}`);
	assert.equal((await W.office.post(`/assessment/rounds/${R}/compute`, {})).status, 303);
	assert.equal(u(O.W1)[5], 0);
});

test('a manual score is kept by a recompute', async () => {
	await setup();
	sql(`UPDATE assess_round_scores SET points = 8, comment = 'ok' WHERE round_id = ${R} AND unit_id = ${O.W1} AND indicator_id = ${MAN}`);
	assert.equal((await W.office.post(`/assessment/rounds/${R}/compute`, {})).status, 303);
	assert.deepEqual(scoreOf(O.W1, MAN).slice(0, 3), [8, 10, 'manual']);
	assert.equal(sql(`SELECT own_total FROM assess_round_units WHERE round_id = ${R} AND unit_id = ${O.W1}`)[0][0], 11);
});

test('before the announcement only the office sees a score', async () => {
	await setup();
	for (const who of ['leader', 'ua1', 'ua2', 'staff']) {
		assert.equal((await W[who].get(`/assessment/rounds/${R}`)).status, 404, who);
		assert.equal((await W[who].get(`/assessment/rounds/${R}/units/${O.W1}`)).status, 404, who);
		assert.ok(!(await W[who].get('/assessment/rounds')).text.includes(`/assessment/rounds/${R}"`), who);
	}
	assert.equal((await W.office.get(`/assessment/rounds/${R}/units/${O.W1}`)).status, 200);
});

test('review, announce (appeal days in working days), publish waits for appeals', async () => {
	await setup();
	let r = await W.office.post(`/assessment/rounds/${R}/review`, {});
	assert.equal(r.status, 303);
	assert.equal(state(), 'review');
	assert.equal((await W.office.post(`/assessment/rounds/${R}/publish`, {})).status, 409);
	r = await W.office.post(`/assessment/rounds/${R}/announce`, {});
	assert.equal(r.status, 303, r.text.slice(0, 300));
	const [[st, due, ann]] = sql(`SELECT state, appeal_due, announced_at FROM assess_rounds WHERE id = ${R}`);
	assert.equal(st, 'appeal');
	assert.ok(ann > 0);
	assert.match(due, /^\d{4}-\d\d-\d\d$/);
	assert.ok(due > today, `${due} after ${today}`);
	// compute is over once announced
	assert.equal((await W.office.post(`/assessment/rounds/${R}/compute`, {})).status, 409);
	// an undecided appeal holds the publication back
	sql(`INSERT INTO assess_appeals (round_id, unit_id, indicator_id, reason, state, filed_at) VALUES (${R}, ${O.W1}, ${DED}, 'one case was closed on time', 'submitted', 1)`);
	r = await W.office.post(`/assessment/rounds/${R}/publish`, {});
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('assess_round_open_appeals', 'en')));
	assert.equal(state(), 'appeal');
	sql(`UPDATE assess_appeals SET state = 'rejected' WHERE round_id = ${R}`);
	// a year-end round's publication closes the year's contracts in force
	// (and only that year's)
	sql(`UPDATE assess_rounds SET kind = 'year_end' WHERE id = ${R}`);
	for (const [y, code] of [[YEAR, 'RTESTCODE001'], [YEAR - 1, 'RTESTCODE002']])
		sql(`INSERT INTO assess_contracts (system_id, year, level, issuer_unit_id, holder_unit_id, state, verify_code, created_at) VALUES (${SYS}, ${y}, 1, ${O.S1}, ${O.S2}, 'in_force', '${code}', 0)`);
	assert.equal((await W.office.post(`/assessment/rounds/${R}/publish`, {})).status, 303);
	assert.equal(state(), 'published');
	assert.deepEqual(sql(`SELECT year, state FROM assess_contracts WHERE verify_code LIKE 'RTESTCODE%' ORDER BY year`), [[YEAR - 1, 'in_force'], [YEAR, 'assessed']]);
	for (const a of ['compute', 'review', 'announce', 'publish']) assert.equal((await W.office.post(`/assessment/rounds/${R}/${a}`, {})).status, 409, a);
	const audit = sql(`SELECT action FROM audit WHERE entity = 'assess_rounds' AND entity_id = '${R}' ORDER BY id`).map((x) => x[0]);
	for (const a of ['assessment_round_create', 'assessment_round_compute', 'assessment_round_review', 'assessment_round_appeal', 'assessment_round_published'])
		assert.ok(audit.includes(a), `${a} in ${audit}`);
});

test('after the announcement a unit sees its own subtree, never another unit', async () => {
	await setup();
	// ua1 (S1): S1, D1, W1; not S2 nor the bureau
	for (const u of [O.S1, O.D1, O.W1]) assert.equal((await W.ua1.get(`/assessment/rounds/${R}/units/${u}`)).status, 200, `ua1 sees ${u}`);
	for (const u of [O.S2, O.D2, O.B]) assert.equal((await W.ua1.get(`/assessment/rounds/${R}/units/${u}`)).status, 404, `ua1 not ${u}`);
	assert.equal((await W.ua2.get(`/assessment/rounds/${R}/units/${O.W1}`)).status, 404);
	assert.equal((await W.ua2.get(`/assessment/rounds/${R}/units/${O.S2}`)).status, 200);
	// the round's results table: ua1's subtree only
	const p = await W.ua1.get(`/assessment/rounds/${R}`);
	assert.equal(p.status, 200);
	const rows = [...p.text.matchAll(/<tr data-unit="(\d+)"/g)].map((m) => Number(m[1])).sort((x, y) => x - y);
	assert.deepEqual(rows, [O.S1, O.D1, O.W1].sort((x, y) => x - y));
	assert.ok(!p.text.includes('action="/assessment/rounds/'), 'no actions for a unit');
	// staff: no grant over a unit's results
	assert.equal((await W.staff.get(`/assessment/rounds/${R}/units/${O.W1}`)).status, 404);
	// the workbook: the office only
	assert.equal((await W.ua1.get(`/assessment/rounds/${R}/results.xlsx`)).status, 403);
	const x = await W.office.get(`/assessment/rounds/${R}/results.xlsx`);
	assert.equal(x.status, 200);
	assert.match(x.header('content-type'), /spreadsheetml/);
});

test('the results table sorts and filters by kind', async () => {
	await setup();
	const p = await W.office.get(`/assessment/rounds/${R}?kind=department&sort=-total`);
	assert.equal(p.status, 200);
	const rows = [...p.text.matchAll(/<tr data-unit="(\d+)"/g)].map((m) => Number(m[1]));
	assert.deepEqual(rows.sort((x, y) => x - y), [O.D1, O.D2].sort((x, y) => x - y));
	// pages of 100: the second page of six units is empty
	const p2 = await W.office.get(`/assessment/rounds/${R}?page=2`);
	assert.equal(p2.status, 200);
	assert.equal([...p2.text.matchAll(/<tr data-unit="/g)].length, 0);
	assert.equal([...(await W.office.get(`/assessment/rounds/${R}`)).text.matchAll(/<tr data-unit="/g)].length, 6);
});

test('the rounds pages are valid HTML', async () => {
	await setup();
	const { HtmlValidate } = require('html-validate');
	const v = new HtmlValidate({
		extends: ['html-validate:standard'],
		rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' },
	});
	for (const [w, p] of [[W.office, '/assessment/rounds'], [W.office, `/assessment/rounds/${R}`], [W.office, `/assessment/rounds/${R}/units/${O.S1}`],
		[W.office, `/assessment/rounds/${R}/units/${O.W1}`], [W.ua1, `/assessment/rounds/${R}`]]) {
		const r = await w.get(p);
		assert.equal(r.status, 200, p);
		const report = await v.validateString(r.text);
		const msgs = report.results.flatMap((x) => x.messages).map((m) => `${p}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
		assert.deepEqual(msgs, []);
	}
});
