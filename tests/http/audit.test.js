'use strict';
// The audit log: filters by user, action, record and date; read-only.
const assert = require('node:assert/strict');
const os = require('node:os');
const { serverPerFile, test, msg, msgHtml, auditRows, auditEntry } = require('./lib');

const ctx = serverPerFile();

/* YYYY-MM-DD, offset days from today, in the server's time zone (the
 * timezone setting's default). */
function day(offset) {
	const f = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
	return f.format(new Date(Date.now() + offset * 86400000));
}

let setupDone = null;
/* Some history: the admin creates and disables a user, the CLI creates
 * another, people sign in. */
function setup() {
	setupDone ??= (async () => {
		const { srv } = ctx;
		const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
		const r = await admin.post('/admin/users', { username: 'audited', display_name: 'Audited', new_password: 'Audit-pass-123', role: 'staff' });
		assert.equal(r.status, 303);
		const id = Number(r.location.split('/').pop());
		assert.equal((await admin.post(`/admin/users/${id}/disable`, {})).status, 303);
		const cliUser = srv.createUser('viacli', 'office');
		const office = await srv.signIn(cliUser.name, cliUser.password, { headers: { 'Accept-Language': 'en' } });
		return { admin, office, id, cliId: cliUser.id };
	})();
	return setupDone;
}

test('filter by user, action, record and date', async () => {
	const { admin, id, cliId } = await setup();
	const all = auditRows((await admin.get('/admin/audit')).text);
	assert.ok(all.length >= 6, `some history: ${all.length}`);
	assert.ok(all.every((x, i) => i === 0 || x.id < all[i - 1].id), 'newest first');

	const byAdmin = auditRows((await admin.get('/admin/audit?user=admin')).text);
	assert.ok(byAdmin.length >= 3);
	assert.ok(byAdmin.every((x) => x.who === 'admin' && x.ip === '127.0.0.1'));
	const actor = `cli:${os.userInfo().username}`;
	const byCli = auditRows((await admin.get(`/admin/audit?user=${encodeURIComponent(actor)}`)).text);
	assert.ok(byCli.length >= 1, 'the CLI writes as cli:USER');
	assert.ok(byCli.every((x) => x.who === actor && x.ip === 'cli'));
	assert.deepEqual(auditRows((await admin.get('/admin/audit?user=adm')).text), [], 'the user filter is exact');

	const disables = auditRows((await admin.get('/admin/audit?action=disable')).text);
	assert.equal(disables.length, 1);
	assert.equal(disables[0].action, msg('act_disable', 'en'));
	assert.equal(disables[0].entity, `${msg('audit_user', 'en')} Audited (audited)`, 'the user by name');
	const signIns = auditRows((await admin.get('/admin/audit?action=sign_in')).text);
	assert.ok(signIns.length >= 2);
	assert.ok(signIns.every((x) => x.action === msg('act_sign_in', 'en')));

	const one = auditRows((await admin.get(`/admin/audit?entity=user&entity_id=${id}`)).text);
	assert.deepEqual(one.map((x) => x.action), [msg('act_disable', 'en'), msg('act_create', 'en')]);
	const cliOne = auditRows((await admin.get(`/admin/audit?entity=user&entity_id=${cliId}&action=create`)).text);
	assert.equal(cliOne.length, 1);
	assert.equal(cliOne[0].who, actor);
	assert.deepEqual(auditRows((await admin.get('/admin/audit?entity=nothing')).text), []);

	const window = auditRows((await admin.get(`/admin/audit?from=${day(-1)}&to=${day(1)}`)).text);
	assert.equal(window.length, all.length, 'yesterday to tomorrow: everything');
	const future = await admin.get(`/admin/audit?from=${day(1)}`);
	assert.deepEqual(auditRows(future.text), []);
	assert.ok(future.text.includes(msgHtml('no_results', 'en')));
	assert.deepEqual(auditRows((await admin.get(`/admin/audit?to=${day(-1)}`)).text), [], 'up to yesterday: nothing');
	assert.equal(auditRows((await admin.get(`/admin/audit?from=${day(0)}&to=${day(0)}`)).text).length, all.length, 'today, through its end');
	assert.equal(auditRows((await admin.get(`/admin/audit?user=admin&action=disable&from=${day(-1)}`)).text).length, 1, 'filters combine');

	// the filters are kept in the form; actions and registers are chosen by their labels
	const f = await admin.get(`/admin/audit?user=admin&action=disable&entity=user&from=${day(-1)}`);
	assert.match(f.text, /name="user" value="admin"/);
	assert.ok(f.text.includes(`<option value="disable" selected>${msgHtml('act_disable', 'en')}</option>`));
	assert.ok(f.text.includes(`<option value="user" selected>${msgHtml('audit_user', 'en')}</option>`));
	for (const bad of ['2024-13-01', 'yesterday', '2024-01-01x'.replace('x', 'T00')]) {
		const r = await admin.get(`/admin/audit?from=${bad}`);
		assert.equal(r.status, 400, bad);
		assert.ok(r.text.includes(msgHtml('err_bad_date', 'en')), bad);
	}
	// oldest first on request
	const asc = auditRows((await admin.get('/admin/audit?sort=at')).text);
	assert.ok(asc.every((x, i) => i === 0 || x.id > asc[i - 1].id));
});

