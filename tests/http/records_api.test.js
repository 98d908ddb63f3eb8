'use strict';
// The records engine's JSON API (/api/v1/{type}): list, filters (enum, bool,
// unit subtree), sort, free-text search, paging, create / read / update /
// archive with validation in the user's language, optimistic concurrency,
// references that block archiving, and the OpenAPI description.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { serverPerFile, test, msg, ROOT } = require('./lib');
const { api, call, create, list, ids, idNumber, mask, org } = require('./records_lib');

const ctx = serverPerFile();
let O, P; // the org and the people, by name

async function setup() {
	if (O) return;
	const a = api(ctx.srv);
	O = await org(a, 'A');
	const person = (body) => create(a, 'people', { status: 'active', ...body });
	P = {};
	P.alpha = await person({ name: 'alpha', unit_id: O.D1, gender: 'male', birth_date: '1980-03-01', is_leader: true, party_member: true, party_joined: '2001-07-01', title_level: 'intermediate', education: 'bachelor', phone: '13800000001', id_number: idNumber(1) });
	P.bravo = await person({ name: 'bravo', unit_id: O.W1, gender: 'female', birth_date: '1975-05-05', status: 'retired', title_level: 'junior' });
	P.charlie = await person({ name: 'charlie', unit_id: O.S1, gender: 'male', birth_date: '1990-01-01', post: 'Clerk' });
	P.delta = await person({ name: 'delta', unit_id: O.D2, gender: 'female', birth_date: '1985-12-31', party_member: true, party_joined: '2010-01-01' });
	P.echo = await person({ name: 'echo', unit_id: O.B, gender: 'male', birth_date: '1970-06-15', position: 'Chief Inspector' });
	P.zhang = await person({ name: '張三豐', unit_id: O.S2, title: '高級工程師' });
}

/* an ID number whose check digit is wrong */
const badId = () => {
	const good = idNumber(77);
	return good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
};

const names = async (query) => (await list(api(ctx.srv), 'people', query)).data.map((p) => p.name);

/* ---- list, filters, sort, search, paging ---- */

