'use strict';
// Import (POST /r/{type}/import, then POST /r/{type}/import/{id}): a clean
// file gives a preview and nothing is written until the commit, which writes
// every row in one transaction with one audit entry; a file with bad rows is
// 422 with each row number and reason, and nothing is imported. CSV in UTF-8,
// GBK and Big5 (fixtures in tests/data/import, made with iconv), and XLSX
// (built here with exceljs).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ExcelJS = require('exceljs');
const { serverPerFile, test, msg, msgHtml, ROOT } = require('./lib');
const { api, create, list, idNumber, audit, upload, importFile, importRows, importErrors, commitAction, csv, iconv, org, getBytes } = require('./records_lib');

const ctx = serverPerFile();
let O;
const DATA = path.join(ROOT, 'tests', 'data', 'import');

async function setup() {
	if (O) return;
	O = await org(api(ctx.srv), 'IMP-');
}

const count = async (query = '') => (await list(api(ctx.srv), 'people', query)).total;
const pending = () => Number(ctx.srv.sql('SELECT count(*) FROM imports')[0][0]);
const byName = async (name) => (await list(api(ctx.srv), 'people', `q=${encodeURIComponent(name)}&archived=0`)).data.find((p) => p.name === name);
const revealed = async (id) => (await api(ctx.srv).get(`/api/v1/people/${id}?reveal=1`)).json().data;

async function signedIn(lang = 'en') {
	return ctx.srv.admin({ headers: { 'Accept-Language': lang } });
}

test('a clean CSV: preview (nothing written yet), commit, rows exist, one audit entry "import"', async () => {
	await setup();
	const c = await signedIn('en');
	const file = csv([
		['Name', 'gender', 'ID number', 'Unit', 'Position', 'Employment', 'party_member', 'Joined the party'],
		['Imp One', 'Male', idNumber(401, '19710101'), 'IMP-D1', 'Inspector', 'Active', 'yes', '2001-07-01'],
		['Imp Two', 'female', idNumber(402, '19720202'), `${O.W1}`, '', 'retired', 'no', ''],
		['Imp Three', '', '', 'IMP- Department two', 'Clerk', 'active', '', ''],
	]);
	const before = await count();
	const auditBefore = audit(ctx.srv, `action = 'import'`).length;
	const pre = await upload(c, 'people', file, 'staff.csv');
	assert.equal(pre.status, 200, importErrors(pre.text).join('\n'));
	assert.ok(pre.text.includes(msgHtml('imp_ready', 'en').replace('%N', '3')), 'the preview says 3 rows');
	assert.ok(pre.text.includes('UTF-8'), 'the encoding found');
	// the rows as they will be saved: labels for codes, the unit by name, the ID number masked
	const preview = pre.text.slice(pre.text.indexOf(msgHtml('imp_preview', 'en')));
	const shown = [...preview.matchAll(/<tr><td class="num">(\d+)<\/td>(.*?)<\/tr>/g)].map((m) => [m[1], m[2].replace(/<[^>]*>/g, '|')]);
	assert.deepEqual(shown.map((x) => x[0]), ['2', '3', '4']);
	assert.ok(shown[0][1].includes('|Imp One|') && shown[0][1].includes(msgHtml('gender_male', 'en')), shown[0][1]);
	assert.ok(shown[0][1].includes('IMP- Department one'), 'the unit named, not its code or id');
	assert.ok(!shown[0][1].includes(idNumber(401, '19710101')), 'the ID number masked');
	assert.ok(shown[1][1].includes('IMP- Window one') && shown[1][1].includes(msgHtml('emp_retired', 'en')));
	const action = commitAction(pre.text, 'people');
	assert.ok(action);
	assert.equal(await count(), before, 'nothing imported before the commit');
	assert.equal(pending(), 1, 'the file waits for the commit');
	// the commit needs the token, and belongs to the uploader
	assert.equal((await c.post(action, {}, { csrf: false })).status, 403);
	const other = ctx.srv.createUser('imp_office', 'office');
	const oc = await ctx.srv.signIn(other.name, other.password);
	assert.equal((await oc.post(action, {})).status, 404, "another user cannot commit someone's upload");
	assert.equal(await count(), before);
	const r = await c.post(action, {});
	assert.equal(r.status, 303);
	assert.equal(r.location, '/r/people?sort=-id');
	const page = await c.get(r.location);
	assert.ok(page.text.includes(msgHtml('imp_done', 'en')));
	assert.equal(await count(), before + 3);
	assert.equal(pending(), 0);
	const one = await revealed((await byName('Imp One')).id);
	assert.deepEqual(
		[one.gender, one.id_number, one.unit_id, one.position, one.status, one.party_member, one.party_joined],
		['male', idNumber(401, '19710101'), O.D1, 'Inspector', 'active', true, '2001-07-01'],
	);
	const two = await byName('Imp Two');
	assert.deepEqual([two.gender, two.unit_id, two.status, two.party_member, two.position], ['female', O.W1, 'retired', false, null]);
	const three = await byName('Imp Three');
	assert.equal(three.unit_id, O.D2, 'a unit by name');
	assert.equal(three.party_member, false, 'an empty yes/no is no');
	const rows = audit(ctx.srv, `action = 'import'`);
	assert.equal(rows.length, auditBefore + 1, 'one audit entry for the whole file');
	const a = JSON.parse(rows.at(-1).after);
	assert.equal(rows.at(-1).entity, 'people');
	assert.equal(a.rows, 3);
	assert.equal(a.file, 'staff.csv');
	assert.match(a.sha256, /^[0-9a-f]{64}$/);
	assert.equal(a.last_id - a.first_id, 2);
	assert.equal(audit(ctx.srv, `action = 'create' AND entity = 'people' AND entity_id = '${one.id}'`).length, 0, 'no entry per row');
	// committing again: the upload is gone
	assert.equal((await c.post(action, {})).status, 404);
	assert.equal(await count(), before + 3);
});

