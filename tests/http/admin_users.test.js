'use strict';
// The administrator's user pages: create (with inline validation), edit
// roles, disable / enable, reset a password — each change in the audit log
// with its values before and after.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml, auditRows, auditEntry, escapeHtml } = require('./lib');
const { api, create } = require('./records_lib');

const ctx = serverPerFile();

function fieldError(html, name) {
	// the field is marked and its message sits next to it
	const m = new RegExp(`<div class="field has-error">.*?name="${name}"[^>]*aria-invalid="true"[^>]*>.*?<p class="error"[^>]*>([^<]*)</p>`, 's').exec(html);
	return m && m[1];
}

async function userId(admin, name) {
	const r = await admin.get(`/admin/users?q=${encodeURIComponent(name)}`);
	const m = new RegExp(`<a href="/admin/users/(\\d+)">${name}</a>`).exec(r.text);
	return m && Number(m[1]);
}

async function history(admin, id) {
	const r = await admin.get(`/admin/audit?entity=user&entity_id=${id}&sort=at`);
	assert.equal(r.status, 200);
	return auditRows(r.text);
}

test('creating a user: every mistake is shown next to its field, nothing is created', async () => {
	const { srv } = ctx;
	const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const form = await admin.get('/admin/users/new');
	assert.equal(form.status, 200);
	for (const f of ['username', 'display_name', 'new_password', 'role', 'unit_id']) assert.match(form.text, new RegExp(`name="${f}"`), f);

	const cases = [
		[{ username: 'Bad Name!', display_name: 'X', new_password: 'Long-enough-pw-1' }, { username: 'username_rule' }],
		[{ username: 'a', display_name: 'X', new_password: 'Long-enough-pw-1' }, { username: 'username_rule' }],
		[{ username: 'okname', display_name: '', new_password: 'Long-enough-pw-1' }, { display_name: 'required' }],
		[{ username: 'okname', display_name: 'X'.repeat(61), new_password: 'Long-enough-pw-1' }, { display_name: 'display_name_rule' }],
		[{ username: 'okname', display_name: 'Ok', new_password: 'short' }, { new_password: 'pw_too_short' }],
		[{ username: 'okname', display_name: 'Ok', new_password: 'xx-okname-xx' }, { new_password: 'pw_has_username' }],
		[{ username: 'okname', display_name: 'Ok', new_password: 'password1234' }, { new_password: 'pw_common' }],
		[{ username: 'okname', display_name: 'Ok', new_password: '' }, { new_password: 'required' }],
		[{ username: '', display_name: '', new_password: '' }, { username: 'required', display_name: 'required', new_password: 'required' }],
	];
	for (const [fields, errors] of cases) {
		const r = await admin.post('/admin/users', { ...fields, role: 'staff' });
		const what = JSON.stringify(fields);
		assert.equal(r.status, 422, what);
		assert.ok(r.text.includes(msgHtml('form_has_errors', 'en')), `${what}: a summary above the form`);
		for (const [field, key] of Object.entries(errors)) assert.equal(fieldError(r.text, field), msg(key, 'en'), `${what}: ${field}`);
		if (fields.username) assert.ok(r.text.includes(`value="${escapeHtml(fields.username)}"`), `${what}: the user name is kept`);
		if (fields.new_password) assert.ok(!r.text.includes(fields.new_password), `${what}: the password is not echoed`);
	}
	const unit = await admin.post('/admin/users', { username: 'okname', display_name: 'Ok', new_password: 'Long-enough-pw-1', role: 'staff', unit_id: '999999' });
	assert.equal(unit.status, 422);
	assert.ok(unit.text.includes(msgHtml('unit_unknown', 'en')));
	assert.equal(await userId(admin, 'okname'), null, 'nothing was created');
});

