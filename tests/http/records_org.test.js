'use strict';
// The organization pages: the unit tree (/org/tree), moving a unit with its
// whole subtree (/org/units/{id}/move, cycles refused), staff statistics
// (/org/stats and /api/v1/stats/people, checked against counts made through
// the list API) and certificates about to expire (/org/certificates).
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml, auditEntry } = require('./lib');
const { api, call, create, list, day, audit, org, importFile, upload, importErrors } = require('./records_lib');

const ctx = serverPerFile();

async function admin(lang = 'en') {
	return ctx.srv.admin({ headers: { 'Accept-Language': lang } });
}

/* ---- tree ---- */

test('the tree nests units under their parents, with a search that keeps the ancestors', async () => {
	const a = api(ctx.srv);
	const O = await org(a, 'T');
	await create(a, 'people', { name: 'Tree person', unit_id: O.D1 });
	const c = await admin();
	const r = await c.get('/org/tree');
	assert.equal(r.status, 200);
	const at = (id) => r.text.indexOf(`<a href="/r/units/${id}">`);
	for (const id of Object.values(O)) assert.ok(at(id) > 0, `unit ${id} in the tree`);
	assert.ok(at(O.B) < at(O.S1) && at(O.S1) < at(O.D1) && at(O.D1) < at(O.S2) && at(O.S2) < at(O.D2), 'depth-first order');
	// S1 opens a nested list that holds D1 and W1 and closes before S2
	const s1 = r.text.slice(at(O.S1), at(O.S2));
	assert.ok(s1.includes('<ul class="tree-level">') && s1.includes(`/r/units/${O.D1}`) && s1.includes(`/r/units/${O.W1}`));
	assert.ok(r.text.slice(at(O.D1), at(O.W1)).includes(msg('org_n_people', 'en').replace('%N', '1')), 'D1 has one person');
	assert.ok(r.text.includes(`href="/org/units/${O.S1}/move"`));
	const q = await c.get(`/org/tree?q=${encodeURIComponent('T Department one')}`);
	assert.equal(q.status, 200);
	for (const id of [O.B, O.S1, O.D1]) assert.ok(q.text.includes(`<a href="/r/units/${id}">`), `match or ancestor ${id}`);
	for (const id of [O.W1, O.S2, O.D2]) assert.ok(!q.text.includes(`<a href="/r/units/${id}">`), `not ${id}`);
	const none = await c.get('/org/tree?q=nothing-matches-this');
	assert.ok(none.text.includes(msgHtml('no_results', 'en')));
	assert.equal((await c.get(`/org/tree?q=${'x'.repeat(101)}`)).status, 400);
});

test('the tree puts siblings in their declared order and counts the people of each whole subtree', async () => {
	const a = api(ctx.srv);
	const O = await org(a, 'O');
	for (const u of [O.D1, O.D1, O.W1, O.D2]) await create(a, 'people', { name: `O person ${u}`, unit_id: u, status: 'active' });
	await create(a, 'people', { name: 'O retired', unit_id: O.W1, status: 'retired' });
	const c = await admin();
	const at = (text, id) => text.indexOf(`<a href="/r/units/${id}">`);
	const before = (await c.get('/org/tree')).text;
	assert.ok(at(before, O.S1) < at(before, O.S2), 'by code when no order is given');
	// S2 first, and W1 before D1 under S1
	for (const [id, n] of [[O.S1, 2], [O.S2, 1], [O.W1, 1], [O.D1, 2]])
		assert.equal((await call(a, 'PATCH', `/api/v1/units/${id}`, { sort_order: n })).status, 200);
	const t = (await c.get('/org/tree')).text;
	assert.ok(at(t, O.B) < at(t, O.S2) && at(t, O.S2) < at(t, O.D2) && at(t, O.D2) < at(t, O.S1), 'S2 with its subtree, then S1');
	assert.ok(at(t, O.S1) < at(t, O.W1) && at(t, O.W1) < at(t, O.D1), 'W1 before D1');
	const people = (id) => {
		const row = t.slice(at(t, id), t.indexOf('</div>', at(t, id)));
		return Number(/<span class="muted">[^<]*?(\d+)[^<]*<\/span>/.exec(row)[1]);
	};
	assert.equal(people(O.B), 4, 'the bureau counts everyone active below it');
	assert.equal(people(O.S1), 3, 'S1: D1 and W1');
	assert.equal(people(O.D1), 2);
	assert.equal(people(O.W1), 1, 'the retired person is not counted');
	assert.equal(people(O.S2), 1);
});

