'use strict';
// Inspections (src/inspections/): the workflow (draft → recorded →
// appealed → upheld / rejected → recorded) taken as every role, the score
// computed from the results, the unannounced rule (the inspected unit's own
// users do not see an unannounced inspection, or an unannounced plan, until
// it is recorded), the phone record page with a photo, bad input that
// changes nothing, conduct supervisors' visits within their units, the
// rectification button on failed results, and the statistics.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const ExcelJS = require('exceljs');
const { api, call, create, org, getBytes } = require('./records_lib');

const ctx = serverPerFile();
let O, PF, PT, U, C, W, items;

const ROLES = ['admin', 'office', 'leader', 'ua1', 'staff1', 'ua2', 'sup'];

/* ---- a PNG made here ---- */
const CRC = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (b) => {
	let c = 0xffffffff;
	for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}
function png(w, h) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const raw = Buffer.alloc((w * 3 + 1) * h, 200);
	for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'I');
	PF = await create(a, 'inspection_checklists', { code: 'i-window', name: 'Window checklist', unit_kind: 'window', scoring: 'pass_fail' });
	PT = await create(a, 'inspection_checklists', { code: 'i-dept', name: 'Department checklist', unit_kind: 'department', scoring: 'points' });
	items = {
		badge: await create(a, 'checklist_items', { checklist_id: PF.id, position: 1, code: 'badge', label: 'Badge worn', max_points: 10 }),
		attitude: await create(a, 'checklist_items', { checklist_id: PF.id, position: 2, code: 'attitude', label: 'Attitude', max_points: 10 }),
		hygiene: await create(a, 'checklist_items', { checklist_id: PF.id, position: 3, code: 'hygiene', label: 'Hygiene', max_points: 10 }),
		rules: await create(a, 'checklist_items', { checklist_id: PT.id, position: 1, code: 'rules', label: 'Rules on the wall', max_points: 10 }),
		ledger: await create(a, 'checklist_items', { checklist_id: PT.id, position: 2, code: 'ledger', label: 'Ledger', max_points: 5 }),
	};
	U = {
		office: srv.createUser('i_office', 'office'),
		leader: srv.createUser('i_leader', 'leader'),
		ua1: srv.createUser('i_ua1', 'unit_admin', O.S1),
		staff1: srv.createUser('i_staff1', 'staff', O.S1),
		ua2: srv.createUser('i_ua2', 'unit_admin', O.S2),
		sup: srv.createUser('i_sup', 'supervisor', O.S1),
	};
	C = { admin: a };
	W = { admin: await srv.admin({ headers: { 'Accept-Language': 'en' } }) };
	for (const k of Object.keys(U)) {
		C[k] = api(srv, U[k].name, 'en');
		W[k] = await srv.signIn(U[k].name, U[k].password, { headers: { 'Accept-Language': 'en' } });
	}
}

const step = (who, id, name, body = {}) => call(C[who], 'POST', `/api/v1/inspections/${id}/transitions/${name}`, body);
async function ok(who, id, name, body) {
	const r = await step(who, id, name, body);
	assert.equal(r.status, 200, `${who} ${name} on inspection ${id}: ${r.status} ${r.text}`);
	return r.json().data;
}

/* A new inspection through /inspections/new as who (a session): its id. */
async function newInspection(who = 'office', fields = {}) {
	const r = await W[who].post('/inspections/new', { unit_id: O.W1, checklist_id: PF.id, inspected_on: '2026-06-10', kind: 'task_force', ...fields });
	assert.equal(r.status, 303, `new inspection as ${who}: ${r.status} ${r.text.slice(0, 800)}`);
	const m = /\/inspections\/(\d+)\/record$/.exec(r.location);
	assert.ok(m, r.location);
	return Number(m[1]);
}

/* Saves results through the record page: answers {itemId: 'pass'|'fail'|points},
 * files [[field, bytes, name, type]]. */