test('an entry shows who, when, from where, and the values before and after', async () => {
	const { admin, id } = await setup();
	const [row] = auditRows((await admin.get(`/admin/audit?entity=user&entity_id=${id}&action=disable`)).text);
	const page = await admin.get(`/admin/audit/${row.id}`);
	assert.equal(page.status, 200);
	const e = auditEntry(page.text);
	assert.equal(e.action, 'disable');
	assert.deepEqual(e.before, { disabled: msg('no', 'en') }, 'only what changed, in words');
	assert.deepEqual(e.after, { disabled: msg('yes', 'en') });
	assert.match(page.text, new RegExp(`href="/admin/users/${id}"`), 'a link to the user');
	assert.ok(page.text.includes('127.0.0.1'));
	assert.equal((await admin.get('/admin/audit/999999')).status, 404);
});

test('the office may read the audit log; others may not', async () => {
	const { office } = await setup();
	assert.equal((await office.get('/admin/audit')).status, 200);
	assert.equal((await office.get('/admin/audit/1')).status, 200);
	const { srv } = ctx;
	const staff = srv.createUser('nosy', 'staff');
	const c = await srv.signIn(staff.name, staff.password);
	assert.equal((await c.get('/admin/audit')).status, 403);
	assert.equal((await c.get('/admin/audit/1')).status, 403);
});

test('there is no way to change or delete an entry', async () => {
	const { srv } = ctx;
	const { admin } = await setup();
	const token = await admin.csrfToken();
	for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
		for (const p of ['/admin/audit/1', '/admin/audit']) {
			const r = await admin.request(method, p, { body: `_csrf=${token}&action=x`, contentType: 'application/x-www-form-urlencoded', headers: { 'X-CSRF-Token': token } });
			assert.equal(r.status, 405, `${method} ${p}`);
			assert.equal(r.header('allow'), 'GET, HEAD', `${method} ${p}: Allow`);
		}
		const bearer = srv.client({ headers: { Authorization: `Bearer ${srv.token('admin')}` } });
		assert.equal((await bearer.request(method, '/admin/audit/1')).status, 405, `${method} with a token`);
	}
	for (const p of ['/admin/audit/1/delete', '/admin/audit/1/edit', '/api/v1/audit', '/api/v1/audit/1'])
		assert.equal((await admin.get(p)).status, 404, p);
	// and the database itself refuses
	assert.throws(() => srv.sql("UPDATE audit SET action = 'forged' WHERE id = 1"), /append-only/);
	assert.throws(() => srv.sql('DELETE FROM audit WHERE id = 1'), /append-only/);
	const e = auditEntry((await admin.get('/admin/audit/1')).text);
	assert.equal(e.action, 'create', 'entry 1 is unchanged');
});

/* ---- register entries in words ---- */

const { api, call, create, idNumber, mask, org } = require('./records_lib');