test('create, duplicate, edit roles, disable, enable, reset password — all in the audit log', async () => {
	const { srv } = ctx;
	const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const pw = 'First-password-42';
	const r = await admin.post('/admin/users', { username: 'newbie', display_name: '新同事', new_password: pw, role: 'leader' });
	assert.equal(r.status, 303);
	const id = Number(/^\/admin\/users\/(\d+)$/.exec(r.location)?.[1]);
	assert.ok(id > 0, r.location);
	const page = await admin.get(r.location);
	assert.ok(page.text.includes(msgHtml('user_created', 'en')));
	assert.equal(await userId(admin, 'newbie'), id);

	// the new user can sign in with the password given, and has the role
	const u = await srv.signIn('newbie', pw);
	assert.deepEqual((await u.get('/api/v1/me')).json().data.roles, [{ role: 'leader', unit_id: null }]);
	assert.equal((await u.get('/admin/audit')).status, 403);

	// the same name again
	const dup = await admin.post('/admin/users', { username: 'newbie', display_name: 'Again', new_password: 'Other-password-77', role: 'staff' });
	assert.equal(dup.status, 422);
	assert.equal(fieldError(dup.text, 'username'), msg('username_taken', 'en'));

	// edit: name, language, roles; the signed-in user has the new roles at once
	const e = await admin.post(`/admin/users/${id}`, { display_name: '新同事（改）', lang: 'en', role: ['office', 'staff'] });
	assert.equal(e.status, 303);
	assert.equal(e.location, `/admin/users/${id}`);
	const me = (await u.get('/api/v1/me')).json().data;
	assert.deepEqual(me.roles.map((g) => g.role).sort(), ['office', 'staff']);
	assert.equal(me.display_name, '新同事（改）');
	assert.equal(me.language, 'en');
	assert.equal((await u.get('/admin/audit')).status, 200, 'office may read the audit log now');
	const edit = await admin.get(`/admin/users/${id}`);
	assert.match(edit.text, /name="role" value="office" checked/);
	assert.match(edit.text, /name="role" value="staff" checked/);
	assert.doesNotMatch(edit.text, /name="role" value="leader" checked/);
	// an edit without any change leaves no audit entry
	const same = await admin.post(`/admin/users/${id}`, { display_name: '新同事（改）', lang: 'en', role: ['office', 'staff'] });
	assert.equal(same.status, 303);

	// disable: confirm page, then the user's session ends and they cannot sign in
	const token = srv.token('newbie');
	const confirm = await admin.get(`/admin/users/${id}/disable`);
	assert.equal(confirm.status, 200);
	assert.ok(confirm.text.includes(escapeHtml(msg('confirm_disable', 'en').replace('%s', 'newbie'))));
	const d = await admin.post(`/admin/users/${id}/disable`, {});
	assert.equal(d.status, 303);
	assert.ok((await admin.get(`/admin/users/${id}`)).text.includes(msgHtml('user_is_disabled', 'en')));
	const gone = await u.get('/');
	assert.equal(gone.status, 303, 'their session has ended');
	assert.match(gone.location, /^\/login/);
	const c = srv.client();
	await c.get('/login');
	const refused = await c.post('/login', { username: 'newbie', password: pw });
	assert.equal(refused.status, 401, 'a disabled account cannot sign in');
	assert.ok(refused.text.includes(msgHtml('login_failed', 'zh-Hant')), 'the same message as a wrong password');
	assert.equal((await srv.client({ headers: { Authorization: `Bearer ${token}` } }).get('/api/v1/me')).status, 401, 'their API token is revoked');
	const listed = await admin.get('/admin/users?status=disabled');
	assert.match(listed.text, /<a href="\/admin\/users\/\d+">newbie<\/a>/);
	assert.doesNotMatch((await admin.get('/admin/users?status=active')).text, />newbie<\/a>/);

	// enable: they can sign in again
	assert.equal((await admin.get(`/admin/users/${id}/enable`)).status, 200);
	assert.equal((await admin.post(`/admin/users/${id}/enable`, {})).status, 303);
	const back = await srv.signIn('newbie', pw);

	// reset: a new password shown once, old one refused, sessions ended
	const reset = await admin.post(`/admin/users/${id}/password`, {});
	assert.equal(reset.status, 200);
	const fresh = /<p class="secret"><code>([^<]+)<\/code><\/p>/.exec(reset.text)?.[1];
	assert.ok(fresh && fresh.length >= 10, 'the new password is shown');
	assert.ok(reset.text.includes(msgHtml('new_password_once', 'en')));
	assert.equal((await back.get('/')).status, 303, 'their sessions ended');
	for (const p of [`/admin/users/${id}`, '/admin/users', `/admin/audit?entity=user&entity_id=${id}`])
		assert.ok(!(await admin.get(p)).text.includes(fresh), `${p} does not show the password again`);
	const rows = srv.sql('SELECT password_hash FROM users WHERE username = \'newbie\'');
	assert.ok(!rows[0][0].includes(fresh) && rows[0][0].startsWith('$argon2id$'), 'only a hash is stored');
	const old = srv.client();
	await old.get('/login');
	assert.equal((await old.post('/login', { username: 'newbie', password: pw })).status, 401, 'the old password');
	await srv.signIn('newbie', fresh);

	// the history, oldest first, in words
	const h = await history(admin, id);
	const actions = h.filter((x) => x.who === 'admin').map((x) => x.action);
	assert.deepEqual(actions, ['act_create', 'act_update', 'act_disable', 'act_enable', 'act_reset_password'].map((k) => msg(k, 'en')));
	for (const row of h) assert.equal(row.entity, `${msg('audit_user', 'en')} 新同事（改） (newbie)`, 'named as they are now');
	const entries = {};
	for (const row of h.filter((x) => x.who === 'admin')) entries[row.action] = auditEntry((await admin.get(`/admin/audit/${row.id}`)).text);
	const created = entries[msg('act_create', 'en')];
	assert.equal(created.action, 'create');
	assert.equal(created.before, null);
	assert.equal(created.after.username, 'newbie');
	assert.equal(created.after.display_name, '新同事');
	assert.equal(created.after.roles, `${msg('role_leader', 'en')} (${msg('scope_all', 'en')})`, 'roles in words');
	assert.ok(!JSON.stringify(created).includes(pw), 'no password in the audit log');
	const updated = entries[msg('act_update', 'en')];
	assert.equal(updated.before.display_name, '新同事');
	assert.equal(updated.after.display_name, '新同事（改）');
	assert.equal(updated.before.roles, `${msg('role_leader', 'en')} (${msg('scope_all', 'en')})`);
	assert.equal(updated.after.roles, ['role_office', 'role_staff'].map((k) => `${msg(k, 'en')} (${msg('scope_all', 'en')})`).join(', '));
	assert.equal(updated.after.lang, msg('lang_en', 'en'), 'the language by its name');
	assert.equal(updated.before.username, undefined, 'only what changed');
	const disabled = entries[msg('act_disable', 'en')];
	assert.equal(disabled.before.disabled, msg('no', 'en'));
	assert.equal(disabled.after.disabled, msg('yes', 'en'));
	const enabled = entries[msg('act_enable', 'en')];
	assert.equal(enabled.before.disabled, msg('yes', 'en'));
	assert.equal(enabled.after.disabled, msg('no', 'en'));
	assert.equal(entries[msg('act_reset_password', 'en')].action, 'reset_password');
	// sign-ins are recorded as the user themselves
	assert.ok(h.some((x) => x.who === 'newbie' && x.action === msg('act_sign_in', 'en')));
});

