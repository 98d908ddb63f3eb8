'use strict';
// The records engine's HTML pages under /r/{type}: list (filters, sort,
// pager), the create and edit forms with inline errors, archive and restore
// behind confirm pages with CSRF, and sensitive values (ID number, phone):
// masked in the list, the detail page and the API, revealed only on request
// by the roles allowed to, each reveal audited.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const { api, call, create, list, idNumber, mask, audit, org } = require('./records_lib');

const ctx = serverPerFile();
let O, alice, bob;
const ID = idNumber(321, '19791224');
const PHONE = '13912345678';

async function setup() {
	if (O) return;
	const a = api(ctx.srv);
	O = await org(a, 'P');
	alice = await create(a, 'people', { name: 'Alice Pages', unit_id: O.D1, gender: 'female', id_number: ID, phone: PHONE, position: 'Clerk' });
	bob = await create(a, 'people', { name: 'Bob Pages', unit_id: O.D2, gender: 'male' });
}

async function signedIn(role, lang = 'en', unit) {
	const { srv } = ctx;
	srv._n = (srv._n ?? 0) + 1;
	const c =
		role === 'admin'
			? await srv.admin({ headers: { 'Accept-Language': lang } })
			: await (async () => {
					const u = srv.createUser(`pg_${role}${srv._n}`, role, unit);
					return srv.signIn(u.name, u.password, { headers: { 'Accept-Language': lang } });
				})();
	return c;
}

/* The error message shown under a field of a form, or null. */
function fieldError(html, name) {
	const m = new RegExp(`<p class="error" id="f-${name}-err">([^<]*)</p>`).exec(html);
	return m ? m[1] : null;
}

/* ---- list page ---- */

test('a unit whose name others share is named with its parent: which 辦公室', async () => {
	await setup();
	const a = api(ctx.srv);
	const o1 = await create(a, 'units', { code: 'P-OF1', name: '辦公室', kind: 'department', parent_id: O.S1 });
	await create(a, 'units', { code: 'P-OF2', name: '辦公室', kind: 'department', parent_id: O.S2 });
	const lone = await create(a, 'units', { code: 'P-LONE', name: 'Lone office', kind: 'department', parent_id: O.S1 });
	await create(a, 'people', { name: 'Office Pages', unit_id: o1.id, status: 'active' });
	await create(a, 'people', { name: 'Lone Pages', unit_id: lone.id, status: 'active' });
	const c = await signedIn('admin', 'en');
	const page = (await c.get(`/r/people?unit_id=${O.S1}`)).text;
	assert.ok(page.includes('辦公室（P Secondary one）'), 'the shared name with its parent');
	assert.ok(page.includes('>Lone office<'), 'a name of its own stays as it is');
});

test('the staff list shows the active staff unless asked for all; a certificate filter keeps who has one or not', async () => {
	await setup();
	const a = api(ctx.srv);
	const unit = O.W1;
	const cert = await create(a, 'people', { name: 'Certa Pages', unit_id: unit, status: 'active', cert_number: 'PG-77', cert_expires: '2030-01-01' });
	const plain = await create(a, 'people', { name: 'Plain Pages', unit_id: unit, status: 'active' });
	const gone = await create(a, 'people', { name: 'Retired Pages', unit_id: unit, status: 'retired' });
	const c = await signedIn('admin', 'en');
	const names = (html) => [...html.matchAll(/<td class="card-title"><a href="\/r\/people\/\d+">([^<]*)<\/a>/g)].map((m) => m[1]).sort();
	const byDefault = await c.get(`/r/people?unit_id=${unit}`);
	assert.deepEqual(names(byDefault.text), ['Certa Pages', 'Plain Pages'], 'active staff by default');
	assert.ok(byDefault.text.includes(`href="/r/people/export?unit_id=${unit}&amp;status=active&amp;format=csv"`), 'the export holds what the page shows');
	assert.match(byDefault.text, /<option value="active" selected>/, 'and the filter shows it');
	assert.deepEqual(names((await c.get(`/r/people?unit_id=${unit}&status=`)).text), ['Certa Pages', 'Plain Pages', 'Retired Pages'], '(any): everyone');
	assert.deepEqual(names((await c.get(`/r/people?unit_id=${unit}&status=retired`)).text), ['Retired Pages']);
	assert.deepEqual(names((await c.get(`/r/people?unit_id=${unit}&cert_number=1`)).text), ['Certa Pages'], 'with a certificate');
	assert.deepEqual(names((await c.get(`/r/people?unit_id=${unit}&cert_number=0`)).text), ['Plain Pages'], 'without one');
	assert.equal((await c.get(`/r/people?cert_number=maybe`)).status, 400);
	// the API has no default: a client asks for what it wants
	const all = (await list(a, 'people', `unit_id=${unit}&per_page=200`)).data.map((x) => x.id).sort((x, y) => x - y);
	assert.deepEqual(all, [cert.id, plain.id, gone.id].sort((x, y) => x - y));
	assert.deepEqual((await list(a, 'people', `unit_id=${unit}&cert_number=1`)).data.map((x) => x.id), [cert.id]);
});

