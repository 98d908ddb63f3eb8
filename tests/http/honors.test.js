'use strict';
// Honors and campaigns (src/honors/) on the demo (`wenming demo`): the
// civilized-unit ratio against a hand count (13 of 13: 100 %), after one
// title is revoked (12 of 13) and after a term has ended (not counted; the
// scheduler expires it through `wenming honors remind --today` and reminds
// the units whose titles end this year, once); the ratio's workbook read
// back; every step of the honors' and the applications' workflows as every
// role (office, the unit's clerk and staff, another unit's clerk, a leader,
// the public); selection recording the honor (source=campaign) in the same
// transaction; bad input refused with a clear message; the public report
// card listing the unit's valid honors.
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const { serverPerFile, test, msg } = require('./lib');
const { api, call, create, org, getBytes, day } = require('./records_lib');

const ctx = serverPerFile();
let D, O, U, C;

const ROLES = ['admin', 'office', 'leader', 'ua1', 'staff1', 'ua2'];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

const today = () => day();
function plus(date, n) {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
const YEAR = Number(today().slice(0, 4));

async function setup() {
	if (D) return;
	const { srv } = ctx;
	const r = srv.cli(['demo', '--no-search-index']);
	assert.equal(r.code, 0, `demo: ${r.stderr}`);
	const [[top]] = srv.sql("SELECT id FROM units WHERE kind = 'bureau' AND parent_id IS NULL ORDER BY id LIMIT 1");
	D = { top: Number(top) };
	O = await org(api(srv), 'H');
	U = {
		office: srv.createUser('h_office', 'office'),
		leader: srv.createUser('h_leader', 'leader'),
		ua1: srv.createUser('h_ua1', 'unit_admin', O.S1),
		staff1: srv.createUser('h_staff1', 'staff', O.S1),
		ua2: srv.createUser('h_ua2', 'unit_admin', O.S2),
	};
	C = { admin: api(srv, 'admin', 'en'), anon: srv.client({ headers: { 'Accept-Language': 'en' } }) };
	for (const k of Object.keys(U)) C[k] = api(srv, U[k].name, 'en');
}

/* The ratio page's four figures: ratio, counted, holding, missing. */
async function figures(unit, year = YEAR) {
	const c = C.office;
	const r = await c.get(`/honors/ratio?unit=${unit}&year=${year}`);
	assert.equal(r.status, 200, r.text);
	const box = /id="ratio-figures">([\s\S]*?)<\/div>/.exec(r.text)[1];
	const v = [...box.matchAll(/tile-value">([^<]*)</g)].map((m) => m[1]);
	return { ratio: v[0], counted: Number(v[1]), holding: Number(v[2]), missing: Number(v[3]), html: r.text };
}

/* A hand count: counted secondary units of the demo holding a civilized-unit
 * title whose term covers today, by the API's lists. */
async function handCount() {
	const counted = (await C.office.get(`/api/v1/honor_counted_units?year=${YEAR}&per_page=200`)).json().data;
	const titles = (await C.office.get('/api/v1/honors?category=civilized_unit&per_page=200')).json().data;
	const t = today();
	const holding = counted.filter((c) =>
		titles.some((h) => h.unit_id === c.unit_id && h.status !== 'revoked' && h.awarded_on <= t && h.term_end >= t),
	);
	return { counted: counted.length, holding: holding.length };
}

const step = (who, type, id, name, body = {}) => call(C[who], 'POST', `/api/v1/${type}/${id}/transitions/${name}`, body);

async function ok(who, type, id, name, body) {
	const r = await step(who, type, id, name, body);
	assert.equal(r.status, 200, `${who} ${name} on ${type} ${id}: ${r.status} ${r.text}`);
	return r.json().data;
}

test('the demo: 13 of 13 counted units hold the title (100 %), by the page and by hand', async () => {
	await setup();
	const f = await figures(D.top);
	const h = await handCount();
	assert.deepEqual(h, { counted: 13, holding: 13 });
	assert.equal(f.counted, 13);
	assert.equal(f.holding, 13);
	assert.equal(f.missing, 0);
	assert.equal(f.ratio, '100.0 %');
	// the seed's other honors
	const all = (await C.office.get('/api/v1/honors?status=valid&per_page=200')).json().data;
	const by = (cat, level) => all.filter((x) => x.category === cat && (!level || x.level === level)).length;
	assert.equal(by('civilized_sector'), 1);
	assert.equal(by('youth_post', 'prefecture'), 2);
	assert.equal(by('youth_post', 'provincial'), 1);
	assert.equal(by('advanced_party_branch', 'provincial'), 1);
	// the campaign has an application in every state
	const apps = (await C.office.get('/api/v1/campaign_applications?per_page=200')).json().data;
	assert.deepEqual([...new Set(apps.map((a) => a.state))].sort(), ['accepted', 'draft', 'rejected', 'returned', 'selected', 'submitted']);
	const sel = apps.find((a) => a.state === 'selected');
	const honor = (await C.office.get(`/api/v1/honors/${sel.honor_id}`)).json().data;
	assert.equal(honor.source, 'campaign');
	assert.equal(honor.source_ref, String(sel.id));
	// a year nobody is counted for: no ratio, said so
	const none = await figures(D.top, 2001);
	assert.equal(none.counted, 0);
	assert.equal(none.ratio, '—');
});

test('the workbook has the figures and the list behind them', async () => {
	await setup();
	const r = await getBytes(C.office, `/honors/ratio.xlsx?unit=${D.top}&year=${YEAR}`);
	assert.equal(r.status, 200);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(r.bytes);
	const ws = wb.worksheets[0];
	assert.equal(ws.getCell('B1').value, 13);
	assert.equal(ws.getCell('B2').value, 13);
	assert.equal(ws.getCell('B3').value, 100);
	let rows = 0;
	ws.eachRow((row, n) => {
		if (n > 5 && row.getCell(3).value === msg('yes', 'en')) rows++;
	});
	assert.equal(rows, 13);
});

test('a revoked title is not counted (12 of 13) and the unit is listed as missing; revoking asks for a reason', async () => {
	await setup();
	const [[id, unit]] = ctx.srv.sql("SELECT id, unit_id FROM honors WHERE category = 'civilized_unit' AND status = 'valid' ORDER BY id LIMIT 1");
	const none = await step('office', 'honors', id, 'revoke', {});
	assert.equal(none.status, 422);
	for (const w of ['leader', 'ua1', 'staff1', 'ua2']) assert.equal((await step(w, 'honors', id, 'revoke', { reason: 'x' })).status, 403, w);
	const d = await ok('office', 'honors', id, 'revoke', { reason: 'A serious conduct case this year.' });
	assert.equal(d.status, 'revoked');
	assert.equal(d.revoked_on, today());
	const f = await figures(D.top);
	assert.equal(f.counted, 13);
	assert.equal(f.holding, 12);
	assert.equal(f.ratio, '92.3 %');
	assert.deepEqual(await handCount(), { counted: 13, holding: 12 });
	const missing = await C.office.get(`/honors/ratio?unit=${D.top}&year=${YEAR}&show=missing`);
	assert.match(missing.text, new RegExp(`href="/r/units/${unit}"`));
	assert.equal((missing.text.match(/<tr class="missing">/g) || []).length, 1);
	// restored: counted again
	await ok('office', 'honors', id, 'restore', { reason: 'Revoked by mistake.' });
	assert.equal((await figures(D.top)).holding, 13);
	await ok('office', 'honors', id, 'revoke', { reason: 'Revoked after all.' });
});

test('term expiry: an ended term is not counted; the scheduler expires it and reminds the titles ending this year once', async () => {
	await setup();
	const before = await figures(D.top);
	const [[id]] = ctx.srv.sql(`SELECT id FROM honors WHERE category = 'civilized_unit' AND status = 'valid' AND term_end > '${YEAR}-12-30' ORDER BY id DESC LIMIT 1`);
	const yesterday = plus(today(), -1);
	const r = await call(C.office, 'PATCH', `/api/v1/honors/${id}`, { term_start: `${YEAR - 2}-01-01`, term_end: yesterday });
	assert.equal(r.status, 200, r.text);
	assert.equal((await figures(D.top)).holding, before.holding - 1);
	// the office may not expire by hand: that is the scheduler's
	assert.equal((await step('office', 'honors', id, 'expire', {})).status, 403);
	// a clerk of one of the units whose title ends this year
	const [[renewUnit]] = ctx.srv.sql(`SELECT unit_id FROM honors WHERE status = 'valid' AND category = 'civilized_unit' AND term_end = '${YEAR}-12-31' ORDER BY id LIMIT 1`);
	const clerk = ctx.srv.createUser('h_renew', 'unit_admin', Number(renewUnit));
	const expiring = ctx.srv.sql(`SELECT count(*) FROM honors WHERE status = 'valid' AND term_end >= '${today()}' AND term_end <= '${YEAR}-12-31'`)[0][0];
	const run = ctx.srv.cli(['honors', 'remind', '--today', today()]);
	assert.equal(run.code, 0, run.stderr);
	assert.equal(run.stdout.trim(), `1 expired, ${expiring} reminded`);
	const h = (await C.office.get(`/api/v1/honors/${id}`)).json().data;
	assert.equal(h.status, 'expired');
	const ev = (await C.office.get(`/api/v1/honors/${id}/events`)).json().data;
	assert.ok(ev.some((e) => e.action === 'expire' && e.side === 'system'));
	// once per term end
	assert.equal(ctx.srv.cli(['honors', 'remind', '--today', today()]).stdout.trim(), '0 expired, 0 reminded');
	// the expiring page lists the titles to renew
	const page = await C.office.get(`/honors/expiring?unit=${D.top}&year=${YEAR}`);
	assert.equal(page.status, 200);
	assert.equal((page.text.match(/href="\/r\/honors\/\d+"/g) || []).length, Number(expiring));
	// the clerk was told once, in the inbox
	const [[n, key]] = ctx.srv.sql(`SELECT count(*), max(subject_key) FROM notifications WHERE kind = 'honors' AND user_id = ${clerk.id}`);
	assert.equal(Number(n), 1);
	assert.equal(key, 'hon_n_renew');
	assert.equal((await figures(D.top)).holding, before.holding - 1);
});

test('remind: the office may, the others may not; a title without a term has nothing to renew', async () => {
	await setup();
	const h = await create(C.office, 'honors', {
		title: 'Civilized unit', category: 'civilized_unit', recipient: 'unit', unit_id: O.S1, level: 'county',
		issuer: 'County committee', awarded_on: today(), term_start: today(), term_end: plus(today(), 400),
	});
	for (const w of ['leader', 'ua1', 'staff1', 'ua2']) assert.equal((await step(w, 'honors', h.id, 'remind', {})).status, 403, w);
	await ok('office', 'honors', h.id, 'remind', { note: 'Please prepare the renewal.' });
	const n = await create(C.office, 'honors', {
		title: 'Model worker', category: 'model_worker', recipient: 'unit', unit_id: O.S1, level: 'prefecture',
		issuer: 'City union', awarded_on: today(),
	});
	const r = await step('office', 'honors', n.id, 'remind', {});
	assert.equal(r.status, 422);
	assert.equal(r.json().error.message, msg('hon_e_no_term', 'en'));
	// nobody but the organization's roles reads honors
	assert.ok([401, 403].includes((await C.anon.get(`/api/v1/honors/${n.id}`)).status));
	assert.ok([401, 403, 303].includes((await C.anon.get('/honors/ratio')).status));
});

test('bad input: the register and the counted units refuse it with a clear message', async () => {
	await setup();
	const bad = async (type, body, field, key) => {
		const r = await call(C.office, 'POST', `/api/v1/${type}`, body);
		assert.equal(r.status, 422, `${type} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
		if (key) assert.ok(r.text.includes(JSON.stringify(msg(key, 'en')).slice(1, -1)), `${key}: ${r.text}`);
	};
	const base = { title: 'A title', category: 'contest_award', recipient: 'unit', unit_id: O.S1, level: 'county', issuer: 'Somebody', awarded_on: today() };
	await bad('honors', { ...base, term_start: today(), term_end: plus(today(), -3) }, 'term_end', 'hon_e_term_order');
	await bad('honors', { ...base, category: 'civilized_unit' }, 'term_end', 'hon_e_term_needed');
	await bad('honors', { ...base, recipient: 'person' }, 'person_id', 'hon_e_person_needed');
	await bad('honors', { ...base, level: 'galactic' });
	await bad('honors', { ...base, title: '' });
	// status is the workflow's: a body cannot set it
	const st = await call(C.office, 'POST', '/api/v1/honors', { ...base, status: 'revoked' });
	assert.equal(st.status, 400);
	// a unit listed twice for a year counts once
	const [[sec]] = ctx.srv.sql(`SELECT unit_id FROM honor_counted_units WHERE year = ${YEAR} ORDER BY id LIMIT 1`);
	const before = await figures(D.top);
	const dup = await create(C.office, 'honor_counted_units', { year: YEAR, unit_id: Number(sec) });
	assert.deepEqual(await figures(D.top).then((f) => [f.counted, f.holding]), [before.counted, before.holding]);
	assert.equal((await call(C.office, 'DELETE', `/api/v1/honor_counted_units/${dup.id}`)).status, 200);
	await bad('honor_counted_units', { year: 1900, unit_id: O.S2 });
	const y = await C.office.get(`/honors/ratio?unit=${D.top}&year=20x6`);
	assert.equal(y.status, 400);
	assert.ok(y.text.includes(msg('hon_bad_year', 'en').slice(0, 20)));
	assert.equal((await C.office.get('/honors/ratio?unit=999999999')).status, 404);
	// a unit_admin outside the subtree asked for: 403
	assert.equal((await C.ua1.get(`/honors/ratio?unit=${O.S2}`)).status, 403);
});

/* ---- campaigns ---- */

let CAMP, CRIT;

async function campaign() {
	if (CAMP) return;
	CAMP = await create(C.office, 'campaigns', {
		name: `${YEAR} civilized window campaign`, honor_title: 'City civilized window', kind: 'civilized_window',
		level: 'prefecture', issuer: 'City civility office', year: YEAR, opens_on: `${YEAR}-01-01`, closes_on: `${YEAR}-12-31`, term_years: 2,
	});
	CRIT = [];
	for (const [i, t] of ['Rules on the wall', 'Service standards'].entries())
		CRIT.push(await create(C.office, 'campaign_criteria', { campaign_id: CAMP.id, position: i + 1, title: t }));
}

async function upload(who) {
	const fd = new FormData();
	fd.append('file', new Blob([PDF], { type: 'application/pdf' }), 'evidence.pdf');
	const r = await C[who].request('POST', '/api/v1/files', { body: fd });
	assert.equal(r.status, 201, r.text);
	return r.json().data[0].id;
}

/* An application of unit (its clerk who) in state, by the usual path. */
let nextUnit = 0;
async function appIn(state) {
	await campaign();
	// one application per unit and campaign: a fresh window under S1 each time
	const w = await create(C.admin, 'units', { code: `HX${++nextUnit}`, name: `H window ${nextUnit}`, kind: 'window', parent_id: O.S1 });
	const a = await create(C.ua1, 'campaign_applications', { campaign_id: CAMP.id, unit_id: w.id, summary: 'We apply.' });
	assert.equal(a.state, 'draft');
	if (state === 'draft') return a;
	for (const c of CRIT)
		await create(C.ua1, 'campaign_evidence', { application_id: a.id, criterion_id: c.id, unit_id: w.id, text: 'Photos and rules.', files: String(await upload('ua1')) });
	await ok('ua1', 'campaign_applications', a.id, 'submit', {});
	if (state === 'submitted') return a;
	if (state === 'returned') return ok('office', 'campaign_applications', a.id, 'send_back', { reason: 'More photos.' });
	await ok('office', 'campaign_applications', a.id, 'accept', {});
	return a;
}

const STEPS = [
	['submit', 'evidenced', {}, ['ua1']],
	['submit', 'returned', {}, ['ua1']],
	['accept', 'submitted', {}, ['admin', 'office']],
	['send_back', 'submitted', { reason: 'The photos are missing.' }, ['admin', 'office']],
	['send_back', 'accepted', { reason: 'The inspection found gaps.' }, ['admin', 'office']],
	['reject', 'submitted', { reason: 'Not this year.' }, ['admin', 'office']],
	['reject', 'accepted', { reason: 'Not this year.' }, ['admin', 'office']],
	['link_inspection', 'accepted', { inspection_id: 'INSPECTION' }, ['admin', 'office']],
	['select', 'accepted', { note: 'Selected by the panel.' }, ['admin', 'office']],
];

for (const [name, state, body, allowed] of STEPS) {
	test(`application step ${name} (from ${state}): ${allowed.join(', ')} may, the others may not`, async () => {
		await setup();
		let a = await appIn(state === 'evidenced' ? 'draft' : state);
		if (state === 'evidenced')
			for (const c of CRIT) await create(C.ua1, 'campaign_evidence', { application_id: a.id, criterion_id: c.id, unit_id: a.unit_id, text: 'Evidence.' });
		const b = { ...body };
		if (b.inspection_id) b.inspection_id = Number(ctx.srv.sql('SELECT id FROM inspections ORDER BY id LIMIT 1')[0][0]);
		for (const w of ROLES) {
			if (allowed.includes(w)) continue;
			const r = await step(w, 'campaign_applications', a.id, name, b);
			assert.equal(r.status, 403, `${w} ${name}: ${r.status} ${r.text}`);
		}
		const anon = await C.anon.request('POST', `/api/v1/campaign_applications/${a.id}/transitions/${name}`, { json: b });
		assert.ok([401, 403].includes(anon.status), `public ${name}: ${anon.status}`);
		const who = allowed[allowed.length - 1];
		const d = await ok(who, 'campaign_applications', a.id, name, b);
		if (name !== 'link_inspection') assert.ok([409, 422].includes((await step(who, 'campaign_applications', a.id, name, b)).status));
		const ev = (await C.office.get(`/api/v1/campaign_applications/${a.id}/events`)).json().data;
		assert.equal(ev[0].action, 'create');
		assert.ok(ev.some((e) => e.action === name));
		if (name === 'select') {
			assert.equal(d.state, 'selected');
			const h = (await C.office.get(`/api/v1/honors/${d.honor_id}`)).json().data;
			assert.equal(h.source, 'campaign');
			assert.equal(h.source_ref, String(a.id));
			assert.equal(h.title, 'City civilized window');
			assert.equal(h.category, 'civilized_window');
			assert.equal(h.recipient, 'team');
			assert.equal(h.unit_id, a.unit_id);
			assert.equal(h.status, 'valid');
			assert.equal(h.term_start, today());
		}
		if (name === 'link_inspection') assert.equal(d.inspection_id, b.inspection_id);
	});
}

test('an application: submitting without evidence for every criterion is refused; a submitted one is locked', async () => {
	await setup();
	const a = await appIn('draft');
	await create(C.ua1, 'campaign_evidence', { application_id: a.id, criterion_id: CRIT[0].id, unit_id: a.unit_id, text: 'Only one.' });
	const r = await step('ua1', 'campaign_applications', a.id, 'submit', {});
	assert.equal(r.status, 422);
	assert.equal(r.json().error.message, msg('hon_e_evidence_missing', 'en'));
	const s = await appIn('submitted');
	const e = await call(C.ua1, 'POST', '/api/v1/campaign_evidence', { application_id: s.id, criterion_id: CRIT[0].id, unit_id: s.unit_id, text: 'Late evidence.' });
	assert.equal(e.status, 422);
	assert.ok(e.text.includes(msg('hon_e_locked', 'en')), e.text);
	const p = await call(C.ua1, 'PATCH', `/api/v1/campaign_applications/${s.id}`, { summary: 'Changed.' });
	assert.equal(p.status, 422);
	assert.ok(p.text.includes(msg('hon_e_locked', 'en')));
	// the same unit twice, a criterion of another campaign, the wrong unit
	const twice = await call(C.ua1, 'POST', '/api/v1/campaign_applications', { campaign_id: CAMP.id, unit_id: s.unit_id });
	assert.equal(twice.status, 422);
	assert.ok(twice.text.includes(msg('hon_e_applied_twice', 'en')));
	const d = await appIn('draft');
	const [[other]] = ctx.srv.sql(`SELECT id FROM campaign_criteria WHERE campaign_id <> ${CAMP.id} LIMIT 1`);
	const wc = await call(C.ua1, 'POST', '/api/v1/campaign_evidence', { application_id: d.id, criterion_id: Number(other), unit_id: d.unit_id, text: 'Wrong.' });
	assert.equal(wc.status, 422);
	assert.ok(wc.text.includes(msg('hon_e_wrong_criterion', 'en')));
	// a unit outside the clerk's scope: refused
	const out = await call(C.ua1, 'POST', '/api/v1/campaign_applications', { campaign_id: CAMP.id, unit_id: O.S2 });
	assert.ok([403, 422].includes(out.status));
	// a closed campaign
	const closed = await create(C.office, 'campaigns', { name: 'Old campaign', honor_title: 'Old title', kind: 'green_courtyard', level: 'county', issuer: 'X office', year: 2020, opens_on: '2020-01-01', closes_on: '2020-12-31' });
	const late = await call(C.ua1, 'POST', '/api/v1/campaign_applications', { campaign_id: closed.id, unit_id: O.W1 });
	assert.equal(late.status, 422);
	assert.ok(late.text.includes(msg('hon_e_campaign_closed', 'en')));
	const badc = await call(C.office, 'POST', '/api/v1/campaigns', { name: 'Backwards', honor_title: 'T', kind: 'other', level: 'county', issuer: 'X office', year: YEAR, opens_on: `${YEAR}-06-01`, closes_on: `${YEAR}-01-01` });
	assert.equal(badc.status, 422);
});

test('the public report card lists the unit\'s valid honors: title, level, issuer, year', async () => {
	await setup();
	const [[unit, title]] = ctx.srv.sql("SELECT h.unit_id, h.title FROM honors h JOIN units u ON u.id = h.unit_id WHERE u.published = 1 AND h.status = 'valid' AND h.category = 'civilized_unit' ORDER BY h.id DESC LIMIT 1");
	const r = await C.anon.get(`/public/units/${unit}`);
	assert.equal(r.status, 200);
	assert.ok(r.text.includes(msg('hon_public_honors', 'en')));
	assert.ok(r.text.includes(title));
	assert.ok(r.text.includes(msg('learn_lv_prefecture', 'en')));
	// a revoked title is not shown
	const [[rev]] = ctx.srv.sql("SELECT h.unit_id FROM honors h JOIN units u ON u.id = h.unit_id WHERE u.published = 1 AND h.status = 'revoked' LIMIT 1");
	const p = await C.anon.get(`/public/units/${rev}`);
	assert.equal(p.status, 200);
	assert.ok(!p.text.includes('市級文明單位'), 'a revoked title is not on the report card');
});

test('the unit page shows its honors and its civilized-unit status; the home page its tiles', async () => {
	await setup();
	const s = ctx.srv.client({ headers: { 'Accept-Language': 'en' } });
	await s.signIn(U.office.name, U.office.password);
	const [[unit]] = ctx.srv.sql("SELECT unit_id FROM honors WHERE category = 'civilized_unit' AND status = 'valid' ORDER BY id DESC LIMIT 1");
	const r = await s.get(`/r/units/${unit}`);
	assert.equal(r.status, 200);
	assert.ok(r.text.includes(msg('hon_unit_section', 'en')));
	const home = await s.get('/');
	assert.ok(home.text.includes(msg('hon_tile_ratio', 'en')));
});

test("an event's award is an honor: the office records it from the event page for a participant", async () => {
	await setup();
	const { srv } = ctx;
	const [[ev, evUnit]] = srv.sql(
		"SELECT e.id, e.unit_id FROM activity_events e WHERE e.archived = 0 AND e.status = 'held' AND EXISTS (SELECT 1 FROM activity_participants a WHERE a.event_id = e.id AND a.person_id IS NOT NULL) ORDER BY e.id LIMIT 1",
	);
	const [[person, personUnit]] = srv.sql(`SELECT person_id, unit_id FROM activity_participants WHERE event_id = ${ev} AND person_id IS NOT NULL ORDER BY id LIMIT 1`);
	const [[outsider]] = srv.sql(`SELECT id FROM people WHERE archived = 0 AND id NOT IN (SELECT person_id FROM activity_participants WHERE event_id = ${ev} AND person_id IS NOT NULL) ORDER BY id LIMIT 1`);
	const count = () => Number(srv.sql(`SELECT count(*) FROM honors WHERE source = 'event' AND source_ref = '${ev}'`)[0][0]);
	const before = count();

	let page = await C.office.get(`/r/activity_events/${ev}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /id="awards"/);
	assert.match(page.text, new RegExp(`<option value="p:${person}">`));
	assert.ok(page.text.includes('action="/honors/award"'), 'the office records awards');
	page = await C.leader.get(`/r/activity_events/${ev}`);
	assert.match(page.text, /id="awards"/, 'a leader reads the awards');
	assert.ok(!page.text.includes('action="/honors/award"'), 'a leader does not record them');

	const body = { event: ev, who: `p:${person}`, title: '演講比賽一等獎', category: 'contest_award', level: 'prefecture', issuer: '市總工會', awarded_on: '' };
	assert.equal((await C.ua2.post('/honors/award', body)).status, 403);
	assert.equal((await C.leader.post('/honors/award', body)).status, 403);
	let r = await C.office.post('/honors/award', { ...body, who: `p:${outsider}` });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msg('hon_award_bad_who', 'en')), r.text.slice(0, 300));
	r = await C.office.post('/honors/award', { ...body, title: '' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msg('hon_award_invalid', 'en')));
	r = await C.office.post('/honors/award', { ...body, level: 'galactic' });
	assert.equal(r.status, 422);
	assert.equal((await C.office.post('/honors/award', { ...body, event: 'x' })).status, 400);
	assert.equal(count(), before, 'nothing written by a refused award');

	r = await C.office.post('/honors/award', body);
	assert.equal(r.status, 303, r.text.slice(0, 300));
	assert.equal(r.location, `/r/activity_events/${ev}#awards`);
	assert.equal(count(), before + 1);
	const [[hid, recipient, unit, pid, dayOf]] = srv.sql(`SELECT id, recipient, unit_id, person_id, awarded_on FROM honors WHERE source = 'event' AND source_ref = '${ev}' ORDER BY id DESC LIMIT 1`);
	assert.equal(recipient, 'person');
	assert.equal(Number(unit), Number(personUnit));
	assert.equal(Number(pid), Number(person));
	const [[evDay]] = srv.sql(`SELECT COALESCE(date_to, date_from) FROM activity_events WHERE id = ${ev}`);
	assert.equal(String(dayOf), String(evDay), 'the date defaults to the event day');
	page = await C.office.get(`/r/activity_events/${ev}`);
	assert.ok(page.text.includes(`href="/r/honors/${hid}"`), 'the event lists its award');
	assert.ok(page.text.includes('演講比賽一等獎'));

	// the organizing unit itself may be awarded
	r = await C.office.post('/honors/award', { ...body, who: `u:${evUnit}`, title: '優秀組織獎', category: 'other' });
	assert.equal(r.status, 303);
	assert.equal(count(), before + 2);

	// the activities' statistics count the awards of the year
	const y = String(evDay).slice(0, 4);
	const [[n]] = srv.sql(`SELECT count(*) FROM honors WHERE source = 'event' AND status <> 'revoked' AND archived = 0 AND awarded_on LIKE '${y}-%'`);
	assert.ok(Number(n) >= 2);
	const st = await C.office.get(`/activities/stats?unit=${D.top}&from=${y}-01-01&to=${y}-12-31`);
	assert.equal(st.status, 200);
	assert.equal(/id="awards">([^<]*)</.exec(st.text)[1], String(n));
});
