'use strict';
/* An administrator creates an account through the form, then disables it
 * through the confirmation page (a page of its own, never a JS dialog). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait, launch, watch } = require('./lib');

const journey = suite(test, {});
const NEW = { name: 'chen.jg', display: '陳建國', password: 'Harbour-Lights-2026' };

journey('admin creates a user (after an inline validation error), then disables it via the confirm page', async ({ page, base, server }) => {
	await signIn(page, base, 'admin', server.adminPassword);
	await clickAndWait(page, page.locator('.sidenav').getByRole('link', { name: '使用者', exact: true }));
	assert.equal(page.url(), `${base}/admin/users`);
	await clickAndWait(page, page.getByRole('link', { name: '新增使用者' }));
	assert.equal(page.url(), `${base}/admin/users/new`);
	assert.equal(await page.locator('h1').textContent(), '新增使用者');

	/* First attempt: a password that is too short. */
	await page.getByLabel('帳號').fill(NEW.name);
	await page.getByLabel('姓名').fill(NEW.display);
	await page.getByLabel('密碼').fill('short1');
	await page.getByLabel('文明辦').check();
	await clickAndWait(page, page.getByRole('button', { name: '儲存' }));

	assert.equal(await page.locator('.form-errors[role="alert"]').textContent(), '請修正下列標示的欄位。');
	const pw = page.locator('#f-new_password');
	assert.equal(await pw.getAttribute('aria-invalid'), 'true');
	const [errId, hintId] = (await pw.getAttribute('aria-describedby')).split(' ');
	assert.equal(await page.locator(`#${errId}`).textContent(), '密碼至少需要 10 個字元。', 'the error sits under the field and is tied to it');
	assert.match(await page.locator(`#${hintId}`).textContent(), /至少 10 個字元/, 'so is the hint with the rules');
	assert.equal(await page.locator('.field.has-error').count(), 1, 'only the password field is marked');
	assert.equal(await page.getByLabel('帳號').inputValue(), NEW.name, 'what was typed is kept');
	assert.equal(await page.getByLabel('姓名').inputValue(), NEW.display);
	assert.equal(await pw.inputValue(), '', 'the password is not echoed back');
	assert.equal(await page.getByLabel('文明辦').isChecked(), true, 'the roles chosen are kept');

	/* Second attempt: a good password. */
	await pw.fill(NEW.password);
	await clickAndWait(page, page.getByRole('button', { name: '儲存' }));
	const m = /\/admin\/users\/(\d+)$/.exec(page.url());
	assert.ok(m, `lands on the new user's page, not ${page.url()}`);
	const userUrl = page.url();
	assert.equal(await page.getByRole('status').first().textContent(), '使用者已建立。');
	assert.equal(await page.locator('h1').textContent(), NEW.name);
	assert.equal(await page.getByLabel('姓名').inputValue(), NEW.display);

	/* Disable: the button leads to a confirmation page… */
	await clickAndWait(page, page.locator('.page-head').getByRole('link', { name: '停用' }));
	assert.equal(page.url(), `${userUrl}/disable`);
	assert.equal(await page.locator('.confirm h2').textContent(), `確定要停用「${NEW.name}」嗎？`);
	/* …whose Cancel goes back without changing anything… */
	await clickAndWait(page, page.locator('.confirm').getByRole('link', { name: '取消' }));
	assert.equal(page.url(), userUrl);
	assert.equal(await page.locator('.flash').count(), 0);
	/* …and whose button does it. */
	await clickAndWait(page, page.locator('.page-head').getByRole('link', { name: '停用' }));
	await clickAndWait(page, page.locator('.confirm').getByRole('button', { name: '停用' }));
	assert.equal(page.url(), userUrl);
	assert.equal(await page.getByRole('status').first().textContent(), '帳號已停用。');
	assert.match(await page.locator('main').textContent(), /此帳號目前已停用，無法登入。/);
	assert.equal(await page.locator('.page-head').getByRole('link', { name: '啟用' }).count(), 1);

	/* The list shows it as disabled, and a search finds it. */
	await page.goto(`${base}/admin/users?q=${encodeURIComponent('陳建')}`);
	const rows = page.locator('table.list tbody tr');
	assert.equal(await rows.count(), 1);
	assert.match(await rows.first().textContent(), /chen\.jg.*陳建國.*文明辦/);
	assert.equal(await rows.first().locator('.badge-danger').textContent(), '停用');

	/* And the account can no longer sign in. */
	const other = await launch();
	try {
		const p = other.pages()[0];
		const w = watch(p);
		await signIn(p, base, NEW.name, NEW.password);
		assert.match(p.url(), /\/login$/);
		assert.equal(await p.getByRole('alert').textContent(), '帳號或密碼錯誤。');
		assert.deepEqual(w.list(), []);
	} finally {
		await other.close();
	}
});
