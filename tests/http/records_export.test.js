'use strict';
// Export of a register (GET /r/{type}/export?format=csv|xlsx plus the list's
// filters): a CSV with a BOM and a header of field labels in the user's
// language, values as shown on the page, sensitive values masked, cells that
// a spreadsheet would take for a formula defused; an XLSX that exceljs reads
// back with the same rows as the filtered list.
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const { serverPerFile, test, msg } = require('./lib');
const { api, create, list, idNumber, mask, audit, org, parseCsv, getBytes } = require('./records_lib');

const ctx = serverPerFile();
let O;
const FIELDS = ['name', 'gender', 'birth_date', 'id_number', 'phone', 'unit_id', 'post', 'position', 'is_leader', 'status', 'education', 'party_member', 'party_joined', 'party_branch_id', 'cert_number', 'cert_issued', 'cert_expires', 'title', 'title_level', 'account'];
const LABELS = { name: 'person_name', gender: 'gender', birth_date: 'birth_date', id_number: 'id_number', phone: 'phone', unit_id: 'person_unit', post: 'person_post', position: 'person_position', is_leader: 'is_leader', status: 'emp_status', education: 'education', party_member: 'party_member', party_joined: 'party_joined', party_branch_id: 'party_branch', cert_number: 'cert_number', cert_issued: 'cert_issued', cert_expires: 'cert_expires', title: 'prof_title', title_level: 'title_level', account: 'person_account' };

async function setup() {
	if (!O) O = await populate(ctx.srv);
}

async function populate(srv) {
	const a = api(srv);
	const O = await org(a, 'E');
	const p = (body) => create(a, 'people', { status: 'active', ...body });
	await p({ name: 'Ann Export', unit_id: O.D1, gender: 'female', id_number: idNumber(11, '19850704'), phone: '13811112222', party_member: true, party_joined: '2005-07-01', title_level: 'senior', cert_number: 'LE-001', cert_issued: '2024-01-01', cert_expires: '2030-01-01' });
	await p({ name: 'Ben Export', unit_id: O.W1, gender: 'male', id_number: idNumber(12, '19900101'), position: 'Officer, first class' });
	await p({ name: '=HYPERLINK("http://x")', unit_id: O.S1, gender: 'male', post: '-1+2', title: '@SUM(A1)' });
	await p({ name: 'Cat Export', unit_id: O.D2, gender: 'female', status: 'retired' });
	await p({ name: '陳匯出', unit_id: O.S1, gender: 'female', position: '科員"甲"' });
	return O;
}

/* What the list page would show for a value of the API's JSON. */
function shown(field, v, lang, units) {
	if (v === null || v === undefined) return '';
	if (field === 'id_number' || field === 'phone') return v; // already masked by the API
	if (typeof v === 'boolean') return msg(v ? 'yes' : 'no', lang);
	if (field === 'unit_id' || field === 'party_branch_id') return units.get(v);
	const enums = { gender: { male: 'gender_male', female: 'gender_female' }, status: { active: 'emp_active', retired: 'emp_retired', transferred: 'emp_transferred' }, title_level: { none: 'title_none', junior: 'title_junior', intermediate: 'title_intermediate', associate_senior: 'title_associate_senior', senior: 'title_senior' }, education: { doctorate: 'edu_doctorate', master: 'edu_master', bachelor: 'edu_bachelor', college: 'edu_college', secondary: 'edu_secondary', other: 'edu_other' } };
	if (enums[field]) return msg(enums[field][v], lang);
	return String(v);
}

async function expectedRows(query, lang) {
	const a = api(ctx.srv);
	const units = new Map((await list(a, 'units', 'per_page=200')).data.map((u) => [u.id, u.name]));
	const l = await list(a, 'people', `${query}&per_page=200`);
	return l.data.map((p) => [String(p.id), ...FIELDS.map((f) => shown(f, p[f], lang, units))]);
}

