'use strict';
/* The public portal on a phone (375×812): a citizen with no account files a
 * complaint with a photo, the category's own question (shown when the
 * category is chosen) and "use my location", gets the tracking code, and
 * follows it to the tracking page; the same form without JavaScript. The
 * portal is photographed at 375×812 and 1280×800 in zh-Hant and en
 * (build/screenshots/cases-public/, E2E_SCREENSHOTS=0 skips them). */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { suite, clickAndWait, apiClient, png, ROOT } = require('./lib');

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

const journey = suite(test, {
	setup: async (server) => {
		const api = apiClient(server);
		const unit = (await api('POST', '/api/v1/units', { code: 'PB', name: '公車管理處', kind: 'secondary' })).data.id;
		const cat = async (body) => (await api('POST', '/api/v1/case_categories', { days: 10, public: true, unit_id: unit, ...body })).data.id;
		const buses = await cat({ code: 'buses', name: '公車服務', group_name: '交通' });
		await cat({ code: 'roads', name: '道路設施', group_name: '交通' });
		await cat({ code: 'conduct', name: '服務態度', group_name: '行風' });
		await api('POST', '/api/v1/case_attributes', { category_id: buses, code: 'line', label: '路線', datatype: 'singlevaluelist', required: true, choices: '12=12 路\n36=36 路' });
		await api('POST', '/api/v1/case_attributes', { category_id: buses, code: 'plate', label: '車牌', datatype: 'string' });
		return { api, buses };
	},
});

async function noSidewaysScroll(page) {
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	const vw = page.viewportSize().width;
	assert.ok(w <= vw, `page is ${w}px wide on a ${vw}px screen (${page.url()})`);
}

const SHOTS = path.join(ROOT, 'build', 'screenshots', 'cases-public');

/* The page as it is, at both sizes, named NAME-LANG-SIZE.png; reach(page)
 * brings it back after a resize (GET pages: reload). */