test('bad rows: 422 listing each row number, column and reason in the user\'s language; nothing imported', async () => {
	await setup();
	for (const lang of ['zh-Hant', 'en']) {
		const c = await signedIn(lang);
		const file = csv([
			['name', 'unit_id', 'id_number', 'phone', 'birth_date', 'status'],
			['Good Row', 'IMP-D1', '', '', '', 'active'], // row 2
			['', 'IMP-D1', '', '', '', 'active'], // row 3: no name
			['Bad Id', 'IMP-D1', '123456789012345678', '', '', 'active'], // row 4
			['No Unit', 'NO-SUCH-UNIT', '', '', '', 'active'], // row 5
			['Bad Phone', 'IMP-S1', '', 'phone?', '1999-13-01', 'sleeping'], // row 6: three problems
		]);
		const before = await count();
		const r = await upload(c, 'people', file, 'bad.csv');
		assert.equal(r.status, 422);
		assert.equal(r.htmlLang, lang);
		assert.ok(r.text.includes(msgHtml('imp_nothing_imported', lang)));
		assert.ok(!commitAction(r.text, 'people'), 'no commit form');
		const rows = importRows(r.text);
		const got = rows.map(([row, col, , why]) => [row, col, why]);
		assert.deepEqual(
			got.sort(),
			[
				['3', 'name', msg('required', lang)],
				['4', 'id_number', msg('rec_bad_id_card', lang)],
				['5', 'unit_id', msg('rec_bad_reference', lang)],
				['6', 'birth_date', msg('rec_bad_date', lang)],
				['6', 'phone', msg('rec_bad_phone', lang)],
				['6', 'status', msg('rec_bad_choice', lang)],
			].sort(),
			lang,
		);
		assert.equal(rows.find((x) => x[0] === '5')[2], 'NO-SUCH-UNIT', 'the value is shown');
		assert.equal(await count(), before, 'not even the good row');
		assert.equal(pending(), 0, 'nothing waits for a commit');
	}
});

test('a cell that names no record is reported once (not also as "required")', async () => {
	await setup();
	const c = await signedIn('en');
	const r = await upload(c, 'people', csv([['name', 'unit_id', 'status'], ['No Unit', 'NO-SUCH-UNIT', 'active']]), 'ref.csv');
	assert.equal(r.status, 422);
	assert.deepEqual(importRows(r.text), [['2', 'unit_id', 'NO-SUCH-UNIT', msg('rec_bad_reference', 'en')]]);
});

