'use strict';
// The public portal (src/cases/portal.c): filing a case without an account
// (with or without contact details, anonymous, a category's extra fields),
// the abuse controls (honeypot, minimum fill time, duplicates, the limit per
// address), validation in the visitor's language, and the tracking page
// (status, public replies but no internal notes or contact details, merges,
// ratings: once, an unsatisfied one reopens, a second after re-closing, no
// third), with failed code look-ups limited per address.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml, sleep, LANGS, escapeHtml } = require('./lib');
const { api, call, create, org } = require('./records_lib');

const ctx = serverPerFile();
let S; // what setup made

/* Each test files from its own address (X-Forwarded-For, trusted from
 * 127.0.0.1): the limit per address stays out of the others' way. */
let addr = 10;
function visitor(lang) {
	const headers = { 'X-Forwarded-For': `192.0.2.${addr++}` };
	if (lang) headers['Accept-Language'] = lang;
	return ctx.srv.client({ headers });
}

async function setup() {
	if (S) return S;
	const srv = ctx.srv;
	const a = api(srv);
	const O = await org(a, 'P');
	const cat = (body) => create(a, 'case_categories', { days: 10, public: true, ...body });
	const roads = await cat({ code: 'roads', name: '道路設施', group_name: '交通', unit_id: O.S1 });
	const buses = await cat({ code: 'buses', name: '公車服務', group_name: '交通', unit_id: O.S1 });
	const staff = await cat({ code: 'staff', name: '服務態度', group_name: '行風' });
	const internal = await cat({ code: 'internal', name: 'Internal only', public: false });
	await create(a, 'case_attributes', { category_id: buses.id, code: 'line', label: '路線', datatype: 'singlevaluelist', required: true, position: 1, choices: '12=12 路\n36=36 路' });
	await create(a, 'case_attributes', { category_id: buses.id, code: 'plate', label: '車牌', datatype: 'string', position: 2 });
	await create(a, 'case_attributes', { category_id: buses.id, code: 'minutes', label: '等候分鐘', datatype: 'number', position: 3 });
	await create(a, 'case_attributes', { category_id: buses.id, code: 'issues', label: '問題', datatype: 'multivaluelist', position: 4, choices: 'late=誤點\nrude=態度差\ndirty=車廂髒' });
	srv.createUser('po_office', 'office');
	srv.createUser('po_unit', 'unit_admin', O.S1);
	// one form, old enough: its signed timestamp serves every submission
	const c = visitor();
	const page = await c.get('/public/');
	const stamp = /name="_t" value="([^"]+)"/.exec(page.text)[1];
	await sleep(3100);
	S = { O, roads, buses, staff, internal, stamp, office: api(srv, 'po_office'), unit: api(srv, 'po_unit') };
	return S;
}

let textNo = 0;
/* A form for roads, with a description nobody sent before. */
function fields(extra = {}) {
	textNo++;
	return { kind: 'complaint', category_id: S.roads.id, title: `路燈不亮 ${textNo}`, description: `中山路 ${textNo} 號前的路燈已經壞了三天，晚上很暗。`, address: `中山路 ${textNo} 號`, privacy: 'confidential', _t: S.stamp, ...extra };
}

/* POSTs a form as a visitor who has seen a page (its pre-session cookie
 * goes with the CSRF token). */
async function post(c, path, form) {
	if (!c.jar.has('wm_pre')) await c.get('/public/track');
	return c.post(path, form);
}

/* Files a case; returns {res, code} (code null when none was given). */
async function submit(c, extra) {
	const res = await post(c, '/public/', fields(extra));
	const m = /<p class="tracking-code mono" id="tracking-code"[^>]*>([A-Z0-9-]+)<\/p>/.exec(res.text);
	return { res, code: m ? m[1] : null };
}