test('the list page: columns, filters, sort links, export and import links, pager', async () => {
	await setup();
	const c = await signedIn('admin');
	const r = await c.get('/r/people');
	assert.equal(r.status, 200);
	assert.ok(r.text.includes('Alice Pages') && r.text.includes('Bob Pages'));
	assert.ok(r.text.includes('<form class="filters" method="get" action="/r/people">'));
	for (const f of ['gender', 'unit_id', 'status', 'party_member', 'is_leader', 'education', 'title_level'])
		assert.match(r.text, new RegExp(`<select id="f-${f}" name="${f}">`), `filter ${f}`);
	assert.ok(r.text.includes('href="/r/people/export?status=active&amp;format=csv"'), 'the export link carries the default filter');
	assert.ok(r.text.includes('href="/r/people/export?status=active&amp;format=xlsx"'));
	assert.ok(r.text.includes('href="/r/people/import"'));
	assert.ok(r.text.includes('href="/r/people/new"'));
	// filtered: the export links keep the filters
	const f = await c.get(`/r/people?unit_id=${O.S1}&gender=female`);
	assert.ok(f.text.includes('Alice Pages'));
	assert.ok(!f.text.includes('Bob Pages'));
	assert.ok(f.text.includes(`/r/people/export?unit_id=${O.S1}&amp;gender=female&amp;status=active&amp;format=csv`), 'export keeps the filters');
	// bad parameters: 400 pages in the user's language
	for (const [q, key] of [['sort=id_number', 'rec_bad_sort'], ['per_page=201', 'rec_bad_per_page'], ['gender=x', 'rec_bad_filter']]) {
		const b = await c.get(`/r/people?${q}`);
		assert.equal(b.status, 400, q);
		assert.match(b.header('content-type'), /text\/html/);
		assert.ok(b.text.includes(msgHtml(key, 'en')), q);
	}
	// paging: 1 per page, the pager links to page 2
	const p = await c.get('/r/people?per_page=1');
	assert.match(p.text, /page=2/);
	assert.equal((await c.get('/r/nothing')).status, 404);
});

test('q finds a register\'s records in either script, through the search index, within the other filters', async () => {
	await setup();
	const a = api(ctx.srv);
	const hant = await create(a, 'people', { name: '劉德華', unit_id: O.D1, position: '稽查科長' });
	const hans = await create(a, 'people', { name: '刘晓东', unit_id: O.D2, position: '稽查科长' });
	const found = async (q) => (await list(a, 'people', `q=${encodeURIComponent(q)}`)).data.map((p) => p.id).sort();
	const both = [hant.id, hans.id].sort();
	// one character (a surname), the title and the rest: complete, both scripts
	assert.deepEqual(await found('刘'), both);
	assert.deepEqual(await found('劉'), both);
	assert.deepEqual(await found('科长'), both); // position, an FF_SEARCH field
	// three or more characters: the trigram index
	assert.deepEqual(await found('刘德华'), [hant.id]);
	assert.deepEqual(await found('劉曉東'), [hans.id]);
	assert.deepEqual(await found('稽查科長'), both);
	assert.deepEqual(await found('劉德華 '), [hant.id], 'blanks around the query do not count');
	// with a unit filter and in the HTML list, with its total
	const l = await list(a, 'people', `q=${encodeURIComponent('劉')}&unit_id=${O.D2}`);
	assert.deepEqual([l.total, l.data.map((p) => p.id)], [1, [hans.id]]);
	const c = await signedIn('admin');
	const page = (await c.get(`/r/people?q=${encodeURIComponent('刘德華')}`)).text;
	assert.ok(page.includes('劉德華') && !page.includes('刘晓东'));
	// % and _ are letters, and nothing else matches them
	assert.deepEqual(await found('%'), []);
	assert.deepEqual(await found('劉_'), []);
	// a change is searchable at once: renamed, then archived (then only the
	// archived list finds it, by the name as written)
	assert.equal((await call(a, 'PATCH', `/api/v1/people/${hans.id}`, { name: '刘小东' })).status, 200);
	assert.deepEqual(await found('劉小東'), [hans.id]);
	assert.equal((await call(a, 'DELETE', `/api/v1/people/${hans.id}`)).status, 200);
	assert.deepEqual(await found('刘小东'), []);
	assert.deepEqual((await list(a, 'people', `archived=1&q=${encodeURIComponent('刘小东')}`)).data.map((p) => p.id), [hans.id]);
});

