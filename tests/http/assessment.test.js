'use strict';
// Assessment (src/assessment/): the yearly indicator systems. The office
// creates a draft, builds its tree (一級 / 二級 / 三級) with a leaf of each
// scoring method; a bad formula is refused with its message and position
// and nothing is saved; the system page sums the leaves per level and
// warns when they miss the declared total; a system in use is never
// edited in place (revising makes a new draft version; putting it in use
// supersedes the old one); copying to the next year keeps the tree; the
// preview's metric values are the metrics' own (staff, party members from
// the people register; no cases: none overdue) and its result is the
// formula's; and only the office changes anything, others read the
// systems in use.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const { api, create, org } = require('./records_lib');

const ctx = serverPerFile();
let O, W, SYS;
const YEAR = 2031;

async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'A');
	// S1's subtree: 4 active people, 3 of them party members; S2: 1, none
	const party = { party_member: true, party_joined: '2010-07-01' };
	await create(a, 'people', { name: '甲', unit_id: O.S1, status: 'active', ...party });
	await create(a, 'people', { name: '乙', unit_id: O.D1, status: 'active', ...party });
	await create(a, 'people', { name: '丙', unit_id: O.W1, status: 'active', ...party });
	await create(a, 'people', { name: '丁', unit_id: O.W1, status: 'active' });
	await create(a, 'people', { name: '戊', unit_id: O.S2, status: 'active' });
	const users = {
		office: srv.createUser('a_office', 'office'),
		leader: srv.createUser('a_leader', 'leader'),
		ua: srv.createUser('a_ua', 'unit_admin', O.S1),
		staff: srv.createUser('a_staff', 'staff', O.S1),
	};
	W = { admin: await srv.admin({ headers: { 'Accept-Language': 'en' } }) };
	for (const k of Object.keys(users)) W[k] = await srv.signIn(users[k].name, users[k].password, { headers: { 'Accept-Language': 'en' } });
}

// numbers as numbers: SQLite says 100.0 where PostgreSQL says 100
const sql = (q) => ctx.srv.sql(q).map((r) => r.map((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)));
const idOf = (res) => Number(/\/(\d+)$/.exec(res.header('location'))[1]);
const indicators = (sys) => sql(`SELECT name, level, method, formula, metric, per_event, max_points, evidence, bonus_levels FROM assess_indicators WHERE system_id = ${sys} ORDER BY level, position, id`);

async function newSystem(w, year, name = `${year} system`, total = 100) {
	const r = await w.post('/assessment/systems', { year, name, total_points: total });
	assert.equal(r.status, 303, r.text.slice(0, 400));
	return idOf(r);
}

async function add(w, sys, name, parent) {
	const r = await w.post(`/assessment/systems/${sys}/indicators`, { name, parent_id: parent ?? '' });
	assert.equal(r.status, 303, r.text.slice(0, 400));
	return idOf(r);
}

async function save(w, id, fields) {
	return w.post(`/assessment/indicators/${id}`, { save: 1, ...fields });
}