function caseRow(where) {
	const rows = ctx.srv.sql(`SELECT id, number, kind, channel, anonymous, keep_confidential, COALESCE(contact_name, ''), COALESCE(contact_phone, ''), COALESCE(contact_email, ''), COALESCE(extra, ''), tracking_hash, title, state, COALESCE(CAST(lat AS TEXT), ''), COALESCE(CAST(lon AS TEXT), '') FROM cases WHERE ${where}`);
	return rows.map(([id, number, kind, channel, anonymous, confidential, name, phone, email, extra, hash, title, state, lat, lon]) => ({ id: Number(id), number, kind, channel, anonymous, confidential, name, phone, email, extra, hash, title, state, lat, lon }));
}
const count = () => Number(ctx.srv.sql('SELECT count(*) FROM cases')[0][0]);

async function step(client, id, name, body = {}) {
	const r = await call(client, 'POST', `/api/v1/cases/${id}/transitions/${name}`, body);
	assert.equal(r.status, 200, `${name} on case ${id}: ${r.status} ${r.text}`);
	return r.json().data;
}

/* Dispatch, accept, answer (public reply and an internal note), close. */
async function handle(id, reply, note) {
	await step(S.office, id, 'dispatch', { unit_id: S.O.S1 });
	await step(S.unit, id, 'accept');
	await step(S.unit, id, 'answer', { reply, note });
	await step(S.office, id, 'close', { note: 'office-only note' });
}

/* Answer and close again a case that was reopened. */
async function handleAgain(id, reply) {
	await step(S.unit, id, 'answer', { reply });
	await step(S.office, id, 'close');
}

async function rate(c, code, rating, comment) {
	return post(c, '/public/track/rate', { code, rating, rating_comment: comment });
}

/* ---- the form ---- */

test('the form: the kinds without "problem", the public categories by group, no account needed', async () => {
	await setup();
	const r = await visitor().get('/public/');
	assert.equal(r.status, 200);
	for (const k of ['complaint', 'suggestion', 'praise', 'tip_off', 'consultation']) assert.match(r.text, new RegExp(`name="kind" value="${k}"`));
	assert.doesNotMatch(r.text, /value="problem"/);
	assert.match(r.text, /<optgroup label="交通"><option value="\d+">公車服務<\/option><option value="\d+">道路設施<\/option><\/optgroup><optgroup label="行風">/);
	assert.doesNotMatch(r.text, /Internal only/);
	assert.match(r.text, /enctype="multipart\/form-data"/);
	assert.match(r.text, /<input id="f-photos" name="photos" type="file" multiple accept="image\/jpeg,image\/png"/);
	assert.match(r.text, /name="website"/, 'the honeypot is in the form');
	assert.match(r.text, /name="_csrf"/);
	assert.doesNotMatch(r.text, /class="sidenav"/, 'no application navigation');
});

test('?category=ID shows that category\'s extra fields', async () => {
	await setup();
	const r = await visitor().get(`/public/?category=${S.buses.id}`);
	assert.match(r.text, /<div id="extra-fields"[^>]*><fieldset/);
	assert.match(r.text, /<select id="f-x_line" name="x_line" required>/);
	assert.match(r.text, /<option value="36">36 路<\/option>/);
	assert.match(r.text, /name="x_minutes" type="number"/);
	assert.match(r.text, /type="checkbox" name="x_issues" value="rude"/);
	const plain = await visitor().get(`/public/?category=${S.roads.id}`);
	assert.match(plain.text, /<div id="extra-fields" aria-live="polite"><\/div>/);
});

test('the form and the tracking page in all three languages, by ?lang= and by Accept-Language', async () => {
	await setup();
	for (const lang of LANGS) {
		const r = await visitor().get(`/public/?lang=${lang}`);
		assert.equal(r.status, 200);
		assert.equal(r.htmlLang, lang);
		assert.ok(r.text.includes(msgHtml('portal_intro', lang)), lang);
		assert.ok(r.text.includes(msgHtml('portal_send', lang)), lang);
		const t = await visitor(lang).get('/public/track');
		assert.equal(t.htmlLang, lang);
		assert.ok(t.text.includes(msgHtml('portal_track_intro', lang)), lang);
	}
	// ?lang= is kept for the next pages (a cookie); the switch returns here without it
	const c = visitor();
	const r = await c.get(`/public/?category=${S.roads.id}&lang=en`);
	assert.match(r.text, new RegExp(`name="next" value="/public/\\?category=${S.roads.id}"`));
	assert.equal((await c.get('/public/track')).htmlLang, 'en');
});