test('CSV: BOM, a header of labels in the user\'s language, the filtered rows as shown, ID numbers masked', async () => {
	await setup();
	for (const lang of ['zh-Hant', 'en']) {
		const c = await ctx.srv.admin({ headers: { 'Accept-Language': lang } });
		const query = `unit_id=${O.S1}`;
		const r = await getBytes(c, `/r/people/export?${query}&format=csv`);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
		assert.match(r.headers.get('content-disposition'), /^attachment; filename="people-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''(\S+)$/);
		// named in the user's language for the browsers that read filename*
		const named = decodeURIComponent(/filename\*=UTF-8''(\S+)$/.exec(r.headers.get('content-disposition'))[1]);
		assert.match(named, new RegExp(`^${msg('people', lang)}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
		assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM');
		const text = r.bytes.subarray(3).toString('utf8');
		assert.ok(text.endsWith('\r\n'));
		const rows = parseCsv(text);
		assert.deepEqual(rows[0], ['id', ...FIELDS.map((f) => msg(LABELS[f], lang))], `header in ${lang}`);
		const want = await expectedRows(query, lang);
		// cells that start with = + - @ are kept from being formulas
		const defused = want.map((row) => row.map((v) => (/^[=+\-@]/.test(v) ? `'${v}` : v)));
		assert.deepEqual(rows.slice(1), defused, `rows in ${lang}`);
		assert.equal(rows.length - 1, 4, 'S1 and its sub-units: 4 people');
		assert.ok(!text.includes(idNumber(11, '19850704')), 'no ID number in full');
		assert.ok(text.includes(mask(idNumber(11, '19850704'))));
		assert.ok(!text.includes('13811112222'));
		assert.ok(text.includes(`"'=HYPERLINK(""http://x"")"`), 'formula defused and quoted');
		assert.ok(text.includes(`"Officer, first class"`));
		assert.ok(text.includes(`"科員""甲"""`));
	}
});

test('CSV: a cell starting with TAB or CR is defused too (spreadsheets skip them and read the formula after)', async () => {
	await setup();
	const a = api(ctx.srv);
	for (const [name, duties] of [['Tab group', '\t=1+2'], ['CR group', '\r=HYPERLINK("http://x")'], ['Tab at group', '\t@SUM(A1)']])
		await create(a, 'groups', { year: 2026, kind: 'task_force', name, unit_id: O.D2, duties });
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	const r = await getBytes(c, `/r/groups/export?unit_id=${O.D2}&format=csv`);
	assert.equal(r.status, 200);
	const text = r.bytes.subarray(3).toString('utf8');
	assert.ok(text.includes(`"'\t=1+2"`), 'a TAB before a formula');
	assert.ok(text.includes(`"'\r=HYPERLINK(""http://x"")"`), 'a CR before a formula');
	assert.ok(text.includes(`"'\t@SUM(A1)"`));
	const rows = parseCsv(text);
	const duties = rows[0].indexOf('Duties');
	const cells = rows.slice(1).map((row) => row[duties]);
	assert.deepEqual(cells.sort(), ["'\t=1+2", "'\t@SUM(A1)", "'\r=HYPERLINK(\"http://x\")"].sort(), 'each duties cell starts with the apostrophe');
});

test('XLSX read back with exceljs: the same header and rows as the filtered list', async () => {
	await setup();
	const lang = 'en';
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': lang } });
	for (const query of [`unit_id=${O.B}&gender=female`, `unit_id=${O.S1}&sort=-name`, 'q=Export&party_member=0', 'status=retired', 'gender=female&archived=1']) {
		const r = await getBytes(c, `/r/people/export?${query}&format=xlsx`);
		assert.equal(r.status, 200, query);
		assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		assert.match(r.headers.get('content-disposition'), /filename="people-\d{4}-\d{2}-\d{2}\.xlsx"/);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(r.bytes);
		const ws = wb.worksheets[0];
		assert.equal(ws.name, msg('people', lang));
		const rows = [];
		ws.eachRow((row) => rows.push(row.values.slice(1)));
		const header = rows.shift();
		assert.deepEqual(header, ['id', ...FIELDS.map((f) => msg(LABELS[f], lang))]);
		const want = await expectedRows(query, lang);
		// exceljs leaves empty cells out (undefined); the id is a number cell
		const got = rows.map((row) => Array.from({ length: header.length }, (_, i) => (row[i] === undefined || row[i] === null ? '' : String(row[i]))));
		assert.deepEqual(got, want, query);
		for (const row of rows) assert.equal(typeof row[0], 'number', 'the id is a number cell');
	}
	assert.ok(!ctx.srv.exit, 'the server is still running');
});

test('every register exports as XLSX', async () => {
	await setup();
	const c = await ctx.srv.admin();
	for (const t of ['units', 'people', 'supervisors', 'supervisor_units', 'groups', 'group_members']) {
		const r = await getBytes(c, `/r/${t}/export?format=xlsx`);
		assert.equal(r.status, 200, t);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(r.bytes);
		assert.equal(wb.worksheets[0].getRow(1).getCell(1).value, 'id', `${t}: header`);
		assert.equal(wb.worksheets[0].rowCount - 1, (await list(api(ctx.srv), t, 'per_page=200')).total, `${t}: every row`);
	}
});

test('export refuses an unknown format and bad filters; needs a signed-in reader', async () => {
	await setup();
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	for (const [q, status] of [['', 400], ['format=pdf', 400], ['format=CSV', 400], ['format=csv&gender=x', 400], ['format=csv&sort=phone', 400], ['format=csv&per_page=999', 400]]) {
		const r = await c.get(`/r/people/export?${q}`);
		assert.equal(r.status, status, q);
	}
	assert.equal((await c.get('/r/nothing/export?format=csv')).status, 404);
	const anon = await ctx.srv.client().get('/r/people/export?format=csv');
	assert.equal(anon.status, 303);
	// a supervisor may not read people at all
	const u = ctx.srv.createUser('ex_sup', 'supervisor');
	const s = await ctx.srv.signIn(u.name, u.password);
	assert.equal((await s.get('/r/people/export?format=csv')).status, 403);
	// staff see only their own record: an export of nothing but the header
	const st = ctx.srv.createUser('ex_staff', 'staff');
	const sc = await ctx.srv.signIn(st.name, st.password, { headers: { 'Accept-Language': 'en' } });
	const r = await getBytes(sc, '/r/people/export?format=csv');
	assert.equal(r.status, 200);
	assert.equal(parseCsv(r.bytes.subarray(3).toString('utf8')).length, 1);
});

test('every register exports as CSV', async () => {
	await setup();
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	for (const t of ['units', 'people', 'supervisors', 'supervisor_units', 'groups', 'group_members']) {
		const r = await getBytes(c, `/r/${t}/export?format=csv`);
		assert.equal(r.status, 200, t);
		const rows = parseCsv(r.bytes.subarray(3).toString('utf8'));
		assert.equal(rows[0][0], 'id', t);
		assert.equal(rows.length - 1, (await list(api(ctx.srv), t, 'per_page=200')).total, `${t}: every row`);
	}
});

test('every export writes one audit entry: who, which register, which filter, how many rows, which format', async () => {
	await setup();
	const { srv } = ctx;
	const u = srv.createUser('ex_office', 'office');
	const c = await srv.signIn(u.name, u.password, { headers: { 'Accept-Language': 'en' } });
	const exports = () => audit(srv, `action = 'export'`);
	const n = exports().length;
	const gen = Number(srv.sql('SELECT (SELECT n FROM data_gen WHERE id = 1) + (SELECT sum(n) FROM data_gen_shard)')[0][0]);
	const query = `unit_id=${O.S1}&gender=female&format=csv`;
	let r = await getBytes(c, `/r/people/export?${query}`);
	assert.equal(r.status, 200);
	const rows = parseCsv(r.bytes.subarray(3).toString('utf8')).length - 1;
	assert.equal(rows, 2, 'Ann and 陳匯出');
	let all = exports();
	assert.equal(all.length, n + 1, 'one entry');
	let e = all.at(-1);
	assert.deepEqual([e.entity, e.entityId, e.username], ['people', '0', u.name]);
	assert.deepEqual(JSON.parse(e.after), { format: 'csv', query, rows: 2 });
	r = await getBytes(c, '/r/units/export?format=xlsx&q=Secondary');
	assert.equal(r.status, 200);
	all = exports();
	assert.equal(all.length, n + 2);
	e = all.at(-1);
	assert.equal(e.entity, 'units');
	assert.deepEqual(JSON.parse(e.after), { format: 'xlsx', query: 'format=xlsx&q=Secondary', rows: 2 });
	// seeing data is no change to it: cached lists stay valid
	assert.equal(Number(srv.sql('SELECT (SELECT n FROM data_gen WHERE id = 1) + (SELECT sum(n) FROM data_gen_shard)')[0][0]), gen, 'the data generation stays');
	// a refused export is not one
	assert.equal((await c.get('/r/people/export?format=pdf')).status, 400);
	assert.equal(exports().length, n + 2);
});
