'use strict';
/* The header's language buttons (繁 / 简 / EN). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait, launch, watch } = require('./lib');

const journey = suite(test, {});

/* The platform's own nav links; modules add more between them. */
const NAV = {
	'zh-Hant': { '/': '首頁', '/admin/users': '使用者', '/admin/audit': '稽核紀錄', '/account': '我的帳號' },
	'zh-Hans': { '/': '首页', '/admin/users': '用户', '/admin/audit': '审计记录', '/account': '我的账号' },
	en: { '/': 'Home', '/admin/users': 'Users', '/admin/audit': 'Audit log', '/account': 'My account' },
};
const SIGN_OUT = { 'zh-Hant': '登出', 'zh-Hans': '退出', en: 'Sign out' };

async function expectLanguage(page, lang) {
	assert.equal(await page.locator('html').getAttribute('lang'), lang, `<html lang> is ${lang}`);
	for (const [href, text] of Object.entries(NAV[lang]))
		assert.equal(await page.locator(`.sidenav a[href="${href}"]`).textContent(), text, `nav link ${href} in ${lang}`);
	if (lang === 'en') {
		const cjk = (await page.locator('.sidenav a').allTextContents()).filter((t) => /[\u3400-\u9fff]/.test(t));
		assert.deepEqual(cjk, [], 'no untranslated nav text on the English page');
	}
	assert.equal(await page.locator('.lang-switch button[aria-pressed="true"]').getAttribute('value'), lang,
		'the pressed button is the current language');
	assert.equal(await page.locator('.topbar .logout button').textContent(), SIGN_OUT[lang]);
}

journey('the header buttons switch the language, which survives a reload and signing in again', async ({ page, base, server }) => {
	await signIn(page, base, 'admin', server.adminPassword, { next: '/admin/users' });
	assert.equal(page.url(), `${base}/admin/users`);
	await expectLanguage(page, 'zh-Hant');

	await clickAndWait(page, page.locator('.topbar .lang-switch').getByRole('button', { name: 'EN' }));
	assert.equal(page.url(), `${base}/admin/users`, 'the switch returns to the same page');
	await expectLanguage(page, 'en');
	assert.equal(await page.locator('h1').textContent(), 'Users');

	await clickAndWait(page, page.locator('.topbar .lang-switch').getByRole('button', { name: '简' }));
	await expectLanguage(page, 'zh-Hans');
	assert.equal(await page.locator('h1').textContent(), '用户');

	await clickAndWait(page, page.locator('.topbar .lang-switch').getByRole('button', { name: 'EN' }));
	await page.reload();
	await expectLanguage(page, 'en');

	/* Sign out: the sign-in page stays in English… */
	await clickAndWait(page, page.getByRole('button', { name: 'Sign out' }));
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	assert.equal(await page.getByRole('status').textContent(), 'You have signed out.');
	/* …and so does the next session. */
	await signIn(page, base, 'admin', server.adminPassword);
	await expectLanguage(page, 'en');

	/* The choice belongs to the account: a fresh browser (no cookies, a
	 * zh-TW Accept-Language) signs in to English too. */
	const other = await launch();
	try {
		const p = other.pages()[0];
		const w = watch(p);
		await signIn(p, base, 'admin', server.adminPassword);
		await expectLanguage(p, 'en');
		/* Back to the default, so a reload shows it */
		await clickAndWait(p, p.locator('.topbar .lang-switch button[value="zh-Hant"]'));
		await p.reload();
		await expectLanguage(p, 'zh-Hant');
		assert.deepEqual(w.list(), []);
	} finally {
		await other.close();
	}
});

journey('the sign-in page switches language before anyone signs in', async ({ page, base }) => {
	await page.goto(`${base}/login`);
	assert.equal(await page.getByRole('button', { name: '登入' }).count(), 1);
	await clickAndWait(page, page.locator('.lang-switch button[value="zh-Hans"]'));
	assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans');
	assert.equal(await page.getByRole('button', { name: '登录' }).count(), 1);
	assert.equal(await page.getByLabel('账号').count(), 1);
	await page.reload();
	assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans');
});
