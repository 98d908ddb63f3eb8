'use strict';
/* The office builds an indicator system in the browser: it starts this
 * year's system, adds a first-level indicator and a leaf under it, gives
 * the leaf a formula with a typo (refused, the message names the
 * character), corrects it, saves, and sees the preview for three
 * secondary units with each metric's value and the result. Screenshots of
 * the list, the system's tree and the leaf editor with its preview, at
 * desktop and phone sizes, in zh-Hant and en (build/screenshots/assessment/). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, apiClient, signIn, screenshots } = require('./lib');

const PASSWORD = 'Lantern-Harbor-42';
// the server's year (its zone is Asia/Shanghai, whatever the machine's)
const YEAR = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 4));

const journey = suite(test, {
	users: [{ name: 'ajoffice', display: '吳文明', role: 'office', password: PASSWORD }],
	setup: async (server) => {
		const api = apiClient(server);
		const top = (await api('POST', '/api/v1/units', { code: 'AT', name: '交通運輸局', kind: 'bureau' })).data.id;
		const units = [];
		for (const [code, name, people, party] of [['A1', '運輸管理處', 4, 3], ['A2', '公路管理局', 2, 2], ['A3', '港航管理處', 5, 0]]) {
			const id = (await api('POST', '/api/v1/units', { code, name, kind: 'secondary', parent_id: top })).data.id;
			for (let i = 0; i < people; i++)
				await api('POST', '/api/v1/people', { name: `${name}${i}`, unit_id: id, status: 'active', ...(i < party ? { party_member: true, party_joined: '2012-07-01' } : {}) });
			units.push({ id, name, people, party });
		}
		return { units };
	},
});

journey('the office builds a leaf with a formula and sees the preview for three units', async ({ page, base }) => {
	const { units } = journey.setup();
	await signIn(page, base, 'ajoffice', PASSWORD);
	await page.goto(`${base}/assessment/systems`);
	await page.locator('#f-year').fill(String(YEAR));
	await page.locator('#f-name').fill(`${YEAR} 年度文明創建考核指標體系`);
	await clickAndWait(page, page.locator('#new-system button'));
	assert.match(page.url(), /\/assessment\/systems\/\d+$/);
	const systemUrl = page.url();
	// a first-level indicator, then a leaf under it
	await page.locator('#add-indicator #f-name').fill('組織領導');
	await clickAndWait(page, page.locator('#add-indicator button'));
	await page.goto(systemUrl);
	await page.locator('#f-parent').selectOption({ label: '組織領導' });
	await page.locator('#add-indicator #f-name').fill('黨員隊伍');
	await clickAndWait(page, page.locator('#add-indicator button'));
	assert.match(page.url(), /\/assessment\/indicators\/\d+$/);
	const leafUrl = page.url();
	await page.locator('#f-max_points').fill('10');
	await page.locator('#f-standard').fill('黨員佔在職人員 30% 及以上得滿分，不足按比例計分。');
	await page.locator('input[name="evidence"][value="materials"]').check();
	await page.locator('#f-method').selectOption('formula');
	// a typo: the message names the character where it is
	await page.locator('#f-formula').fill('min(10, 10 * party_member / staff / 0.3)');
	await clickAndWait(page, page.locator('button[name="save"]'));
	const err = page.locator('#f-formula-err');
	await err.waitFor();
	const text = await err.textContent();
	assert.ok(text.includes('第 14 個字元') && text.includes('party_member'), text);
	assert.equal(await page.locator('#f-formula-err mark').textContent(), 'p');
	// corrected and saved
	await page.locator('#f-formula').fill('min(10, 10 * party_members / staff / 0.3)');
	await clickAndWait(page, page.locator('button[name="save"]'));
	assert.equal(page.url(), leafUrl);
	assert.equal(await page.locator('#f-formula').inputValue(), 'min(10, 10 * party_members / staff / 0.3)');
	// the preview: three secondary units, each metric's value, the result
	const rows = page.locator('#preview-table tbody tr');
	assert.equal(await rows.count(), 3);
	for (const u of units) {
		const row = page.locator(`#preview-table tr[data-unit="${u.id}"]`);
		assert.equal(await row.locator('td').first().textContent(), u.name);
		assert.equal(Number(await row.locator('[data-metric="party_members"]').textContent()), u.party);
		assert.equal(Number(await row.locator('[data-metric="staff"]').textContent()), u.people);
		const want = Math.min(10, (10 * u.party) / u.people / 0.3);
		assert.ok(Math.abs(Number(await row.locator('[data-score]').getAttribute('data-score')) - want) < 0.01, `${u.name}: ${want}`);
	}
	await screenshots(page, 'assessment', 'leaf');
	await page.goto(systemUrl);
	assert.equal(await page.locator('#leaf-total').textContent(), '10');
	await page.locator('#total-warning').waitFor();
	await screenshots(page, 'assessment', 'system');
	await page.goto(`${base}/assessment/systems`);
	await screenshots(page, 'assessment', 'list');
});
