'use strict';
/* A unit's page shows the staff figures of its whole subtree and the units
 * directly under it; /org/stats draws an SVG bar chart with a group of bars
 * per sub-unit, and its figures lead to the matching staff list. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, signIn, clickAndWait, seedOrg, screenshots } = require('./lib');

const journey = suite(test, { setup: (server) => seedOrg(server) });

/* The label → value pairs of the figure tiles in a container. */
async function tiles(scope) {
	return Object.fromEntries(await scope.locator('.tile').evaluateAll((els) => els.map((el) => [
		el.querySelector('.tile-label').textContent, el.querySelector('.tile-value').textContent])));
}

journey('the unit page shows its subtree figures; /org/stats has an SVG bar chart with a bar per sub-unit', async ({ page, base, server }) => {
	const { units } = journey.setup();
	await signIn(page, base, 'admin', server.adminPassword);
	await clickAndWait(page, page.locator('.sidenav').getByRole('link', { name: '組織架構', exact: true }));
	await clickAndWait(page, page.locator('.tree').getByRole('link', { name: '公路管理處', exact: true }));
	assert.equal(page.url(), `${base}/r/units/${units.GLC}`);
	assert.equal(await page.locator('h1').textContent(), '公路管理處');

	/* 公路管理處 with its window: 王曉明 and 李淑芬 are active (張志偉 is retired). */
	const figures = page.locator('section.card').filter({ has: page.getByRole('heading', { name: '人員統計' }) });
	assert.deepEqual(await tiles(figures), {
		在職人數: '2', 黨員: '1', 持證執法人員: '1', 中級以上專業技術人員: '1',
	}, 'figures for the unit and everything under it');
	const subUnits = page.locator('section.card').filter({ has: page.getByRole('heading', { name: '下屬單位' }) });
	const rows = await subUnits.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
	assert.deepEqual(rows, [['公路服務窗口', '窗口', '李淑芬']], 'the units directly under it, with their heads');
	await screenshots(page, 'org', 'unit-page');

	await clickAndWait(page, figures.getByRole('link', { name: '查看此單位及下屬單位的人員' }));
	assert.equal(page.url(), `${base}/r/people?unit_id=${units.GLC}`);
	assert.deepEqual((await page.locator('table.list tbody td:first-child').allTextContents()).sort(),
		['李淑芬', '王曉明'].sort(), 'the staff list of the subtree: the active staff by default');
	assert.equal(await page.locator('#f-status').inputValue(), 'active', 'the filter says so');
	await page.locator('#f-status').selectOption('');
	await clickAndWait(page, page.getByRole('button', { name: '篩選' }));
	assert.deepEqual((await page.locator('table.list tbody td:first-child').allTextContents()).sort(),
		['張志偉', '李淑芬', '王曉明'].sort(), 'all of them, the retired too, when asked');

	/* The bureau's statistics: one group of bars per secondary unit. */
	await clickAndWait(page, page.locator('.sidenav').getByRole('link', { name: '組織架構', exact: true }));
	await clickAndWait(page, page.locator('.page-head').getByRole('link', { name: '人員統計' }));
	assert.equal(page.url(), `${base}/org/stats`);
	assert.equal(await page.locator('h1').textContent(), '人員統計 · 交通運輸局');
	assert.deepEqual(await tiles(page.locator('main > .tiles, main .tiles').first()), {
		在職人數: '5', 黨員: '2', 持證執法人員: '1', 中級以上專業技術人員: '2',
	});
	const chart = page.getByRole('img', { name: '各下屬單位人員構成' });
	assert.equal(await chart.count(), 1, 'one chart, an <svg role="img"> named by its caption');
	assert.equal(await chart.evaluate((el) => el.tagName), 'svg');
	assert.equal(await chart.isVisible(), true);
	assert.deepEqual(await chart.locator('text.chart-cat').allTextContents(), ['公路管理處', '運輸管理處'],
		'a category per sub-unit');
	const totals = chart.locator('rect.chart-s0:has(title)');
	assert.deepEqual(await totals.locator('title').allTextContents(), ['在職人數: 2', '在職人數: 3'],
		'a 在職人數 bar per sub-unit, with its value');
	const [w2, w3] = await totals.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
	assert.ok(Math.abs(w2 / w3 - 2 / 3) < 0.01, `bars are to scale (${w2} vs ${w3})`);
	for (const s of [1, 2, 3])
		assert.equal(await chart.locator(`rect.chart-s${s}:has(title)`).count(), 2, `series ${s} has a bar per sub-unit`);
	const table = await page.locator('main table.list tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
	assert.deepEqual(table, [['公路管理處', '2', '1', '1', '1'], ['運輸管理處', '3', '1', '0', '1'],
		['交通運輸局（本級）', '0', '0', '0', '0'], ['合計', '5', '2', '1', '2']],
		'the same figures as a table, with the unit\'s own staff and the total, so the rows add up');
	await screenshots(page, 'org', 'stats');

	/* Another unit, found through the picker's search box (the units API, either script). */
	const find = page.locator('.unit-find[data-for="f-unit"]');
	assert.equal(await find.isVisible(), true, 'the search box shows where scripts run');
	await find.fill('运输管理');
	await page.waitForFunction(() => [...document.querySelectorAll('#f-unit option')].some((o) => o.textContent.includes('運輸管理處') && o.selected));
	await clickAndWait(page, page.getByRole('button', { name: '顯示' }));
	assert.equal(page.url(), `${base}/org/stats?unit=${units.YGC}`);
	assert.equal(await page.locator('h1').textContent(), '人員統計 · 運輸管理處');
	await page.goBack();

	/* A figure leads to the people it counts. */
	await clickAndWait(page, page.locator('a.tile').filter({ hasText: '黨員' }));
	assert.equal(page.url(), `${base}/r/people?unit_id=${units.JTJ}&status=active&party_member=1`);
	assert.deepEqual((await page.locator('table.list tbody td:first-child').allTextContents()).sort(), ['王曉明', '陳建國'].sort());

	/* A sub-unit's own statistics, from the table. */
	await page.goBack();
	await clickAndWait(page, page.locator('main table.list').getByRole('link', { name: '運輸管理處' }));
	assert.equal(page.url(), `${base}/org/stats?unit=${units.YGC}`);
	assert.equal((await tiles(page.locator('main .tiles').first()))['在職人數'], '3');
	assert.equal(await page.getByRole('img').filter({ has: page.locator('text.chart-cat') }).count(), 0,
		'no chart for a unit without sub-units');
});