test('sensitive values are masked in the list, the detail page, the API and the audit-free views', async () => {
	await setup();
	const c = await signedIn('admin');
	for (const p of ['/r/people', `/r/people?q=Alice`, `/r/people/${alice.id}`, `/r/units/${O.D1}`]) {
		const r = await c.get(p);
		assert.equal(r.status, 200, p);
		assert.ok(!r.text.includes(ID), `${p}: no full ID number`);
		assert.ok(!r.text.includes(PHONE), `${p}: no full phone`);
	}
	const d = await c.get(`/r/people/${alice.id}`);
	assert.ok(d.text.includes(mask(ID)), 'the detail shows the masked ID number');
	assert.ok(d.text.includes(mask(PHONE)), 'the detail shows the masked phone');
	assert.equal(mask(PHONE), '139****5678');
	const j = (await api(ctx.srv).get(`/api/v1/people/${alice.id}`)).json().data;
	assert.equal(j.id_number, mask(ID));
	assert.equal(j.phone, mask(PHONE));
	const l = await list(api(ctx.srv), 'people', 'q=Alice');
	assert.equal(l.data[0].id_number, mask(ID));
	assert.equal(l.data[0].phone, mask(PHONE));
	// the reveal buttons, with the session's CSRF token
	assert.match(d.text, new RegExp(`<form class="inline" method="post" action="/r/people/${alice.id}/reveal"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="field" value="id_number">`));
	assert.equal(audit(ctx.srv, `action = 'reveal'`).length, 0, 'looking is not revealing');
});

test('reveal on the detail page (POST /r/people/{id}/reveal): one field, audited, CSRF required', async () => {
	await setup();
	const c = await signedIn('admin');
	const before = audit(ctx.srv, `action = 'reveal'`).length;
	let r = await c.post(`/r/people/${alice.id}/reveal`, { field: 'id_number' }, { csrf: false });
	assert.equal(r.status, 403, 'no token');
	r = await c.post(`/r/people/${alice.id}/reveal`, { field: 'id_number' });
	// post/redirect/get: the browser does not stay on the POST
	assert.equal(r.status, 303);
	assert.equal(r.location, `/r/people/${alice.id}`);
	assert.ok(!r.text.includes(ID) && !r.location.includes(ID), 'the value is not in the answer to the POST nor in the URL');
	const rows = audit(ctx.srv, `action = 'reveal'`);
	assert.equal(rows.length, before + 1);
	const last = rows.at(-1);
	assert.deepEqual([last.entity, last.entityId, last.username], ['people', String(alice.id), 'admin']);
	assert.deepEqual(JSON.parse(last.after), { field: 'id_number' });
	r = await c.get(r.location);
	assert.equal(r.status, 200);
	assert.ok(r.text.includes(ID), 'the ID number in full');
	assert.ok(!r.text.includes(PHONE), 'the phone stays masked');
	// once: a reload shows the mask again, and posts (and audits) nothing
	r = await c.get(`/r/people/${alice.id}`);
	assert.ok(!r.text.includes(ID) && r.text.includes(mask(ID)), 'a reload shows the mask');
	assert.equal(audit(ctx.srv, `action = 'reveal'`).length, before + 1);
	r = await c.post(`/r/people/${alice.id}/reveal`, { field: 'phone' });
	r = await c.get(r.location);
	assert.ok(r.text.includes(PHONE) && !r.text.includes(ID));
	// the mark that lets one page show it belongs to that record and session
	r = await c.post(`/r/people/${alice.id}/reveal`, { field: 'phone' });
	const mark = c.jar.get('wm_reveal');
	assert.ok(mark && !mark.includes(PHONE), 'a mark, without the value');
	assert.ok(!(await c.get(`/r/people/${bob.id}`)).text.includes(PHONE));
	const other = await signedIn('admin');
	other.setCookie('wm_reveal', mark);
	assert.ok(!(await other.get(`/r/people/${alice.id}`)).text.includes(PHONE), 'another session cannot use it');
	c.setCookie('wm_reveal', mark.replace('.phone.', '.id_number.'));
	assert.ok(!(await c.get(`/r/people/${alice.id}`)).text.includes(ID), 'nor can it be edited to name another field');
	c.setCookie('wm_reveal', mark.replace(/\.(\d+)\.([0-9a-f]+)$/, (_, t, m) => `.${Number(t) + 3600}.${m}`));
	assert.ok(!(await c.get(`/r/people/${alice.id}`)).text.includes(PHONE), 'nor made to last longer');
	assert.equal(audit(ctx.srv, `action = 'reveal'`).length, before + 3);
	// not a sensitive field, no field, no such record
	for (const field of ['name', 'user_id', '', 'bogus']) {
		r = await c.post(`/r/people/${alice.id}/reveal`, { field });
		assert.equal(r.status, 400, `field=${field}`);
	}
	assert.equal((await c.post('/r/people/999999/reveal', { field: 'phone' })).status, 404);
	assert.equal(audit(ctx.srv, `action = 'reveal'`).length, before + 3, 'refused reveals are not audited');
	// the audit log shows it in words, linked to the person
	const log = await c.get(`/admin/audit?action=reveal&entity=people&entity_id=${alice.id}`);
	assert.ok(log.text.includes(msgHtml('act_reveal', 'en')));
	assert.ok(log.text.includes(`href="/r/people/${alice.id}"`));
});

