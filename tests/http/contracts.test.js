'use strict';
// Responsibility contracts (src/assessment/contracts*.c): the office issues
// a contract to every secondary unit from the year's system in use, with
// the indicators that apply to the unit's kind; a unit's clerk decomposes
// it to departments and windows, a window's clerk to posts (people with
// accounts); the parent's page shows what no child covers; every
// transition as each role, allowed and refused (a refusal in words, nothing
// written); the overview counts who has signed per level in the user's
// scope and reminds the unsigned through the inbox; the PDF reads back
// with the Chinese names; the public verification page says only whether a
// code is real, with the parties and the state.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { serverPerFile, test, msgHtml } = require('./lib');
const { api, create, getBytes } = require('./records_lib');

const ctx = serverPerFile();
const YEAR = 2031;
let U, W, O, SYS, IND;

const sql = (q) => ctx.srv.sql(q);
const one = (q) => sql(q)[0]?.[0];
const idOf = (res) => Number(/\/(\d+)(#.*)?$/.exec(res.header('location'))[1]);
const contractOf = (unit, person) =>
	Number(one(`SELECT id FROM assess_contracts WHERE year = ${YEAR} AND holder_unit_id = ${unit} AND ${person ? `holder_person_id = ${person}` : 'holder_person_id IS NULL'}`));
const stateOf = (id) => one(`SELECT state FROM assess_contracts WHERE id = ${id}`);
const itemsOf = (id) => sql(`SELECT i.name FROM assess_contract_items ci JOIN assess_indicators i ON i.id = ci.indicator_id WHERE ci.contract_id = ${id} ORDER BY i.id`).map((r) => r[0]);
const en = (key) => msgHtml(key, 'en');

async function setup() {
	if (U) return;
	const { srv } = ctx;
	const a = api(srv);
	const unit = async (code, name, kind, parent) => (await create(a, 'units', { code, name, kind, parent_id: parent ?? null })).id;
	O = {};
	O.B = await unit('KB', '交通運輸局', 'bureau');
	O.S1 = await unit('KS1', '運輸管理處', 'secondary', O.B);
	O.D1 = await unit('KD1', '綜合科', 'department', O.S1);
	O.W1 = await unit('KW1', '辦證窗口', 'window', O.S1);
	O.S2 = await unit('KS2', '公路管理局', 'secondary', O.B);
	U = {
		office: srv.createUser('k_office', 'office'),
		s1: srv.createUser('k_s1', 'unit_admin', O.S1),
		d1: srv.createUser('k_d1', 'unit_admin', O.D1),
		w1: srv.createUser('k_w1', 'leader', O.W1),
		s2: srv.createUser('k_s2', 'unit_admin', O.S2),
		p1: srv.createUser('k_p1', 'staff', O.W1),
		p2: srv.createUser('k_p2', 'staff', O.W1),
	};
	O.P1 = (await create(a, 'people', { name: '王小明', unit_id: O.W1, status: 'active', account: 'k_p1' })).id;
	O.P2 = (await create(a, 'people', { name: '李小華', unit_id: O.W1, status: 'active', account: 'k_p2' })).id;
	await create(a, 'people', { name: '無帳號', unit_id: O.W1, status: 'active' });
	// the year's system in use: 組織領導 (領導機構 8, 「五個一」 6 — not for posts), 服務質量 (服務環境 5 — not for departments)
	sql(`INSERT INTO assess_systems (year, version, name, state, total_points, created_at) VALUES (${YEAR}, 1, '${YEAR} 年度文明創建考核指標體系', 'in_use', 19, 0)`);
	SYS = Number(one(`SELECT id FROM assess_systems WHERE year = ${YEAR}`));
	const ind = (parent, level, pos, name, pts) => {
		sql(`INSERT INTO assess_indicators (system_id, parent_id, level, position, name, max_points) VALUES (${SYS}, ${parent ?? 'NULL'}, ${level}, ${pos}, '${name}', ${pts})`);
		return Number(one(`SELECT id FROM assess_indicators WHERE system_id = ${SYS} AND name = '${name}'`));
	};
	IND = {};
	IND.org = ind(null, 1, 1, '組織領導', 0);
	IND.lead = ind(IND.org, 2, 1, '領導機構與年度計畫', 8);
	IND.five = ind(IND.org, 2, 2, '「五個一」完成情況', 6);
	IND.svc = ind(null, 1, 2, '服務質量', 0);
	IND.env = ind(IND.svc, 2, 1, '服務環境', 5);
	sql(`INSERT INTO assess_weights (indicator_id, unit_kind, max_points) VALUES (${IND.five}, 'post', 0)`);
	sql(`INSERT INTO assess_weights (indicator_id, unit_kind, max_points) VALUES (${IND.env}, 'department', 0)`);
	sql(`INSERT INTO assess_weights (indicator_id, unit_kind, max_points) VALUES (${IND.lead}, 'secondary', 10)`);
	W = { anon: srv.client({ headers: { 'Accept-Language': 'en' } }) };
	for (const k of Object.keys(U)) W[k] = await srv.signIn(U[k].name, U[k].password, { headers: { 'Accept-Language': 'en' } });
}

async function sign(w, id, side) {
	return w.post(`/assessment/contracts/${id}/sign`, { side });
}

test('the office issues to every secondary unit: the indicators of the unit kind, with their points; nobody else may', async () => {
	await setup();
	// a unit's clerk cannot issue, nor create one
	let r = await W.s1.post('/assessment/contracts/issue-all', { year: YEAR });
	assert.equal(r.status, 403);
	r = await W.s1.post('/assessment/contracts', { year: YEAR, unit_id: O.S1 });
	assert.equal(r.status, 403);
	assert.equal(Number(one('SELECT count(*) FROM assess_contracts')), 0, 'nothing written');
	// a year without a system in use
	r = await W.office.post('/assessment/contracts/issue-all', { year: 2099 });
	assert.equal(r.status, 422);
	r = await W.office.post('/assessment/contracts/issue-all', { year: YEAR });
	assert.equal(r.status, 303);
	const s1 = contractOf(O.S1), s2 = contractOf(O.S2);
	assert.ok(s1 && s2);
	assert.deepEqual(sql(`SELECT level, state, issuer_unit_id FROM assess_contracts WHERE id = ${s1}`), [['1', 'issued', String(O.B)]]);
	assert.deepEqual(itemsOf(s1), ['領導機構與年度計畫', '「五個一」完成情況', '服務環境']);
	assert.equal(Number(one(`SELECT points FROM assess_contract_items WHERE contract_id = ${s1} AND indicator_id = ${IND.lead}`)), 10, 'the weight for secondary units');
	assert.match(one(`SELECT verify_code FROM assess_contracts WHERE id = ${s1}`), /^[2-9A-Z]{12}$/);
	// again: nobody is left, no duplicate
	r = await W.office.post('/assessment/contracts/issue-all', { year: YEAR });
	assert.equal(r.status, 303);
	assert.equal(Number(one(`SELECT count(*) FROM assess_contracts WHERE year = ${YEAR}`)), 2);
	// one by one for a unit that has one: refused
	r = await W.office.post('/assessment/contracts', { year: YEAR, unit_id: O.S1 });
	assert.equal(r.status, 409);
	// the holder's clerk was notified
	assert.ok(Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.s1.id} AND kind = 'assessment.contract'`)) >= 1);
	assert.ok(Number(one(`SELECT count(*) FROM audit WHERE action = 'assessment_contract_issue' AND entity_id = '${s1}'`)) === 1);
});

test('signing: each side by its own account, recorded with user and time; refusals in words, nothing written', async () => {
	await setup();
	const s1 = contractOf(O.S1);
	// outsiders do not even see it
	for (const w of [W.s2, W.p1, W.d1]) assert.equal((await sign(w, s1, 'holder')).status, 404);
	assert.equal((await W.s2.get(`/assessment/contracts/${s1}`)).status, 404);
	// the holder's clerk cannot sign for the issuer, the office not for the holder
	let r = await sign(W.s1, s1, 'issuer');
	assert.equal(r.status, 403);
	assert.ok(r.text.includes(en('contract_not_issuer')), 'the refusal says why');
	r = await sign(W.office, s1, 'holder');
	assert.equal(r.status, 403);
	assert.ok(r.text.includes(en('contract_not_holder')));
	r = await sign(W.office, s1, 'both');
	assert.equal(r.status, 422);
	assert.deepEqual(sql(`SELECT issuer_signed_at, holder_signed_at, state FROM assess_contracts WHERE id = ${s1}`), [['', '', 'issued']]);
	// the page offers the holder's clerk the big button
	const page = await W.s1.get(`/assessment/contracts/${s1}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /<input type="hidden" name="side" value="holder">/);
	r = await sign(W.s1, s1, 'holder');
	assert.equal(r.status, 303);
	assert.deepEqual(sql(`SELECT holder_signed_by, state FROM assess_contracts WHERE id = ${s1}`), [[String(U.s1.id), 'issued']]);
	assert.ok(Number(one(`SELECT holder_signed_at FROM assess_contracts WHERE id = ${s1}`)) > 1.7e9);
	r = await sign(W.s1, s1, 'holder');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(en('contract_side_signed')));
	r = await sign(W.office, s1, 'issuer');
	assert.equal(r.status, 303);
	assert.deepEqual(sql(`SELECT issuer_signed_by, state FROM assess_contracts WHERE id = ${s1}`), [[String(U.office.id), 'in_force']]);
	r = await sign(W.office, s1, 'issuer');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(en('contract_already_signed')));
	assert.equal(Number(one(`SELECT count(*) FROM audit WHERE action = 'assessment_contract_sign' AND entity_id = '${s1}'`)), 2);
	const shown = await W.s1.get(`/assessment/contracts/${s1}`);
	assert.match(shown.text, /data-state="in_force"/);
	assert.match(shown.text, /id="sig-holder"[\s\S]*k_s1/);
});

