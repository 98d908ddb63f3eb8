'use strict';
/* An inspection on the spot, on a phone (390×844): the task-force
 * inspector starts an inspection of a service window, marks one item
 * failed with a note and a photo, saves (score and failed count computed),
 * records the inspection, and the unit is told; one tap on the failed
 * item's "列入整改" makes it a rectification item of the unit's, which the
 * inspection then lists; the unit's administrator sees the results and the
 * item. Screenshots of the
 * record, detail and statistics pages at phone and desktop sizes, in
 * zh-Hant and en (build/screenshots/inspections/). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, apiClient, signIn, png, screenshots } = require('./lib');

const PHONE = { width: 390, height: 844 };
const PASSWORD = 'Lantern-Harbor-42';

const journey = suite(test, {
	users: [
		{ name: 'ijoffice', display: '張督查', roles: ['office'], password: PASSWORD },
		{ name: 'ijunit', display: '李窗口', role: 'unit_admin', password: PASSWORD },
	],
	setup: async (server) => {
		const api = apiClient(server);
		const top = (await api('POST', '/api/v1/units', { code: 'TB', name: '交通運輸局', kind: 'bureau' })).data.id;
		const unit = (await api('POST', '/api/v1/units', { code: 'VW', name: '車管所辦證大廳', kind: 'window', parent_id: top })).data.id;
		server.cli(['user', 'roles', 'ijunit', 'unit_admin', '--unit', String(unit)]);
		const cl = (await api('POST', '/api/v1/inspection_checklists', { code: 'win', name: '服務窗口文明服務檢查表', unit_kind: 'window', scoring: 'pass_fail' })).data.id;
		const items = [
			['badge', '亮證上崗', '工作人員佩戴工作證，桌牌與本人一致。'],
			['attitude', '服務態度', '主動問候、文明用語。'],
			['one_time', '一次性告知', '辦事所需材料一次性書面告知。'],
			['rules_wall', '制度上牆', '服務承諾、辦事流程、投訴電話上牆公開。'],
		];
		for (const [i, [code, label, guidance]] of items.entries())
			await api('POST', '/api/v1/checklist_items', { checklist_id: cl, position: i + 1, code, label, guidance, max_points: 10 });
		return { api, unit, top };
	},
});

journey('an inspector on a phone records an inspection with a photo and a failed item; the unit sees it once recorded',
	{ browser: { viewport: PHONE, hasTouch: true, isMobile: true } },
	async ({ page, base, server }) => {
		const { unit } = journey.setup();
		await signIn(page, base, 'ijoffice', PASSWORD);
		await page.goto(`${base}/inspections/new?unit_id=${unit}`);
		await page.locator('#f-checklist_id').selectOption({ label: '服務窗口文明服務檢查表' });
		await page.locator('#f-kind').selectOption('task_force');
		await clickAndWait(page, page.getByRole('button', { name: '開始填寫' }));
		assert.match(page.url(), /\/inspections\/\d+\/record$/);
		const recordUrl = page.url();
		const id = Number(/\/inspections\/(\d+)\/record/.exec(recordUrl)[1]);

		// the choices are large enough to tap
		const pass = page.locator('label.ins-pass').first();
		const box = await pass.boundingBox();
		assert.ok(box.height >= 44 && box.width >= 120, `a touch target of ${box.width}×${box.height}`);
		await page.locator('#f-person').fill('窗口負責人 楊帆');
		const items = page.locator('fieldset.ins-item');
		assert.equal(await items.count(), 4);
		await items.nth(0).locator('label.ins-pass').tap();
		await items.nth(1).locator('label.ins-fail').tap();
		await items.nth(1).locator('textarea').fill('對辦事群眾語氣生硬');
		await items.nth(1).locator('input[type=file]').setInputFiles({ name: 'desk.png', mimeType: 'image/png', buffer: png(320, 240) });
		await items.nth(2).locator('label.ins-pass').tap();
		await items.nth(3).locator('label.ins-pass').tap();
		await clickAndWait(page, page.getByRole('button', { name: '保存結果' }));
		assert.equal(page.url(), recordUrl);
		assert.match(await page.locator('.ins-score').textContent(), /得分\s*75(\.0)?\s*·\s*不合格項\s*1$/, 'the score and the failed count');
		assert.equal(await page.locator('.ins-photos img').count(), 1, 'the photo as a thumbnail');
		const raise = page.getByRole('button', { name: '列入整改' });
		assert.equal(await raise.count(), 1, 'the failed item can become a rectification item');
		const formId = await raise.getAttribute('form');
		assert.equal(await page.locator(`form#${formId}[action="/rectification/raise"] input[name=source]`).getAttribute('value'), 'inspection');
		await screenshots(page, 'inspections', 'record');

		// recorded: locked, and the unit is told
		await clickAndWait(page, page.getByRole('link', { name: '確認記錄' }));
		await clickAndWait(page, page.locator('main form button.btn-primary'));
		assert.match(page.url(), new RegExp(`/r/inspections/${id}$`));
		assert.equal(await page.locator('.badge-state').first().textContent(), '已記錄');
		assert.equal(await page.getByRole('button', { name: '列入整改' }).count(), 1, 'on the detail page too');
		await screenshots(page, 'inspections', 'detail');

		// one tap: the failed item becomes a rectification item, opened for
		// the office to adjust, and the inspection lists it
		await clickAndWait(page, page.getByRole('button', { name: '列入整改' }));
		const m = /\/r\/rectifications\/(\d+)\/edit$/.exec(page.url());
		assert.ok(m, `the new item's form: ${page.url()}`);
		const item = Number(m[1]);
		const problem = await page.locator('#f-problem').inputValue();
		assert.ok(problem.includes('服務態度') && problem.includes('對辦事群眾語氣生硬'), problem);
		await clickAndWait(page, page.locator('main form button.btn-primary'));
		assert.match(page.url(), new RegExp(`/r/rectifications/${item}$`));
		await page.goto(`${base}/r/inspections/${id}`);
		assert.equal(await page.locator(`#rectification a[href="/r/rectifications/${item}"]`).count(), 1, 'the inspection lists its item');
		await page.goto(`${base}/inspections/stats`);
		await screenshots(page, 'inspections', 'stats');

		// the unit's administrator, at a desk
		await page.setViewportSize({ width: 1366, height: 768 });
		await page.context().clearCookies();
		await signIn(page, base, 'ijunit', PASSWORD);
		await page.goto(`${base}/inbox`);
		assert.ok(await page.getByText('單位的督查結果已記錄').count() >= 1, 'the unit has a notification');
		await page.goto(`${base}/r/inspections/${id}`);
		assert.ok(await page.getByText('對辦事群眾語氣生硬').count() === 1, 'the unit sees what was found');
		assert.equal(await page.getByRole('button', { name: '列入整改' }).count(), 0);
		await clickAndWait(page, page.locator(`#rectification a[href="/r/rectifications/${item}"]`));
		assert.equal(await page.locator('.badge-state').first().textContent(), '已交辦', 'the unit\'s item, assigned');
		void server;
	});