let people = null;
/* A person created, changed, revealed, exported and archived; a group member. */
function peopleHistory() {
	people ??= (async () => {
		const { srv } = ctx;
		const a = api(srv);
		const O = await org(a, 'AU');
		const id1 = idNumber(5, '19800101');
		const id2 = idNumber(6, '19810203');
		const p = await create(a, 'people', { name: '王小明', unit_id: O.D1, gender: 'male', birth_date: '1980-01-01', id_number: id1, phone: '13900001111', status: 'active', position: 'Clerk' });
		const r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { unit_id: O.W1, birth_date: '1981-02-03', id_number: id2, party_member: true, party_joined: '2001-07-01', education: 'master' });
		assert.equal(r.status, 200, r.text);
		const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
		assert.equal((await admin.post(`/r/people/${p.id}/reveal`, { field: 'phone' })).status, 303);
		assert.equal((await admin.get(`/r/people/export?unit_id=${O.S1}&gender=male&format=csv`)).status, 200);
		const g = await create(a, 'groups', { year: 2026, kind: 'task_force', name: 'Audit task force', unit_id: O.B });
		const m = await create(a, 'group_members', { group_id: g.id, person_id: p.id, role: 'member' });
		return { O, p, id1, id2, g, m };
	})();
	return people;
}

/* The entries about one record, newest first, for a client. */
async function entriesOf(c, type, id) {
	return auditRows((await c.get(`/admin/audit?entity=${type}&entity_id=${id}`)).text);
}

test('a register entry names the record and shows only the fields that changed, in words, in the user\'s language', async () => {
	const { srv } = ctx;
	const { O, p, id1, id2, m } = await peopleHistory();
	for (const lang of ['zh-Hant', 'en']) {
		const c = await srv.admin({ headers: { 'Accept-Language': lang } });
		const rows = await entriesOf(c, 'people', p.id);
		assert.deepEqual(rows.map((x) => x.action), ['act_reveal', 'act_update', 'act_create'].map((k) => msg(k, lang)));
		for (const row of rows) assert.equal(row.entity, `${msg('person', lang)} 王小明`, `${lang}: the person by name, not #${p.id}`);
		const update = await c.get(`/admin/audit/${rows[1].id}`);
		const e = auditEntry(update.text);
		assert.equal(e.action, 'update');
		assert.deepEqual(Object.keys(e.after).sort(), ['birth_date', 'education', 'id_number', 'party_joined', 'party_member', 'unit_id'], 'only what changed');
		// labels in the user's language
		for (const [key, label] of [['unit_id', 'person_unit'], ['birth_date', 'birth_date'], ['id_number', 'id_number']])
			assert.match(update.text, new RegExp(`<tr data-key="${key}"><th scope="row">${msgHtml(label, lang)}</th>`));
		// references by name, dates as dates, enums by label, yes/no, masked numbers
		assert.equal(e.before.unit_id, 'AU Department one');
		assert.equal(e.after.unit_id, 'AU Window one');
		assert.equal(e.before.birth_date, lang === 'en' ? '1 Jan 1980' : '1980年1月1日');
		assert.equal(e.after.birth_date, lang === 'en' ? '3 Feb 1981' : '1981年2月3日');
		assert.equal(e.before.education, '—');
		assert.equal(e.after.education, msg('edu_master', lang));
		assert.equal(e.before.party_member, msg('no', lang));
		assert.equal(e.after.party_member, msg('yes', lang));
		assert.equal(e.before.id_number, mask(id1));
		assert.equal(e.after.id_number, mask(id2));
		assert.ok(!update.text.includes(id1) && !update.text.includes(id2), 'never in full');
		// a new record: its values, no "before" column
		const created = auditEntry((await c.get(`/admin/audit/${rows[2].id}`)).text);
		assert.equal(created.before, null);
		assert.equal(created.after.name, '王小明');
		assert.equal(created.after.gender, msg('gender_male', lang));
		assert.equal(created.after.phone, mask('13900001111'));
		assert.equal(created.after.archived, undefined, 'not archived is no news');
		// a reveal names the field
		const reveal = auditEntry((await c.get(`/admin/audit/${rows[0].id}`)).text);
		assert.deepEqual(reveal.after, { field: msg('phone', lang) });
		// a group member is named by its person; its references by name
		const [mrow] = await entriesOf(c, 'group_members', m.id);
		assert.equal(mrow.entity, `${msg('group_member', lang)} 王小明`);
		const me = auditEntry((await c.get(`/admin/audit/${mrow.id}`)).text);
		assert.equal(me.after.person_id, '王小明');
		assert.equal(me.after.group_id, 'Audit task force');
		assert.equal(me.after.role, msg('grole_member', lang));
	}
	void O;
});

