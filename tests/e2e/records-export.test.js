'use strict';
/* Exporting a filtered staff list: on 人員名冊 filter by a unit (which
 * takes in the units under it) and a status, then 匯出 Excel and 匯出 CSV.
 * Both files hold exactly the rows the page lists, and the ID and phone
 * numbers in them are masked as on the page. */
const test = require('node:test');
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const { suite, signIn, clickAndWait, seedOrg, selectByText, download, screenshots } = require('./lib');

const journey = suite(test, { setup: (server) => seedOrg(server) });

/* 公路管理處 and the window under it, active only: not 張志偉 (retired), not 運輸管理處's staff. */
const EXPECTED = ['李淑芬', '王曉明'];
const REAL_IDS = { 王曉明: '330102198503120014', 李淑芬: '33010219900708002X' };
const mask = (id) => `${id.slice(0, 4)}${'*'.repeat(10)}${id.slice(-4)}`;

/* RFC 4180, enough for what the export writes. */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { /* CRLF */ } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
	}
	if (cell || row.length) { row.push(cell); rows.push(row); }
	return rows;
}

/* Rows as objects keyed by the header row. */
function byHeader(rows) {
	const [head, ...body] = rows;
	return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] === undefined ? '' : String(r[i])])));
}

journey('filter the staff list by unit and status, export Excel and CSV: exactly those rows, ID numbers masked', { browser: { acceptDownloads: true } }, async ({ page, base, server }) => {
	await signIn(page, base, 'admin', server.adminPassword);
	await clickAndWait(page, page.locator('.sidenav').getByRole('link', { name: '人員名冊', exact: true }));
	assert.equal(await page.locator('table.list tbody tr').count(), 5, 'the active staff by default (張志偉 is retired)');

	const unitId = await selectByText(page.getByLabel('所屬單位'), '公路管理處');
	await page.getByLabel('在職狀態').selectOption({ label: '在職' });
	await clickAndWait(page, page.locator('form.filters').getByRole('button', { name: '篩選' }));
	const url = new URL(page.url());
	assert.equal(url.searchParams.get('unit_id'), unitId);
	assert.equal(url.searchParams.get('status'), 'active');
	assert.equal(await page.getByLabel('所屬單位').inputValue(), unitId, 'the filter keeps its choice');
	assert.equal(await page.getByLabel('在職狀態').inputValue(), 'active');
	const names = await page.locator('table.list tbody tr td:first-child').allTextContents();
	assert.deepEqual(names, EXPECTED, 'the page lists the unit\'s active staff, sub-units included');
	await screenshots(page, 'org', 'people-filtered');

	/* Excel */
	const xlsx = await download(page, page.locator('.page-head').getByRole('link', { name: '匯出 Excel' }));
	assert.match(xlsx.name, /^人員名冊-\d{4}-\d{2}-\d{2}\.xlsx$/, "named in the user's language");
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(xlsx.data);
	assert.equal(wb.worksheets.length, 1);
	const ws = wb.worksheets[0];
	assert.equal(ws.name, '人員名冊');
	const sheetRows = [];
	ws.eachRow((row) => sheetRows.push(row.values.slice(1).map((v) => (v === null || v === undefined ? '' : v))));
	const fromXlsx = byHeader(sheetRows);
	assert.deepEqual(fromXlsx.map((r) => r['姓名']), EXPECTED, 'the workbook has exactly the filtered rows');
	for (const r of fromXlsx) {
		assert.equal(r['身分證號碼'], mask(REAL_IDS[r['姓名']]), `${r['姓名']}'s ID number is masked in the workbook`);
		assert.equal(r['在職狀態'], '在職');
	}
	assert.equal(fromXlsx.find((r) => r['姓名'] === '王曉明')['電話'], '138****5678', 'so is the phone number');
	assert.deepEqual(fromXlsx.map((r) => r['所屬單位']), ['公路服務窗口', '公路管理處'], 'units by name, as on the page');
	const everyCell = sheetRows.flat().join('\n');
	for (const id of Object.values(REAL_IDS))
		assert.ok(!everyCell.includes(id), 'no full ID number anywhere in the workbook');

	/* CSV */
	const csv = await download(page, page.locator('.page-head').getByRole('link', { name: '匯出 CSV' }));
	assert.match(csv.name, /^人員名冊-\d{4}-\d{2}-\d{2}\.csv$/);
	const text = csv.data.toString('utf8');
	assert.ok(text.startsWith('\uFEFF'), 'a UTF-8 BOM, so that Excel reads the Chinese right');
	const fromCsv = byHeader(parseCsv(text.slice(1)));
	assert.deepEqual(fromCsv.map((r) => r['姓名']), EXPECTED, 'the CSV has exactly the filtered rows');
	for (const r of fromCsv)
		assert.equal(r['身分證號碼'], mask(REAL_IDS[r['姓名']]), `${r['姓名']}'s ID number is masked in the CSV`);
	for (const id of Object.values(REAL_IDS))
		assert.ok(!text.includes(id), 'no full ID number anywhere in the CSV');
	assert.ok(!text.includes('13812345678'), 'no full phone number in the CSV');
	assert.deepEqual(fromCsv.map((r) => r.id), fromXlsx.map((r) => r.id), 'both files hold the same records');
});
