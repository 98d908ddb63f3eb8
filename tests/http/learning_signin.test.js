'use strict';
// Learning (src/learning/): sign-in to a study session with a one-time code
// for people without an account (the clerk's sheet of slips, shown once,
// codes kept as hashes; each refusal — wrong code, used code, outside the
// window, recorded already, not required — a clear answer that changes
// nothing; failed codes limited per address), and the attendance
// statistics' running tally (learning_att_days), which must equal a recount
// of the attendance rows after writes by every path.
const assert = require('node:assert/strict');
const { serverPerFile, test, msgHtml } = require('./lib');
const { api, call, create, org, day } = require('./records_lib');

const ctx = serverPerFile();
let O, U, C, W, P;

const NOW = () => Math.floor(Date.now() / 1000);
const HOUR = 3600;
const DAY = 86400;

async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'G');
	U = {
		ua1: srv.createUser('g_ua1', 'unit_admin', O.S1),
		ua2: srv.createUser('g_ua2', 'unit_admin', O.S2),
		staff1: srv.createUser('g_staff1', 'staff', O.S1),
	};
	P = {
		// no accounts: the people the codes are for
		a: await create(a, 'people', { name: '甲一', unit_id: O.S1, status: 'active' }),
		b: await create(a, 'people', { name: '乙二', unit_id: O.W1, status: 'active' }),
		c: await create(a, 'people', { name: '丙三', unit_id: O.D1, status: 'active' }),
		staff1: await create(a, 'people', { name: '丁四', unit_id: O.S1, status: 'active', account: 'g_staff1' }),
		out: await create(a, 'people', { name: '戊外', unit_id: O.S2, status: 'active' }),
	};
	C = { admin: a };
	W = {};
	for (const k of Object.keys(U)) W[k] = await srv.signIn(U[k].name, U[k].password, { headers: { 'Accept-Language': 'en' } });
}

const key = (id) => ctx.srv.sql(`SELECT signin_key FROM study_sessions WHERE id = ${id}`)[0][0];
const att = (id) =>
	ctx.srv.sql(`SELECT person_id, COALESCE(status, ''), COALESCE(signed_at, 0) FROM learning_attendance WHERE session_id = ${id} ORDER BY person_id`).map(([p, s, t]) => [Number(p), s, Number(t)]);
const codes = (id) => ctx.srv.sql(`SELECT person_id, hash, used FROM learning_signin_codes WHERE session_id = ${id} ORDER BY person_id`).map(([p, h, u]) => [Number(p), h, Number(u)]);
const clearThrottle = () => ctx.srv.sql("DELETE FROM throttle WHERE key LIKE 'learnsign:%'");

async function session(fields = {}) {
	return create(C.admin, 'study_sessions', { topic: 'Code study', unit_id: O.S1, starts_at: NOW() - 300, ends_at: NOW() + HOUR, speaker: 'Director Li', ...fields });
}

/* The clerk issues codes; the slips as [name, code]. */
async function issue(id, scope = 'missing', who = 'ua1') {
	const r = await W[who].post(`/learning/sessions/${id}/codes`, { scope });
	assert.equal(r.status, 200, r.text.slice(0, 600));
	const slips = [...r.text.matchAll(/<p class="token-rater">([^<]*)<\/p><p class="muted">[^<]*<\/p><p class="token-code mono">([^<]*)<\/p>/g)].map((m) => [m[1], m[2]]);
	return { r, slips };
}

const anonPost = async (k, code, client) => {
	const c = client || ctx.srv.client({ headers: { 'Accept-Language': 'en' } });
	await c.get(`/learning/signin/${k}`);
	return c.post(`/learning/signin/${k}`, { code });
};