test('GET /api/v1/people/{id}?reveal=1: admin, office and unit_admin (in scope) see it, audited; leader and staff get 403', async () => {
	await setup();
	const { srv } = ctx;
	const users = {
		office: srv.createUser('rv_office', 'office'),
		unit_admin: srv.createUser('rv_uadmin', 'unit_admin', O.S1),
		leader: srv.createUser('rv_leader', 'leader'),
		staff: srv.createUser('rv_staff', 'staff'),
		far_admin: srv.createUser('rv_far', 'unit_admin', O.S2),
	};
	for (const who of ['admin', 'office', 'unit_admin']) {
		const name = who === 'admin' ? 'admin' : users[who].name;
		const n = audit(srv, `action = 'reveal' AND username = '${name}'`).length;
		const r = await api(srv, name).get(`/api/v1/people/${alice.id}?reveal=1`);
		assert.equal(r.status, 200, who);
		assert.equal(r.json().data.id_number, ID, who);
		assert.equal(r.json().data.phone, PHONE, who);
		const rows = audit(srv, `action = 'reveal' AND username = '${name}'`);
		assert.equal(rows.length, n + 1, `${who}: one audit entry`);
		assert.deepEqual([rows.at(-1).entity, rows.at(-1).entityId], ['people', String(alice.id)]);
		// without reveal=1 (or another value) it stays masked and is not audited
		for (const q of ['', '?reveal=0', '?reveal=true']) {
			const m = await api(srv, name).get(`/api/v1/people/${alice.id}${q}`);
			assert.equal(m.json().data.id_number, mask(ID), `${who} ${q}`);
		}
		assert.equal(audit(srv, `action = 'reveal' AND username = '${name}'`).length, n + 1);
	}
	for (const who of ['leader', 'staff', 'far_admin']) {
		const n = audit(srv, `action = 'reveal'`).length;
		const r = await api(srv, users[who].name, 'en').get(`/api/v1/people/${alice.id}?reveal=1`);
		assert.equal(r.status, 403, who);
		assert.equal(r.json().error.code, 'forbidden');
		assert.ok(!r.text.includes(ID));
		assert.equal(audit(srv, `action = 'reveal'`).length, n, `${who}: nothing audited`);
	}
	// a leader reads the person, masked, and gets no reveal button; the POST is 403
	const leader = await srv.signIn(users.leader.name, users.leader.password);
	const d = await leader.get(`/r/people/${alice.id}`);
	assert.equal(d.status, 200);
	assert.ok(d.text.includes(mask(ID)));
	assert.ok(!d.text.includes('/reveal'), 'no reveal button for a leader');
	assert.equal((await leader.post(`/r/people/${alice.id}/reveal`, { field: 'id_number' })).status, 403);
	// supervisors' phones: admin and office only
	const s = await create(api(srv), 'supervisors', { name: 'Sup Pages', organization: 'Press', phone: '02012345678', term_start: '2026-01-01', term_end: '2027-12-31' });
	assert.equal((await api(srv).get(`/api/v1/supervisors/${s.id}`)).json().data.phone, mask('02012345678'));
	assert.equal((await api(srv, users.office.name).get(`/api/v1/supervisors/${s.id}?reveal=1`)).json().data.phone, '02012345678');
	assert.equal((await api(srv, users.leader.name).get(`/api/v1/supervisors/${s.id}?reveal=1`)).status, 403);
	assert.equal((await api(srv, users.unit_admin.name).get(`/api/v1/supervisors/${s.id}`)).status, 403);
});

test('the audit log does not show ID numbers and phones in full (reading them there is an unaudited reveal)', async () => {
	await setup();
	const c = await signedIn('office');
	const [[entry]] = ctx.srv.sql(`SELECT id FROM audit WHERE action = 'create' AND entity = 'people' AND entity_id = '${alice.id}'`);
	const r = await c.get(`/admin/audit/${entry}`);
	assert.equal(r.status, 200);
	assert.ok(!r.text.includes(ID), 'the ID number in full on the audit entry page');
	assert.ok(!r.text.includes(PHONE), 'the phone in full on the audit entry page');
});