test('an export entry says which register, which filter, how many rows and which format', async () => {
	const { srv } = ctx;
	const { O } = await peopleHistory();
	const c = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const [row] = auditRows((await c.get('/admin/audit?action=export')).text);
	assert.equal(row.action, msg('act_export', 'en'));
	assert.equal(row.entity, msg('people', 'en'), 'the register');
	const e = auditEntry((await c.get(`/admin/audit/${row.id}`)).text);
	assert.deepEqual(e.after, { query: `${msg('person_unit', 'en')}: AU Secondary one; ${msg('gender', 'en')}: ${msg('gender_male', 'en')}`, format: 'csv', rows: '1' });
	void O;
});

test('a renamed, an archived and a vanished record are still named', async () => {
	const { srv } = ctx;
	const { O, p } = await peopleHistory();
	const a = api(srv);
	const c = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const q = await create(a, 'people', { name: 'Old Name', unit_id: O.D2 });
	assert.equal((await call(a, 'PATCH', `/api/v1/people/${q.id}`, { name: 'New Name' })).status, 200);
	let rows = await entriesOf(c, 'people', q.id);
	assert.ok(rows.every((x) => x.entity === `${msg('person', 'en')} New Name`), 'by the name of today');
	const rename = auditEntry((await c.get(`/admin/audit/${rows[0].id}`)).text);
	assert.deepEqual([rename.before.name, rename.after.name], ['Old Name', 'New Name'], 'the rename is an entry');
	assert.equal((await call(a, 'DELETE', `/api/v1/people/${q.id}`)).status, 200);
	rows = await entriesOf(c, 'people', q.id);
	assert.equal(rows[0].action, msg('act_archive', 'en'));
	assert.ok(rows.every((x) => x.entity === `${msg('person', 'en')} New Name (${msg('audit_k_archived', 'en')})`));
	const arch = auditEntry((await c.get(`/admin/audit/${rows[0].id}`)).text);
	assert.deepEqual([arch.before.archived, arch.after.archived], [msg('no', 'en'), msg('yes', 'en')]);
	// a row removed behind the application's back: the entry's own JSON names it
	const gone = await create(a, 'people', { name: 'Gone Person', unit_id: O.D2 });
	srv.sql(`DELETE FROM people WHERE id = ${gone.id}`);
	rows = await entriesOf(c, 'people', gone.id);
	assert.equal(rows[0].entity, `${msg('person', 'en')} Gone Person`);
	void p;
});

test('the filters offer every action and every register by its label', async () => {
	const { srv } = ctx;
	await peopleHistory();
	for (const lang of ['zh-Hant', 'en']) {
		const c = await srv.admin({ headers: { 'Accept-Language': lang } });
		const page = (await c.get('/admin/audit')).text;
		const select = () => /<select id="f-(\w+)" name="(\w+)">([\s\S]*?)<\/select>/g;
		const opts = {};
		for (const m of page.matchAll(select())) opts[m[2]] = [...m[3].matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((o) => [o[1], o[2]]);
		assert.deepEqual(opts.action[0], ['', msgHtml('any', lang)]);
		for (const [code, key] of [['update', 'act_update'], ['export', 'act_export'], ['reveal', 'act_reveal'], ['sign_in', 'act_sign_in']])
			assert.ok(opts.action.some(([v, l]) => v === code && l === msgHtml(key, lang)), `${lang}: action ${code}`);
		for (const [code, key] of [['people', 'people'], ['units', 'units'], ['group_members', 'group_members'], ['user', 'audit_user']])
			assert.ok(opts.entity.some(([v, l]) => v === code && l === msgHtml(key, lang)), `${lang}: register ${code}`);
		// chosen: the matching entries, the choice kept
		const f = await c.get('/admin/audit?action=export&entity=people');
		assert.ok(auditRows(f.text).length >= 1 && auditRows(f.text).every((x) => x.action === msg('act_export', lang)));
		assert.ok(f.text.includes(`<option value="people" selected>${msgHtml('people', lang)}</option>`));
	}
	// a code that is not offered (a link from elsewhere) stays chosen
	const c = await srv.admin();
	assert.ok((await c.get('/admin/audit?entity=api_token')).text.includes('<option value="api_token" selected>api_token</option>'));
});
