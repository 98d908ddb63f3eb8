'use strict';
// The global search finds a person by a whole ID or phone number, for the
// users who may see those numbers in full, while neither the search index
// nor its table of hashes holds a number in the clear.
const assert = require('node:assert/strict');
const { serverPerFile, test } = require('./lib');
const { api, create, idNumber, org } = require('./records_lib');

const ctx = serverPerFile();

test('a whole ID or phone number finds its person; a part of one, or a user who may not see numbers, finds nothing', async () => {
	const { srv } = ctx;
	const a = api(srv);
	const O = await org(a, 'N');
	const id = idNumber(77, '19850315');
	const p = await create(a, 'people', { name: 'Number Person', unit_id: O.D1, status: 'active', id_number: id, phone: '13712345678' });
	const other = await create(a, 'people', { name: 'Other Person', unit_id: O.D2, status: 'active', phone: '13700000000' });
	const hits = async (client, q) => (await client.get(`/api/v1/search?q=${encodeURIComponent(q)}`)).json().data.map((h) => `${h.type}/${h.id}`);
	for (const q of [id, id.toLowerCase(), `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`, '13712345678', '137-1234-5678'])
		assert.deepEqual(await hits(a, q), [`people/${p.id}`], q);
	for (const q of [id.slice(0, 10), '1371234', '13712345679'])
		assert.deepEqual(await hits(a, q), [], `${q}: no part of a number, nor a wrong one`);
	// who may not see the numbers in full cannot test them either
	const leader = srv.token(srv.createUser('n_leader', 'leader').name);
	const lc = srv.client({ headers: { Authorization: `Bearer ${leader}` } });
	assert.deepEqual(await hits(lc, '13712345678'), []);
	// an office user sees it; a unit_admin of the other branch does not
	const ua = srv.token(srv.createUser('n_ua', 'unit_admin', O.S2).name);
	const uc = srv.client({ headers: { Authorization: `Bearer ${ua}` } });
	assert.deepEqual(await hits(uc, '13712345678'), [], 'out of scope');
	assert.deepEqual(await hits(uc, '13700000000'), [`people/${other.id}`], 'in scope');
	// nothing in the clear: not in the index, not in the hashes
	for (const [table, col] of [['search_index', 'body'], ['search_index', 'title'], ['search_secret', 'digest']])
		for (const v of [id, '13712345678'])
			assert.equal(Number(srv.sql(`SELECT count(*) FROM ${table} WHERE ${col} LIKE '%${v}%'`)[0][0]), 0, `${table}.${col}`);
	// a changed number is found by the new one only; an archived person not at all
	assert.equal((await a.request('PATCH', `/api/v1/people/${p.id}`, { json: { phone: '13811112222' } })).status, 200);
	assert.deepEqual(await hits(a, '13712345678'), []);
	assert.deepEqual(await hits(a, '13811112222'), [`people/${p.id}`]);
	assert.equal((await a.request('DELETE', `/api/v1/people/${p.id}`)).status, 200);
	assert.deepEqual(await hits(a, id), []);
	// search-rebuild keeps them
	assert.equal(srv.cli(['search-rebuild']).code, 0);
	assert.deepEqual(await hits(a, '13700000000'), [`people/${other.id}`]);
});
