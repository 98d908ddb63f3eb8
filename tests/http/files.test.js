'use strict';
// Attached files, on the groups register's `documents` field (F_FILES):
// an upload through the form is stored with the record and shown as a
// thumbnail; /files/ID serves it with the safe headers to those who may
// read the record and to nobody else; the type is what the content is
// (HTML named .jpg is refused with the message, 415), the size is bounded
// (413); the API uploads files on their own and attaches them by PATCH;
// the form's remove box deletes one.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { serverPerFile, test, msg, msgHtml } = require('./lib');
const { api, call, create, list, org, audit, getBytes, importFile, csv } = require('./records_lib');

// a small limit, so that an oversized file costs 70 kB rather than 10 MB
const ctx = serverPerFile({ args: ['--max-upload', '64K'] });

/* ---- files made here ---- */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}
/* A w×h RGB PNG: a blue square on white; noise makes it big. */
function png(w, h, noise = false) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // RGB
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const o = y * (w * 3 + 1) + 1 + x * 3;
			const blue = x > w / 4 && x < w / 2 && y > h / 4 && y < h / 2;
			raw[o] = noise ? crypto.randomInt(256) : blue ? 0 : 255;
			raw[o + 1] = noise ? crypto.randomInt(256) : blue ? 0 : 255;
			raw[o + 2] = noise ? crypto.randomInt(256) : 255;
		}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const pngSize = (b) => [b.readUInt32BE(16), b.readUInt32BE(20)];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const HTML = Buffer.from('<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>\n');

/* ---- helpers ---- */

let O, U, admin;
async function setup() {
	if (O) return;
	const { srv } = ctx;
	O = await org(api(srv), 'F');
	U = { s1: srv.createUser('f_ua1', 'unit_admin', O.S1), s2: srv.createUser('f_ua2', 'unit_admin', O.S2) };
	admin = await srv.admin({ headers: { 'Accept-Language': 'en' } });
}

/* The group form's fields (the record's own values) as a FormData with
 * files: [[name, bytes, filename, type]], and more fields. */
async function groupForm(client, fields, files = [], extra = []) {
	const fd = new FormData();
	fd.append('_csrf', await client.csrfToken());
	for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
	for (const [k, v] of extra) fd.append(k, String(v));
	for (const [name, bytes, filename, type] of files) fd.append(name, new Blob([bytes], { type: type ?? 'application/octet-stream' }), filename);
	return fd;
}

const GROUP = () => ({ year: 2026, kind: 'task_force', name: `Files group ${crypto.randomInt(1e9)}`, unit_id: O.S1, duties: 'Keep the charter.' });

/* Uploads through POST /api/v1/files with a bearer client. */
async function apiUpload(client, files) {
	const fd = new FormData();
	for (const [bytes, filename, type] of files) fd.append('file', new Blob([bytes], { type: type ?? 'application/octet-stream' }), filename);
	return client.request('POST', '/api/v1/files', { body: fd });
}

const fileIds = (html) => [...html.matchAll(/href="\/files\/(\d+)"/g)].map((m) => Number(m[1]));

