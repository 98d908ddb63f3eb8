'use strict';
// Scopes: what each role sees and may change in the registers, by unit
// subtree. A unit_admin sees and edits only their subtree; a leader reads
// but cannot write; staff see only their own person record (and nothing
// else of the people register); a supervisor sees the units assigned to
// them in the supervisor register, kept in step with the assignments.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg } = require('./lib');
const { api, call, create, list, ids, upload, importRows, csv, getBytes, parseCsv, org, day } = require('./records_lib');

const ctx = serverPerFile();
let O, P, U;

/* Bureau B: S1 (D1, W1), S2 (D2); one person in each unit. */
async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'Q');
	P = {};
	for (const k of ['B', 'S1', 'D1', 'W1', 'S2', 'D2'])
		P[k] = await create(a, 'people', { name: `Q person ${k}`, unit_id: O[k], status: 'active', phone: '13800001111', cert_number: `Q-${k}`, cert_expires: day(100) });
	U = {
		ua: srv.createUser('q_uadmin', 'unit_admin', O.S1),
		leader: srv.createUser('q_leader', 'leader'),
		leaderS2: srv.createUser('q_leader2', 'leader', O.S2),
		staff: srv.createUser('q_staff', 'staff'),
		staffS1: srv.createUser('q_staff1', 'staff', O.S1),
	};
}

const sorted = (xs) => [...xs].sort((x, y) => x - y);
const inS1 = () => sorted([P.S1.id, P.D1.id, P.W1.id]);

test('unit_admin: lists, pages, exports and statistics cover their subtree only', async () => {
	await setup();
	const u = api(ctx.srv, U.ua.name, 'en');
	assert.deepEqual(sorted(await ids(u, 'people', 'per_page=200')), inS1());
	assert.deepEqual(sorted(await ids(u, 'people', `unit_id=${O.B}`)), inS1(), 'a filter by an ancestor stays within scope');
	assert.deepEqual(await ids(u, 'people', `unit_id=${O.S2}`), []);
	assert.deepEqual(sorted(await ids(u, 'units', 'per_page=200')), sorted([O.S1, O.D1, O.W1]));
	for (const [type, id] of [['people', P.D2.id], ['people', P.B.id], ['units', O.S2], ['units', O.B]]) {
		const r = await u.get(`/api/v1/${type}/${id}`);
		assert.equal(r.status, 403, `${type} ${id}`);
		assert.equal(r.json().error.code, 'forbidden');
	}
	assert.equal((await u.get(`/api/v1/people/${P.W1.id}`)).status, 200);
	const c = await ctx.srv.signIn(U.ua.name, U.ua.password, { headers: { 'Accept-Language': 'en' } });
	const l = await c.get('/r/people?per_page=200');
	for (const k of ['S1', 'D1', 'W1']) assert.ok(l.text.includes(`Q person ${k}<`), k);
	for (const k of ['B', 'S2', 'D2']) assert.ok(!l.text.includes(`Q person ${k}<`), k);
	for (const p of [`/r/people/${P.D2.id}`, `/r/people/${P.D2.id}/edit`, `/r/people/${P.D2.id}/archive`, `/r/units/${O.S2}`, `/org/units/${O.S2}/move`, `/org/stats?unit=${O.B}`, `/org/stats?unit=${O.S2}`])
		assert.equal((await c.get(p)).status, 403, p);
	assert.equal((await c.get(`/r/people/${P.D1.id}`)).status, 200);
	const csvOut = await getBytes(c, '/r/people/export?format=csv');
	assert.deepEqual(sorted(parseCsv(csvOut.bytes.subarray(3).toString('utf8')).slice(1).map((r) => Number(r[0]))), inS1(), 'the export too');
	// statistics: their subtree by default, not above it
	const st = (await u.get('/api/v1/stats/people')).json().data;
	assert.equal(st.unit.id, O.S1);
	assert.equal(st.total, 3);
	assert.equal((await u.get(`/api/v1/stats/people?unit=${O.D1}`)).status, 200);
	assert.equal((await u.get(`/api/v1/stats/people?unit=${O.B}`)).status, 403);
	// the tree and the certificates list
	const tree = await c.get('/org/tree');
	for (const k of ['S1', 'D1', 'W1']) assert.ok(tree.text.includes(`<a href="/r/units/${O[k]}">`), k);
	for (const k of ['B', 'S2', 'D2']) assert.ok(!tree.text.includes(`<a href="/r/units/${O[k]}">`), k);
	const certs = await c.get('/org/certificates?days=3650');
	assert.equal(certs.status, 200);
	assert.ok(certs.text.includes('Q-D1'), 'in scope');
	assert.ok(!certs.text.includes('Q-D2'), 'out of scope');
	// registers outside their role
	assert.equal((await u.get('/api/v1/supervisors')).status, 403);
	assert.equal((await u.get('/api/v1/group_members')).status, 403);
});