async function save(who, id, answers, { files = [], extra = [], person = 'Ms Yang', note } = {}) {
	const fd = new FormData();
	fd.append('_csrf', await W[who].csrfToken());
	fd.append('person_present', person);
	if (note) fd.append('note', note);
	for (const [item, v] of Object.entries(answers)) {
		if (typeof v === 'number') fd.append(`p${item}`, String(v));
		else fd.append(`r${item}`, v);
	}
	for (const [k, v] of extra) fd.append(k, v);
	for (const [name, bytes, filename, type] of files) fd.append(name, new Blob([bytes], { type: type ?? 'application/octet-stream' }), filename);
	return W[who].request('POST', `/inspections/${id}/record`, { body: fd });
}

async function saved(who, id, answers, opts) {
	const r = await save(who, id, answers, opts);
	assert.equal(r.status, 303, `save results of ${id}: ${r.status} ${r.text.slice(0, 1500)}`);
}

const get = async (who, id) => (await C[who].get(`/api/v1/inspections/${id}`));
const results = (srv, id) => srv.sql(`SELECT item_id, passed, points, COALESCE(photos, '') FROM inspection_results WHERE inspection_id = ${id} ORDER BY item_id`);

async function inState(state, fields) {
	const id = await newInspection('office', fields);
	if (state === 'draft') return id;
	await saved('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' });
	await ok('office', id, 'record', { note: 'Recorded on the spot.' });
	if (state === 'recorded') return id;
	await ok('ua1', id, 'appeal', { reason: 'The badge was in the drawer, worn at once.' });
	return id;
}

test('the score: pass / fail items earn their points, points are summed, failed items counted; over the checklist maximum', async () => {
	await setup();
	const { srv } = ctx;
	const a = await newInspection();
	await saved('office', a, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' });
	let d = (await get('office', a)).json().data;
	assert.equal(d.score, 66.7);
	assert.equal(d.failed, 1);
	assert.equal(d.person_present, 'Ms Yang');
	// answered again: the results are replaced, not added
	await saved('office', a, { [items.badge.id]: 'pass', [items.attitude.id]: 'pass', [items.hygiene.id]: 'pass' });
	d = (await get('office', a)).json().data;
	assert.equal(d.score, 100);
	assert.equal(d.failed, 0);
	assert.equal(results(srv, a).length, 3);
	// points: 8 of 10 (below its maximum: failed) and 5 of 5 → 13 / 15
	const b = await newInspection('office', { unit_id: O.D1, checklist_id: PT.id });
	await saved('office', b, { [items.rules.id]: 8, [items.ledger.id]: 5 });
	d = (await get('office', b)).json().data;
	assert.equal(d.score, 86.7);
	assert.equal(d.failed, 1);
	// an item not answered earns nothing, and the inspection cannot be recorded yet
	const c = await newInspection();
	await saved('office', c, { [items.badge.id]: 'pass' });
	assert.equal((await get('office', c)).json().data.score, 33.3);
	const r = await step('office', c, 'record', {});
	assert.equal(r.status, 422, r.text);
});

const STEPS = [
	// name, from state, body, who may
	['record', 'draft', { note: 'ok' }, ['admin', 'office']],
	['appeal', 'recorded', { reason: 'Fixed on the spot.' }, ['ua1']],
	['uphold', 'appealed', { reason: 'Fixed at once: one point back.', score: 80 }, ['admin', 'office']],
	['reject', 'appealed', { reason: 'The problem stands.' }, ['admin', 'office']],
];

for (const [name, state, body, allowed] of STEPS) {
	test(`step ${name} (from ${state}): ${allowed.join(', ')} may, the others may not`, async () => {
		await setup();
		const id = await inState(state);
		if (name === 'record') {
			await saved('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' });
		}
		for (const who of ROLES) {
			if (allowed.includes(who)) continue;
			const r = await step(who, id, name, body);
			assert.ok([403, 404].includes(r.status), `${who} ${name}: ${r.status} ${r.text}`);
		}
		const who = allowed[allowed.length - 1];
		const d = await ok(who, id, name, body);
		const again = await step(who, id, name, body);
		assert.ok([409, 422].includes(again.status), `${name} twice: ${again.status}`);
		const ev = (await C.office.get(`/api/v1/inspections/${id}/events`)).json().data;
		assert.equal(ev[0].action, 'create');
		assert.ok(ev.some((e) => e.action === name), `the ${name} event is logged`);
		if (name === 'record') {
			assert.equal(d.state, 'recorded');
			assert.equal(d.score, 66.7);
			assert.ok(d.appeal_due, 'an appeal deadline');
			// the unit is told
			const n = ctx.srv.sql(`SELECT count(*) FROM notifications WHERE user_id = ${U.ua1.id} AND kind = 'inspection'`);
			assert.ok(Number(n[0][0]) >= 1, 'the unit administrator is notified');
		}
		if (name === 'appeal') assert.equal(d.appeal, 'pending');
		if (name === 'uphold') {
			assert.equal(d.state, 'recorded');
			assert.equal(d.appeal, 'upheld');
			assert.equal(d.score, 80);
			assert.equal(d.score_original, 66.7, 'the score before the revision stays on the record');
		}
		if (name === 'reject') {
			assert.equal(d.appeal, 'rejected');
			assert.equal(d.score, 66.7);
		}
	});
}