test('the office builds a system: a tree of three levels with a leaf of each scoring method', async () => {
	await setup();
	const w = W.office;
	SYS = await newSystem(w, YEAR);
	assert.deepEqual(sql(`SELECT year, version, state, total_points FROM assess_systems WHERE id = ${SYS}`), [[YEAR, 1, 'draft', 100]]);
	const org1 = await add(w, SYS, 'Organization');
	const sup = await add(w, SYS, 'Supervision');
	const cases = await add(w, SYS, 'Cases', sup);
	const onTime = await add(w, SYS, 'On time', cases);
	const overdue = await add(w, SYS, 'Overdue', cases);
	const plan = await add(w, SYS, 'Plan', org1);
	const party = await add(w, SYS, 'Party members', org1);
	const honors = await add(w, SYS, 'Honors');
	const veto = await add(w, SYS, 'Veto');
	// a third-level indicator has no children
	const r = await w.post(`/assessment/systems/${SYS}/indicators`, { name: 'Too deep', parent_id: onTime });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('assess_bad_parent', 'en')));
	assert.deepEqual(sql(`SELECT level FROM assess_indicators WHERE id IN (${sup}, ${cases}, ${onTime}) ORDER BY id`), [[1], [2], [3]]);

	let s = await save(w, plan, { name: 'Plan', max_points: 20, standard: 'A plan and a budget', evidence: ['materials', 'report'], method: 'manual' });
	assert.equal(s.status, 303, s.text.slice(0, 600));
	s = await save(w, party, { name: 'Party members', max_points: 20, method: 'formula', formula: 'min(20, 20 * party_members / staff / 0.3)', evidence: 'materials' });
	assert.equal(s.status, 303, s.text.slice(0, 600));
	s = await save(w, onTime, { name: 'On time', max_points: 20, method: 'formula', formula: 'if(on_time_rate < 0, 20, min(20, on_time_rate / 5))' });
	assert.equal(s.status, 303);
	s = await save(w, overdue, { name: 'Overdue', max_points: 10, method: 'deduction', metric: 'overdue_cases', per_event: '0.5', weight_window: '5', weight_post: '0' });
	assert.equal(s.status, 303);
	s = await save(w, honors, { name: 'Honors', max_points: 30, method: 'bonus', bonus_national: 5, bonus_provincial: 3, bonus_prefecture: '', bonus_county: '0.5' });
	assert.equal(s.status, 303);
	s = await save(w, veto, { name: 'Veto', max_points: 0, method: 'veto', formula: 'rect_repeats >= 3' });
	assert.equal(s.status, 303);

	const rows = indicators(SYS);
	const by = Object.fromEntries(rows.map((x) => [x[0], x]));
	assert.deepEqual(by.Plan.slice(2, 4), ['manual', '']);
	assert.equal(by.Plan[7], 'materials,report');
	assert.deepEqual(by['Party members'].slice(2, 4), ['formula', 'min(20, 20 * party_members / staff / 0.3)']);
	assert.deepEqual(by.Overdue.slice(2, 6), ['deduction', '', 'overdue_cases', 0.5]);
	assert.equal(by.Honors[8], 'national=5,provincial=3,county=0.5');
	assert.deepEqual(by.Veto.slice(2, 4), ['veto', 'rect_repeats >= 3']);
	assert.deepEqual(sql(`SELECT unit_kind, max_points FROM assess_weights WHERE indicator_id = ${overdue} ORDER BY unit_kind`), [['post', 0], ['window', 5]]);

	// the tree page: totals per level and the leaves' sum (20+20+20+10+30+0 = 100)
	const page = await w.get(`/assessment/systems/${SYS}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /id="leaf-total">100</);
	assert.ok(!page.text.includes('id="total-warning"'));
	assert.match(page.text, new RegExp(`data-indicator="${sup}"><div class="assess-node">.*?<span class="assess-points">30 `));
	assert.match(page.text, new RegExp(`data-indicator="${org1}"><div class="assess-node">.*?<span class="assess-points">40 `));
	// one more point: the warning
	assert.equal((await save(w, plan, { name: 'Plan', max_points: 21, method: 'manual' })).status, 303);
	const warn = await w.get(`/assessment/systems/${SYS}`);
	assert.match(warn.text, /id="leaf-total">101</);
	assert.ok(warn.text.includes('id="total-warning"'));
	assert.ok(warn.text.includes(msgHtml('assess_total_mismatch', 'en')));
	assert.equal((await save(w, plan, { name: 'Plan', max_points: 20, method: 'manual' })).status, 303);
});

test('a bad formula is refused with its message and position, and nothing is saved', async () => {
	await setup();
	const w = W.office;
	const party = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${SYS} AND name = 'Party members'`)[0][0]);
	const before = indicators(SYS);
	const cases = [
		['10 - 2 * overdue_case', 'assess_expr_unknown_metric', 10, 'overdue_case'],
		['min(10)', 'assess_expr_arity', 1, 'min'],
		['1 + (2', 'assess_expr_expected_close', 7, ''],
		['', 'assess_expr_empty', 1, ''],
		['1 + 2 3', 'assess_expr_trailing', 7, ''],
	];
	for (const [formula, key, col, name] of cases) {
		const r = await save(w, party, { name: 'Renamed', max_points: 5, method: 'formula', formula });
		assert.equal(r.status, 422, formula);
		const at = msg('assess_at_char', 'en').replace('%d', col);
		assert.ok(r.text.includes(`${at}: ${msgHtml(key, 'en')}${name}`), `${formula}: ${at} ${msg(key, 'en')}`);
		assert.match(r.text, /id="f-formula-err"/);
		// the form shows what was typed
		assert.ok(r.text.includes('>Renamed<') || r.text.includes('value="Renamed"'));
	}
	// in Chinese too
	const zh = await save(w, party, { name: 'x', max_points: 5, method: 'veto', formula: 'sqrt(4)' });
	assert.equal(zh.status, 422);
	assert.deepEqual(indicators(SYS), before, 'nothing saved');
	// a deduction needs a metric and points each; bonuses at least one level
	assert.equal((await save(w, party, { name: 'x', max_points: 5, method: 'deduction', metric: 'nope', per_event: 1 })).status, 422);
	assert.equal((await save(w, party, { name: 'x', max_points: 5, method: 'deduction', metric: 'overdue_cases', per_event: 0 })).status, 422);
	assert.equal((await save(w, party, { name: 'x', max_points: 5, method: 'bonus' })).status, 422);
	assert.equal((await save(w, party, { name: 'x', max_points: -1, method: 'manual' })).status, 422);
	assert.deepEqual(indicators(SYS), before, 'nothing saved');
});