test('unit_admin: changes inside the subtree; another unit is 403 or 422 with the out-of-scope message', async () => {
	await setup();
	for (const lang of ['en', 'zh-Hant']) {
		const u = api(ctx.srv, U.ua.name, lang);
		const out = msg('rec_unit_out_of_scope', lang);
		let r = await call(u, 'POST', '/api/v1/people', { name: `Q new ${lang}`, unit_id: O.D2 });
		assert.equal(r.status, 422);
		assert.deepEqual(r.json().error.fields, { unit_id: out });
		r = await call(u, 'POST', '/api/v1/people', { name: `Q new ${lang}`, unit_id: O.W1 });
		assert.equal(r.status, 201);
		const id = r.json().data.id;
		r = await call(u, 'PATCH', `/api/v1/people/${id}`, { unit_id: O.S2 });
		assert.equal(r.status, 422, 'moving a person out of scope');
		assert.deepEqual(r.json().error.fields, { unit_id: out });
		r = await call(u, 'PATCH', `/api/v1/people/${id}`, { unit_id: O.D1 });
		assert.equal(r.status, 200);
		assert.equal((await call(u, 'DELETE', `/api/v1/people/${id}`)).status, 200);
		for (const [m, body] of [['PATCH', { position: 'x' }], ['DELETE', undefined]]) {
			r = await call(u, m, `/api/v1/people/${P.D2.id}`, body);
			assert.equal(r.status, 403, `${m} another unit's person`);
		}
		// units: under their subtree only; no new roots
		r = await call(u, 'POST', '/api/v1/units', { code: `QN-${lang}`, name: 'n', kind: 'post', parent_id: O.S2 });
		assert.equal(r.status, 422);
		assert.deepEqual(r.json().error.fields, { parent_id: out });
		r = await call(u, 'POST', '/api/v1/units', { code: `QN-${lang}`, name: 'n', kind: 'bureau' });
		assert.equal(r.status, 422);
		assert.deepEqual(r.json().error.fields, { parent_id: out });
		r = await call(u, 'POST', '/api/v1/units', { code: `QN-${lang}`, name: 'n', kind: 'post', parent_id: O.D1 });
		assert.equal(r.status, 201);
		// groups of their units
		r = await call(u, 'POST', '/api/v1/groups', { year: 2026, kind: 'task_force', name: 'g', unit_id: O.D2 });
		assert.deepEqual(r.json().error.fields, { unit_id: out });
	}
	assert.equal(ctx.srv.sql(`SELECT count(*) FROM people WHERE unit_id = ${O.D2}`)[0][0], '1', 'nothing was written outside');
	// moves inside the subtree, not out of it, not to the top
	const c = await ctx.srv.signIn(U.ua.name, U.ua.password, { headers: { 'Accept-Language': 'en' } });
	const page = await c.get(`/org/units/${O.W1}/move`);
	assert.equal(page.status, 200);
	assert.doesNotMatch(page.text, new RegExp(`<option value="${O.S2}"`), 'only units in scope are offered');
	let r = await c.post(`/org/units/${O.W1}/move`, { parent_id: String(O.S2) });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(msg('rec_unit_out_of_scope', 'en')));
	r = await c.post(`/org/units/${O.W1}/move`, { parent_id: '' });
	assert.equal(r.status, 422);
	r = await c.post(`/org/units/${O.W1}/move`, { parent_id: String(O.D1) });
	assert.equal(r.status, 303);
	r = await c.post(`/org/units/${O.W1}/move`, { parent_id: String(O.S1) });
	assert.equal(r.status, 303);
	// an import with a row of another unit
	const up = await upload(c, 'people', csv([['name', 'unit_id', 'status'], ['Q imp ok', `${O.D1}`, 'active'], ['Q imp out', `${O.D2}`, 'active']]), 'scope.csv');
	assert.equal(up.status, 422);
	assert.deepEqual(importRows(up.text), [['3', 'unit_id', String(O.D2), msg('rec_unit_out_of_scope', 'en')]]);
});