test('the scope is picked from the unit tree: the top levels and the chosen unit\'s surroundings, with a search box', async () => {
	const { srv } = ctx;
	const a = api(srv);
	const top = await create(a, 'units', { code: 'SC-B', name: 'Scope bureau', kind: 'bureau' });
	const sec = await create(a, 'units', { code: 'SC-S', name: 'Scope secondary', kind: 'secondary', parent_id: top.id });
	const dep = await create(a, 'units', { code: 'SC-D', name: 'Scope department', kind: 'department', parent_id: sec.id });
	const win = await create(a, 'units', { code: 'SC-W', name: 'Scope window', kind: 'window', parent_id: dep.id });
	const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const options = (html) => [...(/<select id="f-unit_id" name="unit_id">([\s\S]*?)<\/select>/.exec(html) || [])[1].matchAll(/<option value="(\d*)"/g)].map((m) => Number(m[1]));
	const form = await admin.get('/admin/users/new');
	assert.ok(form.text.includes('class="unit-find" data-for="f-unit_id"'), 'a search box for any unit');
	const offered = options(form.text);
	assert.ok(offered.includes(top.id) && offered.includes(sec.id), 'the top two levels');
	assert.ok(!offered.includes(win.id), 'not the whole tree');
	// a user scoped to the window: the window and everything above it are offered, the window chosen
	const r = await admin.post('/admin/users', { username: 'scoped1', display_name: 'Scoped', new_password: 'Long-enough-pw-1', role: 'unit_admin', unit_id: String(win.id) });
	assert.equal(r.status, 303);
	const edit = await admin.get(r.location);
	const near = options(edit.text);
	for (const id of [top.id, sec.id, dep.id, win.id]) assert.ok(near.includes(id), `unit ${id}`);
	assert.match(edit.text, new RegExp(`<option value="${win.id}" selected>`));
});