/* ---- filing ---- */

test('a case with contact details: registered from the web, a code shown once, only its hash stored', async () => {
	await setup();
	const c = visitor();
	const { res, code } = await submit(c, { contact_name: '陳小華', contact_phone: '13912345678', contact_email: 'chen@example.org' });
	assert.equal(res.status, 200, res.text.slice(0, 2000));
	assert.match(code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
	assert.ok(res.text.includes(msgHtml('portal_keep_code', 'zh-Hant')));
	assert.ok(res.text.includes(`href="/public/track?code=${code}"`));
	const [row] = caseRow(`title = '路燈不亮 ${textNo}'`);
	assert.equal(row.channel, 'web');
	assert.equal(row.kind, 'complaint');
	assert.equal(row.state, 'registered');
	assert.equal(row.anonymous, '0');
	assert.equal(row.confidential, '1');
	assert.deepEqual([row.name, row.phone, row.email], ['陳小華', '13912345678', 'chen@example.org']);
	assert.match(row.hash, /^[0-9a-f]{64}$/);
	assert.ok(!ctx.srv.sql('SELECT tracking_hash FROM cases').some(([h]) => h.includes(code.replace(/-/g, ''))));
});

test('a case without contact details, and an anonymous one whose contact details are dropped', async () => {
	await setup();
	const a = await submit(visitor(), { kind: 'suggestion' });
	assert.equal(a.res.status, 200);
	const [plain] = caseRow(`title = '路燈不亮 ${textNo}'`);
	assert.deepEqual([plain.kind, plain.name, plain.phone, plain.anonymous], ['suggestion', '', '', '0']);
	const b = await submit(visitor(), { privacy: 'anonymous', contact_name: '王大明', contact_phone: '13800001111', contact_email: 'wang@example.org' });
	assert.equal(b.res.status, 200);
	const [anon] = caseRow(`title = '路燈不亮 ${textNo}'`);
	assert.equal(anon.anonymous, '1');
	assert.deepEqual([anon.name, anon.phone, anon.email], ['', '', '']);
	assert.equal(ctx.srv.sql(`SELECT count(*) FROM audit WHERE after_json LIKE '%王大明%' OR after_json LIKE '%13800001111%'`)[0][0], '0');
});

test('a category\'s extra fields are checked and kept as JSON in extra', async () => {
	await setup();
	const c = visitor('en');
	let r = (await submit(c, { category_id: S.buses.id, x_minutes: 'many', 'x_issues': 'nope' })).res;
	assert.equal(r.status, 422);
	assert.match(r.text, new RegExp(`id="f-x_line-err">${msgHtml('required', 'en')}`));
	assert.match(r.text, new RegExp(`id="f-x_minutes-err">${msgHtml('rec_not_number', 'en')}`));
	assert.match(r.text, new RegExp(`id="f-x_issues-err">${msgHtml('rec_bad_choice', 'en')}`));
	assert.match(r.text, /value="many"/, 'what was typed stays');
	r = (await submit(c, { category_id: S.buses.id, x_line: '99' })).res;
	assert.match(r.text, new RegExp(`id="f-x_line-err">${msgHtml('rec_bad_choice', 'en')}`));
	const ok = await submit(c, { category_id: S.buses.id, x_line: '36', x_plate: '  粵A-12345 ', x_minutes: '25', x_issues: ['late', 'rude'] });
	assert.equal(ok.res.status, 200, ok.res.text.slice(0, 3000));
	const [row] = caseRow(`title = '路燈不亮 ${textNo}'`);
	assert.deepEqual(JSON.parse(row.extra), { issues: ['late', 'rude'], line: '36', minutes: '25', plate: '  粵A-12345 ' });
});

test('the category must be a public one, and the kind one the public has', async () => {
	await setup();
	const before = count();
	let r = (await submit(visitor(), { category_id: S.internal.id })).res;
	assert.equal(r.status, 422);
	assert.match(r.text, /id="f-category_id-err"/);
	r = (await submit(visitor(), { kind: 'problem' })).res;
	assert.equal(r.status, 422);
	assert.match(r.text, /id="f-kind-err"/);
	assert.equal(count(), before);
});

test('the honeypot: answered as if registered, nothing stored, the code tracks nothing', async () => {
	await setup();
	const before = count();
	const c = visitor();
	const { res, code } = await submit(c, { website: 'http://spam.example' });
	assert.equal(res.status, 200);
	assert.ok(code, 'a code is shown');
	assert.equal(count(), before);
	const t = await c.get(`/public/track?code=${code}`);
	assert.equal(t.status, 404);
});

test('a form sent faster than a person could fill it is refused kindly; sent again later it goes', async () => {
	await setup();
	const c = visitor('zh-Hans');
	const page = await c.get('/public/');
	const stamp = /name="_t" value="([^"]+)"/.exec(page.text)[1];
	const before = count();
	let r = (await submit(c, { _t: stamp })).res;
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('portal_too_fast', 'zh-Hans')));
	assert.ok(r.text.includes(`value="${stamp}"`), 'the form keeps its time');
	assert.equal(count(), before);
	// a made-up or missing timestamp is no way round it
	r = (await submit(c, { _t: `${Math.floor(Date.now() / 1000) - 60}.00000000000000000000000000000000` })).res;
	assert.equal(r.status, 422);
	r = (await submit(c, { _t: undefined })).res;
	assert.equal(r.status, 422);
	assert.equal(count(), before);
	await sleep(3000);
	r = (await submit(c, { _t: stamp })).res;
	assert.equal(r.status, 200);
	assert.equal(count(), before + 1);
});