test('unit_admin: may rename the unit at the top of their own subtree', async () => {
	await setup();
	const u = api(ctx.srv, U.ua.name, 'en');
	const r = await call(u, 'PATCH', `/api/v1/units/${O.S1}`, { contact: '020-1234567' });
	assert.equal(r.status, 200, r.text);
});

test('unit_admin: the home page counts the units of their subtree; their unit names its parent without a link', async () => {
	await setup();
	const c = await ctx.srv.signIn(U.ua.name, U.ua.password, { headers: { 'Accept-Language': 'en' } });
	const home = await c.get('/');
	const tile = /href="\/r\/units"><span class="tile-label">[^<]*<\/span><span class="tile-value">(\d+)</.exec(home.text);
	assert.ok(tile, 'a units tile');
	const mine = await ids(api(ctx.srv, U.ua.name, 'en'), 'units', 'per_page=200&active=1');
	assert.ok(mine.length >= 3 && mine.length < 10);
	assert.equal(Number(tile[1]), mine.length, 'the units of S1 (S1, D1, W1, and any made since): not the whole bureau');
	const page = await c.get(`/r/units/${O.S1}`);
	assert.equal(page.status, 200);
	assert.ok(!page.text.includes(`href="/r/units/${O.B}"`), 'no link to the parent they may not open');
	assert.equal((await c.get(`/r/units/${O.B}`)).status, 403);
	const child = await c.get(`/r/units/${O.D1}`);
	assert.ok(child.text.includes(`href="/r/units/${O.S1}"`), 'a parent within scope is a link');
	// an organization-wide reader sees every unit counted
	const admin = await ctx.srv.signIn('admin', ctx.srv.adminPassword, { headers: { 'Accept-Language': 'en' } });
	const all = /href="\/r\/units"><span class="tile-label">[^<]*<\/span><span class="tile-value">([\d,]+)</.exec((await admin.get('/')).text);
	assert.ok(Number(all[1].replace(/,/g, '')) > Number(tile[1]), 'more than the unit_admin sees');
});

test('unit_admin: a reference to a person outside the subtree is refused (by id or by name)', async () => {
	await setup();
	const u = api(ctx.srv, U.ua.name, 'en');
	const r = await call(u, 'PATCH', `/api/v1/units/${O.D1}`, { head_person_id: P.D2.id });
	assert.equal(r.status, 422, 'head of D1: a person of S2');
	const c = await ctx.srv.signIn(U.ua.name, U.ua.password);
	const form = await c.post(`/r/units/${O.W1}`, { _version: '1', code: 'QW1', name: 'Q Window one', kind: 'window', parent_id: String(O.S1), head_person_id: 'Q person D2', active: '1' });
	assert.equal(form.status, 422, 'a name outside the scope is not resolved');
	assert.ok(!(await c.get(`/r/units/${O.W1}`)).text.includes('Q person D2'));
});