test('a PNG uploaded with the form: a thumbnail on the page, the file served with the safe headers', async () => {
	await setup();
	const { srv } = ctx;
	const form = await admin.get('/r/groups/new');
	assert.equal(form.status, 200);
	assert.match(form.text, /<form class="form" method="post" action="\/r\/groups" enctype="multipart\/form-data">/);
	assert.match(form.text, /<input id="f-documents" type="file" name="documents" multiple accept="[^"]*image\/png[^"]*">/);
	assert.ok(form.text.includes(msgHtml('files_hint', 'en').replace('%s', '64 KB')), 'the hint names the limit');

	const picture = png(400, 200);
	const g = GROUP();
	const r = await admin.request('POST', '/r/groups', { body: await groupForm(admin, g, [['documents', picture, 'charter scan.png', 'image/png']]) });
	assert.equal(r.status, 303, r.text.slice(0, 2000));
	const gid = Number(/\/r\/groups\/(\d+)$/.exec(r.location)[1]);
	const page = await admin.get(r.location);
	const [fid] = fileIds(page.text);
	assert.ok(fid, 'the detail page links the file');
	assert.ok(page.text.includes(`<img src="/files/${fid}/thumb" alt="charter scan.png" loading="lazy">`), 'with its thumbnail');
	assert.ok(page.text.includes('charter scan.png · 1 KB') || /charter scan\.png · \d+ (B|KB)/.test(page.text));

	const f = await getBytes(admin, `/files/${fid}`);
	assert.equal(f.status, 200);
	assert.ok(f.bytes.equals(picture), 'the bytes as uploaded');
	assert.equal(f.headers.get('content-type'), 'image/png');
	assert.equal(f.headers.get('x-content-type-options'), 'nosniff');
	assert.equal(f.headers.get('content-security-policy'), "sandbox; default-src 'none'");
	assert.match(f.headers.get('content-disposition'), /^inline; filename="charter scan\.png"; filename\*=UTF-8''charter%20scan\.png$/);
	const sha = crypto.createHash('sha256').update(picture).digest('hex');
	assert.equal(f.headers.get('etag'), `"${sha}"`);
	assert.equal(f.headers.get('cache-control'), 'private, no-cache');
	const again = await admin.get(`/files/${fid}`, { headers: { 'If-None-Match': `"${sha}"` } });
	assert.equal(again.status, 304);

	const t = await getBytes(admin, `/files/${fid}/thumb`);
	assert.equal(t.status, 200);
	assert.equal(t.headers.get('content-type'), 'image/png');
	assert.deepEqual(pngSize(t.bytes), [320, 160], 'at most 320 pixels');

	// the API answers the field as the files' descriptions
	const j = (await api(srv).get(`/api/v1/groups/${gid}`)).json().data;
	assert.deepEqual(j.documents, [{ id: fid, name: 'charter scan.png', size: picture.length, mime: 'image/png', url: `/files/${fid}` }]);
	assert.equal(srv.sql(`SELECT record_type, record_id, field, CASE WHEN created_by IS NULL THEN 0 ELSE 1 END FROM files WHERE id = ${fid}`)[0].join(), `groups,${gid},documents,1`);
	assert.ok(audit(srv, `entity = 'files' AND action = 'upload' AND entity_id = '${fid}'`).length === 1, 'the upload is audited');
	// the list shows how many
	assert.ok((await admin.get('/r/groups?per_page=200')).text.includes(g.name));
});

test('a file is served only to those who may read its record', async () => {
	await setup();
	const { srv } = ctx;
	const r = await admin.request('POST', '/r/groups', { body: await groupForm(admin, GROUP(), [['documents', png(30, 30), 'a.png', 'image/png']]) });
	assert.equal(r.status, 303);
	const [fid] = fileIds((await admin.get(r.location)).text);
	const inside = await srv.signIn(U.s1.name, U.s1.password);
	const outside = await srv.signIn(U.s2.name, U.s2.password);
	assert.equal((await inside.get(`/files/${fid}`)).status, 200, 'a unit_admin of the group unit');
	assert.equal((await inside.get(`/files/${fid}/thumb`)).status, 200);
	for (const p of [`/files/${fid}`, `/files/${fid}/thumb`]) assert.equal((await outside.get(p)).status, 403, `another branch: ${p}`);
	assert.equal((await api(srv, U.s2.name).get(`/files/${fid}`)).status, 403, 'nor by token');
	const anon = await srv.client().get(`/files/${fid}`);
	assert.equal(anon.status, 303, 'signed out: to the sign-in page');
	assert.match(anon.location, /^\/login\?next=/);
	assert.equal((await admin.get('/files/99999999')).status, 404);
});

