'use strict';
// Helpers for the records-engine HTTP tests (records_*.test.js): API clients
// with tokens, record creation, valid ID numbers, imports (multipart upload,
// preview, commit), audit look-ups and a small organization to work on.
// Built on lib.js, which is used as it is.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');

/* An API client (Bearer token) for a user; one token per user and server. */
function api(srv, user = 'admin', lang) {
	srv._tokens ??= new Map();
	if (!srv._tokens.has(user)) srv._tokens.set(user, srv.token(user));
	const headers = { Authorization: `Bearer ${srv._tokens.get(user)}` };
	if (lang) headers['Accept-Language'] = lang;
	return srv.client({ headers });
}

/* Sends JSON with a method; returns the Res. */
function call(client, method, p, json) {
	return client.request(method, p, json === undefined ? {} : { json });
}

/* POST /api/v1/TYPE expecting 201; returns the record. */
async function create(client, type, body) {
	const r = await call(client, 'POST', `/api/v1/${type}`, body);
	assert.equal(r.status, 201, `POST /api/v1/${type} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
	const d = r.json().data;
	assert.equal(r.location, `/api/v1/${type}/${d.id}`);
	return d;
}

/* GET /api/v1/TYPE?query expecting 200; returns {data, total, page, per_page}. */
async function list(client, type, query = '') {
	const r = await client.get(`/api/v1/${type}${query ? `?${query}` : ''}`);
	assert.equal(r.status, 200, `GET /api/v1/${type}?${query}: ${r.status} ${r.text}`);
	return r.json();
}

/* The ids of a list, in order. */
async function ids(client, type, query) {
	return (await list(client, type, query)).data.map((x) => x.id);
}

/* An 18-character resident ID number with a correct check digit:
 * region 110101, birth date, a 3-digit sequence from n. */
function idNumber(n, birth = '19800101') {
	const body = `110101${birth}${String(n % 1000).padStart(3, '0')}`;
	const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(body[i]) * w[i];
	return body + '10X98765432'[sum % 11];
}

/* What record_mask makes of a value (engine.c). */
function mask(v) {
	const n = v.length;
	if (n <= 4) return '****';
	const head = n >= 11 ? (n >= 15 ? 4 : 3) : 1;
	return v.slice(0, head) + '*'.repeat(n - head - 4) + v.slice(n - 4);
}

/* YYYY-MM-DD, days from today, in the server's time zone (the default
 * configuration's Asia/Shanghai, whatever the machine's zone). */
const SERVER_TZ = 'Asia/Shanghai';
function day(plus = 0) {
	return new Intl.DateTimeFormat('en-CA', { timeZone: SERVER_TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + plus * 86400000));
}

/* Audit rows (action, entity, entity_id, username, after_json) matching a
 * SQL condition, read behind the server's back. */
function audit(srv, where) {
	return srv
		.sql(`SELECT action, entity, entity_id, username, COALESCE(after_json, '') FROM audit WHERE ${where} ORDER BY id`)
		.map(([action, entity, entityId, username, after]) => ({ action, entity, entityId, username, after }));
}

/* ---- imports ---- */

/* Uploads a file to /r/TYPE/import (multipart: file + _csrf) with a
 * signed-in client; returns the Res (200 preview or 422 report). */
async function upload(client, type, bytes, filename = 'upload.csv') {
	const fd = new FormData();
	fd.append('_csrf', await client.csrfToken());
	fd.append('file', new Blob([bytes]), filename);
	return client.request('POST', `/r/${type}/import`, { body: fd });
}

/* The commit form's action on a preview page, or null. */
function commitAction(html, type) {
	const m = new RegExp(`<form method="post" action="(/r/${type}/import/\\d+)">`).exec(html);
	return m ? m[1] : null;
}

/* Uploads, expects the preview, commits; returns the commit Res. */
async function importFile(client, type, bytes, filename) {
	const pre = await upload(client, type, bytes, filename);
	assert.equal(pre.status, 200, `import preview: ${pre.status}\n${importErrors(pre.text).join('\n')}`);
	const action = commitAction(pre.text, type);
	assert.ok(action, 'the preview has a commit form');
	const r = await client.post(action, {});
	assert.equal(r.status, 303, `import commit: ${r.status}\n${importErrors(r.text).join('\n')}`);
	return r;
}

function stripTags(s) {
	return s
		.replace(/<[^>]*>/g, '')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&')
		.trim();
}

/* The rows of the import error table as [row, column, value, reason]. */
function importRows(html) {
	const table = /<table[^>]*>([\s\S]*?)<\/table>/.exec(html);
	if (!table) return [];
	const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table[1]);
	return [...(body ? body[1] : '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
		[...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => stripTags(c[1])),
	);
}

/* The text of the form-errors box (file-level and row-level problems). */
function importErrors(html) {
	const box = /<div class="form-errors" role="alert">([\s\S]*?)<\/div>/.exec(html);
	return box ? [stripTags(box[1]), ...importRows(html).map((r) => r.join(' | '))] : [];
}

/* A CSV text from rows of cells (quoted where needed), CRLF-terminated. */
function csv(rows) {
	const cell = (v) => {
		const s = v === null || v === undefined ? '' : String(v);
		return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
	};
	return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/* Converts UTF-8 text to another encoding with iconv(1). */
function iconv(text, to) {
	const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', to], { input: Buffer.from(text, 'utf8'), timeout: 10000 });
	if (r.status !== 0) throw new Error(`iconv to ${to}: ${r.stderr}`);
	return r.stdout;
}

/* Parses a CSV export (after its BOM) into rows of cells. */
function parseCsv(text) {
	const rows = [];
	let row = [],
		cell = '',
		q = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (q) {
			if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
			else if (c === '"') q = false;
			else cell += c;
		} else if (c === '"') q = true;
		else if (c === ',') row.push(cell), (cell = '');
		else if (c === '\r' && text[i + 1] === '\n') {
			row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
		} else cell += c;
	}
	if (cell !== '' || row.length) row.push(cell), rows.push(row);
	return rows;
}

/* Fetches a binary body with a signed-in client (Client.request reads text). */
async function getBytes(client, p) {
	const d = typeof client.dispatcher === 'function' ? client.dispatcher() : client.dispatcher;
	const headers = { ...client.headers };
	if (client.jar.size) headers.Cookie = client.cookieHeader();
	const r = await fetch(client.base + p, { headers, redirect: 'manual', ...(d ? { dispatcher: d } : {}) });
	return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

/* ---- a small organization ----
 *
 *   bureau B (root)
 *   ├── secondary S1
 *   │   ├── department D1
 *   │   └── window W1
 *   └── secondary S2
 *       └── department D2
 * Codes get a prefix so that several orgs can live in one database. */
async function org(client, prefix) {
	const u = async (code, name, kind, parent) =>
		(await create(client, 'units', { code: `${prefix}${code}`, name: `${prefix} ${name}`, kind, parent_id: parent ?? null })).id;
	const B = await u('B', 'Bureau', 'bureau');
	const S1 = await u('S1', 'Secondary one', 'secondary', B);
	const D1 = await u('D1', 'Department one', 'department', S1);
	const W1 = await u('W1', 'Window one', 'window', S1);
	const S2 = await u('S2', 'Secondary two', 'secondary', B);
	const D2 = await u('D2', 'Department two', 'department', S2);
	return { B, S1, D1, W1, S2, D2 };
}

module.exports = {
	api,
	call,
	create,
	list,
	ids,
	idNumber,
	mask,
	day,
	audit,
	upload,
	commitAction,
	importFile,
	importRows,
	importErrors,
	stripTags,
	csv,
	iconv,
	parseCsv,
	getBytes,
	org,
};