test('leader: reads every register but writes none (403)', async () => {
	await setup();
	const l = api(ctx.srv, U.leader.name, 'en');
	const admin = api(ctx.srv);
	for (const t of ['units', 'people', 'supervisors', 'supervisor_units', 'groups', 'group_members'])
		assert.equal((await list(l, t)).total, (await list(admin, t)).total, `${t}: the leader sees all`);
	assert.equal((await l.get(`/api/v1/people/${P.D2.id}`)).status, 200);
	const g = await create(admin, 'groups', { year: 2026, kind: 'leadership_group', name: 'Q group', unit_id: O.B });
	const writes = [
		['POST', '/api/v1/people', { name: 'x', unit_id: O.B }],
		['PATCH', `/api/v1/people/${P.D1.id}`, { position: 'x' }],
		['DELETE', `/api/v1/people/${P.D1.id}`],
		['POST', '/api/v1/units', { code: 'QL', name: 'x', kind: 'post', parent_id: O.B }],
		['PATCH', `/api/v1/units/${O.D1}`, { name: 'x' }],
		['DELETE', `/api/v1/units/${O.W1}`],
		['POST', '/api/v1/groups', { year: 2026, kind: 'task_force', name: 'x', unit_id: O.B }],
		['PATCH', `/api/v1/groups/${g.id}`, { name: 'x' }],
		['POST', '/api/v1/supervisors', {}],
	];
	for (const [m, p, body] of writes) {
		const r = await call(l, m, p, body);
		assert.equal(r.status, 403, `${m} ${p}`);
		assert.equal(r.json().error.code, 'forbidden');
	}
	const c = await ctx.srv.signIn(U.leader.name, U.leader.password);
	for (const p of ['/r/people/new', `/r/people/${P.D1.id}/edit`, `/r/units/${O.D1}/archive`, '/r/people/import', `/org/units/${O.D1}/move`])
		assert.equal((await c.get(p)).status, 403, p);
	for (const p of ['/r/people', `/r/people/${P.D1.id}`, '/org/tree', `/org/stats?unit=${O.B}`, '/org/certificates']) assert.equal((await c.get(p)).status, 200, p);
	assert.equal((await c.post('/r/people', { name: 'x', unit_id: String(O.B), status: 'active' })).status, 403);
	const page = await c.get('/r/people');
	assert.ok(!page.text.includes('href="/r/people/new"'), 'no "new" button');
	assert.equal(ctx.srv.sql(`SELECT count(*) FROM audit WHERE username = '${U.leader.name}' AND action <> 'sign_in'`)[0][0], '0', 'nothing written');
	// a leader of one branch reads that branch only
	const l2 = api(ctx.srv, U.leaderS2.name);
	assert.deepEqual(sorted(await ids(l2, 'people', 'per_page=200')), sorted([P.S2.id, P.D2.id]));
	assert.equal((await l2.get(`/api/v1/people/${P.D1.id}`)).status, 403);
	assert.equal((await l2.get(`/api/v1/stats/people?unit=${O.S1}`)).status, 403);
});

test('staff: see their own person record (linked by account) and no one else\'s; they cannot change it', async () => {
	await setup();
	const a = api(ctx.srv, 'admin', 'en');
	// the link: the person's account names the user
	let r = await call(a, 'POST', '/api/v1/people', { name: 'Q staff self', unit_id: O.D1, account: 'no-such-user' });
	assert.equal(r.status, 422);
	assert.equal(r.json().error.fields.account, msg('sup_account_unknown', 'en'));
	const self = await create(a, 'people', { name: 'Q staff self', unit_id: O.D1, account: U.staff.name, phone: '13800002222', cert_number: 'Q-SELF', cert_expires: day(30) });
	assert.equal(self.account, U.staff.name);
	r = await call(a, 'POST', '/api/v1/people', { name: 'Q staff twin', unit_id: O.D1, account: U.staff.name });
	assert.equal(r.status, 422, 'one person per account');
	assert.equal(r.json().error.fields.account, msg('rec_not_unique', 'en'));
	const s = api(ctx.srv, U.staff.name, 'en');
	const l = await list(s, 'people', 'per_page=200');
	assert.deepEqual(l.data.map((p) => p.id), [self.id], 'exactly their own record');
	assert.equal(l.total, 1);
	assert.deepEqual(await ids(s, 'people', `unit_id=${O.S2}`), []);
	const own = await s.get(`/api/v1/people/${self.id}`);
	assert.equal(own.status, 200);
	assert.equal(own.json().data.phone, '138****2222', 'masked for them too');
	assert.equal((await s.get(`/api/v1/people/${self.id}?reveal=1`)).status, 403);
	for (const [m, body] of [['PATCH', { position: 'Boss' }], ['DELETE', undefined]]) assert.equal((await call(s, m, `/api/v1/people/${self.id}`, body)).status, 403, `${m} own record`);
	for (const k of ['B', 'S1', 'D1']) assert.equal((await s.get(`/api/v1/people/${P[k].id}`)).status, 403, k);
	const c = await ctx.srv.signIn(U.staff.name, U.staff.password);
	assert.equal((await c.get(`/r/people/${self.id}`)).status, 200);
	assert.equal((await c.get(`/r/people/${self.id}/edit`)).status, 403);
	const page = await c.get('/r/people');
	assert.ok(page.text.includes('Q staff self'));
	assert.ok(!page.text.includes('Q person'));
	const certs = await c.get('/org/certificates?days=60');
	assert.ok(certs.text.includes('Q-SELF') && !certs.text.includes('Q-D1'), 'their own certificate only');
	// moving the link to another account moves the access
	assert.equal((await call(a, 'PATCH', `/api/v1/people/${self.id}`, { account: U.staffS1.name })).status, 200);
	assert.equal((await s.get(`/api/v1/people/${self.id}`)).status, 403);
	assert.equal((await api(ctx.srv, U.staffS1.name).get(`/api/v1/people/${self.id}`)).status, 200);
	assert.equal((await call(a, 'PATCH', `/api/v1/people/${self.id}`, { account: null })).status, 200);
	assert.equal((await api(ctx.srv, U.staffS1.name).get(`/api/v1/people/${self.id}`)).status, 403);
});