test('the same description again within a day is refused and pointed to the first case', async () => {
	await setup();
	const c = visitor('en');
	const form = fields();
	const first = await post(c, '/public/', form);
	assert.equal(first.status, 200);
	const [row] = caseRow(`title = '${form.title}'`);
	const desc = form.description;
	// same address, other category, white space changed
	let r = await post(c, '/public/', { ...fields(), description: `  ${desc.replace(' ', '   ')}\n`, category_id: S.staff.id });
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('portal_duplicate', 'en')));
	assert.ok(r.text.includes(row.number));
	// another address, same category
	r = await post(visitor('en'), '/public/', { ...fields(), description: desc });
	assert.equal(r.status, 409);
	// another address and category: a case of its own
	r = await post(visitor('en'), '/public/', { ...fields(), description: desc, category_id: S.staff.id });
	assert.equal(r.status, 200);
});

test('five cases in ten minutes from one address, then 429 with Retry-After in the visitor\'s language', async () => {
	await setup();
	const c = visitor('en');
	for (let i = 0; i < 5; i++) assert.equal((await submit(c)).res.status, 200, `submission ${i + 1}`);
	const before = count();
	const { res } = await submit(c);
	assert.equal(res.status, 429);
	assert.equal(res.htmlLang, 'en');
	assert.ok(res.text.includes(msgHtml('portal_rate_limited', 'en')));
	const wait = Number(res.header('retry-after'));
	assert.ok(wait > 500 && wait <= 600, `Retry-After ${wait}`);
	assert.equal(count(), before);
	// another address is not held up
	assert.equal((await submit(visitor())).res.status, 200);
	// the daily limit: 20 a day, counted in the database
	const ip = '192.0.2.250';
	const now = Math.floor(Date.now() / 1000);
	for (let i = 0; i < 20; i++) ctx.srv.sql(`INSERT INTO case_portal_hits (kind, ip, at) VALUES ('submit', '${ip}', ${now - 3600 - i})`);
	const day = await post(ctx.srv.client({ headers: { 'X-Forwarded-For': ip } }), '/public/', fields());
	assert.equal(day.status, 429);
	assert.ok(Number(day.header('retry-after')) > 80000);
});

