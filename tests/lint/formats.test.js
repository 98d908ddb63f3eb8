'use strict';
// The format checker (formats.js) finds what it is for and nothing else:
// the fixtures hold calls it must refuse and calls it must accept, and the
// source tree itself must be clean.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const test = require('node:test');

const run = (dir) => spawnSync(process.execPath, [path.join(__dirname, 'formats.js'), dir], { encoding: 'utf8' });

test('every kind of unsafe call is found, with its line', () => {
	const r = run(path.join(__dirname, 'fixtures', 'bad'));
	assert.equal(r.status, 1);
	const lines = r.stdout.trim().split('\n').slice(0, -1);
	const at = (n, re) => assert.ok(lines.some((l) => l.includes(`pages.c:${n}:`) && re.test(l)), `line ${n}: ${re}\n${r.stdout}`);
	at(4, /%H takes markup/);
	at(5, /%H takes markup/);
	at(6, /string literal or a catalog message/);
	at(7, /"%x", which the HTML writer does not know/);
	at(8, /fewer arguments than conversions/);
	at(9, /inside a quoted SQL string/);
	at(10, /straight from the request/);
	assert.equal(lines.length, 7, r.stdout);
});

test('markup, literals, catalog formats and names in SQL pass', () => {
	const r = run(path.join(__dirname, 'fixtures', 'good'));
	assert.equal(r.stdout.trim(), 'formats: 1 files, 0 findings');
	assert.equal(r.status, 0);
});

test('the source tree passes', () => {
	const r = run(path.join(__dirname, '..', '..', 'src'));
	assert.equal(r.status, 0, r.stdout);
});