test('staff without a linked record: nobody in the people register; units and groups within their grant', async () => {
	await setup();
	for (const who of [U.staff, U.staffS1]) {
		const s = api(ctx.srv, who.name);
		const l = await list(s, 'people', 'per_page=200');
		assert.deepEqual([l.total, l.data], [0, []], `${who.name}: nobody`);
		assert.equal((await list(s, 'people', `unit_id=${O.S1}`)).total, 0);
		for (const k of ['B', 'S1', 'D1']) assert.equal((await s.get(`/api/v1/people/${P[k].id}`)).status, 403, k);
		assert.equal((await call(s, 'POST', '/api/v1/people', { name: 'x', unit_id: O.D1 })).status, 403);
		assert.equal((await call(s, 'PATCH', `/api/v1/people/${P.D1.id}`, { name: 'x' })).status, 403);
		assert.equal((await s.get(`/api/v1/stats/people?unit=${O.S1}`)).status, 403);
		assert.equal((await s.get('/api/v1/supervisors')).status, 403);
		// the hidden user_id is not writable: the link goes through "account"
		assert.equal((await call(api(ctx.srv), 'PATCH', `/api/v1/people/${P.D1.id}`, { user_id: who.id })).status, 400);
		const c = await ctx.srv.signIn(who.name, who.password);
		const certs = await c.get('/org/certificates?days=3650');
		assert.equal(certs.status, 200);
		assert.ok(!certs.text.includes('Q person'), 'no one in the certificates list');
		assert.ok(!(await c.get('/r/people')).text.includes('Q person'));
		assert.equal((await c.get(`/r/people/${P.D1.id}`)).status, 403);
	}
	assert.equal((await list(api(ctx.srv, U.staff.name), 'units')).total, (await list(api(ctx.srv), 'units')).total);
	assert.deepEqual(sorted(await ids(api(ctx.srv, U.staffS1.name), 'units', 'per_page=200')).filter((id) => Object.values(O).includes(id)), sorted([O.S1, O.D1, O.W1]));
	assert.equal((await api(ctx.srv, U.staffS1.name).get(`/api/v1/units/${O.D2}`)).status, 403);
});

