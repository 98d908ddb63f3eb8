'use strict';
// Every records route (src/records/pages.c, import_pages.c, api.c and
// src/org/pages.c) on every register, as every role, in scope and out of
// scope: the status each must get, from the registers' declared access
// (units.c, people.c, supervisors.c, groups.c) and the grants' unit scopes.
// permissions.test.js does the same for one register; this one covers all.
const assert = require('node:assert/strict');
const { serverPerFile, test } = require('./lib');
const { sourceRoutes } = require('./routes');
const { api, create } = require('./records_lib');

const ctx = serverPerFile();
const FILES = ['src/records/pages.c', 'src/records/import_pages.c', 'src/records/api.c', 'src/org/pages.c'];

/* The declarations' access tables: N none, O own, R read, W write. */
const ACCESS = {
	units: { admin: 'W', office: 'W', leader: 'R', unit_admin: 'W', staff: 'R', supervisor: 'R' },
	people: { admin: 'W', office: 'W', leader: 'R', unit_admin: 'W', staff: 'O', supervisor: 'N' },
	supervisors: { admin: 'W', office: 'W', leader: 'R', unit_admin: 'N', staff: 'N', supervisor: 'N' },
	supervisor_units: { admin: 'W', office: 'W', leader: 'R', unit_admin: 'N', staff: 'N', supervisor: 'N' },
	groups: { admin: 'W', office: 'W', leader: 'R', unit_admin: 'W', staff: 'R', supervisor: 'N' },
	group_members: { admin: 'W', office: 'W', leader: 'R', unit_admin: 'N', staff: 'R', supervisor: 'N' },
};
const REVEAL = { people: ['admin', 'office', 'unit_admin'], supervisors: ['admin', 'office'] };
const SENSITIVE_PHONE = ['people', 'supervisors'];
const HAS_UNIT = ['units', 'people', 'groups']; // the types a unit-scoped grant can reach
const TYPES = Object.keys(ACCESS);
const LEVEL = { N: 0, O: 1, R: 2, W: 3 };

/* An actor: a role, and whether its grant covers the records acted on
 * (org-wide grants do; scoped ones when the records lie in their unit). */
function rights(actor, type) {
	const acc = LEVEL[ACCESS[type][actor.role]];
	const reach = actor.orgWide || (actor.inScope && HAS_UNIT.includes(type));
	// ACC_OWN: the people record whose account is the user's
	const owner = acc === LEVEL.O && actor.owns && type === 'people';
	return {
		listable: acc >= LEVEL.O,
		writableType: acc >= LEVEL.W,
		read: (acc >= LEVEL.R && reach) || owner,
		readUnit: acc >= LEVEL.R && reach, // the unit's records, not just one's own
		write: acc >= LEVEL.W && reach,
		reveal: (REVEAL[type] ?? []).includes(actor.role),
	};
}

/* The routes, each with the request to send and the status it must get
 * for an actor on a register. {id} is the record acted on, H the unit the
 * records live in. */
const TYPE_ROUTES = [
	['GET', '/r/{type:str}', (t) => `/r/${t}`, null, (r) => (r.listable ? 200 : 403)],
	['GET', '/r/{type:str}/new', (t) => `/r/${t}/new`, null, (r) => (r.writableType ? 200 : 403)],
	['POST', '/r/{type:str}', (t) => `/r/${t}`, {}, (r) => (r.writableType ? 422 : 403)],
	['GET', '/r/{type:str}/export', (t) => `/r/${t}/export?format=csv`, null, (r) => (r.listable ? 200 : 403)],
	['GET', '/r/{type:str}/{id:int}', (t, id) => `/r/${t}/${id}`, null, (r) => (r.read ? 200 : 403)],
	['GET', '/r/{type:str}/{id:int}/edit', (t, id) => `/r/${t}/${id}/edit`, null, (r) => (r.write ? 200 : 403)],
	['POST', '/r/{type:str}/{id:int}', (t, id) => `/r/${t}/${id}`, {}, (r) => (r.write ? 422 : 403)],
	['POST', '/r/{type:str}/{id:int}/reveal', (t, id) => `/r/${t}/${id}/reveal`, { field: 'phone' }, (r, t) => (!r.read ? 403 : !SENSITIVE_PHONE.includes(t) ? 400 : r.reveal ? 303 : 403)],
	['GET', '/r/{type:str}/{id:int}/archive', (t, id) => `/r/${t}/${id}/archive`, null, (r) => (r.write ? 200 : 403)],
	['POST', '/r/{type:str}/{id:int}/archive', (t, id) => `/r/${t}/${id}/archive`, {}, (r) => (r.write ? 303 : 403)],
	['GET', '/r/{type:str}/{id:int}/restore', (t, id) => `/r/${t}/${id}/restore`, null, (r) => (r.write ? 200 : 403)],
	['POST', '/r/{type:str}/{id:int}/restore', (t, id) => `/r/${t}/${id}/restore`, {}, (r) => (r.write ? 303 : 403)],
	['GET', '/r/{type:str}/import', (t) => `/r/${t}/import`, null, (r) => (r.writableType ? 200 : 403)],
	['GET', '/r/{type:str}/import/template.csv', (t) => `/r/${t}/import/template.csv`, null, (r) => (r.writableType ? 200 : 403)],
	['POST', '/r/{type:str}/import', (t) => `/r/${t}/import`, {}, (r) => (r.writableType ? 422 : 403)],
	['POST', '/r/{type:str}/import/{id:int}', (t) => `/r/${t}/import/999999`, {}, (r) => (r.writableType ? 404 : 403)],
	['GET', '/api/v1/{type:str}', (t) => `/api/v1/${t}`, null, (r) => (r.listable ? 200 : 403)],
	['POST', '/api/v1/{type:str}', (t) => `/api/v1/${t}`, { json: {} }, (r) => (r.writableType ? 422 : 403)],
	['GET', '/api/v1/{type:str}/{id:int}', (t, id) => `/api/v1/${t}/${id}`, null, (r) => (r.read ? 200 : 403)],
	// ?reveal=1: the same route, for the roles that may reveal the register's values
	['GET', '/api/v1/{type:str}/{id:int}', (t, id) => `/api/v1/${t}/${id}?reveal=1`, null, (r, t) => (r.read && (r.reveal || !SENSITIVE_PHONE.includes(t)) ? 200 : 403)],
	['PATCH', '/api/v1/{type:str}/{id:int}', (t, id) => `/api/v1/${t}/${id}`, { json: {} }, (r) => (r.write ? 200 : 403)],
	// archives: last
	['DELETE', '/api/v1/{type:str}/{id:int}', (t, id) => `/api/v1/${t}/${id}`, { json: undefined }, (r) => (r.write ? 200 : 403)],
];