test('the clerk issues one code per required attendee, shown once as slips and kept only as hashes; others may not', async () => {
	await setup();
	const s = await session();
	const page = await W.ua1.get(`/learning/sessions/${s.id}/codes`);
	assert.equal(page.status, 200);
	assert.match(page.text, /id="n-waiting">4</);
	const { r, slips } = await issue(s.id);
	assert.equal(slips.length, 4, 'the four required, not the outsider');
	assert.deepEqual(slips.map((x) => x[0]).sort(), ['丁四', '丙三', '乙二', '甲一'].sort());
	for (const [, code] of slips) assert.match(code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/, 'unambiguous alphabet');
	assert.ok(r.text.includes(msgHtml('learn_codes_once', 'en')));
	assert.ok(r.text.includes(`/learning/signin/${key(s.id)}`), 'the slips name the sign-in page');
	assert.match(r.header('cache-control') || '', /no-store/);
	const stored = codes(s.id);
	assert.equal(stored.length, 4);
	for (const [, h, u] of stored) {
		assert.match(h, /^[0-9a-f]{64}$/);
		assert.equal(u, 0);
	}
	const flat = JSON.stringify(ctx.srv.sql(`SELECT * FROM learning_signin_codes`)) + JSON.stringify(ctx.srv.sql('SELECT * FROM audit ORDER BY id DESC LIMIT 5'));
	for (const [, code] of slips) assert.ok(!flat.includes(code) && !flat.includes(code.replace('-', '')), 'no code in the database');
	// again: nobody lacks a code
	const again = await W.ua1.post(`/learning/sessions/${s.id}/codes`, { scope: 'missing' });
	assert.equal(again.status, 422);
	assert.ok(again.text.includes(msgHtml('learn_codes_none', 'en')));
	assert.deepEqual(codes(s.id), stored, 'nothing changed');
	// everyone again: new codes, the old ones stop working
	const { slips: fresh } = await issue(s.id, 'all');
	assert.equal(fresh.length, 4);
	const old = slips.find((x) => x[0] === '甲一')[1];
	const r2 = await anonPost(key(s.id), old);
	assert.equal(r2.status, 422, 'a replaced code is no code');
	clearThrottle();
	assert.equal((await W.ua1.post(`/learning/sessions/${s.id}/codes`, { scope: 'bogus' })).status, 422);
	// another unit's clerk and plain staff may not issue
	for (const who of ['ua2', 'staff1']) {
		assert.ok([403, 404].includes((await W[who].get(`/learning/sessions/${s.id}/codes`)).status), who);
		assert.ok([403, 404].includes((await W[who].post(`/learning/sessions/${s.id}/codes`, { scope: 'all' })).status), who);
	}
	assert.equal(codes(s.id).length, 4);
	assert.equal((await W.ua1.get('/learning/sessions/999999/codes')).status, 404);
});