test('invalid UTF-8, impossible coordinates, half a point: refused in the visitor\'s language', async () => {
	await setup();
	const before = count();
	const c = visitor('en');
	await c.get('/public/');
	const tok = await c.csrfToken();
	const body = Buffer.concat([Buffer.from(`_csrf=${tok}&_t=${encodeURIComponent(S.stamp)}&kind=complaint&category_id=${S.roads.id}&title=ok%20title&description=`), Buffer.from([0xff, 0xfe, 0x41, 0x41, 0x41, 0x41, 0x41])]);
	let r = await c.request('POST', '/public/', { body, contentType: 'application/x-www-form-urlencoded' });
	assert.equal(r.status, 400);
	assert.ok(r.text.includes(msgHtml('err_bad_utf8', 'en')));
	r = (await submit(c, { lat: '95', lon: '121.5' })).res;
	assert.equal(r.status, 422);
	assert.match(r.text, new RegExp(`id="f-lat-err">${msgHtml('rec_out_of_range', 'en')}`));
	r = (await submit(c, { lat: '25.03', lon: 'east' })).res;
	assert.match(r.text, new RegExp(`id="f-lon-err">${msgHtml('rec_not_number', 'en')}`));
	r = (await submit(c, { lat: '25.03' })).res;
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msgHtml('case_point_both', 'en')));
	r = (await submit(c, { title: 'x', description: 'abc' })).res;
	assert.match(r.text, /id="f-title-err"/);
	assert.match(r.text, /id="f-description-err"/);
	assert.equal(count(), before);
	const ok = await submit(c, { lat: '25.033964', lon: '121.564468' });
	assert.equal(ok.res.status, 200);
	const [row] = caseRow(`title = '路燈不亮 ${textNo}'`);
	assert.equal(Number(row.lat), 25.033964);
});

test('HTML typed in is kept as text and shown escaped', async () => {
	await setup();
	const c = visitor();
	const title = '<script>alert(1)</script> & <b>x</b>';
	const { res, code } = await submit(c, { title });
	assert.equal(res.status, 200);
	assert.equal(caseRow(`id = (SELECT max(id) FROM cases)`)[0].title, title);
	const t = await c.get(`/public/track?code=${code}`);
	assert.ok(t.text.includes(escapeHtml(title)));
	assert.doesNotMatch(t.text, /<script>alert/);
});

/* A w×h PNG (RGB, white with a blue square). */
function crc32(buf) {
	let c = ~0;
	for (const b of buf) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c >>> 0;
}
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
	const raw = Buffer.alloc((w * 3 + 1) * h, 255);
	for (let y = 0; y < h; y++) {
		raw[y * (w * 3 + 1)] = 0;
		for (let x = Math.floor(w / 4); x < Math.floor(w / 2); x++) if (y > h / 4 && y < h / 2) raw.fill(0, y * (w * 3 + 1) + 1 + x * 3, y * (w * 3 + 1) + 3 + x * 3);
	}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', require('node:zlib').deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/* Sends the form as multipart with files [[bytes, name, type]]. */
async function submitWithFiles(c, extra, files) {
	await c.get('/public/');
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields(extra))) fd.append(k, String(v));
	fd.append('_csrf', await c.csrfToken());
	for (const [bytes, name, type] of files) fd.append('photos', new Blob([bytes], { type }), name);
	const res = await c.request('POST', '/public/', { body: fd });
	const m = /<p class="tracking-code mono" id="tracking-code"[^>]*>([A-Z0-9-]+)<\/p>/.exec(res.text);
	return { res, code: m ? m[1] : null };
}

test('photos go with the case (its first event) and show on the tracking page as thumbnails only', async () => {
	await setup();
	const c = visitor('en');
	const { res, code } = await submitWithFiles(c, {}, [[png(400, 300), 'lamp.png', 'image/png'], [png(60, 80), 'pole.png', 'application/octet-stream']]);
	assert.equal(res.status, 200, res.text.slice(0, 2000));
	const [row] = caseRow(`title = '路燈不亮 ${textNo}'`);
	const files = ctx.srv.sql(`SELECT f.name, f.mime, e.action, CASE WHEN f.thumb IS NULL THEN 0 ELSE 1 END FROM files f JOIN record_events e ON e.id = f.event_id WHERE f.record_type = 'cases' AND f.record_id = ${row.id} ORDER BY f.id`);
	assert.deepEqual(files, [['lamp.png', 'image/png', 'create', '1'], ['pole.png', 'image/png', 'create', '1']]);
	const t = await c.get(`/public/track?code=${code}`);
	const imgs = [...t.text.matchAll(/<img src="(data:image\/png;base64,[^"]+)" alt="Photo \d">/g)];
	assert.equal(imgs.length, 2);
	assert.doesNotMatch(t.text, /\/files\/\d+/, 'no link to the original');
	// the thumbnail, not the original
	assert.ok(Buffer.from(imgs[0][1].split(',')[1], 'base64').readUInt32BE(16) <= 320);
});