test('the list answers {data, total, page, per_page} with the default sort (people: by name)', async () => {
	await setup();
	const l = await list(api(ctx.srv), 'people');
	assert.deepEqual(Object.keys(l).sort(), ['data', 'page', 'per_page', 'total']);
	assert.equal(l.total, 6);
	assert.equal(l.page, 1);
	assert.equal(l.per_page, 25);
	assert.deepEqual(l.data.map((p) => p.name).slice(0, 5), ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
	for (const p of l.data) {
		for (const k of ['id', 'name', 'unit_id', 'archived', 'version', 'created_at', 'updated_at']) assert.ok(k in p, `${k} in a list item`);
		assert.ok(!('user_id' in p), 'the hidden field is not in the API');
	}
});

test('filter by an enum, a yes/no field and their combination', async () => {
	await setup();
	assert.deepEqual(await names('gender=female'), ['bravo', 'delta']);
	assert.deepEqual(await names('status=retired'), ['bravo']);
	assert.deepEqual(await names('party_member=1'), ['alpha', 'delta']);
	// an unset yes/no counts as no
	assert.deepEqual(await names('party_member=0&gender=male'), ['charlie', 'echo']);
	assert.deepEqual(await names('is_leader=1'), ['alpha']);
	assert.deepEqual(await names('title_level=junior'), ['bravo']);
	assert.deepEqual(await names('education=bachelor'), ['alpha']);
	assert.deepEqual(await names('gender=male&status=active&party_member=1'), ['alpha']);
	// an empty filter value is no filter
	assert.equal((await names('gender=')).length, 6);
});

test('filter by a unit includes the people of its whole subtree', async () => {
	await setup();
	assert.deepEqual(await names(`unit_id=${O.D1}`), ['alpha']);
	assert.deepEqual(await names(`unit_id=${O.S1}`), ['alpha', 'bravo', 'charlie']);
	assert.deepEqual(await names(`unit_id=${O.S2}`), ['delta', '張三豐']);
	assert.equal((await names(`unit_id=${O.B}`)).length, 6);
	assert.deepEqual(await names(`unit_id=${O.S1}&gender=male`), ['alpha', 'charlie']);
	// units: parent_id filters the subtree below the unit
	const a = api(ctx.srv);
	assert.deepEqual((await ids(a, 'units', `parent_id=${O.S1}`)).sort((x, y) => x - y), [O.D1, O.W1]);
	assert.deepEqual((await ids(a, 'units', `kind=secondary`)).sort((x, y) => x - y), [O.S1, O.S2]);
});

test('a bad filter value is 400 with a message in the user\'s language', async () => {
	await setup();
	for (const lang of ['en', 'zh-Hant']) {
		const a = api(ctx.srv, 'admin', lang);
		for (const q of ['gender=robot', 'party_member=yes', 'party_member=2', `unit_id=${O.S1}x`, 'unit_id=-1', 'status=ACTIVE']) {
			const r = await a.get(`/api/v1/people?${q}`);
			assert.equal(r.status, 400, q);
			assert.match(r.header('content-type'), /application\/json/);
			const e = r.json().error;
			assert.equal(e.code, 'bad_request', q);
			assert.equal(e.message, msg('rec_bad_filter', lang), q);
		}
	}
	// an unknown unit is no error, just nothing
	assert.deepEqual(await names('unit_id=999999'), []);
});

test('sort ascending and descending, by declared fields only; an invalid sort is 400', async () => {
	await setup();
	assert.deepEqual((await names('sort=name')).slice(0, 5), ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
	assert.deepEqual((await names('sort=-name')).slice(1), ['echo', 'delta', 'charlie', 'bravo', 'alpha']);
	// birth_date (a filter leaves out the one without: NULLs sort differently on SQLite and PostgreSQL)
	assert.deepEqual(await names('sort=birth_date&gender=male'), ['echo', 'alpha', 'charlie']);
	assert.deepEqual(await names('sort=-birth_date&gender=female'), ['delta', 'bravo']);
	const a = api(ctx.srv);
	const all = await ids(a, 'people', 'sort=id');
	assert.deepEqual(all, [...all].sort((x, y) => x - y));
	assert.deepEqual(await ids(a, 'people', 'sort=-id'), [...all].reverse());
	for (const lang of ['en', 'zh-Hant']) {
		const c = api(ctx.srv, 'admin', lang);
		// unknown, hidden, sensitive (sorting would leak the order of ID numbers), not sortable
		for (const s of ['bogus', 'user_id', 'id_number', '-phone', 'post', 'name;drop', '--name']) {
			const r = await c.get(`/api/v1/people?sort=${encodeURIComponent(s)}`);
			assert.equal(r.status, 400, `sort=${s}`);
			assert.equal(r.json().error.message, msg('rec_bad_sort', lang), s);
		}
	}
});

test('a sort puts records without a value last in both directions, on both backends', async () => {
	await setup();
	const asc = await names('sort=birth_date');
	const desc = await names('sort=-birth_date');
	assert.equal(asc.at(-1), '張三豐', 'ascending: the one without a birth date last');
	assert.equal(desc.at(-1), '張三豐', 'descending: the one without a birth date last');
});

test('free-text search (q) over the declared fields, case-insensitive, Chinese of one or two characters too', async () => {
	await setup();
	assert.deepEqual(await names('q=ALPH'), ['alpha']);
	assert.deepEqual(await names('q=inspector'), ['echo']); // position
	assert.deepEqual(await names('q=clerk'), ['charlie']); // post
	assert.deepEqual(await names('q=張'), ['張三豐']);
	assert.deepEqual(await names('q=三豐'), ['張三豐']);
	assert.deepEqual(await names(`q=${encodeURIComponent('工程')}`), ['張三豐']); // title
	assert.deepEqual(await names('q=nobody-has-this'), []);
	// search and filters combine
	assert.deepEqual(await names('q=a&gender=female'), ['bravo', 'delta']);
	// ID numbers and phones are not searchable (they are sensitive)
	assert.deepEqual(await names('q=13800000001'), []);
	const r = await api(ctx.srv, 'admin', 'en').get(`/api/v1/people?q=${'x'.repeat(201)}`);
	assert.equal(r.status, 400);
	assert.equal(r.json().error.message, msg('err_query_too_long', 'en'));
	assert.equal((await list(api(ctx.srv), 'people', `q=${'x'.repeat(200)}`)).total, 0);
});

test('search text is taken literally: % and _ are not wildcards', async () => {
	await setup();
	assert.deepEqual(await names('q=%25'), []);
	assert.deepEqual(await names('q=_'), []);
});

test('paging: page and per_page, bounds 1…200', async () => {
	await setup();
	const a = api(ctx.srv);
	const p1 = await list(a, 'people', 'per_page=2&page=1');
	const p2 = await list(a, 'people', 'per_page=2&page=2');
	const p3 = await list(a, 'people', 'per_page=2&page=3');
	const p4 = await list(a, 'people', 'per_page=2&page=4');
	assert.deepEqual([p1.total, p1.page, p1.per_page], [6, 1, 2]);
	assert.deepEqual([p3.page, p4.page], [3, 4]);
	assert.deepEqual(
		[...p1.data, ...p2.data, ...p3.data].map((p) => p.name),
		await names(''),
	);
	assert.deepEqual(p4.data, []);
	assert.equal(p4.total, 6);
	assert.equal((await list(a, 'people', 'per_page=200')).per_page, 200);
	assert.equal((await list(a, 'people', 'per_page=1')).data.length, 1);
	// a page that is not a whole number from 1 is refused (paging.test.js)
	for (const pg of ['0', 'x']) assert.equal((await a.get(`/api/v1/people?page=${pg}`)).status, 400, `page=${pg}`);
	for (const lang of ['en', 'zh-Hant']) {
		const c = api(ctx.srv, 'admin', lang);
		for (const pp of ['201', '0', '-1', 'abc', '1000000', '2.5', '']) {
			const r = await c.get(`/api/v1/people?per_page=${pp}`);
			assert.equal(r.status, 400, `per_page=${pp}`);
			assert.equal(r.json().error.message, msg('rec_bad_per_page', lang));
		}
	}
});

test('a bad list parameter names itself in error.fields, like every other API error', async () => {
	await setup();
	const a = api(ctx.srv, 'admin', 'en');
	for (const [q, param, key] of [['per_page=201', 'per_page', 'rec_bad_per_page'], ['sort=bogus', 'sort', 'rec_bad_sort'], ['gender=x', 'gender', 'rec_bad_filter']]) {
		const e = (await a.get(`/api/v1/people?${q}`)).json().error;
		assert.deepEqual(e.fields, { [param]: msg(key, 'en') }, q);
	}
});

/* ---- create, read, update, archive ---- */

test('create: 201, Location, the record as stored (defaults applied, values normalised)', async () => {
	await setup();
	const a = api(ctx.srv);
	const r = await call(a, 'POST', '/api/v1/people', { name: '  foxtrot\u3000', unit_id: O.D2, gender: '女', birth_date: '1988/7/9', party_member: 'no', phone: '13900000002' });
	assert.equal(r.status, 201, r.text);
	const d = r.json().data;
	assert.equal(r.location, `/api/v1/people/${d.id}`);
	assert.equal(d.name, 'foxtrot'); // trimmed, ideographic space too
	assert.equal(d.gender, 'female'); // a label becomes the code
	assert.equal(d.birth_date, '1988-07-09');
	assert.equal(d.party_member, false);
	assert.equal(d.status, 'active'); // the declared default
	assert.equal(d.version, 1);
	assert.equal(d.archived, false);
	const g = await a.get(r.location);
	assert.equal(g.status, 200);
	assert.deepEqual(g.json().data, d);
	const rows = ctx.srv.sql(`SELECT action, entity_id FROM audit WHERE entity = 'people' AND entity_id = '${d.id}'`);
	assert.deepEqual(rows, [['create', String(d.id)]]);
});

test('validation: 422 with one message per field, in zh-Hant, zh-Hans and en', async () => {
	await setup();
	const bad = { name: '', unit_id: 999999, phone: 'call me', id_number: badId(), gender: 'robot', birth_date: '2026-02-30', education: null, party_member: true };
	const want = { name: 'required', unit_id: 'rec_bad_reference', phone: 'rec_bad_phone', id_number: 'rec_bad_id_card', gender: 'rec_bad_choice', birth_date: 'rec_bad_date', party_joined: 'party_joined_needed' };
	const before = (await list(api(ctx.srv), 'people')).total;
	for (const lang of ['zh-Hant', 'zh-Hans', 'en']) {
		const r = await call(api(ctx.srv, 'admin', lang), 'POST', '/api/v1/people', bad);
		assert.equal(r.status, 422, r.text);
		const e = r.json().error;
		assert.equal(e.code, 'invalid');
		assert.equal(e.message, msg('form_has_errors', lang));
		assert.deepEqual(e.fields, Object.fromEntries(Object.entries(want).map(([k, m]) => [k, msg(m, lang)])), lang);
	}
	assert.equal((await list(api(ctx.srv), 'people')).total, before, 'nothing was created');
	// lengths, numbers, dates and values of the wrong JSON type
	const en = api(ctx.srv, 'admin', 'en');
	const cases = [
		['units', { code: 'has space', name: 'x', kind: 'bureau' }, 'code', 'rec_bad_code'],
		['units', { code: 'X'.repeat(33), name: 'x', kind: 'bureau' }, 'code', 'rec_bad_length'],
		['units', { code: 'OK1', name: 'x', kind: 'bureau', parent_id: 'abc' }, 'parent_id', 'rec_bad_reference'],
		['groups', { year: 1999, kind: 'task_force', name: 'g', unit_id: O.B }, 'year', 'rec_out_of_range'],
		['groups', { year: '20x6', kind: 'task_force', name: 'g', unit_id: O.B }, 'year', 'rec_not_integer'],
		['people', { name: { first: 'a' }, unit_id: O.B }, 'name', 'rec_bad_value'],
		['people', { name: 'x', unit_id: O.B, party_member: 'maybe' }, 'party_member', 'rec_bad_bool'],
		['people', { name: 'x', unit_id: O.B, cert_number: 'C-1' }, 'cert_expires', 'cert_expiry_needed'],
		['people', { name: 'x', unit_id: O.B, cert_issued: '2025-01-01', cert_expires: '2024-01-01' }, 'cert_expires', 'cert_dates_order'],
		['people', { name: 'x', unit_id: O.B, id_number: idNumber(1) }, 'id_number', 'rec_not_unique'],
		['supervisors', { name: 's', organization: 'o', term_start: '2026-01-01', term_end: '2025-01-01' }, 'term_end', 'term_order'],
		['supervisors', { name: 's', organization: 'o', term_start: '2026-01-01', term_end: '2027-01-01', username: 'no-such-user' }, 'username', 'sup_account_unknown'],
		['supervisors', { name: 's', organization: 'o', term_start: '2026-01-01', term_end: '2027-01-01', email: 'nope' }, 'email', 'rec_bad_email'],
	];
	for (const [type, body, field, key] of cases) {
		const r = await call(en, 'POST', `/api/v1/${type}`, body);
		assert.equal(r.status, 422, `${type} ${JSON.stringify(body)}: ${r.text}`);
		assert.equal(r.json().error.fields[field], msg(key, 'en'), `${type}.${field}`);
	}
});

test('a JSON member that is not a field (or a hidden one) is 400; so is a body that is not an object', async () => {
	await setup();
	const en = api(ctx.srv, 'admin', 'en');
	for (const body of [{ name: 'x', unit_id: O.B, nickname: 'y' }, { name: 'x', unit_id: O.B, user_id: 1 }, { name: 'x', unit_id: O.B, path: '/1/' }]) {
		const type = 'path' in body ? 'units' : 'people';
		const r = await call(en, 'POST', `/api/v1/${type}`, body);
		assert.equal(r.status, 400, JSON.stringify(body));
		assert.equal(r.json().error.code, 'bad_request');
		assert.equal(r.json().error.message, msg('rec_unknown_field', 'en'));
	}
	const zh = api(ctx.srv, 'admin', 'zh-Hant');
	const r = await call(zh, 'PATCH', `/api/v1/people/${P.echo.id}`, { nickname: 'y' });
	assert.equal(r.status, 400);
	assert.equal(r.json().error.message, msg('rec_unknown_field', 'zh-Hant'));
	for (const raw of ['[1,2]', '"text"', '{"name": "a", "name": "b"}', '{bad json', '']) {
		const res = await en.request('POST', '/api/v1/people', { body: raw, contentType: 'application/json' });
		assert.equal(res.status, 400, raw);
		assert.equal(res.json().error.code, 'bad_request', raw);
	}
	assert.equal((await call(en, 'GET', `/api/v1/people/${P.echo.id}`)).json().data.version, 1, 'nothing changed');
});

test('PATCH changes the fields given; a stale version is 409 and changes nothing', async () => {
	await setup();
	const a = api(ctx.srv, 'admin', 'en');
	const p = await create(a, 'people', { name: 'golf', unit_id: O.D1 });
	let r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { position: 'Driver', version: 1 });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json().data.position, 'Driver');
	assert.equal(r.json().data.name, 'golf', 'fields not given stay');
	assert.equal(r.json().data.version, 2);
	r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { position: 'Chief driver' }); // no version: last write wins
	assert.equal(r.status, 200);
	assert.equal(r.json().data.version, 3);
	r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { position: 'Lost', version: 1 });
	assert.equal(r.status, 409, r.text);
	assert.equal(r.json().error.code, 'conflict');
	assert.equal(r.json().error.message, msg('rec_conflict', 'en'));
	const now = (await a.get(`/api/v1/people/${p.id}`)).json().data;
	assert.equal(now.position, 'Chief driver');
	assert.equal(now.version, 3);
	// null clears a field; an invalid change is 422 and leaves the record
	r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { position: null });
	assert.equal(r.json().data.position, null);
	r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { name: '' });
	assert.equal(r.status, 422);
	assert.equal(r.json().error.fields.name, msg('required', 'en'));
	assert.equal((await a.get(`/api/v1/people/${p.id}`)).json().data.name, 'golf');
	const actions = ctx.srv.sql(`SELECT action FROM audit WHERE entity = 'people' AND entity_id = '${p.id}' ORDER BY id`).map((x) => x[0]);
	assert.deepEqual(actions, ['create', 'update', 'update', 'update']);
});

