'use strict';
/* Navigation on a phone (390×844): the side nav hides behind the ☰ button.
 * The toggle is a CSS checkbox, so it must work with JavaScript off too. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait } = require('./lib');

const journey = suite(test, {});
const PHONE = { width: 390, height: 844 };

async function noSidewaysScroll(page) {
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(w <= PHONE.width, `page is ${w}px wide on a ${PHONE.width}px screen (${page.url()})`);
}

for (const js of [true, false]) {
	journey(`phone: ☰ opens the hidden side nav and a nav link navigates (JavaScript ${js ? 'on' : 'off'})`,
		{ browser: { viewport: PHONE, javaScriptEnabled: js, hasTouch: true, isMobile: true } },
		async ({ page, base, server }) => {
			await page.goto(`${base}/login`);
			await noSidewaysScroll(page);
			await signIn(page, base, 'admin', server.adminPassword);
			assert.equal(page.url(), `${base}/`);
			assert.equal(await page.evaluate(() => document.documentElement.classList.contains('js')), js);

			const nav = page.locator('#sidenav');
			const burger = page.locator('label.nav-btn');
			assert.equal(await nav.isVisible(), false, 'the side nav starts hidden');
			assert.equal(await burger.isVisible(), true, 'the ☰ button shows');
			assert.equal(await page.locator('.brand img').isVisible(), true);
			await noSidewaysScroll(page);

			await burger.click();
			assert.equal(await nav.isVisible(), true, '☰ opens the nav');
			assert.equal(await page.getByRole('checkbox', { name: '選單' }).isChecked(), true);
			const users = nav.getByRole('link', { name: '使用者', exact: true });
			// the nav is longer than a phone screen: it scrolls to its last links
			await users.scrollIntoViewIfNeeded();
			const box = await users.boundingBox();
			assert.ok(box && box.height >= 44 && box.y + box.height <= PHONE.height, 'nav links are tappable and on screen');

			await burger.click();
			assert.equal(await nav.isVisible(), false, '☰ again closes it');
			await burger.click();
			if (js) {
				await page.keyboard.press('Escape');
				assert.equal(await nav.isVisible(), false, 'Escape closes it (JS nicety)');
				await burger.click();
			}

			await clickAndWait(page, users);
			assert.equal(page.url(), `${base}/admin/users`);
			assert.equal(await page.locator('h1').textContent(), '使用者');
			assert.equal(await nav.isVisible(), false, 'the new page starts with the nav closed');
			await noSidewaysScroll(page);

			await burger.click();
			assert.equal(await nav.locator('a[aria-current="page"]').textContent(), '使用者');
			await clickAndWait(page, nav.getByRole('link', { name: '稽核紀錄', exact: true }));
			assert.equal(page.url(), `${base}/admin/audit`);
			await noSidewaysScroll(page);
		});
}