test('HTML named .jpg is refused (415) with the message, and nothing is stored', async () => {
	await setup();
	const { srv } = ctx;
	const before = srv.sql('SELECT count(*) FROM files')[0][0];
	const g = GROUP();
	const r = await admin.request('POST', '/r/groups', { body: await groupForm(admin, g, [['documents', HTML, 'photo.jpg', 'image/jpeg']]) });
	assert.equal(r.status, 415);
	assert.ok(r.text.includes(msgHtml('files_bad_type', 'en')), 'the form says why');
	assert.ok(r.text.includes(msgHtml('files_reselect', 'en')));
	assert.ok(r.text.includes(`value="${g.name}"`), 'what was typed stays');
	assert.equal(srv.sql('SELECT count(*) FROM files')[0][0], before);
	assert.equal(srv.sql(`SELECT count(*) FROM org_groups WHERE name = '${g.name}'`)[0][0], '0');
	// and through the API, in the client's language
	const a = api(srv, 'admin', 'zh-Hans');
	const u = await apiUpload(a, [[HTML, 'photo.jpg', 'image/jpeg']]);
	assert.equal(u.status, 415);
	assert.deepEqual(u.json().error, { code: 'unsupported_media_type', message: msg('files_bad_type', 'zh-Hans') });
});

test('a file over max_upload is refused (413) with the message', async () => {
	await setup();
	const { srv } = ctx;
	const big = png(160, 160, true);
	assert.ok(big.length > 64 * 1024, `${big.length} bytes`);
	const r = await admin.request('POST', '/r/groups', { body: await groupForm(admin, GROUP(), [['documents', big, 'big.png', 'image/png']]) });
	assert.equal(r.status, 413);
	assert.ok(r.text.includes(msgHtml('files_too_large', 'en')));
	const u = await apiUpload(api(srv, 'admin', 'en'), [[big, 'big.png']]);
	assert.equal(u.status, 413);
	assert.equal(u.json().error.message, msg('files_too_large', 'en'));
	assert.equal((await apiUpload(api(srv), [])).status, 400, 'no file at all');
});

test('API: files uploaded alone, then attached by PATCH; only the uploader may attach or see them meanwhile', async () => {
	await setup();
	const { srv } = ctx;
	const a1 = api(srv, U.s1.name, 'en');
	const g = await create(a1, 'groups', { year: 2026, kind: 'leadership_group', name: 'API files group', unit_id: O.S1 });
	assert.deepEqual(g.documents, []);
	// content wins: a PDF sent as text/plain without an extension
	const u = await apiUpload(a1, [[PDF, 'minutes', 'text/plain'], [png(10, 10), 'dot.jpg', 'image/jpeg']]);
	assert.equal(u.status, 201, u.text);
	const [pdf, dot] = u.json().data;
	assert.deepEqual(pdf, { id: pdf.id, name: 'minutes.pdf', size: PDF.length, mime: 'application/pdf', url: `/files/${pdf.id}` });
	assert.equal(dot.name, 'dot.png', 'the extension of what it is');
	assert.equal(dot.mime, 'image/png');
	// waiting to be attached: its uploader only
	assert.equal((await a1.get(`/files/${pdf.id}`)).status, 200);
	assert.equal((await api(srv, U.s2.name).get(`/files/${pdf.id}`)).status, 404);
	assert.equal((await api(srv).get(`/files/${pdf.id}`)).status, 404, 'not even admin');
	// someone else's upload cannot be attached
	const other = (await apiUpload(api(srv, U.s2.name), [[PDF, 'theirs.pdf']])).json().data[0];
	const bad = await call(a1, 'PATCH', `/api/v1/groups/${g.id}`, { documents: [pdf.id, other.id] });
	assert.equal(bad.status, 422);
	assert.equal(bad.json().error.fields.documents, msg('files_not_yours', 'en'));
	assert.equal((await call(a1, 'PATCH', `/api/v1/groups/${g.id}`, { documents: ['x'] })).status, 422);
	// attached: the record's readers see it
	const ok = await call(a1, 'PATCH', `/api/v1/groups/${g.id}`, { documents: [pdf.id, dot.id] });
	assert.equal(ok.status, 200, ok.text);
	assert.deepEqual(ok.json().data.documents.map((x) => x.id), [pdf.id, dot.id]);
	const pf = await getBytes(admin, `/files/${pdf.id}`);
	assert.equal(pf.status, 200);
	assert.equal(pf.headers.get('content-type'), 'application/pdf');
	assert.match(pf.headers.get('content-disposition'), /^inline; filename="minutes\.pdf"/);
	// what GET answered can be sent back as it is
	const same = await call(a1, 'PATCH', `/api/v1/groups/${g.id}`, { documents: ok.json().data.documents });
	assert.equal(same.status, 200, same.text);
	// an attached file cannot be moved to another record
	const g2 = await create(a1, 'groups', { year: 2026, kind: 'task_force', name: 'Second API group', unit_id: O.S1 });
	assert.equal((await call(a1, 'PATCH', `/api/v1/groups/${g2.id}`, { documents: [dot.id] })).status, 422);
	// taken out of the field: deleted
	const out = await call(a1, 'PATCH', `/api/v1/groups/${g.id}`, { documents: [dot.id] });
	assert.equal(out.status, 200);
	assert.equal((await getBytes(admin, `/files/${pdf.id}`)).status, 404);
	assert.equal(srv.sql(`SELECT count(*) FROM files WHERE id = ${pdf.id}`)[0][0], '0');
});