test('sensitive values: never in full unless reveal is asked and allowed; a PATCH sending the mask back keeps the value', async () => {
	await setup();
	const { srv } = ctx;
	const a = api(srv);
	const id = idNumber(41, '19810203');
	const p = await create(a, 'people', { name: 'masked api', unit_id: O.D1, id_number: id, phone: '13822223333' });
	assert.equal(p.id_number, mask(id), 'the create answer is masked');
	assert.equal(p.phone, mask('13822223333'));
	const got = (await a.get(`/api/v1/people/${p.id}`)).json().data;
	assert.equal(got.id_number, mask(id));
	// a client that sends back what it read (masks included) changes only what it changed
	let r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { ...got, id: undefined, archived: undefined, position: 'Read and written back' });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json().data.id_number, mask(id), 'the PATCH answer is masked');
	assert.deepEqual(srv.sql(`SELECT id_number, phone, position FROM people WHERE id = ${p.id}`)[0], [id, '13822223333', 'Read and written back']);
	// a new value replaces it (and is masked in the answer)
	const id2 = idNumber(42, '19810204');
	r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { id_number: id2 });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json().data.id_number, mask(id2));
	assert.ok(!r.text.includes(id2));
	assert.equal(srv.sql(`SELECT id_number FROM people WHERE id = ${p.id}`)[0][0], id2);
	// the full value only with reveal=1, for a role that may reveal, and audited
	const leader = srv.createUser('api_leader', 'leader');
	for (const who of [leader.name, 'admin']) {
		const l = await list(api(srv, who), 'people', 'q=masked');
		assert.ok(!JSON.stringify(l).includes(id2), `${who}: the list is masked`);
		assert.ok(!(await api(srv, who).get(`/api/v1/people/${p.id}?reveal=true`)).text.includes(id2), `${who}: reveal=true is not reveal=1`);
	}
	assert.equal((await api(srv, leader.name).get(`/api/v1/people/${p.id}?reveal=1`)).status, 403);
	const n = srv.sql(`SELECT count(*) FROM audit WHERE action = 'reveal' AND entity_id = '${p.id}'`)[0][0];
	assert.equal((await a.get(`/api/v1/people/${p.id}?reveal=1`)).json().data.id_number, id2);
	assert.equal(Number(srv.sql(`SELECT count(*) FROM audit WHERE action = 'reveal' AND entity_id = '${p.id}'`)[0][0]), Number(n) + 1);
});