test('GBK and Big5 CSV files (as Excel saves them in China and Taiwan) are imported correctly', async () => {
	await setup();
	const c = await signedIn('zh-Hant');
	const gbk = fs.readFileSync(path.join(DATA, 'people-gbk.csv'));
	const big5 = fs.readFileSync(path.join(DATA, 'people-big5.csv'));
	assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk), 'the fixture is not UTF-8');
	assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(big5), 'the fixture is not UTF-8');
	for (const [bytes, enc] of [[gbk, 'GB18030'], [big5, 'Big5']]) {
		const pre = await upload(c, 'people', bytes, `people-${enc}.csv`);
		assert.equal(pre.status, 200, importErrors(pre.text).join('\n'));
		assert.ok(pre.text.includes(enc), `encoding found: ${enc}`);
		assert.equal((await c.post(commitAction(pre.text, 'people'), {})).status, 303);
	}
	const wang = await revealed((await byName('王小明')).id);
	assert.deepEqual(
		[wang.gender, wang.id_number, wang.unit_id, wang.position, wang.status, wang.party_member, wang.party_joined],
		['male', idNumber(501, '19650312'), O.D1, '科长', 'active', true, '1990-07-01'],
	);
	assert.deepEqual(Object.values(await byName('李华')).slice(1, 2), ['李华']);
	assert.equal((await byName('李华')).position, '窗口办事员');
	const zhao = await byName('赵铁柱');
	assert.deepEqual([zhao.status, zhao.position, zhao.unit_id], ['retired', '驾驶员（兼）', O.S1]);
	const chen = await revealed((await byName('陳大文')).id);
	assert.deepEqual([chen.gender, chen.id_number, chen.unit_id, chen.position, chen.status], ['male', idNumber(601, '19681103'), O.D1, '稽查員', 'active']);
	assert.equal((await byName('黃美玲')).position, '會計');
	assert.deepEqual([(await byName('張國榮')).status, (await byName('張國榮')).position], ['transferred', '櫃檯服務']);
	// and the same text made with iconv here, in GB18030 and UTF-16 with its BOM
	const text = csv([['姓名', '所属单位', '职务', '在职状态'], ['钱多多', 'IMP-D2', '出纳', '在职']]);
	await importFile(c, 'people', iconv(text, 'GB18030'), 'gb18030.csv');
	assert.equal((await byName('钱多多')).position, '出纳');
	const text2 = csv([['姓名', '所屬單位', '在職狀態'], ['孫悟空', 'IMP-D2', '在職']]);
	await importFile(c, 'people', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text2, 'utf16le')]), 'utf16.txt');
	assert.ok(await byName('孫悟空'));
});

test('an unknown column, a missing required column, a repeated column: refused whole, nothing imported', async () => {
	await setup();
	for (const lang of ['zh-Hant', 'en']) {
		const c = await signedIn(lang);
		const before = await count();
		const cases = [
			[[['name', 'unit_id', 'nickname'], ['Col One', 'IMP-D1', 'x']], 'imp_unknown_column', 'nickname'],
			[[['name', 'unit_id', 'user_id'], ['Col One', 'IMP-D1', '1']], 'imp_unknown_column', 'user_id'], // hidden
			[[['name', 'position'], ['Col Two', 'Clerk']], 'imp_missing_column', msg('person_unit', lang)],
			[[['姓名', 'name', 'unit_id'], ['a', 'b', 'IMP-D1']], 'imp_duplicate_column', 'name'],
			[[['name', 'unit_id']], 'imp_no_rows', null],
		];
		for (const [rows, key, detail] of cases) {
			const r = await upload(c, 'people', csv(rows), 'cols.csv');
			assert.equal(r.status, 422, `${key} ${lang}`);
			const [box] = importErrors(r.text);
			assert.ok(box.includes(msg(key, lang)), `${key} in ${lang}: ${box}`);
			if (detail) assert.ok(box.includes(detail), `${key}: names ${detail}`);
			assert.ok(box.includes(msg('imp_nothing_imported', lang)));
		}
		for (const [bytes, key] of [
			[Buffer.alloc(0), 'imp_no_file'],
			[Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'imp_unknown_format'],
			[Buffer.from('PK\x03\x04not really a zip'), 'imp_bad_xlsx'],
			[Buffer.from('name,unit_id\r\n"open quote,IMP-D1\r\n'), 'imp_bad_csv'],
		]) {
			const r = await upload(c, 'people', bytes, 'x.csv');
			assert.equal(r.status, 422, key);
			assert.ok(importErrors(r.text)[0].includes(msg(key, lang)), `${key} in ${lang}: ${importErrors(r.text)[0]}`);
		}
		assert.equal(await count(), before);
		assert.equal(pending(), 0);
	}
});