/* The org pages: acting on unit F (a child of H) and on H's statistics. */
const ORG_ROUTES = [
	['GET', '/org/tree', () => '/org/tree', null, () => 200],
	['GET', '/org/units/{id:int}/move', (f) => `/org/units/${f.unit}/move`, null, (a) => (rights(a, 'units').write ? 200 : 403)],
	// under the parent it has: saved (303), nothing moves
	['POST', '/org/units/{id:int}/move', (f) => `/org/units/${f.unit}/move`, (f) => ({ parent_id: String(f.H) }), (a) => (rights(a, 'units').write ? 303 : 403)],
	// statistics are about a unit's people: a reader of the unit's people only
	['GET', '/org/stats', (f) => `/org/stats?unit=${f.H}`, null, (a) => (rights(a, 'people').readUnit ? 200 : 403)],
	['GET', '/org/certificates', () => '/org/certificates', null, (a) => (rights(a, 'people').listable ? 200 : 403)],
	['GET', '/api/v1/stats/people', (f) => `/api/v1/stats/people?unit=${f.H}`, null, (a) => (rights(a, 'people').readUnit ? 200 : 403)],
	['GET', '/api/v1/openapi.json', () => '/api/v1/openapi.json', null, () => 200],
];

test('the table covers every route of the records engine and the org pages', () => {
	const key = (m, p) => `${m} ${p}`;
	const src = sourceRoutes().filter((r) => FILES.includes(r.file));
	assert.ok(src.length >= 25, 'the route tables were found');
	const mine = new Set([...TYPE_ROUTES, ...ORG_ROUTES].map(([m, p]) => key(m, p)));
	assert.deepEqual(src.map((r) => key(r.method, r.pattern)).filter((k) => !mine.has(k)), [], 'routes without an entry here');
	const theirs = new Set(src.map((r) => key(r.method, r.pattern)));
	assert.deepEqual([...mine].filter((k) => !theirs.has(k)), [], 'entries here without a route in src/');
});

/* Fresh records for one actor's round (DELETE archives them): one of each
 * type in unit H, none referred to by anything. */
let round = 0;
async function fixtures(srv, H, account) {
	const a = api(srv);
	const n = ++round;
	const unit = await create(a, 'units', { code: `RT-U${n}`, name: `Route unit ${n}`, kind: 'post', parent_id: H });
	const person = await create(a, 'people', { name: `Route person ${n}`, unit_id: H, phone: '13800138000', account: account ?? null });
	const supervisor = await create(a, 'supervisors', { name: `Route sup ${n}`, organization: 'Org', phone: '13800138001', term_start: '2026-01-01', term_end: '2027-01-01' });
	const other = await create(a, 'supervisors', { name: `Route sup b${n}`, organization: 'Org', term_start: '2026-01-01', term_end: '2027-01-01' });
	const assignment = await create(a, 'supervisor_units', { supervisor_id: other.id, unit_id: H });
	const group = await create(a, 'groups', { year: 2026, kind: 'task_force', name: `Route group ${n}`, unit_id: H });
	const g2 = await create(a, 'groups', { year: 2026, kind: 'task_force', name: `Route group b${n}`, unit_id: H });
	const member = await create(a, 'group_members', { group_id: g2.id, person_id: (await create(a, 'people', { name: `Route member ${n}`, unit_id: H })).id, role: 'member' });
	return {
		H,
		unit: unit.id,
		ids: { units: unit.id, people: person.id, supervisors: supervisor.id, supervisor_units: assignment.id, groups: group.id, group_members: member.id },
	};
}