test('two clients read version N, both PATCH with it: the second gets 409', async () => {
	await setup();
	const a = api(ctx.srv);
	const p = await create(a, 'people', { name: 'hotel', unit_id: O.D1 });
	const first = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { position: 'first', version: 1 });
	assert.equal(first.status, 200);
	const second = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { position: 'second', version: 1 });
	assert.equal(second.status, 409, `the second writer was told ${second.status}: ${second.text}`);
	assert.equal((await a.get(`/api/v1/people/${p.id}`)).json().data.position, 'first');
});

test('DELETE archives: GET shows archived:true, the list hides it, ?archived=1 shows it; PATCH is then 409', async () => {
	await setup();
	const a = api(ctx.srv, 'admin', 'en');
	const p = await create(a, 'people', { name: 'india', unit_id: O.W1 });
	let r = await call(a, 'DELETE', `/api/v1/people/${p.id}`);
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json().data.archived, true);
	r = await a.get(`/api/v1/people/${p.id}`);
	assert.equal(r.status, 200);
	assert.equal(r.json().data.archived, true);
	assert.ok(!(await ids(a, 'people', 'per_page=200')).includes(p.id), 'the list hides it');
	assert.ok(!(await ids(a, 'people', `unit_id=${O.W1}`)).includes(p.id));
	const arch = await list(a, 'people', 'archived=1');
	assert.ok(arch.data.some((x) => x.id === p.id), '?archived=1 shows it');
	assert.ok(arch.data.every((x) => x.archived === true), '?archived=1 shows archived records only');
	r = await call(a, 'PATCH', `/api/v1/people/${p.id}`, { position: 'x' });
	assert.equal(r.status, 409);
	assert.equal(r.json().error.message, msg('rec_is_archived', 'en'));
	r = await call(a, 'DELETE', `/api/v1/people/${p.id}`);
	assert.equal(r.status, 200, 'archiving twice is fine');
	const actions = ctx.srv.sql(`SELECT action FROM audit WHERE entity = 'people' AND entity_id = '${p.id}' ORDER BY id`).map((x) => x[0]);
	assert.deepEqual(actions, ['create', 'archive']);
	// an archived unit cannot be referred to by a new record
	const u = await create(a, 'units', { code: 'AGONE', name: 'gone', kind: 'post', parent_id: O.B });
	assert.equal((await call(a, 'DELETE', `/api/v1/units/${u.id}`)).status, 200);
	r = await call(a, 'POST', '/api/v1/people', { name: 'juliet', unit_id: u.id });
	assert.equal(r.status, 422);
	assert.equal(r.json().error.fields.unit_id, msg('rec_bad_reference', 'en'));
});