test('an appeal gives a reason, only once; the office\'s upholding asks for the revised score within 0–100', async () => {
	await setup();
	const id = await inState('recorded');
	assert.equal((await step('ua1', id, 'appeal', {})).status, 422, 'a reason is required');
	await ok('ua1', id, 'appeal', { reason: 'Fixed.' });
	assert.equal((await step('office', id, 'uphold', { reason: 'ok', score: 120 })).status, 422);
	assert.equal((await step('office', id, 'uphold', { reason: 'ok' })).status, 422);
	await ok('office', id, 'reject', { reason: 'Stands.' });
	const again = await step('ua1', id, 'appeal', { reason: 'Once more.' });
	assert.equal(again.status, 422, `a second appeal: ${again.status}`);
	// five working days to appeal: past its deadline, refused with the reason
	const late = await inState('recorded');
	ctx.srv.sql(`UPDATE inspections SET appeal_due = '2026-01-05' WHERE id = ${late}`);
	const r2 = await step('ua1', late, 'appeal', { reason: 'Too late.' });
	assert.equal(r2.status, 422);
	assert.ok(r2.text.includes(msg('ins_appeal_late', 'en')), r2.text);
	// a recorded inspection's results are locked
	const r = await save('office', id, { [items.badge.id]: 'fail' });
	assert.equal(r.status, 409);
});

test('unannounced: hidden from the inspected unit\'s users (list, page, API, files, search) until recorded; the office and leaders see it', async () => {
	await setup();
	const { srv } = ctx;
	const id = await newInspection('office', { kind: 'unannounced' });
	await saved('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' }, { files: [[`f${items.attitude.id}`, png(40, 30), 'p.png', 'image/png']] });
	const fid = Number(results(srv, id).find((x) => x[3])[3]);
	for (const who of ['ua1', 'staff1']) {
		assert.equal((await get(who, id)).status, 403, `${who} reads the API record`);
		assert.equal((await W[who].get(`/r/inspections/${id}`)).status, 403, `${who} opens the page`);
		const l = (await C[who].get(`/api/v1/inspections?unit_id=${O.W1}&per_page=100`)).json().data;
		assert.ok(!l.some((x) => x.id === id), `${who}'s list does not have it`);
		const page = await W[who].get('/r/inspections');
		assert.ok(!page.text.includes(`/r/inspections/${id}"`), `${who}'s list page does not link it`);
		assert.equal((await W[who].get(`/files/${fid}/thumb`)).status, 403, `${who} gets its photo`);
		assert.equal((await C[who].get(`/api/v1/inspections/${id}/events`)).status, 403);
	}
	for (const who of ['office', 'leader']) assert.equal((await get(who, id)).status, 200, `${who} sees it`);
	const num = (await get('office', id)).json().data.number;
	const found = async (who) => (await W[who].get(`/search?q=${encodeURIComponent(num)}`)).text.includes(`/r/inspections/${id}"`);
	assert.ok(await found('office'), 'the office finds it by its number');
	assert.ok(!(await found('ua1')), 'the unit does not find it');
	const onUnitPage = async (who) => (await W[who].get(`/r/units/${O.W1}`)).text.includes(`/r/inspections/${id}"`);
	assert.ok(!(await onUnitPage('ua1')), 'not on the unit page either');
	await ok('office', id, 'record', {});
	for (const who of ['ua1', 'staff1']) {
		assert.equal((await get(who, id)).status, 200, `${who} sees it once recorded`);
		const l = (await C[who].get(`/api/v1/inspections?unit_id=${O.W1}&per_page=100`)).json().data;
		assert.ok(l.some((x) => x.id === id));
	}
	assert.equal((await W.ua1.get(`/files/${fid}/thumb`)).status, 200);
	assert.ok(await found('ua1'), 'found once recorded');
	assert.ok(await onUnitPage('ua1'), 'on the unit page once recorded');
	// an unannounced plan: not the unit's to see; an announced one is
	const hidden = await create(C.office, 'inspection_plans', { title: 'Q3 unannounced round', checklist_id: PF.id, unit_id: O.S1, date_from: '2026-07-01', date_to: '2026-09-30', mode: 'unannounced' });
	const open = await create(C.office, 'inspection_plans', { title: 'Q3 round', checklist_id: PF.id, unit_id: O.S1, date_from: '2026-07-01', date_to: '2026-09-30', mode: 'announced' });
	assert.equal((await C.ua1.get(`/api/v1/inspection_plans/${hidden.id}`)).status, 403);
	assert.equal((await C.ua1.get(`/api/v1/inspection_plans/${open.id}`)).status, 200);
	assert.equal((await C.leader.get(`/api/v1/inspection_plans/${hidden.id}`)).status, 200);
	// an inspection of an unannounced plan is hidden too, whatever its kind
	const p = await newInspection('office', { plan_id: hidden.id });
	assert.equal((await get('ua1', p)).status, 403);
	// dates in order
	const bad = await call(C.office, 'POST', '/api/v1/inspection_plans', { title: 'Backwards', checklist_id: PF.id, unit_id: O.S1, date_from: '2026-09-30', date_to: '2026-07-01' });
	assert.equal(bad.status, 422);
});