async function shoot(page, name, lang, reach) {
	if (process.env.E2E_SCREENSHOTS === '0') return;
	fs.mkdirSync(SHOTS, { recursive: true });
	const start = page.viewportSize();
	for (const [size, vp] of [['phone', PHONE], ['desktop', DESKTOP]]) {
		await page.setViewportSize(vp);
		if (reach) await reach(page);
		await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}-${size}.png`), fullPage: true });
	}
	await page.setViewportSize(start);
	if (reach) await reach(page);
}

journey('phone: a citizen files a complaint with a photo and their location, keeps the code and tracks the case',
	{ browser: { viewport: PHONE, hasTouch: true, isMobile: true, geolocation: { latitude: 22.543096, longitude: 114.057865 }, permissions: ['geolocation'] } },
	async ({ page, base }) => {
		await page.goto(`${base}/public/`);
		assert.equal(await page.locator('h1').textContent(), '我要留言');
		assert.equal(await page.locator('.sidenav').count(), 0, 'no application navigation');
		await noSidewaysScroll(page);
		await shoot(page, 'form', 'zh-Hant', (p) => p.reload());

		// the kind, as a chip big enough for a thumb
		const chip = page.locator('label.chip', { hasText: '投訴' });
		const box = await chip.boundingBox();
		assert.ok(box.height >= 44, `the kind chip is ${box.height}px tall`);
		await chip.click();
		// choosing the category brings its own question, without a reload
		await page.locator('#f-category_id').selectOption({ label: '公車服務' });
		await page.locator('#f-x_line').waitFor();
		assert.equal(await page.locator('.nojs button').isVisible(), false, 'the no-script button is hidden');
		await page.locator('#f-x_line').selectOption('12');
		await page.locator('#f-x_plate').fill('粵B-12345');
		await page.locator('#f-title').fill('12 路公車過站不停');
		await page.locator('#f-description').fill('今天早上 8 點在市民中心站，12 路公車沒有停靠，等了 20 分鐘。');
		await page.locator('#f-address').fill('市民中心站');
		// "use my location"
		await page.getByRole('button', { name: '使用我目前的位置' }).click();
		await page.waitForFunction(() => document.getElementById('f-lat').value !== '');
		assert.equal(await page.locator('#f-lat').inputValue(), '22.543096');
		assert.equal(await page.locator('#f-lon').inputValue(), '114.057865');
		await page.locator('#f-photos').setInputFiles({ name: 'bus-stop.png', mimeType: 'image/png', buffer: png(480, 360) });
		await page.locator('#f-contact_phone').fill('13912345678');
		assert.equal(await page.locator('input[name="privacy"][value="confidential"]').isChecked(), true, 'confidential by default');
		await shoot(page, 'form-filled', 'zh-Hant');
		// a person takes more than the form's minimum time
		await page.waitForTimeout(3100);
		await clickAndWait(page, page.getByRole('button', { name: '送出', exact: true }));

		assert.equal(await page.locator('h1').textContent(), '已收到您的留言');
		const code = (await page.locator('#tracking-code').textContent()).trim();
		assert.match(code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
		const codeBox = await page.locator('#tracking-code').boundingBox();
		assert.ok(codeBox.width <= PHONE.width - 32, 'the code fits the phone');
		await noSidewaysScroll(page);
		await shoot(page, 'done', 'zh-Hant');

		await clickAndWait(page, page.getByRole('link', { name: '查詢辦理進度' }));
		assert.ok(page.url().startsWith(`${base}/public/track?code=`));
		assert.equal(await page.locator('.public-facts .badge-state').textContent(), '已登記');
		assert.equal(await page.locator('.public-facts').getByText('公車服務').count(), 1);
		assert.equal(await page.locator('.public-photos img').count(), 1, 'the photo, as a thumbnail');
		assert.equal(await page.getByText('13912345678').count(), 0, 'no contact details');
		await noSidewaysScroll(page);
		await shoot(page, 'track', 'zh-Hant', (p) => p.reload());

		// the office answers and closes it: the reply shows, and a rating is asked for
		const { api } = journey.setup();
		const id = (await api('GET', '/api/v1/cases?per_page=1&sort=-id')).data[0].id;
		await api('POST', `/api/v1/cases/${id}/transitions/resolve`, { reply: '已通知公車公司加強駕駛員培訓，\n並在市民中心站加裝停靠提示。', note: '內部：駕駛員已扣分' });
		await page.reload();
		assert.equal(await page.locator('.public-facts .badge-state').textContent(), '已辦結');
		assert.equal(await page.locator('.reply-text').count(), 1);
		assert.equal(await page.getByText('內部：駕駛員已扣分').count(), 0, 'no internal note');
		await shoot(page, 'track-closed', 'zh-Hant', (p) => p.reload());
		await page.getByLabel('不滿意', { exact: true }).check();
		await page.locator('#f-rating_comment').fill('站牌還是沒有提示。');
		await clickAndWait(page, page.getByRole('button', { name: '送出評價' }));
		assert.equal(await page.locator('.public-facts .badge-state').textContent(), '辦理中');
		assert.equal(await page.getByText('因您的評價為不滿意，案件已重新辦理').count(), 1);
		assert.equal(await page.locator('form[action="/public/track/rate"]').count(), 0, 'no rating while it is handled again');
		await shoot(page, 'track-reopened', 'zh-Hant');

		// typed in the lookup form (lower case, no dashes), in English
		await page.goto(`${base}/public/track?lang=en`);
		await page.locator('#f-code').fill(code.toLowerCase().replace(/-/g, ''));
		await clickAndWait(page, page.getByRole('button', { name: 'Look up' }));
		assert.equal(page.url(), `${base}/public/track`, 'the code stays out of the address');
		assert.equal(await page.locator('.public-facts .badge-state').textContent(), 'In hand');
		await shoot(page, 'track', 'en');
		await page.goto(`${base}/public/`);
		assert.equal(await page.locator('h1').textContent(), 'Send a message');
		await shoot(page, 'form', 'en', (p) => p.reload());
		await page.goto(`${base}/public/track`);
		await shoot(page, 'lookup', 'en', (p) => p.reload());
		// the language switch goes back to Traditional Chinese
		await clickAndWait(page, page.locator('.lang-switch button[value="zh-Hant"]'));
		assert.equal(page.url(), `${base}/public/track`);
		assert.equal(await page.locator('h1').textContent(), '查詢進度');
	});

journey('phone without JavaScript: the category\'s questions come with a button, the form still files the case',
	{ browser: { viewport: PHONE, javaScriptEnabled: false, hasTouch: true, isMobile: true } },
	async ({ page, base }) => {
		await page.goto(`${base}/public/`);
		assert.equal(await page.getByRole('button', { name: '使用我目前的位置' }).count(), 0, 'no location button without the script');
		await page.locator('label.chip', { hasText: '建議' }).click();
		await page.locator('#f-category_id').selectOption({ label: '公車服務' });
		await page.locator('#f-title').fill('建議增加班次');
		await page.locator('#f-description').fill('36 路尖峰時段太擠，建議增加班次。');
		await clickAndWait(page, page.getByRole('button', { name: '顯示此類別的欄位' }));
		assert.equal(await page.locator('#f-title').inputValue(), '建議增加班次', 'what was typed stays');
		await page.locator('#f-x_line').selectOption('36');
		await page.locator('input[name="privacy"][value="anonymous"]').check();
		await page.waitForTimeout(3100);
		await clickAndWait(page, page.getByRole('button', { name: '送出', exact: true }));
		assert.equal(await page.locator('h1').textContent(), '已收到您的留言');
		await noSidewaysScroll(page);
	});