test('the preview shows each metric\'s value for three units and the formula\'s result', async () => {
	await setup();
	const w = W.office;
	const party = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${SYS} AND name = 'Party members'`)[0][0]);
	const overdue = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${SYS} AND name = 'Overdue'`)[0][0]);
	const page = await w.get(`/assessment/indicators/${party}?u1=${O.S1}&u2=${O.S2}&u3=${O.B}`);
	assert.equal(page.status, 200);
	const row = (unit) => {
		const m = new RegExp(`<tr data-unit="${unit}">(.*?)</tr>`).exec(page.text);
		assert.ok(m, `a row for unit ${unit}`);
		const vals = Object.fromEntries([...m[1].matchAll(/data-metric="(\w+)">([^<]*)</g)].map((x) => [x[1], Number(x[2])]));
		const score = Number(/data-score="([^"]*)"/.exec(m[1])[1]);
		return { vals, score };
	};
	// S1: 4 people, 3 party members → 20 * 3 / 4 / 0.3 = 50, capped at 20
	assert.deepEqual(row(O.S1), { vals: { party_members: 3, staff: 4 }, score: 20 });
	// S2: 1 person, none → 0
	assert.deepEqual(row(O.S2), { vals: { party_members: 0, staff: 1 }, score: 0 });
	// the bureau: 5 people, 3 → 20 * 0.6 / 0.3 = 40 → 20
	assert.deepEqual(row(O.B), { vals: { party_members: 3, staff: 5 }, score: 20 });
	// the values are the metrics': the organization's statistics say the same
	const stats = await W.admin.get(`/api/v1/org/stats?unit=${O.S1}`);
	if (stats.status === 200) assert.match(stats.text, /"party_members":\s*3/);
	// a formula not yet saved is previewed as typed, and stays unsaved
	const pv = await w.post(`/assessment/indicators/${party}`, { preview: 1, name: 'Party members', max_points: 20, method: 'formula', formula: 'staff * 2 + 1 / 0', u1: O.S1, u2: O.S2, u3: O.D1 });
	assert.equal(pv.status, 200);
	assert.match(pv.text, new RegExp(`<tr data-unit="${O.S1}">.*?data-score="8"`));
	assert.match(pv.text, new RegExp(`<tr data-unit="${O.D1}">.*?data-metric="staff">1<.*?data-score="2"`));
	assert.ok(pv.text.includes(msgHtml('assess_w_div_zero', 'en')));
	assert.equal(sql(`SELECT formula FROM assess_indicators WHERE id = ${party}`)[0][0], 'min(20, 20 * party_members / staff / 0.3)');
	// a deduction: no cases, none overdue: full points
	const d = await w.get(`/assessment/indicators/${overdue}?u1=${O.S1}`);
	assert.match(d.text, new RegExp(`<tr data-unit="${O.S1}">.*?data-metric="overdue_cases">0<.*?data-score="10"`));
	// without units asked for: the first three secondary units (here two)
	const dflt = await w.get(`/assessment/indicators/${party}`);
	assert.equal([...dflt.text.matchAll(/<tr data-unit="(\d+)">/g)].map((x) => Number(x[1])).sort().join(), [O.S1, O.S2].sort().join());
	// the help names every metric
	assert.ok(dflt.text.includes('<code>overdue_cases</code>') && dflt.text.includes('<code>attendance_rate</code>'));
});