test('the record page on a phone: the checklist with large choices, a photo uploaded and shown as a thumbnail', async () => {
	await setup();
	const { srv } = ctx;
	const id = await newInspection();
	const page = await W.office.get(`/inspections/${id}/record`);
	assert.equal(page.status, 200);
	assert.match(page.text, /<form class="ins-sheet" method="post" action="\/inspections\/\d+\/record" enctype="multipart\/form-data"/);
	assert.match(page.text, new RegExp(`<input type="radio" name="r${items.badge.id}" value="pass">`));
	assert.match(page.text, new RegExp(`name="f${items.badge.id}" type="file" accept="image/jpeg,image/png" capture="environment"`));
	assert.match(page.text, /name="_csrf"/);
	const r = await save('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' }, { files: [[`f${items.attitude.id}`, png(400, 300), 'desk.png', 'image/png']] });
	assert.equal(r.status, 303);
	const rows = results(srv, id);
	const withPhoto = rows.find((x) => Number(x[0]) === items.attitude.id);
	assert.match(withPhoto[3], /^\d+$/, 'the photo id is kept on the result');
	const fid = Number(withPhoto[3]);
	const f = srv.sql(`SELECT record_type, record_id, field, mime, CASE WHEN thumb IS NULL THEN 0 ELSE 1 END FROM files WHERE id = ${fid}`)[0];
	assert.deepEqual(f.slice(0, 4), ['inspections', String(id), 'result_photos', 'image/png']);
	assert.equal(f[4], '1', 'a thumbnail');
	const entry = srv.sql(`SELECT after_json FROM audit WHERE action = 'results' AND entity = 'inspection_results' AND entity_id = '${id}' ORDER BY id DESC LIMIT 1`);
	assert.equal(entry.length, 1, 'the results are audited');
	assert.ok(JSON.parse(entry[0][0]).some((x) => x.item_id === items.attitude.id && x.passed === false && x.photos === String(fid)));
	const after = await W.office.get(`/inspections/${id}/record`);
	assert.ok(after.text.includes(`<img src="/files/${fid}/thumb"`), 'the thumbnail on the page');
	assert.equal((await W.office.get(`/files/${fid}/thumb`)).status, 200);
	assert.ok(after.text.includes(`<input type="checkbox" name="x${items.attitude.id}" value="${fid}">`), 'a box to remove it');
	// a photo of another item cannot be removed through this one
	let x = await save('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' }, { extra: [[`x${items.badge.id}`, String(fid)]] });
	assert.equal(x.status, 422);
	assert.ok(x.text.includes(msgHtml('ins_photo_unknown', 'en')));
	assert.equal(Number(srv.sql(`SELECT count(*) FROM files WHERE id = ${fid}`)[0][0]), 1, 'still there');
	// removed: the file goes, and the result forgets it; another photo comes in the same save
	x = await save('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' }, { extra: [[`x${items.attitude.id}`, String(fid)]], files: [[`f${items.attitude.id}`, png(60, 40), 'again.png', 'image/png']] });
	assert.equal(x.status, 303);
	assert.equal(Number(srv.sql(`SELECT count(*) FROM files WHERE id = ${fid}`)[0][0]), 0, 'the file is deleted');
	const now = results(srv, id).find((y) => Number(y[0]) === items.attitude.id)[3];
	assert.match(now, /^\d+$/);
	assert.notEqual(Number(now), fid);
	// without CSRF: refused
	const fd = new FormData();
	fd.append(`r${items.badge.id}`, 'fail');
	const nocsrf = await W.office.request('POST', `/inspections/${id}/record`, { body: fd });
	assert.equal(nocsrf.status, 403);
	// the unit itself may not fill it in
	assert.equal((await W.ua1.get(`/inspections/${id}/record`)).status, 403);
	assert.equal((await save('ua1', id, { [items.badge.id]: 'fail' })).status, 403);
});