test('photos: JPEG or PNG by content only, six at most; the rest of the form stays', async () => {
	await setup();
	const before = count();
	const c = visitor('en');
	let r = (await submitWithFiles(c, { title: 'Keep this title' }, [[PDF, 'photo.png', 'image/png']])).res;
	assert.equal(r.status, 422);
	assert.match(r.text, new RegExp(`id="f-photos-err">${msgHtml('portal_photos_only_images', 'en')}`));
	assert.ok(r.text.includes('value="Keep this title"'));
	assert.ok(r.text.includes(msgHtml('portal_photos_again', 'en')));
	r = (await submitWithFiles(c, {}, Array.from({ length: 7 }, (_, i) => [png(10, 10), `p${i}.png`, 'image/png']))).res;
	assert.equal(r.status, 422);
	assert.match(r.text, new RegExp(`id="f-photos-err">${msgHtml('portal_photos_too_many', 'en')}`));
	assert.equal(count(), before);
});

/* ---- tracking ---- */

test('tracking: status, dates and the public reply; no internal notes, staff names or contact details', async () => {
	await setup();
	const c = visitor('en');
	const { code } = await submit(c, { contact_name: 'Chen Xiaohua', contact_phone: '13912340000' });
	const [row] = caseRow(`title = '路燈不亮 ${textNo}'`);
	let t = await c.get(`/public/track?code=${code.toLowerCase().replace(/-/g, ' ')}`);
	assert.equal(t.status, 200);
	assert.ok(t.text.includes(row.number));
	assert.ok(t.text.includes(msgHtml('case_st_registered', 'en')));
	assert.ok(t.text.includes('道路設施'));
	assert.ok(t.text.includes(msgHtml('case_kind_complaint', 'en')));
	await handle(row.id, 'The lamp was replaced on Tuesday.', 'SECRET: contractor was late');
	// POST keeps the code out of the address
	t = await post(c, '/public/track', { code });
	assert.equal(t.status, 200);
	assert.ok(t.text.includes(msgHtml('case_st_closed', 'en')));
	assert.ok(t.text.includes('The lamp was replaced on Tuesday.'));
	for (const hidden of ['SECRET', 'office-only note', 'Chen Xiaohua', '13912340000', 'po_unit', 'po_office']) assert.ok(!t.text.includes(hidden), `${hidden} is not shown`);
	assert.ok(t.text.includes(msgHtml('case_t_accept', 'en')));
	assert.ok(!t.text.includes(msgHtml('case_t_dispatch', 'en')), 'the dispatch is internal');
	assert.ok(t.text.includes('action="/public/track/rate"'), 'a closed case may be rated');
});

test('a wrong code: one generic message; 20 wrong ones in an hour, then 429', async () => {
	await setup();
	const c = visitor('zh-Hans');
	let r = await c.get('/public/track?code=AAAA-BBBB-CCCC');
	assert.equal(r.status, 404);
	assert.ok(r.text.includes(msgHtml('portal_no_case', 'zh-Hans')));
	r = await post(c, '/public/track', { code: 'not a code' });
	assert.equal(r.status, 404);
	assert.ok(r.text.includes(msgHtml('portal_no_case', 'zh-Hans')));
	for (let i = 0; i < 18; i++) assert.equal((await post(c, '/public/track', { code: `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '2').replace(/[01]/g, '3')}` })).status, 404);
	r = await post(c, '/public/track', { code: 'ZZZZ-ZZZZ-ZZZZ' });
	assert.equal(r.status, 429);
	assert.ok(r.text.includes(msgHtml('portal_lookup_limited', 'zh-Hans')));
	assert.ok(Number(r.header('retry-after')) > 3000);
	// a right code from that address waits too; from another it works
	const { code } = await submit(visitor());
	assert.equal((await c.get(`/public/track?code=${code}`)).status, 429);
	assert.equal((await visitor().get(`/public/track?code=${code}`)).status, 200);
});

