'use strict';
/* Accessibility of the pages axe-core found wanting, on the demo
 * organization: the unit tree, required fields and the error summary, and
 * tables and charts that scroll sideways on a phone. Every journey (here
 * and in the other files) also runs axe-core on each page it reaches
 * (lib.js auditPages) and fails on a serious or critical violation; the
 * first journey shows that check failing on a page built to fail it. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait, axeCheck, selectByText, screenshots } = require('./lib');

const journey = suite(test, { setup: (server) => server.cli(['demo']) });
const PHONE = { width: 390, height: 844 };

journey('the axe-core check reports a serious violation (text at 2.3:1, an image without a text alternative)', async ({ page }) => {
	await page.setContent('<!doctype html><html lang="en"><head><title>bad</title></head><body><main>'
		+ '<p style="color:#aaa;background:#fff">faint text</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>');
	const found = await axeCheck(page);
	assert.ok(found.some((v) => /^serious color-contrast/.test(v)), found.join('\n'));
	assert.ok(found.some((v) => /^critical image-alt/.test(v)), found.join('\n'));
});

journey('the unit tree: links outside <summary>, underlined; the fold buttons are named and work from the keyboard', async ({ page, base, server }) => {
	await signIn(page, base, 'admin', server.adminPassword);
	await page.goto(`${base}/org/tree`);
	assert.equal(await page.locator('.tree summary a, .tree summary button').count(), 0, 'nothing interactive inside a summary');
	const link = page.locator('.tree .node-main > a[href^="/r/units/"]').first();
	assert.match(await link.evaluate((a) => getComputedStyle(a).textDecorationLine), /underline/);
	/* a handle: a locator of folded branches would move on to the next one once this unfolds */
	const fold = await page.locator('.tree details:not([open]) > summary').filter({ visible: true }).first().elementHandle();
	assert.match(await fold.textContent(), /的下級單位$/, 'the fold button says what it folds');
	await fold.focus();
	await page.keyboard.press('Enter');
	assert.equal(await fold.evaluate((s) => s.parentElement.open), true, 'Enter unfolds');
	await page.keyboard.press('Space');
	assert.equal(await fold.evaluate((s) => s.parentElement.open), false, 'Space folds again');
	await screenshots(page, 'a11y', 'tree');
});

journey('a form: required fields say so in words; after a refused save focus is on the error summary', async ({ page, base, server }) => {
	await signIn(page, base, 'admin', server.adminPassword);
	async function refused(p) {
		await p.goto(`${base}/r/people/new`);
		await p.locator('#f-name').fill('無障礙測試');
		await selectByText(p.locator('#f-unit_id'), '公路管理局');
		await p.locator('#f-phone').fill('abc'); /* the browser lets it through; the server does not */
		const [res] = await Promise.all([p.waitForNavigation(), p.locator('form.form button.btn-primary').click()]);
		return res;
	}
	await page.goto(`${base}/r/people/new`);
	for (const name of ['unit_id', 'status', 'name']) {
		const label = page.locator(`label[for="f-${name}"]`);
		assert.equal(await label.locator('.sr-only').textContent(), '（必填）', `${name}: "required" in words`);
		assert.equal(await label.locator('.req').getAttribute('aria-hidden'), 'true', `${name}: the asterisk is not read`);
		assert.equal(await page.locator(`#f-${name}`).evaluate((el) => el.required), true, `${name}: required`);
	}
	assert.equal(await page.getByRole('combobox', { name: /^所屬單位\s*（必填）$/ }).count(), 1, 'the name read out says required');
	const res = await refused(page);
	assert.equal(res.status(), 422);
	assert.equal(await page.evaluate(() => document.activeElement.classList.contains('form-errors')), true,
		'focus is on the error summary');
	assert.equal(await page.locator('#f-phone').getAttribute('aria-invalid'), 'true');
	await screenshots(page, 'a11y', 'form-refused', { reach: refused });
});

journey('on a phone, the chart fits the screen, a register list is a column of cards, and a wide table scrolls sideways and can be reached and scrolled with the keyboard', { browser: { viewport: PHONE, hasTouch: true, isMobile: true } }, async ({ page, base, server }) => {
	await signIn(page, base, 'admin', server.adminPassword);
	await page.goto(`${base}/org/stats`);
	const chart = page.locator('figure.chart').first();
	assert.ok(await chart.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= window.innerWidth),
		'the chart is drawn for the phone: no sideways scrolling');
	assert.equal(await page.locator('svg.chart-narrow').isVisible(), true);
	assert.equal(await page.locator('svg.chart-wide').isVisible(), false);
	const font = await page.locator('svg.chart-narrow text.chart-cat').first().evaluate((el) => el.getBoundingClientRect().height);
	assert.ok(font >= 10, `labels stay readable (${font} px)`);
	// a register's list is a column of cards: nothing scrolls sideways, each value under its label
	await page.goto(`${base}/r/people`);
	const list = page.locator('.table-wrap').first();
	assert.ok(await list.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the staff list fits the phone');
	assert.equal(await page.locator('table.list thead').isVisible(), false, 'no header row');
	const card = page.locator('table.list tbody tr').first();
	assert.equal(await card.evaluate((el) => getComputedStyle(el).display), 'block');
	const label = await card.locator('td[data-label]').first().evaluate((el) => getComputedStyle(el, '::before').content);
	assert.match(label, /^".+"$/, 'a cell shows its label');
	for (const [path, selector] of [['/org/stats', '.table-wrap']]) {
		await page.goto(`${base}${path}`);
		const box = page.locator(selector).first();
		assert.ok(await box.evaluate((el) => el.scrollWidth > el.clientWidth), `${path}: ${selector} is wider than the screen`);
		assert.equal(await box.getAttribute('tabindex'), '0', `${path}: ${selector} is in the tab order`);
		assert.ok(await box.evaluate((el) => el.getAttribute('aria-label') || el.querySelector('figcaption')), `${path}: it has a name`);
		await box.focus();
		await page.keyboard.press('ArrowRight');
		await page.waitForFunction((el) => el.scrollLeft > 0, await box.elementHandle(), { timeout: 2000 });
	}
	await page.goto(`${base}/r/people`);
	await screenshots(page, 'a11y', 'people-list', { sizes: ['phone', 'desktop'] });
	await page.goto(`${base}/org/stats`);
	await screenshots(page, 'a11y', 'stats', { sizes: ['phone', 'desktop'] });
});

journey('the sign-in page and the menu button pass axe on a phone', { browser: { viewport: PHONE, hasTouch: true, isMobile: true } }, async ({ page, base, server }) => {
	await page.goto(`${base}/login`);
	await signIn(page, base, 'admin', server.adminPassword);
	const burger = page.locator('label.nav-btn');
	assert.equal(await burger.getAttribute('aria-hidden'), null, 'the menu label is not aria-hidden');
	await burger.click();
	assert.deepEqual(await axeCheck(page), [], 'with the menu open');
	await clickAndWait(page, page.locator('#sidenav').getByRole('link', { name: '使用者', exact: true }));
});