test('the tree search and typed references match Traditional and Simplified alike', async () => {
	const a = api(ctx.srv);
	const top = await create(a, 'units', { code: 'TS-B', name: '交通運輸局測試', kind: 'bureau' });
	const sub = await create(a, 'units', { code: 'TS-S', name: '運輸管理處', kind: 'secondary', parent_id: top.id });
	const office = await create(a, 'units', { code: 'TS-O', name: '文明辦', kind: 'department', parent_id: top.id });
	const c = await admin('zh-Hant');
	const q = await c.get(`/org/tree?q=${encodeURIComponent('运输管理')}`);
	assert.equal(q.status, 200);
	assert.ok(q.text.includes(`<a href="/r/units/${sub.id}">`), 'the Simplified query finds the Traditional name');
	assert.ok(q.text.includes(`<a href="/r/units/${top.id}">`), 'with its ancestor');
	assert.ok(!q.text.includes(`<a href="/r/units/${office.id}">`));
	// an import names the unit in the other script
	const file = `name,unit_id,status\r\n簡繁測試,文明办,active\r\n`;
	await importFile(c, 'people', Buffer.from(file), 'ts.csv');
	const imported = await list(a, 'people', `unit_id=${office.id}`);
	assert.deepEqual(imported.data.map((x) => x.name), ['簡繁測試']);
	// one that matches nothing is still refused, with the row named
	const bad = await upload(c, 'people', Buffer.from(`name,unit_id,status\r\n簡繁測試二,武明办,active\r\n`), 'bad.csv');
	assert.equal(bad.status, 422);
	assert.ok(importErrors(bad.text).some((row) => row.includes('武明办')));
	// a form names the head of a unit by name in the other script
	const head = await create(a, 'people', { name: '張偉測', unit_id: office.id, status: 'active' });
	const edit = await c.get(`/r/units/${office.id}/edit`);
	const hidden = Object.fromEntries([...edit.text.matchAll(/type="hidden" name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
	const form = { ...hidden, code: 'TS-O', name: '文明辦', kind: 'department', parent_id: String(top.id), active: '1', head_person_id: '张伟测' };
	const saved = await c.post(`/r/units/${office.id}`, form);
	assert.equal(saved.status, 303, saved.text.slice(saved.text.indexOf('<main'), saved.text.indexOf('<main') + 1500));
	assert.equal((await call(a, 'GET', `/api/v1/units/${office.id}`)).json().data.head_person_id, head.id);
});

/* ---- move ---- */

test('moving a unit under itself or its own descendant is 422 with the cycle message; nothing moves', async () => {
	const a = api(ctx.srv);
	const O = await org(a, 'M');
	for (const lang of ['zh-Hant', 'en']) {
		const c = await admin(lang);
		const page = await c.get(`/org/units/${O.S1}/move`);
		assert.equal(page.status, 200);
		// the choices leave out the unit's own subtree
		for (const id of [O.B, O.S2, O.D2]) assert.match(page.text, new RegExp(`<option value="${id}"`), `may move under ${id}`);
		for (const id of [O.S1, O.D1, O.W1]) assert.doesNotMatch(page.text, new RegExp(`<option value="${id}"`), `not offered: ${id}`);
		for (const target of [O.D1, O.W1, O.S1]) {
			const r = await c.post(`/org/units/${O.S1}/move`, { parent_id: String(target) });
			assert.equal(r.status, 422, `under ${target}`);
			const err = /<p class="error"[^>]*>([^<]*)<\/p>/.exec(r.text);
			assert.equal(err?.[1], msgHtml('unit_cycle', lang), `${lang}: the cycle message at the field`);
			assert.match(r.text, new RegExp(`<option value="${O.B}" selected>`), 'the current parent stays selected');
		}
		const p = await call(api(ctx.srv, 'admin', lang), 'PATCH', `/api/v1/units/${O.S1}`, { parent_id: O.D1 });
		assert.equal(p.status, 422);
		assert.equal(p.json().error.fields.parent_id, msg('unit_cycle', lang));
		// a bad parent: 422 too
		assert.equal((await c.post(`/org/units/${O.S1}/move`, { parent_id: '999999' })).status, 422);
	}
	assert.equal((await a.get(`/api/v1/units/${O.S1}`)).json().data.parent_id, O.B);
	assert.equal((await a.get(`/api/v1/units/${O.S1}`)).json().data.version, 1, 'not saved at all');
	const c = await admin();
	assert.equal((await c.post(`/org/units/${O.S1}/move`, { parent_id: String(O.S2) }, { csrf: false })).status, 403);
	assert.equal((await c.get('/org/units/999999/move')).status, 404);
});

test('a valid move rewrites the subtree: filters by the new parent include the moved unit\'s people; it is in the audit log', async () => {
	const a = api(ctx.srv);
	const O = await org(a, 'V');
	const post = await create(a, 'units', { code: 'VP1', name: 'V Post under D1', kind: 'post', parent_id: O.D1 });
	const inD1 = await create(a, 'people', { name: 'Vmove in D1', unit_id: O.D1 });
	const inPost = await create(a, 'people', { name: 'Vmove in post', unit_id: post.id });
	const inS1 = await create(a, 'people', { name: 'Vstay in S1', unit_id: O.S1 });
	const idsUnder = async (unit) => (await list(a, 'people', `unit_id=${unit}&per_page=200`)).data.map((p) => p.id).sort((x, y) => x - y);
	assert.deepEqual(await idsUnder(O.S1), [inD1.id, inPost.id, inS1.id]);
	assert.deepEqual(await idsUnder(O.S2), []);
	const c = await admin('en');
	const r = await c.post(`/org/units/${O.D1}/move`, { parent_id: String(O.S2) });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/org/tree');
	const tree = await c.get('/org/tree');
	assert.ok(tree.text.includes(msgHtml('org_moved', 'en')));
	const at = (id) => tree.text.indexOf(`<a href="/r/units/${id}">`);
	assert.ok(at(O.S2) < at(O.D1) && at(O.D1) < at(post.id), 'D1 and its post now under S2');
	assert.equal((await a.get(`/api/v1/units/${O.D1}`)).json().data.parent_id, O.S2);
	assert.deepEqual(await idsUnder(O.S2), [inD1.id, inPost.id], 'the new parent covers the moved subtree, grandchildren too');
	assert.deepEqual(await idsUnder(O.S1), [inS1.id], 'the old parent no longer does');
	assert.deepEqual(await idsUnder(O.D1), [inD1.id, inPost.id]);
	assert.deepEqual((await list(a, 'units', `parent_id=${O.S2}`)).data.map((u) => u.id).sort((x, y) => x - y), [O.D1, O.D2, post.id].sort((x, y) => x - y));
	// the statistics follow
	const st = (await a.get(`/api/v1/stats/people?unit=${O.S2}`)).json().data;
	assert.equal(st.total, 2);
	// the audit log: an update of the unit, parent before and after
	const rows = audit(ctx.srv, `entity = 'units' AND entity_id = '${O.D1}' AND action = 'update'`);
	assert.equal(rows.length, 1);
	assert.equal(JSON.parse(rows[0].after).parent_id, O.S2);
	const log = await c.get(`/admin/audit?entity=units&entity_id=${O.D1}`);
	assert.equal(log.status, 200);
	assert.ok(log.text.includes(msgHtml('act_update', 'en')));
	assert.ok(log.text.includes(`href="/r/units/${O.D1}"`));
	const entry = await c.get(`/admin/audit/${ctx.srv.sql(`SELECT max(id) FROM audit WHERE entity = 'units' AND entity_id = '${O.D1}'`)[0][0]}`);
	const moved = auditEntry(entry.text);
	assert.deepEqual([moved.before.parent_id, moved.after.parent_id], ['V Secondary one', 'V Secondary two'], 'the entry shows the parents by name');
	// to the top level, and back, through the API
	assert.equal((await c.post(`/org/units/${O.D1}/move`, { parent_id: '' })).status, 303);
	assert.deepEqual(await idsUnder(O.B), [inS1.id]);
	assert.equal((await call(a, 'PATCH', `/api/v1/units/${O.D1}`, { parent_id: O.S1 })).status, 200);
	assert.deepEqual(await idsUnder(O.S1), [inD1.id, inPost.id, inS1.id]);
	assert.deepEqual(await idsUnder(O.B), [inD1.id, inPost.id, inS1.id]);
});

/* ---- statistics ---- */

test('/api/v1/stats/people and /org/stats: figures equal counts made through the list API', async () => {
	const a = api(ctx.srv);
	const O = await org(a, 'S');
	const p = (body) => create(a, 'people', { status: 'active', ...body });
	await p({ name: 'S1', unit_id: O.B, party_member: true, party_joined: '2000-01-01', title_level: 'senior' });
	await p({ name: 'S2', unit_id: O.S1, cert_number: 'SC-1', cert_expires: day(30) });
	await p({ name: 'S3', unit_id: O.D1, party_member: true, party_joined: '2000-01-01', cert_number: 'SC-2', cert_expires: day(-1) });
	await p({ name: 'S4', unit_id: O.D1, title_level: 'intermediate', cert_number: 'SC-3', cert_expires: day(0) });
	await p({ name: 'S5', unit_id: O.W1, title_level: 'associate_senior' });
	await p({ name: 'S6', unit_id: O.W1, title_level: 'junior', status: 'retired', party_member: true, party_joined: '1980-01-01' });
	await p({ name: 'S7', unit_id: O.D2, party_member: true, party_joined: '2010-01-01', title_level: 'intermediate', cert_number: 'SC-4', cert_expires: day(400) });
	await p({ name: 'S8', unit_id: O.D2, status: 'transferred', cert_number: 'SC-5', cert_expires: day(400) });
	const gone = await p({ name: 'S9', unit_id: O.S2, party_member: true, party_joined: '2010-01-01' });
	assert.equal((await call(a, 'DELETE', `/api/v1/people/${gone.id}`)).status, 200);

	const count = async (unit, extra = '') => (await list(a, 'people', `unit_id=${unit}&status=active${extra}`)).total;
	const figures = async (unit) => {
		const mid = (await count(unit, '&title_level=intermediate')) + (await count(unit, '&title_level=associate_senior')) + (await count(unit, '&title_level=senior'));
		const rows = (await list(a, 'people', `unit_id=${unit}&status=active&per_page=200`)).data;
		const certified = rows.filter((x) => x.cert_number && x.cert_expires >= day(0)).length;
		return { total: await count(unit), party_members: await count(unit, '&party_member=1'), law_enforcement_certified: certified, mid_level_professionals: mid };
	};
	const pick = (o) => ({ total: o.total, party_members: o.party_members, law_enforcement_certified: o.law_enforcement_certified, mid_level_professionals: o.mid_level_professionals });
	for (const [unit, kids] of [[O.B, [O.S1, O.S2]], [O.S1, [O.D1, O.W1]], [O.D2, []]]) {
		const r = await a.get(`/api/v1/stats/people?unit=${unit}`);
		assert.equal(r.status, 200);
		const s = r.json().data;
		assert.deepEqual(s.unit.id, unit);
		assert.equal(s.as_of, day(0));
		assert.deepEqual(pick(s), await figures(unit), `unit ${unit}`);
		assert.deepEqual(s.by_unit.map((k) => k.id), kids);
		for (const k of s.by_unit) assert.deepEqual(pick(k), await figures(k.id), `sub-unit ${k.id}`);
	}
	// the figures by hand, so that a wrong count in both places is caught too
	assert.deepEqual(pick((await a.get(`/api/v1/stats/people?unit=${O.B}`)).json().data), { total: 6, party_members: 3, law_enforcement_certified: 3, mid_level_professionals: 4 });
	// the page shows the same figures, each filterable one linked to its list
	const c = await admin('en');
	const page = await c.get(`/org/stats?unit=${O.S1}`);
	assert.equal(page.status, 200);
	const f = await figures(O.S1);
	const tile = (key, n) => new RegExp(`<span class="tile-label">${msgHtml(key, 'en')}</span><span class="tile-value">${n}</span>`);
	assert.match(page.text, tile('stat_total', f.total));
	assert.match(page.text, tile('stat_party', f.party_members));
	assert.match(page.text, tile('stat_certified', f.law_enforcement_certified));
	assert.match(page.text, tile('stat_mid_level', f.mid_level_professionals));
	assert.ok(page.text.includes(`href="/r/people?unit_id=${O.S1}&amp;status=active&amp;party_member=1"`));
	assert.ok(page.text.includes(`<a href="/org/stats?unit=${O.D1}">`));
	// a unit picker: the chosen unit selected, its children offered, a search box for the rest
	const picker = /<select id="f-unit" name="unit">([\s\S]*?)<\/select>/.exec(page.text);
	assert.ok(picker, 'the statistics page has a unit picker');
	assert.match(picker[1], new RegExp(`<option value="${O.S1}" selected>`));
	for (const id of [O.D1, O.W1, O.B]) assert.match(picker[1], new RegExp(`<option value="${id}"`), `unit ${id} offered`);
	assert.ok(page.text.includes('class="unit-find" data-for="f-unit"'));
	assert.equal((await c.get(`/org/stats?unit=`)).status, 200, 'no unit chosen: the default one');
	// the table's rows add up: each unit below, the unit's own staff, the total
	const cells = (label) => {
		const m = new RegExp(`${label.replace(/[()?]/g, '\\$&')}</t[dh]>((?:<td class="num">[\\d,]+</td>){4})`).exec(page.text);
		assert.ok(m, label);
		return [...m[1].matchAll(/>([\d,]+)</g)].map((x) => Number(x[1].replace(/,/g, '')));
	};
	const own = cells(msgHtml('stat_own_staff', 'en').replace('%s', 'S Secondary one'));
	const d1 = cells(`<a href="/org/stats?unit=${O.D1}">S Department one</a>`);
	const w1 = cells(`<a href="/org/stats?unit=${O.W1}">S Window one</a>`);
	const sum = cells(msgHtml('stat_sum', 'en'));
	assert.deepEqual(own, [1, 0, 1, 0], 'S2 works in S1 itself: active, certified');
	assert.deepEqual(sum, [f.total, f.party_members, f.law_enforcement_certified, f.mid_level_professionals]);
	assert.deepEqual(sum, own.map((x, i) => x + d1[i] + w1[i]));
	// bad and unknown units
	for (const [q, status] of [['unit=abc', 400], ['unit=0', 400], ['unit=-3', 400], ['unit=999999', 404]]) {
		assert.equal((await a.get(`/api/v1/stats/people?${q}`)).status, status, q);
		assert.equal((await c.get(`/org/stats?${q}`)).status, status, q);
	}
	// no unit: the first root (the admin sees everything)
	assert.equal((await a.get('/api/v1/stats/people')).status, 200);
});

/* ---- certificates ---- */

test('/org/certificates?days=60 lists the active staff whose certificates expire within 60 days, soonest first', async () => {
	const a = api(ctx.srv);
	const O = await org(a, 'C');
	const p = (name, expires, extra = {}) => create(a, 'people', { name, unit_id: O.D1, status: 'active', cert_number: `CC-${name}`, cert_expires: expires, ...extra });
	await p('cert59', day(59));
	await p('cert10', day(10));
	await p('cert60', day(60));
	await p('cert0', day(0));
	await p('cert61', day(61));
	await p('certPast', day(-1));
	await p('certRetired', day(5), { status: 'retired' });
	const gone = await p('certArchived', day(5));
	await call(a, 'DELETE', `/api/v1/people/${gone.id}`);
	const c = await admin('en');
	const names = (html) => [...html.matchAll(/<td><a href="\/r\/people\/\d+">(cert\w+)<\/a><\/td>/g)].map((m) => m[1]);
	const r = await c.get('/org/certificates?days=60');
	assert.equal(r.status, 200);
	assert.deepEqual(names(r.text), ['cert0', 'cert10', 'cert59', 'cert60']);
	assert.ok(r.text.includes(day(10)) && r.text.includes('CC-cert10'));
	assert.deepEqual(names((await c.get('/org/certificates')).text), ['cert0', 'cert10', 'cert59', 'cert60'], 'the default is 60 days');
	assert.deepEqual(names((await c.get('/org/certificates?days=61')).text), ['cert0', 'cert10', 'cert59', 'cert60', 'cert61']);
	assert.deepEqual(names((await c.get('/org/certificates?days=9')).text), ['cert0']);
	for (const d of ['0', '-5', 'abc', '3651']) assert.equal((await c.get(`/org/certificates?days=${d}`)).status, 400, `days=${d}`);
	assert.equal((await c.get('/org/certificates?days=3650')).status, 200);
	// a unit_admin of another branch sees none of these
	const u = ctx.srv.createUser('cert_uadmin', 'unit_admin', O.S2);
	const uc = await ctx.srv.signIn(u.name, u.password, { headers: { 'Accept-Language': 'en' } });
	const ur = await uc.get('/org/certificates?days=60');
	assert.equal(ur.status, 200);
	assert.deepEqual(names(ur.text), []);
	assert.ok(ur.text.includes(msgHtml('cert_none_expiring', 'en')));
});