test('duplicate ID numbers inside one file, or one already registered: refused, nothing imported', async () => {
	await setup();
	const c = await signedIn('en');
	const dup = idNumber(777, '19800808');
	const before = await count();
	let r = await upload(c, 'people', csv([['name', 'unit_id', 'id_number', 'status'], ['Dup A', 'IMP-D1', dup, 'active'], ['Dup B', 'IMP-D1', idNumber(778, '19800808'), 'active'], ['Dup C', 'IMP-D2', dup, 'active']]), 'dup.csv');
	assert.equal(r.status, 422);
	assert.deepEqual(importRows(r.text), [['4', 'id_number', dup, msg('imp_duplicate_in_file', 'en')]]);
	// other unique fields too: the law-enforcement certificate number
	r = await upload(c, 'people', csv([['name', 'unit_id', 'cert_number', 'cert_expires', 'status'], ['Cert A', 'IMP-D1', 'LE-77', '2030-01-01', 'active'], ['Cert B', 'IMP-D1', 'LE-77', '2030-01-01', 'active']]), 'dup.csv');
	assert.equal(r.status, 422);
	assert.deepEqual(importRows(r.text), [['3', 'cert_number', 'LE-77', msg('imp_duplicate_in_file', 'en')]]);
	assert.equal(await count(), before);
	const taken = idNumber(990, '19600101');
	await create(api(ctx.srv), 'people', { name: 'Exists Already', unit_id: O.D1, id_number: taken });
	r = await upload(c, 'people', csv([['name', 'unit_id', 'id_number', 'status'], ['Dup D', 'IMP-D1', taken, 'active']]), 'dup2.csv');
	assert.equal(r.status, 422);
	assert.deepEqual(importRows(r.text), [['2', 'id_number', taken, msg('rec_not_unique', 'en')]]);
	assert.equal(await count(), before + 1);
	assert.equal(pending(), 0);
});

