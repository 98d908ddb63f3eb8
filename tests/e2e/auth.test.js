'use strict';
/* Sign in, a wrong password, sign out. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait } = require('./lib');

const WANG = { name: 'wangxm', display: '王小明', role: 'staff', password: 'Lantern-Harbor-42' };
const journey = suite(test, { users: [WANG] });

journey('signing in with user name and password lands on the home page showing the name', async ({ page, base }) => {
	await page.goto(`${base}/`);
	assert.match(page.url(), /\/login\?next=%2F$/, 'a signed-out visit to / goes to the sign-in page');
	assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hant');
	assert.equal(await page.title(), '登入 · 文明創建管理系統');

	await page.getByLabel('帳號').pressSequentially(WANG.name);
	await page.getByLabel('密碼').pressSequentially(WANG.password);
	await clickAndWait(page, page.getByRole('button', { name: '登入' }));

	assert.equal(page.url(), `${base}/`);
	assert.equal(await page.locator('h1').textContent(), '工作台');
	assert.equal(await page.locator('.topbar .user').textContent(), '王小明');
	assert.match(await page.locator('main').textContent(), /王小明，您好/);
	assert.equal(await page.locator('.sidenav a[aria-current="page"]').textContent(), '首頁');
});

journey('a wrong password shows the error in the language of the page', async ({ page, base }) => {
	await page.goto(`${base}/login`);
	await signIn(page, base, WANG.name, 'not-the-password');
	assert.match(page.url(), /\/login$/);
	assert.equal(await page.getByRole('alert').textContent(), '帳號或密碼錯誤。');
	assert.equal(await page.locator('#f-username').inputValue(), WANG.name, 'the user name is kept');
	assert.equal(await page.locator('#f-password').inputValue(), '', 'the password is not sent back');

	/* The same mistake on the English page reads in English. */
	await clickAndWait(page, page.locator('.lang-switch button[value="en"]'));
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	await signIn(page, base, WANG.name, 'still-not-it');
	assert.equal(await page.getByRole('alert').textContent(), 'The user name or password is wrong.');
	assert.equal(await page.getByRole('button', { name: 'Sign in' }).count(), 1);

	/* …and in Simplified Chinese on the zh-Hans page. */
	await clickAndWait(page, page.locator('.lang-switch button[value="zh-Hans"]'));
	assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans');
	await signIn(page, base, WANG.name, 'wrong-again');
	assert.equal(await page.getByRole('alert').textContent(), '账号或密码错误。');
});

journey('signing out returns to the sign-in page, after which / redirects to /login', async ({ page, base }) => {
	await signIn(page, base, WANG.name, WANG.password);
	assert.equal(page.url(), `${base}/`);

	await clickAndWait(page, page.locator('.topbar').getByRole('button', { name: '登出' }));
	assert.match(page.url(), /\/login$/);
	assert.equal(await page.getByRole('status').textContent(), '您已登出。');
	assert.equal(await page.locator('.topbar .user').count(), 0);

	await page.goto(`${base}/`);
	assert.match(page.url(), /\/login\?next=%2F$/);
	await page.goto(`${base}/account`);
	assert.match(page.url(), /\/login\?next=%2Faccount$/, 'other pages also need a session again');
	await page.goBack();
	await page.reload();
	assert.match(page.url(), /\/login/, 'Back + reload does not bring a signed-in page back');
});