test('archiving a record that active records refer to is 409 and changes nothing', async () => {
	await setup();
	for (const lang of ['en', 'zh-Hant']) {
		const a = api(ctx.srv, 'admin', lang);
		for (const [type, id] of [['units', O.D1], ['units', O.S1], ['units', O.B]]) {
			const r = await call(a, 'DELETE', `/api/v1/${type}/${id}`);
			assert.equal(r.status, 409, `${type} ${id}: ${r.text}`);
			assert.equal(r.json().error.message, msg('rec_in_use', lang));
			assert.equal((await a.get(`/api/v1/${type}/${id}`)).json().data.archived, false);
		}
	}
	// the head of a unit, a group's unit, a member's group
	const a = api(ctx.srv);
	const head = await create(a, 'people', { name: 'kilo', unit_id: O.D2 });
	const post = await create(a, 'units', { code: 'AHEAD', name: 'headed', kind: 'post', parent_id: O.D2, head_person_id: head.id });
	assert.equal((await call(a, 'DELETE', `/api/v1/people/${head.id}`)).status, 409);
	const g = await create(a, 'groups', { year: 2026, kind: 'task_force', name: 'Task force', unit_id: post.id });
	const m = await create(a, 'group_members', { group_id: g.id, person_id: head.id, role: 'leader' });
	assert.equal((await call(a, 'DELETE', `/api/v1/groups/${g.id}`)).status, 409);
	assert.equal((await call(a, 'DELETE', `/api/v1/group_members/${m.id}`)).status, 200);
	assert.equal((await call(a, 'DELETE', `/api/v1/groups/${g.id}`)).status, 200, 'free once the member is archived');
	assert.equal(ctx.srv.sql(`SELECT count(*) FROM audit WHERE action = 'archive' AND entity = 'units' AND entity_id IN ('${O.D1}', '${O.S1}', '${O.B}')`)[0][0], '0');
});