async function send(client, method, p, body, anonymous) {
	if (method === 'GET') return client.get(p);
	const token = anonymous ? null : await client.csrfToken();
	if (body && 'json' in body) {
		const headers = token ? { 'X-CSRF-Token': token } : {};
		return client.request(method, p, body.json === undefined ? { headers } : { json: body.json, headers });
	}
	return client.post(p, body ?? {}, { csrf: token ?? false });
}

/* Sends every route as the actor; returns the mismatches. */
async function tryAll(srv, actor, client, f) {
	const wrong = [];
	const check = (res, want, method, p) => {
		let ok = res.status === want;
		if (ok && (want === 401 || want === 403)) {
			const ct = res.header('content-type') ?? '';
			ok = p.startsWith('/api/') ? /application\/json/.test(ct) && !!res.json().error?.code : /text\/html/.test(ct);
		}
		if (ok && want === 303 && actor.anonymous) ok = res.location === `/login?next=${encodeURIComponent(p)}`;
		if (!ok) wrong.push(`${actor.name}: ${method} ${p} → ${res.status}, expected ${want}`);
	};
	const anonWant = (method, p, ok) => (p === '/api/v1/openapi.json' ? ok : method !== 'GET' || p.startsWith('/api/') ? 401 : 303);
	for (const type of TYPES) {
		const r = rights(actor, type);
		for (const [method, , path, body, want] of TYPE_ROUTES) {
			const p = path(type, f.ids[type]);
			const w = actor.anonymous ? anonWant(method, p) : want(r, type);
			check(await send(client, method, p, body, actor.anonymous), w, method, p);
		}
	}
	for (const [method, , path, body, want] of ORG_ROUTES) {
		const p = path(f);
		const w = actor.anonymous ? anonWant(method, p, 200) : want(actor);
		check(await send(client, method, p, typeof body === 'function' ? body(f) : body, actor.anonymous), w, method, p);
	}
	return wrong;
}

test('every records route on every register as every role, in and out of scope', async () => {
	const { srv } = ctx;
	const a = api(srv);
	// H: the unit the records live in; X: another branch
	const root = await create(a, 'units', { code: 'RT-ROOT', name: 'Route bureau', kind: 'bureau' });
	const H = (await create(a, 'units', { code: 'RT-H', name: 'Route home', kind: 'secondary', parent_id: root.id })).id;
	const X = (await create(a, 'units', { code: 'RT-X', name: 'Route elsewhere', kind: 'secondary', parent_id: root.id })).id;
	const supervisorOn = async (name, unit) => {
		const u = srv.createUser(name, 'supervisor');
		const s = await create(a, 'supervisors', { name, organization: 'Residents', term_start: '2026-01-01', term_end: '2027-12-31', username: name });
		await create(a, 'supervisor_units', { supervisor_id: s.id, unit_id: unit });
		return u;
	};
	const actors = [
		{ name: 'anonymous', anonymous: true },
		{ name: 'admin', role: 'admin', orgWide: true },
		{ name: 'office', role: 'office', orgWide: true, user: () => srv.createUser('rt_office', 'office') },
		{ name: 'leader', role: 'leader', orgWide: true, user: () => srv.createUser('rt_leader', 'leader') },
		{ name: 'unit_admin of H', role: 'unit_admin', inScope: true, user: () => srv.createUser('rt_uadmin_h', 'unit_admin', H) },
		{ name: 'unit_admin of X', role: 'unit_admin', inScope: false, user: () => srv.createUser('rt_uadmin_x', 'unit_admin', X) },
		{ name: 'leader of X', role: 'leader', inScope: false, user: () => srv.createUser('rt_leader_x', 'leader', X) },
		{ name: 'staff', role: 'staff', orgWide: true, user: () => srv.createUser('rt_staff', 'staff') },
		{ name: 'staff of X', role: 'staff', inScope: false, user: () => srv.createUser('rt_staff_x', 'staff', X) },
		{ name: 'staff, their own record', role: 'staff', inScope: false, owns: true, account: 'rt_staff_own', user: () => srv.createUser('rt_staff_own', 'staff', X) },
		{ name: 'supervisor of H', role: 'supervisor', inScope: true, user: () => supervisorOn('rt_sup_h', H) },
		{ name: 'supervisor of X', role: 'supervisor', inScope: false, user: () => supervisorOn('rt_sup_x', X) },
	];
	const wrong = [];
	let requests = 0;
	for (const actor of actors) {
		let client;
		let u;
		if (actor.anonymous) client = srv.client();
		else if (actor.role === 'admin') client = await srv.admin();
		else {
			u = await actor.user();
			client = await srv.signIn(u.name, u.password);
		}
		const f = await fixtures(srv, H, actor.account);
		wrong.push(...(await tryAll(srv, actor, client, f)));
		requests += TYPES.length * TYPE_ROUTES.length + ORG_ROUTES.length;
	}
	assert.deepEqual(wrong, []);
	assert.ok(requests > 1600);
});