test('rating: once per closing; unsatisfied reopens for 15 working days; a second after re-closing; no third', async () => {
	await setup();
	const c = visitor('en');
	// a satisfied rating, then no more
	const one = await submit(c);
	const [a] = caseRow(`title = '路燈不亮 ${textNo}'`);
	let r = await rate(c, one.code, '4', '');
	assert.equal(r.status, 409, 'not before it is closed');
	await handle(a.id, 'Fixed.', 'n');
	r = await rate(c, one.code, '4', 'Quick, thanks');
	assert.equal(r.status, 200, r.text.slice(0, 3000));
	assert.ok(r.text.includes(msgHtml('portal_rate_thanks', 'en')));
	assert.ok(!r.text.includes('action="/public/track/rate"'));
	r = await rate(c, one.code, '5');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('case_rated_already', 'en')));
	assert.deepEqual(ctx.srv.sql(`SELECT rating, rating_comment, ratings FROM cases WHERE id = ${a.id}`)[0], ['4', 'Quick, thanks', '1']);

	// unsatisfied: reopened, the page says so
	const two = await submit(c);
	const [b] = caseRow(`title = '路燈不亮 ${textNo}'`);
	await handle(b.id, 'Looked at it.', 'n');
	r = await rate(c, two.code, '1', 'Still dark');
	assert.equal(r.status, 200);
	assert.ok(r.text.includes(msgHtml('portal_reopened', 'en')));
	assert.ok(r.text.includes(msgHtml('case_st_in_hand', 'en')));
	assert.equal(caseRow(`id = ${b.id}`)[0].state, 'in_hand');
	r = await rate(c, two.code, '2');
	assert.equal(r.status, 409, 'not while it is handled again');
	// closed again: a second rating (without a comment)
	await handleAgain(b.id, 'Replaced the lamp.');
	r = await c.get(`/public/track?code=${two.code}`);
	assert.ok(r.text.includes('Replaced the lamp.'));
	assert.ok(r.text.includes('action="/public/track/rate"'));
	r = await rate(c, two.code, '5', '');
	assert.equal(r.status, 200);
	assert.deepEqual(ctx.srv.sql(`SELECT rating, COALESCE(rating_comment, ''), ratings, state FROM cases WHERE id = ${b.id}`)[0], ['5', '', '2', 'closed']);
	// reopened by the office and closed again: still no third rating
	await step(S.office, b.id, 'reopen', { reason: 'Checked on a call' });
	await handleAgain(b.id, 'Checked again.');
	r = await c.get(`/public/track?code=${two.code}`);
	assert.ok(!r.text.includes('action="/public/track/rate"'));
	r = await rate(c, two.code, '3');
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('case_rated_twice', 'en')));
	// a rating must be one of the five
	const three = await submit(c);
	const [d] = caseRow(`title = '路燈不亮 ${textNo}'`);
	await handle(d.id, 'Done.', 'n');
	r = await rate(c, three.code, '9');
	assert.equal(r.status, 422);
	assert.match(r.text, /id="f-rating-err"/);
});

test('a merged case shows the case it was merged into, with its status and replies', async () => {
	await setup();
	const c = visitor('en');
	const one = await submit(c);
	const [a] = caseRow(`title = '路燈不亮 ${textNo}'`);
	await submit(visitor('en'));
	const [b] = caseRow(`title = '路燈不亮 ${textNo}'`);
	await step(S.office, a.id, 'merge', { merged_into: b.id, reason: 'same lamp' });
	await handle(b.id, 'Both reports: lamp replaced.', 'n');
	const t = await c.get(`/public/track?code=${one.code}`);
	assert.equal(t.status, 200);
	assert.ok(t.text.includes(msgHtml('case_st_merged', 'en')));
	assert.ok(t.text.includes(msgHtml('portal_merged_detail', 'en')));
	assert.ok(t.text.includes(b.number));
	assert.ok(t.text.includes('Both reports: lamp replaced.'));
	assert.ok(!t.text.includes('same lamp'), 'the merge reason is internal');
	assert.ok(!t.text.includes('action="/public/track/rate"'));
});