test('an XLSX file built with exceljs: labels, numbers, dates and shared strings are imported', async () => {
	await setup();
	const c = await signedIn('en');
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('名冊');
	ws.addRow(['姓名', 'Unit', 'phone', 'birth_date', 'gender', 'party_member', 'party_joined', 'cert_number', 'cert_expires', 'title_level', 'status']);
	ws.addRow(['Xl One', 'IMP-D1', 13812345678, new Date(Date.UTC(1985, 4, 20)), '男', true, '2010-07-01', 'LE-XL1', new Date(Date.UTC(2031, 0, 31)), 'Senior', 'active']);
	ws.addRow(['Xl Two', O.W1, '02088886666', '1990-02-03', 'Female', false, null, null, null, 'intermediate', '在職']);
	ws.addRow(['許三多', 'IMP-S2', null, null, null, null, null, null, null, null, 'Active']);
	const second = wb.addWorksheet('ignored');
	second.addRow(['not', 'read']);
	const bytes = Buffer.from(await wb.xlsx.writeBuffer());
	const before = await count();
	const n = audit(ctx.srv, `action = 'import'`).length;
	const pre = await upload(c, 'people', bytes, 'staff.xlsx');
	assert.equal(pre.status, 200, importErrors(pre.text).join('\n'));
	assert.ok(pre.text.includes(msgHtml('imp_ready', 'en').replace('%N', '3')));
	assert.equal((await c.post(commitAction(pre.text, 'people'), {})).status, 303);
	assert.equal(await count(), before + 3);
	assert.equal(audit(ctx.srv, `action = 'import'`).length, n + 1);
	const one = await revealed((await byName('Xl One')).id);
	assert.deepEqual(
		[one.unit_id, one.phone, one.birth_date, one.gender, one.party_member, one.party_joined, one.cert_number, one.cert_expires, one.title_level],
		[O.D1, '13812345678', '1985-05-20', 'male', true, '2010-07-01', 'LE-XL1', '2031-01-31', 'senior'],
	);
	const two = await revealed((await byName('Xl Two')).id);
	assert.deepEqual([two.unit_id, two.phone, two.birth_date, two.gender, two.title_level], [O.W1, '02088886666', '1990-02-03', 'female', 'intermediate']);
	assert.equal((await byName('許三多')).unit_id, O.S2);
	// an XLSX with a bad row is reported like a CSV, with the sheet's row number
	const wb2 = new ExcelJS.Workbook();
	const ws2 = wb2.addWorksheet('s');
	ws2.addRow(['name', 'unit_id', 'status']);
	ws2.addRow(['Xl Ok', 'IMP-D1', 'active']);
	ws2.addRow(['Xl Bad', 'IMP-D1', 'asleep']);
	const r = await upload(c, 'people', Buffer.from(await wb2.xlsx.writeBuffer()), 'bad.xlsx');
	assert.equal(r.status, 422);
	assert.deepEqual(importRows(r.text).map((x) => x[0]), ['3']);
	assert.equal(await count(), before + 3);
});

test('the template CSV: BOM, every visible field\'s label, required ones starred; filled in, it imports', async () => {
	await setup();
	const c = await signedIn('zh-Hant');
	const r = await getBytes(c, '/r/people/import/template.csv');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/csv/);
	assert.match(r.headers.get('content-disposition'), /people-template\.csv/);
	assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM');
	const header = r.bytes.subarray(3).toString('utf8').trim().split(',');
	assert.equal(header[0], `${msg('person_name', 'zh-Hant')}*`);
	assert.ok(header.includes(`${msg('person_unit', 'zh-Hant')}*`));
	assert.ok(header.includes(msg('phone', 'zh-Hant')));
	assert.equal(header.length, 20, 'every field but the hidden one');
	const fill = { [msg('person_name', 'zh-Hant')]: '範本人', [msg('person_unit', 'zh-Hant')]: 'IMP-W1', [msg('emp_status', 'zh-Hant')]: '在職' };
	const row = header.map((h) => fill[h.replace(/\*$/, '')] ?? '');
	await importFile(c, 'people', `\uFEFF${header.join(',')}\r\n${row.join(',')}\r\n`, 'template.csv');
	assert.equal((await byName('範本人')).unit_id, O.W1);
	// the import page lists the columns
	const p = await c.get('/r/people/import');
	assert.ok(p.text.includes('enctype="multipart/form-data"'));
	assert.ok(p.text.includes('<td class="mono">id_number</td>'));
	assert.ok(!p.text.includes('<td class="mono">user_id</td>'));
});

test('units import: parents by code, the tree paths are set', async () => {
	await setup();
	const c = await signedIn('en');
	await importFile(c, 'units', csv([['code', 'name', 'kind', 'parent_id'], ['IMP-P1', 'Imported post one', 'post', 'IMP-D1'], ['IMP-P2', 'Imported post two', 'window', 'IMP-S2']]), 'units.csv');
	const a = api(ctx.srv);
	const p1 = (await list(a, 'units', 'q=IMP-P1')).data[0];
	assert.equal(p1.parent_id, O.D1);
	assert.equal(p1.active, true, 'the declared default');
	// the new unit is in its ancestors' subtree
	assert.ok((await list(a, 'units', `parent_id=${O.S1}`)).data.some((u) => u.id === p1.id));
	await importFile(c, 'people', csv([['name', 'unit_id', 'status'], ['In Post One', 'IMP-P1', 'active']]), 'p.csv');
	assert.ok((await list(a, 'people', `unit_id=${O.B}&q=In Post One`)).total === 1, 'filter by the root finds them');
});
