'use strict';
// A big import (10,000 rows or more, at least a quarter of the table): on
// SQLite the non-unique indexes are dropped for the load and rebuilt, and the
// trigram index is filled at the end (docs/DECISIONS.md, "Imports at scale").
// Afterwards the schema is exactly as before, the rows are searchable and
// listed; a big file with one bad row imports nothing and leaves the schema
// as it was too. Through the CLI, which a server running on the same
// database must see at once.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { serverPerFile, test, tmpDir } = require('./lib');
const { api, list, org, csv } = require('./records_lib');

const ctx = serverPerFile();
const ROWS = 10500;
let O;

/* The schema objects an import may touch, as "type name sql" lines. */
function schema() {
	const q =
		ctx.srv.dbUrl.startsWith('sqlite:')
			? `SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
			   WHERE tbl_name IN ('people', 'search_index') ORDER BY type, name`
			: `SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE tablename IN ('people', 'search_index') ORDER BY indexname`;
	return ctx.srv.sql(q).map((r) => r.join(' '));
}

function bigFile(prefix, unitCode, bad) {
	const rows = [['name', 'unit_id', 'status']];
	for (let i = 0; i < ROWS; i++) rows.push([`${prefix} ${String(i).padStart(5, '0')}`, unitCode, 'active']);
	if (bad) rows.push([`${prefix} bad`, 'NO-SUCH-UNIT', 'active']);
	const file = path.join(tmpDir(), `${prefix}.csv`);
	fs.writeFileSync(file, csv(rows));
	return file;
}

test('a big import: every row listed and searchable, the indexes and triggers as before', async () => {
	const a = api(ctx.srv);
	O = await org(a, 'BLK-');
	const before = schema();
	assert.ok(before.some((l) => /people_name/.test(l)), `the name index exists: ${before.join('\n')}`);
	const r = ctx.srv.cli(['import', 'people', bigFile('Bulkrow', 'BLK-D1')]);
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(schema(), before, 'the same indexes and triggers, with the same definitions');
	assert.equal((await list(a, 'people', 'q=Bulkrow&per_page=1')).total, ROWS);
	// a subtree's total comes from the per-unit counts, made afresh after the load
	assert.equal((await list(a, 'people', `unit_id=${O.S1}&per_page=1`)).total, ROWS);
	assert.equal((await list(a, 'people', `unit_id=${O.S2}&per_page=1`)).total, 0);
	const s = (await a.get('/api/v1/search?q=Bulkrow%2010499')).json();
	assert.deepEqual(s.data.map((h) => h.title), ['Bulkrow 10499'], 'the trigram index has the new rows');
	const s2 = (await a.get('/api/v1/search?q=bulkrow%2000007')).json();
	assert.equal(s2.data.length, 1);
	if (ctx.srv.dbUrl.startsWith('sqlite:')) {
		assert.equal(ctx.srv.sql('PRAGMA integrity_check')[0][0], 'ok');
		// the rebuilt index is the one the planner uses
		const plan = ctx.srv.sql("EXPLAIN QUERY PLAN SELECT id FROM people WHERE name = 'Bulkrow 00001'").join(' ');
		assert.match(plan, /people_name/);
	}
});

test('a big file with one bad row: nothing imported, the schema untouched', async () => {
	const a = api(ctx.srv);
	const before = schema();
	const people = (await list(a, 'people', 'per_page=1')).total;
	const r = ctx.srv.cli(['import', 'people', bigFile('Bulkbad', 'BLK-D1', true)]);
	assert.notEqual(r.code, 0);
	assert.match(r.stderr + r.stdout, new RegExp(`${ROWS + 2}`), 'the bad row is named by its number');
	assert.deepEqual(schema(), before);
	assert.equal((await list(a, 'people', 'per_page=1')).total, people);
	assert.equal((await list(a, 'people', `unit_id=${O.S1}&per_page=1`)).total, ROWS);
	assert.equal((await a.get('/api/v1/search?q=Bulkbad%2000001')).json().data.length, 0);
});