test('a system in use is versioned, never edited in place; copying to the next year keeps the tree', async () => {
	await setup();
	const w = W.office;
	const r = await w.post(`/assessment/systems/${SYS}/activate`, {});
	assert.equal(r.status, 303);
	assert.equal(sql(`SELECT state FROM assess_systems WHERE id = ${SYS}`)[0][0], 'in_use');
	const plan = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${SYS} AND name = 'Plan'`)[0][0]);
	const before = indicators(SYS);
	// no edit, no new indicator, no delete in place
	assert.equal((await save(w, plan, { name: 'Changed', max_points: 1, method: 'manual' })).status, 409);
	assert.equal((await w.post(`/assessment/systems/${SYS}/indicators`, { name: 'New' })).status, 409);
	assert.equal((await w.post(`/assessment/indicators/${plan}/delete`, {})).status, 409);
	assert.deepEqual(indicators(SYS), before);
	// revise: a new draft version with the same tree, origin kept
	const rv = await w.post(`/assessment/systems/${SYS}/revise`, {});
	assert.equal(rv.status, 303);
	const V2 = idOf(rv);
	assert.deepEqual(sql(`SELECT year, version, state, based_on FROM assess_systems WHERE id = ${V2}`), [[YEAR, 2, 'draft', SYS]]);
	assert.deepEqual(indicators(V2), before);
	assert.equal(sql(`SELECT COUNT(*) FROM assess_indicators n JOIN assess_indicators o ON o.id = n.origin_id WHERE n.system_id = ${V2} AND o.system_id = ${SYS}`)[0][0], before.length);
	assert.deepEqual(sql(`SELECT w.unit_kind, w.max_points FROM assess_weights w JOIN assess_indicators i ON i.id = w.indicator_id WHERE i.system_id = ${V2} ORDER BY 1`), [['post', 0], ['window', 5]]);
	// a second revision while the draft exists: refused
	assert.equal((await w.post(`/assessment/systems/${SYS}/revise`, {})).status, 409);
	// the sub-units' share: set on the draft (0–100, in words when not),
	// never on the system in use; the revision kept the old one's
	assert.deepEqual(sql(`SELECT sub_share FROM assess_systems WHERE id IN (${SYS}, ${V2}) ORDER BY id`), [[50], [50]]);
	for (const bad of ['101', '-1', 'half', ''].map((v) => ({ sub_share: v }))) {
		const res = await w.post(`/assessment/systems/${V2}/rollup`, bad);
		assert.equal(res.status, 422, JSON.stringify(bad));
		assert.ok(res.text.includes(msgHtml('assess_bad_share', 'en')));
	}
	assert.equal((await w.post(`/assessment/systems/${SYS}/rollup`, { sub_share: 20 })).status, 409);
	assert.equal((await w.post(`/assessment/systems/${V2}/rollup`, { sub_share: 20 })).status, 303);
	assert.deepEqual(sql(`SELECT sub_share FROM assess_systems WHERE id IN (${SYS}, ${V2}) ORDER BY id`), [[50], [20]]);
	assert.equal(sql(`SELECT COUNT(*) FROM audit WHERE action = 'assessment_system_rollup' AND entity_id = '${V2}'`)[0][0], 1);
	assert.ok((await w.get(`/assessment/systems/${V2}`)).text.includes('<dd id="sub-share">20 %</dd>'));
	// the draft is edited; the one in use is not
	const plan2 = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${V2} AND name = 'Plan'`)[0][0]);
	assert.equal((await save(w, plan2, { name: 'Plan v2', max_points: 20, method: 'manual' })).status, 303);
	assert.deepEqual(indicators(SYS), before);
	// the new version in use supersedes the old one
	assert.equal((await w.post(`/assessment/systems/${V2}/activate`, {})).status, 303);
	assert.deepEqual(sql(`SELECT id, state FROM assess_systems WHERE year = ${YEAR} ORDER BY id`), [[SYS, 'superseded'], [V2, 'in_use']]);
	// copy to the next year: version 1, a draft, the same tree
	const cp = await w.post(`/assessment/systems/${V2}/copy`, {});
	assert.equal(cp.status, 303);
	const NEXT = idOf(cp);
	assert.deepEqual(sql(`SELECT year, version, state, sub_share FROM assess_systems WHERE id = ${NEXT}`), [[YEAR + 1, 1, 'draft', 20]]);
	assert.deepEqual(indicators(NEXT), indicators(V2));
	// once the next year has a system, copying again is refused
	assert.equal((await w.post(`/assessment/systems/${V2}/copy`, {})).status, 409);
	// a new system for a year that has one: refused
	const dup = await w.post('/assessment/systems', { year: YEAR, name: 'again', total_points: 100 });
	assert.equal(dup.status, 422);
	assert.ok(dup.text.includes(msgHtml('assess_year_taken', 'en')));
});

