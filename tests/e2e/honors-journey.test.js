'use strict';
/* A Youth Civilization Post from application to honor, in the browser, on
 * the demo: a service window's clerk applies for this year's campaign,
 * tries to submit before every criterion has evidence (refused, with the
 * reason), adds evidence to each criterion (the first with a photo) and
 * submits; the office accepts and selects it; the honor shows on the
 * unit's page and the civilized-unit ratio page shows its figures. The
 * ratio, the titles to renew, the honor and the application pages are
 * captured at a desk and on a phone, in zh-Hant and English. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, signIn, png, screenshots, apiClient } = require('./lib');

const PASSWORD = 'Lantern-Harbor-42';

const journey = suite(test, {
	users: [
		{ name: 'hjoffice', display: '王文明', roles: ['office'], password: PASSWORD },
		{ name: 'hjclerk', display: '李窗口', role: 'unit_admin', password: PASSWORD },
	],
	setup: async (server) => {
		const out = server.cli(['demo', '--no-search-index']);
		assert.match(out, /demo honors/);
		const api = apiClient(server);
		const windows = (await api('GET', '/api/v1/units?kind=window&per_page=200')).data;
		const windowId = windows.find((u) => u.name === '行政審批窗口').id;
		const campaignId = (await api('GET', '/api/v1/campaigns')).data[0].id;
		server.cli(['user', 'roles', 'hjclerk', 'unit_admin', '--unit', String(windowId)]);
		return { windowId, campaignId };
	},
});

journey('a window applies for the Youth Civilization Post with evidence, the office selects it, the honor and the ratio show',
	{ browser: { viewport: { width: 1280, height: 800 } } },
	async ({ page, ctx, base }) => {
		// the clerk of the bureau's service window (行政審批窗口)
		await signIn(page, base, 'hjoffice', PASSWORD);
		const { windowId, campaignId } = journey.setup();
		await page.goto(`${base}/r/campaigns/${campaignId}`);
		await screenshots(page, 'honors', 'campaign');
		await ctx.clearCookies();

		// the clerk applies
		await signIn(page, base, 'hjclerk', PASSWORD, { next: `/r/campaign_applications/new?campaign_id=${campaignId}&unit_id=${windowId}` });
		await page.locator('#f-summary').fill('本窗口對照青年文明號標準逐項自查，申報本年度市級青年文明號。');
		await clickAndWait(page, page.locator('form.form button.btn-primary'));
		assert.match(page.url(), /\/r\/campaign_applications\/\d+$/);
		const appUrl = page.url();
		assert.equal(await page.locator('.badge-state').textContent(), '草稿');

		// submitting before every criterion has evidence is refused
		await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '提交申報' }).or(page.locator('.wf-actions').getByRole('button', { name: '提交申報' })).first());
		if (!page.url().endsWith(appUrl.slice(base.length)))
			await clickAndWait(page, page.getByRole('button', { name: '提交申報' }));
		assert.ok((await page.content()).includes('每項評選標準都須有佐證材料'));

		// evidence for each criterion, the first with a photo
		await page.goto(appUrl);
		const n = await page.locator('ol.criteria > li').count();
		assert.equal(n, 4);
		for (let i = 0; i < n; i++) {
			await page.goto(appUrl);
			await clickAndWait(page, page.locator('ol.criteria > li').nth(i).getByRole('link', { name: '添加佐證' }));
			await page.locator('#f-text').fill(`第 ${i + 1} 項：制度、記錄和照片齊全。`);
			if (i === 0)
				await page.locator('#f-files').setInputFiles({ name: 'team.png', mimeType: 'image/png', buffer: png(80, 60) });
			await clickAndWait(page, page.locator('form.form button.btn-primary'));
			assert.match(page.url(), /\/r\/campaign_evidence\/\d+$/);
		}
		await page.goto(appUrl);
		assert.equal(await page.locator('ol.criteria .badge', { hasText: '尚無佐證' }).count(), 0);
		await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '提交申報' }).or(page.locator('.wf-actions').getByRole('button', { name: '提交申報' })).first());
		if (page.url() !== appUrl)
			await clickAndWait(page, page.getByRole('button', { name: '提交申報' }));
		assert.equal(page.url(), appUrl);
		assert.equal(await page.locator('.badge-state').textContent(), '已提交');
		await ctx.clearCookies();

		// the office accepts and selects it
		await signIn(page, base, 'hjoffice', PASSWORD, { next: new URL(appUrl).pathname });
		for (const [step, state] of [['受理', '已受理'], ['評選入選', '已入選']]) {
			await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: step }).or(page.locator('.wf-actions').getByRole('button', { name: step })).first());
			if (page.url() !== appUrl)
				await clickAndWait(page, page.getByRole('button', { name: step }));
			assert.equal(page.url(), appUrl);
			assert.equal(await page.locator('.badge-state').textContent(), state);
		}
		await screenshots(page, 'honors', 'application');

		// the honor: on the unit's page
		await page.goto(`${base}/r/units/${windowId}`);
		const honors = page.locator('section.card', { hasText: '榮譽' }).last();
		assert.ok((await honors.textContent()).includes('市級青年文明號'));
		await clickAndWait(page, honors.locator('a', { hasText: '市級青年文明號' }).first());
		assert.match(page.url(), /\/r\/honors\/\d+$/);
		assert.ok((await page.content()).includes('創建活動評選'));
		await screenshots(page, 'honors', 'honor');

		// the ratio page: 13 of 13, every counted unit listed
		await page.goto(`${base}/honors/ratio`);
		const tiles = page.locator('#ratio-figures .tile-value');
		assert.equal(await tiles.nth(0).textContent(), '100.0 %');
		assert.equal(await tiles.nth(1).textContent(), '13');
		assert.equal(await page.locator('tr.holds').count(), 13);
		await screenshots(page, 'honors', 'ratio');
		await page.goto(`${base}/honors/expiring`);
		assert.equal(await page.locator('table a[href^="/r/honors/"]').count(), 5);
		await screenshots(page, 'honors', 'expiring');
	});