test('bad input changes nothing: an unknown item, points above the maximum, a photo that is not an image, an answer that is neither', async () => {
	await setup();
	const { srv } = ctx;
	const id = await newInspection();
	await saved('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'pass', [items.hygiene.id]: 'pass' });
	const before = JSON.stringify(results(srv, id));
	const files = () => Number(srv.sql(`SELECT count(*) FROM files WHERE record_type = 'inspections' AND record_id = ${id}`)[0][0]);
	const nfiles = files();
	// an item of another checklist
	let r = await save('office', id, { [items.badge.id]: 'fail', [items.rules.id]: 'pass' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('ins_unknown_item', 'en')), 'the message says so');
	// an item that does not exist
	r = await save('office', id, { [items.badge.id]: 'fail', 999999: 'pass' });
	assert.equal(r.status, 422);
	// an answer that is neither pass nor fail
	r = await save('office', id, { [items.badge.id]: 'maybe' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('ins_answer_bad', 'en')));
	// a PDF as a photo
	r = await save('office', id, { [items.badge.id]: 'fail' }, { files: [[`f${items.badge.id}`, PDF, 'photo.jpg', 'image/jpeg']] });
	assert.equal(r.status, 415);
	assert.ok(r.text.includes(msgHtml('ins_photo_not_image', 'en')), 'a clear message');
	// text as a photo
	r = await save('office', id, { [items.badge.id]: 'fail' }, { files: [[`f${items.badge.id}`, Buffer.from('hello'), 'photo.png', 'image/png']] });
	assert.equal(r.status, 415);
	assert.equal(JSON.stringify(results(srv, id)), before, 'no result changed');
	assert.equal(files(), nfiles, 'no file stored');
	assert.equal((await get('office', id)).json().data.score, 100);
	// points above the item's maximum
	const p = await newInspection('office', { unit_id: O.D1, checklist_id: PT.id });
	r = await save('office', p, { [items.rules.id]: 11, [items.ledger.id]: 5 });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('ins_points_above_max', 'en')));
	r = await save('office', p, { [items.rules.id]: -1 });
	assert.equal(r.status, 422);
	assert.equal(results(srv, p).length, 0, 'nothing saved');
	// the new form: a checklist that does not exist, a unit missing
	r = await W.office.post('/inspections/new', { unit_id: '', checklist_id: '999999', inspected_on: 'tomorrow', kind: 'task_force' });
	assert.equal(r.status, 422);
});