test('decomposition: a draft for one department, edited and issued by the clerk above; coverage shows what no child holds', async () => {
	await setup();
	const s1 = contractOf(O.S1);
	// only the holder unit's clerks (and the office) decompose
	assert.equal((await W.s2.post(`/assessment/contracts/${s1}/decompose`, { unit_id: O.D1 })).status, 404);
	let r = await W.s1.post(`/assessment/contracts/${s1}/decompose`, { unit_id: O.S2 });
	assert.equal(r.status, 422, 'not a unit under S1');
	r = await W.s1.post(`/assessment/contracts/${s1}/decompose`, { person_id: O.P1 });
	assert.equal(r.status, 422, 'a secondary unit decomposes to units, not people');
	assert.equal(Number(one(`SELECT count(*) FROM assess_contracts WHERE parent_id = ${s1}`)), 0, 'nothing written');
	r = await W.s1.post(`/assessment/contracts/${s1}/decompose`, { unit_id: O.D1 });
	assert.equal(r.status, 303);
	const d1 = idOf(r);
	assert.deepEqual(sql(`SELECT level, parent_id, issuer_unit_id, holder_unit_id, state FROM assess_contracts WHERE id = ${d1}`), [['2', String(s1), String(O.S1), String(O.D1), 'draft']]);
	assert.deepEqual(itemsOf(d1), ['領導機構與年度計畫', '「五個一」完成情況'], 'a department has no 服務環境');
	// the parent shows the one indicator no child holds
	let page = await W.s1.get(`/assessment/contracts/${s1}`);
	const uncovered = /<div class="flash flash-warn" role="status" id="uncovered">([\s\S]*?)<\/div>/.exec(page.text)[1];
	assert.deepEqual([...uncovered.matchAll(/<li data-indicator="(\d+)">/g)].map((m) => Number(m[1])), [IND.env]);
	// the holder's clerk neither edits nor issues a draft; nobody signs it
	r = await W.d1.post(`/assessment/contracts/${d1}/issue`, {});
	assert.equal(r.status, 403);
	assert.ok(r.text.includes(en('contract_not_issuer')));
	r = await W.d1.post(`/assessment/contracts/${d1}`, { targets: 'mine', [`inc_${IND.lead}`]: 1 });
	assert.equal(r.status, 403);
	assert.equal(one(`SELECT targets FROM assess_contracts WHERE id = ${d1}`), one(`SELECT targets FROM assess_contracts WHERE id = ${s1}`), 'nothing written');
	assert.equal((await W.p1.post(`/assessment/contracts/${d1}`, { targets: 'x' })).status, 404, 'staff of another unit do not see it');
	r = await sign(W.d1, d1, 'holder');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(en('contract_not_issued')));
	// points above the parent's are refused, nothing written
	r = await W.s1.post(`/assessment/contracts/${d1}`, { targets: 'x', [`inc_${IND.lead}`]: 1, [`pts_${IND.lead}`]: 11 });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(en('contract_bad_points')));
	assert.equal(itemsOf(d1).length, 2);
	r = await W.s1.post(`/assessment/contracts/${d1}`, { targets: '年度目標：良好以上', [`inc_${IND.lead}`]: 1, [`pts_${IND.lead}`]: 7.5, [`tgt_${IND.lead}`]: '計畫年初報送' });
	assert.equal(r.status, 303);
	assert.deepEqual(sql(`SELECT indicator_id, points, target FROM assess_contract_items WHERE contract_id = ${d1}`).map((x) => [Number(x[0]), Number(x[1]), x[2]]), [[IND.lead, 7.5, '計畫年初報送']]);
	r = await W.s1.post(`/assessment/contracts/${d1}/issue`, {});
	assert.equal(r.status, 303);
	assert.equal(stateOf(d1), 'issued');
	r = await W.s1.post(`/assessment/contracts/${d1}`, { targets: 'late' });
	assert.equal(r.status, 409, 'an issued contract is not edited');
	assert.ok(Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.d1.id} AND kind = 'assessment.contract'`)) >= 1);
	page = await W.s1.get(`/assessment/contracts/${s1}`);
	assert.match(page.text, /id="uncovered"[\s\S]*data-indicator="\d+">組織領導 › 「五個一」完成情況/);
	// decompose to all: the window gets its contract, issued; everything covered
	r = await W.s1.post(`/assessment/contracts/${s1}/decompose`, {});
	assert.equal(r.status, 303);
	const w1 = contractOf(O.W1);
	assert.equal(stateOf(w1), 'issued');
	assert.deepEqual(itemsOf(w1), ['領導機構與年度計畫', '「五個一」完成情況', '服務環境']);
	page = await W.s1.get(`/assessment/contracts/${s1}`);
	assert.ok(!page.text.includes('id="uncovered"'));
	assert.match(page.text, /id="covered"/);
	assert.equal((page.text.match(/data-child="/g) || []).length, 2);
	// the department's clerk signs; the window's clerk signs; the clerk above signs both for the issuer
	assert.equal((await sign(W.d1, d1, 'holder')).status, 303);
	assert.equal((await sign(W.s1, d1, 'issuer')).status, 303);
	assert.equal(stateOf(d1), 'in_force');
	assert.equal((await sign(W.w1, w1, 'holder')).status, 303);
	assert.equal(stateOf(w1), 'issued');
});

test('posts: the window decomposes to the people with accounts; each signs their own; a post has nothing below', async () => {
	await setup();
	const w1 = contractOf(O.W1);
	assert.equal((await W.p1.post(`/assessment/contracts/${w1}/decompose`, {})).status, 404, 'staff do not see the window contract');
	let r = await W.w1.post(`/assessment/contracts/${w1}/decompose`, {});
	assert.equal(r.status, 303);
	const c1 = contractOf(O.W1, O.P1), c2 = contractOf(O.W1, O.P2);
	assert.ok(c1 && c2);
	assert.equal(Number(one(`SELECT count(*) FROM assess_contracts WHERE parent_id = ${w1}`)), 2, 'the person without an account has none');
	assert.deepEqual(itemsOf(c1), ['領導機構與年度計畫', '服務環境'], 'no 「五個一」 for a post');
	// 「五個一」 is now in no child of the window
	const page = await W.w1.get(`/assessment/contracts/${w1}`);
	assert.match(page.text, /id="uncovered"[\s\S]*「五個一」完成情況/);
	// each person signs only their own
	assert.equal((await sign(W.p2, c1, 'holder')).status, 404);
	r = await sign(W.w1, c1, 'holder');
	assert.equal(r.status, 403);
	assert.ok(r.text.includes(en('contract_not_holder')));
	const mine = await W.p1.get(`/assessment/contracts?year=${YEAR}`);
	assert.match(mine.text, new RegExp(`id="waiting-mine"[\\s\\S]*href="/assessment/contracts/${c1}"`));
	assert.ok(!mine.text.includes('id="remind"'), 'staff are not offered reminders');
	assert.equal((await sign(W.p1, c1, 'holder')).status, 303);
	assert.equal((await sign(W.w1, c1, 'issuer')).status, 303);
	assert.equal(stateOf(c1), 'in_force');
	r = await W.p1.post(`/assessment/contracts/${c1}/decompose`, {});
	assert.equal(r.status, 403);
	assert.ok(r.text.includes(en('contract_no_lower')));
	// a start date ahead: signed, not in force until then
	sql(`UPDATE assess_contracts SET starts_on = '2099-01-01' WHERE id = ${c2}`);
	assert.equal((await sign(W.p2, c2, 'holder')).status, 303);
	assert.equal((await sign(W.w1, c2, 'issuer')).status, 303);
	assert.equal(stateOf(c2), 'signed');
	// the date comes: in force when next read
	sql(`UPDATE assess_contracts SET starts_on = '2000-01-01' WHERE id = ${c2}`);
	await W.p2.get(`/assessment/contracts/${c2}`);
	assert.equal(stateOf(c2), 'in_force');
});

test('who has signed per level, in each one\'s scope; reminders reach the unsigned holders\' inboxes', async () => {
	await setup();
	const counts = (text) => {
		const out = {};
		for (const m of text.matchAll(/<tr data-level="(\d)">[\s\S]*?data-unsigned="(\d+)"[\s\S]*?data-signed="(\d+)"/g)) out[m[1]] = [Number(m[2]), Number(m[3])];
		return out;
	};
	// S2 unsigned at level 1; the window's contract waits for its issuer
	let r = await W.office.get(`/assessment/contracts?year=${YEAR}`);
	assert.equal(r.status, 200);
	assert.deepEqual(counts(r.text), { 1: [1, 1], 2: [1, 1], 3: [0, 2] });
	r = await W.s1.get(`/assessment/contracts?year=${YEAR}`);
	assert.deepEqual(counts(r.text), { 1: [0, 1], 2: [1, 1], 3: [0, 2] }, 'S1 sees its own subtree');
	r = await W.s2.get(`/assessment/contracts?year=${YEAR}`);
	assert.deepEqual(counts(r.text), { 1: [1, 0] });
	// the unsigned list names them
	r = await W.office.get(`/assessment/contracts?year=${YEAR}`);
	const list = /<section class="card" id="contracts">([\s\S]*?)<\/section>/.exec(r.text)[1];
	assert.ok(list.includes('公路管理局') && list.includes('辦證窗口'));
	assert.ok(!list.includes('綜合科'), 'signed ones are not in the unsigned list');
	// staff cannot remind; the office reminds every unsigned holder
	assert.equal((await W.p1.post('/assessment/contracts/remind', { year: YEAR })).status, 403);
	const before = Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.s2.id} AND kind = 'assessment.contract'`));
	r = await W.office.post('/assessment/contracts/remind', { year: YEAR });
	assert.equal(r.status, 303);
	assert.equal(Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.s2.id} AND kind = 'assessment.contract'`)), before + 1);
	assert.equal(one(`SELECT link FROM notifications WHERE user_id = ${U.s2.id} ORDER BY id DESC LIMIT 1`), `/assessment/contracts/${contractOf(O.S2)}`);
	// from a contract's page: only its children (the office's S2 contract is no child of S1's)
	const s1 = contractOf(O.S1), w1 = contractOf(O.W1);
	sql(`UPDATE assess_contracts SET holder_signed_at = NULL, holder_signed_by = NULL WHERE id = ${w1}`);
	const page = await W.s1.get(`/assessment/contracts/${s1}`);
	assert.match(page.text, /id="remind-children"/);
	const s2before = Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.s2.id}`));
	const w1n = Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.w1.id}`));
	r = await W.s1.post('/assessment/contracts/remind', { year: YEAR, parent: s1 });
	assert.equal(r.status, 303);
	assert.equal(r.header('location'), `/assessment/contracts/${s1}#children`);
	assert.equal(Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.w1.id}`)), w1n + 1);
	assert.equal(Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.s2.id}`)), s2before);
	sql(`UPDATE assess_contracts SET holder_signed_at = 1800000000, holder_signed_by = ${U.w1.id} WHERE id = ${w1}`);
	// the window's holder has signed: not reminded again
	const w1before = Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.w1.id}`));
	r = await W.s1.post('/assessment/contracts/remind', { year: YEAR });
	assert.equal(r.status, 303);
	assert.equal(Number(one(`SELECT count(*) FROM notifications WHERE user_id = ${U.w1.id}`)), w1before);
});

function pdfText(bytes) {
	const f = path.join(os.tmpdir(), `wenming-contract-${process.pid}.pdf`);
	fs.writeFileSync(f, bytes);
	try {
		return execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
	} finally {
		fs.unlinkSync(f);
	}
}

test('the PDF: parties, targets, indicators, signatures and the code; for the parties, the clerks above and the office', async () => {
	await setup();
	const s1 = contractOf(O.S1), c1 = contractOf(O.W1, O.P1);
	const got = await getBytes(W.s1, `/assessment/contracts/${s1}.pdf`);
	assert.equal(got.status, 200);
	assert.equal(got.headers.get('content-type'), 'application/pdf');
	assert.equal(got.bytes.subarray(0, 5).toString(), '%PDF-');
	const text = pdfText(got.bytes).replace(/\s+/g, '');
	const code = one(`SELECT verify_code FROM assess_contracts WHERE id = ${s1}`);
	for (const s of ['交通運輸局', '運輸管理處', '領導機構與年度計畫', '「五個一」完成情況', '服務環境', 'k_s1', 'k_office', code, `/assessment/contracts/verify/${code}`])
		assert.ok(text.includes(s), `the PDF has ${s}`);
	// the post's PDF: the person, the clerk above, the office; not a colleague, not another unit
	for (const w of [W.p1, W.w1, W.s1, W.office]) assert.equal((await getBytes(w, `/assessment/contracts/${c1}.pdf`)).status, 200);
	for (const w of [W.p2, W.s2, W.d1]) assert.equal((await getBytes(w, `/assessment/contracts/${c1}.pdf`)).status, 404);
	assert.equal((await getBytes(W.anon, `/assessment/contracts/${c1}.pdf`)).status, 303, 'signed in only');
	const post = pdfText((await getBytes(W.p1, `/assessment/contracts/${c1}.pdf`)).bytes).replace(/\s+/g, '');
	assert.ok(post.includes('王小明') && post.includes('辦證窗口') && post.includes('k_p1'));
	assert.equal((await getBytes(W.office, '/assessment/contracts/999999.pdf')).status, 404);
	assert.equal((await getBytes(W.office, '/assessment/contracts/x1.pdf')).status, 404);
	assert.ok(Number(one(`SELECT count(*) FROM audit WHERE action = 'export' AND entity = 'assess_contracts' AND entity_id = '${s1}'`)) >= 1);
});

test('the public verification page: real or not, the parties and the state, nothing else', async () => {
	await setup();
	const c1 = contractOf(O.W1, O.P1);
	const code = one(`SELECT verify_code FROM assess_contracts WHERE id = ${c1}`);
	const r = await W.anon.get(`/assessment/contracts/verify/${code.toLowerCase().slice(0, 4)}-${code.slice(4)}`);
	assert.equal(r.status, 200);
	assert.ok(r.text.includes(en('contract_genuine')));
	assert.match(r.text, /id="v-issuer">辦證窗口</);
	assert.match(r.text, /id="v-holder">王小明（辦證窗口）</);
	assert.match(r.text, new RegExp(`id="v-state">${en('contract_state_in_force')}<`));
	for (const secret of ['領導機構與年度計畫', '服務環境', 'k_p1', 'k_w1', '年度目標']) assert.ok(!r.text.includes(secret), `the page does not show ${secret}`);
	const no = await W.anon.get('/assessment/contracts/verify/AAAAAAAAAAAA');
	assert.equal(no.status, 404);
	assert.ok(no.text.includes(en('contract_not_genuine')));
	assert.equal((await W.anon.get('/assessment/contracts/verify/%3Cscript%3E')).status, 404);
});

test('the contract pages are valid HTML: overview, a contract with its decomposition, a draft\'s editor, a refusal, the verification', async () => {
	await setup();
	const { HtmlValidate } = require('html-validate');
	const validator = new HtmlValidate({
		extends: ['html-validate:standard'],
		rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' },
	});
	const S3 = (await create(api(ctx.srv), 'units', { code: 'KS3', name: '港航管理處', kind: 'secondary', parent_id: O.B })).id;
	const r = await W.office.post('/assessment/contracts', { year: YEAR, unit_id: S3 });
	assert.equal(r.status, 303);
	const draft = idOf(r);
	assert.equal(stateOf(draft), 'draft');
	const s1 = contractOf(O.S1), w1 = contractOf(O.W1), c1 = contractOf(O.W1, O.P1);
	const pages = [
		[W.office, `/assessment/contracts?year=${YEAR}`, 200],
		[W.office, `/assessment/contracts?year=${YEAR}&show=all&level=2`, 200],
		[W.office, `/assessment/contracts/${draft}`, 200],
		[W.s1, `/assessment/contracts/${s1}`, 200],
		[W.w1, `/assessment/contracts/${w1}`, 200],
		[W.p1, `/assessment/contracts/${c1}`, 200],
		[W.p1, `/assessment/contracts?year=${YEAR}`, 200],
		[W.anon, `/assessment/contracts/verify/${one(`SELECT verify_code FROM assess_contracts WHERE id = ${c1}`)}`, 200],
	];
	const found = [];
	for (const [w, p, status] of pages) {
		const res = await w.get(p);
		assert.equal(res.status, status, p);
		const report = await validator.validateString(res.text);
		found.push(...report.results.flatMap((x) => x.messages).map((m) => `${p}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
	}
	const refused = await sign(W.s1, s1, 'issuer');
	assert.equal(refused.status, 409);
	found.push(...(await validator.validateString(refused.text)).results.flatMap((x) => x.messages).map((m) => `refusal: ${m.ruleId}: ${m.message}`));
	assert.deepEqual(found, []);
	// the draft's editor offers every leaf of the system, the applicable ones ticked
	const editor = (await W.office.get(`/assessment/contracts/${draft}`)).text;
	assert.deepEqual([...editor.matchAll(/name="inc_(\d+)" value="1" id="inc-\d+"( checked)?/g)].map((m) => [Number(m[1]), !!m[2]]),
		[[IND.lead, true], [IND.five, true], [IND.env, true]]);
});