test('a code signs its person in once, without an account; wrong, used, recorded or outside the window: refused, nothing changed', async () => {
	await setup();
	const s = await session();
	const k = key(s.id);
	const { slips } = await issue(s.id);
	const code = (name) => slips.find((x) => x[0] === name)[1];
	// the page offers the code form to a stranger
	const anon = ctx.srv.client({ headers: { 'Accept-Language': 'en' } });
	const page = await anon.get(`/learning/signin/${k}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /name="code"/);
	assert.ok(page.text.includes(msgHtml('learn_code_hint', 'en')));
	assert.match(page.text, new RegExp(`id="signin-account" href="/login\\?next=%2Flearning%2Fsignin%2F${k}"`), 'the way to an account');
	const before = JSON.stringify(att(s.id));
	// wrong: refused with the form again
	for (const bad of ['ZZZZ-ZZZZ', 'abc', 'AAAA-AAAA-AAAA', '<b>x</b>']) {
		const r = await anonPost(k, bad, anon);
		assert.equal(r.status, 422, bad);
		assert.ok(r.text.includes(msgHtml('learn_code_unknown', 'en')));
		assert.match(r.text, /name="code"/);
	}
	// empty: asked for
	const empty = await anonPost(k, '', anon);
	assert.equal(empty.status, 422);
	assert.ok(empty.text.includes(msgHtml('learn_code_needed', 'en')));
	// another session's code is not this session's
	const other = await session({ topic: 'Other study' });
	const { slips: otherSlips } = await issue(other.id);
	assert.equal((await anonPost(k, otherSlips[0][1], anon)).status, 422);
	assert.equal(JSON.stringify(att(s.id)), before, 'nothing changed');
	clearThrottle();
	// right, lower case and without the dash: signed in as that person
	const ok = await anonPost(k, code('乙二').toLowerCase().replace('-', ''), anon);
	assert.equal(ok.status, 200, ok.text.slice(0, 600));
	assert.ok(ok.text.includes(msgHtml('learn_signed_in', 'en')));
	assert.ok(ok.text.includes('乙二'));
	const row = att(s.id).find((x) => x[0] === P.b.id);
	assert.equal(row[1], 'present');
	assert.ok(Math.abs(row[2] - NOW()) < 60);
	assert.equal(codes(s.id).find((x) => x[0] === P.b.id)[2], 1, 'the code is used');
	assert.equal(att(s.id).filter((x) => x[1]).length, 1, 'only that person');
	// twice: the code is used
	const snap = JSON.stringify([att(s.id), codes(s.id)]);
	const twice = await anonPost(k, code('乙二'));
	assert.equal(twice.status, 409);
	assert.ok(twice.text.includes(msgHtml('learn_code_used', 'en')));
	// recorded already by the clerk: refused, the code stays unused
	const rowId = ctx.srv.sql(`SELECT id FROM learning_attendance WHERE session_id = ${s.id} AND person_id = ${P.c.id}`)[0][0];
	const clerk = await W.ua1.post(`/learning/sessions/${s.id}/attendance`, { [`s${rowId}`]: 'absent' });
	assert.equal(clerk.status, 303);
	const snap2 = JSON.stringify([att(s.id), codes(s.id)]);
	const recorded = await anonPost(k, code('丙三'));
	assert.equal(recorded.status, 409);
	assert.ok(recorded.text.includes(msgHtml('learn_signin_twice', 'en')));
	assert.equal(JSON.stringify([att(s.id), codes(s.id)]), snap2, 'nothing changed');
	assert.notEqual(snap, snap2);
	// no longer required (the audience changed): refused
	const v = (await C.admin.get(`/api/v1/study_sessions/${s.id}`)).json().data.version;
	assert.equal((await call(C.admin, 'PATCH', `/api/v1/study_sessions/${s.id}`, { audience: 'list', attendees: '乙二、丙三', version: v })).status, 200);
	const gone = await anonPost(k, code('甲一'));
	assert.equal(gone.status, 403);
	assert.ok(gone.text.includes(msgHtml('learn_signin_not_required', 'en')));
	// outside the window: not open yet, closed; the codes stay unused
	const later = await session({ starts_at: NOW() + DAY, ends_at: NOW() + DAY + HOUR });
	const past = await session({ starts_at: NOW() - DAY - HOUR, ends_at: NOW() - DAY });
	const l = (await issue(later.id)).slips[0][1];
	const p = (await issue(past.id)).slips[0][1];
	const rl = await anonPost(key(later.id), l);
	assert.equal(rl.status, 422);
	assert.ok(rl.text.includes(msgHtml('learn_signin_not_open', 'en')));
	const rp = await anonPost(key(past.id), p);
	assert.equal(rp.status, 422);
	assert.ok(rp.text.includes(msgHtml('learn_signin_closed', 'en')));
	assert.ok(att(later.id).every((x) => !x[1]) && att(past.id).every((x) => !x[1]));
	assert.ok(codes(later.id).every((x) => !x[2]) && codes(past.id).every((x) => !x[2]));
	// the GET outside the window says so and offers no form
	const gp = await anon.get(`/learning/signin/${key(past.id)}`);
	assert.equal(gp.status, 422);
	assert.doesNotMatch(gp.text, /name="code"/);
	// without the CSRF token: refused
	const c2 = ctx.srv.client();
	await c2.get(`/learning/signin/${k}`);
	assert.equal((await c2.post(`/learning/signin/${k}`, { code: code('丁四') }, { csrf: false })).status, 403);
	// an unknown link
	assert.equal((await anon.post('/learning/signin/0123456789abcdef0123456789abcdef', { code: code('丁四') })).status, 404);
	// a signed-in attendee may use a code too (a colleague's phone)
	const viaAccount = await W.staff1.post(`/learning/signin/${k}`, { code: code('丁四') });
	assert.ok([200, 403].includes(viaAccount.status));
	// the messages in the three languages
	const zh = ctx.srv.client({ headers: { 'Accept-Language': 'zh-Hant' } });
	const rz = await anonPost(k, code('乙二'), zh);
	assert.ok(rz.text.includes(msgHtml('learn_code_used', 'zh-Hant')));
	const zs = ctx.srv.client({ headers: { 'Accept-Language': 'zh-Hans' } });
	const rs = await anonPost(k, code('乙二'), zs);
	assert.ok(rs.text.includes(msgHtml('learn_code_used', 'zh-Hans')));
	clearThrottle();
});

test('wrong codes from one address are limited: 20 in 15 minutes, then 429 and nothing counted, even for a right code', async () => {
	await setup();
	clearThrottle();
	const s = await session();
	const k = key(s.id);
	const { slips } = await issue(s.id);
	const anon = ctx.srv.client({ headers: { 'Accept-Language': 'en' } });
	await anon.get(`/learning/signin/${k}`);
	for (let i = 0; i < 20; i++) {
		const r = await anon.post(`/learning/signin/${k}`, { code: `ZZZZ-ZZ${String(i).padStart(2, '2').replace(/[01]/g, '3')}` });
		assert.equal(r.status, 422, `guess ${i}`);
	}
	const before = JSON.stringify([att(s.id), codes(s.id)]);
	const r = await anon.post(`/learning/signin/${k}`, { code: slips[0][1] });
	assert.equal(r.status, 429);
	assert.ok(r.text.includes(msgHtml('learn_code_too_many', 'en')));
	assert.equal(JSON.stringify([att(s.id), codes(s.id)]), before, 'nothing changed');
	clearThrottle();
	assert.equal((await anon.post(`/learning/signin/${k}`, { code: slips[0][1] })).status, 200, 'after the window the code works');
	// right codes do not count: a room behind one address signs in
	for (const [, c] of slips.slice(1)) assert.equal((await anon.post(`/learning/signin/${k}`, { code: c })).status, 200);
	assert.equal(ctx.srv.sql("SELECT count(*) FROM throttle WHERE key LIKE 'learnsign:%'")[0][0] | 0, 0);
});

test('the statistics\' tally equals a recount of the attendance rows after writes by every path', async () => {
	await setup();
	const { srv } = ctx;
	const tally = () => srv.sql("SELECT unit_id, held_on, status, n FROM learning_att_days WHERE n <> 0 ORDER BY 1, 2, 3").map((r) => r.map(String).join('|'));
	const recount = () =>
		srv.sql(
			"SELECT t.ancestor_id, s.held_on, COALESCE(a.status, ''), count(*) FROM learning_attendance a JOIN study_sessions s ON s.id = a.session_id AND s.archived = 0 JOIN unit_tree t ON t.unit_id = a.unit_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
		).map((r) => r.map(String).join('|'));
	const same = (what) => assert.deepEqual(tally(), recount(), what);
	const s1 = await session({ topic: 'Tally one' });
	same('a session planned');
	const s2 = await session({ topic: 'Tally two', unit_id: O.S1, starts_at: NOW() - 3 * DAY, ends_at: NOW() - 3 * DAY + HOUR });
	same('another');
	// the clerk's list
	const rows = srv.sql(`SELECT id, person_id FROM learning_attendance WHERE session_id = ${s2.id}`);
	const form = {};
	rows.forEach(([id], i) => (form[`s${id}`] = ['present', 'late', 'absent', 'present'][i % 4]));
	assert.equal((await W.ua1.post(`/learning/sessions/${s2.id}/attendance`, form)).status, 303);
	same('the clerk recorded');
	// and changed it
	form[`s${rows[0][0]}`] = 'absent';
	assert.equal((await W.ua1.post(`/learning/sessions/${s2.id}/attendance`, form)).status, 303);
	same('the clerk changed one');
	// QR sign-in by account, code sign-in without
	assert.equal((await W.staff1.post(`/learning/signin/${key(s1.id)}`, {})).status, 200);
	same('signed in by account');
	const { slips } = await issue(s1.id);
	assert.equal((await anonPost(key(s1.id), slips.find((x) => x[0] === '甲一')[1])).status, 200);
	same('signed in by code');
	// the audience changed
	let v = (await C.admin.get(`/api/v1/study_sessions/${s1.id}`)).json().data.version;
	assert.equal((await call(C.admin, 'PATCH', `/api/v1/study_sessions/${s1.id}`, { audience: 'list', attendees: '甲一、乙二', version: v })).status, 200);
	same('the audience narrowed');
	// moved to another day
	v = (await C.admin.get(`/api/v1/study_sessions/${s2.id}`)).json().data.version;
	assert.equal((await call(C.admin, 'PATCH', `/api/v1/study_sessions/${s2.id}`, { starts_at: NOW() - 5 * DAY, ends_at: NOW() - 5 * DAY + HOUR, version: v })).status, 200);
	same('moved');
	// archived and restored
	assert.equal((await call(C.admin, 'DELETE', `/api/v1/study_sessions/${s2.id}`)).status, 200);
	same('archived');
	const a = await srv.admin();
	await a.get(`/r/study_sessions/${s2.id}/restore`);
	assert.equal((await a.post(`/r/study_sessions/${s2.id}/restore`, {})).status, 303);
	same('restored');
	// a unit moved to another parent: its rows count elsewhere now
	const uv = (await C.admin.get(`/api/v1/units/${O.W1}`)).json().data.version;
	const mv = await call(C.admin, 'PATCH', `/api/v1/units/${O.W1}`, { parent_id: O.S2, version: uv });
	assert.equal(mv.status, 200, mv.text);
	same('a unit moved');
	const uv2 = (await C.admin.get(`/api/v1/units/${O.W1}`)).json().data.version;
	assert.equal((await call(C.admin, 'PATCH', `/api/v1/units/${O.W1}`, { parent_id: O.S1, version: uv2 })).status, 200);
	same('and back');
	// the page's figures are the tally's
	const d = (n) => day((n * DAY) / 86400);
	const st = await W.ua1.get(`/learning/stats?unit=${O.S1}&from=${d(-60)}&to=${d(0)}`);
	assert.equal(st.status, 200, st.text.slice(0, 400));
	const req = Number(srv.sql(`SELECT count(*) FROM learning_attendance a JOIN study_sessions s ON s.id = a.session_id AND s.archived = 0 AND s.held_on >= '${d(-60)}' AND s.held_on <= '${d(0)}' JOIN unit_tree t ON t.unit_id = a.unit_id AND t.ancestor_id = ${O.S1}`)[0][0]);
	assert.match(st.text, new RegExp(`id="required">${req}<`));
});
