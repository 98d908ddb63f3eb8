'use strict';
/* The edit form's masked fields: open 王曉明's edit form and see his ID
 * number masked; reveal it (the browser lands on the form again, not on the
 * POST, and a reload masks it again); save without touching it and the
 * stored number is unchanged; type a new one and it replaces it. Then the
 * audit log names him and shows, in words, what the saves changed. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait, seedOrg, apiClient, screenshots } = require('./lib');

const journey = suite(test, { setup: (server) => seedOrg(server) });

const REAL_ID = '330102198503120014';
const NEW_ID = '330102198503120030';
const mask = (id) => `${id.slice(0, 4)}${'*'.repeat(10)}${id.slice(-4)}`;

journey('the edit form masks the ID number until it is revealed; saving keeps it, typing replaces it; the audit log says so in words', async ({ page, base, server }) => {
	const { people } = journey.setup();
	const pid = people['王曉明'];
	const api = apiClient(server);
	const stored = async () => (await api('GET', `/api/v1/people/${pid}?reveal=1`)).data.id_number;
	await signIn(page, base, 'admin', server.adminPassword);
	await page.goto(`${base}/r/people/${pid}`);
	await clickAndWait(page, page.locator('.page-head').getByRole('link', { name: '編輯', exact: true }));
	assert.equal(new URL(page.url()).pathname, `/r/people/${pid}/edit`);

	/* masked, with a way to reveal it */
	const idField = page.getByLabel('身分證號碼');
	assert.equal(await idField.inputValue(), mask(REAL_ID));
	assert.ok(!(await page.content()).includes(REAL_ID), 'the full number is nowhere in the page');
	await screenshots(page, 'records', 'person-edit-masked');

	/* reveal: back on the form (a GET), the number in full, once */
	const reveal = async (p) => {
		await p.goto(`${base}/r/people/${pid}/edit`);
		await clickAndWait(p, p.locator('button[form="reveal-id_number"]'));
	};
	await reveal(page);
	assert.equal(new URL(page.url()).pathname, `/r/people/${pid}/edit`, 'redirected to the form, not left on the POST');
	assert.equal(await idField.inputValue(), REAL_ID);
	assert.equal(await page.getByLabel('電話').inputValue(), '138****5678', 'the phone stays masked');
	await screenshots(page, 'records', 'person-edit-revealed', { reach: reveal });
	await page.reload();
	assert.equal(await idField.inputValue(), mask(REAL_ID), 'a reload masks it again (and posts nothing)');

	/* saved without touching it: unchanged */
	await page.getByLabel('職務').fill('處長');
	await clickAndWait(page, page.getByRole('button', { name: '儲存', exact: true }));
	assert.equal(new URL(page.url()).pathname, `/r/people/${pid}`);
	await page.getByText('已儲存。').waitFor();
	assert.equal(await stored(), REAL_ID, 'the masked value sent back kept the number');

	/* revealed, then saved: unchanged too */
	await reveal(page);
	await clickAndWait(page, page.getByRole('button', { name: '儲存', exact: true }));
	assert.equal(await stored(), REAL_ID);

	/* a new number replaces it */
	await page.goto(`${base}/r/people/${pid}/edit`);
	await idField.fill(NEW_ID);
	await page.getByLabel('出生日期').fill('1985-03-12');
	await page.getByLabel('學歷').selectOption({ label: '碩士' });
	await clickAndWait(page, page.getByRole('button', { name: '儲存', exact: true }));
	assert.equal(await stored(), NEW_ID);
	assert.ok((await page.content()).includes(mask(NEW_ID)), 'shown masked on his page');

	/* the audit log: him by name, what changed in words */
	await page.goto(`${base}/admin/audit?entity=people&entity_id=${pid}`);
	const rows = page.locator('table.list tbody tr');
	const texts = await rows.allTextContents();
	assert.ok(texts.length >= 4 && texts.every((t) => t.includes('人員 王曉明')), texts.join('\n'));
	assert.ok(texts.some((t) => t.includes('查看完整敏感資料')), 'the reveals are there');
	await page.goto(`${base}/admin/audit?entity=people`);
	await screenshots(page, 'audit', 'audit-list');
	await page.goto(`${base}/admin/audit?entity=people&entity_id=${pid}&action=update`);
	await clickAndWait(page, page.locator('table.list tbody tr td:first-child a').first());
	const changed = page.locator('table.audit-changes tbody tr');
	assert.deepEqual(await changed.locator('th').allTextContents(), ['出生日期', '身分證號碼', '學歷'], 'only the fields that changed, by their labels');
	assert.deepEqual(await changed.locator('td').allTextContents(), ['—', '1985年3月12日', mask(REAL_ID), mask(NEW_ID), '—', '碩士'], 'a date as a date, masked numbers, an enum by its label');
	await screenshots(page, 'audit', 'audit-entry');
});