/* ---- forms ---- */

test('create form: an inline error per field in the user\'s language, values kept; then saved and shown', async () => {
	await setup();
	for (const lang of ['zh-Hant', 'en']) {
		const c = await signedIn('admin', lang);
		const n = await c.get('/r/people/new');
		assert.equal(n.status, 200);
		assert.equal(n.htmlLang, lang);
		assert.ok(n.text.includes('<form class="form" method="post" action="/r/people">'));
		assert.ok(n.text.includes('name="_csrf"'));
		assert.ok(!n.text.includes('name="user_id"'), 'hidden fields are not in the form');
		assert.match(n.text, /<option value="active" selected>/, 'the default status is chosen');
		const before = (await list(api(ctx.srv), 'people')).total;
		const r = await c.post('/r/people', { name: '', unit_id: String(O.W1), phone: 'abc', position: `Kept ${lang}`, status: 'active', birth_date: '1980-02-30', cert_issued: '2020-05-06' });
		assert.equal(r.status, 422);
		assert.ok(r.text.includes(msgHtml('form_has_errors', lang)));
		assert.equal(fieldError(r.text, 'name'), msgHtml('required', lang));
		assert.equal(fieldError(r.text, 'phone'), msgHtml('rec_bad_phone', lang));
		assert.equal(fieldError(r.text, 'position'), null);
		assert.ok(r.text.includes(`value="Kept ${lang}"`), 'what was typed stays');
		// a date the browser's date input could not show stays as text; a good one stays a date
		assert.ok(fieldError(r.text, 'birth_date'));
		assert.match(r.text, /<input id="f-birth_date" name="birth_date" type="text" value="1980-02-30"/);
		assert.match(r.text, /<input id="f-cert_issued" name="cert_issued" type="date" value="2020-05-06"/);
		assert.match(r.text, new RegExp(`<option value="${O.W1}" selected>`), 'the unit stays chosen');
		assert.equal((await list(api(ctx.srv), 'people')).total, before, 'nothing saved');
		// without a token: 403, nothing saved
		assert.equal((await c.post('/r/people', { name: 'x', unit_id: String(O.W1), status: 'active' }, { csrf: false })).status, 403);
		const ok = await c.post('/r/people', { name: `Carol ${lang}`, unit_id: String(O.W1), phone: '13700000000', status: 'active', party_member: '1', party_joined: '2020-07-01' });
		assert.equal(ok.status, 303, ok.text.slice(0, 300));
		assert.match(ok.location, /^\/r\/people\/\d+$/);
		const d = await c.get(ok.location);
		assert.equal(d.status, 200);
		assert.ok(d.text.includes(msgHtml('rec_created', lang)), 'the flash says so');
		assert.ok(d.text.includes(`Carol ${lang}`));
		assert.ok(d.text.includes(msgHtml('yes', lang)), 'party member: yes');
		const id = Number(ok.location.split('/').pop());
		assert.equal((await api(ctx.srv).get(`/api/v1/people/${id}`)).json().data.party_member, true);
	}
});

test('the new form is prefilled from the query string (/r/group_members/new?group_id=…)', async () => {
	await setup();
	const g = await create(api(ctx.srv), 'groups', { year: 2026, kind: 'leadership_group', name: 'Prefill group', unit_id: O.B });
	const c = await signedIn('admin');
	const r = await c.get(`/r/group_members/new?group_id=${g.id}`);
	assert.equal(r.status, 200);
	assert.match(r.text, new RegExp(`<option value="${g.id}" selected>Prefill group</option>`));
	// the group's page lists its members with an "add" link
	const gp = await c.get(`/r/groups/${g.id}`);
	assert.ok(gp.text.includes(`href="/r/group_members/new?group_id=${g.id}"`));
});

test('a person field accepts a unique name in the form; an unknown or shared name is an inline error', async () => {
	await setup();
	const a = api(ctx.srv);
	const g = await create(a, 'groups', { year: 2026, kind: 'task_force', name: 'Name group', unit_id: O.B });
	await create(a, 'people', { name: 'Twin Name', unit_id: O.D1 });
	await create(a, 'people', { name: 'Twin Name', unit_id: O.D2 });
	const c = await signedIn('admin', 'en');
	let r = await c.post('/r/group_members', { group_id: String(g.id), person_id: 'Bob Pages', role: 'member' });
	assert.equal(r.status, 303, r.text.slice(0, 300));
	const id = Number(r.location.split('/').pop());
	assert.equal((await a.get(`/api/v1/group_members/${id}`)).json().data.person_id, bob.id);
	for (const name of ['Nobody Of That Name', 'Twin Name']) {
		r = await c.post('/r/group_members', { group_id: String(g.id), person_id: name, role: 'member' });
		assert.equal(r.status, 422, name);
		assert.equal(fieldError(r.text, 'person_id'), msgHtml('rec_bad_reference', 'en'), `${name}: an error at the field`);
		assert.ok(r.text.includes(`value="${name}"`), 'what was typed stays');
	}
});