test('unknown types and records: 404 as JSON', async () => {
	await setup();
	const a = api(ctx.srv, 'admin', 'en');
	for (const [m, p] of [['GET', '/api/v1/nothing'], ['GET', '/api/v1/people/999999'], ['PATCH', '/api/v1/people/999999'], ['DELETE', '/api/v1/units/999999'], ['POST', '/api/v1/nothing']]) {
		const r = await call(a, m, p, m === 'PATCH' || m === 'POST' ? {} : undefined);
		assert.equal(r.status, 404, `${m} ${p}`);
		assert.match(r.header('content-type'), /application\/json/);
		assert.ok(r.json().error.code, `${m} ${p}`);
	}
});

/* ---- OpenAPI ---- */

test('/api/v1/openapi.json: OpenAPI 3.0.3 with a path per type, public', async () => {
	const r = await ctx.srv.client().get('/api/v1/openapi.json');
	assert.equal(r.status, 200);
	assert.match(r.header('content-type'), /application\/json/);
	const doc = r.json();
	assert.equal(doc.openapi, '3.0.3');
	assert.ok(doc.info.title && doc.info.version);
	const types = ['units', 'people', 'supervisors', 'supervisor_units', 'groups', 'group_members'];
	for (const t of types) {
		assert.ok(doc.paths[`/api/v1/${t}`]?.get && doc.paths[`/api/v1/${t}`]?.post, `/api/v1/${t}`);
		const one = doc.paths[`/api/v1/${t}/{id}`];
		assert.ok(one?.get && one.patch && one.delete, `/api/v1/${t}/{id}`);
	}
	// every $ref resolves; hidden fields are not described
	const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
	for (const ref of new Set(refs)) {
		const pointer = /"#\/([^"]+)"/.exec(ref)[1];
		assert.ok(pointer.split('/').reduce((o, k) => o?.[k], doc), `${ref} resolves`);
	}
	assert.ok(!('user_id' in doc.components.schemas.People.properties));
	assert.ok(!('path' in doc.components.schemas.Units.properties));
	// an optional enum may be null in an answer
	assert.deepEqual(doc.components.schemas.People.properties.gender.enum, ['male', 'female', null]);
	assert.ok(doc.paths['/api/v1/people'].get.parameters.some((p) => p.name === 'unit_id'));
	// lint with Redocly when it is installed (it is not a dependency of the
	// project): the project's node_modules, or WENMING_REDOCLY=path/to/cli.js.
	// The minimal ruleset: a valid description (the recommended one also
	// wants servers, operationIds and a licence: see the report).
	let cli = process.env.WENMING_REDOCLY || null;
	if (!cli) {
		try {
			cli = require.resolve('@redocly/cli/bin/cli.js', { paths: [ROOT] });
		} catch {}
	}
	if (!cli) return;
	const f = path.join(fs.mkdtempSync('/tmp/wenming-openapi-'), 'openapi.json');
	fs.writeFileSync(f, r.text);
	const lint = spawnSync(process.execPath, [cli, 'lint', '--extends', 'minimal', '--format', 'stylish', f], { encoding: 'utf8', timeout: 120000, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } });
	fs.rmSync(path.dirname(f), { recursive: true, force: true });
	assert.equal(lint.status, 0, `redocly lint:\n${lint.stdout}\n${lint.stderr}`);
});