test('only the office changes systems; the others read the systems in use and no draft', async () => {
	await setup();
	const draft = Number(sql(`SELECT id FROM assess_systems WHERE year = ${YEAR + 1}`)[0][0]);
	const inUse = Number(sql(`SELECT id FROM assess_systems WHERE year = ${YEAR} AND state = 'in_use'`)[0][0]);
	const leaf = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${inUse} AND name = 'Party members'`)[0][0]);
	const draftLeaf = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${draft} AND name = 'Party members'`)[0][0]);
	const before = sql('SELECT COUNT(*) FROM assess_systems')[0][0];
	for (const who of ['leader', 'ua', 'staff']) {
		const w = W[who];
		const list = await w.get('/assessment/systems');
		assert.equal(list.status, 200);
		assert.ok(list.text.includes(`/assessment/systems/${inUse}"`), `${who} sees the system in use`);
		assert.ok(!list.text.includes(`/assessment/systems/${draft}"`), `${who} does not see the draft`);
		assert.ok(!list.text.includes('id="new-system"'));
		assert.equal((await w.get(`/assessment/systems/${inUse}`)).status, 200);
		assert.equal((await w.get(`/assessment/systems/${draft}`)).status, 404);
		const lp = await w.get(`/assessment/indicators/${leaf}`);
		assert.equal(lp.status, 200);
		assert.ok(!lp.text.includes('id="preview"'), 'no preview of other units for them');
		assert.equal((await w.get(`/assessment/indicators/${draftLeaf}`)).status, 404);
		assert.equal((await w.post('/assessment/systems', { year: 2040, name: 'x', total_points: 100 })).status, 403);
		assert.equal((await w.post(`/assessment/systems/${draft}/indicators`, { name: 'x' })).status, 403);
		assert.equal((await w.post(`/assessment/systems/${draft}/activate`, {})).status, 403);
		assert.equal((await w.post(`/assessment/systems/${draft}/rollup`, { sub_share: 0 })).status, 403);
		assert.equal((await w.post(`/assessment/systems/${inUse}/revise`, {})).status, 403);
		assert.equal((await w.post(`/assessment/systems/${inUse}/copy`, {})).status, 403);
		assert.equal((await save(w, draftLeaf, { name: 'x', max_points: 1, method: 'manual' })).status, 403);
		assert.equal((await w.post(`/assessment/indicators/${draftLeaf}/delete`, {})).status, 403);
	}
	assert.equal(sql('SELECT COUNT(*) FROM assess_systems')[0][0], before);
	// the admin is the office too: deletes a leaf of the draft
	const del = await W.admin.post(`/assessment/indicators/${draftLeaf}/delete`, {});
	assert.equal(del.status, 303);
	assert.equal(sql(`SELECT COUNT(*) FROM assess_indicators WHERE id = ${draftLeaf}`)[0][0], 0);
	// deleting a first-level indicator takes its subtree
	const sup = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${draft} AND name = 'Supervision'`)[0][0]);
	assert.equal((await W.office.post(`/assessment/indicators/${sup}/delete`, {})).status, 303);
	assert.deepEqual(sql(`SELECT name FROM assess_indicators WHERE system_id = ${draft} AND name IN ('Supervision', 'Cases', 'On time', 'Overdue')`), []);
});

test('the pages are valid HTML: the list, a tree, a leaf with its preview and help, a refused formula', async () => {
	await setup();
	const { HtmlValidate } = require('html-validate');
	const validator = new HtmlValidate({
		extends: ['html-validate:standard'],
		rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' },
	});
	const sys = Number(sql(`SELECT id FROM assess_systems WHERE year = ${YEAR} AND state = 'in_use'`)[0][0]);
	const draft = Number(sql(`SELECT id FROM assess_systems WHERE year = ${YEAR + 1}`)[0][0]);
	const leaf = Number(sql(`SELECT id FROM assess_indicators WHERE system_id = ${draft} AND name LIKE 'Plan%'`)[0][0]);
	const pages = [
		['list', await W.office.get('/assessment/systems')],
		['in use', await W.office.get(`/assessment/systems/${sys}`)],
		['draft', await W.office.get(`/assessment/systems/${draft}`)],
		['leaf', await W.office.get(`/assessment/indicators/${leaf}`)],
		['refused', await save(W.office, leaf, { name: 'Plan', max_points: 5, method: 'formula', formula: 'min(1, foo)' })],
		['read only', await W.staff.get(`/assessment/systems/${sys}`)],
	];
	const found = [];
	for (const [what, r] of pages) {
		assert.ok([200, 422].includes(r.status), `${what}: ${r.status}`);
		const report = await validator.validateString(r.text);
		found.push(...report.results.flatMap((x) => x.messages).map((m) => `${what}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
	}
	assert.deepEqual(found, []);
});