test('supervisors\' visits: within their units, with the same checklists; their own visits only', async () => {
	await setup();
	const { srv } = ctx;
	const form = await W.sup.get('/inspections/new');
	assert.equal(form.status, 200);
	assert.ok(form.text.includes(`value="${O.W1}"`), 'the units of their scope are offered');
	assert.ok(!form.text.includes(`value="${O.D2}"`), 'not the units of others');
	const id = await newInspection('sup', { kind: 'task_force' });
	const d = (await get('sup', id)).json().data;
	assert.equal(d.kind, 'supervisor', 'a visit, whatever the form says');
	assert.equal(srv.sql(`SELECT inspector FROM inspections WHERE id = ${id}`)[0][0], String(U.sup.id));
	// outside the scope
	const out = await W.sup.post('/inspections/new', { unit_id: O.D2, checklist_id: PF.id, inspected_on: '2026-06-10' });
	assert.equal(out.status, 422);
	// the supervisor fills in and records the visit
	await saved('sup', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'pass', [items.hygiene.id]: 'fail' });
	const rec = await ok('sup', id, 'record', {});
	assert.equal(rec.state, 'recorded');
	// the office's inspections are not the supervisor's to see
	const other = await newInspection();
	assert.equal((await get('sup', other)).status, 403);
	const l = (await C.sup.get('/api/v1/inspections?per_page=100')).json().data;
	assert.ok(l.every((x) => x.kind === 'supervisor'), 'only their own');
	// not the other roles' form
	assert.equal((await W.staff1.get('/inspections/new')).status, 403);
	assert.equal((await W.leader.get('/inspections/new')).status, 403);
});

test('a failed result has a "列入整改" form to /rectification/raise for the office, not for the unit', async () => {
	await setup();
	const { srv } = ctx;
	const id = await newInspection();
	await saved('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' });
	const rid = srv.sql(`SELECT id FROM inspection_results WHERE inspection_id = ${id} AND passed = 0`)[0][0];
	const form = new RegExp(`<form id="raise-${rid}" class="ins-raise" method="post" action="/rectification/raise"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="source" value="inspection"><input type="hidden" name="id" value="${rid}"></form>`);
	for (const p of [`/inspections/${id}/record`, `/r/inspections/${id}`]) {
		const page = await W.office.get(p);
		assert.match(page.text, form, `the form on ${p}`);
		assert.ok(page.text.includes(`form="raise-${rid}"`), 'its button');
	}
	await ok('office', id, 'record', {});
	const unit = await W.ua1.get(`/r/inspections/${id}`);
	assert.equal(unit.status, 200);
	assert.ok(!unit.text.includes('/rectification/raise'), 'the unit does not raise items');
	assert.ok(unit.text.includes('Attitude'), 'the unit sees its results');
	// the tap: an item of the ledger for the unit, with the checklist item
	// (for repeats) and the result's note in its problem
	assert.equal((await W.ua1.post('/rectification/raise', { source: 'inspection', id: rid })).status, 403, 'not the unit\'s to raise');
	const r = await W.office.post('/rectification/raise', { source: 'inspection', id: rid });
	assert.equal(r.status, 303, r.text.slice(0, 300));
	const item = Number(/\/r\/rectifications\/(\d+)\/edit$/.exec(r.location)[1]);
	const it = (await C.office.get(`/api/v1/rectifications/${item}`)).json().data;
	assert.equal(it.source, 'inspection');
	assert.equal(it.source_ref, `inspection_results:${rid}`);
	assert.equal(it.checklist_item, 'attitude');
	assert.equal(it.unit_id, O.W1);
	assert.ok(it.problem.includes('Attitude'), it.problem);
	assert.equal(it.state, 'assigned');
	// a second tap opens the same item; the inspection lists it
	assert.equal((await W.office.post('/rectification/raise', { source: 'inspection', id: rid })).location, `/r/rectifications/${item}`);
	assert.ok((await W.ua1.get(`/r/inspections/${id}`)).text.includes(`href="/r/rectifications/${item}"`), 'the unit sees the item on its inspection');
});