test('edit form: saved with its version; a stale version is 409 with the conflict message; an error is inline', async () => {
	await setup();
	const c = await signedIn('admin', 'en');
	const p = await create(api(ctx.srv), 'people', { name: 'Dave Edit', unit_id: O.D1 });
	const e = await c.get(`/r/people/${p.id}/edit`);
	assert.equal(e.status, 200);
	assert.ok(e.text.includes(`action="/r/people/${p.id}"`));
	assert.ok(e.text.includes('<input type="hidden" name="_version" value="1">'));
	assert.ok(e.text.includes('value="Dave Edit"'));
	const form = { _version: '1', name: 'Dave Edited', unit_id: String(O.D1), status: 'active', position: 'Guard' };
	let r = await c.post(`/r/people/${p.id}`, form);
	assert.equal(r.status, 303);
	assert.equal(r.location, `/r/people/${p.id}`);
	const d = await c.get(r.location);
	assert.ok(d.text.includes('Dave Edited') && d.text.includes(msgHtml('saved', 'en')));
	// the same form again, with the version it had, after two more saves by someone else
	await call(api(ctx.srv), 'PATCH', `/api/v1/people/${p.id}`, { post: 'Gate' });
	r = await c.post(`/r/people/${p.id}`, { ...form, name: 'Dave Lost' });
	assert.equal(r.status, 409);
	assert.ok(r.text.includes(msgHtml('rec_conflict', 'en')));
	assert.ok(r.text.includes('value="Dave Lost"'), 'the form comes back with what was typed');
	r = await c.post(`/r/people/${p.id}`, { ...form, _version: '3', name: '', cert_number: 'C-9' });
	assert.equal(r.status, 422);
	assert.equal(fieldError(r.text, 'name'), msgHtml('required', 'en'));
	assert.ok(r.text.includes(msgHtml('cert_expiry_needed', 'en')));
	const now = (await api(ctx.srv).get(`/api/v1/people/${p.id}`)).json().data;
	assert.deepEqual([now.name, now.version, now.position, now.post], ['Dave Edited', 3, 'Guard', 'Gate']);
	// an unchecked box is a no
	await call(api(ctx.srv), 'PATCH', `/api/v1/people/${p.id}`, { is_leader: true });
	r = await c.post(`/r/people/${p.id}`, { ...form, _version: '4' });
	assert.equal(r.status, 303);
	assert.equal((await api(ctx.srv).get(`/api/v1/people/${p.id}`)).json().data.is_leader, false);
	assert.equal((await c.get('/r/people/999999/edit')).status, 404);
});

/* The value attribute of a form's input, or null. */
function inputValue(html, name) {
	const m = new RegExp(`<input id="f-${name}" name="${name}"[^>]* value="([^"]*)"`).exec(html);
	return m ? m[1] : null;
}

/* Every field of an edit form as it would be sent back untouched. */
function formFields(html) {
	const form = /<form class="form" method="post"[^>]*>([\s\S]*?)<\/form>/.exec(html)[1];
	const out = {};
	for (const m of form.matchAll(/<input [^>]*>/g)) {
		const name = /name="([^"]+)"/.exec(m[0])?.[1];
		const type = /type="([^"]+)"/.exec(m[0])?.[1];
		if (!name || name === '_csrf' || (type === 'checkbox' && !/ checked/.test(m[0]))) continue;
		out[name] = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
	}
	for (const m of form.matchAll(/<select id="f-(\w+)"[^>]*>([\s\S]*?)<\/select>/g)) out[m[1]] = /<option value="([^"]*)" selected>/.exec(m[2])?.[1] ?? '';
	return out;
}

