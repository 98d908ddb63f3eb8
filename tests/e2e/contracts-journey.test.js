'use strict';
/* Responsibility contracts in the browser, layer by layer: the office
 * issues this year's contracts to every secondary unit and signs for the
 * bureau; the secondary unit's clerk signs, decomposes to its window and
 * signs that for the issuer; the window's leader signs and decomposes to
 * the posts — and a window's post holder signs their own contract on a
 * phone (390×844): the home page's tile, the waiting card, a big button,
 * the state after.
 * Screenshots of the overview and the contract pages at desktop and phone
 * sizes, in zh-Hant and en (build/screenshots/contracts/). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { suite, clickAndWait, apiClient, signIn, screenshots } = require('./lib');

const PASSWORD = 'Lantern-Harbor-42';
// the server's year (its zone is Asia/Shanghai, whatever the machine's)
const YEAR = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 4));
const PHONE = { width: 390, height: 844 };

const journey = suite(test, {
	users: [{ name: 'ctoffice', display: '吳文明', role: 'office', password: PASSWORD }],
	setup: async (server) => {
		const api = apiClient(server);
		const unit = async (code, name, kind, parent) => (await api('POST', '/api/v1/units', { code, name, kind, parent_id: parent ?? null })).data.id;
		const B = await unit('CB', '市交通運輸局', 'bureau');
		const S1 = await unit('CS1', '運輸管理處', 'secondary', B);
		const W1 = await unit('CW1', '辦證窗口', 'window', S1);
		const S2 = await unit('CS2', '公路管理局', 'secondary', B);
		for (const [name, display, role, u] of [['cts1', '陳處長', 'unit_admin', S1], ['ctw1', '林站長', 'leader', W1], ['ctp1', '王小明', 'staff', W1]])
			server.cli(['user', 'add', name, '--name', display, '--role', role, '--unit', String(u), '--password-stdin'], `${PASSWORD}\n`);
		await api('POST', '/api/v1/people', { name: '王小明', unit_id: W1, status: 'active', account: 'ctp1', position: '窗口受理員' });
		const file = server.db.replace(/^sqlite:/, '');
		const sql = (q) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' }).trim();
		sql(`INSERT INTO assess_systems (year, version, name, state, total_points, created_at) VALUES (${YEAR}, 1, '${YEAR} 年度文明創建考核指標體系', 'in_use', 30, 0)`);
		const sys = sql(`SELECT id FROM assess_systems WHERE year = ${YEAR}`);
		const ind = (parent, level, pos, name, pts) => {
			sql(`INSERT INTO assess_indicators (system_id, parent_id, level, position, name, max_points) VALUES (${sys}, ${parent ?? 'NULL'}, ${level}, ${pos}, '${name}', ${pts})`);
			return sql(`SELECT id FROM assess_indicators WHERE system_id = ${sys} AND name = '${name}'`);
		};
		const org = ind(null, 1, 1, '組織領導', 0);
		ind(org, 2, 1, '領導機構與年度計畫', 8);
		ind(org, 2, 2, '周五學習日出勤', 7);
		const svc = ind(null, 1, 2, '服務質量', 0);
		ind(svc, 2, 1, '群眾滿意率', 10);
		ind(svc, 2, 2, '服務環境', 5);
		return { sql, S1, W1 };
	},
});

journey('the office issues to every secondary unit and signs for the bureau', async ({ page, base }) => {
	await signIn(page, base, 'ctoffice', PASSWORD);
	await page.goto(`${base}/assessment/contracts`);
	await clickAndWait(page, page.locator('#issue-all'));
	assert.equal(await page.locator('#contracts tr[data-contract]').count(), 2);
	await clickAndWait(page, page.locator('#contracts a', { hasText: '運輸管理處' }));
	assert.equal(await page.locator('#state').getAttribute('data-state'), 'issued');
	await clickAndWait(page, page.locator('#sign'));
	assert.match(await page.locator('#sig-issuer').textContent(), /吳文明/);
	await page.goto(`${base}/assessment/contracts`);
	await screenshots(page, 'contracts', 'overview-office');
});

journey('the secondary unit signs, decomposes to its window and signs that for the issuer', async ({ page, base }) => {
	await signIn(page, base, 'cts1', PASSWORD);
	await page.goto(`${base}/assessment/contracts`);
	await clickAndWait(page, page.locator('#waiting-mine a.btn').first());
	await clickAndWait(page, page.locator('#sign'));
	assert.equal(await page.locator('#state').getAttribute('data-state'), 'in_force');
	await clickAndWait(page, page.locator('#decompose-all'));
	assert.equal(await page.locator('#children tr[data-child]').count(), 1);
	assert.equal(await page.locator('#covered').count(), 1);
	await screenshots(page, 'contracts', 'contract-secondary');
	await clickAndWait(page, page.locator('#children a', { hasText: '辦證窗口' }));
	await clickAndWait(page, page.locator('#sign'));
	assert.match(await page.locator('#sig-issuer').textContent(), /陳處長/);
});

journey('the window signs and decomposes to its posts', async ({ page, base }) => {
	await signIn(page, base, 'ctw1', PASSWORD);
	await page.goto(`${base}/assessment/contracts`);
	await clickAndWait(page, page.locator('#waiting-mine a.btn').first());
	await clickAndWait(page, page.locator('#sign'));
	assert.equal(await page.locator('#state').getAttribute('data-state'), 'in_force');
	await clickAndWait(page, page.locator('#decompose-all'));
	await clickAndWait(page, page.locator('#children a', { hasText: '王小明' }));
	await clickAndWait(page, page.locator('#sign'));
	assert.equal(await page.locator('#state').getAttribute('data-state'), 'issued');
	assert.equal(await page.locator('#waiting').count(), 1, 'waiting for the post holder');
});

journey('a window\'s post holder signs their contract on a phone', { browser: { viewport: PHONE, hasTouch: true, isMobile: true } }, async ({ page, base }) => {
	await signIn(page, base, 'ctp1', PASSWORD);
	// the home page says a contract waits; the tile leads to it
	const tile = page.locator('a.tile[href*="/assessment/contracts"]');
	assert.match(await tile.textContent(), /待您簽署\s*1/);
	await screenshots(page, 'contracts', 'phone-home', { sizes: ['phone'] });
	await clickAndWait(page, tile);
	assert.match(page.url(), /\/assessment\/contracts\?year=\d+#waiting-mine$/);
	const card = page.locator('#waiting-mine');
	assert.match(await card.textContent(), /辦證窗口 → 王小明（辦證窗口）/);
	const open = card.locator('a.btn').first();
	const ob = await open.boundingBox();
	assert.ok(ob.height >= 44 && ob.width >= 300, `a big link: ${JSON.stringify(ob)}`);
	await screenshots(page, 'contracts', 'phone-waiting', { sizes: ['phone'] });
	await clickAndWait(page, open);
	assert.equal(await page.locator('#state').getAttribute('data-state'), 'issued');
	const button = page.locator('#sign');
	const box = await button.boundingBox();
	assert.ok(box.height >= 48 && box.width >= 300 && box.x >= 0 && box.x + box.width <= PHONE.width, `a big button on screen: ${JSON.stringify(box)}`);
	assert.equal(await button.textContent(), '確認簽署（責任方）');
	const w = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(w <= PHONE.width, `no sideways scrolling (${w}px)`);
	await screenshots(page, 'contracts', 'phone-contract', { sizes: ['phone'] });
	await clickAndWait(page, button);
	assert.equal(await page.locator('#state').getAttribute('data-state'), 'in_force');
	assert.equal(await page.locator('#state').textContent(), '已生效');
	assert.match(await page.locator('#sig-holder').textContent(), /王小明/);
	assert.equal(await page.locator('#sign').count(), 0, 'nothing left to sign');
	await screenshots(page, 'contracts', 'phone-signed', { sizes: ['phone'] });
	const { sql } = journey.setup();
	assert.match(sql('SELECT state, holder_signer FROM assess_contracts WHERE holder_person_id IS NOT NULL'), /^in_force\|王小明$/);
});