test('an administrator cannot lock themselves out', async () => {
	const { srv } = ctx;
	const admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const id = await userId(admin, 'admin');
	const drop = await admin.post(`/admin/users/${id}`, { display_name: 'Admin', role: 'office' });
	assert.equal(drop.status, 422);
	assert.ok(drop.text.includes(msgHtml('cannot_drop_own_admin', 'en')));
	const off = await admin.post(`/admin/users/${id}/disable`, {});
	assert.equal(off.status, 409);
	assert.ok(off.text.includes(msgHtml('cannot_disable_self', 'en')));
	assert.equal((await admin.get('/admin/users')).status, 200, 'still an administrator');
	assert.equal((await admin.get(`/admin/users/999999`)).status, 404);
	assert.equal((await admin.post(`/admin/users/999999/disable`, {})).status, 404);
});

test('names are shown as text, never as markup', async () => {
	const { srv } = ctx;
	const admin = await srv.admin();
	const evil = '<script>alert(1)</script>"\'&';
	const r = await admin.post('/admin/users', { username: 'markup', display_name: evil, new_password: 'Fine-password-123', role: 'staff' });
	assert.equal(r.status, 303);
	const id = Number(r.location.split('/').pop());
	for (const p of ['/admin/users', `/admin/users/${id}`, `/admin/audit?entity=user&entity_id=${id}`]) {
		const page = await admin.get(p);
		assert.ok(!page.text.includes('<script>alert(1)'), `${p}: escaped`);
	}
	const h = await history(admin, id);
	const entry = await admin.get(`/admin/audit/${h[0].id}`);
	assert.ok(!entry.text.includes('<script>alert(1)'));
	assert.equal(auditEntry(entry.text).after.display_name, evil);
	const u = await srv.signIn('markup', 'Fine-password-123');
	const home = await u.get('/');
	assert.ok(!home.text.includes('<script>alert(1)'), 'the home page greets in text');
	assert.ok(home.text.includes(escapeHtml(evil)));
});

test('the user list filters by text, role and status and pages', async () => {
	const { srv } = ctx;
	const admin = await srv.admin();
	for (let i = 0; i < 27; i++) srv.createUser(`bulk${String(i).padStart(2, '0')}`, i % 3 ? 'staff' : 'supervisor');
	const names = (html) => [...html.matchAll(/<a href="\/admin\/users\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
	const sup = await admin.get('/admin/users?q=bulk&role=supervisor');
	assert.deepEqual(names(sup.text), ['bulk00', 'bulk03', 'bulk06', 'bulk09', 'bulk12', 'bulk15', 'bulk18', 'bulk21', 'bulk24']);
	const p1 = names((await admin.get('/admin/users?q=bulk')).text);
	const p2 = names((await admin.get('/admin/users?q=bulk&page=2')).text);
	assert.equal(p1.length, 25);
	assert.deepEqual([...p1, ...p2].sort(), Array.from({ length: 27 }, (_, i) => `bulk${String(i).padStart(2, '0')}`));
	const none = await admin.get('/admin/users?q=nobody-like-this');
	assert.ok(none.text.includes(msgHtml('no_results', 'zh-Hant')));
	const desc = names((await admin.get('/admin/users?q=bulk&sort=-username')).text);
	assert.equal(desc[0], 'bulk26');
	// the search ignores case, and LIKE wildcards in it are plain characters
	assert.equal(names((await admin.get('/admin/users?q=BULK2')).text).length, 7);
	srv.createUser('ab_cd', 'staff');
	srv.createUser('abxcd', 'staff');
	assert.deepEqual(names((await admin.get('/admin/users?q=b_c')).text), ['ab_cd']);
	assert.deepEqual(names((await admin.get('/admin/users?q=%25')).text), []);
	assert.deepEqual(names((await admin.get('/admin/users?q=%5C')).text), []);
});