test('statistics: inspections done, average score and failed items per unit and period; XLSX; scope', async () => {
	await setup();
	const r = await W.office.get(`/inspections/stats?unit=${O.S1}&from=2026-01-01&to=2026-12-31`);
	assert.equal(r.status, 200);
	assert.ok(r.text.includes(msgHtml('ins_stats_by_item', 'en')));
	assert.match(r.text, /<svg/);
	const x = await W.office.get(`/inspections/stats?unit=${O.S1}&from=2026-01-01&to=2026-12-31&format=xlsx`);
	assert.equal(x.status, 200);
	assert.match(x.header('content-type'), /spreadsheetml/);
	assert.equal((await W.office.get('/inspections/stats?from=2026-13-01')).status, 400);
	assert.equal((await W.office.get('/inspections/stats?format=pdf')).status, 400);
	assert.equal((await W.ua2.get(`/inspections/stats?unit=${O.S1}`)).status, 403);
	assert.equal((await W.ua1.get(`/inspections/stats?unit=${O.S1}`)).status, 200);
	assert.equal((await W.sup.get(`/inspections/stats?unit=${O.S1}`)).status, 403);
	// the figures: the recorded inspections of the unit's subtree only
	const { srv } = ctx;
	const done = srv.sql(`SELECT count(*), avg(score) FROM inspections WHERE state IN ('recorded', 'appealed') AND archived = 0 AND inspected_on BETWEEN '2026-01-01' AND '2026-12-31' AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ${O.S1})`)[0];
	assert.ok(Number(done[0]) > 0);
	assert.ok(r.text.includes(`<span class="tile-value">${done[0]}</span>`), `done: ${done[0]}`);
	assert.ok(r.text.includes(`<span class="tile-value">${Number(done[1]).toFixed(1)}</span>`), `average: ${done[1]}`);
	// the workbook read back: the same figures
	const b = await getBytes(W.office, `/inspections/stats?unit=${O.S1}&from=2026-01-01&to=2026-12-31&format=xlsx`);
	assert.match(b.headers.get('content-disposition'), /filename="inspection-stats-2026-01-01-2026-12-31\.xlsx"/);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(b.bytes);
	assert.deepEqual(wb.worksheets.map((w) => w.name), [msg('ins_stats', 'en'), msg('ins_stats_by_item', 'en'), msg('ins_stats_by_unit', 'en')]);
	const sheet = wb.worksheets[0];
	const row = (label) => sheet.getColumn(1).values.indexOf(label);
	assert.equal(sheet.getCell(row(msg('ins_stats_done', 'en')), 2).value, Number(done[0]));
	assert.ok(Math.abs(sheet.getCell(row(msg('ins_stats_avg', 'en')), 2).value - Number(done[1])) < 1e-6);
	const items = wb.worksheets[1];
	assert.equal(items.getCell(1, 1).value, msg('ins_item', 'en'));
	assert.ok(items.rowCount > 1, 'failed items by checklist item');
});

test('the module\'s pages are valid HTML (html-validate, as html_validate.test.js checks the main pages)', async () => {
	await setup();
	const { HtmlValidate } = require('html-validate');
	const validator = new HtmlValidate({
		extends: ['html-validate:standard'],
		rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' },
	});
	const id = await newInspection();
	await saved('office', id, { [items.badge.id]: 'pass', [items.attitude.id]: 'fail', [items.hygiene.id]: 'pass' }, { files: [[`f${items.attitude.id}`, png(40, 30), 'p.png', 'image/png']] });
	const bad = await save('office', id, { [items.badge.id]: 'maybe' });
	const found = [];
	const pages = [[`/inspections/${id}/record`, await W.office.get(`/inspections/${id}/record`)], ['refused', bad]];
	for (const p of [`/r/inspections/${id}`, '/inspections/new', `/inspections/stats?unit=${O.B}&from=2026-01-01&to=2026-12-31`, '/r/inspections', `/r/inspection_checklists/${PF.id}`])
		pages.push([p, await W.office.get(p)]);
	pages.push(['/inspections/new (supervisor)', await W.sup.get('/inspections/new')]);
	for (const [what, r] of pages) {
		assert.ok([200, 422].includes(r.status), `${what}: ${r.status}`);
		const report = await validator.validateString(r.text);
		found.push(...report.results.flatMap((x) => x.messages).map((m) => `${what}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
	}
	assert.deepEqual(found, []);
});
