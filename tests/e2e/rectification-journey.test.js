'use strict';
/* A rectification item from end to end, in the browser: the office records
 * a leader's instruction for a unit; the unit starts it, tries to submit it
 * without evidence (refused, with the reason on the form), then submits it
 * with a photo; the office sees the evidence and signs the item off (銷號).
 * Once at a desk and once on a phone. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, apiClient, signIn, png } = require('./lib');

const PHONE = { width: 390, height: 844 };
const PASSWORD = 'Lantern-Harbor-42';

const journey = suite(test, {
	users: [
		{ name: 'rjoffice', display: '王辦事', roles: ['office'], password: PASSWORD },
		{ name: 'rjunit', display: '李整改', role: 'unit_admin', password: PASSWORD },
	],
	setup: async (server) => {
		const api = apiClient(server);
		const unit = (await api('POST', '/api/v1/units', { code: 'KY', name: '客運管理處', kind: 'secondary' })).data.id;
		server.cli(['user', 'roles', 'rjunit', 'unit_admin', '--unit', String(unit)]);
		return { api, unit };
	},
});

async function run({ page, ctx, base }, unit, problem) {
	// the office records the instruction
	await signIn(page, base, 'rjoffice', PASSWORD);
	await page.goto(`${base}/r/rectifications/new`);
	await page.locator('#f-problem').fill(problem);
	await page.locator('#f-source').selectOption('leader');
	await page.locator('#f-unit_id').selectOption(String(unit));
	await clickAndWait(page, page.locator('form.form button.btn-primary'));
	const url = page.url();
	assert.match(url, /\/r\/rectifications\/\d+$/);
	assert.equal(await page.locator('.badge-state').textContent(), '已交辦');
	const number = (await page.locator('h1').textContent()).trim();
	assert.match(number, /^ZG-\d{4}-\d{4,}$/);

	// the unit starts it
	await ctx.clearCookies();
	await signIn(page, base, 'rjunit', PASSWORD, { next: new URL(url).pathname });
	assert.equal(page.url(), url);
	await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '開始整改' }));
	await page.locator('#f-measures').fill('一、全員重新學習首問負責制；二、每日班前檢查；三、納入月度考核。');
	await clickAndWait(page, page.getByRole('button', { name: '開始整改' }));
	assert.equal(await page.locator('.badge-state').textContent(), '整改中');

	// submits without evidence: refused, the reason on the form
	await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '提交驗收' }));
	await clickAndWait(page, page.getByRole('button', { name: '提交驗收' }));
	assert.ok((await page.locator('.flash-error').textContent()).includes('佐證材料'));
	// with a photo
	await page.locator('#f-files').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: png(80, 60) });
	await page.locator('#f-note').fill('整改前後對比照片見附件。');
	await clickAndWait(page, page.getByRole('button', { name: '提交驗收' }));
	assert.equal(page.url(), url);
	assert.equal(await page.locator('.badge-state').textContent(), '待驗收');

	// the office sees the evidence and signs it off
	await ctx.clearCookies();
	await signIn(page, base, 'rjoffice', PASSWORD, { next: new URL(url).pathname });
	assert.ok(await page.locator('img[alt="after.png"]').count() >= 1, 'the evidence is on the page');
	await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '銷號' }));
	await page.locator('#f-verification').fill('經現場核查，整改到位，同意銷號。');
	await clickAndWait(page, page.getByRole('button', { name: '銷號' }));
	assert.equal(await page.locator('.badge-state').textContent(), '已銷號');

	// the ledger says so
	await page.goto(`${base}/rectification/ledger?state=closed`);
	const row = page.locator('table.ledger tr', { hasText: number });
	assert.equal(await row.count(), 1);
	assert.ok((await row.textContent()).includes('已銷號'));
	await ctx.clearCookies();
}

journey('an item at a desk: started, refused without evidence, submitted with a photo, signed off',
	{ browser: { viewport: { width: 1280, height: 800 } } },
	async (x) => run(x, journey.setup().unit, '窗口人員未落實首問負責制（桌面）'));

journey('the same on a phone',
	{ browser: { viewport: PHONE, hasTouch: true, isMobile: true } },
	async (x) => run(x, journey.setup().unit, '窗口人員未落實首問負責制（手機）'));
