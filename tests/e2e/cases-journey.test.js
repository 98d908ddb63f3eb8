'use strict';
/* A case from end to end, each person in their own browser: a citizen
 * files a complaint with a photo on a phone; the office dispatches it to
 * the category's unit; the unit accepts and answers it; the office verifies
 * and closes it; the citizen rates it "dissatisfied" and the case is back in
 * the unit's hands, with a follow-up call due. The unit never sees who
 * complained. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, apiClient, signIn, png } = require('./lib');

const PHONE = { width: 390, height: 844 };
const PASSWORD = 'Lantern-Harbor-42';

const journey = suite(test, {
	users: [
		{ name: 'cjoffice', display: '王辦事', roles: ['office'], password: PASSWORD },
		{ name: 'cjunit', display: '李承辦', role: 'unit_admin', password: PASSWORD },
	],
	setup: async (server) => {
		const api = apiClient(server);
		const unit = (await api('POST', '/api/v1/units', { code: 'RD', name: '公路管理局', kind: 'secondary' })).data.id;
		server.cli(['user', 'roles', 'cjunit', 'unit_admin', '--unit', String(unit)]);
		await api('POST', '/api/v1/case_categories', { code: 'roads', name: '道路設施', days: 5, public: true, unit_id: unit });
		return { api, unit };
	},
});

journey('a complaint from a phone to the unit and back: dispatched, answered, closed, rated dissatisfied, reopened',
	{ browser: { viewport: PHONE, hasTouch: true, isMobile: true } },
	async ({ page, ctx, base }) => {
		// the citizen, on a phone, without an account
		await page.goto(`${base}/public/`);
		await page.locator('label.chip', { hasText: '投訴' }).click();
		await page.locator('#f-category_id').selectOption({ label: '道路設施' });
		await page.locator('#f-title').fill('人民路路燈不亮');
		await page.locator('#f-description').fill('人民路 88 號前的三盞路燈一個星期都不亮，晚上很危險。');
		await page.locator('#f-address').fill('人民路 88 號');
		await page.locator('#f-photos').setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: png(64, 48) });
		await page.locator('#f-contact_name').fill('陳大文');
		await page.locator('#f-contact_phone').fill('13987654321');
		await page.waitForTimeout(3100); // a person takes longer than the form's minimum time
		await clickAndWait(page, page.getByRole('button', { name: '送出', exact: true }));
		const code = (await page.locator('#tracking-code').textContent()).trim();
		assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);

		// the office, at a desk: the new case is on the list; dispatch it to the category's unit
		await page.setViewportSize({ width: 1366, height: 768 });
		await signIn(page, base, 'cjoffice', PASSWORD);
		await page.goto(`${base}/r/cases?state=registered`);
		await clickAndWait(page, page.getByRole('link', { name: /^\d{4}-\d{6}$/ }).first());
		const url = page.url();
		assert.match(url, /\/r\/cases\/\d+$/);
		assert.equal(await page.locator('.badge-state').textContent(), '已登記');
		assert.equal(await page.getByText('陳**').count(), 1, 'the office sees the name masked');
		await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '派單' }));
		assert.match(await page.locator('#f-unit_id option:checked').textContent(), /公路管理局/, 'the category\'s unit is proposed');
		await page.locator('#f-note').fill('請兩個工作日內到現場核查。');
		await clickAndWait(page, page.getByRole('button', { name: '派單' }));
		assert.equal(page.url(), url);
		assert.equal(await page.locator('.badge-state').textContent(), '已派單');

		// the unit: accepts, then answers
		await ctx.clearCookies();
		await signIn(page, base, 'cjunit', PASSWORD, { next: new URL(url).pathname });
		assert.equal(page.url(), url);
		const body = await page.locator('main').textContent();
		assert.ok(!body.includes('陳大文') && !body.includes('陳**') && !body.includes('13987654321') && !body.includes('139****4321'), 'the unit never sees who complained');
		assert.ok(body.includes('保密'));
		assert.ok(body.includes('請兩個工作日內到現場核查。'), 'the office\'s note reaches the unit');
		await clickAndWait(page, page.getByRole('button', { name: '受理' }));
		assert.equal(await page.locator('.badge-state').textContent(), '辦理中');
		await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '答覆' }));
		await page.locator('#f-reply').fill('已派員更換三盞路燈的燈泡，現已恢復照明。');
		await page.locator('#f-note').fill('更換燈泡 3 個');
		await clickAndWait(page, page.getByRole('button', { name: '答覆' }));
		assert.equal(await page.locator('.badge-state').textContent(), '已答覆');

		// the office verifies and closes
		await ctx.clearCookies();
		await signIn(page, base, 'cjoffice', PASSWORD, { next: new URL(url).pathname });
		await clickAndWait(page, page.locator('.wf-actions').getByRole('link', { name: '核實辦結' }));
		await clickAndWait(page, page.getByRole('button', { name: '核實辦結' }));
		assert.equal(await page.locator('.badge-state').textContent(), '已辦結');

		// the citizen, on the phone again: reads the reply, rates it dissatisfied
		await ctx.clearCookies();
		await page.setViewportSize(PHONE);
		await page.goto(`${base}/public/track`);
		await page.locator('#f-code').fill(code);
		await clickAndWait(page, page.getByRole('button', { name: '查詢' }));
		assert.equal(await page.locator('.public-facts .badge-state').textContent(), '已辦結');
		assert.ok((await page.locator('main').textContent()).includes('已派員更換三盞路燈的燈泡'));
		assert.equal(await page.getByText('更換燈泡 3 個').count(), 0, 'internal notes stay inside');
		await page.getByLabel('不滿意', { exact: true }).check();
		await page.locator('#f-rating_comment').fill('晚上去看，還有一盞不亮。');
		await clickAndWait(page, page.getByRole('button', { name: '送出評價' }));
		assert.equal(await page.locator('.public-facts .badge-state').textContent(), '辦理中');

		// the case is back with the unit, with a follow-up call due for the office
		const { api } = journey.setup();
		const id = Number(url.split('/').pop());
		const c = (await api('GET', `/api/v1/cases/${id}`)).data;
		assert.equal(c.state, 'in_hand');
		assert.equal(c.rating, '2');
		assert.ok(c.followup_due);
		const events = (await api('GET', `/api/v1/cases/${id}/events`)).data.map((e) => e.action);
		assert.deepEqual(events, ['create', 'dispatch', 'accept', 'answer', 'close', 'rate', 'reopen']);
	});
