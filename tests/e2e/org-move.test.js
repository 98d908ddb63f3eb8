'use strict';
/* Moving a unit in the org tree: find it with the tree's search, 移動,
 * choose the new parent, and see it under that parent. A form that has
 * gone stale (the chosen parent has meanwhile become one of the unit's own
 * sub-units) is refused with the cycle error under the select. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait, seedOrg, selectByText, screenshots } = require('./lib');

const journey = suite(test, { setup: (server) => seedOrg(server) });

/* The <li> of a unit in the tree (a leaf or a node with sub-units). */
function treeItem(page, name) {
	return page.locator('.tree li').filter({
		has: page.locator(':scope > .node > .node-main > a[href^="/r/units/"]', { hasText: new RegExp(`^${name}$`) }),
	});
}

/* Names of the units directly under a unit in the tree. */
async function childrenOf(page, name) {
	return treeItem(page, name).locator(':scope > details > ul > li > .node > .node-main > a[href^="/r/units/"]')
		.allTextContents();
}

journey('move a unit under another parent; a move under its own sub-unit shows the cycle error inline', async ({ page, base, server, newPage }) => {
	const org = journey.setup();
	await signIn(page, base, 'admin', server.adminPassword);
	await clickAndWait(page, page.locator('.sidenav').getByRole('link', { name: '組織架構', exact: true }));
	assert.equal(page.url(), `${base}/org/tree`);
	assert.equal(await page.locator('h1').textContent(), '組織樹');
	assert.deepEqual(await childrenOf(page, '交通運輸局'), ['公路管理處', '運輸管理處']);
	assert.deepEqual(await childrenOf(page, '公路管理處'), ['公路服務窗口']);
	assert.equal(await treeItem(page, '公路服務窗口').isVisible(), false, 'a unit two levels down starts folded away');

	/* Find it: the search keeps the matches and the units above them, opened. */
	await page.getByLabel('搜尋', { exact: true }).fill('服務窗口');
	await clickAndWait(page, page.locator('form.filters').getByRole('button', { name: '搜尋' }));
	const win = treeItem(page, '公路服務窗口');
	assert.equal(await win.isVisible(), true, 'the search opens the path to the match');
	assert.equal(await page.locator('.tree a[href^="/r/units/"]').count(), 3, 'only the match and its ancestors are listed');
	await screenshots(page, 'org', 'tree-search');

	await clickAndWait(page, win.getByRole('link', { name: '移動' }));
	assert.equal(page.url(), `${base}/org/units/${org.units['GLC-CK']}/move`);
	assert.equal(await page.locator('h1').textContent(), '移動 · 公路服務窗口');
	const parent = page.getByLabel('新的上級單位');
	assert.equal(await parent.inputValue(), String(org.units.GLC), 'the current parent is chosen');
	const offered = (await parent.locator('option').allTextContents()).join('|');
	assert.doesNotMatch(offered, /公路服務窗口/, 'the unit itself is not offered as its own parent');
	await screenshots(page, 'org', 'move-form');

	await selectByText(parent, '運輸管理處');
	await clickAndWait(page, page.locator('main form').getByRole('button', { name: '移動' }));
	assert.equal(page.url(), `${base}/org/tree`);
	assert.equal(await page.getByRole('status').first().textContent(), '單位已移動。');
	assert.deepEqual(await childrenOf(page, '運輸管理處'), ['公路服務窗口'], 'the tree shows it under the new parent');
	assert.deepEqual(await childrenOf(page, '公路管理處'), [], 'and no longer under the old one');
	/* Open the new parent's branch: the moved unit is there, with its staff. */
	const ygc = treeItem(page, '運輸管理處');
	await ygc.locator(':scope > details > summary').click();
	assert.equal(await treeItem(page, '公路服務窗口').isVisible(), true);
	assert.match(await treeItem(page, '公路服務窗口').textContent(), /GLC-CK.*窗口.*1 人/);
	await screenshots(page, 'org', 'tree-after-move', {
		reach: async (p) => {
			await p.goto(`${base}/org/tree`);
			await treeItem(p, '運輸管理處').locator(':scope > details > summary').click();
		},
	});

	/* A stale form: this tab opens the move of 公路管理處 and picks
	 * 運輸管理處 as its parent… */
	await clickAndWait(page, treeItem(page, '公路管理處').getByRole('link', { name: '移動' }));
	const glcMove = page.url();
	await selectByText(page.getByLabel('新的上級單位'), '運輸管理處');
	/* …while another tab moves 運輸管理處 under 公路管理處. */
	const other = await newPage();
	await other.goto(`${base}/org/units/${org.units.YGC}/move`);
	const otherOffered = (await other.getByLabel('新的上級單位').locator('option').allTextContents()).join('|');
	assert.doesNotMatch(otherOffered, /公路服務窗口/, 'a unit\'s own sub-units are not offered');
	await selectByText(other.getByLabel('新的上級單位'), '公路管理處');
	await clickAndWait(other, other.locator('main form').getByRole('button', { name: '移動' }));
	assert.equal(await other.getByRole('status').first().textContent(), '單位已移動。');
	await other.close();

	/* Now the first tab's choice would put 公路管理處 under its own child. */
	const [res] = await Promise.all([
		page.waitForResponse((r) => r.url() === glcMove && r.request().method() === 'POST'),
		clickAndWait(page, page.locator('main form').getByRole('button', { name: '移動' })),
	]);
	assert.equal(res.status(), 422);
	assert.equal(page.url(), glcMove, 'stays on the form');
	const field = page.locator('.field').filter({ has: page.getByLabel('新的上級單位') });
	assert.equal(await field.evaluate((el) => el.classList.contains('has-error')), true, 'the field is marked');
	assert.equal(await field.locator('.error').textContent(), '不能把單位移到它自己或其下屬單位之下。');
	assert.equal(await field.locator('.error').isVisible(), true);
	assert.doesNotMatch((await page.getByLabel('新的上級單位').locator('option').allTextContents()).join('|'), /運輸管理處/,
		'the form no longer offers the unit that is now below it');
	await screenshots(page, 'org', 'move-cycle-error', {
		reach: async (p) => {
			/* the same refused POST, from a form with the now-invalid option put back */
			await p.goto(glcMove);
			await p.locator('#f-parent_id').evaluate((el, id) => {
				el.add(new Option('運輸管理處', id));
				el.value = id;
			}, String(org.units.YGC));
			await clickAndWait(p, p.locator('main form').getByRole('button').first());
		},
	});

	/* Nothing moved: 公路管理處 is still under the bureau, with 運輸管理處 under it. */
	await page.goto(`${base}/org/tree`);
	assert.deepEqual(await childrenOf(page, '交通運輸局'), ['公路管理處']);
	assert.deepEqual(await childrenOf(page, '公路管理處'), ['運輸管理處']);
	assert.deepEqual(await childrenOf(page, '運輸管理處'), ['公路服務窗口']);
});
