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
	assert.equal(disables[0].entity, `${msg('audit_user', 'en')} #${id}`);
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

	// the filters are kept in the form
	const f = await admin.get(`/admin/audit?user=admin&action=disable&from=${day(-1)}`);
	assert.match(f.text, /name="user" value="admin"/);
	assert.match(f.text, /name="action" value="disable"/);
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
	assert.equal(e.before.disabled, 'false');
	assert.equal(e.after.disabled, 'true');
	assert.equal(e.before.username, 'audited');
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