test('the edit form masks ID and phone numbers: kept when sent back masked, replaced when typed, shown after an audited reveal', async () => {
	await setup();
	const { srv } = ctx;
	const id = idNumber(77, '19880808');
	const p = await create(api(srv), 'people', { name: 'Gus Masked', unit_id: O.D1, id_number: id, phone: '13711112222', status: 'active' });
	const reveals = () => audit(srv, `action = 'reveal' AND entity_id = '${p.id}'`).length;
	for (const lang of ['zh-Hant', 'en']) {
		const c = await signedIn('admin', lang);
		const e = await c.get(`/r/people/${p.id}/edit`);
		assert.equal(e.status, 200);
		assert.ok(!e.text.includes(id) && !e.text.includes('13711112222'), `${lang}: no full value in the form`);
		assert.equal(inputValue(e.text, 'id_number'), mask(id));
		assert.equal(inputValue(e.text, 'phone'), mask('13711112222'));
		assert.ok(e.text.includes(msgHtml('rec_masked_hint', lang)));
		assert.match(e.text, /<button class="link" form="reveal-id_number">/);
		assert.match(e.text, new RegExp(`<form id="reveal-id_number" method="post" action="/r/people/${p.id}/reveal" hidden><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="field" value="id_number"><input type="hidden" name="to" value="edit"></form>`));
		assert.equal(reveals(), 0, 'opening the form reveals nothing');
	}
	const c = await signedIn('admin', 'en');
	// saved untouched: the masks come back and the stored values stay
	let form = formFields((await c.get(`/r/people/${p.id}/edit`)).text);
	assert.equal(form.id_number, mask(id));
	let r = await c.post(`/r/people/${p.id}`, { ...form, position: 'Masked clerk' });
	assert.equal(r.status, 303, r.text.slice(0, 400));
	let stored = srv.sql(`SELECT id_number, phone, position FROM people WHERE id = ${p.id}`)[0];
	assert.deepEqual(stored, [id, '13711112222', 'Masked clerk']);
	// an error elsewhere: the form comes back still masked
	form = formFields((await c.get(`/r/people/${p.id}/edit`)).text);
	r = await c.post(`/r/people/${p.id}`, { ...form, name: '' });
	assert.equal(r.status, 422);
	assert.ok(!r.text.includes(id) && inputValue(r.text, 'id_number') === mask(id), 'still masked after an error');
	// reveal from the form: audited, 303 back to the form, which shows it once
	r = await c.post(`/r/people/${p.id}/reveal`, { field: 'id_number', to: 'edit' });
	assert.equal(r.status, 303);
	assert.equal(r.location, `/r/people/${p.id}/edit`);
	assert.equal(reveals(), 1);
	const shown = await c.get(r.location);
	assert.equal(inputValue(shown.text, 'id_number'), id, 'in full after the reveal');
	assert.equal(inputValue(shown.text, 'phone'), mask('13711112222'), 'the other field stays masked');
	assert.ok(!shown.text.includes('form="reveal-id_number"'), 'nothing more to reveal there');
	assert.equal(inputValue((await c.get(`/r/people/${p.id}/edit`)).text, 'id_number'), mask(id), 'a reload masks it again');
	// saved with the revealed value: unchanged
	form = formFields(shown.text);
	r = await c.post(`/r/people/${p.id}`, form);
	assert.equal(r.status, 303, r.text.slice(0, 400));
	assert.equal(srv.sql(`SELECT id_number FROM people WHERE id = ${p.id}`)[0][0], id);
	// a new value replaces it; an empty one clears it
	const id2 = idNumber(78, '19900909');
	form = formFields((await c.get(`/r/people/${p.id}/edit`)).text);
	r = await c.post(`/r/people/${p.id}`, { ...form, id_number: id2 });
	assert.equal(r.status, 303, r.text.slice(0, 400));
	form = formFields((await c.get(`/r/people/${p.id}/edit`)).text);
	assert.equal(form.id_number, mask(id2));
	r = await c.post(`/r/people/${p.id}`, { ...form, phone: '' });
	assert.equal(r.status, 303);
	assert.equal(srv.sql(`SELECT id_number FROM people WHERE id = ${p.id}`)[0][0], id2);
	assert.equal((await api(srv).get(`/api/v1/people/${p.id}`)).json().data.phone, null, 'cleared');
	// a bad new value is an error at the field, shown as typed, and nothing changes
	form = formFields((await c.get(`/r/people/${p.id}/edit`)).text);
	r = await c.post(`/r/people/${p.id}`, { ...form, id_number: '110101199009090000' });
	assert.equal(r.status, 422);
	assert.equal(fieldError(r.text, 'id_number'), msgHtml('rec_bad_id_card', 'en'));
	assert.equal(srv.sql(`SELECT id_number FROM people WHERE id = ${p.id}`)[0][0], id2);
	// a leader may read but not reveal or edit; an office user edits masked values too
	const office = await signedIn('office', 'en');
	form = formFields((await office.get(`/r/people/${p.id}/edit`)).text);
	assert.equal(form.id_number, mask(id2));
	assert.equal((await office.post(`/r/people/${p.id}`, { ...form, position: 'Kept by office' })).status, 303);
	assert.equal(srv.sql(`SELECT id_number FROM people WHERE id = ${p.id}`)[0][0], id2);
	assert.equal(reveals(), 1, 'only the one reveal was audited');
});