test('the edit form lists the files with a remove box; checked, the file is deleted, and new ones are added', async () => {
	await setup();
	const { srv } = ctx;
	const g = GROUP();
	const r = await admin.request('POST', '/r/groups', {
		body: await groupForm(admin, g, [['documents', png(50, 40), 'one.png', 'image/png'], ['documents', PDF, 'two.pdf', 'application/pdf']]),
	});
	assert.equal(r.status, 303, r.text.slice(0, 1000));
	const id = Number(/(\d+)$/.exec(r.location)[1]);
	const [one, two] = fileIds((await admin.get(r.location)).text);
	assert.ok(one && two && one !== two);
	const edit = await admin.get(`/r/groups/${id}/edit`);
	for (const f of [one, two]) assert.ok(edit.text.includes(`<input type="checkbox" name="documents_remove" value="${f}">`), `remove box for ${f}`);
	const version = /name="_version" value="(\d+)"/.exec(edit.text)[1];
	const up = await admin.request('POST', `/r/groups/${id}`, {
		body: await groupForm(admin, g, [['documents', png(20, 20), 'three.png', 'image/png']], [['_version', version], ['documents_remove', one]]),
	});
	assert.equal(up.status, 303, up.text.slice(0, 1000));
	const after = fileIds((await admin.get(`/r/groups/${id}`)).text);
	assert.ok(!after.includes(one), 'removed');
	assert.ok(after.includes(two), 'kept');
	assert.equal(after.length, 2, 'and the new one');
	assert.equal((await admin.get(`/files/${one}`)).status, 404);
	assert.equal(srv.sql(`SELECT count(*) FROM files WHERE id = ${one}`)[0][0], '0');
	const changed = audit(srv, `entity = 'groups' AND entity_id = '${id}' AND action = 'update'`);
	assert.equal(changed.length, 1, 'the change of the field is audited with the record');
	assert.equal(audit(srv, `entity = 'files' AND action = 'delete' AND entity_id = '${one}'`).length, 1);
	// a plain edit keeps the files
	const v2 = /name="_version" value="(\d+)"/.exec((await admin.get(`/r/groups/${id}/edit`)).text)[1];
	const plain = await admin.request('POST', `/r/groups/${id}`, { body: await groupForm(admin, { ...g, duties: 'Changed' }, [], [['_version', v2]]) });
	assert.equal(plain.status, 303);
	assert.deepEqual(fileIds((await admin.get(`/r/groups/${id}`)).text).sort(), after.sort());
});

test('import: a column of file ids (commas or spaces) attaches the importer\'s uploads', async () => {
	await setup();
	const { srv } = ctx;
	const up = (await apiUpload(api(srv), [[PDF, 'a.pdf'], [png(12, 12), 'b.png']])).json().data;
	const name = `Imported group ${crypto.randomInt(1e9)}`;
	await importFile(admin, 'groups', csv([['year', 'kind', 'name', 'unit_id', 'documents'], [2026, 'task_force', name, O.S2, `${up[0].id} ${up[1].id}`]]), 'groups.csv');
	const g = (await list(api(srv), 'groups', 'per_page=200')).data.find((x) => x.name === name);
	assert.ok(g, 'imported');
	assert.deepEqual(g.documents.map((x) => x.id), [up[0].id, up[1].id]);
	assert.equal(srv.sql(`SELECT count(*) FROM files WHERE record_type = 'groups' AND record_id = ${g.id}`)[0][0], '2');
});
