'use strict';
/* A rater votes from the QR sheet: the office issues ballot codes for a
 * unit's counter and prints the sheet (a QR code and a link per code); a
 * rater opens the link on a phone, without an account, answers every
 * question and leaves an opinion; the ballot is counted once, the code
 * refuses a second ballot, and the office sees the response rate move. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, apiClient, signIn, launch } = require('./lib');

const PHONE = { width: 390, height: 844 };
const PASSWORD = 'Lantern-Harbor-42';

const journey = suite(test, {
	users: [{ name: 'apoffice', display: '王辦事', roles: ['office'], password: PASSWORD }],
	setup: async (server) => {
		const api = apiClient(server);
		const bureau = (await api('POST', '/api/v1/units', { code: 'APB', name: '交通運輸局', kind: 'bureau' })).data.id;
		const unit = (await api('POST', '/api/v1/units', { code: 'APR', name: '公路管理局', kind: 'secondary', parent_id: bureau })).data.id;
		const qnr = (await api('POST', '/api/v1/appraisal_questionnaires', { title: '民主評議問卷', levels: '5' })).data.id;
		const qs = [
			['attitude', '服務熱情、用語文明', '服务热情、用语文明', 'Staff are warm and polite', '5'],
			['efficiency', '辦事效率高，不推諉拖延', '办事效率高，不推诿拖延', 'Works efficiently, without delay', '5'],
			['integrity', '廉潔自律，不以權謀私', '廉洁自律，不以权谋私', 'Clean and self-disciplined', '3'],
		];
		for (const [i, [dimension, hant, hans, en, levels]] of qs.entries())
			await api('POST', '/api/v1/appraisal_questions', { questionnaire_id: qnr, position: i + 1, dimension, text_zh_hant: hant, text_zh_hans: hans, text_en: en, levels });
		const campaign = (await api('POST', '/api/v1/appraisal_campaigns', {
			year: 2026, title: '2026年度民主評議行風', root_unit_id: bureau, unit_kinds: 'secondary', questionnaire_id: qnr,
			period_from: '2026-03-01', period_to: '2026-12-31', weight: 10, min_sample: 1,
		})).data.id;
		const pool = (await api('POST', '/api/v1/appraisal_pools', { campaign_id: campaign, kind: 'service_recipients', name: '窗口服務對象' })).data.id;
		await api('POST', `/api/v1/appraisal_campaigns/${campaign}/transitions/open`, {});
		return { unit, campaign, pool };
	},
});

journey('a rater votes on a phone from the link of the QR sheet; the office sees the response rate move',
	{ browser: { viewport: PHONE, hasTouch: true, isMobile: true } },
	async ({ page, base }) => {
		const { unit, campaign, pool } = journey.setup();
		// the office, at a desk: issue two codes for the unit's counter
		const office = await launch();
		try {
			const op = await office.newPage();
			await signIn(op, base, 'apoffice', PASSWORD);
			await op.goto(`${base}/r/appraisal_campaigns/${campaign}`);
			assert.equal((await op.locator('#rate-total').textContent()).trim(), '—');
			await op.goto(`${base}/appraisal/campaigns/${campaign}/tokens`);
			await op.locator('#f-unit').selectOption(String(unit));
			await op.locator('#f-pool').selectOption(String(pool));
			await op.locator('#f-count').fill('2');
			await clickAndWait(op, op.locator('form[action$="/tokens"] button.btn-primary'));
			assert.equal(await op.locator('.token-card').count(), 2);
			assert.equal(await op.locator('.token-card svg.qr').count(), 2, 'a QR code per code');
			const link = await op.locator('.token-card .token-link a').first().getAttribute('href');
			assert.match(link, /\/ballot\?t=[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);

			// the rater, on a phone, with no account
			await page.goto(link);
			await page.locator('h1', { hasText: '2026年度民主評議行風' }).waitFor();
			assert.match(await page.locator('.ballot-unit').textContent(), /公路管理局/);
			// a change of language keeps the ballot
			await clickAndWait(page, page.locator('.lang-switch button[value="en"]'));
			assert.equal(page.url(), link);
			await page.locator('legend', { hasText: 'Staff are warm and polite' }).waitFor();
			await clickAndWait(page, page.locator('.lang-switch button[value="zh-Hant"]'));
			await page.locator('legend', { hasText: '服務熱情、用語文明' }).waitFor();
			const width = await page.evaluate(() => document.documentElement.scrollWidth);
			assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
			const questions = page.locator('fieldset.ballot-q');
			assert.equal(await questions.count(), 3);
			// forgetting the last question: it is named, the others stay answered
			await questions.nth(0).locator('label', { hasText: '非常滿意' }).click();
			await questions.nth(1).locator('label', { hasText: '基本滿意' }).click();
			await page.locator('#f-opinion').fill('午休時間希望有人值班。');
			await clickAndWait(page, page.locator('form[action="/ballot"] button'));
			await page.locator('.flash-error', { hasText: '廉潔自律，不以權謀私' }).waitFor();
			assert.ok(await questions.nth(0).locator('input[value="5"]').isChecked());
			assert.equal(await page.locator('#f-opinion').inputValue(), '午休時間希望有人值班。');
			await questions.nth(2).locator('label', { hasText: '滿意' }).first().click();
			await clickAndWait(page, page.locator('form[action="/ballot"] button'));
			assert.match(page.url(), /\/ballot\/thanks$/);
			await page.locator('h1', { hasText: '感謝您的評議' }).waitFor();
			// the same link again: used
			const again = await page.goto(link);
			assert.equal(again.status(), 410);
			await page.locator('h1', { hasText: '這個評議碼已經使用過' }).waitFor();

			// the office sees one of two codes returned
			await op.goto(`${base}/r/appraisal_campaigns/${campaign}`);
			assert.equal((await op.locator('#rate-total').textContent()).trim(), '50.0%');
			await op.goto(`${base}/appraisal/campaigns/${campaign}/units/${unit}`);
			await op.locator('.opinions li', { hasText: '午休時間希望有人值班。' }).waitFor();
		} finally {
			await office.close();
		}
	});