test('two people edit the same form: the second save is 409, not a silent overwrite', async () => {
	await setup();
	const one = await signedIn('admin', 'en');
	const two = await signedIn('admin', 'en');
	const p = await create(api(ctx.srv), 'people', { name: 'Fay Race', unit_id: O.D1 });
	const form = { _version: '1', name: 'Fay Race', unit_id: String(O.D1), status: 'active' };
	assert.equal((await one.post(`/r/people/${p.id}`, { ...form, position: 'one' })).status, 303);
	const r = await two.post(`/r/people/${p.id}`, { ...form, position: 'two' });
	assert.equal(r.status, 409);
	assert.equal((await api(ctx.srv).get(`/api/v1/people/${p.id}`)).json().data.position, 'one');
});

test('archive and restore through confirm pages with CSRF; an archived record cannot be edited', async () => {
	await setup();
	const c = await signedIn('admin', 'en');
	const p = await create(api(ctx.srv), 'people', { name: 'Erin Archive', unit_id: O.W1 });
	const conf = await c.get(`/r/people/${p.id}/archive`);
	assert.equal(conf.status, 200);
	assert.match(conf.text, new RegExp(`<form method="post" action="/r/people/${p.id}/archive"><input type="hidden" name="_csrf" value="[^"]+"><button class="btn btn-danger">`));
	assert.ok(conf.text.includes('Erin Archive'), 'the question names the record');
	assert.equal((await api(ctx.srv).get(`/api/v1/people/${p.id}`)).json().data.archived, false, 'the GET changed nothing');
	assert.equal((await c.post(`/r/people/${p.id}/archive`, {}, { csrf: false })).status, 403);
	let r = await c.post(`/r/people/${p.id}/archive`, {});
	assert.equal(r.status, 303);
	assert.equal(r.location, `/r/people/${p.id}`);
	let d = await c.get(r.location);
	assert.ok(d.text.includes(msgHtml('rec_archived', 'en')));
	assert.ok(d.text.includes(msgHtml('rec_is_archived', 'en')));
	assert.ok(d.text.includes(`href="/r/people/${p.id}/restore"`));
	assert.ok(!d.text.includes(`href="/r/people/${p.id}/edit"`));
	assert.equal((await api(ctx.srv).get(`/api/v1/people/${p.id}`)).json().data.archived, true);
	assert.equal((await c.get(`/r/people/${p.id}/edit`)).status, 409);
	assert.equal((await c.post(`/r/people/${p.id}`, { name: 'x', unit_id: String(O.W1), status: 'active' })).status, 409);
	// hidden from the list, shown with the archived box
	assert.ok(!(await c.get('/r/people?q=Erin')).text.includes('Erin Archive'));
	assert.ok((await c.get('/r/people?q=Erin&archived=1')).text.includes('Erin Archive'));
	const rc = await c.get(`/r/people/${p.id}/restore`);
	assert.equal(rc.status, 200);
	assert.match(rc.text, new RegExp(`<form method="post" action="/r/people/${p.id}/restore">`));
	assert.equal((await c.post(`/r/people/${p.id}/restore`, {}, { csrf: false })).status, 403);
	r = await c.post(`/r/people/${p.id}/restore`, {});
	assert.equal(r.status, 303);
	d = await c.get(r.location);
	assert.ok(d.text.includes(msgHtml('rec_restored', 'en')));
	assert.equal((await api(ctx.srv).get(`/api/v1/people/${p.id}`)).json().data.archived, false);
	const actions = audit(ctx.srv, `entity = 'people' AND entity_id = '${p.id}'`).map((x) => x.action);
	assert.deepEqual(actions, ['create', 'archive', 'restore']);
});

test('archiving a unit that people refer to, from its page: refused with a message, nothing changes', async () => {
	await setup();
	for (const lang of ['zh-Hant', 'en']) {
		const c = await signedIn('admin', lang);
		const r = await c.post(`/r/units/${O.D1}/archive`, {});
		assert.equal(r.status, 303);
		assert.equal(r.location, `/r/units/${O.D1}`);
		const d = await c.get(r.location);
		assert.ok(d.text.includes(msgHtml('rec_in_use', lang)), lang);
		assert.equal((await api(ctx.srv).get(`/api/v1/units/${O.D1}`)).json().data.archived, false);
	}
	// the unit page: its people and sub-units
	const c = await signedIn('admin');
	const u = await c.get(`/r/units/${O.S1}`);
	assert.ok(u.text.includes(`href="/r/units/${O.D1}"`) && u.text.includes(`href="/r/units/${O.W1}"`));
	assert.ok(u.text.includes(`href="/r/people?unit_id=${O.S1}"`));
});