test('supervisor: the units assigned in the supervisor register, and nothing else', async () => {
	await setup();
	const { srv } = ctx;
	const a = api(srv);
	const acct = srv.createUser('q_sup', 'supervisor');
	const s = api(srv, acct.name);
	const sup = await create(a, 'supervisors', { name: 'Q Supervisor', organization: 'Residents', term_start: '2026-01-01', term_end: '2027-12-31', username: acct.name });
	// linked but not yet assigned: no unit at all
	assert.equal((await s.get(`/api/v1/units/${O.D1}`)).status, 403);
	const as = await create(a, 'supervisor_units', { supervisor_id: sup.id, unit_id: O.D1 });
	assert.equal((await s.get(`/api/v1/units/${O.D1}`)).status, 200, 'the assigned unit');
	for (const k of ['B', 'S1', 'W1', 'S2', 'D2']) assert.equal((await s.get(`/api/v1/units/${O[k]}`)).status, 403, `not ${k}`);
	const underD1 = await ids(a, 'units', `parent_id=${O.D1}`); // added by other tests
	assert.deepEqual(sorted(await ids(s, 'units', 'per_page=200')), sorted([O.D1, ...underD1]), 'the unit and its sub-units');
	assert.equal((await s.get('/api/v1/people')).status, 403, 'no people register');
	assert.equal((await s.get(`/api/v1/people/${P.D1.id}`)).status, 403);
	assert.equal((await s.get('/api/v1/groups')).status, 403);
	assert.equal((await s.get(`/api/v1/stats/people?unit=${O.D1}`)).status, 403);
	assert.equal((await call(s, 'PATCH', `/api/v1/units/${O.D1}`, { name: 'x' })).status, 403);
	const c = await srv.signIn(acct.name, acct.password);
	assert.equal((await c.get(`/r/units/${O.D1}`)).status, 200);
	assert.equal((await c.get(`/r/units/${O.D2}`)).status, 403);
	// the assignment changes: the access follows
	assert.equal((await call(a, 'PATCH', `/api/v1/supervisor_units/${as.id}`, { unit_id: O.S2 })).status, 200);
	assert.equal((await s.get(`/api/v1/units/${O.D1}`)).status, 403);
	assert.equal((await s.get(`/api/v1/units/${O.S2}`)).status, 200);
	assert.equal((await s.get(`/api/v1/units/${O.D2}`)).status, 200, 'a sub-unit of the assigned one');
	await create(a, 'supervisor_units', { supervisor_id: sup.id, unit_id: O.W1 });
	assert.deepEqual(sorted(await ids(s, 'units', 'per_page=200')), sorted([O.W1, O.S2, O.D2]));
	// another account named on the record: the first one loses the units
	const other = srv.createUser('q_sup2', 'staff');
	assert.equal((await call(a, 'PATCH', `/api/v1/supervisors/${sup.id}`, { username: other.name })).status, 200);
	assert.equal((await s.get(`/api/v1/units/${O.S2}`)).status, 403);
	assert.equal((await api(srv, other.name).get(`/api/v1/units/${O.D2}`)).status, 200);
	assert.equal((await call(a, 'PATCH', `/api/v1/supervisors/${sup.id}`, { username: acct.name })).status, 200);
	assert.equal((await s.get(`/api/v1/units/${O.S2}`)).status, 200);
});

test('supervisor: archiving an assignment (or the supervisor) takes the units away', async () => {
	await setup();
	const { srv } = ctx;
	const a = api(srv);
	const acct = srv.createUser('q_sup3', 'supervisor');
	const s = api(srv, acct.name);
	const sup = await create(a, 'supervisors', { name: 'Q Supervisor 3', organization: 'Press', term_start: '2026-01-01', term_end: '2027-12-31', username: acct.name });
	const as = await create(a, 'supervisor_units', { supervisor_id: sup.id, unit_id: O.D1 });
	const as2 = await create(a, 'supervisor_units', { supervisor_id: sup.id, unit_id: O.D2 });
	assert.equal((await s.get(`/api/v1/units/${O.D1}`)).status, 200);
	assert.equal((await call(a, 'DELETE', `/api/v1/supervisor_units/${as.id}`)).status, 200);
	assert.equal((await s.get(`/api/v1/units/${O.D1}`)).status, 403, 'the archived assignment still grants the unit');
	assert.ok(as2);
	assert.equal((await call(a, 'DELETE', `/api/v1/supervisor_units/${as2.id}`)).status, 200);
	assert.equal((await call(a, 'DELETE', `/api/v1/supervisors/${sup.id}`)).status, 200);
	assert.equal((await s.get(`/api/v1/units/${O.D2}`)).status, 403, 'the archived supervisor still sees the unit');
});
